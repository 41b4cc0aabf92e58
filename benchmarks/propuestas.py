"""Costo de la página Propuestas (lista + mapa) según cuántas propuestas hay.

    python benchmarks/propuestas.py [--cantidades 10 1000 5000]

Para cada cantidad crea una base de demostración (`python -m propuestas demo`) y mide:
1. el tiempo de script por ejecución de la página (AppTest desde app.py; mediana de 5);
2. el tiempo del navegador (Chromium real) hasta que el mapa es interactivo y muestra las propuestas.
Imprime cada número y la razón frente a la cantidad más pequeña (meta: 5000 < 2× la de 10).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
GEO = RAIZ.parent / "shared" / "geo"


def crear_base(carpeta: Path, cantidad: int) -> Path:
    ruta = carpeta / f"demo_{cantidad}.db"
    subprocess.run([sys.executable, "-m", "propuestas", "demo", "--db", str(ruta), "--propuestas", str(cantidad),
                    "--semilla", "7", "--limites", str(GEO / "huaylas_distritos.geojson"),
                    "--centros", str(GEO / "huaylas_centros_poblados.csv")], cwd=RAIZ, check=True,
                   capture_output=True)
    return ruta


def tiempo_de_script(ruta: Path, repeticiones: int = 5) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["PLATAFORMA_DB"] = str(ruta)
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=120).run()
    app.switch_page("paginas/propuestas.py").run()
    assert not app.exception, app.exception
    tiempos = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        app.run()
        tiempos.append(time.perf_counter() - inicio)
    return statistics.median(tiempos) * 1000


def tiempo_de_navegador(ruta: Path, carpeta: Path, repeticiones: int = 3) -> float:
    from playwright.sync_api import sync_playwright

    from tests import navegador

    tiempos = []
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url, sync_playwright() as p:
        chromium = navegador.Navegador(p)
        for vuelta in range(repeticiones + 1):
            pagina = chromium.pagina()
            inicio = time.perf_counter()
            pagina.goto(url + "/propuestas")
            marco = pagina.frame_locator(navegador.IFRAME_MAPA).first
            marco.locator(".marker-cluster, .punto-propuesta").first.wait_for(timeout=120_000)
            frame = next(f for f in pagina.frames if "st_folium" in f.url)
            frame.wait_for_function("() => window.map && window.map._loaded", timeout=120_000)
            if vuelta:  # la primera vuelta calienta el servidor
                tiempos.append(time.perf_counter() - inicio)
            pagina.context.close()
        chromium.cerrar()
        assert not chromium.externas, chromium.externas
    return statistics.median(tiempos) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cantidades", type=int, nargs="+", default=[10, 1000, 5000])
    argumentos = parser.parse_args()
    resultados = {}
    with tempfile.TemporaryDirectory() as temporal:
        carpeta = Path(temporal)
        for cantidad in argumentos.cantidades:
            ruta = crear_base(carpeta, cantidad)
            resultados[cantidad] = (tiempo_de_script(ruta), tiempo_de_navegador(ruta, carpeta))
    base_script, base_navegador = resultados[argumentos.cantidades[0]]
    print(f"{'propuestas':>10} {'script (ms)':>12} {'razón':>6} {'navegador (ms)':>15} {'razón':>6}")
    for cantidad, (script, navegador_ms) in resultados.items():
        print(f"{cantidad:>10} {script:>12.0f} {script / base_script:>6.2f} {navegador_ms:>15.0f} "
              f"{navegador_ms / base_navegador:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
