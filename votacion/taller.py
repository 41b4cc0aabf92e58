"""El taller en vivo: unirse desde el celular, asistencia y tablero de la facilitación, registrar en el momento a
quien llegó sin tarjeta, la cuenta regresiva y los acuerdos y compromisos del acta.
"""
from __future__ import annotations

import datetime as dt
import math

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, escritura, insertar, lectura, marca, registrar_evento
from nucleo.errores import NoEncontrada
from votacion import almacen
from votacion.modelo import (
    EstadoVotacion,
    Votacion,
    VotacionCerrada,
    VotacionInvalida,
)
from votacion.organizar import exigir_del_proceso, obtener, registrar_asistencia

MINUTOS_CUENTA_REGRESIVA = (1, 180)
SIN_ORGANIZACION = {"joven": "(jóvenes sin organización)", "ciudadano": "(ciudadanía sin organización)"}


def unirse(db: Database, votacion_id: int, *, actor: Actor, ahora: dt.datetime) -> bool:
    """Anota que el agente participante abrió la votación del taller en su celular (el QR); False si ya estaba.

    Es lo que el proyector cuenta como «personas unidas». No habilita a votar por sí sola: si votan solo
    los asistentes, la asistencia la anota la facilitación.
    """
    exigir(actor, Accion.VOTAR)
    if actor.participante_id is None:
        return False
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        votacion = obtener(db, votacion_id)
        exigir_del_proceso(db, actor.participante_id, votacion)
        nueva = db.execute("INSERT OR IGNORE INTO presencias (votacion_id, participante_id, unida_en) VALUES (?, ?, ?)",
                           [votacion_id, actor.participante_id, marca(ahora)]).rowcount == 1
        if nueva:
            registrar_evento(db, Evento(actor.etiqueta, "unirse_al_taller", "votacion", votacion_id, None,
                                        {"participante": actor.participante_id}), momento=ahora)
    return nueva


def en_vivo(db: Database, votacion_id: int) -> dict:
    """Contadores públicos del proyector (sin datos personales): unidos, papeletas y ambos por distrito."""
    obtener(db, votacion_id)
    return almacen.en_vivo(db, votacion_id)


def asistencia_del_taller(db: Database, votacion_id: int, *, actor: Actor) -> dict:
    """Asistencia por organización y por distrito (anotados por la facilitación o unidos por el QR) y
    cuántos de ellos ya votaron."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    return contar_asistencia(db, votacion_id)


def contar_asistencia(db: Database, votacion_id: int) -> dict:
    """El cómputo de `asistencia_del_taller`, sin preguntar permiso: para el acta (que ya lo preguntó) y nada más."""
    obtener(db, votacion_id)
    personas = almacen.asistencia(db, votacion_id)
    nombres = territorio_servicios.nombres_de_distritos(db)
    por_organizacion: dict[str, dict] = {}
    por_distrito: dict[str, dict] = {}
    for persona in personas:
        organizacion = persona["organizacion"] or SIN_ORGANIZACION.get(persona["tipo"], "(sin organización)")
        distrito = nombres.get(persona["ubigeo"], persona["ubigeo"]) or "(sin distrito)"
        for grupo, clave in ((por_organizacion, organizacion), (por_distrito, distrito)):
            fila = grupo.setdefault(clave, {"personas": 0, "votaron": 0})
            fila["personas"] += 1
            fila["votaron"] += int(bool(persona["voto"]))
    return {"personas": len(personas), "votaron": sum(bool(p["voto"]) for p in personas),
            "por_organizacion": dict(sorted(por_organizacion.items(), key=lambda kv: (-kv[1]["personas"], kv[0]))),
            "por_distrito": dict(sorted(por_distrito.items(), key=lambda kv: (-kv[1]["personas"], kv[0])))}


def tablero_del_taller(db: Database, votacion_id: int, *, actor: Actor) -> dict:
    """Lo que la consola muestra en vivo, leído de una sola vez (la misma foto de la base): la votación, los
    contadores del proyector (`en_vivo`) y la asistencia. Así «personas unidas» y «Asistencia» no se contradicen."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    with lectura(db):
        return {"votacion": obtener(db, votacion_id), "vivo": almacen.en_vivo(db, votacion_id),
                "asistencia": asistencia_del_taller(db, votacion_id, actor=actor)}


def registrar_en_el_taller(db: Database, votacion_id: int, datos: dict, *, actor: Actor,
                           ahora: dt.datetime) -> tuple[int, str]:
    """Registra en el momento a quien llegó sin tarjeta: agente participante del proceso, con su código
    (se muestra una sola vez) y su asistencia al taller, en una sola transacción."""
    from identidad import participantes

    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        votacion = obtener(db, votacion_id)
        if votacion.estado == EstadoVotacion.CERRADA:
            raise VotacionCerrada("La votación ya se cerró: no se registra a nadie más en este taller.")
        participante_id, codigo = participantes.registrar_participante(db, votacion.proceso_id, datos, actor=actor,
                                                                       ahora=ahora)
        registrar_asistencia(db, votacion_id, participante_id, actor=actor, ahora=ahora)
    return participante_id, codigo


def iniciar_cuenta_regresiva(db: Database, votacion_id: int, minutos: int, *, actor: Actor, ahora: dt.datetime) -> str:
    """Cuenta regresiva de `minutos` que muestra el proyector (solo la muestra: cerrar sigue siendo a mano)."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    if not isinstance(minutos, int) or not MINUTOS_CUENTA_REGRESIVA[0] <= minutos <= MINUTOS_CUENTA_REGRESIVA[1]:
        raise VotacionInvalida([Problema("minutos", f"La cuenta regresiva va de {MINUTOS_CUENTA_REGRESIVA[0]} a "
                                                    f"{MINUTOS_CUENTA_REGRESIVA[1]} minutos; puso {minutos}.")])
    hasta = marca(ahora + dt.timedelta(minutes=minutos))
    _poner_cuenta_regresiva(db, votacion_id, hasta, actor=actor, ahora=ahora)
    return hasta


def detener_cuenta_regresiva(db: Database, votacion_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    _poner_cuenta_regresiva(db, votacion_id, None, actor=actor, ahora=ahora)


def _poner_cuenta_regresiva(db: Database, votacion_id: int, hasta: str | None, *, actor: Actor, ahora: dt.datetime) -> None:
    with sesiones.escritura_de(db, actor, ahora=ahora):
        anterior = obtener(db, votacion_id).cuenta_hasta
        db.table("votaciones").update(votacion_id, {"cuenta_hasta": hasta, "actualizada_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "cuenta_regresiva", "votacion", votacion_id,
                                    {"hasta": anterior}, {"hasta": hasta}), momento=ahora)


def segundos_restantes(votacion: Votacion, ahora: dt.datetime) -> int | None:
    """Segundos que le quedan a la cuenta regresiva (0 si ya terminó), o None si no hay ninguna."""
    if not votacion.cuenta_hasta:
        return None
    return max(0, math.ceil((dt.datetime.fromisoformat(votacion.cuenta_hasta) - ahora).total_seconds()))


def anotar_acuerdo(db: Database, votacion_id: int, texto: str, responsable: str, plazo: str = "", *, actor: Actor,
                   ahora: dt.datetime) -> int:
    """Un acuerdo o compromiso para el acta: qué, quién responde y para cuándo."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    texto, responsable, plazo = (" ".join((v or "").split()) for v in (texto, responsable, plazo))
    problemas = []
    if not 5 <= len(texto) <= 500:
        problemas.append(Problema("texto", f"El acuerdo tiene {len(texto)} caracteres; debe tener entre 5 y 500."))
    if not 2 <= len(responsable) <= 120:
        problemas.append(Problema("responsable", "Indique quién es responsable (de 2 a 120 caracteres)."))
    if len(plazo) > 60:
        problemas.append(Problema("plazo", f"El plazo tiene {len(plazo)} caracteres; máximo 60."))
    if problemas:
        raise VotacionInvalida(problemas)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        obtener(db, votacion_id)
        acuerdo_id = insertar(db, "acuerdos", {"votacion_id": votacion_id, "texto": texto, "responsable": responsable,
                                                "plazo": plazo, "anotado_en": marca(ahora),
                                                "anotado_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "anotar_acuerdo", "votacion", votacion_id, None,
                                    {"acuerdo": acuerdo_id, "texto": texto}), momento=ahora)
    return acuerdo_id


def retirar_acuerdo(db: Database, acuerdo_id: int, motivo: str, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    motivo = " ".join((motivo or "").split())
    if len(motivo) < 3:
        raise VotacionInvalida([Problema("motivo", "Indique por qué se retira el acuerdo.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = db.execute("SELECT votacion_id, retirado_en FROM acuerdos WHERE id = ?", [acuerdo_id]).fetchone()
        if fila is None or fila[1]:
            raise NoEncontrada(f"No hay un acuerdo vigente n.º {acuerdo_id}.")
        db.table("acuerdos").update(acuerdo_id, {"retirado_en": marca(ahora), "motivo_retiro": motivo})
        registrar_evento(db, Evento(actor.etiqueta, "retirar_acuerdo", "votacion", fila[0], {"acuerdo": acuerdo_id},
                                    {"motivo": motivo}), momento=ahora)


def acuerdos(db: Database, votacion_id: int) -> list[dict]:
    return almacen.acuerdos(db, votacion_id)


def version_del_acta(db: Database, votacion_id: int) -> tuple:
    """Cambia cuando cambia algo de lo que dice el acta: papeletas y estado, acuerdos, comité, asistencia y
    presencias."""
    asistencia, presencias = db.execute(
        "SELECT (SELECT count(*) FROM asistencias WHERE votacion_id = :v), "
        "(SELECT count(*) FROM presencias WHERE votacion_id = :v)", {"v": votacion_id}).fetchone()
    return (almacen.version(db, votacion_id), tuple(a["id"] for a in almacen.acuerdos(db, votacion_id)), asistencia,
            presencias, tuple(m["id"] for m in almacen.comite(db, votacion_id)))
