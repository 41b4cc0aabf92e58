"""Cuentas del equipo (administración, facilitación, equipo técnico): contraseñas con argon2 que no sean
fáciles de adivinar (zxcvbn), esperas crecientes por cuenta *y* origen, límite de intentos por origen, y de
dónde viene un pedido (`origen_del_pedido`). Las sesiones viven en `identidad.sesiones`.

Nadie puede dejar afuera a otra persona: los fallos se cuentan por (cuenta, origen), así que quien prueba
contraseñas solo se frena a sí mismo; la dueña entra desde otro equipo o desde el navegador con el que ya
entró antes (que se cuenta aparte aunque comparta la red con quien prueba).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import replace

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database
from zxcvbn import zxcvbn

from identidad import sesiones
from identidad.acceso import Accion, Actor, Rol, SinPermiso, exigir
from identidad.sesiones import Sesion
from nucleo.db import Evento, escritura, marca, registrar_evento
from nucleo.errores import ErrorPlataforma, Problema

HASHER = PasswordHasher()
HASH_FICTICIO = HASHER.hash("contraseña que no abre nada")
FALLOS_SIN_ESPERA = 5  # por cuenta y origen; después, esperas de 1, 2, 4… minutos
ESPERA_MAXIMA = dt.timedelta(hours=1)
MEMORIA_DE_FALLOS = dt.timedelta(hours=24)
VENTANA_INTENTOS = dt.timedelta(minutes=15)
INTENTOS_POR_ORIGEN = 20
ROLES_DE_EQUIPO = (Rol.ADMINISTRADOR, Rol.FACILITADOR, Rol.EVALUADOR, Rol.VIGILANCIA)
PUNTAJE_MINIMO = 3  # zxcvbn: 3 = «difícil de adivinar» (más de 10⁸ intentos)
# Palabras que cualquiera probaría aquí primero (zxcvbn ya trae las contraseñas comunes y los teclados).
PALABRAS_DEL_LUGAR = ("contraseña", "contrasena", "clave", "password", "huaylas", "caraz", "yungay", "ancash",
                      "áncash", "huaraz", "peru", "perú", "mclcp", "mesa", "concertacion", "plataforma",
                      "municipalidad", "presupuesto", "participativo", "taller")


class ErrorCuenta(ErrorPlataforma):
    """Problema con una cuenta o un ingreso; el texto es para la persona."""


class DemasiadosIntentos(ErrorCuenta):
    """Se superó el límite de intentos; dice hasta cuándo esperar."""


def validar_contrasena(contrasena: str, usuario: str, nombre: str = "") -> list[Problema]:
    """Largo, sin el usuario, y difícil de adivinar: zxcvbn (contraseñas comunes, teclados, secuencias,
    repeticiones, fechas, el nombre de la persona y las palabras del lugar) con puntaje 3 o más."""
    problemas = []
    if len(contrasena) < 10:
        problemas.append(Problema("contrasena", f"La contraseña tiene {len(contrasena)} caracteres; use al menos 10."))
    if len(contrasena) > 200:
        problemas.append(Problema("contrasena", "La contraseña tiene más de 200 caracteres."))
    if contrasena and len(set(contrasena)) < 4:
        problemas.append(Problema("contrasena", "La contraseña repite casi siempre el mismo carácter."))
    if usuario and usuario.lower() in contrasena.lower():
        problemas.append(Problema("contrasena", "La contraseña no puede contener el nombre de usuario."))
    if not problemas:
        debil = por_que_es_debil(contrasena, [usuario, *nombre.split()])
        if debil:
            problemas.append(Problema("contrasena", debil))
    return problemas


RAZONES = {"repeat": "repite caracteres o grupos («aaaa», «abcabc»)",
           "spatial": "sigue una fila o un dibujo del teclado («qwertyuiop», «asdfgh»)",
           "sequence": "es una secuencia («1234567890», «abcdef»)",
           "date": "usa una fecha o un año",
           "passwords": "está entre las contraseñas más usadas del mundo",
           "user_inputs": "usa su nombre, su usuario o palabras de esta plataforma y del lugar",
           "dictionary": "es una palabra o un nombre común"}


def por_que_es_debil(contrasena: str, propias: list[str]) -> str | None:
    """None si la contraseña es difícil de adivinar; si no, el motivo en castellano (lo que zxcvbn encontró).
    zxcvbn mira los primeros 72 caracteres (más largo, lanza ValueError): una frase más larga es aún más difícil."""
    resultado = zxcvbn(contrasena[:72], user_inputs=[p for p in (*propias, *PALABRAS_DEL_LUGAR) if p])
    if resultado["score"] >= PUNTAJE_MINIMO:
        return None
    razones = []
    for parte in resultado["sequence"]:
        clave = parte["pattern"]
        if clave == "dictionary":
            clave = parte.get("dictionary_name") if parte.get("dictionary_name") in RAZONES else "dictionary"
        if clave in RAZONES and RAZONES[clave] not in razones:
            razones.append(RAZONES[clave])
    detalle = "; ".join(razones) if razones else "es corta o muy simple"
    return (f"La contraseña es fácil de adivinar: {detalle}. Use una frase de tres o cuatro palabras que no suelan "
            "ir juntas, o una más larga.")


def crear_cuenta(db: Database, *, usuario: str, nombre: str, rol: Rol, contrasena: str, actor: Actor,
                 ahora: dt.datetime) -> int:
    """Crea una cuenta del equipo. La primera cuenta solo puede ser de administración (la crea la CLI)."""
    usuario = (usuario or "").strip().lower()
    nombre = (nombre or "").strip()
    problemas = []
    if not re.fullmatch(r"[a-z0-9._-]{3,40}", usuario):
        problemas.append(Problema("usuario", f"El usuario {usuario!r} no es válido; use de 3 a 40 letras minúsculas, "
                                             "números, punto, guion o guion bajo."))
    if not 2 <= len(nombre) <= 120:
        problemas.append(Problema("nombre", f"El nombre tiene {len(nombre)} caracteres; debe tener entre 2 y 120."))
    if rol not in ROLES_DE_EQUIPO:
        problemas.append(Problema("rol", f"El rol {rol.value!r} no es de una cuenta del equipo."))
    problemas += validar_contrasena(contrasena or "", usuario, nombre)
    if problemas:
        raise ErrorCuenta("Revise los datos de la cuenta.", problemas)
    with escritura(db):
        if db.execute("SELECT count(*) FROM cuentas").fetchone()[0] == 0:
            if rol != Rol.ADMINISTRADOR:
                raise ErrorCuenta("La primera cuenta debe ser de administración.")
        else:
            exigir(actor, Accion.GESTIONAR_CUENTAS)
            sesiones.exigir_vigente(db, actor, ahora=ahora)
        if db.execute("SELECT 1 FROM cuentas WHERE usuario = ?", [usuario]).fetchone():
            raise ErrorCuenta("Revise los datos de la cuenta.", [Problema("usuario", f"Ya existe el usuario {usuario}.")])
        # la contraseña que otra persona eligió se cambia al primer ingreso (la línea de comandos crea la suya)
        cuenta_id = int(db.table("cuentas").insert({"usuario": usuario, "nombre": nombre, "rol": rol.value,
                                          "hash": HASHER.hash(contrasena), "creada_en": marca(ahora),
                                          "actualizada_en": marca(ahora),
                                          "debe_cambiar_contrasena": int(actor.cuenta_id is not None)}).last_pk or 0)
        registrar_evento(db, Evento(actor.etiqueta, "crear_cuenta", "cuenta", cuenta_id, None,
                                    {"usuario": usuario, "rol": rol.value}), momento=ahora)
    return cuenta_id


def hay_cuentas(db: Database) -> bool:
    return db.execute("SELECT count(*) FROM cuentas WHERE desactivada_en IS NULL").fetchone()[0] > 0


def iniciar_sesion(db: Database, *, usuario: str, contrasena: str, origen: str, ahora: dt.datetime,
                   cookie_previa: str | None = None) -> Sesion:
    """Verifica usuario y contraseña y abre una sesión en el servidor (su token va a la cookie).

    Frenos, sin que nadie pueda dejar afuera a otra persona:
    - por origen (IP): a lo más `INTENTOS_POR_ORIGEN` fallos en 15 minutos, sea cual sea la cuenta;
    - por cuenta *y* origen: tras 5 fallos, esperas de 1, 2, 4… minutos (hasta una hora) entre intentos.
      Un intento rechazado por la espera no se verifica ni cuenta: nadie alarga la espera a golpes.
    El navegador que ya entró con esa cuenta (`cookie_previa`, aunque su sesión haya vencido) es su propio
    origen: quien prueba contraseñas desde la misma red no lo frena. Los fallos se guardan (se confirman)
    antes de avisar el error: así cuentan.
    """
    usuario = (usuario or "").strip().lower()
    error: ErrorCuenta | None = None
    with escritura(db):
        previa = sesiones.sesion_previa_de(db, cookie_previa, usuario)
        origen = f"navegador:{previa}" if previa else origen
        limitar_intentos(db, origen, "contrasena", ahora)
        libre = _espera_hasta(db, usuario, origen, ahora)
        filas = list(db["cuentas"].rows_where("usuario = ? AND desactivada_en IS NULL", [usuario]))
        cuenta = dict(filas[0]) if filas else None
        if libre:
            error = DemasiadosIntentos(f"Hubo varios intentos fallidos con ese usuario desde este equipo: vuelva a "
                                       f"intentar a las {_hora(libre)}. Desde otro equipo, o desde el navegador con "
                                       "que ya entró antes, puede entrar ahora.")
        elif not _verificar(cuenta["hash"] if cuenta else HASH_FICTICIO, contrasena or "") or cuenta is None:
            anotar_intento(db, origen, "contrasena", False, ahora, cuenta=usuario)
            if cuenta:
                registrar_evento(db, Evento(f"{cuenta['rol']}:{cuenta['usuario']}", "ingreso_fallido", "cuenta",
                                            cuenta["id"], None, {"origen": origen[:60]}), momento=ahora)
            error = ErrorCuenta("Usuario o contraseña incorrectos.")
        else:
            if HASHER.check_needs_rehash(cuenta["hash"]):
                db.table("cuentas").update(cuenta["id"], {"hash": HASHER.hash(contrasena)})
            anotar_intento(db, origen, "contrasena", True, ahora, cuenta=usuario)
            actor = Actor(Rol(cuenta["rol"]), cuenta["usuario"], cuenta_id=cuenta["id"])
            sesion = replace(sesiones.crear(db, actor=actor, ahora=ahora),
                             debe_cambiar_contrasena=bool(cuenta["debe_cambiar_contrasena"]))
            registrar_evento(db, Evento(actor.etiqueta, "iniciar_sesion", "cuenta", cuenta["id"], None,
                                        {"sesion": sesion.actor.sesion_id}), momento=ahora)
    if error:
        raise error
    return sesion


def _espera_hasta(db: Database, usuario: str, origen: str, ahora: dt.datetime) -> dt.datetime | None:
    """Hasta cuándo espera este (usuario, origen) tras sus fallos seguidos de las últimas 24 h, o None."""
    fallos, ultimo = db.execute("""
        SELECT count(*), max(ocurrido_en) FROM intentos_acceso
        WHERE cuenta = ? AND origen = ? AND tipo = 'contrasena' AND exito = 0 AND ocurrido_en > ?
          AND ocurrido_en > coalesce((SELECT max(ocurrido_en) FROM intentos_acceso WHERE cuenta = ? AND origen = ?
                                      AND tipo = 'contrasena' AND exito = 1), '')""",
                                [usuario, origen, marca(ahora - MEMORIA_DE_FALLOS), usuario, origen]).fetchone()
    if fallos < FALLOS_SIN_ESPERA:
        return None
    libre = dt.datetime.fromisoformat(ultimo) + min(dt.timedelta(minutes=2 ** min(fallos - FALLOS_SIN_ESPERA, 7)),
                                                     ESPERA_MAXIMA)
    return libre if libre > ahora else None


def cambiar_contrasena(db: Database, *, actor: Actor, actual: str, nueva: str, ahora: dt.datetime) -> None:
    """Cambia la contraseña propia; las demás sesiones de la cuenta se cierran (la de este navegador sigue)."""
    if actor.cuenta_id is None:
        raise SinPermiso("Solo las cuentas del equipo tienen contraseña.")
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora, para_cambiar_contrasena=True)
        hash_actual, nombre = db.execute("SELECT hash, nombre FROM cuentas WHERE id = ?", [actor.cuenta_id]).fetchone()
        if not _verificar(hash_actual, actual or ""):
            raise ErrorCuenta("La contraseña actual no es correcta.", [Problema("actual", "No es correcta.")])
        problemas = validar_contrasena(nueva or "", actor.nombre, nombre)
        if nueva == actual:
            problemas.append(Problema("contrasena", "La contraseña nueva es igual a la actual."))
        if problemas:
            raise ErrorCuenta("Revise la contraseña nueva.", problemas)
        db.table("cuentas").update(actor.cuenta_id, {"hash": HASHER.hash(nueva), "actualizada_en": marca(ahora),
                                               "debe_cambiar_contrasena": 0})
        sesiones.revocar_de_cuenta(db, actor.cuenta_id, sesiones.CONTRASENA_CAMBIADA, ahora=ahora,
                                   salvo=actor.sesion_id)
        registrar_evento(db, Evento(actor.etiqueta, "cambiar_contrasena", "cuenta", actor.cuenta_id, None, None),
                         momento=ahora)


def listar_cuentas(db: Database, *, actor: Actor) -> list[dict]:
    exigir(actor, Accion.GESTIONAR_CUENTAS)
    return [dict(f) for f in db["cuentas"].rows_where(select="id, usuario, nombre, rol, creada_en, desactivada_en, "
                                                             "debe_cambiar_contrasena", order_by="usuario")]


def para_buscar(db: Database) -> list[dict]:
    """Usuario, nombre, rol y desactivación de cada cuenta: para saber si quien pide borrar sus datos es también
    del equipo (`propuestas.datos_personales`)."""
    return [dict(f) for f in db["cuentas"].rows_where(select="usuario, nombre, rol, desactivada_en",
                                                      order_by="usuario")]


def nombres_de_usuarios(db: Database, usuarios: list[str]) -> dict[str, str]:
    """usuario → nombre de la persona, de las cuentas que existen: los documentos y los saludos nombran a personas,
    no a usuarios («Fabiola Milla», no «fabi»)."""
    if not usuarios:
        return {}
    marcas = ", ".join("?" for _ in usuarios)
    return {usuario: nombre for usuario, nombre in db.execute(
        f"SELECT usuario, nombre FROM cuentas WHERE usuario IN ({marcas})", list(usuarios)).fetchall() if nombre}


def nombre_de(db: Database, *, actor: Actor) -> str:
    """El nombre de la persona de la cuenta de `actor` (su usuario si la cuenta no existe)."""
    fila = db.execute("SELECT nombre FROM cuentas WHERE id = ?", [actor.cuenta_id]).fetchone()
    return fila[0] if fila and fila[0] else actor.nombre


def desactivar_cuenta(db: Database, cuenta_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    """Desactiva una cuenta (no se borra) y cierra en el acto sus sesiones abiertas."""
    exigir(actor, Accion.GESTIONAR_CUENTAS)
    if cuenta_id == actor.cuenta_id:
        raise ErrorCuenta("No puede desactivar su propia cuenta.")
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        if not db.execute("SELECT 1 FROM cuentas WHERE id = ? AND desactivada_en IS NULL", [cuenta_id]).fetchone():
            raise ErrorCuenta(f"No hay una cuenta activa con el número {cuenta_id}.")
        db.table("cuentas").update(cuenta_id, {"desactivada_en": marca(ahora), "actualizada_en": marca(ahora)})
        cerradas = sesiones.revocar_de_cuenta(db, cuenta_id, sesiones.CUENTA_DESACTIVADA, ahora=ahora)
        registrar_evento(db, Evento(actor.etiqueta, "desactivar_cuenta", "cuenta", cuenta_id, None,
                                    {"sesiones_cerradas": cerradas}), momento=ahora)


def origen_del_pedido(ip: str | None, reenviado_por: list[str], proxies_confiables: set[str]) -> str:
    """De dónde viene un pedido, para limitar intentos: algo que quien ataca no renueva gratis.

    - `ip`: la del socket tal como la ve el servidor (None si es esta misma computadora).
    - `X-Forwarded-For` (`reenviado_por`) solo se cree si se declaró un proxy (`PLATAFORMA_PROXY_CONFIABLE`): se
      toma la dirección más a la derecha que no sea de un proxy declarado. Sin proxy declarado, quien manda esa
      cabecera la inventa (el servidor, uvicorn, ya la cree si llega desde 127.0.0.1 y cambia la IP por ella):
      todos esos pedidos son un solo origen, por más valores que invente.
    - Sin IP (esta computadora) el origen es uno solo, «local»: abrir otra pestaña o websocket no da otro.
    """
    entradas = [e.strip() for valor in reenviado_por for e in valor.split(",") if e.strip()]
    if entradas and not proxies_confiables:
        return "reenviado-sin-proxy"
    if entradas:
        for entrada in reversed(entradas):
            if _normalizar_ip(entrada) not in proxies_confiables:
                return f"ip:{_normalizar_ip(entrada)}"
        return "ip:proxy"
    normal = _normalizar_ip(ip) if ip else None
    return "local" if normal is None or ipaddress.ip_address(normal).is_loopback else f"ip:{normal}"


def _normalizar_ip(texto: str) -> str:
    """«::ffff:10.0.0.7» → «10.0.0.7»; un texto que no es IP queda como texto (acotado)."""
    try:
        direccion = ipaddress.ip_address(texto.strip().strip("[]"))
    except ValueError:
        return texto.strip()[:60]
    mapeada = getattr(direccion, "ipv4_mapped", None)
    return str(mapeada or direccion)


def limitar_intentos(db: Database, origen: str, tipo: str, ahora: dt.datetime) -> None:
    """Frena a quien prueba muchas claves desde un mismo origen (`origen_del_pedido`)."""
    desde = marca(ahora - VENTANA_INTENTOS)
    fallidos = db.execute("SELECT count(*), min(ocurrido_en) FROM intentos_acceso WHERE origen = ? AND tipo = ? "
                          "AND exito = 0 AND ocurrido_en > ?", [origen, tipo, desde]).fetchone()
    if fallidos[0] >= INTENTOS_POR_ORIGEN:
        libre = dt.datetime.fromisoformat(fallidos[1]) + VENTANA_INTENTOS
        raise DemasiadosIntentos(f"Demasiados intentos fallidos desde este equipo; espere hasta las {_hora(libre)}.")


OLVIDADO = "olvidado"


def olvidar_origenes(db: Database, antes_de: dt.datetime) -> int:
    """Dentro de una escritura: la dirección de red de los intentos de acceso anteriores a `antes_de` (ya no frenan
    a nadie) se reemplaza por «olvidado». La fila queda (cuántos intentos hubo y cuándo). Devuelve cuántas cambiaron."""
    return db.execute("UPDATE intentos_acceso SET origen = ? WHERE ocurrido_en < ? AND origen != ?",
                      [OLVIDADO, marca(antes_de), OLVIDADO]).rowcount


def anotar_intento(db: Database, origen: str, tipo: str, exito: bool, ahora: dt.datetime,
                   cuenta: str | None = None) -> None:
    db.table("intentos_acceso").insert({"origen": origen[:100], "tipo": tipo, "exito": int(exito),
                                  "ocurrido_en": marca(ahora), "cuenta": cuenta[:40] if cuenta else None})


def _verificar(hash_guardado: str, contrasena: str) -> bool:
    try:
        return HASHER.verify(hash_guardado, contrasena)
    except (VerificationError, InvalidHashError):
        return False


def _hora(momento: dt.datetime) -> str:
    return momento.astimezone(dt.timezone(dt.timedelta(hours=-5))).strftime("%H:%M")
