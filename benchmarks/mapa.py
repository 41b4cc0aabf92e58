"""Mide el costo del mapa y de punto-en-distrito (imprime números y razones).

    python benchmarks/mapa.py [--limites ../shared/geo/huaylas_distritos.geojson]

1. Armar y renderizar el mapa (lo que hace cada ejecución de la página) con 435 y 10 000
   centros poblados en una sola capa GeoJSON, frente a 10 000 marcadores folium sueltos.
2. Ubicar 10 000 puntos con `Territorio.ubicar` (STRtree) frente a recorrer los polígonos.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import folium
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import mapa  # noqa: E402
from geo.lectura import leer_limites  # noqa: E402
from geo.modelo import CentroPoblado, Territorio  # noqa: E402

POR_DEFECTO = Path(__file__).resolve().parent.parent.parent / "shared" / "geo" / "huaylas_distritos.geojson"


def medir(funcion, repeticiones: int = 5) -> float:
    tiempos = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        funcion()
        tiempos.append(time.perf_counter() - inicio)
    return statistics.median(tiempos) * 1000


def puntos_al_azar(territorio: Territorio, cantidad: int, semilla: int = 7) -> list[CentroPoblado]:
    sur, oeste, norte, este = territorio.limites()
    azar = np.random.default_rng(semilla)
    lats, lons = azar.uniform(sur, norte, cantidad), azar.uniform(oeste, este, cantidad)
    return [CentroPoblado(str(i), f"PUNTO {i}", "021201", float(la), float(lo)) for i, (la, lo) in
            enumerate(zip(lats, lons))]


def mapa_con_marcadores_sueltos(territorio: Territorio, centros: list[CentroPoblado]) -> folium.Map:
    figura = mapa.mapa_distritos(territorio)
    for centro in centros:
        folium.CircleMarker([centro.lat, centro.lon], radius=3, tooltip=centro.nombre).add_to(figura)
    return figura


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limites", default=str(POR_DEFECTO))
    argumentos = parser.parse_args()
    territorio = Territorio("0212", leer_limites(argumentos.limites).distritos)
    datos = {d.ubigeo: {"x": float(i)} for i, d in enumerate(territorio.distritos)}

    print("== Mapa: armar + renderizar HTML (mediana de 5) ==")
    resultados = {}
    for cantidad in (0, 435, 10_000):
        centros = puntos_al_azar(territorio, cantidad)
        ms = medir(lambda: mapa.mapa_distritos(territorio, datos=datos, indicador="x",
                                               centros=centros).get_root().render())
        resultados[cantidad] = ms
        print(f"capa GeoJSON con {cantidad:>6} centros poblados: {ms:8.1f} ms")
    sueltos = puntos_al_azar(territorio, 10_000)
    ms_sueltos = medir(lambda: mapa_con_marcadores_sueltos(territorio, sueltos).get_root().render(), 3)
    print(f"10 000 CircleMarker sueltos (folium):         {ms_sueltos:8.1f} ms")
    print(f"razón sueltos / capa GeoJSON (10 000):        {ms_sueltos / resultados[10_000]:8.1f}x")

    print("== Punto en distrito: 10 000 puntos ==")
    puntos = [c.punto for c in puntos_al_azar(territorio, 10_000, semilla=11)]
    ms_arbol = medir(lambda: [territorio.ubicar(p) for p in puntos], 3)
    geometrias = [(d, d.geometria) for d in territorio.distritos]
    ms_ingenuo = medir(lambda: [next((d for d, g in geometrias if g.covers(p.geometria())), None)
                                for p in puntos], 3)
    print(f"Territorio.ubicar (STRtree, regla de bordes): {ms_arbol:8.1f} ms  "
          f"({10_000 / ms_arbol * 1000:,.0f} puntos/s)")
    print(f"recorrer polígonos con covers (sin regla):     {ms_ingenuo:8.1f} ms")
    print(f"razón ubicar / recorrer:                       {ms_arbol / ms_ingenuo:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
