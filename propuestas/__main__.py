"""Línea de comandos de propuestas.

    python -m propuestas demo --db RUTA [--propuestas 200] [--semilla 1] [--limites RUTA --centros RUTA]

`demo` llena una base **de demostración** (marcada como tal; se niega a tocar una base con datos
reales). Con `--limites` y `--centros` importa primero el territorio si la base no lo tiene.
"""
from __future__ import annotations

import argparse
import sys
import time

from geo import db as base
from geo import servicios as territorio
from geo.modelo import ErrorGeo
from propuestas import demo, servicios
from propuestas.modelo import ErrorPropuestas


def main(argv: list[str] | None = None) -> int:
    argumentos = _parser().parse_args(argv)
    try:
        return argumentos.funcion(argumentos)
    except (ErrorGeo, ErrorPropuestas, base.ErrorAlmacen) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m propuestas", description="Procesos y propuestas.")
    ordenes = parser.add_subparsers(required=True, metavar="ORDEN")
    orden = ordenes.add_parser("demo", help="crea propuestas de demostración en una base aparte")
    orden.add_argument("--db", required=True, help="base de demostración (se crea si no existe)")
    orden.add_argument("--propuestas", type=int, default=200, help="cuántas propuestas (por defecto 200)")
    orden.add_argument("--semilla", type=int, default=1, help="semilla del azar (misma semilla, mismos datos)")
    orden.add_argument("--limites", help="límites a importar si la base aún no tiene territorio")
    orden.add_argument("--centros", help="centros poblados a importar si la base aún no los tiene")
    orden.set_defaults(funcion=_demo)
    return parser


def _demo(argumentos) -> int:
    if not 1 <= argumentos.propuestas <= 200_000:
        print("Error: --propuestas debe estar entre 1 y 200000.", file=sys.stderr)
        return 1
    db = base.abrir(argumentos.db)
    servicios.preparar(db)
    ahora = base.ahora()
    estado = territorio.estado_territorio(db)
    if estado["limites"] is None and argumentos.limites:
        territorio.importar(db, argumentos.limites, tipo="limites", actor=demo.DEMO, ahora=ahora)
    if estado["centros_poblados"] is None and argumentos.centros:
        territorio.importar(db, argumentos.centros, tipo="centros_poblados", actor=demo.DEMO, ahora=ahora)
    inicio = time.perf_counter()
    proceso = demo.crear_demo(db, cantidad=argumentos.propuestas, semilla=argumentos.semilla, ahora=ahora)
    print(f"{argumentos.propuestas} propuestas de demostración en «{proceso.nombre}» ({argumentos.db}) "
          f"en {time.perf_counter() - inicio:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
