"""Conexión SQLite, transacciones de escritura y registro de eventos.

`nucleo` es el primer piso (nucleo ← identidad ← geo ← propuestas ← votacion ← paginas): aquí vive lo que
todos los paquetes comparten para guardar datos:

- `abrir(ruta)`: una conexión nueva (WAL, busy timeout, claves foráneas, `synchronous=FULL`). Se abre una por
  cada ejecución de la página; nunca se guarda una conexión entre hilos de Streamlit.
- `escritura(db)`: la única vía de escritura: `BEGIN IMMEDIATE` (toma el candado de
  escritura antes de leer, así un leer-y-luego-escribir no pierde carreras) y `ROLLBACK`
  ante cualquier error, de modo que una falla no deja filas a medias.
- `registrar_evento(...)`: fila en `eventos`, tabla de solo agregar (triggers impiden
  modificarla o borrarla).

La base guarda DNI y celulares: la base, su WAL y su SHM (SQLite les da los permisos de la base), los
respaldos y el secreto se crean con permisos 0600 (solo el usuario del servidor), y una base ya existente
con permisos más abiertos se cierra al abrirla. Con el disco lleno, solo fallan las escrituras, con la causa
correcta y sin la ruta del servidor (la ruta va al registro del servidor, no a quien usa la página).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import secrets
import shutil
import sqlite3
import stat
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from nucleo import esquema as herencia
from nucleo.errores import ErrorPlataforma

RAIZ = Path(__file__).resolve().parent.parent
RUTA_POR_DEFECTO = RAIZ / "datos" / "plataforma.db"
# Cuánto espera una escritura a que termine otra. En un taller de 120 celulares sobre 2 núcleos, quien tiene el
# candado también espera su turno de CPU (un solo intérprete de Python): con 5 s algunas fallaban.
ESPERA_CANDADO_MS = 15_000


class ErrorAlmacen(ErrorPlataforma):
    """La base de datos no se pudo abrir o escribir; el mensaje dice por qué en castellano."""


DISCO_LLENO = ("El disco está lleno; no se guardó nada. Lo que ya estaba guardado sigue a salvo: avise a quien "
               "administra la plataforma para que libere espacio en el servidor.")
ESPACIO_MINIMO = 1024 * 1024  # bytes libres por debajo de los cuales una falla de E/S se atribuye al disco lleno
PERMISOS = 0o600
_registro = logging.getLogger(__name__)


def ruta_configurada() -> Path:
    """Ruta de la base: `PLATAFORMA_DB` o `datos/plataforma.db` junto a la aplicación."""
    return Path(os.environ.get("PLATAFORMA_DB") or RUTA_POR_DEFECTO)


def abrir(ruta: str | Path | None = None, *, memoria: bool = False) -> Database:
    """Abre una conexión nueva, con WAL, espera ante candados y claves foráneas.

    `isolation_level=None`: sqlite3 no abre transacciones implícitas; las abre
    `escritura()` (o `db.atomic()` de sqlite-utils dentro de ella, como punto de guardado).

    `synchronous=FULL`: cada `COMMIT` espera a que el WAL esté en el disco (fsync) antes de volver. Con
    `NORMAL` (lo usual con WAL) un corte de luz puede perder las últimas escrituras confirmadas, y una
    papeleta cuyo recibo ya se mostró no puede perderse. Cuesta un fsync por escritura (medido en
    `benchmarks/carga_taller.py`; ver el README).

    `secure_delete=ON`: el contenido viejo de una fila que se actualiza o borra no queda en el espacio libre de la
    página; sin esto, un celular «borrado» por el derecho de supresión seguiría en los bytes del archivo y en cada
    respaldo (que copia las páginas tal cual).
    """
    if memoria:
        conexion = sqlite3.connect(":memory:", isolation_level=None)
    else:
        ruta = Path(ruta or ruta_configurada())
        try:
            _crear_privada(ruta)
            conexion = sqlite3.connect(str(ruta), isolation_level=None,
                                       timeout=ESPERA_CANDADO_MS / 1000)
            conexion.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.Error) as error:
            _registro.error("No se pudo abrir la base de datos %s: %s", ruta, error)
            if not _es_disco_lleno(error, ruta):
                raise ErrorAlmacen(f"No se pudo abrir la base de datos ({_causa(error)}). Avise a quien administra "
                                   "la plataforma: revise que la carpeta de la base exista y se pueda escribir en "
                                   "ella (la ruta está en el registro del servidor).") from error
            return _abrir_para_leer(ruta, error)
    conexion.execute(f"PRAGMA busy_timeout={ESPERA_CANDADO_MS}")
    conexion.execute("PRAGMA foreign_keys=ON")
    conexion.execute("PRAGMA synchronous=FULL")
    conexion.execute("PRAGMA secure_delete=ON")  # lo borrado o reemplazado se sobrescribe con ceros (Ley 29733)
    return Database(conexion, execute_plugins=False)


_guardia: tuple[str, sqlite3.Connection] | None = None


def mantener_abierta(ruta: str | Path) -> None:
    """Deja una conexión abierta, sin uso, a la base del servidor mientras viva el proceso.

    Cuando se cierra la última conexión, SQLite borra el WAL y el SHM; la siguiente página que abre la base tiene
    que crear el SHM otra vez, y con el disco lleno no puede: ninguna página abriría, ni para leer. Con esta
    conexión quieta, el SHM sigue ahí y solo fallan las escrituras. No abre transacciones (no traba a nadie ni
    detiene los checkpoints). Una sola por proceso: otra ruta reemplaza a la anterior.
    """
    global _guardia
    ruta = str(Path(ruta).resolve())
    if _guardia and _guardia[0] == ruta:
        return
    soltar_guardia()
    conexion = sqlite3.connect(ruta, isolation_level=None, check_same_thread=False,
                               timeout=ESPERA_CANDADO_MS / 1000)
    conexion.execute("SELECT count(*) FROM sqlite_master").fetchone()  # abre el WAL y el SHM
    _guardia = (ruta, conexion)


def soltar_guardia() -> None:
    """Cierra la conexión de `mantener_abierta` (al restaurar en pruebas, o para desmontar un disco)."""
    global _guardia
    if _guardia:
        _guardia[1].close()
        _guardia = None


def _crear_privada(ruta: Path) -> None:
    """La carpeta (0700 si es nueva) y el archivo de la base con permisos 0600 antes de que SQLite lo cree con 0644;
    SQLite da al WAL y al SHM los permisos de la base. Una base existente más abierta se cierra (y su WAL/SHM)."""
    ruta.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(ruta, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PERMISOS))
    except FileExistsError:
        for archivo in (ruta, ruta.with_name(ruta.name + "-wal"), ruta.with_name(ruta.name + "-shm")):
            privar(archivo)


def privar(archivo: Path) -> None:
    """Deja `archivo` en 0600 si tiene permisos para el grupo u otros (si es de otro usuario, no se puede: se deja)."""
    try:
        if stat.S_IMODE(os.stat(archivo).st_mode) & 0o077:
            os.chmod(archivo, PERMISOS)
    except (FileNotFoundError, PermissionError):
        pass


def _es_disco_lleno(error: BaseException, ruta: Path | None) -> bool:
    """¿La falla es por falta de espacio? SQLITE_FULL o ENOSPC lo dicen; una falla de E/S (el SHM que no puede
    crecer) con el disco sin espacio, también."""
    nombre = getattr(error, "sqlite_errorname", "") or ""
    if nombre == "SQLITE_FULL" or getattr(error, "errno", None) == errno.ENOSPC or "disk is full" in str(error):
        return True
    if ruta is None or not (nombre.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or isinstance(error, OSError)):
        return False
    try:
        return shutil.disk_usage(ruta.parent).free < ESPACIO_MINIMO
    except OSError:
        return False


def _causa(error: BaseException) -> str:
    """El motivo sin rutas del servidor (un OSError trae el nombre del archivo)."""
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


def _abrir_para_leer(ruta: Path, error: BaseException) -> Database:
    """Con el disco lleno y nadie con la base abierta, SQLite no puede crear el SHM del WAL y no abre ni para leer.
    Si el WAL está vacío (todo está en la base), se abre inmutable: se lee lo mismo, y `escritura()` rechaza con
    el mensaje del disco lleno. Con un WAL con datos no: leer sin él mostraría datos viejos."""
    wal = ruta.with_name(ruta.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise ErrorAlmacen(DISCO_LLENO) from error
    try:
        conexion = sqlite3.connect(ruta.resolve().as_uri() + "?mode=ro&immutable=1", uri=True, isolation_level=None)
        conexion.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as otro:
        raise ErrorAlmacen(DISCO_LLENO) from otro
    conexion.execute("PRAGMA foreign_keys=ON")
    db = Database(conexion, execute_plugins=False)
    setattr(db, "solo_lectura", DISCO_LLENO)  # `escritura` lo revisa: esta conexión no escribe
    return db


# Un solo escritor a la vez dentro de este proceso (el servidor atiende cada celular en su hilo). Sin este candado,
# los hilos que esperan la base la sondean con el `busy_timeout` de SQLite (esperas que crecen hasta 100 ms) mientras
# el que escribe espera el GIL: con 200 celulares alguno pasaba los 15 s y veía «ocupada». Con él, esperan en fila
# y el que escribe no compite con nadie; otros procesos (la línea de comandos) siguen con el `busy_timeout`.
_UN_ESCRITOR = threading.RLock()


@contextlib.contextmanager
def escritura(db: Database) -> Iterator[Database]:
    """Transacción de escritura: `BEGIN IMMEDIATE` … `COMMIT`, o `ROLLBACK` si algo falla.

    Anidada dentro de otra escritura se vuelve un punto de guardado (`db.atomic()`). Los hilos de este proceso
    escriben de a uno (`_UN_ESCRITOR`).
    """
    motivo = getattr(db, "solo_lectura", None)
    if motivo:
        raise ErrorAlmacen(motivo)
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    if not _UN_ESCRITOR.acquire(timeout=ESPERA_CANDADO_MS / 1000):
        raise ErrorAlmacen(_explicar(sqlite3.OperationalError("database is locked"), db))
    try:
        with _transaccion(db):
            yield db
    finally:
        _UN_ESCRITOR.release()


@contextlib.contextmanager
def _transaccion(db: Database) -> Iterator[Database]:
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise ErrorAlmacen(_explicar(error, db)) from error
    try:
        yield db
    except sqlite3.OperationalError as error:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise ErrorAlmacen(_explicar(error, db)) from error
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except sqlite3.Error as error:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise ErrorAlmacen(_explicar(error, db)) from error


@contextlib.contextmanager
def lectura(db: Database) -> Iterator[Database]:
    """Varias consultas que ven la misma foto de la base (`BEGIN` diferido … `COMMIT`): lo que se escriba entre
    una y otra no se cuela a medias. Dentro de otra transacción ya hay una foto: no abre otra."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("COMMIT")


def _explicar(error: sqlite3.Error, db: Database | None = None) -> str:
    texto = str(error).lower()
    if "readonly" in texto or "read-only" in texto:
        return "La base de datos está en modo de solo lectura; no se guardó nada."
    if _es_disco_lleno(error, _ruta_de(db)):
        return DISCO_LLENO
    if "locked" in texto or "busy" in texto:
        return "La base de datos está ocupada por otra escritura; no se guardó nada. Intente de nuevo."
    return f"No se pudo escribir en la base de datos ({error}); no se guardó nada."


def _ruta_de(db: Database | None) -> Path | None:
    """El archivo de la base (None si está en memoria)."""
    if db is None:
        return None
    try:
        archivo = next((f[2] for f in db.execute("PRAGMA database_list").fetchall() if f[1] == "main"), "")
    except sqlite3.Error:
        return None
    return Path(archivo) if archivo else None


def ahora() -> dt.datetime:
    """Hora actual con zona (UTC); las capas de dominio la reciben como argumento."""
    return dt.datetime.now(dt.timezone.utc)


def marca(momento: dt.datetime) -> str:
    """Texto ISO-8601 con zona, el formato de todas las columnas `*_en`."""
    if momento.tzinfo is None:
        raise ValueError(f"La hora {momento!r} no tiene zona horaria; se espera una hora con zona.")
    return momento.isoformat(timespec="seconds")


@dataclass(frozen=True)
class Evento:
    """Un cambio de estado: quién, qué acción, sobre qué, cuándo, antes y después."""

    actor: str
    accion: str
    objeto_tipo: str
    objeto_id: str | int
    antes: Any = None
    despues: Any = None


def insertar(db: Database, tabla: str, fila: dict) -> int:
    """Inserta una fila (dentro de `escritura`) y devuelve su id."""
    return int(db.table(tabla).insert(fila).last_pk or 0)  # tras un INSERT siempre hay last_pk


def registrar_evento(db: Database, evento: Evento, *, momento: dt.datetime) -> int:
    """Agrega una fila a `eventos` (debe llamarse dentro de `escritura`)."""
    if not db.conn.in_transaction:
        raise ErrorAlmacen("registrar_evento debe llamarse dentro de una escritura.")
    cursor = db.execute(
        "INSERT INTO eventos (ocurrido_en, actor, accion, objeto_tipo, objeto_id, antes, despues)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [marca(momento), evento.actor, evento.accion, evento.objeto_tipo, str(evento.objeto_id),
         _json(evento.antes), _json(evento.despues)],
    )
    return int(cursor.lastrowid or 0)  # tras un INSERT siempre hay lastrowid


def listar_eventos(db: Database, *, objeto_tipo: str | None = None, limite: int = 200) -> list[dict]:
    """Eventos más recientes primero, con `antes`/`despues` ya decodificados."""
    donde, parametros = ("WHERE objeto_tipo = ?", [objeto_tipo]) if objeto_tipo else ("", [])
    filas = db.execute(
        f"SELECT * FROM eventos {donde} ORDER BY id DESC LIMIT ?", [*parametros, limite]
    ).fetchall()
    columnas = ["id", "ocurrido_en", "actor", "accion", "objeto_tipo", "objeto_id", "antes", "despues"]
    eventos = [dict(zip(columnas, fila)) for fila in filas]
    for evento in eventos:
        for clave in ("antes", "despues"):
            evento[clave] = json.loads(evento[clave]) if evento[clave] else None
    return eventos


def _json(valor: Any) -> str | None:
    return None if valor is None else json.dumps(valor, ensure_ascii=False, sort_keys=True, default=str)


# --- respaldo y restauración ----------------------------------------------------------------

CABECERA_SQLITE = b"SQLite format 3\x00"


def respaldar(db: Database, destino: str | Path) -> Path:
    """Copia consistente de la base (API de respaldo en línea de SQLite), aun con escrituras en curso."""
    destino = Path(destino)
    destino.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporal = destino.with_name(destino.name + ".parcial")
    temporal.unlink(missing_ok=True)  # de un respaldo que se cortó
    os.close(os.open(temporal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PERMISOS))  # 0600: trae DNI y celulares
    copia = sqlite3.connect(str(temporal))
    try:
        db.conn.backup(copia)
        copia.execute("PRAGMA journal_mode=DELETE")
    finally:
        copia.close()
    temporal.replace(destino)
    return destino


def revisar_respaldo(ruta: str | Path, migraciones: Sequence[Migrations]) -> list[str]:
    """Problemas que impiden restaurar el archivo (vacío si sirve): cabecera, integridad y esquema.

    El esquema (tablas, índices, triggers y vistas) debe ser exactamente el que crean las `migraciones` que el
    respaldo dice tener aplicadas: un trigger de más (p. ej. uno que anula en silencio las papeletas de una
    propuesta), uno de menos o uno cambiado basta para rechazarlo. `migraciones` son todos los conjuntos de la
    plataforma, en el orden en que se aplican (`votacion.servicios.MIGRACIONES`).
    """
    ruta = Path(ruta)
    with open(ruta, "rb") as archivo:
        if archivo.read(16) != CABECERA_SQLITE:
            return [f"«{ruta.name}» no es una base SQLite (no es un respaldo de la plataforma)."]
    try:
        conexion = sqlite3.connect(f"file:{ruta}?mode=ro", uri=True)
        try:
            integridad = [fila[0] for fila in conexion.execute("PRAGMA integrity_check").fetchall()]
            tablas = {fila[0] for fila in conexion.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            anotadas = conexion.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY rowid"
                                        ).fetchall() if "_sqlite_migrations" in tablas else []
            aplicadas = herencia.al_dia(anotadas)
            esquema_respaldo = esquema(conexion)
        finally:
            conexion.close()
    except sqlite3.DatabaseError as error:
        return [f"«{ruta.name}» está dañado: {error}."]
    if integridad != ["ok"]:
        return [f"La revisión de integridad falló: {'; '.join(integridad[:3])}."]
    if not {"eventos", "importaciones"} <= tablas or "geo" not in aplicadas:
        return [f"«{ruta.name}» es una base SQLite, pero no de esta plataforma (faltan sus tablas)."]
    referencia, problemas = _esquema_de_referencia(aplicadas, migraciones)
    return problemas or _comparar_esquemas(esquema_respaldo, referencia)


def esquema(conexion: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(tipo, nombre) → SQL (espacios normalizados) de cada tabla, índice, trigger y vista, sin los internos de
    SQLite (`sqlite_…`)."""
    return {(tipo, nombre): " ".join((sql or "").split()) for tipo, nombre, sql in conexion.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")}


def _esquema_de_referencia(aplicadas: dict[str, list[str]],
                           migraciones: Sequence[Migrations]) -> tuple[dict[tuple[str, str], str], list[str]]:
    """El esquema que crean, en una base en memoria, las migraciones que el respaldo dice tener aplicadas."""
    problemas = [f"El respaldo tiene migraciones del conjunto «{c}», que esta versión de la plataforma no conoce."
                 for c in aplicadas if c not in {m.name for m in migraciones}]
    referencia = abrir(memoria=True)
    try:
        for conjunto in migraciones:
            todas = [m.name for m in conjunto.pending(referencia)]
            hechas = aplicadas.get(conjunto.name, [])
            desconocidas = [n for n in hechas if n not in todas]
            if desconocidas:
                problemas.append(f"El respaldo viene de una versión más nueva de la plataforma: la migración "
                                 f"«{desconocidas[0]}» del conjunto «{conjunto.name}» no existe en esta.")
            elif hechas != todas[:len(hechas)]:
                problemas.append(f"Las migraciones del conjunto «{conjunto.name}» del respaldo no siguen el orden de "
                                 f"la plataforma: {', '.join(hechas)}.")
            elif hechas:
                conjunto.apply(referencia, stop_before=todas[len(hechas)] if len(hechas) < len(todas) else None)
        return esquema(referencia.conn), problemas
    finally:
        referencia.close()


NOMBRES_DE_TIPO = {"table": "la tabla", "index": "el índice", "trigger": "el trigger", "view": "la vista"}


def _comparar_esquemas(respaldo: dict[tuple[str, str], str], referencia: dict[tuple[str, str], str]) -> list[str]:
    problemas = []
    for clave in sorted(respaldo.keys() | referencia.keys()):
        que = f"{NOMBRES_DE_TIPO.get(clave[0], clave[0])} «{clave[1]}»"
        if clave not in referencia:
            problemas.append(f"El respaldo trae {que}, que las migraciones no crean: {respaldo[clave][:160]}")
        elif clave not in respaldo:
            problemas.append(f"Al respaldo le falta {que}, que crean las migraciones.")
        elif respaldo[clave] != referencia[clave]:
            problemas.append(f"En el respaldo, {que} no es el que crean las migraciones: {respaldo[clave][:160]}")
    return problemas


def restaurar(db: Database, origen: str | Path, *, copia_previa: str | Path, migraciones: Sequence[Migrations]) -> None:
    """Reemplaza el contenido de la base viva por el del respaldo, tras guardar una copia previa.

    Antes revisa el respaldo (`revisar_respaldo`): si algo no cuadra, no toca nada. Usa la API de respaldo en
    sentido inverso: la base viva queda con las páginas del respaldo en una sola operación bajo candado; las
    conexiones abiertas ven el contenido nuevo.
    """
    problemas = revisar_respaldo(origen, migraciones)
    if problemas:
        raise ErrorAlmacen("No se restauró nada: " + " ".join(problemas))
    respaldar(db, copia_previa)
    fuente = sqlite3.connect(f"file:{Path(origen)}?mode=ro", uri=True)
    try:
        fuente.backup(db.conn)
    finally:
        fuente.close()
    db.conn.execute("PRAGMA journal_mode=WAL")
    herencia.heredar(db)


_SECRETO_EN_MEMORIA = secrets.token_bytes(32)


def secreto_de_codigos(db: Database) -> bytes:
    """Clave secreta para las huellas de los códigos de acceso, guardada fuera de la base.

    `PLATAFORMA_SECRETO` si está definida; si no, el archivo `<base>.secreto` junto al archivo de
    la base (creado la primera vez con 32 bytes al azar y permisos 0600), de modo que la app y la
    línea de comandos que usan la misma base usan la misma clave. Quien robe solo la base no puede
    probar códigos sin conexión. Una base en memoria usa una clave del proceso.
    """
    valor = os.environ.get("PLATAFORMA_SECRETO")
    if valor:
        return valor.encode()
    archivo_base = next((fila[2] for fila in db.execute("PRAGMA database_list").fetchall() if fila[1] == "main"), "")
    if not archivo_base:
        return _SECRETO_EN_MEMORIA
    ruta = Path(archivo_base).with_name(Path(archivo_base).name + ".secreto")
    if not ruta.exists() or ruta.stat().st_size == 0:  # vacío: lo dejó una escritura cortada, nunca se usó
        _crear_secreto(ruta)
    privar(ruta)
    return ruta.read_bytes()


def _crear_secreto(ruta: Path) -> None:
    """Escribe el secreto entero en un temporal 0600 y recién entonces le da su nombre: con el disco lleno no queda
    un secreto vacío (con el que se emitirían códigos). Si otro proceso lo creó antes, vale el suyo."""
    temporal = ruta.with_name(f"{ruta.name}.{secrets.token_hex(4)}.parcial")
    try:
        descriptor = os.open(temporal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PERMISOS)
        with os.fdopen(descriptor, "wb") as archivo:
            archivo.write(secrets.token_bytes(32))
            archivo.flush()
            os.fsync(archivo.fileno())
        if ruta.exists() and ruta.stat().st_size == 0:
            ruta.unlink()
        os.link(temporal, ruta)
    except FileExistsError:
        pass
    except OSError as error:
        _registro.error("No se pudo crear el secreto %s: %s", ruta, error)
        raise ErrorAlmacen(DISCO_LLENO if _es_disco_lleno(error, ruta) else
                           f"No se pudo crear el secreto de los códigos ({_causa(error)}).") from error
    finally:
        temporal.unlink(missing_ok=True)
