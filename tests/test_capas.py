"""Capas: el dominio no importa streamlit; el repositorio no copia los datos de ../shared."""
import ast
import hashlib
import subprocess

import pytest

from tests.conftest import GEO, RAIZ

PAQUETES_DE_DOMINIO = ("geo", "propuestas", "votacion")


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
