"""El README dice lo que hay: su árbol de módulos es el que genera `.ci/arbol.py` con el código de hoy."""
import subprocess
import sys

from tests.conftest import RAIZ


def test_el_arbol_de_modulos_del_readme_es_el_del_codigo():
    corrida = subprocess.run([sys.executable, str(RAIZ / ".ci" / "arbol.py"), "--revisar"], capture_output=True,
                             text=True, cwd=RAIZ)
    assert corrida.returncode == 0, corrida.stderr


def test_cada_modulo_tiene_un_docstring_que_lo_explica():
    sin_docstring = [str(ruta.relative_to(RAIZ)) for carpeta in ("paginas", "geo", "propuestas", "votacion")
                     for ruta in (RAIZ / carpeta).rglob("*.py")
                     if not ruta.read_text(encoding="utf-8").lstrip().startswith('"""')]
    assert sin_docstring == []
