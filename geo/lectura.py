"""Lectura de archivos fuente: límites (GeoJSON, Shapefile en .zip, GeoPackage) y tablas CSV.

Traduce los nombres de campo de cada fuente (`IDDIST`, `NOMBDIST`, …) a los del dominio;
esos nombres no salen de este módulo. Toda función pública devuelve datos del dominio y un
informe, o lanza `ImportacionInvalida` con todos los problemas a la vez.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from geo.modelo import CentroPoblado, Distrito, ImportacionInvalida, Problema, Punto, PuntoInvalido

MAXIMO_MB = 30
MAXIMO_BYTES = MAXIMO_MB * 1024 * 1024
PROVINCIA_POR_DEFECTO = "0212"
LARGO_MAXIMO_NOMBRE = 120

CAMPOS_UBIGEO = ("ubigeo", "iddist", "coddist", "ubigeo_dist", "iddistrito", "cod_ubigeo", "ubigeo_inei")
CAMPOS_NOMBRE = ("distrito", "nombdist", "nomdist", "nom_dist", "nombre_dist", "nombre_distrito",
                 "nombre", "name")
CAMPOS_PROVINCIA = ("provincia", "nombprov", "nomprov", "nom_prov")
CAMPOS_DEPARTAMENTO = ("departamento", "nombdep", "nomdep", "nom_dep", "departamen")
CAMPOS_CODIGO_CCPP = ("codigo_ccpp", "codccpp", "cod_ccpp", "codigo", "idccpp")
CAMPOS_NOMBRE_CCPP = ("nombre", "nomccpp", "nombccpp", "nom_ccpp", "centro_poblado", "nombre_ccpp")
CAMPOS_LAT = ("lat", "latitud", "latitude", "y")
CAMPOS_LON = ("lon", "longitud", "longitude", "lng", "x")
CAMPOS_TIPO_CCPP = ("tipo", "area", "ambito")
# Lo plausible para un distrito del Perú, en grados (el país va de -81.3 a -68.7 de longitud y de -18.4 a -0.04 de
# latitud), con un margen: fuera de esto, el archivo está en otro sistema de coordenadas o tiene un vértice roto.
PERU = {"oeste": -82.0, "este": -68.0, "sur": -19.0, "norte": 0.5}
# Los sistemas en que suelen venir los límites del Perú en metros: UTM 17, 18 y 19 Sur (WGS 84 y PSAD56).
CRS_DEL_PERU = {"EPSG:32718": "WGS 84 / UTM zona 18 Sur", "EPSG:32717": "WGS 84 / UTM zona 17 Sur",
                "EPSG:32719": "WGS 84 / UTM zona 19 Sur", "EPSG:24878": "PSAD56 / UTM zona 18 Sur",
                "EPSG:24877": "PSAD56 / UTM zona 17 Sur", "EPSG:24879": "PSAD56 / UTM zona 19 Sur"}


@dataclass
class LecturaLimites:
    """Resultado de leer un archivo de límites, antes de guardarlo."""

    archivo: str
    provincia: str
    sha256: str
    distritos: list[Distrito]
    avisos: list[Problema] = field(default_factory=list)
    campos: dict[str, str] = field(default_factory=dict)
    crs_origen: str = ""
    fuera_de_provincia: int = 0

    def informe(self) -> dict:
        return {
            "aceptados": [f"{d.ubigeo} {d.nombre}" for d in self.distritos],
            "avisos": [str(a) for a in self.avisos],
            "campos": self.campos,
            "crs_origen": self.crs_origen,
            "fuera_de_provincia": self.fuera_de_provincia,
        }


@dataclass
class LecturaTabla:
    """Resultado de leer un CSV de indicadores o de centros poblados."""

    archivo: str
    provincia: str
    sha256: str
    filas: list[dict]
    columnas: list[str]
    avisos: list[Problema] = field(default_factory=list)
    fuera_de_provincia: int = 0
    centros: list[CentroPoblado] = field(default_factory=list)

    def informe(self) -> dict:
        return {
            "aceptados": len(self.filas),
            "columnas": self.columnas,
            "avisos": [str(a) for a in self.avisos],
            "fuera_de_provincia": self.fuera_de_provincia,
        }


# --- límites --------------------------------------------------------------------------------

def leer_limites(ruta: str | Path, *, provincia: str = PROVINCIA_POR_DEFECTO,
                 nombre: str | None = None, crs: str | None = None) -> LecturaLimites:
    """Lee límites distritales y deja solo los de `provincia` (4 dígitos), en EPSG:4326."""
    ruta = Path(ruta)
    nombre = nombre or ruta.name
    validar_provincia(provincia, nombre)
    contenido = _leer_bytes(ruta, nombre)
    formato = _detectar_formato(contenido, nombre)
    capa = _abrir_capa(ruta, contenido, formato, nombre)
    avisos: list[Problema] = []
    campos = _detectar_campos(capa, nombre)
    _exigir_coordenadas_finitas(capa, campos, nombre)
    capa, crs_origen = _llevar_a_wgs84(capa, crs, nombre, avisos)
    _exigir_coordenadas_finitas(capa, campos, nombre)  # otra vez: reproyectar un vértice desmesurado da infinito
    _exigir_coordenadas_del_peru(capa, campos, crs_origen, nombre)
    lectura = LecturaLimites(archivo=nombre, provincia=provincia, sha256=_sha256(contenido),
                             distritos=[], avisos=avisos, campos=campos, crs_origen=crs_origen)
    lectura.distritos = _construir_distritos(capa, campos, provincia, nombre, lectura)
    return lectura


def validar_provincia(provincia: str, archivo: str = "configuración") -> None:
    if not re.fullmatch(r"\d{4}", provincia or ""):
        raise ImportacionInvalida(archivo, [Problema(
            "provincia", f"El código de provincia {provincia!r} no es válido; se esperan 4 dígitos "
                         "(departamento + provincia, p. ej. 0212 para Huaylas).")])


def _leer_bytes(ruta: Path, nombre: str) -> bytes:
    if not ruta.is_file():
        raise ImportacionInvalida(nombre, [Problema("archivo", f"No existe el archivo «{ruta}».")])
    tamano = ruta.stat().st_size
    if tamano == 0:
        raise ImportacionInvalida(nombre, [Problema("archivo", "El archivo está vacío (0 bytes).")])
    if tamano > MAXIMO_BYTES:
        raise ImportacionInvalida(nombre, [Problema(
            "archivo", f"El archivo pesa {tamano / 1024 / 1024:.1f} MB; el máximo es {MAXIMO_MB} MB. "
                       "Recorte la provincia o simplifique los límites (QGIS: Vectorial › "
                       "Geometría › Simplificar) y vuelva a intentar.")])
    return ruta.read_bytes()


def _detectar_formato(contenido: bytes, nombre: str) -> str:
    """Por el contenido, no por la extensión: 'geojson', 'zip' o 'gpkg'."""
    inicio = contenido[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if contenido.startswith(b"PK\x03\x04"):
        return "zip"
    if contenido.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if inicio.startswith(b"{"):
        return "geojson"
    if inicio.startswith(b"<"):
        tipo = "KML" if b"<kml" in contenido[:2048].lower() else "XML/HTML"
        raise ImportacionInvalida(nombre, [Problema(
            "formato", f"El archivo es {tipo}, no GeoJSON, Shapefile (.zip) ni GeoPackage. "
                       "Conviértalo a GeoJSON (QGIS: Exportar › Guardar objetos como…).")])
    if contenido[:4] in (b"\x00\x00\x27\x0a",) or nombre.lower().endswith(".shp"):
        raise ImportacionInvalida(nombre, [Problema(
            "formato", "Un Shapefile suelto no basta: comprima en un .zip el .shp junto con "
                       "su .shx, .dbf y .prj.")])
    raise ImportacionInvalida(nombre, [Problema(
        "formato", "No se reconoce el formato; se espera GeoJSON, Shapefile comprimido (.zip) "
                   "o GeoPackage (.gpkg).")])


def _abrir_capa(ruta: Path, contenido: bytes, formato: str, nombre: str):
    import geopandas as gpd
    import pyogrio

    try:
        if formato == "geojson":
            declara_crs = _revisar_geojson(contenido, nombre)
            capa = gpd.read_file(ruta, engine="pyogrio")
            # GDAL toma en grados WGS84 todo GeoJSON sin «crs» (RFC 7946); aquí «sin crs» queda como no declarado,
            # para revisar si de verdad son grados (un GeoJSON en UTM sin «crs» es un error común).
            return capa if declara_crs else capa.set_crs(None, allow_override=True)
        if formato == "zip":
            miembro = _shapefile_en_zip(ruta, nombre)
            return gpd.read_file(f"/vsizip/{ruta.resolve()}/{miembro}", engine="pyogrio")
        capa = _capa_poligonal_gpkg(ruta, nombre)
        return gpd.read_file(ruta, layer=capa, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError, ValueError) as error:
        raise ImportacionInvalida(nombre, [Problema(
            "archivo", f"No se pudo leer como {formato.upper()}: {error}")]) from error


def _revisar_geojson(contenido: bytes, nombre: str) -> bool:
    """Revisa el JSON antes de dárselo a GDAL; devuelve si declara su sistema de coordenadas («crs»)."""
    try:
        datos = json.loads(contenido.decode("utf-8-sig"), parse_constant=_constante_no_valida)
    except UnicodeDecodeError as error:
        raise ImportacionInvalida(nombre, [Problema(
            "codificación", f"El GeoJSON no está en UTF-8 (byte {error.start}).")]) from error
    except json.JSONDecodeError as error:
        raise ImportacionInvalida(nombre, [Problema(
            "formato", f"No es JSON válido: {error.msg} (línea {error.lineno}, "
                       f"columna {error.colno}).")]) from error
    except ValueError as error:  # NaN o Infinity
        raise ImportacionInvalida(nombre, [Problema("coordenadas", str(error))]) from None
    except RecursionError:
        raise ImportacionInvalida(nombre, [Problema(
            "formato", "El JSON tiene corchetes o llaves anidados cientos de niveles; un GeoJSON de distritos "
                       "tiene a lo más seis. El archivo está dañado o no es GeoJSON.")]) from None
    tipo = datos.get("type") if isinstance(datos, dict) else None
    if tipo not in ("FeatureCollection", "Feature"):
        raise ImportacionInvalida(nombre, [Problema(
            "type", f"El GeoJSON es de tipo {tipo!r}; se espera una FeatureCollection de distritos.")])
    if tipo == "FeatureCollection" and not datos.get("features"):
        raise ImportacionInvalida(nombre, [Problema(
            "features", "La FeatureCollection no tiene ningún elemento.")])
    return datos.get("crs") is not None


def _constante_no_valida(texto: str):
    raise ValueError(f"El GeoJSON tiene «{texto}» donde va un número; no es JSON válido (suele ser un vértice "
                     "sin coordenada). Corríjalo o expórtelo de nuevo (QGIS: Vectorial › Geometría › Comprobar "
                     "validez).")


def _shapefile_en_zip(ruta: Path, nombre: str) -> str:
    try:
        with zipfile.ZipFile(ruta) as comprimido:
            miembros = comprimido.infolist()
    except zipfile.BadZipFile as error:
        raise ImportacionInvalida(nombre, [Problema("archivo", f"El .zip está dañado: {error}")]) from error
    if sum(m.file_size for m in miembros) > 4 * MAXIMO_BYTES:
        raise ImportacionInvalida(nombre, [Problema(
            "archivo", f"El .zip descomprimido pasa de {4 * MAXIMO_MB} MB.")])
    nombres = [m.filename for m in miembros if not m.is_dir()]
    shps = [n for n in nombres if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    if not shps:
        raise ImportacionInvalida(nombre, [Problema(
            "archivo", f"El .zip no contiene ningún .shp (contiene: {', '.join(nombres[:8]) or 'nada'}).")])
    if len(shps) > 1:
        raise ImportacionInvalida(nombre, [Problema(
            "archivo", f"El .zip contiene {len(shps)} capas ({', '.join(shps)}); deje solo la de distritos.")])
    base = shps[0][:-4]
    faltan = [ext for ext in (".shx", ".dbf") if not any(n.lower() == (base + ext).lower() for n in nombres)]
    if faltan:
        raise ImportacionInvalida(nombre, [Problema(
            "archivo", f"Al Shapefile «{shps[0]}» le falta {' y '.join(faltan)} dentro del .zip.")])
    return shps[0]


def _capa_poligonal_gpkg(ruta: Path, nombre: str) -> str:
    import pyogrio

    capas = pyogrio.list_layers(ruta)
    poligonales = [str(c[0]) for c in capas if c[1] and "polygon" in str(c[1]).lower()]
    if not poligonales:
        descripcion = ", ".join(f"{c[0]} ({c[1] or 'sin geometría'})" for c in capas) or "ninguna"
        raise ImportacionInvalida(nombre, [Problema(
            "capa", f"El GeoPackage no tiene capas de polígonos (capas: {descripcion}).")])
    return poligonales[0]


def _detectar_campos(capa, nombre: str) -> dict[str, str]:
    columnas = {c.lower(): c for c in capa.columns if c != "geometry"}
    campos: dict[str, str] = {}
    for clave, candidatos in (("ubigeo", CAMPOS_UBIGEO), ("nombre", CAMPOS_NOMBRE),
                              ("provincia", CAMPOS_PROVINCIA), ("departamento", CAMPOS_DEPARTAMENTO)):
        encontrado = next((columnas[c] for c in candidatos if c in columnas), None)
        if encontrado:
            campos[clave] = encontrado
    if "ubigeo" not in campos and {"ccdd", "ccpp", "ccdi"} <= columnas.keys():
        campos["ubigeo"] = "+".join(columnas[c] for c in ("ccdd", "ccpp", "ccdi"))
    problemas = []
    disponibles = ", ".join(sorted(columnas.values())) or "ninguno"
    if "ubigeo" not in campos:
        problemas.append(Problema("ubigeo", "No se encontró el campo del ubigeo (se buscó "
                                  f"{', '.join(c.upper() for c in CAMPOS_UBIGEO)}); campos del archivo: {disponibles}."))
    if "nombre" not in campos:
        problemas.append(Problema("nombre", "No se encontró el campo del nombre del distrito (se buscó "
                                  f"{', '.join(c.upper() for c in CAMPOS_NOMBRE)}); campos del archivo: {disponibles}."))
    if problemas:
        raise ImportacionInvalida(nombre, problemas)
    return campos


def _exigir_coordenadas_finitas(capa, campos: dict[str, str], nombre: str) -> None:
    """Un vértice NaN o infinito no es un lugar: se rechaza nombrando el elemento (shapely fallaría después)."""
    import numpy as np

    malos = [posicion for posicion, geometria in enumerate(capa.geometry)
             if geometria is not None and not np.isfinite(shapely.get_coordinates(geometria)).all()]
    if malos:
        raise ImportacionInvalida(nombre, [Problema(
            "coordenadas", "Tiene una coordenada que no es un número finito (NaN, infinito, o desmesurada como "
                           "1e300, que al reproyectar da infinito). Corrija ese vértice.",
            _elemento(capa, campos, posicion)) for posicion in malos[:10]])


def _elemento(capa, campos: dict[str, str], posicion: int) -> str:
    fila = capa.iloc[posicion]
    return f"elemento {posicion + 1} ({_texto(fila.get(campos.get('nombre', ''))) or 'sin nombre'})"


def _exigir_coordenadas_del_peru(capa, campos: dict[str, str], crs_origen: str, nombre: str) -> None:
    """Ya en grados WGS84, todo vértice debe caer en el Perú (con margen); si no, dice qué elemento, o, si nada
    cae en el Perú, qué sistema de coordenadas parece tener el archivo."""
    limites = capa.geometry.bounds
    con_geometria = capa.geometry.notna() & ~capa.geometry.is_empty  # las vacías se informan después, una por una
    fuera = con_geometria & ~((limites.minx >= PERU["oeste"]) & (limites.maxx <= PERU["este"])
                              & (limites.miny >= PERU["sur"]) & (limites.maxy <= PERU["norte"]))
    if not fuera.any():
        return
    if fuera[con_geometria].all():
        oeste, sur, este, norte = capa.geometry.total_bounds
        raise ImportacionInvalida(nombre, [Problema("crs", _explicar_fuera_del_peru(
            oeste, sur, este, norte, crs_origen, capa.attrs.get("crs_declarado", True)))])
    problemas = []
    for posicion in [i for i, malo in enumerate(fuera) if malo][:10]:
        puntos = shapely.get_coordinates(capa.geometry.iloc[posicion])
        x, y = next((x, y) for x, y in puntos if not (PERU["oeste"] <= x <= PERU["este"]
                                                      and PERU["sur"] <= y <= PERU["norte"]))
        problemas.append(Problema(
            "coordenadas", f"Tiene un vértice en ({x:.6g}, {y:.6g}) (longitud, latitud), fuera del Perú; los demás "
                           "distritos sí están en el Perú. Corrija ese vértice.",
            _elemento(capa, campos, posicion)))
    raise ImportacionInvalida(nombre, problemas)


def _explicar_fuera_del_peru(oeste: float, sur: float, este: float, norte: float, crs_origen: str,
                             declarado: bool) -> str:
    rango = f"x de {_corto(oeste)} a {_corto(este)}, y de {_corto(sur)} a {_corto(norte)}"
    if not declarado:
        causa = ("El archivo no declara sistema de coordenadas (falta «crs» en el GeoJSON o el .prj del Shapefile) "
                 f"y sus coordenadas ({rango}) ")
        causa += "no son grados." if max(abs(oeste), abs(este)) > 180 or max(abs(sur), abs(norte)) > 90 else \
            "caen fuera del Perú."
    else:
        causa = f"Con el sistema que declara ({crs_origen}), sus coordenadas ({rango}) caen fuera del Perú."
    candidato = _crs_que_cae_en_el_peru(oeste, sur, este, norte)
    if candidato:
        pista = (f" Parecen estar en {candidato} ({CRS_DEL_PERU[candidato]}): indíquelo en «Sistema de "
                 f"coordenadas» (o --crs {candidato}), o expórtelo en EPSG:4326 desde QGIS.")
    elif PERU["oeste"] <= sur <= norte <= PERU["este"] and PERU["sur"] <= oeste <= este <= PERU["norte"]:
        pista = " La latitud y la longitud parecen intercambiadas: en GeoJSON va primero la longitud."
    else:
        pista = (" Indique su sistema de coordenadas (para Áncash suele ser EPSG:32718, UTM zona 18 Sur, o "
                 "EPSG:32717) o expórtelo en EPSG:4326 desde QGIS.")
    return causa + " Se esperan grados del Perú (longitud de -82 a -68, latitud de -19 a 0.5)." + pista


def _corto(numero: float) -> str:
    """-77.5743, 8,974,950 (metros) o 1e+300: legible en un mensaje."""
    return f"{numero:,.0f}" if 1_000 <= abs(numero) < 1e12 else f"{numero:.6g}"


def _crs_que_cae_en_el_peru(oeste: float, sur: float, este: float, norte: float) -> str | None:
    """El primero de los sistemas habituales del Perú con el que esas coordenadas caen en el Perú."""
    from pyproj import Transformer

    if not all(map(math.isfinite, (oeste, sur, este, norte))):
        return None
    for crs in CRS_DEL_PERU:
        transformador = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        lon, lat = transformador.transform([oeste, este, oeste, este], [sur, sur, norte, norte])
        if all(PERU["oeste"] <= x <= PERU["este"] for x in lon) and all(PERU["sur"] <= y <= PERU["norte"] for y in lat):
            return crs
    return None


def _llevar_a_wgs84(capa, crs: str | None, nombre: str, avisos: list[Problema]):
    geometrias = capa.geometry[capa.geometry.notna() & ~capa.geometry.is_empty]
    if geometrias.empty:
        raise ImportacionInvalida(nombre, [Problema("geometría", "Ningún elemento tiene geometría.")])
    oeste, sur, este, norte = geometrias.total_bounds
    en_grados = -180 <= oeste <= este <= 180 and -90 <= sur <= norte <= 90
    limites = geometrias.bounds
    alguno_en_el_peru = ((limites.minx >= PERU["oeste"]) & (limites.maxx <= PERU["este"])
                         & (limites.miny >= PERU["sur"]) & (limites.maxy <= PERU["norte"])).any()
    declarado = capa.crs is not None
    if capa.crs is None:
        if crs:
            capa = _asignar_crs(capa, crs, nombre)
        elif en_grados or alguno_en_el_peru:  # con alguno en el Perú, lo que sobra es un vértice roto (se dice cuál)
            if not nombre.lower().endswith((".geojson", ".json")):  # en un GeoJSON, WGS84 es lo que dice el estándar
                avisos.append(Problema("crs", "El archivo no declara sistema de coordenadas; sus "
                                       "coordenadas están en grados y se asumió WGS84 (EPSG:4326)."))
            capa = capa.set_crs(4326)
        else:
            raise ImportacionInvalida(nombre, [Problema("crs", _explicar_fuera_del_peru(
                oeste, sur, este, norte, "", declarado=False))])
    crs_origen = capa.crs.to_string()
    if capa.crs.to_epsg() != 4326:
        try:
            capa = capa.to_crs(4326)
        except Exception as error:  # pyproj lanza varios tipos según el caso
            raise ImportacionInvalida(nombre, [Problema(
                "crs", f"No se pudo reproyectar de {crs_origen} a EPSG:4326: {error}")]) from error
        avisos.append(Problema("crs", f"Se reproyectó de {crs_origen} a WGS84 (EPSG:4326)."))
    capa.attrs["crs_declarado"] = declarado or bool(crs)
    return capa, crs_origen


def _asignar_crs(capa, crs: str, nombre: str):
    from pyproj.exceptions import CRSError

    try:
        return capa.set_crs(crs)
    except CRSError as error:
        raise ImportacionInvalida(nombre, [Problema(
            "crs", f"El sistema de coordenadas {crs!r} no se reconoce; use p. ej. EPSG:32718.")]) from error


def _construir_distritos(capa, campos: dict[str, str], provincia: str, nombre: str,
                         lectura: LecturaLimites) -> list[Distrito]:
    problemas: list[Problema] = []
    distritos: list[Distrito] = []
    vistos: dict[str, str] = {}
    tipos = set(capa.geometry.geom_type.dropna())
    no_poligonos = tipos - {"Polygon", "MultiPolygon"}
    if no_poligonos:
        raise ImportacionInvalida(nombre, [Problema(
            "geometría", f"La capa tiene geometrías de tipo {', '.join(sorted(no_poligonos))}; "
                         "se esperan polígonos (Polygon o MultiPolygon) de distritos.")])
    for posicion, fila in enumerate(capa.itertuples(index=False), start=1):
        registro = fila._asdict()
        nombre_distrito = _texto(registro.get(campos["nombre"]))
        elemento = f"elemento {posicion} ({nombre_distrito or 'sin nombre'})"
        ubigeo, problema = _normalizar_ubigeo(registro, campos["ubigeo"], elemento, lectura)
        if problema:
            problemas.append(problema)
            continue
        if not ubigeo.startswith(provincia):
            lectura.fuera_de_provincia += 1
            continue
        elemento = f"{nombre_distrito or 'sin nombre'} ({ubigeo})"
        if ubigeo in vistos:
            problemas.append(Problema(campos["ubigeo"], f"ubigeo repetido: ya lo usa «{vistos[ubigeo]}».", elemento))
            continue
        vistos[ubigeo] = nombre_distrito
        problemas += _problemas_de_nombre(nombre_distrito, campos["nombre"], elemento)
        geometria = _geometria_valida(registro.get("geometry"), elemento, lectura, problemas)
        if geometria is None:
            continue
        distritos.append(Distrito(
            ubigeo=ubigeo, nombre=nombre_distrito,
            provincia=_texto(registro.get(campos.get("provincia", ""))) or "",
            departamento=_texto(registro.get(campos.get("departamento", ""))) or "",
            geometria=geometria))
    if not distritos and not problemas:
        problemas.append(Problema("ubigeo", f"Ningún distrito pertenece a la provincia {provincia} "
                                  f"(ubigeos que empiezan con {provincia}); el archivo tiene "
                                  f"{lectura.fuera_de_provincia} distritos de otras provincias."))
    if problemas:
        raise ImportacionInvalida(nombre, problemas)
    return distritos


def _normalizar_ubigeo(registro: dict, campo: str, elemento: str,
                       lectura: LecturaLimites) -> tuple[str, Problema | None]:
    if "+" in campo:
        valor = "".join(_texto(registro.get(c)).zfill(2) for c in campo.split("+"))
    else:
        crudo = registro.get(campo)
        if isinstance(crudo, float) and crudo.is_integer():
            crudo = int(crudo)
        if isinstance(crudo, int) and not isinstance(crudo, bool):
            valor = str(crudo).zfill(6)
            if len(str(crudo)) == 5 and not any("cero inicial" in a.mensaje for a in lectura.avisos):
                lectura.avisos.append(Problema(campo, "El ubigeo venía como número (sin el cero "
                                               "inicial); se completó a 6 dígitos."))
        else:
            valor = _texto(crudo)
    if not re.fullmatch(r"\d{6}", valor):
        return "", Problema(campo, f"El ubigeo {valor!r} no es válido; se esperan 6 dígitos.", elemento)
    return valor, None


def _problemas_de_nombre(nombre: str, campo: str, elemento: str) -> list[Problema]:
    if not nombre:
        return [Problema(campo, "El distrito no tiene nombre.", elemento)]
    if len(nombre) > LARGO_MAXIMO_NOMBRE:
        return [Problema(campo, f"El nombre tiene {len(nombre)} caracteres; el máximo es "
                                f"{LARGO_MAXIMO_NOMBRE}.", elemento)]
    if any(unicodedata.category(c) == "Cc" for c in nombre):
        return [Problema(campo, "El nombre contiene caracteres de control.", elemento)]
    return []


def _geometria_valida(geometria, elemento: str, lectura: LecturaLimites,
                      problemas: list[Problema]) -> shapely.Geometry | None:
    if geometria is None or geometria.is_empty:
        problemas.append(Problema("geometría", "El distrito no tiene geometría.", elemento))
        return None
    if shapely.is_valid(geometria):
        return geometria
    motivo = shapely.is_valid_reason(geometria)
    partes = [p for p in shapely.get_parts(shapely.make_valid(geometria))
              if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0]
    reparada = shapely.union_all(partes) if partes else None
    if reparada is None or reparada.is_empty or not shapely.is_valid(reparada):
        problemas.append(Problema("geometría", f"La geometría es inválida ({motivo}) y no se pudo reparar.",
                                  elemento))
        return None
    cambio = abs(reparada.area - geometria.area) / max(geometria.area, 1e-12)
    lectura.avisos.append(Problema("geometría", f"Geometría inválida ({motivo}); se reparó "
                                   f"(el área cambió {cambio:.1%}).", elemento))
    return reparada


# --- tablas CSV -----------------------------------------------------------------------------

def leer_indicadores(ruta: str | Path, *, provincia: str = PROVINCIA_POR_DEFECTO,
                     nombre: str | None = None) -> LecturaTabla:
    """CSV con una columna `ubigeo` y una columna por indicador; solo filas de `provincia`."""
    nombre, contenido, columnas, filas, avisos = _abrir_csv(ruta, provincia, nombre)
    campo_ubigeo = _columna(columnas, CAMPOS_UBIGEO, "ubigeo", nombre)
    lectura = LecturaTabla(archivo=nombre, provincia=provincia, sha256=_sha256(contenido),
                           filas=[], columnas=[c for c in columnas if c != campo_ubigeo], avisos=avisos)
    problemas: list[Problema] = []
    vistos: set[str] = set()
    for numero, fila in filas:
        elemento = f"fila {numero}"
        ubigeo = _ubigeo_de_texto(fila.get(campo_ubigeo, ""), campo_ubigeo, elemento, problemas, avisos)
        if not ubigeo:
            continue
        if not ubigeo.startswith(provincia):
            lectura.fuera_de_provincia += 1
            continue
        if ubigeo in vistos:
            problemas.append(Problema(campo_ubigeo, f"ubigeo {ubigeo} repetido.", elemento))
            continue
        vistos.add(ubigeo)
        datos = {c: _numero_o_texto(fila.get(c, "")) for c in lectura.columnas}
        lectura.filas.append({"ubigeo": ubigeo, **datos})
    if not lectura.filas and not problemas:
        problemas.append(Problema(campo_ubigeo, f"Ninguna fila es de la provincia {provincia}."))
    if problemas:
        raise ImportacionInvalida(nombre, problemas)
    return lectura


def leer_centros_poblados(ruta: str | Path, *, provincia: str = PROVINCIA_POR_DEFECTO,
                          nombre: str | None = None) -> LecturaTabla:
    """CSV con código, nombre, lat y lon de cada centro poblado (el distrito lo decide el punto)."""
    nombre, contenido, columnas, filas, avisos = _abrir_csv(ruta, provincia, nombre)
    problemas_columnas = []
    encontradas = {}
    for clave, candidatos in (("codigo", CAMPOS_CODIGO_CCPP), ("nombre", CAMPOS_NOMBRE_CCPP),
                              ("lat", CAMPOS_LAT), ("lon", CAMPOS_LON)):
        try:
            encontradas[clave] = _columna(columnas, candidatos, clave, nombre)
        except ImportacionInvalida as error:
            problemas_columnas += error.problemas
    if problemas_columnas:
        raise ImportacionInvalida(nombre, problemas_columnas)
    campo_tipo = next((c for c in columnas if c.lower() in CAMPOS_TIPO_CCPP), None)
    lectura = LecturaTabla(archivo=nombre, provincia=provincia, sha256=_sha256(contenido),
                           filas=[], columnas=columnas, avisos=avisos)
    problemas: list[Problema] = []
    vistos: set[str] = set()
    for numero, fila in filas:
        codigo = _texto(fila.get(encontradas["codigo"]))
        nombre_ccpp = _texto(fila.get(encontradas["nombre"]))
        elemento = f"fila {numero} ({nombre_ccpp or codigo or 'vacía'})"
        if not codigo:
            problemas.append(Problema(encontradas["codigo"], "Falta el código.", elemento))
            continue
        if codigo in vistos:
            problemas.append(Problema(encontradas["codigo"], f"código {codigo} repetido.", elemento))
            continue
        vistos.add(codigo)
        problemas += _problemas_de_nombre(nombre_ccpp, encontradas["nombre"], elemento)
        punto = _punto_de_fila(fila, encontradas, elemento, problemas)
        if punto is None or not nombre_ccpp:
            continue
        lectura.filas.append({"codigo": codigo, "nombre": nombre_ccpp, "lat": punto.lat, "lon": punto.lon,
                              "tipo": _texto(fila.get(campo_tipo)) if campo_tipo else None})
    if problemas:
        raise ImportacionInvalida(nombre, problemas)
    if not lectura.filas:
        raise ImportacionInvalida(nombre, [Problema("filas", "El archivo no tiene centros poblados.")])
    return lectura


def centros_desde_filas(filas: list[dict], ubigeos: list[str]) -> list[CentroPoblado]:
    return [CentroPoblado(codigo=f["codigo"], nombre=f["nombre"], ubigeo=u, lat=f["lat"],
                          lon=f["lon"], tipo=f.get("tipo")) for f, u in zip(filas, ubigeos)]


def _punto_de_fila(fila: dict, campos: dict, elemento: str, problemas: list[Problema]) -> Punto | None:
    valores = {}
    for clave in ("lat", "lon"):
        texto = _texto(fila.get(campos[clave]))
        try:
            valores[clave] = float(texto)
        except ValueError:
            problemas.append(Problema(campos[clave], f"{texto!r} no es un número (use punto decimal, "
                                      "p. ej. -9.0485).", elemento))
    if len(valores) < 2:
        return None
    try:
        return Punto(valores["lat"], valores["lon"])
    except PuntoInvalido as error:
        problemas.append(Problema("lat/lon", str(error), elemento))
        return None


def _abrir_csv(ruta: str | Path, provincia: str, nombre: str | None):
    ruta = Path(ruta)
    nombre = nombre or ruta.name
    validar_provincia(provincia, nombre)
    contenido = _leer_bytes(ruta, nombre)
    return (nombre, contenido, *_leer_csv(contenido, nombre))


def decodificar(contenido: bytes) -> tuple[str, str | None]:
    """Texto de un CSV: UTF-8 (con o sin BOM) o, si no lo es, Windows-1252 (lo que guarda Excel en castellano);
    devuelve también el aviso para la persona cuando no era UTF-8."""
    try:
        return contenido.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        texto = contenido.decode("cp1252")
    except UnicodeDecodeError:  # cp1252 deja 5 bytes sin definir; latin-1 los acepta todos
        texto = contenido.decode("latin-1")
    return texto, ("El archivo no estaba en UTF-8; se leyó como Windows-1252 (lo que guarda Excel). Revise tildes "
                   "y eñes en la vista previa.")


def _leer_csv(contenido: bytes, nombre: str) -> tuple[list[str], list[tuple[int, dict]], list[Problema]]:
    avisos: list[Problema] = []
    texto, aviso = decodificar(contenido)
    if aviso:
        avisos.append(Problema("codificación", aviso))
    if "\x00" in texto:
        raise ImportacionInvalida(nombre, [Problema("formato", "El archivo no es un CSV de texto.")])
    primera = texto.split("\n", 1)[0]
    separador = ";" if primera.count(";") > primera.count(",") else ","
    lector = csv.DictReader(io.StringIO(texto, newline=""), delimiter=separador)
    columnas = [(c or "").strip() for c in (lector.fieldnames or [])]
    if not any(columnas):
        raise ImportacionInvalida(nombre, [Problema("encabezado", "El CSV no tiene fila de encabezado.")])
    lector.fieldnames = columnas
    filas = []
    for numero, fila in enumerate(lector, start=2):
        if None in fila:
            raise ImportacionInvalida(nombre, [Problema(
                "columnas", f"La fila tiene más columnas que el encabezado ({len(columnas)}).", f"fila {numero}")])
        if any(_texto(v) for v in fila.values()):
            filas.append((numero, fila))
    return columnas, filas, avisos


def _columna(columnas: list[str], candidatos: tuple[str, ...], clave: str, nombre: str) -> str:
    por_minuscula = {c.lower(): c for c in columnas}
    encontrada = next((por_minuscula[c] for c in candidatos if c in por_minuscula), None)
    if encontrada is None:
        raise ImportacionInvalida(nombre, [Problema(clave, f"Falta la columna {clave} (se buscó: "
                                  f"{', '.join(candidatos)}); el encabezado tiene: {', '.join(columnas)}.")])
    return encontrada


def _ubigeo_de_texto(valor: str, campo: str, elemento: str, problemas: list[Problema],
                     avisos: list[Problema]) -> str:
    valor = _texto(valor)
    if re.fullmatch(r"\d{5}", valor):
        if not any("cero inicial" in a.mensaje for a in avisos):
            avisos.append(Problema(campo, "Había ubigeos de 5 dígitos (la hoja de cálculo quitó el "
                                   "cero inicial); se completaron a 6."))
        valor = valor.zfill(6)
    if not re.fullmatch(r"\d{6}", valor):
        problemas.append(Problema(campo, f"El ubigeo {valor!r} no es válido; se esperan 6 dígitos.", elemento))
        return ""
    return valor


def _numero_o_texto(valor: str) -> float | str | None:
    valor = _texto(valor)
    if valor == "":
        return None
    try:
        numero = float(valor)
    except ValueError:
        return valor
    return numero if numero == numero and abs(numero) != float("inf") else valor


def _texto(valor) -> str:
    if valor is None or (isinstance(valor, float) and valor != valor):
        return ""
    return unicodedata.normalize("NFC", str(valor)).strip()


def _sha256(contenido: bytes) -> str:
    return hashlib.sha256(contenido).hexdigest()
