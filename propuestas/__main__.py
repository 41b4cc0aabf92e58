"""Línea de comandos de propuestas.

    python -m propuestas demo --db RUTA [--propuestas 200] [--semilla 1] [--limites RUTA --centros RUTA]
                              [--ciclo-completo [--actualizaciones 12]]
    python -m propuestas exportar --proceso PP27 --formato csv|xlsx|geojson|pdf [--votacion N] [--salida RUTA]
                                  [--datos-personales] [--db RUTA]
    python -m propuestas importar ARCHIVO.csv|xlsx [--proceso PP27] [--confirmar] [--informe RUTA] [--db RUTA]
    python -m propuestas plantilla --salida RUTA.xlsx|csv [--proceso PP27] [--db RUTA]
    python -m propuestas plan importar ARCHIVO.csv|xlsx --nombre "PDLC Huaylas 2022-2030" [--db RUTA]
    python -m propuestas plan plantilla --salida RUTA.xlsx|csv
    python -m propuestas seguimiento exportar [--proceso PP27] --salida RUTA.xlsx|csv [--db RUTA]
    python -m propuestas seguimiento importar ARCHIVO.csv|xlsx [--db RUTA]
    python -m propuestas conservacion [--aplicar] [--db RUTA]

`--proceso` acepta el código que muestra la app (PP27) o el número del proceso (la columna «N.º» de
«Procesos participativos»); `--votacion`, el número de la votación («n.º» en «Votaciones y papeletas»).

`demo` llena una base **de demostración** (marcada como tal; se niega a tocar una base con datos
reales). Con `--limites` y `--centros` importa primero el territorio si la base no lo tiene. Con
`--ciclo-completo` (en una base nueva) arma además, por los casos de uso de verdad, la votación cerrada de hace dos
años, su acta firmada y dos años de seguimiento de cada proyecto en acta.

`exportar` escribe la lista priorizada del proceso (orden de la votación cerrada más reciente, o de
`--votacion`); sin `--salida`, a la salida estándar. Sin datos personales salvo `--datos-personales`.

`importar` revisa fichas de papel digitadas en una hoja y muestra los problemas de cada fila; solo con
`--confirmar` (y si ninguna fila tiene problemas) las registra, todas juntas. Sale con 1 si hay problemas.

`plan importar` importa el PDLC (objetivos → acciones → indicadores) como una versión nueva, todo o nada: si una
fila tiene problemas los dice (fila y columna), no escribe nada y sale con 1.

`seguimiento exportar` escribe una fila por proyecto en acta (responsable, CUI, fase, PIA/PIM/devengado, avances);
`seguimiento importar` aplica esa misma hoja editada (o la de la municipalidad con esas columnas), toda o nada: una
actualización por fila que cambia algo; con problemas, los dice (fila y columna), no escribe nada y sale con 1.

`conservacion` muestra la regla de conservación de datos personales de cada proceso (meses después del acta) y
cuántos registros guardan aún un contacto; con `--aplicar` borra celulares, correos, DNI y borradores de los procesos
cuya regla venció (para correrlo cada mes con cron o el Programador de tareas de Windows).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from geo import servicios as territorio
from identidad.acceso import LINEA_DE_COMANDOS
from nucleo import db as base
from nucleo.errores import ErrorPlataforma, explicar
from nucleo.linea import numero_de_votacion
from propuestas import demo, hoja, importar, pdlc, servicios
from propuestas.modelo import ErrorPropuestas
from propuestas.seguimiento import hoja as hoja_seguimiento
from votacion import exportar

AYUDA_PROCESO = "código del proceso que muestra la app (p. ej. PP27) o su número (n.º)"


def main(argv: list[str] | None = None) -> int:
    argumentos = _parser().parse_args(argv)
    try:
        return argumentos.funcion(argumentos)
    except ErrorPlataforma as error:
        print(f"Error: {explicar(error)}", file=sys.stderr)
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
    orden.add_argument("--ciclo-completo", action="store_true",
                       help="en una base nueva: votación cerrada, acta firmada y dos años de seguimiento de lo "
                            "priorizado (las --propuestas, todas viables, entran al acta)")
    orden.add_argument("--actualizaciones", type=int, default=12,
                       help="con --ciclo-completo: actualizaciones de seguimiento por proyecto (por defecto 12)")
    orden.set_defaults(funcion=_demo)
    orden = ordenes.add_parser("exportar", help="la lista priorizada de un proceso (CSV, Excel, GeoJSON o PDF)")
    orden.add_argument("--proceso", required=True, help=AYUDA_PROCESO)
    orden.add_argument("--formato", choices=exportar.FORMATOS, required=True)
    orden.add_argument("--votacion", type=numero_de_votacion,
                       help="n.º de la votación cuyo orden se usa (por defecto la cerrada más reciente)")
    orden.add_argument("--salida", help="archivo a escribir (por defecto, la salida estándar)")
    orden.add_argument("--datos-personales", action="store_true",
                       help="incluir quién propuso y su contacto (solo para la administración; no publicar)")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_exportar)
    orden = ordenes.add_parser("importar", help="fichas de papel digitadas en una hoja (CSV o Excel .xlsx)")
    orden.add_argument("archivo", help="CSV o .xlsx con las columnas de la plantilla (o una exportación)")
    orden.add_argument("--proceso", help=AYUDA_PROCESO + " (por defecto el actual)")
    orden.add_argument("--confirmar", action="store_true", help="registrar (sin esto, solo se revisa)")
    orden.add_argument("--informe", help="escribir el informe fila por fila en este CSV")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_importar)
    orden = ordenes.add_parser("plantilla", help="la plantilla para digitar fichas de papel")
    orden.add_argument("--salida", required=True, help="RUTA.xlsx (con listas desplegables) o RUTA.csv")
    orden.add_argument("--proceso", help=AYUDA_PROCESO + " (por defecto el actual)")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_plantilla)
    orden = ordenes.add_parser("plan", help="el PDLC: importar una versión o bajar su plantilla")
    plan = orden.add_subparsers(required=True, metavar="ORDEN")
    orden = plan.add_parser("importar", help="una versión nueva del PDLC desde una hoja (CSV o .xlsx)")
    orden.add_argument("archivo", help="CSV o .xlsx con las columnas de la plantilla del PDLC")
    orden.add_argument("--nombre", required=True, help="nombre del plan (p. ej. «PDLC Huaylas 2022-2030»)")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_plan_importar)
    orden = plan.add_parser("plantilla", help="la plantilla del PDLC")
    orden.add_argument("--salida", required=True, help="RUTA.xlsx o RUTA.csv")
    orden.set_defaults(funcion=_plan_plantilla)
    orden = ordenes.add_parser("seguimiento", help="el seguimiento de lo que entró al acta: exportar o importar")
    seguimiento_ = orden.add_subparsers(required=True, metavar="ORDEN")
    orden = seguimiento_.add_parser("exportar", help="una fila por proyecto en acta (CSV o .xlsx por la extensión)")
    orden.add_argument("--proceso", help=AYUDA_PROCESO + " (por defecto, todos)")
    orden.add_argument("--salida", required=True, help="RUTA.xlsx o RUTA.csv")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_seguimiento_exportar)
    orden = seguimiento_.add_parser("importar", help="aplicar una hoja de seguimiento, toda o nada")
    orden.add_argument("archivo", help="CSV o .xlsx con las columnas de la exportación")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_seguimiento_importar)
    orden = ordenes.add_parser("conservacion", help="la regla de conservación de datos personales de cada proceso")
    orden.add_argument("--aplicar", action="store_true",
                       help="borrar los contactos de los procesos cuya regla venció (sin esto, solo se muestra)")
    orden.add_argument("--db", help="base de datos (por defecto la configurada: PLATAFORMA_DB)")
    orden.set_defaults(funcion=_conservacion)
    return parser


def _conservacion(argumentos) -> int:
    from votacion import conservacion
    from votacion import servicios as votacion_servicios

    db = base.abrir(argumentos.db)
    votacion_servicios.preparar(db)
    hoy = servicios.fecha_local(base.ahora())
    for regla in conservacion.reglas(db, actor=LINEA_DE_COMANDOS):
        vence = f", se borran el {regla.vence:%d/%m/%Y}" if regla.vence else ""
        print(f"{regla.proceso}\t{regla.estado(hoy)}\t{regla.meses or '-'} meses{vence}; "
              f"{regla.pendientes} registros con contacto")
    if argumentos.aplicar:
        for regla, cuantos in conservacion.aplicar(db, actor=LINEA_DE_COMANDOS, ahora=base.ahora()):
            print(f"{regla.proceso}: contactos borrados en {cuantos} registros.")
        olvidadas = conservacion.olvidar_direcciones(db, actor=LINEA_DE_COMANDOS, ahora=base.ahora())
        print(f"Direcciones de red de más de {conservacion.DIAS_DIRECCIONES} días olvidadas: {olvidadas}.")
    return 0


def _seguimiento_exportar(argumentos) -> int:
    from votacion import servicios as votacion_servicios

    salida = Path(argumentos.salida)
    if salida.suffix.lower() not in (".xlsx", ".csv"):
        raise ErrorPropuestas(f"La hoja se escribe como .xlsx o .csv, no «{salida.suffix}».")
    db = base.abrir(argumentos.db)
    votacion_servicios.preparar(db)
    proceso_id = servicios.buscar_proceso(db, argumentos.proceso).id if argumentos.proceso else None
    filas = hoja_seguimiento.filas(db, proceso_id, hoy=servicios.fecha_local(base.ahora()))
    if salida.suffix.lower() == ".xlsx":
        salida.write_bytes(hoja_seguimiento.como_xlsx(filas))
    else:
        salida.write_text(hoja_seguimiento.como_csv(filas), encoding="utf-8")
    print(f"{len(filas)} proyectos en acta → {salida}")
    return 0


def _seguimiento_importar(argumentos) -> int:
    from votacion import servicios as votacion_servicios

    ruta = Path(argumentos.archivo)
    if not ruta.is_file():
        raise ErrorPropuestas(f"No existe el archivo {ruta}.")
    contenido = ruta.read_bytes()
    db = base.abrir(argumentos.db)
    votacion_servicios.preparar(db)
    revision = hoja_seguimiento.revisar(db, contenido, ruta.name, hoy=servicios.fecha_local(base.ahora()))
    if not _decir_problemas(revision):
        return 1
    cuantos = hoja_seguimiento.importar(db, contenido, ruta.name, actor=LINEA_DE_COMANDOS, ahora=base.ahora())
    print(f"{cuantos['actualizaciones']} actualizaciones registradas; {cuantos['sin_cambios']} filas sin cambios.")
    return 0


def _plan_importar(argumentos) -> int:
    ruta = Path(argumentos.archivo)
    if not ruta.is_file():
        raise ErrorPropuestas(f"No existe el archivo {ruta}.")
    contenido = ruta.read_bytes()
    revision = pdlc.revisar(contenido, ruta.name)
    if not _decir_problemas(revision):
        return 1
    db = base.abrir(argumentos.db)
    servicios.preparar(db)
    version = pdlc.importar(db, contenido, ruta.name, nombre_plan=argumentos.nombre, actor=LINEA_DE_COMANDOS,
                            ahora=base.ahora())
    print(f"PDLC «{version['nombre']}» importado (versión n.º {version['id']}): {version['objetivos']} objetivos, "
          f"{version['acciones']} acciones y {version['indicadores']} indicadores.")
    return 0


def _decir_problemas(revision) -> bool:
    """Los problemas de una revisión (del archivo y de cada fila, con su número); False si no se puede importar."""
    for problema in revision.problemas:
        print(problema)
    for fila in revision.filas:
        for problema in fila.problemas:
            print(f"Fila {fila.numero}: {problema}")
    if not revision.es_importable:
        print("No se importó nada: corrija la hoja y repita.", file=sys.stderr)
    return revision.es_importable


def _plan_plantilla(argumentos) -> int:
    salida = Path(argumentos.salida)
    if salida.suffix.lower() == ".xlsx":
        salida.write_bytes(pdlc.plantilla_xlsx())
    else:
        salida.write_text(pdlc.plantilla_csv(), encoding="utf-8")
    print(f"Plantilla del PDLC en {salida}.")
    return 0


def _proceso(db, referencia: str | None):
    if referencia is not None:
        return servicios.buscar_proceso(db, referencia)
    proceso = servicios.proceso_actual(db)
    if proceso is None:
        raise ErrorPropuestas("No hay un proceso actual; cree uno o indique --proceso CÓDIGO.")
    return proceso


def _importar(argumentos) -> int:
    ruta = Path(argumentos.archivo)
    if not ruta.is_file():
        raise ErrorPropuestas(f"No existe el archivo {ruta}.")
    db = base.abrir(argumentos.db)
    servicios.preparar(db)
    proceso, contenido, ahora = _proceso(db, argumentos.proceso), ruta.read_bytes(), base.ahora()
    revision = importar.revisar(db, proceso.id, contenido, ruta.name, ahora=ahora)
    _imprimir_revision(revision)
    if argumentos.informe:
        Path(argumentos.informe).write_text(importar.informe_csv(revision), encoding="utf-8")
    if not revision.es_importable:
        print(f"No se importó nada: {revision.resumen}", file=sys.stderr)
        return 1
    if not argumentos.confirmar:
        print(f"Revisión lista: {revision.resumen} Para registrarlas, repita con --confirmar.")
        return 0
    hecha = importar.importar(db, proceso.id, contenido, ruta.name, actor=LINEA_DE_COMANDOS, ahora=ahora)
    print(f"Importadas {len(hecha.filas)} propuestas en «{proceso.nombre}»: {hecha.filas[0].codigo} … "
          f"{hecha.filas[-1].codigo}.")
    return 0


def _imprimir_revision(revision) -> None:
    print(f"«{revision.archivo}»" + (f", hoja «{revision.hoja}»" if revision.hoja else "")
          + f": {len(revision.filas)} filas.")
    for problema in revision.problemas:
        print(f"  ✗ {problema}")
    for aviso in revision.avisos:
        print(f"  · {aviso}")
    for fila in revision.filas:
        destino = f" → {fila.codigo}" if fila.codigo else ""
        print(f"Fila {fila.numero} · «{fila.titulo[:60]}» · {fila.lugar or 'sin ubicar'}{destino}")
        for problema in fila.problemas:
            print(f"  ✗ {problema}")
        for aviso in fila.avisos:
            print(f"  · {aviso}")


def _plantilla(argumentos) -> int:
    salida = Path(argumentos.salida)
    if salida.suffix.lower() not in (".xlsx", ".csv"):
        raise ErrorPropuestas(f"La plantilla se escribe como .xlsx o .csv, no «{salida.suffix}».")
    if salida.suffix.lower() == ".csv":
        salida.write_text(hoja.plantilla_csv(), encoding="utf-8")
    else:
        db = base.abrir(argumentos.db)
        servicios.preparar(db)
        proceso = _proceso(db, argumentos.proceso)
        salida.write_bytes(hoja.plantilla_xlsx(proceso, territorio.cargar_territorio(db),
                                               territorio.centros_poblados(db), pdlc.ejes_para_proponer(db, proceso.ejes)))
    print(f"Plantilla → {salida}")
    return 0


def _exportar(argumentos) -> int:
    from votacion import servicios as votacion_servicios

    db = base.abrir(argumentos.db)
    votacion_servicios.preparar(db)
    lista = exportar.lista_priorizada(db, _proceso(db, argumentos.proceso).id, votacion_id=argumentos.votacion,
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
    if argumentos.ciclo_completo:
        from votacion import servicios as votacion_servicios
        from votacion.ciclo_demo import crear_ciclo_completo

        if not 1 <= argumentos.actualizaciones <= 200:
            print("Error: --actualizaciones debe estar entre 1 y 200.", file=sys.stderr)
            return 1
        votacion_servicios.preparar(db)
        ciclo = crear_ciclo_completo(db, proyectos=argumentos.propuestas, actualizaciones=argumentos.actualizaciones,
                                     semilla=argumentos.semilla, ahora=ahora)
        print(f"Ciclo completo de demostración en {argumentos.db}: «{ciclo['proceso']}», votación n.º "
              f"{ciclo['votacion']} cerrada ({ciclo['votantes']} votantes), {ciclo['en_acta']} proyectos en acta, "
              f"{ciclo['actualizaciones']:,} actualizaciones y {ciclo['hitos']:,} hitos de seguimiento, en "
              f"{time.perf_counter() - inicio:.1f} s.")
        return 0
    proceso = demo.crear_demo(db, cantidad=argumentos.propuestas, semilla=argumentos.semilla, ahora=ahora)
    print(f"{argumentos.propuestas} propuestas de demostración en «{proceso.nombre}» ({argumentos.db}) "
          f"en {time.perf_counter() - inicio:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
