"""El ciclo de una votación (tabla `TRANSICIONES`): abrir, pausar, pasar al conteo de papel, cerrar y reabrir.

Cerrar es definitivo: anota el ancla de la cadena y congela el resultado (la elección y su `.pb`) en una fila
sellada de `cierres`, y las propuestas financiadas pasan a «priorizada» (`votacion.formalizar`); después nada lo
cambia salvo reabrir con motivo, que va al acta y las devuelve a «viable» (no después de firmar el acta).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento
from propuestas import servicios as propuestas_servicios
from votacion import almacen, cadena, formalizar, pabulib
from votacion.conteo import eleccion_viva, sello_del_cierre, verificar_cadena
from votacion.modelo import (
    TRANSICIONES,
    EstadoVotacion,
    Votacion,
    VotacionInvalida,
    es_reapertura,
)
from votacion.organizar import obtener


def cambiar_estado(db: Database, votacion_id: int, hacia: EstadoVotacion, *, actor: Actor, ahora: dt.datetime,
                   motivo: str = "") -> Votacion:
    """Abrir, pausar, reanudar, pasar al conteo de papel, cerrar o reabrir (tabla `TRANSICIONES`).

    Abrir exige la fase de priorización. Cerrar es definitivo: anota el ancla de la cadena y congela el resultado
    (el `.pb` publicado y lo que se cuenta). Reabrir una votación cerrada exige un motivo, que va al acta.
    """
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    motivo = " ".join((motivo or "").split())
    with sesiones.escritura_de(db, actor, ahora=ahora):
        votacion = obtener(db, votacion_id)
        if hacia not in TRANSICIONES[votacion.estado]:
            raise VotacionInvalida([Problema("estado", f"Una votación «{votacion.estado.etiqueta.lower()}» no pasa a "
                                                       f"«{hacia.etiqueta.lower()}».")])
        reabre = es_reapertura(votacion.estado, hacia)
        if reabre and not 10 <= len(motivo) <= 500:
            raise VotacionInvalida([Problema("motivo", f"Para reabrir una votación cerrada escriba el motivo (de 10 a "
                                                       f"500 caracteres; tiene {len(motivo)}): queda en el acta.")])
        if reabre:
            formalizar.exigir_sin_acta(db, votacion_id)
        if hacia == EstadoVotacion.ABIERTA:
            proceso = propuestas_servicios.obtener_proceso(db, votacion.proceso_id)
            permiso = proceso.permite(Accion.VOTAR, propuestas_servicios.fecha_local(ahora))
            if not permiso:
                raise VotacionInvalida([Problema("estado", f"{permiso.motivo} Ajuste las fechas de la fase de "
                                                           "priorización en «Procesos participativos».")])
        cambios = {"estado": hacia.value, "actualizada_en": marca(ahora)}
        if hacia == EstadoVotacion.ABIERTA and votacion.estado == EstadoVotacion.PREPARADA:
            cambios["abierta_en"] = marca(ahora)
        if hacia == EstadoVotacion.CERRADA:
            cambios["cerrada_en"] = marca(ahora)
        if reabre:
            cambios["cerrada_en"] = None
        db.table("votaciones").update(votacion_id, cambios)
        despues = {"estado": hacia.value, "motivo": motivo}
        if hacia == EstadoVotacion.CERRADA:
            cerrada = obtener(db, votacion_id)
            despues.update(_anclar(db, cerrada, actor=actor, ahora=ahora))
            despues.update(formalizar.priorizar_al_cerrar(db, cerrada, actor=actor, ahora=ahora))
        if reabre:
            despues["despriorizadas"] = formalizar.despriorizar_al_reabrir(db, votacion, motivo, actor=actor,
                                                                           ahora=ahora)
            ultimo = (almacen.cierres(db, votacion_id) or [{}])[-1]
            db.table("reaperturas").insert({"votacion_id": votacion_id, "cierre_id": ultimo.get("id"), "hacia": hacia.value,
                                      "motivo": motivo, "reabierta_en": marca(ahora),
                                      "reabierta_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "votacion_reabierta" if reabre else f"votacion_{hacia.value}",
                                    "votacion", votacion_id, {"estado": votacion.estado.value}, despues),
                         momento=ahora)
    return obtener(db, votacion_id)


def _anclar(db: Database, votacion: Votacion, *, actor: Actor, ahora: dt.datetime) -> dict:
    """Al cierre definitivo: el ancla de la cadena, el resultado congelado (la elección y su `.pb`) y lo que dijo la
    verificación de la cadena en ese momento, en una fila sellada de solo agregar."""
    problemas = verificar_cadena(db, votacion.id)
    eleccion = eleccion_viva(db, votacion)
    archivo_pb = pabulib.escribir(eleccion)
    fila = {"votacion_id": votacion.id, "cerrada_en": marca(ahora), "cerrada_por": actor.etiqueta,
            "eslabones": int(eleccion.meta[cadena.META_ESLABONES]), "cabeza": eleccion.meta[cadena.META_CABEZA],
            "eleccion": json.dumps(dataclasses.asdict(eleccion), ensure_ascii=False),  # en su orden: el .pb sale igual
            "archivo_pb": archivo_pb,
            "huella_pb": hashlib.sha256(archivo_pb.encode("utf-8")).hexdigest(),
            "problemas": cadena.json_canonico(problemas)}
    fila["sello"] = sello_del_cierre(db, fila)
    db.table("cierres").insert(fila)
    return {"cabeza": fila["cabeza"], "eslabones": fila["eslabones"], "huella_pb": fila["huella_pb"],
            "problemas_de_la_cadena": problemas}
