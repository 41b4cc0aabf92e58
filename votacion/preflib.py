"""Archivos PrefLib de órdenes (`.soc`, `.soi`, `.toc`, `.toi`): lectura estricta con número de línea.

Formato 2022 (preflib.org/format): una cabecera de líneas `# CLAVE: valor` (`DATA TYPE`, `NUMBER
ALTERNATIVES`, `NUMBER VOTERS`, `NUMBER UNIQUE ORDERS`, una `ALTERNATIVE NAME k` por alternativa…) y
luego una línea por orden distinto, `cantidad: 1,2,{3,4},5`: de mejor a peor, las alternativas entre
llaves empatan. También se lee el formato antiguo (primera línea el número de alternativas, luego
`id,nombre`, luego `votantes,suma,órdenes distintos` y `cantidad,1,2,{3,4},5`).

Qué exige cada tipo: `soc` órdenes estrictos y completos; `soi` estrictos, pueden nombrar solo
algunas; `toc` completos, con empates; `toi` con empates, pueden nombrar solo algunas. Se aceptan
BOM y fines de línea de Windows. Los errores son `pabulib.ArchivoInvalido` (el mismo tipo que los
.pb: «archivo, línea N: …»); nada se corrige en silencio.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from votacion.pabulib import ArchivoInvalido, leer_archivo

TIPOS = {  # tipo: (sin empates, nombra todas las alternativas)
    "soc": (True, True),
    "soi": (True, False),
    "toc": (False, True),
    "toi": (False, False),
}
CLAVES_REQUERIDAS = ("NUMBER ALTERNATIVES", "NUMBER VOTERS", "NUMBER UNIQUE ORDERS")
_ENTERO = re.compile(r"\d+")
_METADATO = re.compile(r"#\s*([^:]+?)\s*:(.*)")


@dataclass
class EleccionOrdinal:
    """Órdenes de un archivo PrefLib: cada orden es una tupla de grupos de mejor a peor (un grupo = las
    alternativas empatadas en ese nivel) y `cantidades[i]` es cuántos votantes lo dieron."""

    tipo: str
    alternativas: dict[str, str]  # id → nombre, en el orden del archivo
    ordenes: list[tuple[tuple[str, ...], ...]]
    cantidades: list[int]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def votantes(self) -> int:
        return sum(self.cantidades)


def es_preflib(ruta: str | Path) -> bool:
    return Path(ruta).suffix.lower().lstrip(".") in TIPOS


def leer(ruta: str | Path) -> EleccionOrdinal:
    return leer_archivo(ruta, leer_texto)


def leer_texto(texto: str | io.TextIOBase, *, nombre: str = "") -> EleccionOrdinal:
    """Lee un archivo PrefLib desde un texto o un archivo abierto. El tipo sale de `# DATA TYPE` o, en el
    formato antiguo, de la extensión de `nombre`; si ambos están, deben coincidir."""
    lineas = io.StringIO(texto.lstrip("\ufeff")) if isinstance(texto, str) else texto
    numeradas = ((numero, linea.rstrip("\r\n")) for numero, linea in enumerate(lineas, start=1) if linea.strip())
    primera = next(numeradas, None)
    if primera is None:
        raise ArchivoInvalido("el archivo está vacío.", archivo=nombre)
    lector = _Lector(nombre)
    if primera[1].lstrip().startswith("#"):
        return lector.leer_2022(primera, numeradas)
    return lector.leer_antiguo(primera, numeradas)


class _Lector:
    """Lo común a los dos formatos: el tipo, las alternativas y cada línea de orden."""

    def __init__(self, nombre: str):
        self.nombre = nombre
        extension = Path(nombre).suffix.lower().lstrip(".")
        self.tipo_por_nombre = extension if extension in TIPOS else None
        self.tipo = self.tipo_por_nombre
        self.alternativas: dict[str, str] = {}
        self.ordenes: list[tuple[tuple[str, ...], ...]] = []
        self.cantidades: list[int] = []
        self.vistos: dict[tuple, int] = {}

    def error(self, mensaje: str, numero: int | None) -> ArchivoInvalido:
        return ArchivoInvalido(mensaje, numero, self.nombre)

    # --- formato 2022 ---------------------------------------------------------------------------

    def leer_2022(self, primera, numeradas) -> EleccionOrdinal:
        meta: dict[str, str] = {}
        linea_de: dict[str, int] = {}
        cabecera_lista = False
        for numero, linea in _con_primera(primera, numeradas):
            if linea.lstrip().startswith("#"):
                if cabecera_lista:
                    raise self.error("hay una línea de cabecera («#») después de los órdenes; la cabecera va "
                                     "toda al principio.", numero)
                self._metadato(linea, numero, meta, linea_de)
                continue
            if not cabecera_lista:
                self._validar_cabecera(meta, linea_de, numero)
                cabecera_lista = True
            cantidad, dos_puntos, orden = linea.partition(":")
            if not dos_puntos:
                raise self.error(f"se esperaba «cantidad: orden» y se encontró «{linea[:40]}».", numero)
            self._orden(cantidad, orden, numero)
        if not cabecera_lista:
            raise self.error("el archivo no tiene órdenes, solo la cabecera.", None)
        self._validar_totales(int(meta["NUMBER VOTERS"]), linea_de["NUMBER VOTERS"],
                              int(meta["NUMBER UNIQUE ORDERS"]), linea_de["NUMBER UNIQUE ORDERS"])
        return EleccionOrdinal(self.tipo, self.alternativas, self.ordenes, self.cantidades, meta)

    def _metadato(self, linea: str, numero: int, meta: dict, linea_de: dict) -> None:
        encontrado = _METADATO.fullmatch(linea.strip())
        if not encontrado:
            raise self.error(f"la línea de cabecera «{linea[:40]}» no tiene la forma «# CLAVE: valor».", numero)
        clave, valor = encontrado.group(1).upper(), encontrado.group(2).strip()
        if clave.startswith("ALTERNATIVE NAME"):
            self._alternativa(clave.removeprefix("ALTERNATIVE NAME").strip(), valor, numero)
            return
        if clave in meta:
            raise self.error(f"«{clave}» aparece dos veces en la cabecera (antes en la línea {linea_de[clave]}).",
                             numero)
        meta[clave], linea_de[clave] = valor, numero

    def _validar_cabecera(self, meta: dict, linea_de: dict, primera_de_datos: int) -> None:
        for clave in CLAVES_REQUERIDAS:
            if clave not in meta:
                raise self.error(f"a la cabecera le falta «# {clave}: …» antes de los órdenes.", primera_de_datos)
            if not _ENTERO.fullmatch(meta[clave]):
                raise self.error(f"{clave} «{meta[clave]}» no es un entero.", linea_de[clave])
        if "DATA TYPE" in meta:
            declarado = meta["DATA TYPE"].lower()
            if declarado not in TIPOS:
                raise self.error(f"DATA TYPE «{meta['DATA TYPE']}» no es un tipo de órdenes; se espera "
                                 f"{', '.join(TIPOS)}.", linea_de["DATA TYPE"])
            if self.tipo_por_nombre and declarado != self.tipo_por_nombre:
                raise self.error(f"el archivo se llama .{self.tipo_por_nombre} pero DATA TYPE dice {declarado}.",
                                 linea_de["DATA TYPE"])
            self.tipo = declarado
        elif self.tipo is None:
            extensiones = ", ".join("." + t for t in TIPOS)
            raise self.error(f"falta «# DATA TYPE: …» y el nombre no termina en {extensiones}.", primera_de_datos)
        declaradas = int(meta["NUMBER ALTERNATIVES"])
        if declaradas != len(self.alternativas):
            raise self.error(f"NUMBER ALTERNATIVES dice {declaradas} y hay {len(self.alternativas)} líneas "
                             "ALTERNATIVE NAME.", linea_de["NUMBER ALTERNATIVES"])

    # --- formato antiguo ------------------------------------------------------------------------

    def leer_antiguo(self, primera, numeradas) -> EleccionOrdinal:
        if self.tipo is None:
            raise self.error(f"en el formato antiguo el tipo sale de la extensión, y «{self.nombre}» no termina en "
                             f"{', '.join('.' + t for t in TIPOS)}.", None)
        numero, linea = primera
        if not _ENTERO.fullmatch(linea.strip()):
            raise self.error(f"se esperaba «# CLAVE: valor» (formato 2022) o el número de alternativas (formato "
                             f"antiguo) y se encontró «{linea[:40]}».", numero)
        cuantas = int(linea)
        for _ in range(cuantas):
            numero, linea = self._siguiente(numeradas, "faltan líneas «id,nombre» de alternativas")
            identificador, coma, nombre = linea.partition(",")
            if not coma:
                raise self.error(f"se esperaba «id,nombre» y se encontró «{linea[:40]}».", numero)
            self._alternativa(identificador.strip(), nombre.strip(), numero)
        numero_totales, linea = self._siguiente(numeradas, "falta la línea «votantes,suma,órdenes distintos»")
        totales = [t.strip() for t in linea.split(",")]
        if len(totales) != 3 or not all(_ENTERO.fullmatch(t) for t in totales):
            raise self.error(f"se esperaba «votantes,suma,órdenes distintos» (tres enteros) y se encontró "
                             f"«{linea[:40]}».", numero_totales)
        votantes, suma, distintos = map(int, totales)
        if votantes != suma:
            raise self.error(f"los votantes ({votantes}) y la suma de cantidades ({suma}) no coinciden.",
                             numero_totales)
        for numero, linea in numeradas:
            cantidad, coma, orden = linea.partition(",")
            self._orden(cantidad, orden if coma else "", numero)
        if not self.ordenes:
            raise self.error("el archivo no tiene órdenes.", None)
        self._validar_totales(votantes, numero_totales, distintos, numero_totales)
        meta = {"NUMBER ALTERNATIVES": str(cuantas), "NUMBER VOTERS": str(votantes),
                "NUMBER UNIQUE ORDERS": str(distintos), "DATA TYPE": self.tipo}
        return EleccionOrdinal(self.tipo, self.alternativas, self.ordenes, self.cantidades, meta)

    def _siguiente(self, numeradas, falta: str) -> tuple[int, str]:
        siguiente = next(numeradas, None)
        if siguiente is None:
            raise self.error(f"el archivo termina antes de tiempo: {falta}.", None)
        return siguiente

    # --- común ----------------------------------------------------------------------------------

    def _alternativa(self, identificador: str, nombre: str, numero: int) -> None:
        if not _ENTERO.fullmatch(identificador) or int(identificador) == 0:
            raise self.error(f"el id de alternativa «{identificador}» no es un entero positivo.", numero)
        identificador = str(int(identificador))
        if identificador in self.alternativas:
            raise self.error(f"la alternativa {identificador} se declara dos veces.", numero)
        self.alternativas[identificador] = nombre

    def _orden(self, cantidad: str, texto: str, numero: int) -> None:
        cantidad = cantidad.strip()
        if not _ENTERO.fullmatch(cantidad) or int(cantidad) == 0:
            raise self.error(f"la cantidad de votantes «{cantidad}» no es un entero positivo.", numero)
        sin_empates, completo = TIPOS[self.tipo]
        orden = tuple(self._grupo(pieza, numero) for pieza in self._piezas(texto, numero))
        vistas: set[str] = set()
        for grupo in orden:
            for alternativa in grupo:
                if alternativa in vistas:
                    raise self.error(f"la alternativa {alternativa} aparece dos veces en el mismo orden.", numero)
                vistas.add(alternativa)
            if sin_empates and len(grupo) > 1:
                raise self.error(f"el orden tiene un empate {{{','.join(grupo)}}}, pero un archivo {self.tipo} no "
                                 f"admite empates (use .to{self.tipo[2]}).", numero)
        if completo and len(vistas) < len(self.alternativas):
            faltan = [a for a in self.alternativas if a not in vistas]
            raise self.error(f"el orden nombra {len(vistas)} de {len(self.alternativas)} alternativas, pero un archivo "
                             f"{self.tipo} las ordena todas (falta {', '.join(faltan[:5])}"
                             f"{'…' if len(faltan) > 5 else ''}; use .{self.tipo[:2]}i).", numero)
        clave = tuple(frozenset(grupo) for grupo in orden)
        if clave in self.vistos:
            raise self.error(f"este orden ya apareció en la línea {self.vistos[clave]}; cada orden va una sola vez "
                             "con su cantidad.", numero)
        self.vistos[clave] = numero
        self.ordenes.append(orden)
        self.cantidades.append(int(cantidad))

    def _piezas(self, texto: str, numero: int) -> list[str]:
        """Separa por las comas que no están entre llaves; revisa que las llaves cierren."""
        piezas, inicio, abierta = [], 0, False
        for posicion, caracter in enumerate(texto):
            if caracter == "{":
                if abierta:
                    raise self.error("hay una llave «{» dentro de otra; los empates no se anidan.", numero)
                abierta = True
            elif caracter == "}":
                if not abierta:
                    raise self.error("hay una llave «}» sin su «{».", numero)
                abierta = False
            elif caracter == "," and not abierta:
                piezas.append(texto[inicio:posicion])
                inicio = posicion + 1
        if abierta:
            raise self.error("falta cerrar una llave «{».", numero)
        piezas.append(texto[inicio:])
        if piezas == [""] or all(not p.strip() for p in piezas):
            raise self.error("el orden está vacío.", numero)
        return piezas

    def _grupo(self, pieza: str, numero: int) -> tuple[str, ...]:
        pieza = pieza.strip()
        if pieza.startswith("{") and pieza.endswith("}"):
            elementos = [e.strip() for e in pieza[1:-1].split(",")]
            if elementos == [""]:
                raise self.error("hay llaves vacías «{}».", numero)
        elif "{" in pieza or "}" in pieza:
            raise self.error(f"«{pieza}»: falta una coma entre la llave y el número.", numero)
        else:
            elementos = [pieza]
        grupo = []
        for elemento in elementos:
            if not elemento:
                raise self.error("hay un elemento vacío en el orden (¿dos comas seguidas o una coma al final?).",
                                 numero)
            if not _ENTERO.fullmatch(elemento):
                raise self.error(f"«{elemento}» no es un id de alternativa (un entero).", numero)
            alternativa = str(int(elemento))
            if alternativa not in self.alternativas:
                raise self.error(f"la alternativa {alternativa} no está declarada (hay {len(self.alternativas)}: "
                                 f"{_rango(self.alternativas)}).", numero)
            grupo.append(alternativa)
        return tuple(grupo)

    def _validar_totales(self, votantes: int, linea_votantes: int, distintos: int, linea_distintos: int) -> None:
        if sum(self.cantidades) != votantes:
            raise self.error(f"las cantidades suman {sum(self.cantidades)} votantes y la cabecera dice {votantes}.",
                             linea_votantes)
        if len(self.ordenes) != distintos:
            raise self.error(f"hay {len(self.ordenes)} órdenes distintos y la cabecera dice {distintos}.",
                             linea_distintos)


def _con_primera(primera, resto):
    yield primera
    yield from resto


def _rango(alternativas: dict[str, str]) -> str:
    ids = list(alternativas)
    return ", ".join(ids) if len(ids) <= 6 else f"{', '.join(ids[:3])}, …, {ids[-1]}"
