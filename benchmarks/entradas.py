"""Cuánto tiempo y memoria cuestan las «bombas» de entrada, y cuánto el recorrido acotado a un archivo normal.

    python benchmarks/entradas.py

Arma cada archivo malo (nunca se guardan en el repositorio) y lo lee en un intérprete nuevo, para medir su
memoria pico (VmHWM, la del intérprete nuevo) además del tiempo: la foto PNG de 13,000 × 13,000 píxeles que
sube el público, un .xlsx con una cadena compartida de 90 MB y otro de 400 MB, un .xlsx de 450,000 filas que
declara 3 (`<dimension>`), y un CSV de 10 MB de líneas vacías. La memoria pico incluye lo que pesa importar la
aplicación (≈ 120 a 190 MB). Los tiempos son de CPU del proceso (la máquina puede estar ocupada). Luego, los
dos lados en un archivo normal: una hoja de 5,000 fichas con las columnas de la plantilla y textos largos,
leída entera y solo su recorrido acotado (lo que agrega la revisión de límites).
"""
from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))

MEDIR = """
import sys, time
sys.path.insert(0, {raiz!r})
from propuestas import hoja
from propuestas.fotos import preparar_foto
from propuestas.modelo import DatosInvalidos
contenido = open({ruta!r}, "rb").read()
inicio = time.process_time()
try:
    if {ruta!r}.endswith(".png"):
        preparar_foto(contenido, "foto.png")
    else:
        hoja.leer(contenido, {nombre!r})
    resultado = "aceptado"
except (hoja.HojaIlegible, DatosInvalidos) as error:
    resultado = "rechazado: " + str(error).replace("Revise los datos:", "").strip()
pico_kb = int(next(linea for linea in open("/proc/self/status") if linea.startswith("VmHWM")).split()[1])
print(f"{{time.process_time() - inicio:.2f}}\\t{{pico_kb / 1024:.0f}}\\t"
      f"{{resultado[:110]}}")
"""


def medir(ruta: Path) -> tuple[str, str, str]:
    proceso = subprocess.run([sys.executable, "-c", MEDIR.format(raiz=str(RAIZ), ruta=str(ruta), nombre=ruta.name)],
                             capture_output=True, text=True, cwd=RAIZ)
    if proceso.returncode:
        return "—", "—", proceso.stderr.strip().splitlines()[-1]
    return tuple(proceso.stdout.strip().split("\t", 2))


def bombas(carpeta: Path) -> dict[str, Path]:
    from tests.bombas import filas_xml, png_enorme, xlsx_a_mano, xlsx_con_cadena_enorme

    archivos = {
        "foto PNG 13,000 × 13,000": ("bomba.png", lambda: png_enorme(13_000, 13_000)),
        ".xlsx con cadena de 90 MB": ("cadena_90.xlsx", lambda: xlsx_con_cadena_enorme(90_000_000)),
        ".xlsx con cadena de 400 MB": ("cadena_400.xlsx", lambda: xlsx_con_cadena_enorme(400_000_000)),
        ".xlsx de 450,000 filas que dice 3": ("filas.xlsx",
                                              lambda: xlsx_a_mano(filas_xml(2, 450_000), dimension=b"A1:C3")),
        "CSV de 10 MB de líneas vacías": ("lineas.csv", lambda: "Título;Problema\n".encode() + b"\n" * 9_900_000),
    }
    rutas = {}
    for descripcion, (nombre, generar) in archivos.items():
        rutas[descripcion] = carpeta / nombre
        rutas[descripcion].write_bytes(generar())
    return rutas


def hoja_normal() -> bytes:
    """5,000 fichas con las 37 columnas de la plantilla y textos largos (problema y propuesta de 600 caracteres)."""
    from openpyxl import Workbook

    from propuestas.hoja import EN_PLANTILLA

    libro = Workbook(write_only=True)
    hoja = libro.create_sheet("Propuestas")
    hoja.append([c.encabezado for c in EN_PLANTILLA])
    for numero in range(5_000):
        hoja.append([f"Ficha {numero}: " + "texto de la ficha " * (35 if c.campo in ("problema", "propuesta") else 2)
                     for c in EN_PLANTILLA])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def main() -> None:
    from propuestas import hoja

    with tempfile.TemporaryDirectory() as carpeta:
        print(f"{'archivo':36} {'pesa':>9} {'CPU':>8} {'pico':>8}  resultado")
        for descripcion, ruta in bombas(Path(carpeta)).items():
            segundos, pico, resultado = medir(ruta)
            print(f"{descripcion:36} {ruta.stat().st_size / 1e6:7.1f} MB {segundos:>6} s {pico:>5} MB  {resultado}")
    contenido = hoja_normal()
    inicio = time.process_time()
    tabla = hoja.leer(contenido, "normal.xlsx")
    total = time.process_time() - inicio
    inicio = time.process_time()
    hoja._recorrer_xlsx(contenido, "normal.xlsx")
    recorrido = time.process_time() - inicio
    print(f"\nHoja normal de {len(tabla.filas):,} fichas × {len(tabla.encabezados)} columnas "
          f"({len(contenido) / 1e6:.1f} MB): leerla {total:.2f} s de CPU, de los que el recorrido acotado es "
          f"{recorrido:.2f} s ({recorrido / total:.0%}); se lee entera, mismas filas que antes.")


if __name__ == "__main__":
    main()
