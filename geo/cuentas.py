"""Cuentas del equipo (administración, facilitación, equipo técnico): contraseñas con argon2,
bloqueo progresivo tras fallos, límite de intentos por origen, sesiones con vencimiento."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from geo.acceso import Accion, Actor, Rol, SinPermiso, exigir
from geo.db import Evento, escritura, marca, registrar_evento
from geo.modelo import ErrorGeo, Problema

HASHER = PasswordHasher()
HASH_FICTICIO = HASHER.hash("contraseña que no abre nada")
FALLOS_ANTES_DE_BLOQUEAR = 5
BLOQUEO_MAXIMO = dt.timedelta(hours=1)
VENTANA_INTENTOS = dt.timedelta(minutes=15)
INTENTOS_POR_ORIGEN = 20
INACTIVIDAD_MAXIMA = dt.timedelta(minutes=30)
DURACION_MAXIMA = dt.timedelta(hours=12)
ROLES_DE_EQUIPO = (Rol.ADMINISTRADOR, Rol.FACILITADOR, Rol.EVALUADOR)


class ErrorCuenta(ErrorGeo):
    """Problema con una cuenta o un ingreso; el texto es para la persona."""

    def __init__(self, mensaje: str, problemas: list[Problema] | None = None):
        super().__init__(mensaje)
        self.problemas = problemas or []


class DemasiadosIntentos(ErrorCuenta):
    """Se superó el límite de intentos; dice hasta cuándo esperar."""


@dataclass(frozen=True)
class Sesion:
    actor: Actor
    iniciada_en: dt.datetime
    ultima_actividad: dt.datetime

    def vencida(self, ahora: dt.datetime) -> str | None:
        """Motivo si la sesión venció (inactividad o duración máxima), o None."""
        if ahora - self.ultima_actividad > INACTIVIDAD_MAXIMA:
            return "Su sesión se cerró tras 30 minutos sin actividad; vuelva a entrar."
        if ahora - self.iniciada_en > DURACION_MAXIMA:
            return "Su sesión se cerró tras 12 horas; vuelva a entrar."
        return None


def validar_contrasena(contrasena: str, usuario: str) -> list[Problema]:
    problemas = []
    if len(contrasena) < 10:
        problemas.append(Problema("contrasena", f"La contraseña tiene {len(contrasena)} caracteres; use al menos 10."))
    if len(contrasena) > 200:
        problemas.append(Problema("contrasena", "La contraseña tiene más de 200 caracteres."))
    if contrasena and len(set(contrasena)) < 4:
        problemas.append(Problema("contrasena", "La contraseña repite casi siempre el mismo carácter."))
    if usuario and usuario.lower() in contrasena.lower():
        problemas.append(Problema("contrasena", "La contraseña no puede contener el nombre de usuario."))
    return problemas


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
    problemas += validar_contrasena(contrasena or "", usuario)
    if problemas:
        raise ErrorCuenta("Revise los datos de la cuenta.", problemas)
    with escritura(db):
        if db.execute("SELECT count(*) FROM cuentas").fetchone()[0] == 0:
            if rol != Rol.ADMINISTRADOR:
                raise ErrorCuenta("La primera cuenta debe ser de administración.")
        else:
            exigir(actor, Accion.GESTIONAR_CUENTAS)
        if db.execute("SELECT 1 FROM cuentas WHERE usuario = ?", [usuario]).fetchone():
            raise ErrorCuenta("Revise los datos de la cuenta.", [Problema("usuario", f"Ya existe el usuario {usuario}.")])
        cuenta_id = db["cuentas"].insert({"usuario": usuario, "nombre": nombre, "rol": rol.value,
                                          "hash": HASHER.hash(contrasena), "creada_en": marca(ahora),
                                          "actualizada_en": marca(ahora)}).last_pk
        registrar_evento(db, Evento(actor.etiqueta, "crear_cuenta", "cuenta", cuenta_id, None,
                                    {"usuario": usuario, "rol": rol.value}), momento=ahora)
    return cuenta_id


def hay_cuentas(db: Database) -> bool:
    return db.execute("SELECT count(*) FROM cuentas WHERE desactivada_en IS NULL").fetchone()[0] > 0


def iniciar_sesion(db: Database, *, usuario: str, contrasena: str, origen: str, ahora: dt.datetime) -> Sesion:
    """Verifica usuario y contraseña; bloqueo progresivo por cuenta y límite por origen.

    Los fallos se guardan (se confirman) antes de avisar el error: así cuentan para el bloqueo.
    """
    usuario = (usuario or "").strip().lower()
    error: ErrorCuenta | None = None
    with escritura(db):
        limitar_intentos(db, origen, "contrasena", ahora)
        filas = list(db["cuentas"].rows_where("usuario = ? AND desactivada_en IS NULL", [usuario]))
        cuenta = dict(filas[0]) if filas else None
        bloqueada_hasta = dt.datetime.fromisoformat(cuenta["bloqueada_hasta"]) if cuenta and cuenta["bloqueada_hasta"] \
            else None
        if bloqueada_hasta and bloqueada_hasta > ahora:
            anotar_intento(db, origen, "contrasena", False, ahora)
            error = DemasiadosIntentos(f"La cuenta está bloqueada por intentos fallidos hasta las {_hora(bloqueada_hasta)}.")
        elif not _verificar(cuenta["hash"] if cuenta else HASH_FICTICIO, contrasena or "") or cuenta is None:
            anotar_intento(db, origen, "contrasena", False, ahora)
            if cuenta:
                _anotar_fallo(db, cuenta, ahora)
            error = ErrorCuenta("Usuario o contraseña incorrectos.")
        else:
            cambios = {"fallos": 0, "bloqueada_hasta": None}
            if HASHER.check_needs_rehash(cuenta["hash"]):
                cambios["hash"] = HASHER.hash(contrasena)
            db["cuentas"].update(cuenta["id"], cambios)
            anotar_intento(db, origen, "contrasena", True, ahora)
            actor = Actor(Rol(cuenta["rol"]), cuenta["usuario"], cuenta_id=cuenta["id"])
            registrar_evento(db, Evento(actor.etiqueta, "iniciar_sesion", "cuenta", cuenta["id"], None, None),
                             momento=ahora)
    if error:
        raise error
    return Sesion(actor, ahora, ahora)


def _anotar_fallo(db: Database, cuenta: dict, ahora: dt.datetime) -> None:
    fallos = cuenta["fallos"] + 1
    bloqueo = None
    if fallos >= FALLOS_ANTES_DE_BLOQUEAR:
        espera = min(dt.timedelta(minutes=2 ** (fallos - FALLOS_ANTES_DE_BLOQUEAR)), BLOQUEO_MAXIMO)
        bloqueo = marca(ahora + espera)
    db["cuentas"].update(cuenta["id"], {"fallos": fallos, "bloqueada_hasta": bloqueo})
    registrar_evento(db, Evento(f"{cuenta['rol']}:{cuenta['usuario']}", "ingreso_fallido", "cuenta", cuenta["id"],
                                None, {"fallos": fallos, "bloqueada_hasta": bloqueo}), momento=ahora)


def cambiar_contrasena(db: Database, actor: Actor, *, actual: str, nueva: str, ahora: dt.datetime) -> None:
    if actor.cuenta_id is None:
        raise SinPermiso("Solo las cuentas del equipo tienen contraseña.")
    with escritura(db):
        (hash_actual,) = db.execute("SELECT hash FROM cuentas WHERE id = ?", [actor.cuenta_id]).fetchone()
        if not _verificar(hash_actual, actual or ""):
            raise ErrorCuenta("La contraseña actual no es correcta.", [Problema("actual", "No es correcta.")])
        problemas = validar_contrasena(nueva or "", actor.nombre)
        if problemas:
            raise ErrorCuenta("Revise la contraseña nueva.", problemas)
        db["cuentas"].update(actor.cuenta_id, {"hash": HASHER.hash(nueva), "actualizada_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "cambiar_contrasena", "cuenta", actor.cuenta_id, None, None),
                         momento=ahora)


def listar_cuentas(db: Database, actor: Actor) -> list[dict]:
    exigir(actor, Accion.GESTIONAR_CUENTAS)
    return [dict(f) for f in db["cuentas"].rows_where(select="id, usuario, nombre, rol, creada_en, desactivada_en, "
                                                             "bloqueada_hasta", order_by="usuario")]


def desactivar_cuenta(db: Database, cuenta_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.GESTIONAR_CUENTAS)
    if cuenta_id == actor.cuenta_id:
        raise ErrorCuenta("No puede desactivar su propia cuenta.")
    with escritura(db):
        db["cuentas"].update(cuenta_id, {"desactivada_en": marca(ahora), "actualizada_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "desactivar_cuenta", "cuenta", cuenta_id, None, None),
                         momento=ahora)


def limitar_intentos(db: Database, origen: str, tipo: str, ahora: dt.datetime) -> None:
    """Frena a quien prueba muchas claves desde un mismo origen (IP o sesión)."""
    desde = marca(ahora - VENTANA_INTENTOS)
    fallidos = db.execute("SELECT count(*), min(ocurrido_en) FROM intentos_acceso WHERE origen = ? AND tipo = ? "
                          "AND exito = 0 AND ocurrido_en > ?", [origen, tipo, desde]).fetchone()
    if fallidos[0] >= INTENTOS_POR_ORIGEN:
        libre = dt.datetime.fromisoformat(fallidos[1]) + VENTANA_INTENTOS
        raise DemasiadosIntentos(f"Demasiados intentos fallidos desde este equipo; espere hasta las {_hora(libre)}.")


def anotar_intento(db: Database, origen: str, tipo: str, exito: bool, ahora: dt.datetime) -> None:
    db["intentos_acceso"].insert({"origen": origen[:100], "tipo": tipo, "exito": int(exito),
                                  "ocurrido_en": marca(ahora)})


def _verificar(hash_guardado: str, contrasena: str) -> bool:
    try:
        return HASHER.verify(hash_guardado, contrasena)
    except (VerificationError, InvalidHashError):
        return False


def _hora(momento: dt.datetime) -> str:
    return momento.astimezone(dt.timezone(dt.timedelta(hours=-5))).strftime("%H:%M")
