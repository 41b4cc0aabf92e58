"""Los derechos de una persona sobre sus datos (Ley 29733): ver todo lo que la plataforma guarda de ella (acceso) y
borrarlo (supresión). Cruza la identidad (registro, códigos, sesiones) y sus propuestas, que quedan seudonimizadas.
"""
from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from identidad import participantes, sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, registrar_evento
from propuestas import almacen


def exportar_datos_personales(db: Database, participante_id: int, *, actor: Actor) -> dict:
    """Todo lo que la plataforma guarda de una persona (derecho de acceso, Ley 29733)."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    datos = participantes.datos_de(db, participante_id)
    return {"participante": datos["participante"], "propuestas": almacen.propuestas_de_participante(db, participante_id),
            "codigos_de_acceso": datos["codigos_de_acceso"]}


def borrar_datos_personales(db: Database, participante_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    """Borra nombre, DNI y celular (derecho de supresión); sus propuestas quedan, seudonimizadas."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    seudonimo = f"Participante {participante_id}"
    with sesiones.escritura_de(db, actor, ahora=ahora):
        participantes.seudonimizar(db, participante_id, seudonimo, ahora=ahora)
        almacen.seudonimizar_propuestas(db, participante_id, seudonimo)
        registrar_evento(db, Evento(actor.etiqueta, "borrar_datos_personales", "participante", participante_id,
                                    None, {"seudonimo": seudonimo}), momento=ahora)
