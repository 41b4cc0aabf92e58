"""Línea de comandos de votación: `python -m votacion contar ARCHIVO [--regla R]` y
`python -m votacion exportar --votacion N [--formato pb|csv|acta] [--salida RUTA] [--db RUTA]`.

N es el «n.º» de la votación que muestra la página «Votaciones y papeletas».

Con un pabulib `.pb` imprime los proyectos financiados, uno por línea, en el orden en que la regla
los eligió; las reglas de orden (schulze, borda, copeland, irv) sirven para un .pb ordinal y
financian en su orden. Si el `.pb` lo publicó esta plataforma, antes recalcula su cadena de huellas
(cada papeleta, a cuál reemplaza, la cabeza y la cantidad de eslabones) y dice en la salida de errores
si cuadra y cuál es la cabeza, para compararla con la del acta y la del proyector; si no cuadra, no
cuenta y sale con 1 (salvo `--sin-verificar`). Con un PrefLib (`.soc`, `.soi`, `.toc`, `.toi`) imprime
el orden completo, `id<TAB>nombre`, la ganadora primero. Los empates y cómo se resolvieron van a la salida de errores
(la salida normal queda para máquinas).
"""
from __future__ import annotations

import argparse
import sys

import nucleo
from nucleo.errores import ErrorPlataforma, explicar
from nucleo.linea import numero_de_votacion
from votacion import cadena, ordinales, pabulib, preflib, reglas


def main(argumentos: list[str] | None = None) -> int:
    analizador = argparse.ArgumentParser(prog="python -m votacion", description="Conteo verificable de votaciones.")
    ordenes = analizador.add_subparsers(dest="orden", required=True)
    _agregar_contar(ordenes)
    _agregar_exportar(ordenes)
    opciones = analizador.parse_args(argumentos)
    try:
        return opciones.ejecutar(opciones)
    except ErrorPlataforma as error:
        print(f"Error: {explicar(error)}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Error: no se pudo leer {error.filename or getattr(opciones, 'archivo', '')}: {error.strerror}.",
              file=sys.stderr)
        return 1


def _agregar_contar(ordenes) -> None:
    contar = ordenes.add_parser("contar", help="Cuenta un archivo pabulib .pb (proyectos financiados) o PrefLib "
                                               ".soc/.soi/.toc/.toi (orden de las alternativas).")
    contar.add_argument("archivo")
    contar.add_argument("--regla", choices=[*reglas.REGLAS_PB, *ordinales.REGLAS_ORDEN],
                        help="Regla de conteo; en un .pb, sin ella se usa la de META «rule».")
    contar.add_argument("--sin-verificar", action="store_true",
                        help="Cuenta aunque la cadena de huellas del .pb no cuadre (para estudiar un archivo "
                             "alterado).")
    contar.set_defaults(ejecutar=_contar)


def _contar(opciones) -> int:
    if preflib.es_preflib(opciones.archivo):
        datos = preflib.leer(opciones.archivo)
        ordenamiento = ordinales.ordenar(ordinales.perfil_de_preflib(datos), opciones.regla)
        lineas = [f"{alternativa}\t{datos.alternativas[alternativa]}" for alternativa in ordenamiento.orden]
        empates = ordenamiento.empates
    else:
        eleccion = pabulib.leer(opciones.archivo)
        if not _verificar_cadena(eleccion) and not opciones.sin_verificar:
            return 1
        regla = opciones.regla or eleccion.meta.get("rule", "").strip() or None
        motor = ordinales if regla in ordinales.REGLAS_ORDEN else reglas
        if not eleccion.votantes and regla in (*reglas.REGLAS_PB, *ordinales.REGLAS_ORDEN):
            # como la app: sin papeletas no se financia nada, con cualquier regla (MES dividiría entre cero)
            print("# el archivo no tiene votos: no se financia ningún proyecto.", file=sys.stderr)
            return 0
        resultado = motor.contar(eleccion, regla)
        lineas, empates = resultado.elegidos, resultado.empates
    for empate in empates:
        print(f"# empate entre {', '.join(empate.entre)}: se eligió {empate.elegido} ({empate.criterio})",
              file=sys.stderr)
    print("\n".join(lineas))
    return 0


def _verificar_cadena(eleccion: pabulib.Eleccion) -> bool:
    """Recalcula la cadena del .pb y lo dice en la salida de errores; False si no cuadra."""
    verificacion = cadena.verificar_pb(eleccion)
    if verificacion is None:  # un .pb de otra fuente (pabulib.org): se cuenta tal cual, como siempre
        return True
    ancla, problemas = verificacion
    if problemas:
        print("Error: la cadena de papeletas del archivo no cuadra; no se cuenta:",
              *(f"- {p}" for p in problemas), sep="\n", file=sys.stderr)
        return False
    print(f"# cadena verificada: {ancla.eslabones} eslabones, cabeza {ancla.cabeza} (compárela con la del acta y "
          "la del proyector)", file=sys.stderr)
    return True


def _agregar_exportar(ordenes) -> None:
    exportar = ordenes.add_parser("exportar", help="Escribe una votación de la base como .pb (para recontar), CSV o "
                                                   "el acta del taller en PDF.")
    exportar.add_argument("--votacion", type=numero_de_votacion, required=True,
                          help="Número de la votación (el «n.º» que muestra «Votaciones y papeletas»).")
    exportar.add_argument("--formato", choices=["pb", "csv", "acta"], default="pb")
    exportar.add_argument("--salida", help="Archivo de salida; sin él, la salida normal.")
    exportar.add_argument("--db", help="Ruta de la base (por defecto PLATAFORMA_DB o datos/plataforma.db).")
    exportar.set_defaults(ejecutar=_exportar)


def _exportar(opciones) -> int:
    import contextlib

    from identidad.acceso import LINEA_DE_COMANDOS
    from nucleo.errores import NoEncontrada
    from votacion import servicios
    from votacion.modelo import EstadoVotacion

    try:
        with contextlib.closing(nucleo.abrir(opciones.db)) as db:
            servicios.preparar(db)
            votacion = servicios.obtener(db, opciones.votacion)
            if opciones.formato == "acta":
                from votacion.acta import acta_pdf

                texto = acta_pdf(db, votacion.id, actor=LINEA_DE_COMANDOS)
            elif opciones.formato == "pb":
                texto = servicios.exportar_pb(db, votacion.id, actor=LINEA_DE_COMANDOS)
            else:
                texto = servicios.exportar_csv(servicios.resultados(db, votacion.id, actor=LINEA_DE_COMANDOS))
    except NoEncontrada as error:
        print(f"Error: {error} {_votaciones_de_la_base(opciones.db)}", file=sys.stderr)
        return 1
    if votacion.estado != EstadoVotacion.CERRADA:
        print(f"# la votación {votacion.id} está «{votacion.estado.etiqueta.lower()}»: el archivo es parcial.",
              file=sys.stderr)
    contenido = texto if isinstance(texto, bytes) else texto.encode("utf-8")
    if opciones.salida:
        with open(opciones.salida, "wb") as archivo:
            archivo.write(contenido)
    else:
        sys.stdout.buffer.write(contenido)
    return 0


def _votaciones_de_la_base(ruta: str | None) -> str:
    """Las votaciones que sí hay, con su número, para copiar uno."""
    import contextlib

    from propuestas import servicios as propuestas_servicios
    from votacion import servicios

    with contextlib.closing(nucleo.abrir(ruta)) as db:
        hay = [f"n.º {v.id} «{v.nombre}» ({p.codigo}, {v.estado.etiqueta.lower()})"
               for p in propuestas_servicios.listar_procesos(db) for v in servicios.listar(db, p.id)]
    return f"Votaciones de esta base: {'; '.join(hay)}." if hay else "Esta base aún no tiene votaciones."


if __name__ == "__main__":
    sys.exit(main())
