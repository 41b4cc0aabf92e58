"""Sesiones en el servidor: una por ingreso (cuenta del equipo o agente participante con código).

El navegador guarda solo un token al azar (256 bits) en una cookie; la base guarda su huella SHA-256,
quién es, cuándo empezó, su última actividad, cuándo vence y, si se cerró antes, cuándo y por qué. Cada
ejecución de una página (`revisar`) y cada caso de uso sensible, dentro de su transacción
(`exigir_vigente`), miran en la base que la sesión siga viva y la cuenta activa. Salir, desactivar una
cuenta, cambiar su contraseña, revocar o reemitir un código y borrar los datos de un participante
revocan sus sesiones (`revocar_de_cuenta`, `revocar_de_participante`), dentro de la misma transacción.

Los participantes viven en `propuestas` (más arriba en la cadena): esta tabla guarda su número sin clave
foránea, y quien cambia su estado (identidad.participantes) revoca sus sesiones.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace

from sqlite_utils import Database

from identidad.acceso import Actor, Rol, SinPermiso
from nucleo.db import ErrorAlmacen, escritura, marca

DURACION_MAXIMA = dt.timedelta(hours=12)
INACTIVIDAD_MAXIMA = {"equipo": dt.timedelta(minutes=30), "participante": dt.timedelta(hours=2)}
# La última actividad se anota a lo más una vez por minuto: una página que se redibuja no escribe en disco.
ANOTAR_ACTIVIDAD_CADA = dt.timedelta(minutes=1)

SALIO = "Usted salió."
VENCIDA_INACTIVIDAD = {"equipo": "Su sesión se cerró tras 30 minutos sin actividad; vuelva a entrar.",
                       "participante": "Su sesión se cerró tras 2 horas sin actividad; vuelva a entrar con su código."}
VENCIDA_DURACION = "Su sesión se cerró tras 12 horas; vuelva a entrar."
CUENTA_DESACTIVADA = "La administración desactivó su cuenta; su sesión se cerró."
CONTRASENA_CAMBIADA = "La contraseña de su cuenta cambió; vuelva a entrar con la nueva."
CODIGO_REVOCADO = "Su código de acceso fue revocado; pida otro en la mesa de registro."
CODIGO_REEMITIDO = ("Se emitió una tarjeta nueva a su nombre y el código anterior dejó de valer; entre con el "
                    "código de la tarjeta nueva.")
DATOS_BORRADOS = "Su registro como agente participante se dio de baja; su código de acceso ya no vale."
DESCONOCIDA = "Su sesión ya no existe en este servidor (¿se restauró un respaldo?); vuelva a entrar."


class SesionTerminada(SinPermiso):
    """La sesión de quien actúa ya no vale (salió, venció o se la revocaron); el texto dice por qué."""


@dataclass(frozen=True)
class Sesion:
    """Una sesión abierta. `token` solo existe al crearla (va a la cookie y no se guarda en la base)."""

    actor: Actor
    iniciada_en: dt.datetime
    vence_en: dt.datetime
    token: str | None = None
    debe_cambiar_contrasena: bool = False


def huella(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def crear(db: Database, *, actor: Actor, ahora: dt.datetime) -> Sesion:
    """Abre una sesión para `actor` (dentro de la transacción del ingreso) y devuelve su token, una sola vez."""
    if actor.cuenta_id is None and actor.participante_id is None:
        raise ValueError(f"Solo una cuenta o un participante abren sesión, no {actor!r}.")
    token = secrets.token_urlsafe(32)
    vence = ahora + DURACION_MAXIMA
    sesion_id = db.table("sesiones").insert({
        "huella": huella(token), "rol": actor.rol.value, "cuenta_id": actor.cuenta_id,
        "participante_id": actor.participante_id, "iniciada_en": marca(ahora), "ultima_actividad_en": marca(ahora),
        "vence_en": marca(vence)}).last_pk
    return Sesion(replace(actor, sesion_id=sesion_id), ahora, vence, token)


def revisar(db: Database, token: str, *, ahora: dt.datetime) -> Sesion:
    """La sesión del token si sigue viva (y anota la actividad); si no, `SesionTerminada` con el motivo.

    La anotación de actividad es lo único que escribe, y no más de una vez por minuto; si la base no se puede
    escribir (disco lleno, solo lectura), la sesión se revisa igual y se anota la próxima vez.
    """
    fila = _fila(db, "s.huella = ?", huella(token or ""))
    if fila is None:
        raise SesionTerminada(DESCONOCIDA)
    motivo = _por_que_termino(fila, ahora)
    if motivo:
        raise SesionTerminada(motivo)
    if ahora - dt.datetime.fromisoformat(fila["ultima_actividad_en"]) >= ANOTAR_ACTIVIDAD_CADA:
        try:
            with escritura(db):
                db.execute("UPDATE sesiones SET ultima_actividad_en = ? WHERE id = ?", [marca(ahora), fila["id"]])
        except ErrorAlmacen:
            pass
    return _a_sesion(fila)


def exigir_vigente(db: Database, actor: Actor, *, ahora: dt.datetime, para_cambiar_contrasena: bool = False) -> None:
    """Dentro de la transacción de un caso de uso: la sesión de `actor` sigue viva y su cuenta activa.

    Un actor sin sesión (la línea de comandos, el público, las pruebas de servicios) no tiene nada que revisar.
    Una cuenta nueva que aún no cambió su contraseña inicial solo puede cambiarla.
    """
    if actor.sesion_id is None:
        return
    fila = _fila(db, "s.id = ?", actor.sesion_id)
    if fila is None:
        raise SesionTerminada(DESCONOCIDA)
    motivo = _por_que_termino(fila, ahora)
    if motivo:
        raise SesionTerminada(motivo)
    if fila["debe_cambiar_contrasena"] and not para_cambiar_contrasena:
        raise SinPermiso("Antes de seguir, cambie la contraseña inicial de su cuenta (en «Entrar / mi cuenta»).")


@contextlib.contextmanager
def escritura_de(db: Database, actor: Actor, *, ahora: dt.datetime) -> Iterator[Database]:
    """La transacción de escritura de un caso de uso de `actor`: empieza revisando que su sesión siga viva.

    Así una cuenta desactivada, un código revocado o una sesión cerrada se detienen en su próxima acción,
    aunque su navegador siga abierto, y sin carrera entre la revisión y la escritura.
    """
    with escritura(db):
        exigir_vigente(db, actor, ahora=ahora)
        yield db


def cerrar(db: Database, token: str, *, ahora: dt.datetime) -> None:
    """Salir: la sesión del token queda revocada («Usted salió»); la cookie ya no abre nada."""
    with escritura(db):
        db.execute("UPDATE sesiones SET revocada_en = ?, motivo = ? WHERE huella = ? AND revocada_en IS NULL",
                   [marca(ahora), SALIO, huella(token or "")])


def revocar_de_cuenta(db: Database, cuenta_id: int, motivo: str, *, ahora: dt.datetime,
                      salvo: int | None = None) -> int:
    """Revoca las sesiones abiertas de una cuenta (salvo la `salvo`); dentro de la transacción de quien llama."""
    return db.execute("UPDATE sesiones SET revocada_en = ?, motivo = ? WHERE cuenta_id = ? AND revocada_en IS NULL "
                      "AND id IS NOT ?", [marca(ahora), motivo, cuenta_id, salvo]).rowcount


def revocar_de_participante(db: Database, participante_id: int, motivo: str, *, ahora: dt.datetime) -> int:
    """Revoca las sesiones abiertas de un participante; dentro de la transacción de quien llama."""
    return db.execute("UPDATE sesiones SET revocada_en = ?, motivo = ? WHERE participante_id = ? "
                      "AND revocada_en IS NULL", [marca(ahora), motivo, participante_id]).rowcount


def sesion_previa_de(db: Database, token: str | None, usuario: str) -> int | None:
    """El número de una sesión (viva o no) de la cuenta `usuario` cuyo token trae este navegador, o None.

    Es la prueba de que el navegador ya entró antes con esa cuenta: sus intentos de contraseña se cuentan
    aparte de los de su red, así nadie más puede dejar a la persona afuera desde la misma red.
    """
    if not token:
        return None
    fila = db.execute("SELECT s.id FROM sesiones s JOIN cuentas c ON c.id = s.cuenta_id "
                      "WHERE s.huella = ? AND c.usuario = ?", [huella(token), usuario]).fetchone()
    return fila[0] if fila else None


def _fila(db: Database, donde: str, valor) -> dict | None:
    cursor = db.execute(f"""
        SELECT s.*, c.usuario, c.rol AS rol_cuenta, c.desactivada_en, c.debe_cambiar_contrasena
        FROM sesiones s LEFT JOIN cuentas c ON c.id = s.cuenta_id WHERE {donde}""", [valor])
    fila = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], fila)) if fila else None


def _por_que_termino(fila: dict, ahora: dt.datetime) -> str | None:
    if fila["revocada_en"]:
        return fila["motivo"]
    if fila["cuenta_id"] is not None and fila["desactivada_en"]:
        return CUENTA_DESACTIVADA
    tipo = "equipo" if fila["cuenta_id"] is not None else "participante"
    if ahora >= dt.datetime.fromisoformat(fila["vence_en"]):
        return VENCIDA_DURACION
    if ahora - dt.datetime.fromisoformat(fila["ultima_actividad_en"]) > INACTIVIDAD_MAXIMA[tipo]:
        return VENCIDA_INACTIVIDAD[tipo]
    return None


def _a_sesion(fila: dict) -> Sesion:
    if fila["cuenta_id"] is not None:
        actor = Actor(Rol(fila["rol_cuenta"]), fila["usuario"], cuenta_id=fila["cuenta_id"], sesion_id=fila["id"])
    else:
        actor = Actor(Rol.PARTICIPANTE, f"participante {fila['participante_id']}",
                      participante_id=fila["participante_id"], sesion_id=fila["id"])
    return Sesion(actor, dt.datetime.fromisoformat(fila["iniciada_en"]), dt.datetime.fromisoformat(fila["vence_en"]),
                  debe_cambiar_contrasena=bool(fila["debe_cambiar_contrasena"]))
