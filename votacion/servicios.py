"""Casos de uso de la votación: organizarla, emitir papeletas (celular y papel), contar y publicar.

Cada escritura es una transacción `BEGIN IMMEDIATE` (vía `nucleo.db.escritura`) que vuelve a leer el
estado de la votación adentro: cerrar y votar al mismo tiempo no deja pasar un voto tardío, y dos
celulares con el mismo código no dejan dos papeletas vigentes (cuenta la última de cada persona en la
cadena; un trigger exige que cada cambio de voto reemplace justo a esa última).

Ciclo: preparada → abierta ⇄ pausada → conteo de papel (celulares cerrados) → cerrada (definitiva). Al cerrar
se anotan el ancla de la cadena y el resultado congelado; después nada lo cambia salvo reabrir con motivo.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import secrets
import sqlite3
from dataclasses import dataclass, field, replace

import numpy as np
from sqlite_utils import Database

from geo import almacen as territorio_almacen
from geo import servicios as territorio_servicios
from geo.modelo import Problema
from identidad import almacen as identidad_almacen
from identidad import sesiones
from identidad.acceso import Accion, Actor, Permiso, SinPermiso, exigir, puede
from nucleo import esquema
from nucleo.db import Evento, escritura, lectura, marca, registrar_evento
from nucleo.errores import NoEncontrada
from nucleo.formato import formatear_fecha, formatear_soles
from propuestas import almacen as propuestas_almacen
from propuestas import servicios as propuestas_servicios
from propuestas.deliberacion import almacen as deliberacion_almacen
from propuestas.deliberacion import servicios as deliberacion
from propuestas.deliberacion.modelo import validar_motivo
from propuestas.hoja import neutralizar
from propuestas.modelo import Estado
from votacion import almacen, cadena, ordinales, pabulib, reglas
from votacion.modelo import (
    REGLAS_MES,
    TRANSICIONES,
    Canal,
    Elegible,
    EstadoVotacion,
    LineaPapel,
    Papeleta,
    PapeletaInvalida,
    TipoPapeleta,
    Votacion,
    VotacionCerrada,
    VotacionInvalida,
    es_reapertura,
    leer_papeletas_de_papel,
    momento_iso,
    recibo_de,
    validar_papeleta,
    validar_votacion,
)

ORIGEN_CADENA = cadena.ORIGEN
# Los conjuntos de migraciones de la plataforma, en el orden en que `preparar` los aplica: con ellos se arma el
# esquema de referencia contra el que se revisa un respaldo antes de restaurarlo.
MIGRACIONES = (esquema.migraciones, identidad_almacen.migraciones, territorio_almacen.migraciones, propuestas_almacen.migraciones, deliberacion_almacen.migraciones,
               almacen.migraciones)


def preparar(db: Database) -> None:
    deliberacion.preparar(db)
    almacen.aplicar_migraciones(db)


# --- organizar ------------------------------------------------------------------------------

def nueva_votacion(db: Database, proceso_id: int, **cambios) -> Votacion:
    """Una votación sugerida para el proceso: aprobación de hasta 5, techo del proceso, 60 % votos + 40 % técnico."""
    proceso = propuestas_servicios.obtener_proceso(db, proceso_id)
    datos = {"nombre": f"Priorización {proceso.nombre}"[:120], "tipo": TipoPapeleta.APROBACION,
             "techo_centimos": proceso.techo_centimos, **cambios}
    return Votacion(id=None, proceso_id=proceso.id, **datos)


def propuestas_viables(db: Database, proceso_id: int) -> list[str]:
    """Los códigos que entran por defecto: viables, no ocultas, del proceso."""
    return [f[0] for f in db.execute("SELECT codigo FROM propuestas WHERE proceso_id = ? AND estado = ? "
                                     "AND oculta_en IS NULL ORDER BY codigo", [proceso_id, Estado.VIABLE.value])]


COSTO_VALIDADO = """(SELECT e.costo_validado_centimos FROM evaluaciones e WHERE e.propuesta_id = p.id
                     AND e.costo_validado_centimos IS NOT NULL ORDER BY e.id DESC LIMIT 1)"""
"""El último costo validado por el equipo técnico (SQL de una columna, sobre `propuestas p`): el de la papeleta."""


def candidatas(db: Database, proceso_id: int) -> list[dict]:
    """Propuestas que se pueden poner en una papeleta (registradas en adelante, no retiradas ni fusionadas).

    `costo_centimos` es el que usará la papeleta: el validado si lo hay (`costo_validado` dice si lo es), si no el
    estimado por quien propuso.
    """
    cursor = db.execute(f"""SELECT codigo, titulo, estado, distrito, costo_centimos AS costo_estimado_centimos,
                                   {COSTO_VALIDADO} AS costo_validado_centimos, puntaje_tecnico
                            FROM propuestas p
                            WHERE proceso_id = ? AND estado NOT IN ('borrador', 'retirada', 'fusionada', 'no_admitida')
                            AND oculta_en IS NULL ORDER BY codigo""", [proceso_id])
    columnas = [d[0] for d in cursor.description]
    filas = [dict(zip(columnas, f)) for f in cursor.fetchall()]
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
        votacion_id = db["votaciones"].insert(fila).last_pk
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
        db["votaciones"].update(votacion.id, fila)
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
        fila = db.execute(f"SELECT id, proceso_id, estado, coalesce({COSTO_VALIDADO}, costo_centimos), puntaje_tecnico, "
                          "oculta_en FROM propuestas p WHERE codigo = ?", [codigo]).fetchone()
        if fila is None or fila[1] != proceso_id:
            problemas.append(Problema("propuestas", f"{codigo} no es una propuesta de este proceso."))
            continue
        propuesta_id, _, estado, costo, tecnico, oculta = fila
        if estado in ("borrador", "retirada", "fusionada", "no_admitida") or oculta:
            problemas.append(Problema("propuestas", f"{codigo} está {'oculta' if oculta else estado}: no puede ir "
                                                    "en la papeleta."))
        elif not costo:
            problemas.append(Problema("propuestas", f"{codigo} no tiene costo: sin costo no se puede presupuestar."))
        else:
            db["votacion_propuestas"].insert({"votacion_id": votacion_id, "propuesta_id": propuesta_id, "orden": orden,
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
        db["votaciones"].update(votacion_id, cambios)
        despues = {"estado": hacia.value, "motivo": motivo}
        if hacia == EstadoVotacion.CERRADA:
            despues.update(_anclar(db, obtener(db, votacion_id), actor=actor, ahora=ahora))
        if reabre:
            ultimo = (almacen.cierres(db, votacion_id) or [{}])[-1]
            db["reaperturas"].insert({"votacion_id": votacion_id, "cierre_id": ultimo.get("id"), "hacia": hacia.value,
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
    eleccion = _eleccion_viva(db, votacion)
    archivo_pb = pabulib.escribir(eleccion)
    fila = {"votacion_id": votacion.id, "cerrada_en": marca(ahora), "cerrada_por": actor.etiqueta,
            "eslabones": int(eleccion.meta[cadena.META_ESLABONES]), "cabeza": eleccion.meta[cadena.META_CABEZA],
            "eleccion": json.dumps(dataclasses.asdict(eleccion), ensure_ascii=False),  # en su orden: el .pb sale igual
            "archivo_pb": archivo_pb,
            "huella_pb": hashlib.sha256(archivo_pb.encode("utf-8")).hexdigest(),
            "problemas": cadena.json_canonico(problemas)}
    fila["sello"] = _sello_del_cierre(db, fila)
    db["cierres"].insert(fila)
    return {"cabeza": fila["cabeza"], "eslabones": fila["eslabones"], "huella_pb": fila["huella_pb"],
            "problemas_de_la_cadena": problemas}


def _sello_del_cierre(db: Database, fila: dict) -> str:
    datos = [fila[c] for c in ("votacion_id", "cerrada_en", "eslabones", "cabeza", "huella_pb", "eleccion",
                               "problemas")]
    return cadena.sello(almacen.clave_de_sellos(db), cadena.json_canonico(datos))


def mostrar_resultados(db: Database, votacion_id: int, visibles: bool, *, actor: Actor, ahora: dt.datetime) -> None:
    """Publica (o esconde) los resultados en vivo antes del cierre; al cerrar siempre son públicos."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        obtener(db, votacion_id)
        db["votaciones"].update(votacion_id, {"resultados_visibles": int(visibles), "actualizada_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "resultados_visibles", "votacion", votacion_id, None,
                                    {"visibles": visibles}), momento=ahora)


def registrar_asistencia(db: Database, votacion_id: int, participante_id: int, *, actor: Actor,
                         ahora: dt.datetime) -> bool:
    """Anota a la persona en la asistencia del taller; False si ya estaba."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        votacion = obtener(db, votacion_id)
        _exigir_del_proceso(db, participante_id, votacion)
        try:
            db["asistencias"].insert({"votacion_id": votacion_id, "participante_id": participante_id,
                                      "registrada_en": marca(ahora), "registrada_por": actor.etiqueta})
        except sqlite3.IntegrityError:
            return False
        registrar_evento(db, Evento(actor.etiqueta, "registrar_asistencia", "votacion", votacion_id, None,
                                    {"participante": participante_id}), momento=ahora)
    return True


def _exigir_del_proceso(db: Database, participante_id: int, votacion: Votacion) -> None:
    fila = db.execute("SELECT proceso_id, datos_borrados_en FROM participantes WHERE id = ?", [participante_id]).fetchone()
    if fila is None or fila[0] != votacion.proceso_id:
        raise SinPermiso("Su código de acceso es de otro proceso participativo: no vota en esta votación.")
    if fila[1]:
        raise sesiones.SesionTerminada(sesiones.DATOS_BORRADOS)


# --- taller en vivo -------------------------------------------------------------------------

MINUTOS_CUENTA = (1, 180)
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
        _exigir_del_proceso(db, actor.participante_id, votacion)
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


def iniciar_cuenta(db: Database, votacion_id: int, minutos: int, *, actor: Actor, ahora: dt.datetime) -> str:
    """Cuenta regresiva de `minutos` que muestra el proyector (solo la muestra: cerrar sigue siendo a mano)."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    if not isinstance(minutos, int) or not MINUTOS_CUENTA[0] <= minutos <= MINUTOS_CUENTA[1]:
        raise VotacionInvalida([Problema("minutos", f"La cuenta regresiva va de {MINUTOS_CUENTA[0]} a "
                                                    f"{MINUTOS_CUENTA[1]} minutos; puso {minutos}.")])
    hasta = marca(ahora + dt.timedelta(minutes=minutos))
    _poner_cuenta(db, votacion_id, hasta, actor=actor, ahora=ahora)
    return hasta


def detener_cuenta(db: Database, votacion_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    _poner_cuenta(db, votacion_id, None, actor=actor, ahora=ahora)


def _poner_cuenta(db: Database, votacion_id: int, hasta: str | None, *, actor: Actor, ahora: dt.datetime) -> None:
    with sesiones.escritura_de(db, actor, ahora=ahora):
        anterior = obtener(db, votacion_id).cuenta_hasta
        db["votaciones"].update(votacion_id, {"cuenta_hasta": hasta, "actualizada_en": marca(ahora)})
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
        acuerdo_id = db["acuerdos"].insert({"votacion_id": votacion_id, "texto": texto, "responsable": responsable,
                                            "plazo": plazo, "anotado_en": marca(ahora),
                                            "anotado_por": actor.etiqueta}).last_pk
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
        db["acuerdos"].update(acuerdo_id, {"retirado_en": marca(ahora), "motivo_retiro": motivo})
        registrar_evento(db, Evento(actor.etiqueta, "retirar_acuerdo", "votacion", fila[0], {"acuerdo": acuerdo_id},
                                    {"motivo": motivo}), momento=ahora)


def acuerdos(db: Database, votacion_id: int) -> list[dict]:
    return almacen.acuerdos(db, votacion_id)


# --- votar ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recibo:
    recibo: str
    emitida_en: str
    cambio: bool       # True si reemplazó una papeleta anterior
    repetida: bool     # True si era idéntica a la vigente (no se guardó otra)


def por_que_no_se_vota(votacion: Votacion, ahora: dt.datetime) -> str | None:
    """None si se puede votar por celular ahora; si no, el motivo para la persona."""
    if votacion.estado == EstadoVotacion.PREPARADA:
        return "La votación todavía no se abrió."
    if votacion.estado == EstadoVotacion.PAUSADA:
        return "La votación está en pausa; la facilitación la reanudará en un momento."
    if votacion.estado == EstadoVotacion.CONTEO:
        return "La votación por celular ya cerró: ahora se cuentan las papeletas de papel."
    if votacion.estado == EstadoVotacion.CERRADA:
        return "La votación ya se cerró: no se reciben más papeletas."
    if votacion.abre_en and ahora < dt.datetime.fromisoformat(votacion.abre_en):
        return f"La votación abre el {_cuando(votacion.abre_en)}."
    if votacion.cierra_en and ahora >= dt.datetime.fromisoformat(votacion.cierra_en):
        return f"La votación cerró el {_cuando(votacion.cierra_en)}."
    return None


def _cuando(iso: str) -> str:
    momento = dt.datetime.fromisoformat(iso).astimezone(propuestas_servicios.HORA_PERU)
    return f"{formatear_fecha(momento.date())} a las {momento:%H:%M}"


def emitir(db: Database, votacion_id: int, papeleta: Papeleta, *, actor: Actor, ahora: dt.datetime) -> Recibo:
    """Emite (o cambia) la papeleta de un agente participante desde su celular.

    Se valida entera adentro de la transacción; si es idéntica a la vigente no se guarda otra (un
    celular que reintenta tras perder la señal no vota dos veces) y devuelve el mismo recibo. Cambiar el
    voto agrega un eslabón que reemplaza al anterior (nada se reescribe). Al volver, la papeleta ya está en
    el disco (`synchronous=FULL`): el recibo que se muestra no se pierde aunque se corte la luz.
    """
    exigir(actor, Accion.VOTAR)
    if actor.participante_id is None:
        raise SinPermiso("Para votar entre con su código de acceso de agente participante.")
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        votacion = obtener(db, votacion_id)
        motivo = por_que_no_se_vota(votacion, ahora)
        if motivo:
            raise VotacionCerrada(motivo)
        _exigir_del_proceso(db, actor.participante_id, votacion)
        if votacion.quien_vota == "asistentes" and not db.execute(
                "SELECT 1 FROM asistencias WHERE votacion_id = ? AND participante_id = ?",
                [votacion_id, actor.participante_id]).fetchone():
            raise SinPermiso("En esta votación votan solo quienes registraron su asistencia al taller: acérquese a "
                             "la mesa de facilitación.")
        limpia = validar_papeleta(votacion, almacen.elegibles(db, votacion_id), papeleta)
        votante = f"participante:{actor.participante_id}"
        vigente = almacen.vigente_de(db, votacion_id, votante)
        if vigente and vigente["contenido"] == limpia.contenido():
            return Recibo(vigente["recibo"], vigente["emitida_en"], cambio=False, repetida=True)
        retiradas = almacen.retiros(db, votacion_id)
        if any(c in retiradas for c in limpia.elegidas):
            raise PapeletaInvalida([Problema("elegidas", f"{c} fue retirada de la votación ({retiradas[c]['motivo']})"
                                                         ": quítela de su papeleta.")
                                    for c in limpia.elegidas if c in retiradas])
        fila = _insertar_papeleta(db, votacion, almacen.clave_de_sellos(db), votante=votante,
                                  participante_id=actor.participante_id, canal=Canal.CELULAR, papeleta=limpia,
                                  ahora=ahora, reemplaza=vigente["huella"] if vigente else None)
        registrar_evento(db, Evento(actor.etiqueta, "cambiar_voto" if vigente else "votar", "votacion", votacion_id,
                                    {"recibo": vigente["recibo"]} if vigente else None,
                                    {"recibo": fila["recibo"], "canal": Canal.CELULAR.value}), momento=ahora)
    return Recibo(fila["recibo"], fila["emitida_en"], cambio=vigente is not None, repetida=False)


def _insertar_papeleta(db: Database, votacion: Votacion, clave: bytes, *, votante: str, participante_id: int | None,
                       canal: Canal, papeleta: Papeleta, ahora: dt.datetime, lote_id: int | None = None,
                       serie: str | None = None, reemplaza: str | None = None) -> dict:
    """Agrega un eslabón de formato 2 al final de la cadena de la votación (ver `votacion.cadena`)."""
    contenido, emitida_en, sal = papeleta.contenido(), momento_iso(ahora), secrets.token_hex(16)
    privado = cadena.compromiso({"votante": votante, "participante_id": participante_id, "lote_id": lote_id,
                                 "serie": serie, "emitida_en": emitida_en}, sal)
    taller_id = votacion.id if votacion.es_taller else None
    anterior = almacen.ultima_huella(db, votacion.id) or ORIGEN_CADENA
    huella = cadena.huella_formato_2(anterior, reemplaza, cadena.resumen(
        cadena.publico(votacion.id, canal.value, taller_id, contenido, privado)))
    fila = {"votacion_id": votacion.id, "votante": votante, "participante_id": participante_id, "canal": canal.value,
            "taller_id": taller_id, "lote_id": lote_id, "serie": serie,
            "contenido": json.dumps(contenido, ensure_ascii=False), "emitida_en": emitida_en,
            "huella_anterior": anterior, "huella": huella, "recibo": recibo_de(huella), "formato": 2,
            "reemplaza": reemplaza, "compromiso": privado, "sal": sal, "sello": cadena.sello(clave, huella)}
    db["papeletas"].insert(fila)
    return fila


def mi_papeleta(db: Database, votacion_id: int, *, actor: Actor) -> tuple[Papeleta, str] | None:
    """La papeleta vigente de quien entró (para mostrarla y cambiarla) y su recibo."""
    if actor.participante_id is None:
        return None
    vigente = almacen.vigente_de(db, votacion_id, f"participante:{actor.participante_id}")
    return (Papeleta.de_contenido(vigente["contenido"]), vigente["recibo"]) if vigente else None


def revisar_papel(db: Database, votacion_id: int, texto: str) -> list[LineaPapel]:
    """Vista previa de un lote de papeletas de papel: cada línea con su papeleta o sus problemas.

    Una papeleta de papel marcada antes de que se retirara una propuesta es válida: esa marca no cuenta (aviso)."""
    votacion = obtener(db, votacion_id)
    lineas = leer_papeletas_de_papel(texto, votacion, almacen.elegibles(db, votacion_id))
    usadas = {f[0] for f in db.execute("SELECT serie FROM papeletas WHERE votacion_id = ? AND serie IS NOT NULL",
                                       [votacion_id])}
    retiradas = almacen.retiros(db, votacion_id)
    for linea in lineas:
        if linea.serie in usadas:
            linea.problemas.append(f"la papeleta N.º {linea.serie} ya se digitó antes.")
            linea.papeleta = None
        if linea.papeleta:
            linea.avisos.extend(f"{c} fue retirada de la votación: esa marca no cuenta."
                                for c in linea.papeleta.elegidas if c in retiradas)
    return lineas


def digitar_papel(db: Database, votacion_id: int, texto: str, *, actor: Actor, ahora: dt.datetime) -> int:
    """Guarda un lote de papeletas de papel, todo o nada; devuelve cuántas se guardaron.

    Cuentan igual que las del celular y quedan marcadas como papel, con el taller y el lote. Se digitan con la
    votación abierta, en pausa o en conteo de papel; nunca después del cierre definitivo.
    """
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        votacion = obtener(db, votacion_id)
        if votacion.estado == EstadoVotacion.PREPARADA:
            raise VotacionCerrada("La votación todavía no se abrió: las papeletas de papel se digitan después.")
        if not votacion.estado.acepta_papel:
            raise VotacionCerrada("La votación ya se cerró: no se digitan más papeletas de papel y su resultado no "
                                  "cambia. Si faltó contar papel, reábrala con el motivo (queda en el acta).")
        huella_texto = hashlib.sha256("\n".join(linea.strip() for linea in texto.strip().splitlines()).encode()).hexdigest()
        repetido = db.execute("SELECT id, digitado_en FROM lotes_papel WHERE votacion_id = ? AND huella_texto = ?",
                              [votacion_id, huella_texto]).fetchone()
        if repetido:
            raise PapeletaInvalida([Problema("papel", f"Este mismo lote ya se digitó (lote {repetido[0]}, "
                                                      f"{repetido[1]}); no se guardó de nuevo.")])
        lineas = revisar_papel(db, votacion_id, texto)
        malas = [linea for linea in lineas if linea.problemas]
        if malas:
            raise PapeletaInvalida([Problema("papel", f"línea {m.numero}: {'; '.join(m.problemas)}") for m in malas])
        if not lineas:
            raise PapeletaInvalida([Problema("papel", "No hay ninguna papeleta en el texto.")])
        lote_id = db["lotes_papel"].insert({"votacion_id": votacion_id, "huella_texto": huella_texto,
                                            "papeletas": len(lineas), "digitado_por": actor.etiqueta,
                                            "digitado_en": marca(ahora)}).last_pk
        clave = almacen.clave_de_sellos(db)
        for linea in lineas:
            _insertar_papeleta(db, votacion, clave, votante=f"papel:{lote_id}:{linea.numero}", participante_id=None,
                               canal=Canal.PAPEL, papeleta=linea.papeleta, ahora=ahora, lote_id=lote_id,
                               serie=linea.serie)
        registrar_evento(db, Evento(actor.etiqueta, "digitar_papeletas", "votacion", votacion_id, None,
                                    {"lote": lote_id, "papeletas": len(lineas), "huella_texto": huella_texto}),
                         momento=ahora)
    return len(lineas)


# --- retirar propuestas de la papeleta (moderación) ---------------------------------------------

def retirar_propuesta(db: Database, votacion_id: int, codigo: str, motivo: str, *, actor: Actor,
                      ahora: dt.datetime) -> None:
    """Retira una propuesta de la papeleta de una votación no cerrada: sus marcas dejan de contar (las papeletas ya
    emitidas siguen valiendo para las demás), quien vota la ve retirada con el motivo, y el proyector, los
    resultados, el acta y el `.pb` lo dicen."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    motivo = " ".join(validar_motivo(motivo).split())
    with sesiones.escritura_de(db, actor, ahora=ahora):
        votacion = obtener(db, votacion_id)
        fila = db.execute("SELECT id FROM propuestas WHERE codigo = ?", [codigo]).fetchone()
        if fila is None or codigo not in almacen.elegibles(db, votacion_id):
            raise NoEncontrada(f"{codigo} no está en la papeleta de la votación {votacion_id}.")
        _retirar(db, votacion, fila[0], codigo, motivo, actor=actor, ahora=ahora)


def ocultar_propuesta(db: Database, propuesta_id: int, motivo: str, *, actor: Actor, ahora: dt.datetime) -> list[str]:
    """Moderación: oculta la propuesta y, en la misma transacción y con el mismo motivo, la retira de cada votación
    no cerrada donde está (una votación cerrada no cambia). Devuelve los nombres de esas votaciones."""
    exigir(actor, Accion.MODERAR)
    motivo = " ".join(validar_motivo(motivo).split())
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = db.execute("SELECT codigo FROM propuestas WHERE id = ?", [propuesta_id]).fetchone()
        if fila is None:
            raise NoEncontrada(f"No existe la propuesta {propuesta_id}.")
        en_curso = almacen.votaciones_con(db, propuesta_id)
        for votacion in en_curso:
            _retirar(db, votacion, propuesta_id, fila[0], motivo, actor=actor, ahora=ahora)
        deliberacion.ocultar(db, "propuesta", propuesta_id, motivo, actor=actor, ahora=ahora)
    return [v.nombre for v in en_curso]


def votaciones_en_curso_con(db: Database, propuesta_id: int) -> list[str]:
    """Los nombres de las votaciones no cerradas de cuya papeleta se retiraría la propuesta al ocultarla."""
    return [v.nombre for v in almacen.votaciones_con(db, propuesta_id)]


def _retirar(db: Database, votacion: Votacion, propuesta_id: int, codigo: str, motivo: str, *, actor: Actor,
             ahora: dt.datetime) -> None:
    if votacion.estado == EstadoVotacion.CERRADA:
        raise VotacionCerrada("La votación ya se cerró: su resultado no cambia. Reábrala con motivo si hace falta.")
    if codigo in almacen.retiros(db, votacion.id):
        raise VotacionInvalida([Problema("propuestas", f"{codigo} ya se retiró de esta votación.")])
    db["retiros"].insert({"votacion_id": votacion.id, "propuesta_id": propuesta_id, "motivo": motivo,
                          "retirada_en": marca(ahora), "retirada_por": actor.etiqueta})
    db["votaciones"].update(votacion.id, {"actualizada_en": marca(ahora)})
    registrar_evento(db, Evento(actor.etiqueta, "retirar_de_la_votacion", "votacion", votacion.id, None,
                                {"propuesta": codigo, "motivo": motivo}), momento=ahora)


def retiradas(db: Database, votacion_id: int) -> list[dict]:
    """Las propuestas retiradas de la votación (código, título, motivo, hora), en el orden en que se retiraron."""
    return list(almacen.retiros(db, votacion_id).values())


def reaperturas(db: Database, votacion_id: int) -> list[dict]:
    """Cada vez que se reabrió la votación cerrada: hacia qué estado, motivo, hora y quién."""
    return almacen.reaperturas(db, votacion_id)


# --- verificar ------------------------------------------------------------------------------

def verificar_cadena(db: Database, votacion_id: int) -> list[str]:
    """Recalcula la cadena de huellas y la compara con sus sellos, con el ancla de cada cierre y con el registro de
    eventos; devuelve los problemas (vacío si nadie alteró, anuló, quitó ni agregó una papeleta por fuera)."""
    votacion = obtener(db, votacion_id)
    filas = almacen.cadena_de(db, votacion_id)
    clave = almacen.clave_de_sellos(db)
    problemas, anterior, ultima_de, sin_sello = [], ORIGEN_CADENA, {}, []
    for fila in filas:
        if fila["huella_anterior"] != anterior:
            problemas.append(f"La papeleta {fila['id']} no sigue a la anterior en la cadena.")
        if _huella_recalculada(fila, ultima_de.get(fila["votante"])) != fila["huella"] \
                or fila["recibo"] != recibo_de(fila["huella"]):
            problemas.append(f"La papeleta {fila['id']} ({fila['recibo']}) fue alterada: su huella no coincide.")
        if fila["sello"] != cadena.sello(clave, fila["huella"]):
            sin_sello.append(fila)
        ultima_de[fila["votante"]] = fila["huella"]
        anterior = fila["huella"]
    if sin_sello and len(sin_sello) == len(filas):
        problemas.append("Ningún sello de la cadena corresponde a la clave de esta instalación: la cadena se "
                         "reescribió sin la clave, o la base viene de otra instalación sin su archivo «.secreto».")
    else:
        problemas.extend(f"La papeleta {f['id']} ({f['recibo']}) no tiene un sello válido: se escribió sin la clave "
                         "de esta instalación." for f in sin_sello)
    problemas.extend(_revisar_anclas(db, votacion, [f["huella"] for f in filas]))
    anotadas = almacen.emisiones_anotadas(db, votacion_id)
    if anotadas != len(filas):
        problemas.append(f"El registro de eventos anota {anotadas} papeletas emitidas y la cadena tiene {len(filas)}: "
                         + ("faltan papeletas." if anotadas > len(filas) else "hay papeletas que nadie emitió."))
    return problemas


def _huella_recalculada(fila: dict, ultima_del_votante: str | None) -> str | None:
    contenido = json.loads(fila["contenido"])
    if fila["formato"] == 1:
        datos = {c: fila[c] for c in ("votacion_id", "votante", "participante_id", "canal", "taller_id", "lote_id",
                                      "serie", "emitida_en")}
        return cadena.huella_formato_1(fila["huella_anterior"], {**datos, "contenido": contenido})
    privado = {c: fila[c] for c in ("votante", "participante_id", "lote_id", "serie", "emitida_en")}
    if fila["reemplaza"] != ultima_del_votante or cadena.compromiso(privado, fila["sal"] or "") != fila["compromiso"]:
        return None
    publico = cadena.publico(fila["votacion_id"], fila["canal"], fila["taller_id"], contenido, fila["compromiso"])
    return cadena.huella_formato_2(fila["huella_anterior"], fila["reemplaza"], cadena.resumen(publico))


def _revisar_anclas(db: Database, votacion: Votacion, huellas: list[str]) -> list[str]:
    """Cada cierre anotó cabeza y eslabones: la cadena de hoy debe empezar igual; y tras el cierre definitivo
    (sin reabrir) no debe tener ni una papeleta más."""
    problemas = []
    cierres = almacen.cierres(db, votacion.id)
    reabiertos = {r["cierre_id"] for r in almacen.reaperturas(db, votacion.id)}
    for cierre in cierres:
        cuando, n = _cuando(cierre["cerrada_en"]), cierre["eslabones"]
        if cierre["sello"] != _sello_del_cierre(db, cierre):
            problemas.append(f"El cierre del {cuando} fue alterado: su sello no coincide.")
        if len(huellas) < n:
            problemas.append(f"Al cierre del {cuando} la cadena tenía {n} papeletas y ahora tiene {len(huellas)}: "
                             "faltan papeletas.")
        elif (huellas[n - 1] if n else ORIGEN_CADENA) != cierre["cabeza"]:
            problemas.append(f"La cadena ya no es la que se anotó al cierre del {cuando} (cabeza "
                             f"{cierre['cabeza'][:16]}…, {n} papeletas): alguien la reescribió.")
    if votacion.estado == EstadoVotacion.CERRADA and cierres and cierres[-1]["id"] not in reabiertos \
            and len(huellas) > cierres[-1]["eslabones"]:
        problemas.append(f"Hay {len(huellas) - cierres[-1]['eslabones']} papeletas después del cierre definitivo.")
    return problemas


# --- contar ---------------------------------------------------------------------------------

def eleccion_de(db: Database, votacion: Votacion) -> pabulib.Eleccion:
    """La votación como elección pabulib: lo que se publica y lo que cuenta la app (la misma cosa).

    Cerrada, es la que se congeló al cierre definitivo: después nada la cambia."""
    if votacion.estado == EstadoVotacion.CERRADA:
        cierres = almacen.cierres(db, votacion.id)
        if cierres:
            return _eleccion_de_json(cierres[-1]["eleccion"])
    return _eleccion_viva(db, votacion)


def _eleccion_viva(db: Database, votacion: Votacion) -> pabulib.Eleccion:
    """La elección de ahora: papeletas vigentes (sin las marcas de propuestas retiradas) y la cadena entera."""
    retiros = almacen.retiros(db, votacion.id)
    elegibles = {c: e for c, e in almacen.elegibles(db, votacion.id).items() if c not in retiros}
    filas = almacen.cadena_de(db, votacion.id)
    papeletas = [f for f in filas if f["vigente"]]
    proceso = propuestas_servicios.obtener_proceso(db, votacion.proceso_id)
    meta = {"description": f"{proceso.nombre} — {votacion.nombre}", "country": "Perú",
            "unit": f"Provincia {proceso.provincia} (ubigeo)", "instance": proceso.codigo,
            "subunit": votacion.lugar or votacion.modalidad, "num_projects": str(len(elegibles)),
            "num_votes": str(len(papeletas)), "budget": pabulib._texto(votacion.techo_centimos / 100),
            "currency": "PEN", "vote_type": votacion.tipo.tipo_pabulib, "rule": votacion.regla,
            "votacion_id": str(votacion.id), "ballot_type": votacion.tipo.value,
            "peso_participacion": str(votacion.peso_participacion), "peso_tecnico": str(votacion.peso_tecnico)}
    if votacion.tipo in (TipoPapeleta.APROBACION, TipoPapeleta.RANKING):
        meta["max_length"] = str(votacion.max_opciones)
    elif votacion.tipo == TipoPapeleta.PUNTOS:
        meta.update(max_sum_points=str(votacion.puntos_total), max_points=str(votacion.puntos_maximo))
    else:
        meta["max_sum_cost"] = pabulib._texto(votacion.techo_centimos / 100)
    if papeletas:
        meta.update(date_begin=papeletas[0]["emitida_en"][:10], date_end=max(p["emitida_en"] for p in papeletas)[:10])
    eslabones = _eslabones_publicos(filas)
    ancla = cadena.ancla_de([f["huella"] for f in filas])
    meta.update({cadena.META_CABEZA: ancla.cabeza, cadena.META_ESLABONES: str(ancla.eslabones)})
    reemplazadas = " ".join(cadena.texto_de_reemplazada(e) for f, e in zip(filas, eslabones) if not f["vigente"])
    if reemplazadas:
        meta[cadena.META_REEMPLAZADAS] = reemplazadas
    if retiros:
        meta[cadena.META_RETIRADAS] = ",".join(retiros)
        meta.update({f"retiro_{c}": f"{r['retirada_en']} {r['motivo']}" for c, r in retiros.items()})
    proyectos = [pabulib.Proyecto(e.codigo, e.costo_centimos / 100, e.titulo,
                                  {"district": e.distrito or "", "ubigeo": e.ubigeo or "",
                                   "puntaje_tecnico": "" if e.puntaje_tecnico is None else f"{e.puntaje_tecnico:g}"})
                 for e in elegibles.values()]
    votos = [_voto_contado(f, e, retiros, votacion.tipo) for f, e in zip(filas, eslabones) if f["vigente"]]
    return pabulib.Eleccion(meta, proyectos, [f["recibo"] for f in papeletas], [v[0] for v in votos],
                            [v[1] for v in votos] if votacion.tipo == TipoPapeleta.PUNTOS else None,
                            [v[2] for v in votos])


def _eslabones_publicos(filas: list[dict]) -> list[cadena.Eslabon]:
    """Cada papeleta como se publica su eslabón; a quién reemplaza, para las de formato 1, sale del orden."""
    eslabones, ultima_de = [], {}
    for fila in filas:
        reemplaza = fila["reemplaza"] if fila["formato"] == 2 else ultima_de.get(fila["votante"])
        resumen = None
        if fila["formato"] == 2:
            resumen = cadena.resumen(cadena.publico(fila["votacion_id"], fila["canal"], fila["taller_id"],
                                                    json.loads(fila["contenido"]), fila["compromiso"]))
        eslabones.append(cadena.Eslabon(fila["formato"], fila["huella_anterior"], fila["huella"], reemplaza, resumen,
                                        fila["recibo"] if fila["vigente"] else None))
        ultima_de[fila["votante"]] = fila["huella"]
    return eslabones


def _voto_contado(fila: dict, eslabon: cadena.Eslabon, retiros: dict, tipo: TipoPapeleta) -> tuple:
    """(elegidas que cuentan, sus puntos, datos del voto en el `.pb`): sin las marcas de propuestas retiradas; lo
    emitido completo va en `emitida` (lo cubre la huella)."""
    contenido = json.loads(fila["contenido"])
    elegidas, puntos = contenido["elegidas"], contenido.get("puntos")
    pares = list(zip(elegidas, puntos if puntos is not None else [None] * len(elegidas)))
    quedan = [(c, p) for c, p in pares if c not in retiros]
    emitida = "" if len(quedan) == len(pares) else ",".join(c if p is None else f"{c}={p}" for c, p in pares)
    datos = {"ubigeo": fila["ubigeo"] or "", "canal": fila["canal"], "taller": str(fila["taller_id"] or ""),
             "formato": str(fila["formato"]), "huella_anterior": fila["huella_anterior"], "huella": fila["huella"],
             "reemplaza": eslabon.reemplaza or "", "compromiso": fila["compromiso"] or "", "emitida": emitida}
    return (tuple(c for c, _ in quedan), tuple(p for _, p in quedan) if tipo == TipoPapeleta.PUNTOS else None,
            datos)


def _eleccion_de_json(texto: str) -> pabulib.Eleccion:
    datos = json.loads(texto)
    return pabulib.Eleccion(datos["meta"], [pabulib.Proyecto(**p) for p in datos["proyectos"]], datos["votantes"],
                            [tuple(p) for p in datos["papeletas"]],
                            None if datos["puntos"] is None else [tuple(p) for p in datos["puntos"]],
                            datos["datos_votos"])


def ancla_de(eleccion: pabulib.Eleccion) -> cadena.Ancla:
    """El ancla que lleva una elección (la congelada al cierre, o la de ahora)."""
    return cadena.Ancla(eleccion.meta[cadena.META_CABEZA], int(eleccion.meta[cadena.META_ESLABONES]))


def ancla(db: Database, votacion_id: int) -> cadena.Ancla:
    """Cabeza y eslabones de la cadena: los anotados en el cierre definitivo si la votación está cerrada (lo que
    muestran el proyector y el acta, y lleva el `.pb`); si no, los de ahora."""
    votacion = obtener(db, votacion_id)
    cierres = almacen.cierres(db, votacion_id) if votacion.estado == EstadoVotacion.CERRADA else []
    if cierres:
        return cadena.Ancla(cierres[-1]["cabeza"], cierres[-1]["eslabones"])
    filas = db.execute("SELECT huella FROM papeletas WHERE votacion_id = ? ORDER BY id DESC LIMIT 1",
                       [votacion_id]).fetchall()
    return cadena.Ancla(filas[0][0] if filas else ORIGEN_CADENA, almacen.eslabones(db, votacion_id))


@dataclass
class ResultadoVotacion:
    votacion: Votacion
    eleccion: pabulib.Eleccion
    oficial: reglas.Resultado
    comparacion: reglas.Resultado
    filas: list[dict]                 # una por propuesta, en el orden de la regla oficial
    votantes: int
    por_canal: dict[str, int]
    cubiertos: dict[str, float]       # regla → % de votantes con al menos una elegida financiada
    por_distrito: dict[str, dict]     # ubigeo → % del presupuesto (oficial y MES), % de votantes, % de población
    entran: list[str] = field(default_factory=list)   # financiadas por la comparación y no por la oficial
    salen: list[str] = field(default_factory=list)    # financiadas por la oficial y no por la comparación
    explicacion_mes: str = ""  # cómo reparte Partes Iguales, con los números de esta votación

    @property
    def sobrante_centimos(self) -> int:
        return self.votacion.techo_centimos - sum(f["costo_centimos"] for f in self.filas if f["financiada"])

    @property
    def primera_no_financiada(self) -> dict | None:
        return next((f for f in self.filas if not f["financiada"]), None)


def puede_ver_resultados(votacion: Votacion, actor: Actor) -> Permiso:
    """¿Puede `actor` ver los conteos de `votacion` (resultados, `.pb`, lista priorizada, acta)? Con el motivo.

    Es la única regla de visibilidad de resultados: la usan `exigir_resultados` y, para armar listas, las páginas."""
    if votacion.estado == EstadoVotacion.CERRADA:
        return Permiso(True, "La votación está cerrada: sus resultados son públicos.")
    if votacion.resultados_visibles:
        return Permiso(True, "La facilitación mostró los resultados en vivo.")
    if puede(actor, Accion.GESTIONAR_VOTACIONES):
        return Permiso(True, f"Permitido para {actor.rol.etiqueta}: ve los resultados antes de publicarlos.")
    return Permiso(False, "Los resultados se publican al cerrar la votación (o cuando la facilitación los muestre); "
                          f"ahora está «{votacion.estado.etiqueta.lower()}».")


def exigir_resultados(db: Database, votacion_id: int, *, actor: Actor) -> Votacion:
    """La votación, si `actor` puede ver sus conteos; si no, `SinPermiso` con el motivo.

    Cada caso de uso que entrega conteos la llama una vez; una página que cachea el cómputo (`contar_votacion`)
    la llama antes, con el actor real."""
    votacion = obtener(db, votacion_id)
    permiso = puede_ver_resultados(votacion, actor)
    if not permiso:
        raise SinPermiso(permiso.motivo)
    return votacion


def resultados(db: Database, votacion_id: int, *, actor: Actor, comparar: bool = True) -> ResultadoVotacion:
    """Cuenta la votación con su regla oficial y con la comparación (MES o, si la oficial es MES, los más votados).

    `comparar=False` (el proyector, en vivo): solo la regla oficial; la comparación con MES+add1 puede pedir
    miles de rondas en un taller y se muestra en la página de resultados.
    """
    exigir_resultados(db, votacion_id, actor=actor)
    return contar_votacion(db, votacion_id, comparar=comparar)


def contar_votacion(db: Database, votacion_id: int, *, comparar: bool = True) -> ResultadoVotacion:
    """El cómputo de `resultados`, sin preguntar permiso: lo que una página cachea por versión de la votación
    después de llamar a `exigir_resultados` con su actor."""
    votacion = obtener(db, votacion_id)
    return contar_eleccion(votacion, eleccion_de(db, votacion), _poblacion(db), comparar=comparar)


def contar_eleccion(votacion: Votacion, eleccion: pabulib.Eleccion, poblacion: dict[str, float] | None = None, *,
                    comparar: bool = True) -> ResultadoVotacion:
    perfil = reglas.perfil_de(eleccion)
    n = perfil.votantes
    if n == 0:
        vacio = reglas.Resultado(votacion.regla, [], 0.0)
        oficial = comparacion = vacio
    else:
        oficial = (ordinales.contar(eleccion, votacion.regla) if votacion.regla in ordinales.REGLAS_ORDEN
                   else reglas.REGLAS_PB[votacion.regla](perfil))
        if not comparar:
            comparacion = oficial
        elif votacion.regla in REGLAS_MES:
            comparacion = reglas.greedy(perfil)
        else:
            comparacion = reglas.mes_add1(perfil)
    participacion, combinado = reglas.puntaje_combinado(perfil)
    mes_final = comparacion if votacion.regla not in REGLAS_MES else oficial
    financiadas_mes = set(mes_final.elegidos)
    indice = {pid: j for j, pid in enumerate(perfil.ids)}
    financiadas, financiadas_cmp = set(oficial.elegidos), set(comparacion.elegidos)
    if votacion.regla in REGLAS_MES:
        orden = list(oficial.elegidos) + sorted((p for p in perfil.ids if p not in financiadas),
                                                key=lambda p: (-perfil.puntajes[indice[p]], perfil.costos[indice[p]],
                                                               indice[p]))
    elif votacion.regla in ordinales.REGLAS_ORDEN:
        orden = list(oficial.detalle.get("orden", perfil.ids))
    else:
        puntaje = combinado if votacion.regla == "prioridad-combinada" else perfil.puntajes
        orden = sorted(perfil.ids, key=lambda p: (-puntaje[indice[p]], perfil.costos[indice[p]],
                                                  -perfil.votos[indice[p]], indice[p]))
    proyectos = {p.id: p for p in eleccion.proyectos}
    motivos_mes = (motivos_partes_iguales(perfil, mes_final) if n and (comparar or votacion.regla in REGLAS_MES)
                   else {})

    def motivo_mes(j: int) -> str:
        return motivos_mes.get(perfil.ids[j], "Nadie la eligió.")

    filas, restante, detenida_en = [], votacion.techo_centimos, None
    for rango, codigo in enumerate(orden, start=1):
        j, proyecto = indice[codigo], proyectos[codigo]
        costo = round(proyecto.costo * 100)
        fila = {"rango": rango, "codigo": codigo, "titulo": proyecto.nombre, "distrito": proyecto.datos["district"],
                "ubigeo": proyecto.datos["ubigeo"], "costo_centimos": costo, "votos": int(perfil.votos[j]),
                "puntaje": float(perfil.puntajes[j]), "pct_votantes": 100 * perfil.votos[j] / n if n else 0.0,
                "puntaje_tecnico": _numero(proyecto.datos.get("puntaje_tecnico")),
                "participacion": float(participacion[j]), "combinado": float(combinado[j]),
                "financiada": codigo in financiadas, "financiada_comparacion": codigo in financiadas_cmp}
        if fila["financiada"]:
            restante -= costo
        else:
            fila["motivo"] = (motivo_mes(j) if votacion.regla in REGLAS_MES else
                              _motivo_oficial(votacion, fila, restante, detenida_en))
            if votacion.regla == "greedy-no-skip" and detenida_en is None and fila["votos"]:
                detenida_en = codigo
        fila["motivo_mes"] = (None if (not comparar and votacion.regla not in REGLAS_MES)
                              or codigo in financiadas_mes else motivo_mes(j))
        filas.append(fila)
    cubiertos = {}
    for resultado in (oficial, comparacion):
        cuenta = perfil.apoyos_por_votante([indice[p] for p in resultado.elegidos])
        cubiertos[resultado.regla] = float(100 * (cuenta > 0).mean()) if n else 0.0
    canales: dict[str, int] = {}
    for datos in eleccion.datos_votos:
        canales[datos["canal"]] = canales.get(datos["canal"], 0) + 1
    return ResultadoVotacion(votacion, eleccion, oficial, comparacion, filas, n, canales, cubiertos,
                             _equidad_por_distrito(eleccion, oficial, comparacion, poblacion or {}),
                             entran=[p for p in comparacion.elegidos if p not in financiadas],
                             salen=[p for p in oficial.elegidos if p not in financiadas_cmp],
                             explicacion_mes=explicar_partes_iguales(mes_final, perfil.presupuesto, n))


def _con_partes_mas_grandes(perfil: reglas.Perfil, mes_final: reglas.Resultado) -> set[str] | None:
    """Si add1 hizo crecer las partes: lo que MES financiaría además con el paso siguiente (que ya no cabe en el
    techo). Para decir «le faltó poco» solo de esas, y no «le faltaba S/ 1.00»."""
    if "rondas_add1" not in mes_final.detalle or "presupuesto_por_votante" not in mes_final.detalle:
        return None
    siguiente = reglas.mes(perfil, presupuesto_por_votante=math.floor(mes_final.detalle["presupuesto_por_votante"]) + 1)
    if siguiente.costo_total <= perfil.presupuesto * (1 + reglas.TOLERANCIA):
        return None
    return set(siguiente.elegidos) - set(mes_final.elegidos)


def _numero(texto: str | None) -> float | None:
    return float(texto) if texto not in (None, "") else None


def _motivo_oficial(votacion: Votacion, fila: dict, restante: int, detenida_en: str | None) -> str:
    if not fila["votos"] and not (votacion.regla == "prioridad-combinada" and votacion.peso_tecnico and fila["combinado"]):
        return "Nadie la eligió."
    if detenida_en:
        return f"La regla «más votados sin saltar» se detiene en la primera que no cabe ({detenida_en})."
    return (f"No alcanza: cuando le tocó quedaban {formatear_soles(max(restante, 0))} y cuesta "
            f"{formatear_soles(fila['costo_centimos'])}.")


def motivos_partes_iguales(perfil: reglas.Perfil, resultado: reglas.Resultado) -> dict[str, str]:
    """Código → por qué Partes Iguales (`resultado`, de MES o MES+add1) no la financió, para cada no financiada."""
    indice = {pid: j for j, pid in enumerate(perfil.ids)}
    con_mas = _con_partes_mas_grandes(perfil, resultado)
    financiadas = set(resultado.elegidos)
    return {pid: _motivo_mes(perfil, j, resultado, indice, con_mas) for j, pid in enumerate(perfil.ids)
            if pid not in financiadas}


def _motivo_mes(perfil: reglas.Perfil, j: int, mes_final: reglas.Resultado, indice: dict,
                con_mas: set[str] | None = None) -> str:
    """Por qué Partes Iguales no financió la propuesta `j`, en palabras de taller: cuánto juntaban quienes la
    eligieron, cuánto cuesta y en qué ya habían gastado su parte; o, si le faltó poco (con partes un paso más
    grandes se pagaba: `con_mas`, lo que financia MES con ellas), que no cabe en lo que queda del techo.

    La parte de cada persona no se dice aquí: la explica una sola vez `explicar_partes_iguales`."""
    votos = int(perfil.votos[j])
    if votos == 0:
        return "Nadie la eligió."
    codigo, costo = perfil.ids[j], float(perfil.costos[j])
    saldos = mes_final.detalle.get("saldo_apoyantes")
    if saldos is None:  # add1-comparison eligió «más votados»: no hubo reparto en partes
        return "Ganó el reparto por más votados (más votantes lo preferían): ver el motivo de la regla oficial."
    saldo = saldos.get(codigo, 0.0)
    una = votos == 1
    if con_mas is not None and codigo in con_mas:
        restante = max(perfil.presupuesto - mes_final.costo_total, 0.0)
        return (f"Le faltó poco: con partes apenas más grandes {'quien la eligió la pagaba' if una else 'quienes la eligieron la pagaban'}"
                f", pero lo financiado pasaría el techo: quedan {_soles(restante)} sin asignar y cuesta {_soles(costo)}.")
    quienes = "La única persona que la eligió" if una else f"Las {votos} personas que la eligieron"
    if saldo >= costo * (1 - reglas.TOLERANCIA):
        return (f"{quienes} {'podía' if una else 'podían'} pagarla, pero otras propuestas daban más por cada sol; "
                "al final ya no cabía en el techo.")
    apoyan = np.zeros(perfil.votantes, dtype=bool)
    apoyan[perfil.apoyantes[j]] = True
    compartidas = sorted(((int(apoyan[perfil.apoyantes[indice[k]]].sum()), -indice[k], k) for k in mes_final.elegidos),
                         reverse=True)
    en_que = [k for cuantos, _, k in compartidas[:2] if cuantos]
    frase = (f"{quienes} {'juntaba' if una else 'juntaban'} {_soles(saldo)} de los {_soles(costo)} que cuesta")
    if en_que:
        return frase + f": lo demás de su parte ya lo {'había' if una else 'habían'} puesto en " + " y ".join(en_que) + "."
    return frase + ("; su parte no alcanza." if una else "; son pocas personas para lo que cuesta.")


def explicar_partes_iguales(resultado: reglas.Resultado, presupuesto: float, votantes: int) -> str:
    """Cómo reparte Partes Iguales, con los números de esta votación (la parte inicial y, si creció, hasta cuánto)."""
    if "presupuesto_por_votante" not in resultado.detalle or not votantes:
        return ""
    inicial, final = presupuesto / votantes, resultado.detalle["presupuesto_por_votante"]
    frase = (f"Con Partes Iguales el techo ({_soles(presupuesto)}) se reparte por igual entre las {votantes} "
             f"personas que votaron: {_soles(inicial)} cada una. Cada persona paga con su parte solo propuestas "
             "que eligió, a medias con quienes también las eligieron; una propuesta se financia si quienes la "
             "eligieron juntan su costo.")
    if final > inicial * (1 + reglas.TOLERANCIA):
        frase += (f" Como así sobraba techo, todas las partes crecieron por igual, hasta {_soles(final)} cada una, "
                  "mientras lo financiado cupiera en el techo (sumadas pasan el techo, pero lo que de verdad se gasta "
                  "no lo pasa).")
    return frase


def _soles(monto: float) -> str:
    return formatear_soles(round(monto * 100))


def _equidad_por_distrito(eleccion: pabulib.Eleccion, oficial: reglas.Resultado, comparacion: reglas.Resultado,
                          poblacion: dict[str, float]) -> dict[str, dict]:
    costos = {p.id: (p.datos["ubigeo"], p.costo) for p in eleccion.proyectos}
    distritos: dict[str, dict] = {u: {} for u in poblacion}
    for clave, resultado in (("presupuesto_pct", oficial), ("presupuesto_comparacion_pct", comparacion)):
        total = sum(costos[p][1] for p in resultado.elegidos)
        for p in resultado.elegidos:
            ubigeo = costos[p][0]
            distritos.setdefault(ubigeo, {})
            distritos[ubigeo][clave] = distritos[ubigeo].get(clave, 0.0) + 100 * costos[p][1] / total
    con_distrito = [d["ubigeo"] for d in eleccion.datos_votos if d["ubigeo"]]
    for ubigeo in con_distrito:
        distritos.setdefault(ubigeo, {})
        distritos[ubigeo]["votantes_pct"] = distritos[ubigeo].get("votantes_pct", 0.0) + 100 / len(con_distrito)
    total_poblacion = sum(poblacion.values())
    for ubigeo, valores in distritos.items():
        valores["poblacion_pct"] = 100 * poblacion[ubigeo] / total_poblacion if ubigeo in poblacion else None
        for clave in ("presupuesto_pct", "presupuesto_comparacion_pct", "votantes_pct"):
            valores.setdefault(clave, 0.0)
    return distritos


def _poblacion(db: Database) -> dict[str, float]:
    return {ubigeo: float(valor) for ubigeo, valor in territorio_servicios.poblacion_por_distrito(db).items() if valor}


# --- publicar -------------------------------------------------------------------------------

def exportar_pb(db: Database, votacion_id: int, *, actor: Actor) -> str:
    """El archivo .pb publicado: cualquiera lo recuenta con `python -m votacion contar ARCHIVO.pb`."""
    exigir_resultados(db, votacion_id, actor=actor)
    return archivo_pb(db, votacion_id)


def archivo_pb(db: Database, votacion_id: int) -> str:
    """El cómputo de `exportar_pb`, sin preguntar permiso: el congelado al cierre o, antes, el de ahora."""
    votacion = obtener(db, votacion_id)
    cierres = almacen.cierres(db, votacion_id) if votacion.estado == EstadoVotacion.CERRADA else []
    return cierres[-1]["archivo_pb"] if cierres else pabulib.escribir(eleccion_de(db, votacion))


CABECERA_CSV = ("rango", "codigo", "titulo", "distrito", "ubigeo", "costo_soles", "votos", "puntaje",
                "pct_votantes", "puntaje_tecnico", "puntaje_combinado", "financiada", "financiada_mes")


def exportar_csv(resultado: ResultadoVotacion) -> str:
    """Resultados en CSV (UTF-8 con BOM, separador `;`), a salvo de fórmulas en hojas de cálculo."""
    salida = io.StringIO()
    salida.write("\ufeff")
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow(CABECERA_CSV)
    for f in resultado.filas:
        escritor.writerow([f["rango"], neutralizar(f["codigo"]), neutralizar(f["titulo"]), neutralizar(f["distrito"]),
                           f["ubigeo"], f"{f['costo_centimos'] / 100:.2f}", f["votos"], f"{f['puntaje']:g}",
                           f"{f['pct_votantes']:.1f}", "" if f["puntaje_tecnico"] is None else f"{f['puntaje_tecnico']:g}",
                           f"{f['combinado']:.2f}", "sí" if f["financiada"] else "no",
                           "sí" if f["financiada_comparacion"] else "no"])
    return salida.getvalue()
