"""Casos de uso del territorio: una función por acción, una transacción cada una."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from geo import almacen, lectura
from geo.lectura import LecturaLimites, LecturaTabla
from geo.modelo import CentroPoblado, Importacion, ImportacionInvalida, Problema, Punto, SinTerritorio, Territorio
from identidad import almacen as identidad_almacen
from identidad import sesiones
from identidad.acceso import SISTEMA, Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento

TIPOS = ("limites", "indicadores", "centros_poblados")
NOMBRES_TIPO = {"limites": "los límites distritales", "indicadores": "los indicadores por distrito",
                "centros_poblados": "los centros poblados"}
"""Cada tipo de importación dicho para una persona (`limites` no lleva tilde: es un identificador)."""


def provincia_configurada() -> str:
    """Código de provincia (4 dígitos): `PLATAFORMA_PROVINCIA`, por defecto 0212 (Huaylas)."""
    return os.environ.get("PLATAFORMA_PROVINCIA", lectura.PROVINCIA_POR_DEFECTO).strip()

# Columnas de población de los indicadores, de la preferida a la de respaldo (INEI proyectada, MINAM, genérica).
COLUMNAS_POBLACION = ("poblacion_proyectada_2025", "pob_total_2023_minam", "poblacion")


def poblacion_por_distrito(db: Database) -> dict[str, float | None]:
    """Ubigeo → población del distrito según sus indicadores (la primera columna de `COLUMNAS_POBLACION` con un
    número), o None si los indicadores no la traen."""
    return {ubigeo: next((fila[c] for c in COLUMNAS_POBLACION if isinstance(fila.get(c), (int, float))), None)
            for ubigeo, fila in datos_de_distritos(db).items()}


def preparar(db: Database) -> None:
    """Aplica las migraciones de los pisos de abajo (núcleo e identidad) y las del territorio."""
    identidad_almacen.preparar(db)
    almacen.aplicar_migraciones(db)


# --- importar -------------------------------------------------------------------------------

def detectar_tipo(ruta: str | Path, nombre: str | None = None) -> str:
    """'limites' para archivos geográficos; para CSV, 'centros_poblados' si trae lat/lon."""
    nombre = (nombre or Path(ruta).name).lower()
    if not nombre.endswith((".csv", ".txt")):
        return "limites"
    with open(ruta, "rb") as archivo:
        encabezado = archivo.readline(4096).decode("utf-8-sig", "replace").lower()
    columnas = {c.strip() for c in encabezado.replace(";", ",").split(",")}
    tiene_lat = bool(columnas & set(lectura.CAMPOS_LAT)) and bool(columnas & set(lectura.CAMPOS_LON))
    return "centros_poblados" if tiene_lat else "indicadores"


def analizar(db: Database, ruta: str | Path, *, tipo: str, provincia: str, nombre: str | None = None,
             crs: str | None = None) -> LecturaLimites | LecturaTabla:
    """Lee y valida sin guardar (vista previa); lanza ImportacionInvalida con todos los problemas."""
    if tipo == "limites":
        return lectura.leer_limites(ruta, provincia=provincia, nombre=nombre, crs=crs)
    if tipo == "indicadores":
        return lectura.leer_indicadores(ruta, provincia=provincia, nombre=nombre)
    if tipo == "centros_poblados":
        leida = lectura.leer_centros_poblados(ruta, provincia=provincia, nombre=nombre)
        _ubicar_centros(exigir_territorio(db), leida)
        return leida
    raise ValueError(f"Tipo de importación {tipo!r} desconocido; se espera uno de {TIPOS}.")


def importar(db: Database, ruta: str | Path, *, tipo: str | None = None, provincia: str | None = None,
             actor: Actor, ahora: dt.datetime, nombre: str | None = None, crs: str | None = None) -> dict:
    """Importa límites, indicadores o centros poblados en una sola transacción.

    Devuelve el registro de la importación (con su informe). Si algo falla, la base queda
    como estaba: el territorio anterior sigue vigente.
    """
    exigir(actor, Accion.IMPORTAR_TERRITORIO)
    tipo = tipo or detectar_tipo(ruta, nombre)
    provincia = provincia or _provincia_para(db, tipo)
    leida = analizar(db, ruta, tipo=tipo, provincia=provincia, nombre=nombre, crs=crs)
    importacion = Importacion(tipo=tipo, provincia=provincia, archivo=leida.archivo, sha256=leida.sha256,
                              importado_en=marca(ahora), actor=actor.etiqueta, informe=leida.informe())
    with sesiones.escritura_de(db, actor, ahora=ahora):
        anterior = almacen.ultima_importacion(db, tipo)
        if anterior and anterior["provincia"] != provincia and tipo != "limites":
            raise ImportacionInvalida(leida.archivo, [Problema(
                "provincia", f"El territorio vigente es la provincia {anterior['provincia']}, no {provincia}.")])
        importacion_id = almacen.guardar_importacion(db, importacion)
        if isinstance(leida, LecturaLimites):
            almacen.guardar_distritos(db, importacion_id, leida.distritos)
        elif tipo == "indicadores":
            almacen.guardar_indicadores(db, importacion_id, {f["ubigeo"]: _sin_ubigeo(f) for f in leida.filas})
        else:
            almacen.guardar_centros(db, importacion_id, leida.centros)
        registrar_evento(db, Evento(
            actor=actor.etiqueta, accion=f"importar_{tipo}", objeto_tipo="territorio", objeto_id=provincia,
            antes=_resumen(anterior), despues={"importacion_id": importacion_id, "archivo": leida.archivo,
                                               "sha256": leida.sha256, **_conteo(leida)}),
            momento=ahora)
    return {"id": importacion_id, **importacion.__dict__}


def importar_al_iniciar(db: Database, origen: str, *, provincia: str, ahora: dt.datetime) -> dict | None:
    """Primer arranque con `PLATAFORMA_LIMITES`: importa si aún no hay territorio."""
    if almacen.ultima_importacion(db, "limites") is not None:
        return None
    with _archivo_local(origen) as (ruta, nombre):
        return importar(db, ruta, tipo="limites", provincia=provincia, actor=SISTEMA, ahora=ahora, nombre=nombre)


def _provincia_para(db: Database, tipo: str) -> str:
    if tipo == "limites":
        return provincia_configurada()
    return exigir_territorio(db).provincia


def _ubicar_centros(territorio: Territorio, leida: LecturaTabla) -> None:
    dentro, ubigeos = [], []
    for fila in leida.filas:
        distrito = territorio.ubicar(Punto(fila["lat"], fila["lon"]))
        if distrito is None:
            leida.fuera_de_provincia += 1
            leida.avisos.append(Problema("lat/lon", f"El punto ({fila['lat']}, {fila['lon']}) está fuera "
                                         "de la provincia; no se importó.", f"{fila['codigo']} {fila['nombre']}"))
            continue
        dentro.append(fila)
        ubigeos.append(distrito.ubigeo)
    leida.filas = dentro
    leida.centros = lectura.centros_desde_filas(dentro, ubigeos)
    if not dentro:
        raise ImportacionInvalida(leida.archivo, [Problema("lat/lon", "Ningún centro poblado cae dentro de "
                                                           "los distritos de la provincia.")])


def _sin_ubigeo(fila: dict) -> dict:
    return {k: v for k, v in fila.items() if k != "ubigeo"}


def _conteo(leida: LecturaLimites | LecturaTabla) -> dict:
    aceptados = len(leida.distritos) if isinstance(leida, LecturaLimites) else len(leida.filas)
    return {"aceptados": aceptados, "fuera_de_provincia": leida.fuera_de_provincia}


def _resumen(importacion: dict | None) -> dict | None:
    if importacion is None:
        return None
    return {"importacion_id": importacion["id"], "archivo": importacion["archivo"],
            "sha256": importacion["sha256"]}


@contextlib.contextmanager
def _archivo_local(origen: str) -> Iterator[tuple[Path, str]]:
    """Da una ruta local para una ruta o una URL http(s) (descargada con límite de tamaño)."""
    partes = urllib.parse.urlparse(origen)
    if partes.scheme not in ("http", "https"):
        yield Path(origen), Path(origen).name
        return
    nombre = Path(partes.path).name or "limites"
    try:
        with urllib.request.urlopen(origen, timeout=30) as respuesta:
            contenido = respuesta.read(lectura.MAXIMO_BYTES + 1)
    except OSError as error:
        raise ImportacionInvalida(nombre, [Problema("url", f"No se pudo descargar {origen}: {error}")]) from error
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = Path(carpeta) / f"descargado{Path(nombre).suffix}"
        ruta.write_bytes(contenido)
        yield ruta, nombre


# --- consultar ------------------------------------------------------------------------------

def cargar_territorio(db: Database) -> Territorio | None:
    return almacen.cargar_territorio(db)


def exigir_territorio(db: Database) -> Territorio:
    territorio = almacen.cargar_territorio(db)
    if territorio is None:
        raise SinTerritorio()
    return territorio


def nombres_de_distritos(db: Database) -> dict[str, str]:
    return almacen.nombres_de_distritos(db)


def nombre_de_la_provincia(db: Database) -> str | None:
    """La provincia del territorio importado (None sin límites): títulos y autoría de los documentos la usan."""
    return almacen.nombre_de_la_provincia(db)


def mesa_de(nombre_provincia: str | None) -> str:
    """«MCLCP Huaylas» para la provincia importada; sin territorio, solo «MCLCP»."""
    return f"MCLCP {nombre_provincia}" if nombre_provincia else "MCLCP"


def datos_de_distritos(db: Database) -> dict[str, dict]:
    """Indicadores vigentes por ubigeo (vacío si no se importaron)."""
    vigente = almacen.ultima_importacion(db, "indicadores")
    return almacen.cargar_indicadores(db, vigente["id"]) if vigente else {}


def centros_poblados(db: Database) -> list[CentroPoblado]:
    vigente = almacen.ultima_importacion(db, "centros_poblados")
    return almacen.cargar_centros(db, vigente["id"]) if vigente else []


def estado_territorio(db: Database) -> dict:
    """Resumen para la portada: qué se importó, cuándo y de qué archivo."""
    return {tipo: almacen.ultima_importacion(db, tipo) for tipo in TIPOS}


def listar_importaciones(db: Database) -> list[dict]:
    return almacen.listar_importaciones(db)


def ultima_importacion(db: Database, tipo: str) -> dict | None:
    """La importación vigente de un tipo (`limites`, `indicadores`, `centros_poblados`), o None si no hubo."""
    return almacen.ultima_importacion(db, tipo)
