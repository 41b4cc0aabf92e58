"""Mide el seguimiento con miles de proyectos (imprime números y razones).

    python benchmarks/seguimiento.py [--proyectos 2000] [--actualizaciones 40] [--sin-navegador]

Arma dos bases con `demo --ciclo-completo` (la votación cerrada, el acta firmada y dos años de seguimiento): una de
20 proyectos (la referencia) y otra de `--proyectos`, con `--actualizaciones` por proyecto. Mide:

1. «¿Qué pasó con lo priorizado?»: el tiempo del guion por ejecución (AppTest, ya con la caché de la versión
   llena: lo que cuesta cada filtro que toca una persona) y, en Chromium con un servidor de verdad, el tiempo hasta
   que el mapa muestra sus marcadores. Meta: menos de 2× la base de 20.
2. Importar una hoja de seguimiento de 2,000 filas, todas con un cambio (exportar → editar → importar). Meta: < 10 s.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nucleo  # noqa: E402
from geo import servicios as territorio  # noqa: E402
from identidad.acceso import LINEA_DE_COMANDOS  # noqa: E402
from propuestas import demo  # noqa: E402
from propuestas.seguimiento import hoja as hoja_seguimiento  # noqa: E402
from tests.ayudas import como_xlsx  # noqa: E402
from tests.conftest import CENTROS, LIMITES  # noqa: E402
from votacion import servicios as votacion  # noqa: E402
from votacion.ciclo_demo import crear_ciclo_completo  # noqa: E402


def armar(ruta: Path, proyectos: int, actualizaciones: int) -> float:
    inicio = time.perf_counter()
    with nucleo.abrir(ruta) as db:
        votacion.preparar(db)
        ahora = nucleo.ahora()
        territorio.importar(db, LIMITES, tipo="limites", actor=demo.DEMO, ahora=ahora)
        territorio.importar(db, CENTROS, tipo="centros_poblados", actor=demo.DEMO, ahora=ahora)
        crear_ciclo_completo(db, proyectos=proyectos, actualizaciones=actualizaciones, semilla=1, ahora=ahora)
    return time.perf_counter() - inicio


def guion_por_ejecucion(ruta: Path, veces: int = 5) -> float:
    """Mediana (ms) de volver a correr la página pública (con la caché llena), como al cambiar un filtro."""
    import os

    from streamlit.testing.v1 import AppTest

    os.environ["PLATAFORMA_DB"] = str(ruta)
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=300)
    app.run()
    app.switch_page("paginas/priorizado.py").run()
    assert not app.exception, app.exception
    tiempos = []
    for i in range(veces):
        app.selectbox(key="priorizado_fase").set_value(["Todos", "Ejecución"][i % 2])
        inicio = time.perf_counter()
        app.run()
        tiempos.append(time.perf_counter() - inicio)
    return statistics.median(tiempos) * 1000


def mapa_en_el_navegador(ruta: Path, veces: int = 3) -> float:
    """Mediana (ms) desde abrir la página hasta ver los marcadores (grupos) en el mapa, en un celular."""
    from playwright.sync_api import sync_playwright

    from tests import navegador

    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, Path(tempfile.mkdtemp()) / "servidor.log") as url, \
            sync_playwright() as p:
        nav = navegador.Navegador(p)
        tiempos = []
        for _ in range(veces + 1):  # la primera calienta la caché del servidor y no cuenta
            pagina = nav.pagina(390, 844, celular=True)
            inicio = time.perf_counter()
            pagina.goto(f"{url}/priorizado")
            marco = pagina.frame_locator(navegador.IFRAME_MAPA)
            marco.locator(".marker-cluster, .punto-propuesta").first.wait_for(timeout=120_000)
            tiempos.append(time.perf_counter() - inicio)
            pagina.context.close()
        nav.cerrar()
    return statistics.median(tiempos[1:]) * 1000


def importar_hoja(ruta: Path) -> tuple[int, float, float]:
    with nucleo.abrir(ruta) as db:
        hoy = nucleo.ahora().date()
        filas = hoja_seguimiento.filas(db, None, hoy=hoy)
        for fila in filas:
            fila["Nota"] = "Según el SIAF de este mes"
            fila["Fecha del dato"] = hoy
        contenido = como_xlsx(filas)
        inicio = time.perf_counter()
        revision = hoja_seguimiento.revisar(db, contenido, "municipio.xlsx", hoy=hoy)
        revisar = time.perf_counter() - inicio
        assert revision.es_importable, [f.problemas for f in revision.filas if f.problemas][:3]
        inicio = time.perf_counter()
        cuantos = hoja_seguimiento.importar(db, contenido, "municipio.xlsx", actor=LINEA_DE_COMANDOS,
                                            ahora=nucleo.ahora())
        return cuantos["actualizaciones"], revisar, time.perf_counter() - inicio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proyectos", type=int, default=2000)
    parser.add_argument("--actualizaciones", type=int, default=40)
    parser.add_argument("--sin-navegador", action="store_true", help="no medir en Chromium")
    opciones = parser.parse_args()
    carpeta = Path(tempfile.mkdtemp(prefix="seguimiento-"))
    bases = {}
    for cantidad in (20, opciones.proyectos):
        ruta = carpeta / f"ciclo-{cantidad}.db"
        segundos = armar(ruta, cantidad, opciones.actualizaciones)
        bases[cantidad] = ruta
        print(f"ciclo completo con {cantidad:>5,} proyectos × {opciones.actualizaciones} actualizaciones: "
              f"{segundos:6.1f} s")
    guion = {c: guion_por_ejecucion(r) for c, r in bases.items()}
    print(f"página pública, guion por ejecución: 20 → {guion[20]:.0f} ms; {opciones.proyectos:,} → "
          f"{guion[opciones.proyectos]:.0f} ms (razón {guion[opciones.proyectos] / guion[20]:.2f}×, meta < 2×)")
    if not opciones.sin_navegador:
        mapa = {c: mapa_en_el_navegador(r) for c, r in bases.items()}
        print(f"página pública, hasta ver el mapa con marcadores (Chromium, 390×844): 20 → {mapa[20]:.0f} ms; "
              f"{opciones.proyectos:,} → {mapa[opciones.proyectos]:.0f} ms (razón "
              f"{mapa[opciones.proyectos] / mapa[20]:.2f}×, meta < 2×)")
    filas, revisar, importar = importar_hoja(bases[opciones.proyectos])
    print(f"importar una hoja de {filas:,} filas con cambios: revisar {revisar:.1f} s + aplicar {importar:.1f} s = "
          f"{revisar + importar:.1f} s (meta < 10 s)")


if __name__ == "__main__":
    main()
