"""La hoja del seguimiento: una fila por proyecto en acta, las mismas columnas para exportar y para importar, así
que exportar → editar en Excel → importar vuelve sin cambios (y solo lo que se editó se vuelve actualización).

Al importar, cada fila se revisa (proyecto en acta, CUI de 7 dígitos, fase conocida, montos, porcentajes, fechas
día/mes/año o de Excel, devengado no mayor que el PIM…) y los problemas nombran la fila y la columna; si una fila
tiene problemas no se escribe ninguna. Una celda vacía no cambia el dato (no lo borra); una fila igual a lo que ya
hay no agrega nada.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, registrar_evento
from nucleo.errores import DatosInvalidos
from nucleo.formato import MontoInvalido, hora_local, limpiar, limpiar_linea, soles_a_centimos
from propuestas import hoja
from propuestas import servicios as propuestas_servicios
from propuestas.ficha import leer_fecha
from propuestas.modelo import Estado
from propuestas.seguimiento import servicios
from propuestas.seguimiento.modelo import (
    Cambios,
    Fase,
    Situacion,
    leer_cui,
    leer_fase,
    leer_porcentaje,
    revisar_cambios,
)

# (campo, encabezado, otros nombres aceptados). Las tres primeras identifican; las demás son los datos.
COLUMNAS = (
    ("codigo", "Código", ("codigo de la propuesta", "codigo del proyecto")),
    ("titulo", "Título", ("titulo del proyecto", "nombre del proyecto")),
    ("distrito", "Distrito", ()),
    ("responsable_entidad", "Entidad responsable", ("entidad", "unidad ejecutora")),
    ("responsable_area", "Área responsable", ("area", "area usuaria", "gerencia")),
    ("cui", "CUI", ("codigo unico de inversiones", "codigo unico de inversion", "cui invierte pe")),
    ("fase", "Fase de inversión", ("fase", "fase de la inversion", "estado de la inversion")),
    ("motivo_fase", "Motivo (si no se ejecutará)", ("motivo", "motivo de no ejecucion")),
    ("anio_pia", "Año del PIA", ("ano del pia", "anio pia", "año pia")),
    ("pia_centimos", "PIA (S/)", ("pia",)),
    ("pim_centimos", "PIM (S/)", ("pim",)),
    ("devengado_centimos", "Devengado (S/)", ("devengado", "ejecutado")),
    ("avance_fisico", "Avance físico (%)", ("avance fisico",)),
    ("avance_financiero", "Avance financiero (%)", ("avance financiero",)),
    ("fecha", "Fecha del dato", ("fecha", "fecha de corte", "fecha del reporte")),
    ("nota", "Nota", ("observacion", "comentario")),
)
ENCABEZADO = {campo: titulo for campo, titulo, _ in COLUMNAS}
ALIAS = {hoja.normalizar(n): campo for campo, titulo, otros in COLUMNAS for n in (titulo, campo, *otros)}
MONTOS = ("pia_centimos", "pim_centimos", "devengado_centimos")
AVANCES = ("avance_fisico", "avance_financiero")
TEXTOS = ("responsable_entidad", "responsable_area", "motivo_fase")


# --- exportar -------------------------------------------------------------------------------------------------

def filas(db: Database, proceso_id: int | None, *, hoy: dt.date) -> list[dict]:
    """Una fila por proyecto en acta (encabezado → valor): lo que la hoja exporta y vuelve a importar."""
    salida = []
    for p in servicios.proyectos(db, proceso_id, hoy=hoy):
        if not p.en_seguimiento:
            continue
        s = p.situacion
        salida.append({
            ENCABEZADO["codigo"]: p.codigo, ENCABEZADO["titulo"]: p.titulo, ENCABEZADO["distrito"]: p.distrito,
            ENCABEZADO["responsable_entidad"]: s.responsable_entidad, ENCABEZADO["responsable_area"]: s.responsable_area,
            ENCABEZADO["cui"]: s.cui, ENCABEZADO["fase"]: s.fase.etiqueta if s.fase else None,
            ENCABEZADO["motivo_fase"]: s.motivo_fase, ENCABEZADO["anio_pia"]: s.anio_pia,
            **{ENCABEZADO[c]: (getattr(s, c) / 100 if getattr(s, c) is not None else None) for c in MONTOS},
            **{ENCABEZADO[c]: _porcentaje(getattr(s, c)) for c in AVANCES},
            ENCABEZADO["fecha"]: s.ultima_fecha, ENCABEZADO["nota"]: None})
    return salida


def _porcentaje(valor: float | None):
    """Menos de 1 % sale con el signo («0.5 %»): sin él, «0.5» sería ambiguo al volver a importarlo."""
    return f"{valor:g} %" if valor is not None and 0 < valor < 1 else valor


def como_csv(filas_: list[dict]) -> str:
    """CSV para Excel en castellano (`;`, BOM), montos con punto decimal, fechas día/mes/año, sin fórmulas."""
    return hoja.csv_para_excel(ENCABEZADO.values(), filas_, _celda_csv)


def _celda_csv(valor) -> str:
    if valor is None:
        return ""
    if isinstance(valor, dt.date):
        return valor.strftime("%d/%m/%Y")
    if isinstance(valor, float):
        return f"{valor:.2f}".rstrip("0").rstrip(".") if not valor.is_integer() else str(int(valor))
    return str(hoja.neutralizar(valor))


def como_xlsx(filas_: list[dict]) -> bytes:
    libro, hoja_ = hoja.libro_para_excel("Seguimiento", ENCABEZADO.values(), filas_,
                                         (16, 40, 16, 28, 24, 10, 24, 30, 10, 14, 14, 14, 12, 12, 14, 40))
    for numero in range(2, len(filas_) + 2):
        for indice in (9, 10, 11):  # J, K, L: montos
            hoja_.cell(numero, indice + 1).number_format = '"S/" #,##0.00'
        hoja_.cell(numero, 15).number_format = "DD/MM/YYYY"
    ayuda = libro.create_sheet("Cómo llenarla")
    for linea in ("Una fila por proyecto en acta. No cambie el «Código»: dice a qué proyecto va la fila.",
                  "Una celda vacía no cambia el dato. Una fila igual a lo que ya hay no agrega nada.",
                  "Fases: " + ", ".join(f.etiqueta for f in Fase) + ". «No se ejecutará» lleva el motivo.",
                  "CUI: 7 dígitos. Montos en soles. Avances de 0 a 100 (45 o 45 %).",
                  "Fecha del dato: día/mes/año (vacía = hoy). La nota queda en la línea de tiempo del proyecto."):
        ayuda.append([linea])
    return hoja.guardar(libro)


# --- importar -------------------------------------------------------------------------------------------------

@dataclass
class FilaSeguimiento:
    numero: int
    codigo: str
    cambios: Cambios = field(default_factory=Cambios)
    fecha: dt.date | None = None
    nota: str = ""
    problemas: list[str] = field(default_factory=list)

    @property
    def sin_cambios(self) -> bool:
        return not self.problemas and not self.cambios.presentes() and not self.nota


@dataclass
class RevisionSeguimiento:
    archivo: str
    filas: list[FilaSeguimiento]
    problemas: list[str]

    @property
    def es_importable(self) -> bool:
        return bool(self.filas) and not self.problemas and not any(f.problemas for f in self.filas)

    @property
    def con_cambios(self) -> list[FilaSeguimiento]:
        return [f for f in self.filas if not f.sin_cambios]


def revisar(db: Database, contenido: bytes, nombre: str, *, hoy: dt.date) -> RevisionSeguimiento:
    """Lee la hoja y revisa cada fila contra lo que hay (nada se escribe)."""
    tabla = hoja.leer(contenido, nombre, ALIAS)
    problemas = list(tabla.problemas)
    campos = [ALIAS.get(hoja.normalizar(e)) for e in tabla.encabezados]
    if "codigo" not in campos:
        problemas.append(f"Falta la columna «{ENCABEZADO['codigo']}»: dice a qué proyecto va cada fila (use la hoja "
                         "que exporta la plataforma).")
        return RevisionSeguimiento(nombre, [], problemas)
    proyectos = {p.codigo: p for p in servicios.proyectos(db, None, hoy=hoy)}
    vistas: dict[str, int] = {}
    salida = []
    for numero, celdas in tabla.filas:
        crudos = {c: celdas[i] if i < len(celdas) else None for i, c in enumerate(campos) if c}
        codigo = limpiar_linea(_texto(crudos.get("codigo"))).upper()
        fila = FilaSeguimiento(numero, codigo)
        salida.append(fila)
        if not codigo:
            fila.problemas.append(f"«{ENCABEZADO['codigo']}» está vacío: la fila no dice a qué proyecto va.")
            continue
        if codigo in vistas:
            fila.problemas.append(f"«{ENCABEZADO['codigo']}»: {codigo} ya está en la fila {vistas[codigo]}; una fila "
                                  "por proyecto.")
            continue
        vistas[codigo] = numero
        elegido = proyectos.get(codigo)
        if elegido is None or not elegido.en_seguimiento:
            actual = propuestas_servicios.para_papeleta(db, codigo)
            estado = f"está «{Estado(actual['estado']).etiqueta}»" if actual else "no existe"
            fila.problemas.append(f"«{ENCABEZADO['codigo']}»: {codigo} {estado}; solo se sigue lo que entró al acta "
                                  "firmada.")
            continue
        _leer(fila, crudos, elegido.situacion, hoy)
    if not salida and not problemas:
        problemas.append(f"«{nombre}» no tiene filas debajo del encabezado.")
    return RevisionSeguimiento(nombre, salida, problemas)


def _leer(fila: FilaSeguimiento, crudos: dict, antes: Situacion, hoy: dt.date) -> None:
    valores: dict = {}
    errores: list[tuple[str, str]] = []
    for campo in TEXTOS:
        texto = limpiar_linea(hoja.sin_apostrofo(_texto(crudos.get(campo))))
        valores[campo] = texto or None
    lectores = {"cui": leer_cui, "fase": leer_fase, "anio_pia": _anio, **{c: leer_porcentaje for c in AVANCES},
                **{c: _monto for c in MONTOS}}
    for campo, lector in lectores.items():
        try:
            valores[campo] = lector(crudos.get(campo))
        except (ValueError, MontoInvalido) as error:
            errores.append((campo, str(error)))
            valores[campo] = None
    try:
        fila.fecha = leer_fecha(crudos.get("fecha"), hoy) or hoy
    except ValueError as error:
        errores.append(("fecha", str(error)))
        fila.fecha = hoy
    fila.nota = limpiar(hoja.sin_apostrofo(_texto(crudos.get("nota"))))
    # Solo lo que difiere de lo que ya hay es un cambio (exportar → importar no agrega nada)
    cambios = {c: v for c, v in valores.items() if v is not None and v != getattr(antes, c)}
    fila.cambios = Cambios(**cambios)
    if not cambios and not fila.nota:
        fila.fecha = None
    elif fila.fecha == antes.ultima_fecha and crudos.get("fecha") not in (None, ""):
        fila.fecha = hoy  # la fecha exportada, sin tocar, con datos nuevos: el dato es de hoy
    for campo, mensaje in errores:
        fila.problemas.append(f"«{ENCABEZADO[campo]}»: {mensaje}")
    if fila.fecha is not None:
        for problema in revisar_cambios(antes, fila.cambios, fecha=fila.fecha, nota=fila.nota, hoy=hoy,
                                        con_evidencia=True):
            fila.problemas.append(f"«{ENCABEZADO.get(problema.campo, problema.campo)}»: {problema.mensaje}")


def _texto(valor) -> str:
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    return "" if valor is None else str(valor)


def _anio(valor) -> int | None:
    texto = _texto(valor).strip()
    if not texto:
        return None
    if not texto.isdigit():
        raise ValueError(f"«{valor}» no es un año.")
    return int(texto)


def _monto(valor) -> int | None:
    return soles_a_centimos(valor)


def importar(db: Database, contenido: bytes, nombre: str, *, actor: Actor, ahora: dt.datetime) -> dict:
    """Aplica la hoja, toda o nada: una actualización por fila que cambia algo, con el archivo y la fila de origen.
    Devuelve {actualizaciones, sin_cambios}."""
    exigir(actor, Accion.SEGUIR_PROYECTOS)
    hoy = hora_local(ahora).date()
    huella = hashlib.sha256(contenido).hexdigest()
    with sesiones.escritura_de(db, actor, ahora=ahora):
        revision = revisar(db, contenido, nombre, hoy=hoy)
        if not revision.es_importable:
            raise DatosInvalidos([Problema("archivo", p) for p in revision.problemas]
                                 + [Problema(f"fila {f.numero}", f"Fila {f.numero}: {p}") for f in revision.filas
                                    for p in f.problemas])
        for fila in revision.con_cambios:
            assert fila.fecha is not None
            servicios.agregar_actualizacion(db, fila.codigo, fila.cambios, fecha=fila.fecha, nota=fila.nota, corrige_id=None,
                                 hito_id=None, hito_fecha_real=None, evidencia=None,
                                 origen=f"hoja «{nombre}», fila {fila.numero}", actor=actor, ahora=ahora)
        cuantos = {"actualizaciones": len(revision.con_cambios),
                   "sin_cambios": len(revision.filas) - len(revision.con_cambios)}
        registrar_evento(db, Evento(actor.etiqueta, "importar_seguimiento", "seguimiento", huella[:16], None,
                                    {"archivo": nombre, "sha256": huella, **cuantos}), momento=ahora)
    return cuantos
