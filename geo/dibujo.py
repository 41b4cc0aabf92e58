"""Los distritos proyectados para dibujarlos sin Leaflet (el SVG del proyector y los mapas de los PDF): una sola
proyección, una sola simplificación y una sola escala de colores para los dos."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.ops import polylabel

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
    formas: dict = field(default_factory=dict)             # ubigeo → el distrito (shapely) en unidades del dibujo
    # rótulos ya colocados (ver `colocar_rotulos`): el proyector redibuja el mapa con cada papeleta, pero los
    # rótulos solo se mueven si cambia el tamaño de alguno (`paginas.pantalla` redondea cada caja a 4 letras: «9
    # papeletas» y «12 papeletas» piden la misma)
    recordados: dict = field(default_factory=dict, compare=False, repr=False)

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
        forma = shapely.transform(simple, lambda xy: np.column_stack(dibujo.punto(xy[:, 0], xy[:, 1])))
        dibujo.formas[distrito.ubigeo] = forma
        # el centro «más adentro» (polo de inaccesibilidad): donde más espacio hay para el nombre
        mayor = max(getattr(forma, "geoms", [forma]), key=lambda g: g.area)
        centro = polylabel(mayor, tolerance=2.0)
        dibujo.etiquetas[distrito.ubigeo] = (centro.x, centro.y)
    return dibujo


def color_de(valor: float | None, maximo: float) -> str:
    """El azul de `valor` en cinco clases iguales de 0 a `maximo`; gris claro si no hay valor."""
    if not valor or maximo <= 0:
        return SIN_DATOS
    return ESCALA[min(len(ESCALA) - 1, int(len(ESCALA) * valor / maximo - 1e-9))]


# --- contraste (WCAG 2) ---------------------------------------------------------------------------------------

def luminancia(color: str | tuple[int, int, int]) -> float:
    """Luminancia relativa de WCAG 2 de «#rrggbb» o (r, g, b)."""
    rgb = color if isinstance(color, tuple) else tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
    lineal = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lineal[0] + 0.7152 * lineal[1] + 0.0722 * lineal[2]


def contraste(uno, otro) -> float:
    """Razón de contraste de WCAG 2 (1 a 21); AA pide 4.5 para texto normal."""
    claro, mas_oscuro = sorted((luminancia(uno), luminancia(otro)), reverse=True)
    return (claro + 0.05) / (mas_oscuro + 0.05)


def texto_sobre(fondo: str) -> str:
    """Negro o blanco: el que más contrasta con `fondo` (con la escala de azules, siempre 4.5 o más)."""
    return "#000000" if contraste("#000000", fondo) >= contraste("#ffffff", fondo) else "#ffffff"


# --- rótulos sin pisarse -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pedido:
    """Un texto (o una marca) que hay que poner cerca de `ancla`, con su tamaño en unidades del dibujo. Con
    `distrito`, es el nombre de ese distrito: se prefiere adentro de él y, si no cabe, afuera de la provincia."""

    clave: str
    ancla: tuple[float, float]
    ancho: float
    alto: float
    distrito: str | None = None


@dataclass(frozen=True)
class Rotulo:
    """Dónde quedó un pedido: el centro de su caja y si se apartó de su ancla (entonces va con una línea guía)."""

    pedido: Pedido
    x: float
    y: float
    apartado: bool

    @property
    def caja(self) -> tuple[float, float, float, float]:
        a, b = self.pedido.ancho / 2, self.pedido.alto / 2
        return self.x - a, self.y - b, self.x + a, self.y + b

    def guia(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """La línea guía: del ancla al punto más cercano de la caja."""
        x0, y0, x1, y1 = self.caja
        ax, ay = self.pedido.ancla
        return (ax, ay), (min(max(ax, x0), x1), min(max(ay, y0), y1))


ANGULOS = np.linspace(0, 2 * math.pi, 24, endpoint=False)


def colocar_rotulos(dibujo: Dibujo, pedidos: list[Pedido], *, limites: tuple[float, float, float, float],
                    separacion: float = 2.0) -> list[Rotulo]:
    """Pone cada pedido, en orden, donde no pise a los ya puestos ni se salga de `limites` (x0, y0, x1, y1).

    Cada uno va en su ancla si cabe ahí (un nombre de distrito, además, entero dentro de su distrito); si no, en
    el lugar libre más cercano alrededor, y un nombre de distrito apartado prefiere quedar fuera de la provincia
    (sobre otro distrito confundiría). Determinista: el mismo dibujo da los mismos lugares.
    """
    firma = (tuple(pedidos), limites, separacion)
    if firma in dibujo.recordados:
        return dibujo.recordados[firma]
    if len(dibujo.recordados) > 64:
        dibujo.recordados.clear()
    provincia = shapely.union_all(list(dibujo.formas.values())) if dibujo.formas else None
    puestas: list[tuple[float, float, float, float]] = []
    rotulos: list[Rotulo] = []
    for pedido in pedidos:
        rotulo = _colocar(dibujo, pedido, puestas, provincia, limites, rotulos)
        puestas.append(tuple(np.add(rotulo.caja, (-separacion / 2, -separacion / 2, separacion / 2, separacion / 2))))
        rotulos.append(rotulo)
    dibujo.recordados[firma] = _descruzar(rotulos)
    return dibujo.recordados[firma]


def _descruzar(rotulos: list[Rotulo], vueltas: int = 3) -> list[Rotulo]:
    """Si las líneas guía de dos rótulos apartados se cruzan, intercambia sus lugares (cuando así no se pisan)."""
    rotulos = list(rotulos)
    for _ in range(vueltas):
        cambio = False
        for i, j in ((i, j) for i in range(len(rotulos)) for j in range(i + 1, len(rotulos))):
            a, b = rotulos[i], rotulos[j]
            if not (a.apartado and b.apartado) or not shapely.LineString(a.guia()).crosses(shapely.LineString(b.guia())):
                continue
            nuevo_a = Rotulo(a.pedido, b.x, b.y, True)
            nuevo_b = Rotulo(b.pedido, a.x, a.y, True)
            otras = [shapely.box(*r.caja) for k, r in enumerate(rotulos) if k not in (i, j)]
            cajas = [shapely.box(*nuevo_a.caja), shapely.box(*nuevo_b.caja)]
            if cajas[0].intersects(cajas[1]) or any(c.intersects(o) for c in cajas for o in otras):
                continue
            if shapely.LineString(nuevo_a.guia()).crosses(shapely.LineString(nuevo_b.guia())):
                continue
            rotulos[i], rotulos[j], cambio = nuevo_a, nuevo_b, True
        if not cambio:
            break
    return rotulos


def _colocar(dibujo: Dibujo, pedido: Pedido, puestas: list, provincia, limites, rotulos: list[Rotulo]) -> Rotulo:
    ax, ay = pedido.ancla
    paso = max(min(pedido.ancho, pedido.alto) / 2, 1.0)
    alcance = max(limites[2] - limites[0], limites[3] - limites[1])
    radios = np.arange(paso, alcance, paso)
    xs = np.concatenate(([ax], ax + np.outer(radios, np.cos(ANGULOS)).ravel()))
    ys = np.concatenate(([ay], ay + np.outer(radios, np.sin(ANGULOS)).ravel()))
    distancias = np.hypot(xs - ax, ys - ay)
    medio_ancho, medio_alto = pedido.ancho / 2, pedido.alto / 2
    libres = ((xs - medio_ancho >= limites[0]) & (xs + medio_ancho <= limites[2])
              & (ys - medio_alto >= limites[1]) & (ys + medio_alto <= limites[3]))
    if puestas:
        otras = np.array(puestas)
        pisa = ((xs[:, None] - medio_ancho < otras[None, :, 2]) & (xs[:, None] + medio_ancho > otras[None, :, 0])
                & (ys[:, None] - medio_alto < otras[None, :, 3]) & (ys[:, None] + medio_alto > otras[None, :, 1]))
        libres &= ~pisa.any(axis=1)
    indices = np.nonzero(libres)[0]
    if not len(indices):  # no hay lugar libre: en su ancla (mejor pisado que perdido)
        return Rotulo(pedido, ax, ay, False)
    if pedido.distrito is None:
        return Rotulo(pedido, float(xs[indices[0]]), float(ys[indices[0]]), bool(indices[0] != 0))
    propia = dibujo.formas.get(pedido.distrito)
    # adentro de su distrito, lo más cerca de su centro; si no cabe adentro, lo más cerca sin tapar la provincia
    cajas = shapely.box(xs[indices] - medio_ancho, ys[indices] - medio_alto, xs[indices] + medio_ancho,
                        ys[indices] + medio_alto)
    area = pedido.ancho * pedido.alto
    if propia is not None:
        adentro = shapely.area(shapely.difference(cajas, propia)) <= 0.02 * area
        if adentro.any():
            elegido = indices[np.argmax(adentro)]
            return Rotulo(pedido, float(xs[elegido]), float(ys[elegido]), bool(distancias[elegido] > 3 * paso))
    tapa = shapely.area(shapely.intersection(cajas, provincia)) / area if provincia is not None else 0.0
    # que su línea guía no atraviese otro rótulo, ni su caja la línea guía de otro
    cx, cy = xs[indices], ys[indices]
    guias = shapely.linestrings(np.stack([np.column_stack([np.full(len(cx), ax), np.full(len(cy), ay)]),
                                          np.column_stack([np.clip(ax, cx - medio_ancho, cx + medio_ancho),
                                                           np.clip(ay, cy - medio_alto, cy + medio_alto)])], axis=1))
    cruces = np.zeros(len(indices))
    if rotulos:
        otras_cajas = shapely.union_all([shapely.box(*r.caja) for r in rotulos])
        cruces += shapely.intersects(guias, otras_cajas)
        otras_guias = [shapely.LineString(r.guia()) for r in rotulos if r.apartado]
        if otras_guias:
            cruces += shapely.intersects(cajas, shapely.union_all(otras_guias))
    costo = distancias[indices] + tapa * alcance + cruces * alcance / 2
    elegido = indices[int(np.argmin(costo))]
    return Rotulo(pedido, float(xs[elegido]), float(ys[elegido]), True)
