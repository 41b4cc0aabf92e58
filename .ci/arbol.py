"""El árbol de módulos del README («Cómo está hecho»), hecho con la primera oración del docstring de cada módulo.

    python .ci/arbol.py             imprime el árbol
    python .ci/arbol.py --escribir  lo reemplaza en el README, entre sus dos marcas
    python .ci/arbol.py --revisar   sale con 1 si el README no dice lo que hay (CI y tests/test_readme.py)
"""
from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
PAQUETES = ("nucleo", "identidad", "geo", "propuestas", "votacion", "paginas")  # de abajo hacia arriba
INICIO, FIN = "<!-- árbol de módulos: python .ci/arbol.py --escribir -->", "<!-- fin del árbol -->"
ANCHO, COLUMNA = 116, 26


def primera_oracion(ruta: Path) -> str:
    doc = ast.get_docstring(ast.parse(ruta.read_text(encoding="utf-8"))) or ""
    parrafo = " ".join(doc.split("\n\n")[0].split())
    fin = re.search(r"\.(\s|$)", parrafo)
    return parrafo[:fin.start()] if fin else parrafo


def _linea(nombre: str, texto: str) -> list[str]:
    lineas = textwrap.wrap(texto, ANCHO - COLUMNA) or [""]
    if len(lineas) > 2:  # dos líneas a lo más: el resto está en el docstring del módulo
        lineas = textwrap.wrap(texto, ANCHO - COLUMNA, max_lines=2, placeholder=" …")
    primera = f"{nombre:<{COLUMNA}}" if len(nombre) < COLUMNA else f"{nombre}\n{'':<{COLUMNA}}"
    return [primera + lineas[0]] + [" " * COLUMNA + resto for resto in lineas[1:]]


def arbol() -> str:
    salida = _linea("app.py", primera_oracion(RAIZ / "app.py"))
    for paquete in PAQUETES:
        carpeta = RAIZ / paquete
        salida += _linea(f"{paquete}/", primera_oracion(carpeta / "__init__.py"))
        for ruta in sorted(carpeta.rglob("*.py"), key=lambda r: (len(r.relative_to(carpeta).parts), r)):
            relativa = ruta.relative_to(carpeta)
            if relativa.name == "__init__.py" and len(relativa.parts) == 1:
                continue
            profundidad = len(relativa.parts) - (2 if relativa.name == "__init__.py" else 1)
            nombre = f"{relativa.parent.name}/" if relativa.name == "__init__.py" else relativa.name
            salida += _linea("  " * (profundidad + 1) + nombre, primera_oracion(ruta))
    salida += _linea("tests/", "pytest: unidades, AppTest desde app.py y Chromium real sin internet")
    salida += _linea("benchmarks/", "mediciones que imprimen números y razones (ver «Pruebas»)")
    return "\n".join(salida)


def bloque() -> str:
    return f"{INICIO}\n```\n{arbol()}\n```\n{FIN}"


def readme_con_arbol(texto: str) -> str:
    patron = re.compile(re.escape(INICIO) + r".*?" + re.escape(FIN), re.S)
    if not patron.search(texto):
        raise SystemExit(f"el README no tiene las marcas {INICIO} … {FIN}")
    return patron.sub(lambda _: bloque(), texto)


def main(argumentos: list[str]) -> int:
    readme = RAIZ / "README.md"
    if "--escribir" in argumentos:
        readme.write_text(readme_con_arbol(readme.read_text(encoding="utf-8")), encoding="utf-8")
    elif "--revisar" in argumentos:
        texto = readme.read_text(encoding="utf-8")
        if readme_con_arbol(texto) != texto:
            print("El árbol de módulos del README no coincide con el código: corra python .ci/arbol.py --escribir",
                  file=sys.stderr)
            return 1
    else:
        print(arbol())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
