"""Casos de uso del seguimiento: cada proyecto en acta, su situación, sus hitos y su línea de tiempo; registrar una
actualización (con evidencia opcional) o un hito. Todo se agrega, nada se edita: una corrección es otra
actualización que dice cuál corrige."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, insertar, marca, registrar_evento
from nucleo.errores import DatosInvalidos, NoEncontrada
from nucleo.formato import formatear_fecha, formatear_soles, hora_local, limpiar, limpiar_linea
from propuestas import fotos, pdlc
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Estado
from propuestas.seguimiento import almacen
from propuestas.seguimiento.modelo import (
    ETIQUETAS,
    Alertas,
    Cambios,
    Hito,
    Situacion,
    alertas,
    revisar_cambios,
)

MAXIMO_PDF_MB = 5
EN_SEGUIMIENTO = Estado.EN_ACTA.value


def preparar(db: Database) -> None:
    almacen.aplicar_migraciones(db)


@dataclass
class Proyecto:
    """Un proyecto priorizado con su situación de hoy (lo que listan la página pública y la del equipo)."""

    id: int
    codigo: str
    titulo: str
    distrito: str
    ubigeo: str
    lat: float
    lon: float
    estado: str
    proceso_id: int
    proceso: str
    en_acta_el: dt.date | None
    costo_centimos: int | None
    objetivo_pdlc: str | None
    situacion: Situacion
    hitos: list[Hito] = field(default_factory=list)
    alertas: Alertas = field(default_factory=Alertas)
    es_demo: bool = False

    @property
    def en_seguimiento(self) -> bool:
        return self.estado == EN_SEGUIMIENTO


def proyectos(db: Database, proceso_id: int | None = None, *, hoy: dt.date) -> list[Proyecto]:
    """Lo priorizado (de un proceso o de todos) con su situación, hitos y alertas. Público: no trae datos
    personales. Lee todo de una vez (miles de proyectos y decenas de miles de actualizaciones en un recorrido)."""
    filas = propuestas_servicios.priorizadas(db, proceso_id)
    ids = [f["id"] for f in filas]
    situaciones = almacen.situaciones(db, ids if proceso_id is not None else None)
    hitos = almacen.hitos(db, ids if proceso_id is not None else None)
    objetivos = pdlc.objetivos_de(db, ids)
    salida = []
    for fila in filas:
        situacion = situaciones.get(fila["id"], Situacion())
        en_acta = hora_local(fila["en_acta_en"]).date() if fila["en_acta_en"] else None
        proyecto = Proyecto(
            fila["id"], fila["codigo"], fila["titulo"], fila["distrito"] or "", fila["ubigeo"], fila["lat"],
            fila["lon"], fila["estado"], fila["proceso_id"], fila["proceso"], en_acta, fila["costo_centimos"],
            objetivos.get(fila["id"]), situacion, hitos.get(fila["id"], []), es_demo=bool(fila["es_demo"]))
        if proyecto.en_seguimiento:
            proyecto.alertas = alertas(situacion, proyecto.hitos, desde=en_acta, hoy=hoy)
        salida.append(proyecto)
    return salida


def version(db: Database) -> tuple:
    """Cambia con cada actualización o hito y con cada propuesta que se prioriza o entra al acta."""
    return (*almacen.version(db), *db.execute(
        "SELECT count(*), max(actualizada_en) FROM propuestas WHERE estado IN ('priorizada', 'en_acta')").fetchone())


def proyecto(db: Database, codigo: str, *, hoy: dt.date) -> Proyecto:
    fila = propuestas_servicios.para_papeleta(db, codigo)
    if fila is None:
        raise NoEncontrada(f"No existe la propuesta {codigo!r}.")
    elegido = next((p for p in proyectos(db, fila["proceso_id"], hoy=hoy) if p.codigo == codigo), None)
    if elegido is None:
        raise NoEncontrada(f"La propuesta {codigo} no está priorizada: no tiene seguimiento.")
    return elegido


def _exigir_en_acta(db: Database, codigo: str) -> dict:
    fila = propuestas_servicios.para_papeleta(db, codigo)
    if fila is None:
        raise NoEncontrada(f"No existe la propuesta {codigo!r}.")
    if fila["estado"] != EN_SEGUIMIENTO:
        raise DatosInvalidos([Problema("codigo", f"La propuesta {codigo} está «{Estado(fila['estado']).etiqueta}»: "
                                                 "solo se sigue lo que entró al acta firmada.")])
    return fila


def registrar_actualizacion(db: Database, codigo: str, cambios: Cambios, *, fecha: dt.date, nota: str = "",
                            corrige_id: int | None = None, hito_id: int | None = None,
                            hito_fecha_real: dt.date | None = None, evidencia: tuple[bytes, str] | None = None,
                            origen: str = "página", actor: Actor, ahora: dt.datetime) -> int:
    """Agrega una actualización (lo que cambia, la fecha del dato, una nota, la evidencia): una transacción."""
    exigir(actor, Accion.SEGUIR_PROYECTOS)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        return agregar_actualizacion(db, codigo, cambios, fecha=fecha, nota=nota, corrige_id=corrige_id,
                                     hito_id=hito_id, hito_fecha_real=hito_fecha_real, evidencia=evidencia,
                                     origen=origen, actor=actor, ahora=ahora)


def agregar_actualizacion(db: Database, codigo: str, cambios: Cambios, *, fecha: dt.date, nota: str,
                          corrige_id: int | None, hito_id: int | None, hito_fecha_real: dt.date | None,
                          evidencia: tuple[bytes, str] | None, origen: str, actor: Actor, ahora: dt.datetime) -> int:
    """Como `registrar_actualizacion`, dentro de la transacción de quien llama (la importación de una hoja)."""
    fila = _exigir_en_acta(db, codigo)
    nota = limpiar(nota)
    cambios = _limpiar_textos(cambios)
    hoy = hora_local(ahora).date()
    antes = almacen.situaciones(db, [fila["id"]]).get(fila["id"], Situacion())
    problemas = revisar_cambios(antes, cambios, fecha=fecha, nota=nota, hoy=hoy,
                                con_evidencia=evidencia is not None or hito_id is not None)
    if corrige_id is not None and not db.execute("SELECT 1 FROM seguimiento_actualizaciones WHERE id = ? AND "
                                                 "propuesta_id = ?", [corrige_id, fila["id"]]).fetchone():
        problemas.append(Problema("corrige_id", f"La actualización n.º {corrige_id} no es de {codigo}."))
    if corrige_id is not None and not nota:
        problemas.append(Problema("nota", "Una corrección dice en la nota qué corrige y por qué."))
    if hito_id is not None:
        problemas += _revisar_hito(db, fila["id"], hito_id, hito_fecha_real, hoy)
    if problemas:
        raise DatosInvalidos(problemas)
    evidencia_id = _guardar_evidencia(db, fila["id"], *evidencia, actor=actor, ahora=ahora) if evidencia else None
    actualizacion_id = insertar(db, "seguimiento_actualizaciones", {
        "propuesta_id": fila["id"], "fecha": fecha.isoformat(), "nota": nota, **almacen.fila_de_cambios(cambios),
        "hito_id": hito_id, "hito_fecha_real": hito_fecha_real.isoformat() if hito_fecha_real else None,
        "corrige_id": corrige_id, "evidencia_id": evidencia_id, "origen": origen,
        "registrada_en": marca(ahora), "registrada_por": actor.etiqueta})
    registrar_evento(db, Evento(actor.etiqueta, "actualizar_seguimiento", "propuesta", fila["id"], None, {
        "actualizacion": actualizacion_id, "cambios": list(cambios.presentes()), "corrige": corrige_id,
        "origen": origen}), momento=ahora)
    return actualizacion_id


def _limpiar_textos(cambios: Cambios) -> Cambios:
    valores = cambios.presentes()
    for campo in ("responsable_entidad", "responsable_area", "motivo_fase"):
        if campo in valores:
            valores[campo] = limpiar_linea(valores[campo]) or None
    return Cambios(**valores)


def _revisar_hito(db: Database, propuesta_id: int, hito_id: int, fecha_real: dt.date | None,
                  hoy: dt.date) -> list[Problema]:
    if not db.execute("SELECT 1 FROM seguimiento_hitos WHERE id = ? AND propuesta_id = ?",
                      [hito_id, propuesta_id]).fetchone():
        return [Problema("hito_id", f"El hito n.º {hito_id} no es de este proyecto.")]
    if fecha_real is None:
        return [Problema("hito_fecha_real", "Indique la fecha en que se cumplió el hito.")]
    if fecha_real > hoy:
        return [Problema("hito_fecha_real", f"La fecha real {formatear_fecha(fecha_real)} es futura.")]
    return []


def preparar_evidencia(contenido: bytes, nombre: str) -> tuple[bytes, str, str]:
    """Una evidencia (del seguimiento o de una observación de vigilancia): (contenido, tipo, nombre). Un PDF de hasta
    5 MB tal cual; una foto, re-codificada sin metadatos (`fotos.preparar_foto`); otra cosa, con el motivo."""
    nombre = limpiar_linea(nombre)[:200] or "evidencia"
    if contenido[:5] == b"%PDF-":
        if len(contenido) > MAXIMO_PDF_MB * 1024 * 1024:
            raise DatosInvalidos([Problema("evidencia", f"«{nombre}» pesa {len(contenido) / 1024 / 1024:.1f} MB; "
                                                        f"el máximo para un PDF es {MAXIMO_PDF_MB} MB.")])
        return contenido, "pdf", nombre
    try:
        foto, _, _ = fotos.preparar_foto(contenido, nombre)
    except DatosInvalidos as error:
        raise DatosInvalidos([Problema("evidencia", f"{p.mensaje} La evidencia es una foto o un PDF.")
                              for p in error.problemas]) from None
    return foto, "foto", nombre


def _guardar_evidencia(db: Database, propuesta_id: int, contenido: bytes, nombre: str, *, actor: Actor,
                       ahora: dt.datetime) -> int:
    contenido, tipo, nombre = preparar_evidencia(contenido, nombre)
    return insertar(db, "seguimiento_evidencias", {
        "propuesta_id": propuesta_id, "nombre": nombre, "tipo": tipo, "contenido": contenido,
        "bytes": len(contenido), "sha256": hashlib.sha256(contenido).hexdigest(), "subida_en": marca(ahora),
        "subida_por": actor.etiqueta})


def agregar_hito(db: Database, codigo: str, nombre: str, fecha_prevista: dt.date | None, *, actor: Actor,
                 ahora: dt.datetime) -> int:
    """Un hito con su fecha prevista (p. ej. «Expediente aprobado», «Inicio de obra»)."""
    exigir(actor, Accion.SEGUIR_PROYECTOS)
    nombre = limpiar_linea(nombre)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _exigir_en_acta(db, codigo)
        if not 3 <= len(nombre) <= 200:
            raise DatosInvalidos([Problema("nombre", f"El nombre del hito tiene {len(nombre)} caracteres; debe tener "
                                                     "de 3 a 200.")])
        if fecha_prevista is None:
            raise DatosInvalidos([Problema("fecha_prevista", "Indique la fecha prevista del hito.")])
        if fecha_prevista.year < 2000 or fecha_prevista.year > 2100:
            raise DatosInvalidos([Problema("fecha_prevista", f"La fecha {formatear_fecha(fecha_prevista)} no es "
                                                             "válida (años 2000 a 2100).")])
        hito_id = insertar(db, "seguimiento_hitos", {
            "propuesta_id": fila["id"], "nombre": nombre, "fecha_prevista": fecha_prevista.isoformat(),
            "creado_en": marca(ahora), "creado_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "agregar_hito", "propuesta", fila["id"], None,
                                    {"hito": hito_id, "nombre": nombre,
                                     "fecha_prevista": fecha_prevista.isoformat()}), momento=ahora)
    return hito_id


def actualizaciones(db: Database, codigo: str) -> list[dict]:
    """Las actualizaciones del proyecto, la más reciente primero, con «corregida por» y la evidencia (sin bytes)."""
    fila = propuestas_servicios.para_papeleta(db, codigo)
    if fila is None:
        raise NoEncontrada(f"No existe la propuesta {codigo!r}.")
    filas = almacen.actualizaciones(db, [fila["id"]])
    corregidas = {f["corrige_id"]: f["id"] for f in filas if f["corrige_id"]}
    evidencias = dict(db.execute(
        "SELECT id, nombre || ' (' || tipo || ')' FROM seguimiento_evidencias WHERE propuesta_id = ?",
        [fila["id"]]).fetchall())
    for f in filas:
        f["corregida_por"] = corregidas.get(f["id"])
        f["evidencia"] = evidencias.get(f["evidencia_id"])
        f["cambios"] = describir(almacen.cambios_de_fila(f))
    return filas[::-1]


def describir(cambios: Cambios) -> list[str]:
    """«Fase de inversión: Ejecución», «PIM: S/ 350,000.00», «Avance físico: 40 %»."""
    salida = []
    for campo, valor in cambios.presentes().items():
        if campo == "fase":
            texto = valor.etiqueta
        elif campo.endswith("_centimos"):
            texto = formatear_soles(valor)
        elif campo.startswith("avance"):
            texto = f"{valor:g} %"
        else:
            texto = str(valor)
        salida.append(f"{ETIQUETAS[campo]}: {texto}")
    return salida


def evidencia(db: Database, evidencia_id: int) -> dict:
    """La evidencia (foto re-codificada o PDF): es pública como el resto del seguimiento."""
    fila = almacen.evidencia(db, evidencia_id)
    if fila is None:
        raise NoEncontrada(f"No existe la evidencia n.º {evidencia_id}.")
    return fila


@dataclass(frozen=True)
class Momento:
    """Un punto de la línea de tiempo de un proyecto."""

    fecha: dt.date
    tipo: str     # votacion, acta, pia, hito, actualizacion, observacion
    titulo: str
    detalle: str = ""
    alerta: bool = False


def linea_de_tiempo(db: Database, codigo: str, *, hoy: dt.date) -> list[Momento]:
    """Votación → acta → PIA → hitos → actualizaciones, en orden de fecha (lo más antiguo primero)."""
    elegido = proyecto(db, codigo, hoy=hoy)
    momentos = []
    for transicion in propuestas_servicios.historial(db, codigo):
        fecha = hora_local(transicion["ocurrido_en"]).date()
        if transicion["hacia"] == Estado.PRIORIZADA.value:
            momentos.append(Momento(fecha, "votacion", "Priorizada en la votación", transicion["motivo"] or ""))
        elif transicion["hacia"] == Estado.EN_ACTA.value:
            momentos.append(Momento(fecha, "acta", "Entró al acta firmada", transicion["motivo"] or ""))
        elif transicion["desde"] == Estado.PRIORIZADA.value and transicion["hacia"] == Estado.VIABLE.value:
            momentos.append(Momento(fecha, "votacion", "La votación se reabrió", transicion["motivo"] or ""))
    pia_visto = None
    for fila in actualizaciones(db, codigo)[::-1]:
        fecha = dt.date.fromisoformat(fila["fecha"])
        if fila["anio_pia"] and fila["anio_pia"] != pia_visto:
            pia_visto = fila["anio_pia"]
            momentos.append(Momento(fecha, "pia", f"Incluido en el PIA {fila['anio_pia']}",
                                    formatear_soles(fila["pia_centimos"]) if fila["pia_centimos"] else ""))
        titulo = f"Actualización n.º {fila['id']}"
        if fila["corrige_id"]:
            titulo += f" (corrige la n.º {fila['corrige_id']})"
        if fila["corregida_por"]:
            titulo += f" — corregida por la n.º {fila['corregida_por']}"
        detalle = " · ".join([*fila["cambios"], *([fila["nota"]] if fila["nota"] else []),
                              *([f"Evidencia: {fila['evidencia']}"] if fila["evidencia"] else [])])
        momentos.append(Momento(fecha, "actualizacion", titulo, detalle))
    for hito in elegido.hitos:
        if hito.fecha_real:
            momentos.append(Momento(hito.fecha_real, "hito", f"Hito cumplido: {hito.nombre}",
                                    f"Previsto para el {formatear_fecha(hito.fecha_prevista)}"))
        else:
            vencido = hito.fecha_prevista < hoy
            momentos.append(Momento(hito.fecha_prevista, "hito", f"Hito {'vencido' if vencido else 'previsto'}: "
                                    f"{hito.nombre}", "Aún sin fecha real", alerta=vencido))
    orden = {"votacion": 0, "acta": 1, "pia": 2, "hito": 3, "actualizacion": 4, "observacion": 5}
    return sorted(momentos, key=lambda m: (m.fecha, orden[m.tipo]))
