"""Casos de uso de la deliberación: argumentar, apoyar, reportar, moderar, fusionar, sintetizar, cerrar.

Cada función revisa el rol (`exigir`), la fase del proceso y el estado de la propuesta en el
servidor, escribe en una sola transacción y deja un evento.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, Permiso, Rol, exigir, puede, rol_publico
from nucleo.db import Evento, marca, registrar_evento
from nucleo.errores import DatosInvalidos, NoEncontrada
from nucleo.formato import formatear_fecha, limpiar
from propuestas import almacen as almacen_propuestas
from propuestas import servicios as propuestas_servicios
from propuestas.deliberacion import almacen
from propuestas.deliberacion.modelo import (
    LIMITE_REPORTES,
    LIMITES_PUBLICACION,
    MOTIVOS_REPORTE,
    Argumento,
    DemasiadosMensajes,
    NoPermitido,
    Postura,
    contar_posturas,
    destacados,
    equilibrio,
    espera_para_publicar,
    explicar_espera,
    hay_desacuerdo,
    validar_argumento,
    validar_motivo,
    validar_reporte,
)
from propuestas.modelo import Estado

ESTADOS_SIN_DEBATE = {Estado.BORRADOR: "es un borrador", Estado.RETIRADA: "fue retirada",
                      Estado.FUSIONADA: "se fusionó con otra"}


def preparar(db: Database) -> None:
    """Las migraciones de la plataforma hasta las propuestas, con las de la deliberación."""
    propuestas_servicios.preparar(db)


# --- reglas comunes -------------------------------------------------------------------------

def _propuesta(db: Database, codigo: str) -> dict:
    fila = almacen_propuestas.obtener_por_codigo(db, codigo or "")
    if fila is None or fila["estado"] == Estado.BORRADOR.value:
        raise NoEncontrada(f"No existe la propuesta {codigo!r}.")
    return fila


def _por_que_no_debatir(db: Database, fila: dict, accion: Accion, ahora: dt.datetime) -> str | None:
    """Motivo por el que no se puede argumentar/apoyar sobre esta propuesta ahora (None: sí se puede)."""
    estado = Estado(fila["estado"])
    if estado in ESTADOS_SIN_DEBATE:
        destino = f"; continúe en {fila['sobreviviente_codigo']}" if estado == Estado.FUSIONADA else ""
        return f"La propuesta {fila['codigo']} {ESTADOS_SIN_DEBATE[estado]}{destino}."
    if fila["oculta_en"]:
        return f"La propuesta {fila['codigo']} está ocultada por moderación."
    if fila["deliberacion_cerrada_en"]:
        motivo = f": {fila['deliberacion_cerrada_motivo']}" if fila["deliberacion_cerrada_motivo"] else "."
        return (f"La facilitación cerró la deliberación sobre {fila['codigo']} el "
                f"{formatear_fecha(dt.date.fromisoformat(fila['deliberacion_cerrada_en'][:10]))}{motivo}")
    permiso = propuestas_servicios.obtener_proceso(db, fila["proceso_id"]).permite(
        accion, propuestas_servicios.fecha_local(ahora))
    return None if permiso else permiso.motivo


def _exigir_debate(db: Database, fila: dict, actor: Actor, accion: Accion, ahora: dt.datetime) -> None:
    exigir(actor, accion)
    motivo = _por_que_no_debatir(db, fila, accion, ahora)
    if motivo:
        raise NoPermitido(motivo)
    if actor.participante_id is not None:
        (proceso_id,) = db.execute("SELECT proceso_id FROM participantes WHERE id = ?",
                                   [actor.participante_id]).fetchone() or (None,)
        if proceso_id != fila["proceso_id"]:
            raise NoPermitido("Su código de acceso es de otro proceso participativo.")


def _permiso_para(db: Database, fila: dict, actor: Actor, accion: Accion, ahora: dt.datetime) -> Permiso:
    """¿Puede `actor` argumentar o apoyar ahora sobre esta propuesta? Con el motivo, para la página."""
    permiso = puede(actor, accion)
    if not permiso:
        quien = "Entre con su código de acceso" if actor.rol == Rol.PUBLICO else "Su rol no lo permite"
        return Permiso(False, f"{quien} para {accion.descripcion}.")
    motivo = _por_que_no_debatir(db, fila, accion, ahora)
    return Permiso(motivo is None, motivo or permiso.motivo)


# --- argumentar -----------------------------------------------------------------------------

def argumentar(db: Database, codigo: str, texto: str, postura: str | Postura, *, actor: Actor,
               ahora: dt.datetime, responde_a: int | None = None) -> int:
    """Publica un argumento (o una respuesta a un argumento principal). Devuelve su id."""
    exigir(actor, Accion.COMENTAR)
    limpio, postura = validar_argumento(texto, postura)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _propuesta(db, codigo)
        _exigir_debate(db, fila, actor, Accion.COMENTAR, ahora)
        if responde_a is not None:
            _exigir_padre(db, fila, responde_a)
        recientes = almacen.publicaciones_recientes(db, actor.etiqueta,
                                                    marca(ahora - dt.timedelta(seconds=LIMITES_PUBLICACION[-1][1])))
        espera = espera_para_publicar([dt.datetime.fromisoformat(m) for m in recientes], ahora)
        if espera:
            raise DemasiadosMensajes(explicar_espera(espera, len(recientes)))
        argumento_id = db.table("argumentos").insert({
            "propuesta_id": fila["id"], "padre_id": responde_a, "postura": postura.value, "texto": limpio,
            "autor": actor.etiqueta, "participante_id": actor.participante_id, "creado_en": marca(ahora)}).last_pk
        registrar_evento(db, Evento(actor.etiqueta, "argumentar", "argumento", argumento_id, None,
                                    {"propuesta": fila["codigo"], "postura": postura.value, "responde_a": responde_a,
                                     "caracteres": len(limpio)}), momento=ahora)
    return argumento_id


def _exigir_padre(db: Database, fila: dict, padre_id: int) -> None:
    padre = db.execute("SELECT propuesta_id, padre_id, oculto_en FROM argumentos WHERE id = ?", [padre_id]).fetchone()
    familia = {f["id"] for f in almacen.familia(db, fila["id"])}
    if padre is None or padre[0] not in familia:
        raise NoEncontrada(f"No existe el argumento {padre_id} en la propuesta {fila['codigo']}.")
    if padre[2]:
        raise NoPermitido("Ese argumento fue ocultado por moderación; no se le puede responder. "
                          "Publique su idea como argumento nuevo.")
    if padre[1] is not None:
        raise NoPermitido("Solo se responde a argumentos principales (dos niveles): responda al argumento original.")


# --- apoyos ---------------------------------------------------------------------------------

def apoyar(db: Database, codigo: str, *, actor: Actor, ahora: dt.datetime) -> bool:
    """Un apoyo por participante y propuesta. Apoyar dos veces no cambia nada (devuelve False)."""
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _propuesta(db, codigo)
        _exigir_debate(db, fila, actor, Accion.APOYAR, ahora)
        return _poner_apoyo(db, "propuesta", fila["id"], fila["codigo"], actor, ahora)


def retirar_apoyo(db: Database, codigo: str, *, actor: Actor, ahora: dt.datetime) -> bool:
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _propuesta(db, codigo)
        _exigir_debate(db, fila, actor, Accion.APOYAR, ahora)
        return _quitar_apoyo(db, "propuesta", fila["id"], fila["codigo"], actor, ahora)


def apoyar_argumento(db: Database, argumento_id: int, *, actor: Actor, ahora: dt.datetime) -> bool:
    with sesiones.escritura_de(db, actor, ahora=ahora):
        argumento, fila = _argumento(db, argumento_id)
        _exigir_debate(db, fila, actor, Accion.APOYAR, ahora)
        if argumento["oculto_en"]:
            raise NoPermitido("Ese argumento fue ocultado por moderación; no se puede apoyar.")
        if argumento["autor"] == actor.etiqueta:
            raise NoPermitido("No puede apoyar su propio argumento.")
        return _poner_apoyo(db, "argumento", argumento_id, fila["codigo"], actor, ahora)


def retirar_apoyo_argumento(db: Database, argumento_id: int, *, actor: Actor, ahora: dt.datetime) -> bool:
    with sesiones.escritura_de(db, actor, ahora=ahora):
        _, fila = _argumento(db, argumento_id)
        _exigir_debate(db, fila, actor, Accion.APOYAR, ahora)
        return _quitar_apoyo(db, "argumento", argumento_id, fila["codigo"], actor, ahora)


def _argumento(db: Database, argumento_id: int) -> tuple[dict, dict]:
    filas = list(db["argumentos"].rows_where("id = ?", [argumento_id]))
    if not filas:
        raise NoEncontrada(f"No existe el argumento {argumento_id}.")
    propuesta = db.execute("SELECT codigo FROM propuestas WHERE id = ?", [filas[0]["propuesta_id"]]).fetchone()[0]
    # Respuestas hechas desde la sobreviviente a argumentos de una fusionada: se debate en la sobreviviente.
    fila = _propuesta(db, propuesta)
    while fila["estado"] == Estado.FUSIONADA.value and fila["sobreviviente_codigo"]:
        fila = _propuesta(db, fila["sobreviviente_codigo"])
    return dict(filas[0]), fila


def _poner_apoyo(db: Database, objeto: str, objeto_id: int, codigo: str, actor: Actor, ahora: dt.datetime) -> bool:
    previo = almacen.apoyo(db, objeto, objeto_id, actor.participante_id)
    if previo and previo["retirado_en"] is None:
        return False
    if previo:
        db.table("apoyos").update(previo["id"], {"apoyado_en": marca(ahora), "retirado_en": None})
    else:
        db.table("apoyos").insert({"objeto": objeto, "objeto_id": objeto_id, "participante_id": actor.participante_id,
                             "apoyado_en": marca(ahora)})
    registrar_evento(db, Evento(actor.etiqueta, f"apoyar_{objeto}", objeto, objeto_id, None,
                                {"propuesta": codigo}), momento=ahora)
    return True


def _quitar_apoyo(db: Database, objeto: str, objeto_id: int, codigo: str, actor: Actor, ahora: dt.datetime) -> bool:
    previo = almacen.apoyo(db, objeto, objeto_id, actor.participante_id) if actor.participante_id else None
    if not previo or previo["retirado_en"] is not None:
        return False
    db.table("apoyos").update(previo["id"], {"retirado_en": marca(ahora)})
    registrar_evento(db, Evento(actor.etiqueta, f"retirar_apoyo_{objeto}", objeto, objeto_id,
                                {"apoyado_en": previo["apoyado_en"]}, {"propuesta": codigo}), momento=ahora)
    return True


# --- reportes y moderación ------------------------------------------------------------------

def reportar(db: Database, objeto: str, objeto_id: int, categoria: str, detalle: str = "", *, actor: Actor,
             origen: str, ahora: dt.datetime) -> bool:
    """Cualquiera puede reportar; el mismo origen no repite un reporte pendiente (devuelve False)."""
    exigir(actor, Accion.REPORTAR)
    categoria, detalle = validar_reporte(categoria, detalle)
    quien = actor.etiqueta if actor.rol != Rol.PUBLICO else f"publico:{origen}"
    with sesiones.escritura_de(db, actor, ahora=ahora):
        proceso_id = _proceso_del_objeto(db, objeto, objeto_id)
        if db.execute("SELECT 1 FROM reportes WHERE objeto = ? AND objeto_id = ? AND reportado_por = ? "
                      "AND resuelto_en IS NULL", [objeto, objeto_id, quien]).fetchone():
            return False
        cantidad, ventana = LIMITE_REPORTES
        if almacen.reportes_recientes(db, quien, marca(ahora - dt.timedelta(seconds=ventana))) >= cantidad:
            raise DemasiadosMensajes(f"Ya envió {cantidad} reportes en la última hora; la facilitación los está "
                                     "revisando. Intente más tarde.")
        reporte_id = db.table("reportes").insert({
            "objeto": objeto, "objeto_id": objeto_id, "proceso_id": proceso_id, "categoria": categoria,
            "detalle": detalle or None, "reportado_por": quien, "origen": quien, "creado_en": marca(ahora)}).last_pk
        registrar_evento(db, Evento(actor.etiqueta, "reportar", objeto, objeto_id, None,
                                    {"reporte": reporte_id, "categoria": categoria}), momento=ahora)
    return True


def _proceso_del_objeto(db: Database, objeto: str, objeto_id: int) -> int:
    if objeto == "argumento":
        fila = db.execute("SELECT p.proceso_id FROM argumentos a JOIN propuestas p ON p.id = a.propuesta_id "
                          "WHERE a.id = ?", [objeto_id]).fetchone()
    elif objeto == "propuesta":
        fila = db.execute("SELECT proceso_id FROM propuestas WHERE id = ? AND estado != 'borrador'",
                          [objeto_id]).fetchone()
    else:
        raise DatosInvalidos([Problema("objeto", f"Se reportan propuestas o argumentos, no {objeto!r}.")])
    if fila is None:
        raise NoEncontrada(f"No existe {'el argumento' if objeto == 'argumento' else 'la propuesta'} {objeto_id}.")
    return fila[0]


TABLAS = {"argumento": ("argumentos", "oculto_en", "oculto_motivo"), "propuesta": ("propuestas", "oculta_en", "oculta_motivo")}


def ocultar(db: Database, objeto: str, objeto_id: int, motivo: str, *, actor: Actor, ahora: dt.datetime) -> None:
    """Oculta un argumento o una propuesta: sigue en la base; el público ve «ocultado por moderación: motivo»."""
    _cambiar_visibilidad(db, objeto, objeto_id, motivo, actor, ahora, ocultar=True)


def restablecer(db: Database, objeto: str, objeto_id: int, motivo: str, *, actor: Actor, ahora: dt.datetime) -> None:
    """Vuelve a mostrar lo ocultado; el ocultamiento queda en `moderaciones` y `eventos`."""
    _cambiar_visibilidad(db, objeto, objeto_id, motivo, actor, ahora, ocultar=False)


def _cambiar_visibilidad(db: Database, objeto: str, objeto_id: int, motivo: str, actor: Actor, ahora: dt.datetime,
                         *, ocultar: bool) -> None:
    exigir(actor, Accion.MODERAR)
    motivo = validar_motivo(motivo)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        _proceso_del_objeto(db, objeto, objeto_id)
        tabla, columna_en, columna_motivo = TABLAS[objeto]
        oculto = bool(db.execute(f"SELECT {columna_en} FROM {tabla} WHERE id = ?", [objeto_id]).fetchone()[0])
        if oculto == ocultar:
            raise NoPermitido("Ya está oculto." if ocultar else "No está oculto.")
        cambios = {columna_en: marca(ahora) if ocultar else None, columna_motivo: motivo if ocultar else None}
        if objeto == "argumento":
            cambios["oculto_por"] = actor.etiqueta if ocultar else None
        else:
            cambios["actualizada_en"] = marca(ahora)  # cambia la versión del listado: sale o vuelve al mapa
        try:
            db[tabla].update(objeto_id, cambios)
        except sqlite3.IntegrityError as error:
            # la votación pone esta regla (trigger): una propuesta en una votación en curso se oculta retirándola
            # de esa votación, con `votacion.servicios.ocultar_propuesta`
            raise NoPermitido(f"No se ocultó: {error}.") from error
        _moderacion(db, objeto, objeto_id, "ocultar" if ocultar else "restablecer", motivo, actor, ahora)
        if ocultar:
            _resolver_reportes(db, objeto, objeto_id, "ocultado", actor, ahora)


def descartar_reportes(db: Database, objeto: str, objeto_id: int, motivo: str, *, actor: Actor,
                       ahora: dt.datetime) -> int:
    """Los reportes pendientes no proceden: se cierran (no se borran). Devuelve cuántos."""
    exigir(actor, Accion.MODERAR)
    motivo = validar_motivo(motivo)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        _proceso_del_objeto(db, objeto, objeto_id)
        cantidad = _resolver_reportes(db, objeto, objeto_id, "descartado", actor, ahora)
        if not cantidad:
            raise NoPermitido("No hay reportes pendientes sobre eso.")
        _moderacion(db, objeto, objeto_id, "descartar_reportes", motivo, actor, ahora)
    return cantidad


def _resolver_reportes(db, objeto, objeto_id, resolucion, actor: Actor, ahora) -> int:
    return db.execute("UPDATE reportes SET resuelto_en = ?, resolucion = ?, resuelto_por = ? WHERE objeto = ? AND "
                      "objeto_id = ? AND resuelto_en IS NULL",
                      [marca(ahora), resolucion, actor.etiqueta, objeto, objeto_id]).rowcount


def _moderacion(db, objeto, objeto_id, accion, motivo, actor: Actor, ahora) -> None:
    db.table("moderaciones").insert({"objeto": objeto, "objeto_id": objeto_id, "accion": accion, "motivo": motivo,
                               "actor": actor.etiqueta, "ocurrido_en": marca(ahora)})
    registrar_evento(db, Evento(actor.etiqueta, accion, objeto, objeto_id, None, {"motivo": motivo}), momento=ahora)


@dataclass(frozen=True)
class Pendiente:
    objeto: str
    objeto_id: int
    propuesta: str
    texto: str
    reportes: int
    categorias: list[str]
    detalles: str
    primero_en: str
    oculto: bool


def cola_de_moderacion(db: Database, proceso_id: int, *, actor: Actor) -> tuple[list[Pendiente], list[dict]]:
    """Lo reportado sin resolver (más reportado primero) y lo que está oculto ahora."""
    exigir(actor, Accion.MODERAR)
    pendientes = []
    for fila in almacen.reportes_pendientes(db, proceso_id):
        if fila["objeto"] == "argumento":
            codigo, texto, oculto = db.execute("SELECT p.codigo, a.texto, a.oculto_en FROM argumentos a JOIN propuestas p "
                                               "ON p.id = a.propuesta_id WHERE a.id = ?", [fila["objeto_id"]]).fetchone()
        else:
            codigo, texto, oculto = db.execute("SELECT codigo, titulo, oculta_en FROM propuestas WHERE id = ?",
                                               [fila["objeto_id"]]).fetchone()
        pendientes.append(Pendiente(fila["objeto"], fila["objeto_id"], codigo, texto, fila["reportes"],
                                    [MOTIVOS_REPORTE.get(c, c) for c in (fila["categorias"] or "").split(",")],
                                    fila["detalles"] or "", fila["primero_en"], bool(oculto)))
    return pendientes, almacen.ocultos(db, proceso_id)


# --- herramientas de facilitación -----------------------------------------------------------

def fusionar(db: Database, absorbidas: list[str], sobreviviente: str, motivo: str, *, actor: Actor,
             ahora: dt.datetime) -> None:
    """Fusiona duplicados en una sobreviviente (una transacción): sus argumentos y apoyos cuentan en ella."""
    exigir(actor, Accion.FUSIONAR)
    absorbidas = list(dict.fromkeys(c for c in absorbidas if c))
    if not absorbidas:
        raise DatosInvalidos([Problema("absorbidas", "Elija al menos una propuesta para fusionar.")])
    if sobreviviente in absorbidas:
        raise DatosInvalidos([Problema("absorbidas", f"{sobreviviente} no puede fusionarse consigo misma.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        for codigo in absorbidas:
            propuestas_servicios.transicionar(db, codigo, Estado.FUSIONADA, actor=actor, motivo=motivo, ahora=ahora,
                                              fusionada_con=sobreviviente)


def escribir_sintesis(db: Database, codigo: str, texto: str, *, actor: Actor, ahora: dt.datetime) -> None:
    """«Acuerdos del grupo»: cada versión se guarda; se muestra la última."""
    exigir(actor, Accion.MODERAR)
    limpio = limpiar(texto) if isinstance(texto, (str, type(None))) else ""
    if not 10 <= len(limpio) <= 5000:
        raise DatosInvalidos([Problema("sintesis", f"La síntesis tiene {len(limpio):,} caracteres; debe tener entre "
                                                   "10 y 5,000.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _propuesta(db, codigo)
        sintesis_id = db.table("sintesis").insert({"propuesta_id": fila["id"], "texto": limpio, "autor": actor.etiqueta,
                                             "escrita_en": marca(ahora)}).last_pk
        registrar_evento(db, Evento(actor.etiqueta, "escribir_sintesis", "propuesta", fila["id"], None,
                                    {"sintesis": sintesis_id, "caracteres": len(limpio)}), momento=ahora)


def cerrar_deliberacion(db: Database, codigo: str, motivo: str = "", *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.MODERAR)
    motivo = limpiar(motivo) if isinstance(motivo, str) else ""
    if len(motivo) > 500:
        raise DatosInvalidos([Problema("motivo", f"El motivo tiene {len(motivo):,} caracteres; el máximo es 500.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _propuesta(db, codigo)
        if fila["deliberacion_cerrada_en"]:
            raise NoPermitido(f"La deliberación sobre {codigo} ya está cerrada.")
        almacen_propuestas.actualizar_propuesta(db, fila["id"], {"deliberacion_cerrada_en": marca(ahora),
                                             "deliberacion_cerrada_motivo": motivo or None})
        _moderacion(db, "propuesta", fila["id"], "cerrar_deliberacion", motivo or None, actor, ahora)


def reabrir_deliberacion(db: Database, codigo: str, motivo: str, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.MODERAR)
    motivo = validar_motivo(motivo)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _propuesta(db, codigo)
        if not fila["deliberacion_cerrada_en"]:
            raise NoPermitido(f"La deliberación sobre {codigo} está abierta.")
        almacen_propuestas.actualizar_propuesta(db, fila["id"], {"deliberacion_cerrada_en": None, "deliberacion_cerrada_motivo": None})
        _moderacion(db, "propuesta", fila["id"], "reabrir_deliberacion", motivo, actor, ahora)


# --- consultar ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deliberacion:
    """Lo que la ficha muestra del debate de una propuesta (incluidas las fusionadas en ella)."""

    codigo: str
    apoyos: int
    apoyada_por_mi: bool
    por_postura: dict[Postura, int]
    destacados: dict[Postura, list[Argumento]]
    hilo: list[Argumento]
    sintesis: dict | None
    cerrada_en: str | None
    cerrada_motivo: str | None
    puede_argumentar: Permiso
    puede_apoyar: Permiso
    puede_moderar: bool


def deliberacion(db: Database, codigo: str, *, actor: Actor, ahora: dt.datetime) -> Deliberacion:
    fila = _propuesta(db, codigo)
    ids = [f["id"] for f in almacen.familia(db, fila["id"])]
    moderador = bool(puede(actor, Accion.MODERAR))
    filas = almacen.argumentos_de(db, ids)
    mios = (almacen.mis_apoyos_a_argumentos(db, actor.participante_id, [f["id"] for f in filas])
            if actor.participante_id and filas else set())
    argumentos = {f["id"]: _a_argumento(f, actor, moderador, mios) for f in filas}
    hilo = []
    for argumento in argumentos.values():
        padre = argumentos.get(argumento.padre_id)
        (padre.respuestas if padre else hilo).append(argumento)
    apoyos = almacen.apoyos_vigentes(db, "propuesta", ids)
    return Deliberacion(
        codigo=fila["codigo"], apoyos=len(apoyos), apoyada_por_mi=actor.participante_id in apoyos,
        por_postura=contar_posturas(hilo), destacados={p: destacados(hilo, p) for p in (Postura.A_FAVOR, Postura.EN_CONTRA)},
        hilo=hilo, sintesis=almacen.ultima_sintesis(db, ids), cerrada_en=fila["deliberacion_cerrada_en"],
        cerrada_motivo=fila["deliberacion_cerrada_motivo"],
        puede_argumentar=_permiso_para(db, fila, actor, Accion.COMENTAR, ahora),
        puede_apoyar=_permiso_para(db, fila, actor, Accion.APOYAR, ahora), puede_moderar=moderador)


def _a_argumento(fila: dict, actor: Actor, moderador: bool, mios: set[int]) -> Argumento:
    es_mio = fila["autor"] == actor.etiqueta and actor.rol != Rol.PUBLICO
    visible = fila["oculto_en"] is None or moderador or es_mio
    return Argumento(
        id=fila["id"], propuesta=fila["propuesta_codigo"], padre_id=fila["padre_id"], postura=Postura(fila["postura"]),
        texto=fila["texto"] if visible else None, autor=nombre_publico(fila), creado_en=fila["creado_en"],
        apoyos=fila["apoyos"], apoyado_por_mi=fila["id"] in mios, es_mio=es_mio, oculto_en=fila["oculto_en"],
        oculto_motivo=fila["oculto_motivo"])


def nombre_publico(fila: dict) -> str:
    """Nombre y primera inicial del apellido (y la organización): lo justo para saber quién habla; del equipo,
    solo su rol («Facilitación»)."""
    if fila.get("participante_id") is None:  # el equipo: su rol, nunca su usuario
        return rol_publico(fila["autor"]).capitalize()
    if fila.get("participante_borrado_en"):
        return f"Participante {fila['participante_id']}"
    partes = (fila.get("participante_nombre") or "").split()
    nombre = " ".join(partes[:1] + [f"{p[0]}." for p in partes[1:2]]) or f"Participante {fila['participante_id']}"
    return nombre + (f" · {fila['participante_organizacion']}" if fila.get("participante_organizacion") else "")


ORDENES = {"recientes": "Más recientes", "apoyos": "Más apoyadas", "debate": "Más debatidas"}


def anotar_cuentas(db: Database, proceso_id: int, filas: list[dict], orden: str = "recientes") -> list[dict]:
    """Agrega `apoyos` y `argumentos` (sumando fusionadas) a las filas de la lista y las ordena."""
    cuentas = almacen.conteos_por_propuesta(db, proceso_id)
    for fila in filas:
        c = cuentas.get(fila["id"], {})
        fila["apoyos"] = c.get("apoyos", 0)
        fila["argumentos"] = sum(c.get(p.value, 0) for p in Postura)
    if orden == "apoyos":
        filas.sort(key=lambda f: -f["apoyos"])
    elif orden == "debate":
        filas.sort(key=lambda f: -f["argumentos"])
    return filas


def version(db: Database) -> tuple:
    return almacen.version(db)


@dataclass(frozen=True)
class ResumenDeliberacion:
    propuestas: list[dict]
    mas_debatidas: list[dict]
    en_desacuerdo: list[dict]
    por_distrito: dict[str, dict]
    totales: dict[str, int]


def resumen(db: Database, proceso_id: int) -> ResumenDeliberacion:
    """Lo más debatido, el desacuerdo fuerte y la participación por distrito (también por 1,000 habitantes)."""
    cuentas = almacen.conteos_por_propuesta(db, proceso_id)
    propuestas = []
    for fila in db.execute("SELECT id, codigo, titulo, distrito, ubigeo, estado FROM propuestas WHERE proceso_id = ? "
                           "AND estado NOT IN ('borrador', 'fusionada') AND oculta_en IS NULL", [proceso_id]):
        id_, codigo, titulo, distrito, ubigeo, estado = fila
        c = cuentas.get(id_, {})
        a_favor, en_contra, observacion = (c.get(p.value, 0) for p in Postura)
        propuestas.append({"codigo": codigo, "titulo": titulo, "distrito": distrito, "ubigeo": ubigeo, "estado": estado,
                           "apoyos": c.get("apoyos", 0), "a_favor": a_favor, "en_contra": en_contra,
                           "observacion": observacion, "argumentos": a_favor + en_contra + observacion,
                           "equilibrio": round(equilibrio(a_favor, en_contra), 2)})
    debatidas = sorted((p for p in propuestas if p["argumentos"]),
                       key=lambda p: (-p["argumentos"], -p["apoyos"], p["codigo"]))[:10]
    desacuerdo = sorted((p for p in propuestas if hay_desacuerdo(p["a_favor"], p["en_contra"])),
                        key=lambda p: (-min(p["a_favor"], p["en_contra"]), -p["equilibrio"], p["codigo"]))
    return ResumenDeliberacion(propuestas, debatidas, desacuerdo, _por_distrito(db, proceso_id),
                               {"argumentos": sum(p["argumentos"] for p in propuestas),
                                "apoyos": sum(p["apoyos"] for p in propuestas),
                                "propuestas_con_debate": sum(1 for p in propuestas if p["argumentos"])})


def _por_distrito(db: Database, proceso_id: int) -> dict[str, dict]:
    por_distrito: dict[str, dict] = {}
    for fila in almacen.participacion_por_distrito(db, proceso_id):
        por_distrito.setdefault(fila["ubigeo"] or "", {})[fila["medida"]] = fila["cantidad"]
    for ubigeo, poblacion in territorio_servicios.poblacion_por_distrito(db).items():
        por_distrito.setdefault(ubigeo, {})["poblacion"] = poblacion
    for valores in por_distrito.values():
        valores.setdefault("participantes", 0)
        valores.setdefault("argumentos", 0)
        poblacion = valores.get("poblacion")
        for medida in ("participantes", "argumentos"):
            valores[f"{medida}_por_mil"] = (round(valores[medida] * 1000 / poblacion, 3)
                                            if poblacion else None)
    return por_distrito
