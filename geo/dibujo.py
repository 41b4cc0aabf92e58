"""Los distritos proyectados para dibujarlos sin Leaflet (el SVG del proyector y los mapas de los PDF): una sola
proyección, una sola simplificación y una sola escala de colores para los dos."""
from __future__ import annotations

import math
from dataclasses import dataclass

import shapely

from geo.modelo import Territorio

ESCALA = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")  # azules, de menos a más (legibles en proyector)
SIN_DATOS = "#f2f2f2"


@dataclass(frozen=True)
class Dibujo:
    """Coordenadas x (este) e y (hacia abajo) en un lienzo de `ancho` unidades; `alto` sale de la forma."""

    ancho: float
    alto: float
    anillos: dict[str, list[list[tuple[float, float]]]]  # ubigeo → anillos (exteriores e interiores) de puntos
    etiquetas: dict[str, tuple[float, float]]              # ubigeo → dónde va el nombre
    nombres: dict[str, str]
    origen: tuple[float, float]                            # (oeste, norte)
    escala: tuple[float, float]                            # unidades por grado (lon, lat)

    def punto(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.origen[0]) * self.escala[0], (self.origen[1] - lat) * self.escala[1]


def dibujo_de(territorio: Territorio, ancho: float = 1000.0, tolerancia: float = 0.002) -> Dibujo:
    """Equirectangular con el coseno de la latitud media (basta para una provincia), simplificado a `tolerancia`
    grados (unos 200 m: los bordes se ven igual y el dibujo pesa poco)."""
    oeste, sur, este, norte = shapely.total_bounds([d.geometria for d in territorio.distritos])
    por_grado = ancho / max((este - oeste) * math.cos(math.radians((sur + norte) / 2)), 1e-9)
    escala = (por_grado * math.cos(math.radians((sur + norte) / 2)), por_grado)
    dibujo = Dibujo(ancho, (norte - sur) * por_grado, {}, {}, {d.ubigeo: d.nombre for d in territorio.distritos},
                    (oeste, norte), escala)
    for distrito in territorio.distritos:
        simple = shapely.simplify(distrito.geometria, tolerancia, preserve_topology=True)
        dibujo.anillos[distrito.ubigeo] = [[dibujo.punto(x, y) for x, y in anillo.coords]
                                           for poligono in getattr(simple, "geoms", [simple])
                                           for anillo in (poligono.exterior, *poligono.interiors)]
        representativo = distrito.geometria.representative_point()
        dibujo.etiquetas[distrito.ubigeo] = dibujo.punto(representativo.x, representativo.y)
    return dibujo


def color_de(valor: float | None, maximo: float) -> str:
    """El azul de `valor` en cinco clases iguales de 0 a `maximo`; gris claro si no hay valor."""
    if not valor or maximo <= 0:
        return SIN_DATOS
    return ESCALA[min(len(ESCALA) - 1, int(len(ESCALA) * valor / maximo - 1e-9))]


def oscuro(color: str) -> bool:
    """Sobre los dos azules más oscuros el texto va en blanco."""
    return color in ESCALA[3:]
