"""Dominio del territorio: puntos, distritos, centros poblados y «¿en qué distrito cae?».

Puro: sin E/S ni reloj. El orden de coordenadas se resuelve en un solo lugar,
`Punto.geometria()`: shapely usa (x=lon, y=lat).

Regla de desempate en bordes (documentada en el README):
1. Un punto que cae dentro o sobre el borde de uno o más distritos se asigna al distrito
   en el que está **más adentro** (mayor distancia al borde). Así, en las franjas donde dos
   polígonos simplificados se superponen, gana el que lo contiene con más holgura.
2. Si la distancia empata (un punto exactamente sobre el borde común), gana el **ubigeo
   menor**.
3. Un punto que no cae en ningún polígono pero está a menos de `TOLERANCIA_M` metros de
   alguno (las rendijas entre polígonos simplificados, o un centro poblado a pocos metros del
   límite provincial) se asigna al distrito más cercano; empate: ubigeo menor.
4. Más lejos que eso, el punto está fuera de la provincia.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely

from nucleo.errores import ErrorPlataforma, Problema

TOLERANCIA_M = 50.0
METROS_POR_GRADO_LAT = 110_574.0
METROS_POR_GRADO_LON_ECUADOR = 111_320.0


class ErrorGeo(ErrorPlataforma):
    """Base de los errores del territorio; su texto es un mensaje para la persona usuaria."""


class ImportacionInvalida(ErrorGeo):
    """El archivo no se puede importar; `problemas` los lista todos a la vez."""

    def __init__(self, archivo: str, problemas: list[Problema]):
        self.archivo = archivo
        detalle = "\n".join(f"- {p}" for p in problemas)
        super().__init__(f"No se importó «{archivo}»; el territorio anterior sigue igual.\n{detalle}", problemas)


class PuntoInvalido(ErrorGeo):
    """Coordenadas que no son un punto del planeta."""


class PuntoFuera(ErrorGeo):
    """El punto no cae en ningún distrito de la provincia configurada."""


class SinTerritorio(ErrorGeo):
    """Aún no se importaron los límites distritales."""

    def __init__(self) -> None:
        super().__init__(
            "Aún no hay límites distritales. Impórtelos en la página «Territorio» o con "
            "`python -m geo importar RUTA` (GeoJSON, Shapefile comprimido en .zip o GeoPackage)."
        )


@dataclass(frozen=True)
class Punto:
    """Un punto WGS84 (EPSG:4326). `lat` es la latitud, `lon` la longitud."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        for nombre, valor, limite in (("latitud", self.lat, 90), ("longitud", self.lon, 180)):
            if isinstance(valor, bool) or not isinstance(valor, (int, float)):
                raise PuntoInvalido(f"La {nombre} {valor!r} no es un número.")
            if not math.isfinite(valor) or abs(valor) > limite:
                raise PuntoInvalido(
                    f"La {nombre} {valor} está fuera de rango; debe estar entre -{limite} y {limite}."
                )

    def geometria(self) -> shapely.Point:
        return shapely.Point(self.lon, self.lat)

    def __str__(self) -> str:
        return f"({self.lat:.6f}, {self.lon:.6f})"


@dataclass(frozen=True)
class Distrito:
    ubigeo: str
    nombre: str
    provincia: str
    departamento: str
    geometria: shapely.Geometry = field(repr=False, compare=False)


@dataclass(frozen=True)
class CentroPoblado:
    codigo: str
    nombre: str
    ubigeo: str
    lat: float
    lon: float
    tipo: str | None = None

    @property
    def punto(self) -> Punto:
        return Punto(self.lat, self.lon)


@dataclass(frozen=True)
class Importacion:
    """Registro de una importación (qué archivo, quién, cuándo y su informe)."""

    tipo: str
    provincia: str
    archivo: str
    sha256: str
    importado_en: str
    actor: str
    informe: dict


@dataclass
class Territorio:
    """Los distritos de una provincia, con búsqueda punto-en-distrito."""

    provincia: str
    distritos: list[Distrito]
    importacion_id: int | None = None
    _arbol: shapely.STRtree = field(init=False, repr=False)
    _metricas: np.ndarray = field(init=False, repr=False)
    _origen: tuple[float, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.distritos = sorted(self.distritos, key=lambda d: d.ubigeo)
        geometrias = [d.geometria for d in self.distritos]
        oeste, sur, este, norte = shapely.total_bounds(geometrias) if geometrias else (0, 0, 0, 0)
        self._origen = ((sur + norte) / 2, (oeste + este) / 2)
        self._metricas = np.array([self._a_metros(g) for g in geometrias], dtype=object)
        self._arbol = shapely.STRtree(self._metricas)

    # --- consultas ----------------------------------------------------------------------

    def distrito(self, ubigeo: str) -> Distrito | None:
        return next((d for d in self.distritos if d.ubigeo == ubigeo), None)

    def limites(self) -> tuple[float, float, float, float]:
        """(sur, oeste, norte, este) en grados."""
        oeste, sur, este, norte = shapely.total_bounds([d.geometria for d in self.distritos])
        return sur, oeste, norte, este

    def area_km2(self, ubigeo: str) -> float | None:
        """Área aproximada del polígono (proyección local; error < 1 %)."""
        indice = next((i for i, d in enumerate(self.distritos) if d.ubigeo == ubigeo), None)
        return None if indice is None else float(self._metricas[indice].area / 1e6)

    def ubicar(self, punto: Punto) -> Distrito | None:
        """El distrito donde cae `punto` según la regla de desempate del módulo, o None."""
        return self.ubicar_con_distancia(punto)[0]

    def ubicar_con_distancia(self, punto: Punto) -> tuple[Distrito | None, float]:
        """(distrito, metros fuera del polígono: 0 si está dentro o sobre el borde)."""
        if not self.distritos:
            return None, math.inf
        punto_m = self._a_metros(punto.geometria())
        dentro = self._arbol.query(punto_m, predicate="intersects")
        if len(dentro):
            profundidad = {i: shapely.distance(self._metricas[i].boundary, punto_m) for i in dentro}
            elegido = min(dentro, key=lambda i: (-profundidad[i], self.distritos[i].ubigeo))
            return self.distritos[elegido], 0.0
        cercanos, distancias = self._arbol.query_nearest(
            punto_m, max_distance=TOLERANCIA_M, return_distance=True, all_matches=True
        )
        if not len(cercanos):
            return None, math.inf
        pares = sorted(zip(distancias, (self.distritos[i].ubigeo for i in cercanos), cercanos))
        return self.distritos[pares[0][2]], float(pares[0][0])

    def ubicar_o_fallar(self, punto: Punto) -> Distrito:
        distrito = self.ubicar(punto)
        if distrito is None:
            raise PuntoFuera(f"El punto {punto} está fuera de los distritos de la provincia "
                             f"{self.nombre_provincia()}.")
        return distrito

    def nombre_provincia(self) -> str:
        nombres = {d.provincia for d in self.distritos if d.provincia}
        return ", ".join(sorted(nombres)) or self.provincia

    # --- coordenadas métricas locales ---------------------------------------------------

    def _a_metros(self, geometria: shapely.Geometry) -> shapely.Geometry:
        """Equirectangular local centrado en la provincia: error < 1 % en 100 km."""
        lat0, lon0 = self._origen
        escala_x = METROS_POR_GRADO_LON_ECUADOR * math.cos(math.radians(lat0))

        def convertir(xy: np.ndarray) -> np.ndarray:
            return np.column_stack(((xy[:, 0] - lon0) * escala_x, (xy[:, 1] - lat0) * METROS_POR_GRADO_LAT))

        return shapely.transform(geometria, convertir)


RADIO_TIERRA_M = 6_371_008.8


def _haversine(lat0: float, lon0: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    f0, l0, fs, ls = np.radians(lat0), np.radians(lon0), np.radians(lats), np.radians(lons)
    a = np.sin((fs - f0) / 2) ** 2 + np.cos(f0) * np.cos(fs) * np.sin((ls - l0) / 2) ** 2
    return 2 * RADIO_TIERRA_M * np.arcsin(np.sqrt(a))


def distancia_m(a: Punto, b: Punto) -> float:
    """Distancia en metros sobre la esfera (haversine)."""
    return float(_haversine(a.lat, a.lon, np.array([b.lat]), np.array([b.lon]))[0])


def centro_mas_cercano(punto: Punto, centros: list[CentroPoblado]) -> tuple[CentroPoblado, float] | None:
    """El centro poblado más cercano a `punto` y su distancia en metros (haversine)."""
    if not centros:
        return None
    metros = _haversine(punto.lat, punto.lon, np.array([c.lat for c in centros]), np.array([c.lon for c in centros]))
    i = int(np.argmin(metros))
    return centros[i], float(metros[i])
