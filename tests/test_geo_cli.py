"""Línea de comandos: python -m geo importar / ubicar."""
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CENTROS, LIMITES, RAIZ


def _geo(*argumentos, entrada=None, db=None):
    entorno = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(RAIZ)}
    if db:
        entorno["PLATAFORMA_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "geo", *argumentos], input=entrada, capture_output=True,
                          text=True, cwd=RAIZ, env=entorno, timeout=120)


@pytest.mark.parametrize("lat, lon, salida", [
    ("-9.0485", "-77.8046", "021201\tCaraz\n"),
    ("-9.21", "-77.95", "021206\tPamparomás\n"),
], ids=["caraz", "pamparomas"])
def test_ubicar_un_punto(lat, lon, salida):
    resultado = _geo("ubicar", lat, lon, "--limites", str(LIMITES))
    assert (resultado.returncode, resultado.stdout) == (0, salida)


def test_ubicar_fuera_sale_con_1_y_mensaje():
    resultado = _geo("ubicar", "-12.05", "-77.04", "--limites", str(LIMITES))
    assert resultado.returncode == 1 and resultado.stdout == ""
    assert "(-12.050000, -77.040000) está fuera de los distritos de la provincia Huaylas" in resultado.stderr


def test_ubicar_csv_por_la_entrada_estandar():
    entrada = "lat,lon\n-9.0485,-77.8046\n-77.8046,-9.0485\n-8.9,-77.7\n"
    resultado = _geo("ubicar", "--limites", str(LIMITES), entrada=entrada)
    assert resultado.returncode == 0
    assert resultado.stdout.splitlines() == [
        "lat,lon,ubigeo,distrito", "-9.0485,-77.8046,021201,Caraz", "-77.8046,-9.0485,,", "-8.9,-77.7,021208,Santa Cruz"]


def test_ubicar_csv_con_fila_mala():
    resultado = _geo("ubicar", "--limites", str(LIMITES), entrada="lat,lon\nx,-77.8\n")
    assert resultado.returncode == 1 and resultado.stdout.splitlines()[1] == "x,-77.8,,"
    assert "Fila 2: lat = 'x' no es un número" in resultado.stderr


def test_ubicar_csv_sin_encabezado():
    resultado = _geo("ubicar", "--limites", str(LIMITES), entrada="-9,-77\n")
    assert resultado.returncode == 1 and "encabezado lat,lon" in resultado.stderr


def test_importar_y_ubicar_con_la_base(tmp_path):
    db = tmp_path / "p.db"
    assert _geo("ubicar", "-9.0485", "-77.8046", db=db).stderr.startswith("Error: Aún no hay límites")
    resultado = _geo("importar", str(LIMITES), "--provincia", "0212", db=db)
    assert resultado.returncode == 0 and "10 aceptados" in resultado.stdout
    assert resultado.stdout.startswith("Importados los límites distritales de «huaylas_distritos.geojson»")  # no «limites»
    centros = _geo("importar", str(CENTROS), db=db).stdout
    assert centros.startswith("Importados los centros poblados de") and "435 aceptados" in centros
    assert _geo("ubicar", "-9.0485", "-77.8046", db=db).stdout == "021201\tCaraz\n"


def test_importar_archivo_malo(tmp_path):
    malo = tmp_path / "malo.geojson"
    malo.write_text("<kml></kml>")
    resultado = _geo("importar", str(malo), db=tmp_path / "p.db")
    assert resultado.returncode == 1 and "es KML" in resultado.stderr and "Traceback" not in resultado.stderr


def test_la_instalacion_por_guion_del_readme_crea_la_cuenta_sin_teclado(tmp_path):
    """El README muestra cómo crear la cuenta de administración desde un guion (`--contrasena-stdin`), y funciona."""
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    linea = next((renglon.strip() for renglon in readme.splitlines()
                  if "--contrasena-stdin" in renglon and renglon.startswith("printf")), None)
    assert linea, "el README no muestra la instalación por guion con --contrasena-stdin"
    db = tmp_path / "p.db"
    entorno = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": str(RAIZ),
               "PLATAFORMA_DB": str(db), "CLAVE_ADMIN": "una frase larga de instalación"}  # `python` es este
    corrida = subprocess.run(["bash", "-c", linea], capture_output=True, text=True, cwd=RAIZ, env=entorno, timeout=120)
    assert corrida.returncode == 0, corrida.stderr
    assert "creada" in corrida.stdout
    with sqlite3.connect(db) as conexion:
        assert conexion.execute("SELECT rol FROM cuentas").fetchall() == [("administrador",)]
