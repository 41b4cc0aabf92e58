"""Línea de comandos de propuestas.

    python -m propuestas demo --db RUTA [--propuestas 200] [--semilla 1] [--limites RUTA --centros RUTA]
    python -m propuestas exportar --proceso ID --formato csv|xlsx|geojson|pdf [--votacion ID] [--salida RUTA]
                                  [--datos-personales] [--db RUTA]

`demo` llena una base **de demostración** (marcada como tal; se niega a tocar una base con datos
reales). Con `--limites` y `--centros` importa primero el territorio si la base no lo tiene.

`exportar` escribe la lista priorizada del proceso (orden de la votación cerrada más reciente, o de
`--votacion`); sin `--salida`, a la salida estándar. Sin datos personales salvo `--datos-personales`.
"""
from __future__ import annotations

import argparse
import sys
import time

from geo import db as base
from geo import servicios as territorio
from geo.modelo import ErrorGeo
from geo.acceso import LINEA_DE_COMANDOS
from propuestas import demo, exportar, servicios
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
    orden = ordenes.add_parser("exportar", help="la lista priorizada de un proceso (CSV, Excel, GeoJSON o PDF)")
    orden.add_argument("--proceso", type=int, required=True, help="id del proceso")
    orden.add_argument("--formato", choices=exportar.FORMATOS, required=True)
    orden.add_argument("--votacion", type=int, help="votación cuyo orden se usa (por defecto la cerrada más reciente)")
    orden.add_argument("--salida", help="archivo a escribir (por defecto, la salida estándar)")
    orden.add_argument("--datos-personales", action="store_true",
                       help="incluir quién propuso y su contacto (solo para la administración; no publicar)")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_exportar)
    return parser


def _exportar(argumentos) -> int:
    from votacion import servicios as votacion_servicios

    db = base.abrir(argumentos.db)
    votacion_servicios.preparar(db)
    lista = exportar.lista_priorizada(db, argumentos.proceso, votacion_id=argumentos.votacion,
                                      actor=LINEA_DE_COMANDOS, con_datos_personales=argumentos.datos_personales)
    contenido = exportar.exportar(lista, argumentos.formato, territorio.cargar_territorio(db))
    if argumentos.salida:
        with open(argumentos.salida, "wb") as archivo:
            archivo.write(contenido)
        print(f"{len(lista.filas)} propuestas → {argumentos.salida}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(contenido)
    return 0


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
