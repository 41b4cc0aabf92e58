"""Línea de comandos de votación: `python -m votacion contar ARCHIVO.pb [--regla R]`.

Imprime los proyectos financiados, uno por línea, en el orden en que la regla los eligió. Los
empates y cómo se resolvieron van a la salida de errores (la salida normal queda para máquinas).
"""
from __future__ import annotations

import argparse
import sys

from votacion import pabulib, reglas


def main(argumentos: list[str] | None = None) -> int:
    analizador = argparse.ArgumentParser(prog="python -m votacion", description="Conteo verificable de votaciones.")
    ordenes = analizador.add_subparsers(dest="orden", required=True)
    contar = ordenes.add_parser("contar", help="Cuenta un archivo pabulib .pb e imprime los proyectos financiados.")
    contar.add_argument("archivo")
    contar.add_argument("--regla", choices=list(reglas.REGLAS_PB),
                        help="Regla de conteo; sin ella se usa la de META «rule».")
    opciones = analizador.parse_args(argumentos)
    try:
        eleccion = pabulib.leer(opciones.archivo)
        resultado = reglas.contar(eleccion, opciones.regla)
    except (pabulib.ArchivoInvalido, reglas.ReglaDesconocida) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Error: no se pudo leer {opciones.archivo}: {error.strerror}.", file=sys.stderr)
        return 1
    for empate in resultado.empates:
        print(f"# empate entre {', '.join(empate.entre)}: se eligió {empate.elegido} ({empate.criterio})",
              file=sys.stderr)
    print("\n".join(resultado.elegidos))
    return 0


if __name__ == "__main__":
    sys.exit(main())
