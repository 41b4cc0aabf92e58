"""Capas: cada import respeta la tabla de pisos de `.ci/capas.py`; el dominio no importa streamlit; el repositorio no
copia los datos de ../shared."""
import ast
import hashlib
import runpy
import subprocess
import sys

import pytest

from tests.conftest import GEO, RAIZ

PAQUETES_DE_DOMINIO = ("nucleo", "identidad", "geo", "propuestas", "votacion")


def _importados(archivo):
    arbol = ast.parse(archivo.read_text(encoding="utf-8"))
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Import):
            yield from (a.name for a in nodo.names)
        elif isinstance(nodo, ast.ImportFrom) and nodo.module:
            yield nodo.module


@pytest.mark.parametrize("paquete", PAQUETES_DE_DOMINIO)
def test_el_dominio_no_importa_streamlit(paquete):
    archivos = list((RAIZ / paquete).rglob("*.py"))
    culpables = [f"{a.relative_to(RAIZ)}: {m}" for a in archivos for m in _importados(a)
                 if m.split(".")[0] in ("streamlit", "streamlit_folium")]
    assert culpables == []


def test_el_repositorio_no_copia_los_datos_de_shared():
    huellas = {hashlib.sha256(a.read_bytes()).hexdigest(): a.name for a in GEO.iterdir() if a.is_file()}
    rastreados = subprocess.run(["git", "ls-files"], cwd=RAIZ, capture_output=True, text=True).stdout.split()
    copias = [r for r in rastreados if (RAIZ / r).is_file()
              and hashlib.sha256((RAIZ / r).read_bytes()).hexdigest() in huellas]
    assert copias == []


CAPAS = runpy.run_path(str(RAIZ / ".ci" / "capas.py"))


def test_cada_import_entre_paquetes_esta_en_la_tabla_de_pisos():
    corrida = subprocess.run([sys.executable, str(RAIZ / ".ci" / "capas.py"), "--revisar"], capture_output=True,
                             text=True, cwd=RAIZ)
    assert corrida.returncode == 0, corrida.stderr


@pytest.mark.parametrize("desde, modulo, permitido", [
    ("geo", "propuestas.servicios", False),                   # hacia arriba
    ("propuestas", "propuestas.deliberacion.servicios", False),  # una propuesta no conoce su deliberación
    ("propuestas", "votacion.servicios", False),
    ("identidad", "geo.modelo", False),
    ("nucleo", "identidad.acceso", False),
    ("votacion", "propuestas.__main__", False),                # nadie importa una línea de comandos
    ("tests", "benchmarks.carga_taller", False),                # las pruebas no importan mediciones
    ("votacion", "propuestas.deliberacion.modelo", True),
    ("propuestas.deliberacion", "propuestas.modelo", True),
    ("entradas", "votacion.servicios", True),
    ("benchmarks", "tests.carga", True),
    ("pruebas", "tests.test_importar.BUENA", False),           # una prueba no importa de otra: de tests.ayudas
    ("benchmarks", "tests.test_votacion_reglas", False),
    ("pruebas", "tests.ayudas.BUENA", True),
])
def test_la_tabla_de_pisos_dice_lo_que_el_issue_pide(desde, modulo, permitido):
    assert (CAPAS["zona"](modulo) in CAPAS["PERMITIDOS"][desde]) is permitido


def test_la_revision_encuentra_un_import_hacia_arriba_aunque_este_dentro_de_una_funcion():
    plantado = RAIZ / "geo" / "_plantado_por_la_prueba.py"
    plantado.write_text("def f():\n    from votacion import servicios\n", encoding="utf-8")
    try:
        assert CAPAS["prohibidos"]() == ["geo/_plantado_por_la_prueba.py:2: geo no puede importar votacion"]
    finally:
        plantado.unlink()


def test_las_paginas_llaman_servicios_no_tablas():
    """Ninguna página importa un módulo `almacen` ni escribe SQL: lo que leen y escriben pasa por un caso de uso."""
    culpables = []
    for archivo in (RAIZ / "paginas").glob("*.py"):
        texto = archivo.read_text(encoding="utf-8")
        culpables += [f"{archivo.name}: importa {m}" for _, m in CAPAS["importados"](archivo)
                      if "almacen" in m.split(".")]
        culpables += [f"{archivo.name}: {patron}" for patron in ("db.execute(", "db.query(", "db[\"")
                      if patron in texto]
    assert culpables == []


def test_ninguna_pagina_pasa_de_200_lineas():
    largas = {a.name: n for a in (RAIZ / "paginas").glob("*.py")
              if (n := len(a.read_text(encoding="utf-8").splitlines())) > 200}
    assert largas == {}


@pytest.mark.parametrize("tabla", ["propuestas", "transiciones"])
def test_cada_tabla_de_propuestas_tiene_un_solo_escritor(tabla):
    """Solo `propuestas/almacen.py` escribe `propuestas` y `transiciones` (las migraciones y sus triggers aparte):
    registrar, importar, la demostración, la deliberación y los datos personales pasan por sus funciones."""
    import re
    escribe = re.compile(rf'db(\["{tabla}"\]|\.table\("{tabla}"\))\.(insert|update|upsert|delete)|(UPDATE|INSERT INTO|DELETE FROM) {tabla}\b')
    escritores = sorted(str(a.relative_to(RAIZ)) for p in ("nucleo", "identidad", "geo", "propuestas", "votacion",
                                                            "paginas")
                        for a in (RAIZ / p).rglob("*.py")
                        if escribe.search(a.read_text(encoding="utf-8")))
    assert escritores == ["propuestas/almacen.py"]
