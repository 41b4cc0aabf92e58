"""Línea de comandos del territorio.

    python -m geo importar RUTA [--provincia 0212] [--tipo limites|indicadores|centros_poblados] [--crs EPSG:32718]
    python -m geo ubicar LAT LON [--limites RUTA]
    python -m geo ubicar --limites RUTA < puntos.csv      (CSV con encabezado lat,lon)
    python -m geo crear-administrador --usuario USUARIO --nombre "Nombre Apellido"
    python -m geo respaldar RUTA        |   python -m geo restaurar RUTA

Sin `--limites`, `ubicar` usa el territorio guardado en la base (`PLATAFORMA_DB`).
"""
from __future__ import annotations

import argparse
import csv
import getpass
import sys

from geo import servicios
from geo.lectura import leer_limites
from geo.modelo import Punto, PuntoInvalido, Territorio
from identidad import cuentas, respaldo
from identidad.acceso import LINEA_DE_COMANDOS, Rol
from nucleo import db as base
from nucleo.errores import ErrorPlataforma, explicar


def main(argv: list[str] | None = None) -> int:
    argumentos = _parser().parse_args(argv)
    try:
        return argumentos.funcion(argumentos)
    except ErrorPlataforma as error:
        print(f"Error: {explicar(error)}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Territorio de la plataforma.")
    parser.add_argument("--db", help="ruta de la base SQLite (por defecto PLATAFORMA_DB o datos/plataforma.db)")
    ordenes = parser.add_subparsers(required=True, metavar="ORDEN")

    importar = ordenes.add_parser("importar", help="importa límites, indicadores o centros poblados")
    importar.add_argument("ruta", help="GeoJSON, Shapefile en .zip, GeoPackage o CSV")
    importar.add_argument("--provincia", help="código de 4 dígitos (por defecto PLATAFORMA_PROVINCIA o 0212)")
    importar.add_argument("--tipo", choices=servicios.TIPOS, help="por defecto se deduce del archivo")
    importar.add_argument("--crs", help="sistema de coordenadas si el archivo no lo declara, p. ej. EPSG:32718")
    importar.set_defaults(funcion=_importar)

    ubicar = ordenes.add_parser("ubicar", help="dice en qué distrito cae un punto (o un CSV lat,lon)")
    ubicar.add_argument("lat", nargs="?", type=float)
    ubicar.add_argument("lon", nargs="?", type=float)
    ubicar.add_argument("--limites", help="archivo de límites (si no, el territorio de la base)")
    ubicar.add_argument("--provincia", help="código de 4 dígitos (por defecto PLATAFORMA_PROVINCIA o 0212)")
    ubicar.set_defaults(funcion=_ubicar)

    administrador = ordenes.add_parser("crear-administrador", help="crea una cuenta de administración")
    administrador.add_argument("--usuario", required=True)
    administrador.add_argument("--nombre", required=True)
    administrador.add_argument("--contrasena-stdin", action="store_true",
                               help="lee la contraseña de la entrada estándar (para scripts)")
    administrador.set_defaults(funcion=_crear_administrador)

    respaldo = ordenes.add_parser("respaldar", help="copia consistente de la base a RUTA")
    respaldo.add_argument("destino")
    respaldo.set_defaults(funcion=_respaldar)

    restauracion = ordenes.add_parser("restaurar", help="reemplaza la base por un respaldo (guarda una copia previa)")
    restauracion.add_argument("origen")
    restauracion.set_defaults(funcion=_restaurar)
    return parser


def _crear_administrador(argumentos) -> int:
    if argumentos.contrasena_stdin:
        contrasena = sys.stdin.readline().rstrip("\n")
    else:
        contrasena = getpass.getpass("Contraseña (al menos 10 caracteres): ")
        if getpass.getpass("Repita la contraseña: ") != contrasena:
            print("Error: las contraseñas no coinciden.", file=sys.stderr)
            return 1
    db = base.abrir(argumentos.db)
    servicios.preparar(db)
    try:
        cuentas.crear_cuenta(db, usuario=argumentos.usuario, nombre=argumentos.nombre, rol=Rol.ADMINISTRADOR,
                             contrasena=contrasena, actor=LINEA_DE_COMANDOS, ahora=base.ahora())
    except ErrorPlataforma as error:
        print(f"Error: {explicar(error)}", file=sys.stderr)
        return 1
    print(f"Cuenta de administración «{argumentos.usuario.strip().lower()}» creada.")
    return 0


def _respaldar(argumentos) -> int:
    db = base.abrir(argumentos.db)
    servicios.preparar(db)  # el evento del respaldo va a `eventos`
    destino = respaldo.respaldar(db, argumentos.destino, actor=LINEA_DE_COMANDOS, ahora=base.ahora())
    print(f"Respaldo guardado en {destino} ({destino.stat().st_size:,} bytes). Contiene datos personales (nombres, "
          "DNI, celulares; Ley 29733): guárdelo cifrado o bajo llave y no lo comparta.")
    return 0


def _restaurar(argumentos) -> int:
    # Restaurar es de toda la plataforma: el respaldo se revisa contra las migraciones de todos sus paquetes,
    # que solo conoce la capa de arriba. Se importan aquí, en el borde de la línea de comandos (como en app.py);
    # el caso de uso (`identidad.respaldo.restaurar`) las recibe como argumento y no importa nada de arriba.
    from votacion.servicios import MIGRACIONES

    db = base.abrir(argumentos.db)
    previa = respaldo.restaurar(db, argumentos.origen, migraciones=MIGRACIONES, actor=LINEA_DE_COMANDOS,
                                ahora=base.ahora())
    print(f"Base restaurada desde {argumentos.origen}. Copia de la base anterior: {previa}.")
    return 0


def _importar(argumentos) -> int:
    db = base.abrir(argumentos.db)
    servicios.preparar(db)
    registro = servicios.importar(db, argumentos.ruta, tipo=argumentos.tipo, provincia=argumentos.provincia,
                                  crs=argumentos.crs, actor=LINEA_DE_COMANDOS, ahora=base.ahora())
    informe = registro["informe"]
    aceptados = informe["aceptados"]
    cantidad = len(aceptados) if isinstance(aceptados, list) else aceptados
    print(f"Importados {servicios.NOMBRES_TIPO[registro['tipo']]} de «{registro['archivo']}» para la provincia "
          f"{registro['provincia']}: {cantidad} aceptados, {informe['fuera_de_provincia']} fuera de la provincia.")
    for aviso in informe["avisos"]:
        print(f"Aviso: {aviso}")
    return 0


def _ubicar(argumentos) -> int:
    territorio = _territorio(argumentos)
    if argumentos.lat is None and argumentos.lon is None:
        return _ubicar_csv(territorio, sys.stdin, sys.stdout)
    if argumentos.lat is None or argumentos.lon is None:
        raise PuntoInvalido("Indique LAT y LON, o ninguno para leer un CSV lat,lon de la entrada estándar.")
    distrito = territorio.ubicar_o_fallar(Punto(argumentos.lat, argumentos.lon))
    print(f"{distrito.ubigeo}\t{distrito.nombre}")
    return 0


def _territorio(argumentos) -> Territorio:
    if argumentos.limites:
        provincia = argumentos.provincia or servicios.provincia_configurada()
        leida = leer_limites(argumentos.limites, provincia=provincia)
        return Territorio(provincia=provincia, distritos=leida.distritos)
    db = base.abrir(argumentos.db)
    servicios.preparar(db)
    return servicios.exigir_territorio(db)


def _ubicar_csv(territorio: Territorio, entrada, salida) -> int:
    lector = csv.DictReader(entrada)
    campos = [c.strip().lower() for c in (lector.fieldnames or [])]
    if "lat" not in campos or "lon" not in campos:
        raise PuntoInvalido(f"El CSV debe tener encabezado lat,lon; tiene: {','.join(campos) or 'nada'}.")
    lector.fieldnames = campos
    escritor = csv.writer(salida, lineterminator="\n")
    escritor.writerow(["lat", "lon", "ubigeo", "distrito"])
    errores = 0
    for numero, fila in enumerate(lector, start=2):
        try:
            distrito = territorio.ubicar(Punto(_numero(fila["lat"], "lat"), _numero(fila["lon"], "lon")))
        except PuntoInvalido as error:
            print(f"Fila {numero}: {error}", file=sys.stderr)
            errores += 1
            distrito = None
        escritor.writerow([fila["lat"], fila["lon"], distrito.ubigeo if distrito else "",
                           distrito.nombre if distrito else ""])
    return 1 if errores else 0


def _numero(texto: str | None, campo: str) -> float:
    try:
        return float(texto)  # type: ignore[arg-type]  # None → TypeError, dicho abajo
    except (TypeError, ValueError):
        raise PuntoInvalido(f"{campo} = {texto!r} no es un número (use punto decimal, p. ej. -9.0485).") from None


if __name__ == "__main__":
    sys.exit(main())
