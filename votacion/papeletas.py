"""Emitir papeletas (celular y papel digitado) y retirar propuestas de una papeleta en curso.

Cada escritura vuelve a leer el estado de la votación dentro de su transacción: cerrar y votar a la vez no deja
pasar un voto tardío, y dos celulares con el mismo código no dejan dos papeletas vigentes (cuenta la última de
cada persona en la cadena).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, SinPermiso, exigir
from nucleo.db import Evento, escritura, marca, registrar_evento
from nucleo.errores import NoEncontrada
from nucleo.formato import formatear_fecha_y_hora
from propuestas import servicios as propuestas_servicios
from propuestas.deliberacion import servicios as deliberacion
from propuestas.deliberacion.modelo import validar_motivo
from votacion import almacen, cadena
from votacion.modelo import (
    Canal,
    EstadoVotacion,
    LineaPapel,
    Papeleta,
    PapeletaInvalida,
    Votacion,
    VotacionCerrada,
    VotacionInvalida,
    leer_papeletas_de_papel,
    momento_iso,
    recibo_de,
    validar_papeleta,
)
from votacion.organizar import exigir_del_proceso, obtener


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
        return f"La votación abre el {formatear_fecha_y_hora(votacion.abre_en)}."
    if votacion.cierra_en and ahora >= dt.datetime.fromisoformat(votacion.cierra_en):
        return f"La votación cerró el {formatear_fecha_y_hora(votacion.cierra_en)}."
    return None


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
        exigir_del_proceso(db, actor.participante_id, votacion)
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
    anterior = almacen.ultima_huella(db, votacion.id) or cadena.ORIGEN
    huella = cadena.huella_formato_2(anterior, reemplaza, cadena.resumen(
        cadena.publico(votacion.id, canal.value, taller_id, contenido, privado)))
    fila = {"votacion_id": votacion.id, "votante": votante, "participante_id": participante_id, "canal": canal.value,
            "taller_id": taller_id, "lote_id": lote_id, "serie": serie,
            "contenido": json.dumps(contenido, ensure_ascii=False), "emitida_en": emitida_en,
            "huella_anterior": anterior, "huella": huella, "recibo": recibo_de(huella), "formato": 2,
            "reemplaza": reemplaza, "compromiso": privado, "sal": sal, "sello": cadena.sello(clave, huella)}
    db.table("papeletas").insert(fila)
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
        lote_id = db.table("lotes_papel").insert({"votacion_id": votacion_id, "huella_texto": huella_texto,
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
        propuesta_id = propuestas_servicios.id_de(db, codigo)
        if propuesta_id is None or codigo not in almacen.elegibles(db, votacion_id):
            raise NoEncontrada(f"{codigo} no está en la papeleta de la votación {votacion_id}.")
        _retirar(db, votacion, propuesta_id, codigo, motivo, actor=actor, ahora=ahora)


def ocultar_propuesta(db: Database, propuesta_id: int, motivo: str, *, actor: Actor, ahora: dt.datetime) -> list[str]:
    """Moderación: oculta la propuesta y, en la misma transacción y con el mismo motivo, la retira de cada votación
    no cerrada donde está (una votación cerrada no cambia). Devuelve los nombres de esas votaciones."""
    exigir(actor, Accion.MODERAR)
    motivo = " ".join(validar_motivo(motivo).split())
    with sesiones.escritura_de(db, actor, ahora=ahora):
        codigo = propuestas_servicios.codigo_de(db, propuesta_id)
        if codigo is None:
            raise NoEncontrada(f"No existe la propuesta {propuesta_id}.")
        en_curso = almacen.votaciones_con(db, propuesta_id)
        for votacion in en_curso:
            _retirar(db, votacion, propuesta_id, codigo, motivo, actor=actor, ahora=ahora)
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
    db.table("retiros").insert({"votacion_id": votacion.id, "propuesta_id": propuesta_id, "motivo": motivo,
                          "retirada_en": marca(ahora), "retirada_por": actor.etiqueta})
    db.table("votaciones").update(votacion.id, {"actualizada_en": marca(ahora)})
    registrar_evento(db, Evento(actor.etiqueta, "retirar_de_la_votacion", "votacion", votacion.id, None,
                                {"propuesta": codigo, "motivo": motivo}), momento=ahora)


def retiradas(db: Database, votacion_id: int) -> list[dict]:
    """Las propuestas retiradas de la votación (código, título, motivo, hora), en el orden en que se retiraron."""
    return list(almacen.retiros(db, votacion_id).values())


def reaperturas(db: Database, votacion_id: int) -> list[dict]:
    """Cada vez que se reabrió la votación cerrada: hacia qué estado, motivo, hora y quién."""
    return almacen.reaperturas(db, votacion_id)


def cuantas_por_canal(db: Database, votacion_id: int) -> dict[str, int]:
    """Cuántas papeletas cuentan (la última de cada persona), en total y por canal: lo que ya muestra el proyector."""
    canales = [v["canal"] for v in almacen.vigentes(db, votacion_id)]
    return {"total": len(canales), "celular": canales.count("celular"), "papel": canales.count("papel")}
