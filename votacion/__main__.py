"""Línea de comandos de votación: `python -m votacion contar ARCHIVO [--regla R]`.

Con un pabulib `.pb` imprime los proyectos financiados, uno por línea, en el orden en que la regla
los eligió; las reglas de orden (schulze, borda, copeland, irv) sirven para un .pb ordinal y
financian en su orden. Con un PrefLib (`.soc`, `.soi`, `.toc`, `.toi`) imprime el orden completo,
`id<TAB>nombre`, la ganadora primero. Los empates y cómo se resolvieron van a la salida de errores
(la salida normal queda para máquinas).
"""
from __future__ import annotations

import argparse
import sys

from votacion import ordinales, pabulib, preflib, reglas

ERRORES_DE_ENTRADA = (pabulib.ArchivoInvalido, reglas.ReglaDesconocida, ordinales.ReglaNoAplicable,
                      ordinales.PerfilInvalido)


def main(argumentos: list[str] | None = None) -> int:
    analizador = argparse.ArgumentParser(prog="python -m votacion", description="Conteo verificable de votaciones.")
    ordenes = analizador.add_subparsers(dest="orden", required=True)
    _agregar_contar(ordenes)
    opciones = analizador.parse_args(argumentos)
    try:
        return opciones.ejecutar(opciones)
    except ERRORES_DE_ENTRADA as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Error: no se pudo leer {error.filename or opciones.archivo}: {error.strerror}.", file=sys.stderr)
        return 1


def _agregar_contar(ordenes) -> None:
    contar = ordenes.add_parser("contar", help="Cuenta un archivo pabulib .pb (proyectos financiados) o PrefLib "
                                               ".soc/.soi/.toc/.toi (orden de las alternativas).")
    contar.add_argument("archivo")
    contar.add_argument("--regla", choices=[*reglas.REGLAS_PB, *ordinales.REGLAS_ORDEN],
                        help="Regla de conteo; en un .pb, sin ella se usa la de META «rule».")
    contar.set_defaults(ejecutar=_contar)


def _contar(opciones) -> int:
    if preflib.es_preflib(opciones.archivo):
        datos = preflib.leer(opciones.archivo)
        ordenamiento = ordinales.ordenar(ordinales.perfil_de_preflib(datos), opciones.regla)
        lineas = [f"{alternativa}\t{datos.alternativas[alternativa]}" for alternativa in ordenamiento.orden]
        empates = ordenamiento.empates
    else:
        eleccion = pabulib.leer(opciones.archivo)
        regla = opciones.regla or eleccion.meta.get("rule")
        motor = ordinales if regla in ordinales.REGLAS_ORDEN else reglas
        resultado = motor.contar(eleccion, regla)
        lineas, empates = resultado.elegidos, resultado.empates
    for empate in empates:
        print(f"# empate entre {', '.join(empate.entre)}: se eligió {empate.elegido} ({empate.criterio})",
              file=sys.stderr)
    print("\n".join(lineas))
    return 0


if __name__ == "__main__":
    sys.exit(main())
