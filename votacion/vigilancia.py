"""El Comité de Vigilancia: sus miembros (elegidos en el taller, van al acta), sus observaciones sobre un proyecto
priorizado o un acuerdo del acta, la respuesta del equipo técnico o de administración a cada una, el estado de los
acuerdos (pendiente / en curso / cumplido / incumplido, siempre con motivo) y el informe de vigilancia en PDF.

Todo se agrega y todo queda a la vista: una observación y sus respuestas, cada cambio de estado de un acuerdo con
su motivo. Un miembro anotado por error se retira con motivo (antes de firmar el acta)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir, rol_publico
from nucleo.db import Evento, insertar, marca, registrar_evento
from nucleo.errores import DatosInvalidos, NoEncontrada
from nucleo.formato import formatear_fecha, formatear_soles, hora_local, limpiar, limpiar_linea
from propuestas import seguimiento
from propuestas import servicios as propuestas_servicios
from votacion import almacen
from votacion.formalizar import exigir_sin_acta
from votacion.organizar import obtener

ESTADOS_ACUERDO = {"pendiente": "Pendiente", "en_curso": "En curso", "cumplido": "Cumplido",
                   "incumplido": "Incumplido"}
LARGO_TEXTO = (10, 2000)


# --- el comité --------------------------------------------------------------------------------------------------

def anotar_miembro(db: Database, votacion_id: int, *, nombre: str, organizacion: str, ubigeo: str, actor: Actor,
                   ahora: dt.datetime) -> int:
    """Un miembro elegido en el taller (nombre, organización, distrito): va al acta. No después de firmarla."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    nombre, organizacion = limpiar_linea(nombre), limpiar_linea(organizacion)
    distritos = territorio_servicios.nombres_de_distritos(db)
    problemas = []
    if not 3 <= len(nombre) <= 120:
        problemas.append(Problema("nombre", f"El nombre tiene {len(nombre)} caracteres; debe tener de 3 a 120."))
    if not 2 <= len(organizacion) <= 200:
        problemas.append(Problema("organizacion", "Indique la organización a la que representa (de 2 a 200 "
                                                  "caracteres)."))
    if ubigeo not in distritos:
        problemas.append(Problema("ubigeo", "Elija el distrito de la persona."))
    if problemas:
        raise DatosInvalidos(problemas)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        obtener(db, votacion_id)
        exigir_sin_acta(db, votacion_id)
        miembro_id = insertar(db, "comite_vigilancia", {
            "votacion_id": votacion_id, "nombre": nombre, "organizacion": organizacion, "ubigeo": ubigeo,
            "distrito": distritos[ubigeo], "anotado_en": marca(ahora), "anotado_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "anotar_miembro_comite", "votacion", votacion_id, None,
                                    {"miembro": miembro_id, "organizacion": organizacion}), momento=ahora)
    return miembro_id


def retirar_miembro(db: Database, miembro_id: int, motivo: str, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    motivo = limpiar_linea(motivo)
    if len(motivo) < 5:
        raise DatosInvalidos([Problema("motivo", "Indique por qué se retira a la persona del comité (al menos 5 "
                                                 "caracteres).")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = db.execute("SELECT votacion_id FROM comite_vigilancia WHERE id = ? AND retirado_en IS NULL",
                          [miembro_id]).fetchone()
        if fila is None:
            raise NoEncontrada(f"No hay un miembro vigente n.º {miembro_id} en el comité.")
        exigir_sin_acta(db, fila[0])
        db.table("comite_vigilancia").update(miembro_id, {"retirado_en": marca(ahora), "motivo_retiro": motivo})
        registrar_evento(db, Evento(actor.etiqueta, "retirar_miembro_comite", "votacion", fila[0],
                                    {"miembro": miembro_id}, {"motivo": motivo}), momento=ahora)


def comite(db: Database, votacion_id: int) -> list[dict]:
    """Los miembros vigentes, en el orden en que se anotaron (id, nombre, organizacion, distrito)."""
    return almacen.comite(db, votacion_id)


def comite_del_proceso(db: Database, proceso_id: int) -> list[dict]:
    return [m for v in almacen.listar(db, proceso_id) for m in comite(db, v.id or 0)]


# --- acuerdos -----------------------------------------------------------------------------------------------------

def acuerdos_del_proceso(db: Database, proceso_id: int) -> list[dict]:
    """Los acuerdos vigentes de las votaciones del proceso, con su estado de hoy (pendiente si nadie lo cambió), su
    motivo y su historia."""
    salida = []
    for votacion in almacen.listar(db, proceso_id):
        for acuerdo in almacen.acuerdos(db, votacion.id or 0):
            historia = [dict(f) for f in db["estados_acuerdo"].rows_where("acuerdo_id = ?", [acuerdo["id"]],
                                                                          order_by="id")]
            ultimo = historia[-1] if historia else None
            salida.append({**acuerdo, "votacion": votacion.nombre, "historia": historia,
                           "estado": ultimo["estado"] if ultimo else "pendiente",
                           "motivo": ultimo["motivo"] if ultimo else "", "desde": ultimo["cambiado_en"] if ultimo
                           else acuerdo["anotado_en"]})
    return salida


def cambiar_estado_acuerdo(db: Database, acuerdo_id: int, estado: str, motivo: str, *, actor: Actor,
                           ahora: dt.datetime) -> None:
    """El equipo técnico o administración dice en qué va un acuerdo, siempre con el motivo (queda la historia)."""
    exigir(actor, Accion.SEGUIR_PROYECTOS)
    motivo = limpiar(motivo)
    problemas = []
    if estado not in ESTADOS_ACUERDO:
        problemas.append(Problema("estado", f"«{estado}» no es un estado; use: {', '.join(ESTADOS_ACUERDO.values())}."))
    if not 5 <= len(motivo) <= 1000:
        problemas.append(Problema("motivo", "Diga por qué (de 5 a 1,000 caracteres): qué se hizo o qué falta."))
    if problemas:
        raise DatosInvalidos(problemas)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = db.execute("SELECT votacion_id FROM acuerdos WHERE id = ? AND retirado_en IS NULL",
                          [acuerdo_id]).fetchone()
        if fila is None:
            raise NoEncontrada(f"No hay un acuerdo vigente n.º {acuerdo_id}.")
        insertar(db, "estados_acuerdo", {"acuerdo_id": acuerdo_id, "estado": estado, "motivo": motivo,
                                         "cambiado_en": marca(ahora), "cambiado_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "estado_acuerdo", "votacion", fila[0], None,
                                    {"acuerdo": acuerdo_id, "estado": estado, "motivo": motivo}), momento=ahora)


# --- observaciones ------------------------------------------------------------------------------------------------

def observar(db: Database, proceso_id: int, texto: str, *, codigo: str | None = None, acuerdo_id: int | None = None,
             evidencia: tuple[bytes, str] | None = None, actor: Actor, ahora: dt.datetime) -> int:
    """Una observación del Comité sobre un proyecto priorizado del proceso (`codigo`) o un acuerdo (`acuerdo_id`)."""
    exigir(actor, Accion.VIGILAR)
    texto = limpiar(texto)
    problemas = []
    if (codigo is None) == (acuerdo_id is None):
        problemas.append(Problema("sobre", "Elija sobre qué es la observación: un proyecto o un acuerdo (uno de los "
                                           "dos)."))
    if not LARGO_TEXTO[0] <= len(texto) <= LARGO_TEXTO[1]:
        problemas.append(Problema("texto", f"La observación tiene {len(texto):,} caracteres; debe tener de "
                                           f"{LARGO_TEXTO[0]} a {LARGO_TEXTO[1]:,}."))
    contenido = tipo = nombre = None
    if evidencia is not None:
        try:
            contenido, tipo, nombre = seguimiento.preparar_evidencia(*evidencia)
        except DatosInvalidos as error:
            problemas += error.problemas
    if problemas:
        raise DatosInvalidos(problemas)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        propuesta_id = _proyecto_del_proceso(db, proceso_id, codigo) if codigo else None
        if acuerdo_id is not None:
            _exigir_acuerdo_del_proceso(db, proceso_id, acuerdo_id)
        observacion_id = insertar(db, "observaciones", {
            "proceso_id": proceso_id, "propuesta_id": propuesta_id, "acuerdo_id": acuerdo_id, "texto": texto,
            "evidencia": contenido, "evidencia_nombre": nombre, "evidencia_tipo": tipo, "creada_en": marca(ahora),
            "creada_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "observar", "proceso", proceso_id, None,
                                    {"observacion": observacion_id, "propuesta": codigo, "acuerdo": acuerdo_id}),
                         momento=ahora)
    return observacion_id


def _proyecto_del_proceso(db: Database, proceso_id: int, codigo: str) -> int:
    fila = next((f for f in propuestas_servicios.priorizadas(db, proceso_id) if f["codigo"] == codigo), None)
    if fila is None:
        raise DatosInvalidos([Problema("codigo", f"{codigo} no es un proyecto priorizado de este proceso.")])
    return fila["id"]


def _exigir_acuerdo_del_proceso(db: Database, proceso_id: int, acuerdo_id: int) -> None:
    if not any(a["id"] == acuerdo_id for a in acuerdos_del_proceso(db, proceso_id)):
        raise DatosInvalidos([Problema("acuerdo_id", f"El acuerdo n.º {acuerdo_id} no es de este proceso.")])


def responder(db: Database, observacion_id: int, texto: str, *, actor: Actor, ahora: dt.datetime) -> int:
    """La respuesta del equipo técnico o de administración (con su motivo); la observación sigue a la vista."""
    exigir(actor, Accion.SEGUIR_PROYECTOS)
    texto = limpiar(texto)
    if not LARGO_TEXTO[0] <= len(texto) <= LARGO_TEXTO[1]:
        raise DatosInvalidos([Problema("texto", f"La respuesta tiene {len(texto):,} caracteres; debe tener de "
                                                f"{LARGO_TEXTO[0]} a {LARGO_TEXTO[1]:,} y decir qué se hizo o por "
                                                "qué.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = db.execute("SELECT proceso_id FROM observaciones WHERE id = ?", [observacion_id]).fetchone()
        if fila is None:
            raise NoEncontrada(f"No existe la observación n.º {observacion_id}.")
        respuesta_id = insertar(db, "respuestas_observacion", {
            "observacion_id": observacion_id, "texto": texto, "respondida_en": marca(ahora),
            "respondida_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "responder_observacion", "proceso", fila[0], None,
                                    {"observacion": observacion_id, "respuesta": respuesta_id}), momento=ahora)
    return respuesta_id


@dataclass
class Observacion:
    id: int
    proceso_id: int
    sobre: str            # «PP27-0004 · título» o «Acuerdo n.º 2: texto»
    codigo: str | None
    acuerdo_id: int | None
    texto: str
    creada_en: str
    por: str              # rol público («Comité de Vigilancia»), nunca el usuario
    evidencia_id: int | None = None
    evidencia_tipo: str | None = None
    evidencia_nombre: str | None = None
    respuestas: list[dict] = field(default_factory=list)

    @property
    def abierta(self) -> bool:
        return not self.respuestas


def observaciones(db: Database, proceso_id: int | None = None, *, codigo: str | None = None) -> list[Observacion]:
    """Las observaciones (de un proceso o de un proyecto), la más reciente primero, con sus respuestas."""
    condiciones, parametros = [], []
    if proceso_id is not None:
        condiciones.append("o.proceso_id = ?")
        parametros.append(proceso_id)
    if codigo is not None:
        condiciones.append("o.propuesta_id = ?")
        parametros.append(propuestas_servicios.id_de(db, codigo) or -1)
    donde = ("WHERE " + " AND ".join(condiciones)) if condiciones else ""
    filas = db.execute(f"""
        SELECT o.id, o.proceso_id, o.propuesta_id, o.acuerdo_id, o.texto, o.creada_en, o.creada_por,
               o.evidencia_tipo, o.evidencia_nombre, a.texto
        FROM observaciones o LEFT JOIN acuerdos a ON a.id = o.acuerdo_id {donde} ORDER BY o.id DESC""",
                       parametros).fetchall()
    titulos = {f["id"]: (f["codigo"], f["titulo"]) for f in propuestas_servicios.priorizadas(db, proceso_id)}
    salida = []
    for (id_, proceso, propuesta_id, acuerdo_id, texto, creada_en, por, evidencia_tipo, evidencia_nombre,
         acuerdo) in filas:
        codigo_, titulo = titulos.get(propuesta_id, (propuestas_servicios.codigo_de(db, propuesta_id), "")) \
            if propuesta_id else (None, "")
        sobre = f"{codigo_} · {titulo}" if propuesta_id else f"Acuerdo n.º {acuerdo_id}: {acuerdo}"
        respuestas = [{"texto": r["texto"], "respondida_en": r["respondida_en"], "por": rol_publico(r["respondida_por"])}
                      for r in db["respuestas_observacion"].rows_where("observacion_id = ?", [id_], order_by="id")]
        salida.append(Observacion(id_, proceso, sobre, codigo_, acuerdo_id, texto, creada_en, rol_publico(por),
                                  id_ if evidencia_tipo else None, evidencia_tipo, evidencia_nombre, respuestas))
    return salida


def evidencia_de_observacion(db: Database, observacion_id: int) -> dict:
    fila = db.execute("SELECT evidencia, evidencia_tipo, evidencia_nombre FROM observaciones WHERE id = ?",
                      [observacion_id]).fetchone()
    if fila is None or fila[0] is None:
        raise NoEncontrada(f"La observación n.º {observacion_id} no tiene evidencia.")
    return {"contenido": fila[0], "tipo": fila[1], "nombre": fila[2]}


def momentos(db: Database, codigo: str) -> list[seguimiento.Momento]:
    """Las observaciones del proyecto y sus respuestas, para su línea de tiempo pública."""
    salida = []
    for observacion in observaciones(db, codigo=codigo):
        salida.append(seguimiento.Momento(hora_local(observacion.creada_en).date(), "observacion",
                                          f"Observación n.º {observacion.id} del Comité de Vigilancia",
                                          observacion.texto, alerta=observacion.abierta))
        for respuesta in observacion.respuestas:
            salida.append(seguimiento.Momento(hora_local(respuesta["respondida_en"]).date(), "observacion",
                                              f"Respuesta a la observación n.º {observacion.id} "
                                              f"({respuesta['por']})", respuesta["texto"]))
    return salida


# --- informe ------------------------------------------------------------------------------------------------------

def version(db: Database) -> tuple:
    """Cambia con todo lo que dice el informe: seguimiento, observaciones, respuestas, estados y comité (solo se
    agregan filas; el comité cambia también al retirar a alguien)."""
    return (*seguimiento.version(db), *db.execute(
        "SELECT (SELECT max(id) FROM observaciones), (SELECT max(id) FROM respuestas_observacion), "
        "(SELECT max(id) FROM estados_acuerdo), (SELECT count(*) FROM comite_vigilancia WHERE retirado_en IS NULL), "
        "(SELECT max(id) FROM comite_vigilancia), (SELECT count(*) FROM acuerdos WHERE retirado_en IS NULL), "
        "(SELECT max(id) FROM acuerdos)").fetchone())


def informe_pdf(db: Database, proceso_id: int, *, hoy: dt.date, ahora: dt.datetime) -> bytes:
    """Informe de vigilancia del proceso: el comité, los acuerdos y su estado, los proyectos en el PIA y su avance,
    las observaciones abiertas y los retrasos. Sin datos personales fuera de los nombres del comité (van en el acta)."""
    from nucleo.pdf import Documento

    proceso = propuestas_servicios.obtener_proceso(db, proceso_id)
    proyectos = [p for p in seguimiento.proyectos(db, proceso_id, hoy=hoy) if p.en_seguimiento]
    acuerdos = acuerdos_del_proceso(db, proceso_id)
    abiertas = [o for o in observaciones(db, proceso_id) if o.abierta]
    doc = Documento(f"Informe de vigilancia — {proceso.nombre}", ahora, autor="Comité de Vigilancia")
    doc.parrafo(f"Al {formatear_fecha(hoy)}. Proyectos en acta: {len(proyectos)}; acuerdos: {len(acuerdos)}; "
                f"observaciones sin responder: {len(abiertas)}; proyectos con alertas: "
                f"{sum(bool(p.alertas) for p in proyectos)}.")
    doc.titulo("Comité de Vigilancia")
    miembros = comite_del_proceso(db, proceso_id)
    if miembros:
        doc.tabla(["N.º", "Nombre", "Organización", "Distrito"],
                  [[i, m["nombre"], m["organizacion"], m["distrito"]] for i, m in enumerate(miembros, start=1)],
                  (10, 60, 80, 30))
    else:
        doc.parrafo("No se anotaron miembros del comité en el acta.")
    doc.titulo("Acuerdos y compromisos")
    if acuerdos:
        doc.tabla(["N.º", "Acuerdo", "Responsable", "Plazo", "Estado", "Motivo"],
                  [[a["id"], a["texto"], a["responsable"], a["plazo"], ESTADOS_ACUERDO[a["estado"]], a["motivo"]]
                   for a in acuerdos], (10, 58, 28, 20, 20, 44))
    else:
        doc.parrafo("El acta no registró acuerdos.")
    doc.titulo("Proyectos en el PIA y su avance")
    en_pia = [p for p in proyectos if p.situacion.anio_pia]
    if en_pia:
        doc.tabla(["Proyecto", "Fase", "PIA", "PIM", "Devengado", "Físico"],
                  [[f"{p.codigo} {p.titulo}", p.situacion.etiqueta_fase, f"{p.situacion.anio_pia}",
                    formatear_soles(p.situacion.pim_centimos), formatear_soles(p.situacion.devengado_centimos),
                    "—" if p.situacion.avance_fisico is None else f"{p.situacion.avance_fisico:g} %"]
                   for p in en_pia], (62, 28, 12, 28, 28, 22))
    else:
        doc.parrafo("Ningún proyecto en acta está todavía en un PIA.")
    sin_pia = [p for p in proyectos if not p.situacion.anio_pia]
    if sin_pia:
        doc.parrafo("Sin PIA todavía: " + "; ".join(f"{p.codigo} {p.titulo}" for p in sin_pia) + ".")
    doc.titulo("Retrasos")
    retrasados = [p for p in proyectos if p.alertas]
    if retrasados:
        doc.tabla(["Proyecto", "Alertas"], [[f"{p.codigo} {p.titulo}", " · ".join(p.alertas.textos())]
                                           for p in retrasados], (70, 110))
    else:
        doc.parrafo("Ningún proyecto con más de 90 días sin actualización ni hitos vencidos.")
    doc.titulo("Observaciones sin responder")
    if abiertas:
        doc.tabla(["N.º", "Sobre", "Fecha", "Observación"],
                  [[o.id, o.sobre, formatear_fecha(hora_local(o.creada_en).date()), o.texto] for o in abiertas],
                  (10, 50, 25, 95))
    else:
        doc.parrafo("Todas las observaciones tienen respuesta.")
    return doc.salida()
