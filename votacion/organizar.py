"""Organizar una votación: crearla con sus propuestas y costos, consultarla, publicar o esconder sus
resultados en vivo, y la asistencia del taller.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import participantes, sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento
from nucleo.errores import NoEncontrada
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import FUERA_DE_PAPELETA, Estado
from votacion import almacen
from votacion.modelo import (
    Elegible,
    EstadoVotacion,
    TipoPapeleta,
    Votacion,
    VotacionInvalida,
    validar_votacion,
)


def nueva_votacion(db: Database, proceso_id: int, **cambios) -> Votacion:
    """Una votación sugerida para el proceso: aprobación de hasta 5, techo del proceso, 60 % votos + 40 % técnico."""
    proceso = propuestas_servicios.obtener_proceso(db, proceso_id)
    datos = {"nombre": f"Priorización {proceso.nombre}"[:120], "tipo": TipoPapeleta.APROBACION,
             "techo_centimos": proceso.techo_centimos, **cambios}
    return Votacion(id=None, proceso_id=proceso.id, **datos)


def propuestas_viables(db: Database, proceso_id: int) -> list[str]:
    """Los códigos que entran por defecto: viables, no ocultas, del proceso."""
    return propuestas_servicios.codigos_viables(db, proceso_id)


def candidatas(db: Database, proceso_id: int) -> list[dict]:
    """Propuestas que se pueden poner en una papeleta (registradas en adelante, no retiradas ni fusionadas).

    `costo_centimos` es el que usará la papeleta: el validado si lo hay (`costo_validado` dice si lo es), si no el
    estimado por quien propuso.
    """
    filas = propuestas_servicios.candidatas_a_papeleta(db, proceso_id)
    for fila in filas:
        fila["costo_validado"] = fila["costo_validado_centimos"] is not None
        fila["costo_centimos"] = fila["costo_validado_centimos"] if fila["costo_validado"] else \
            fila["costo_estimado_centimos"]
    return filas


def crear_votacion(db: Database, votacion: Votacion, codigos: list[str] | None = None, *, actor: Actor,
                   ahora: dt.datetime) -> Votacion:
    """Crea la votación en preparación con sus propuestas (por defecto, las viables)."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    votacion = validar_votacion(replace(votacion, estado=EstadoVotacion.PREPARADA, id=None))
    with sesiones.escritura_de(db, actor, ahora=ahora):
        propuestas_servicios.obtener_proceso(db, votacion.proceso_id)
        codigos = propuestas_viables(db, votacion.proceso_id) if codigos is None else codigos
        fila = {**almacen.a_fila(votacion), "creada_en": marca(ahora), "actualizada_en": marca(ahora)}
        votacion_id = db.table("votaciones").insert(fila).last_pk
        _poner_propuestas(db, votacion_id, votacion.proceso_id, codigos)
        registrar_evento(db, Evento(actor.etiqueta, "crear_votacion", "votacion", votacion_id, None,
                                    {**fila, "propuestas": codigos}), momento=ahora)
    return almacen.obtener(db, votacion_id)


def actualizar_votacion(db: Database, votacion: Votacion, codigos: list[str] | None = None, *, actor: Actor,
                        ahora: dt.datetime) -> Votacion:
    """Cambia la configuración y las propuestas; solo en preparación (después las reglas no cambian)."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    votacion = validar_votacion(votacion)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        anterior = obtener(db, votacion.id)
        if anterior.estado != EstadoVotacion.PREPARADA:
            raise VotacionInvalida([Problema("estado", "La votación ya se abrió: su configuración y sus propuestas "
                                                       "no cambian. Cree otra votación si hace falta.")])
        fila = {**almacen.a_fila(replace(votacion, estado=anterior.estado, proceso_id=anterior.proceso_id)),
                "actualizada_en": marca(ahora)}
        db.table("votaciones").update(votacion.id, fila)
        if codigos is not None:
            db.execute("DELETE FROM votacion_propuestas WHERE votacion_id = ?", [votacion.id])
            _poner_propuestas(db, votacion.id, anterior.proceso_id, codigos)
        registrar_evento(db, Evento(actor.etiqueta, "actualizar_votacion", "votacion", votacion.id,
                                    almacen.a_fila(anterior), {**fila, "propuestas": codigos}), momento=ahora)
    return almacen.obtener(db, votacion.id)


def _poner_propuestas(db: Database, votacion_id: int, proceso_id: int, codigos: list[str]) -> None:
    problemas = []
    if not codigos:
        problemas.append(Problema("propuestas", "La papeleta necesita al menos dos propuestas; no hay ninguna "
                                                "(¿ya se marcaron viables en la evaluación técnica?)."))
    for orden, codigo in enumerate(dict.fromkeys(codigos)):
        fila = propuestas_servicios.para_papeleta(db, codigo)
        if fila is None or fila["proceso_id"] != proceso_id:
            problemas.append(Problema("propuestas", f"{codigo} no es una propuesta de este proceso."))
            continue
        propuesta_id, estado, costo, tecnico, oculta = (fila["id"], fila["estado"], fila["costo"],
                                                        fila["puntaje_tecnico"], fila["oculta_en"])
        if Estado(estado) in FUERA_DE_PAPELETA or oculta:
            problemas.append(Problema("propuestas", f"{codigo} está {'oculta' if oculta else estado}: no puede ir "
                                                    "en la papeleta."))
        elif not costo:
            problemas.append(Problema("propuestas", f"{codigo} no tiene costo: sin costo no se puede presupuestar."))
        else:
            db.table("votacion_propuestas").insert({"votacion_id": votacion_id, "propuesta_id": propuesta_id, "orden": orden,
                                              "costo_centimos": costo, "puntaje_tecnico": tecnico})
    if not problemas and len(set(codigos)) < 2:
        problemas.append(Problema("propuestas", "La papeleta necesita al menos dos propuestas."))
    if problemas:
        raise VotacionInvalida(problemas)


def obtener(db: Database, votacion_id: int) -> Votacion:
    votacion = almacen.obtener(db, votacion_id)
    if votacion is None:
        raise NoEncontrada(f"No existe la votación {votacion_id}.")
    return votacion


def listar(db: Database, proceso_id: int) -> list[Votacion]:
    return almacen.listar(db, proceso_id)


def abierta_para_votar(db: Database, proceso_id: int) -> Votacion | None:
    """La votación del proceso que recibe papeletas por celular ahora (la más reciente, si hubiera varias)."""
    return next((v for v in almacen.listar(db, proceso_id) if v.estado.acepta_celular), None)


def elegibles(db: Database, votacion_id: int) -> dict[str, Elegible]:
    """Las propuestas que se pueden marcar (las de la papeleta menos las retiradas), en su orden."""
    retiros = almacen.retiros(db, votacion_id)
    return {c: e for c, e in almacen.elegibles(db, votacion_id).items() if c not in retiros}


def fotos_de_la_papeleta(db: Database, votacion_id: int) -> dict[str, int]:
    """código → id de la foto que va en su tarjeta (las propuestas sin foto no figuran)."""
    return almacen.fotos(db, votacion_id)


def miniatura(db: Database, foto_id: int) -> bytes | None:
    """La foto de una tarjeta, achicada para el celular."""
    from propuestas.fotos import miniatura as achicar

    contenido = almacen.miniatura(db, foto_id)
    return achicar(contenido) if contenido else None

def mostrar_resultados(db: Database, votacion_id: int, visibles: bool, *, actor: Actor, ahora: dt.datetime) -> None:
    """Publica (o esconde) los resultados en vivo antes del cierre; al cerrar siempre son públicos."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        obtener(db, votacion_id)
        db.table("votaciones").update(votacion_id, {"resultados_visibles": int(visibles), "actualizada_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "resultados_visibles", "votacion", votacion_id, None,
                                    {"visibles": visibles}), momento=ahora)


def registrar_asistencia(db: Database, votacion_id: int, participante_id: int, *, actor: Actor,
                         ahora: dt.datetime) -> bool:
    """Anota a la persona en la asistencia del taller; False si ya estaba."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        votacion = obtener(db, votacion_id)
        exigir_del_proceso(db, participante_id, votacion)
        try:
            db.table("asistencias").insert({"votacion_id": votacion_id, "participante_id": participante_id,
                                      "registrada_en": marca(ahora), "registrada_por": actor.etiqueta})
        except sqlite3.IntegrityError:
            return False
        registrar_evento(db, Evento(actor.etiqueta, "registrar_asistencia", "votacion", votacion_id, None,
                                    {"participante": participante_id}), momento=ahora)
    return True


def exigir_del_proceso(db: Database, participante_id: int, votacion: Votacion) -> None:
    participantes.exigir_del_proceso(db, participante_id, votacion.proceso_id,
                                     "Su código de acceso es de otro proceso participativo: no vota en esta votación.")


def version(db: Database, votacion_id: int) -> tuple:
    """Cambia con cada papeleta, retiro, cambio de estado o cierre: la llave de lo que se cuenta y se dibuja."""
    return almacen.version(db, votacion_id)
