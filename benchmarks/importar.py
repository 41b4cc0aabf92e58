"""Cuánto tarda importar fichas de papel según cuántas filas trae la hoja.

    python benchmarks/importar.py [--cantidades 50 500 5000]

Para cada cantidad arma una hoja .xlsx y una .csv con fichas variadas (centros poblados reales de los diez
distritos, la mitad por nombre y la mitad por coordenadas, montos y fechas escritos de varias maneras) y mide,
sobre una base con el territorio real y 1,000 propuestas ya registradas (para que la búsqueda de parecidas
trabaje): la revisión (vista previa) y la importación confirmada. Imprime los tiempos, las filas por segundo y
la razón frente a la cantidad más pequeña (meta: 5,000 filas revisadas en menos de 10 s, lineal).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nucleo

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
GEO = RAIZ.parent / "shared" / "geo"


def base_con_propuestas(carpeta: Path) -> Path:
    import subprocess

    ruta = carpeta / "base.db"
    subprocess.run([sys.executable, "-m", "propuestas", "demo", "--db", str(ruta), "--propuestas", "1000",
                    "--semilla", "3", "--limites", str(GEO / "huaylas_distritos.geojson"),
                    "--centros", str(GEO / "huaylas_centros_poblados.csv")], cwd=RAIZ, check=True, capture_output=True)
    return ruta


def fichas(cantidad: int, centros, distritos: dict[str, str], hoy: dt.date) -> list[dict]:
    azar = random.Random(cantidad)
    montos = ("S/ {:,}.50", "{:,}", "{}.00", "S/. {}")
    filas = []
    for numero in range(cantidad):
        centro = azar.choice(centros)
        fila = {"N.º de ficha": f"B-{numero:05d}", "Fecha de registro": (hoy - dt.timedelta(days=azar.randrange(30)))
                .strftime(azar.choice(("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y"))),
                "Título": f"Mejoramiento del servicio número {numero} en {centro.nombre.title()}"[:120],
                "Problema": f"Problema {numero}: las familias del lugar no tienen el servicio y caminan horas.",
                "Qué se propone": f"Construir y equipar la obra {numero} con faena comunal y apoyo municipal.",
                "Tipo de proponente": azar.choice(("Joven", "Organización", "Ciudadana o ciudadano")),
                "Nombre de quien propone": f"Persona {numero}", "Organización": f"Comité {numero}",
                "Costo propuesto S/": azar.choice(montos).format(azar.randrange(5_000, 900_000)),
                "Beneficiarias mujeres": azar.randrange(5, 300), "Beneficiarios hombres": azar.randrange(5, 300)}
        if numero % 2:
            fila.update({"Latitud": centro.lat, "Longitud": centro.lon})  # el GPS en el centro poblado
        else:
            # por nombre, con el distrito (hay nombres repetidos en la provincia)
            fila.update({"Centro poblado": centro.nombre, "Distrito": distritos[centro.ubigeo]})
        filas.append(fila)
    return filas


def main() -> None:
    from geo import servicios as territorio
    from identidad.acceso import LINEA_DE_COMANDOS
    from propuestas import importar, servicios
    from tests.ayudas import como_csv, como_xlsx

    parser = argparse.ArgumentParser()
    parser.add_argument("--cantidades", type=int, nargs="+", default=[50, 500, 5000])
    argumentos = parser.parse_args()
    with tempfile.TemporaryDirectory() as carpeta:
        carpeta = Path(carpeta)
        original = base_con_propuestas(carpeta)
        with nucleo.abrir(original) as db:
            proceso = servicios.proceso_actual(db)
            centros = territorio.centros_poblados(db)
            distritos = {d.ubigeo: d.nombre for d in territorio.cargar_territorio(db).distritos}
            registro = proceso.periodo(servicios.Fase.REGISTRO)
        ahora = dt.datetime.combine(registro.inicio + dt.timedelta(days=29), dt.time(15), tzinfo=dt.timezone.utc)
        hoy = servicios.fecha_local(ahora)
        base_filas = None
        print(f"{'filas':>6} {'formato':>7} {'revisar s':>10} {'filas/s':>9} {'importar s':>11} {'razón':>7}")
        for cantidad in argumentos.cantidades:
            filas = fichas(cantidad, centros, distritos, hoy)
            for formato, contenido in (("xlsx", como_xlsx(filas)), ("csv", como_csv(filas))):
                copia = carpeta / f"copia_{cantidad}_{formato}.db"
                shutil.copy(original, copia)
                with nucleo.abrir(copia) as db:
                    inicio = time.perf_counter()
                    revision = importar.revisar(db, proceso.id, contenido, f"fichas.{formato}", ahora=ahora)
                    revisar = time.perf_counter() - inicio
                    assert revision.es_importable, (revision.problemas, revision.con_problemas[:3])
                    inicio = time.perf_counter()
                    importar.importar(db, proceso.id, contenido, f"fichas.{formato}", actor=LINEA_DE_COMANDOS,
                                      ahora=ahora)
                    importado = time.perf_counter() - inicio
                por_fila = revisar / cantidad
                base_filas = base_filas or por_fila
                print(f"{cantidad:>6} {formato:>7} {revisar:>10.2f} {cantidad / revisar:>9.0f} {importado:>11.2f} "
                      f"{por_fila / base_filas:>6.2f}×")
        print("razón = tiempo de revisión por fila frente al de la cantidad más pequeña (1.00× = lineal)")


if __name__ == "__main__":
    main()
