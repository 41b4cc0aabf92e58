"""Las capas de la plataforma: quién puede importar a quién, y el grafo de imports que hay de verdad.

    python .ci/capas.py            imprime el grafo (zona → zonas que importa, con cuántos imports) y los pisos
    python .ci/capas.py --revisar  sale con 1 y dice cada import que la tabla no permite (CI y tests/test_capas.py)

Los pisos van de abajo hacia arriba: nucleo ← identidad ← geo ← propuestas ← propuestas.deliberacion ←
propuestas.seguimiento ← votacion ← paginas (deliberación y seguimiento, componentes de propuestas, no se importan
entre sí). Un módulo importa de su piso y de los de abajo, nunca de arriba. Las entradas (`app.py` y cada
`__main__.py`, las líneas de comandos) están encima de los pisos que usan; ningún módulo importa una entrada.
Las pruebas (`tests/test_*.py`) importan todo menos las mediciones y otras pruebas: lo que dos comparten vive en
los arneses de `tests/` (conftest, ayudas, bombas, carga, navegador, hostil); las mediciones (`benchmarks/`) pueden
usar esos arneses, nunca un módulo de pruebas.
"""
from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
PISOS = ("nucleo", "identidad", "geo", "propuestas", "propuestas.deliberacion", "propuestas.seguimiento", "votacion",
         "paginas")
DOMINIO = set(PISOS[:-1])
# zona → zonas que puede importar. Escrita a mano: si el código la contradice, falla la revisión.
PERMITIDOS = {
    "nucleo": {"nucleo"},
    "identidad": {"nucleo", "identidad"},
    "geo": {"nucleo", "identidad", "geo"},
    "propuestas": {"nucleo", "identidad", "geo", "propuestas"},
    "propuestas.deliberacion": {"nucleo", "identidad", "geo", "propuestas", "propuestas.deliberacion"},
    "propuestas.seguimiento": {"nucleo", "identidad", "geo", "propuestas", "propuestas.seguimiento"},
    "votacion": DOMINIO,
    "paginas": DOMINIO | {"paginas"},
    "entradas": DOMINIO,
    "app": DOMINIO | {"paginas"},
    "tests": DOMINIO | {"paginas", "tests"},
    "pruebas": DOMINIO | {"paginas", "tests"},
    "benchmarks": DOMINIO | {"tests", "benchmarks"},
}
PRIMERA_PARTE = {"nucleo", "identidad", "geo", "propuestas", "votacion", "paginas", "tests", "benchmarks", "app"}


def zona(modulo: str) -> str | None:
    """La zona de un módulo por su nombre con puntos (`propuestas.deliberacion.servicios`), o None si es de afuera."""
    partes = modulo.split(".")
    if partes[0] not in PRIMERA_PARTE:
        return None
    if partes[-1] == "__main__":
        return "entradas"
    if partes[0] == "tests" and len(partes) > 1 and partes[1].startswith("test_"):
        return "pruebas"
    if partes[:2] in (["propuestas", "deliberacion"], ["propuestas", "seguimiento"]):
        return ".".join(partes[:2])
    return partes[0]


def nombre_de(ruta: Path) -> str:
    return ".".join(ruta.relative_to(RAIZ).with_suffix("").parts)


def importados(ruta: Path) -> list[tuple[int, str]]:
    """(línea, módulo) de cada import del archivo, también los que van dentro de una función. `from X import y`
    cuenta como `X.y` (puede ser un submódulo, p. ej. `from propuestas import deliberacion`)."""
    salida = []
    for nodo in ast.walk(ast.parse(ruta.read_text(encoding="utf-8"))):
        if isinstance(nodo, ast.Import):
            salida += [(nodo.lineno, a.name) for a in nodo.names]
        elif isinstance(nodo, ast.ImportFrom) and nodo.module and nodo.level == 0:
            salida += [(nodo.lineno, f"{nodo.module}.{a.name}") for a in nodo.names]
    return salida


def archivos() -> list[Path]:
    carpetas = ("nucleo", "identidad", "geo", "propuestas", "votacion", "paginas", "tests", "benchmarks")
    return [RAIZ / "app.py"] + sorted(a for c in carpetas for a in (RAIZ / c).rglob("*.py"))


def imports_entre_zonas() -> list[tuple[str, int, str, str]]:
    """(archivo, línea, zona de quien importa, zona importada) de cada import entre módulos de la plataforma."""
    salida = []
    for ruta in archivos():
        desde = zona(nombre_de(ruta))
        for linea, modulo in importados(ruta):
            hacia = zona(modulo)
            if hacia is not None:
                salida.append((str(ruta.relative_to(RAIZ)), linea, desde, hacia))
    return salida


def prohibidos() -> list[str]:
    return [f"{archivo}:{linea}: {desde} no puede importar {hacia}"
            for archivo, linea, desde, hacia in imports_entre_zonas() if hacia not in PERMITIDOS[desde]]


def grafo() -> str:
    cuenta = Counter((desde, hacia) for _, _, desde, hacia in imports_entre_zonas() if desde != hacia)
    lineas = ["pisos (de abajo hacia arriba): " + " ← ".join(PISOS)]
    for desde in PERMITIDOS:
        destinos = sorted(((h, n) for (d, h), n in cuenta.items() if d == desde), key=lambda x: -x[1])
        lineas.append(f"{desde:<24} → " + (", ".join(f"{h} ({n})" for h, n in destinos) or "—"))
    return "\n".join(lineas)


def main(argumentos: list[str]) -> int:
    if "--revisar" in argumentos:
        malos = prohibidos()
        for malo in malos:
            print(malo, file=sys.stderr)
        return 1 if malos else 0
    print(grafo())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
