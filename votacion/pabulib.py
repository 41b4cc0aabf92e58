"""Archivos pabulib `.pb` (pabulib.org/format): lectura estricta con número de línea y escritura propia.

Secciones META, PROJECTS y VOTES en ese orden, separadas por `;`. Se aceptan BOM y fines de
línea de Windows. Los errores dicen la línea y qué se esperaba; nada se corrige en silencio.

Escribir y leer es ida y vuelta para cualquier texto: un campo con `;`, comillas o saltos de línea
(también un retorno de carro suelto) va entre comillas y puede ocupar varias líneas; los textos
(nombres, valores de META, columnas extra) se leen tal cual, sin quitarles espacios. Los números
se exigen finitos y de tamaño razonable, y un campo no puede pasar de `LARGO_MAXIMO_CAMPO`.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from nucleo.errores import ErrorPlataforma

TAMANO_MAXIMO = 512 * 1024 * 1024  # un .pb real grande pesa decenas de MB
LARGO_MAXIMO_CAMPO = 100_000       # caracteres; un voto con miles de proyectos ocupa unos pocos miles
NUMERO_MAXIMO = 10**15             # costos y presupuestos; más que cualquier presupuesto participativo
ENTERO_MAXIMO = 10**9              # max_length, max_sum_points, max_points
SECCIONES = ("META", "PROJECTS", "VOTES")
TIPOS = ("approval", "cumulative", "ordinal", "choose-1")
# Claves de META que el conteo interpreta como número (además de budget y las enteras de arriba).
META_NUMERICAS = ("peso_participacion", "peso_tecnico", "min_project_score_threshold")
META_ENTERAS = ("max_length", "max_sum_points", "max_points")


class ArchivoInvalido(ErrorPlataforma, ValueError):
    """El archivo no sigue el formato; `linea` dice dónde (1 = primera línea)."""

    def __init__(self, mensaje: str, linea: int | None = None, archivo: str = ""):
        self.linea, self.archivo = linea, archivo
        donde = f"{archivo}, línea {linea}: " if linea else (f"{archivo}: " if archivo else "")
        super().__init__(donde + mensaje)


@dataclass
class Proyecto:
    id: str
    costo: float
    nombre: str = ""
    datos: dict = field(default_factory=dict)


@dataclass
class Eleccion:
    """Una elección de presupuesto participativo: proyectos, presupuesto y papeletas."""

    meta: dict[str, str]
    proyectos: list[Proyecto]
    votantes: list[str]
    papeletas: list[tuple[str, ...]]
    puntos: list[tuple[float, ...]] | None = None
    datos_votos: list[dict] = field(default_factory=list)

    @property
    def tipo(self) -> str:
        return self.meta.get("vote_type", "approval").strip()

    @property
    def presupuesto(self) -> float:
        return _numero(self.meta["budget"])

    def meta_numero(self, clave: str) -> float | None:
        valor = self.meta.get(clave)
        return _numero(valor) if valor is not None and valor.strip() else None


def _numero(texto: str) -> float:
    """Número de un campo («1500», «1500.5», «1500,5»); ValueError con el motivo en castellano."""
    try:
        valor = float(str(texto).strip().replace(",", "."))
    except ValueError:
        raise ValueError("no es un número") from None
    if not math.isfinite(valor):
        raise ValueError("no es un número finito")
    if abs(valor) > NUMERO_MAXIMO:
        raise ValueError(f"es desmesurado (el máximo es {NUMERO_MAXIMO:.0e})")
    return int(valor) if valor.is_integer() else valor


def _corto(texto: str, largo: int = 40) -> str:
    """Un valor para citarlo en un mensaje: un campo de 50 MB no se imprime entero."""
    texto = str(texto)
    return texto if len(texto) <= largo else f"{texto[:largo]}… ({len(texto):,} caracteres)"


def leer(ruta: str | Path) -> Eleccion:
    return leer_archivo(ruta, leer_texto)


def leer_archivo(ruta: str | Path, lector):
    """Abre un archivo de votos con el `lector` de su formato: tamaño revisado antes de leer, UTF-8 (con o
    sin BOM), línea por línea. Lo comparten el .pb y los PrefLib."""
    ruta = Path(ruta)
    tamano = ruta.stat().st_size
    if tamano > TAMANO_MAXIMO:
        raise ArchivoInvalido(f"el archivo pesa {tamano / 2**30:.1f} GB; el máximo es "
                              f"{TAMANO_MAXIMO // 2**20} MB (ninguna votación real es tan grande).",
                              archivo=ruta.name)
    with open(ruta, encoding="utf-8-sig", newline="") as archivo:
        try:
            return lector(archivo, nombre=ruta.name)
        except UnicodeDecodeError as error:
            raise ArchivoInvalido(f"no es texto UTF-8 ({error.reason} en el byte {error.start}).",
                                  archivo=ruta.name) from error


def leer_texto(texto: str | io.TextIOBase, *, nombre: str = "") -> Eleccion:
    """Lee un .pb desde un texto o un archivo abierto (con `newline=""`), fila por fila como CSV."""
    lineas = io.StringIO(texto.lstrip("\ufeff"), newline="") if isinstance(texto, str) else texto
    lector = csv.reader(lineas, delimiter=";")
    seccion, cabecera = None, None
    meta: dict[str, str] = {}
    lineas_meta: dict[str, int] = {}
    proyectos: list[Proyecto] = []
    votos: list[tuple[int, dict]] = []

    def error(mensaje: str, numero: int) -> ArchivoInvalido:
        return ArchivoInvalido(mensaje, numero, nombre)

    while True:
        numero = lector.line_num + 1  # la línea donde empieza la fila (un campo entre comillas puede seguir)
        try:
            campos = next(lector)
        except StopIteration:
            break
        except csv.Error as problema:
            raise error(_explicar_csv(problema), numero) from None
        largo = max(map(len, campos), default=0)
        if largo > LARGO_MAXIMO_CAMPO:
            raise error(f"un campo tiene {largo:,} caracteres; el máximo es {LARGO_MAXIMO_CAMPO:,} "
                        "(¿unas comillas sin cerrar?).", numero)
        if numero == 1 and campos:
            campos[0] = campos[0].lstrip("\ufeff")
        if len(campos) <= 1 and not "".join(campos).strip():
            continue
        if len(campos) == 1 and campos[0].strip() in SECCIONES:
            nueva = campos[0].strip()
            esperada = SECCIONES[SECCIONES.index(seccion) + 1] if seccion else "META"
            if nueva != esperada:
                raise error(f"sección {nueva} fuera de orden; se esperaba {esperada} (orden: META, PROJECTS, "
                            "VOTES).", numero)
            seccion, cabecera = nueva, None
            continue
        if seccion is None:
            raise error(f"se esperaba la sección META y se encontró «{_corto(';'.join(campos))}».", numero)
        if cabecera is None:
            cabecera = [c.strip() for c in campos]
            requeridas = {"META": ("key", "value"), "PROJECTS": ("project_id", "cost"), "VOTES": ("voter_id", "vote")}
            faltan = [c for c in requeridas[seccion] if c not in cabecera]
            if faltan:
                raise error(f"a la cabecera de {seccion} le falta la columna {', '.join(faltan)}.", numero)
            continue
        if len(campos) != len(cabecera):
            raise error(f"la fila tiene {len(campos)} campos y la cabecera de {seccion} {len(cabecera)}.", numero)
        fila = dict(zip(cabecera, campos))
        if seccion == "META":
            clave = fila["key"].strip()
            meta[clave], lineas_meta[clave] = fila["value"], numero
        elif seccion == "PROJECTS":
            proyectos.append(_proyecto(fila, numero, error))
        else:
            votos.append((numero, fila))
    if seccion != "VOTES":
        raise ArchivoInvalido(f"el archivo termina sin la sección {'VOTES' if seccion else 'META'}.", archivo=nombre)
    return _armar(meta, lineas_meta, proyectos, votos, error)


def _explicar_csv(problema: csv.Error) -> str:
    texto = str(problema)
    if "field larger than field limit" in texto:
        return (f"un campo pasa de {LARGO_MAXIMO_CAMPO:,} caracteres (¿unas comillas sin cerrar?); el archivo no "
                "parece un .pb.")
    if "new-line character" in texto:
        return "hay un salto de línea suelto dentro de un campo sin comillas."
    return f"la fila no se puede leer como CSV separado por «;» ({texto})."


def _proyecto(fila: dict, numero: int, error) -> Proyecto:
    proyecto = _corto(fila["project_id"].strip())
    try:
        costo = _numero(fila["cost"])
    except ValueError as motivo:
        raise error(f"el costo «{_corto(fila['cost'])}» del proyecto {proyecto} {motivo}.", numero) from None
    if costo < 0:
        raise error(f"el costo del proyecto {proyecto} es negativo ({fila['cost']}).", numero)
    tecnico = fila.get("puntaje_tecnico", "")
    if tecnico.strip():
        try:
            _numero(tecnico)
        except ValueError as motivo:
            raise error(f"el puntaje_tecnico «{_corto(tecnico)}» del proyecto {proyecto} {motivo}.", numero) from None
    datos = {k: v for k, v in fila.items() if k not in ("project_id", "cost", "name")}
    return Proyecto(fila["project_id"].strip(), costo, fila.get("name", ""), datos)


def _armar(meta: dict, lineas_meta: dict, proyectos: list[Proyecto], votos: list, error) -> Eleccion:
    def linea(clave: str) -> int:
        return lineas_meta.get(clave, 1)

    if "budget" not in meta:
        raise error("falta la clave «budget» en META.", 1)
    try:
        presupuesto = _numero(meta["budget"])
    except ValueError as motivo:
        raise error(f"el presupuesto «{_corto(meta['budget'])}» {motivo}.", linea("budget")) from None
    if presupuesto <= 0:
        raise error(f"el presupuesto debe ser positivo; es {meta['budget']}.", linea("budget"))
    tipo = meta.get("vote_type", "approval").strip()
    if tipo not in TIPOS:
        raise error(f"vote_type «{_corto(tipo)}» no es válido; se espera {', '.join(TIPOS)}.", linea("vote_type"))
    ids = {p.id for p in proyectos}
    if len(ids) != len(proyectos):
        raise error("hay proyectos con el mismo project_id.", 1)
    for clave in META_NUMERICAS:
        if meta.get(clave, "").strip():
            try:
                _numero(meta[clave])
            except ValueError as motivo:
                raise error(f"{clave} «{_corto(meta[clave])}» {motivo}.", linea(clave)) from None
    maximo_puntos, maximo_largo, maximo_por_proyecto = (_entero_meta(meta, clave, linea(clave), error)
                                                        for clave in ("max_sum_points", "max_length", "max_points"))
    votantes: list[str] = []
    papeletas: list[tuple[str, ...]] = []
    puntos: list[tuple[float, ...]] | None = [] if tipo == "cumulative" else None
    datos: list[dict] = []
    vistos: set[str] = set()
    for numero, fila in votos:
        votante = fila["voter_id"].strip()
        if votante in vistos:
            raise error(f"el votante {votante} aparece dos veces.", numero)
        vistos.add(votante)
        elegidos = tuple(v.strip() for v in fila["vote"].split(",") if v.strip())
        desconocidos = [v for v in elegidos if v not in ids]
        if desconocidos:
            raise error(f"el voto de {votante} nombra el proyecto {desconocidos[0]}, que no está en PROJECTS.", numero)
        if len(set(elegidos)) != len(elegidos):
            raise error(f"el voto de {votante} repite un proyecto.", numero)
        if maximo_largo is not None and len(elegidos) > maximo_largo:
            raise error(f"el voto de {votante} elige {len(elegidos)} proyectos; el máximo (max_length) es "
                        f"{maximo_largo}.", numero)
        if puntos is not None:
            puntos.append(_puntos(fila, elegidos, votante, maximo_puntos, numero, error))
            if maximo_por_proyecto is not None and max(puntos[-1], default=0) > maximo_por_proyecto:
                raise error(f"{votante} da {max(puntos[-1]):g} puntos a un proyecto; el máximo por proyecto "
                            f"(max_points) es {maximo_por_proyecto}.", numero)
        votantes.append(votante)
        papeletas.append(elegidos)
        datos.append({k: v for k, v in fila.items() if k not in ("voter_id", "vote", "points")})
    return Eleccion(meta, proyectos, votantes, papeletas, puntos, datos)


def _entero_meta(meta: dict, clave: str, numero: int, error) -> int | None:
    if not meta.get(clave, "").strip():
        return None
    try:
        valor = _numero(meta[clave])
    except ValueError as motivo:
        raise error(f"{clave} «{_corto(meta[clave])}» {motivo}.", numero) from None
    if valor != int(valor) or not 0 <= valor <= ENTERO_MAXIMO:
        raise error(f"{clave} «{_corto(meta[clave])}» debe ser un entero entre 0 y {ENTERO_MAXIMO:,}.", numero)
    return int(valor)


def _puntos(fila, elegidos, votante, maximo, numero, error) -> tuple[float, ...]:
    texto = fila.get("points", "")
    try:
        puntos = tuple(_numero(p) for p in texto.split(",") if p.strip())
    except ValueError as motivo:
        raise error(f"los puntos «{_corto(texto)}» de {votante}: uno {motivo}.", numero) from None
    if len(puntos) != len(elegidos):
        raise error(f"{votante} tiene {len(elegidos)} proyectos y {len(puntos)} puntajes.", numero)
    if any(p < 0 for p in puntos):
        raise error(f"{votante} tiene puntos negativos.", numero)
    if maximo is not None and sum(puntos) > maximo:
        raise error(f"{votante} reparte {sum(puntos):g} puntos; el máximo (max_sum_points) es {maximo}.", numero)
    return puntos


# --- escribir -------------------------------------------------------------------------------

def escribir(eleccion: Eleccion) -> str:
    """El .pb como texto (UTF-8, `;`, `\\n`). Columnas extra de proyectos y votos (distrito, taller…) se
    conservan; los valores con `;`, comillas o saltos de línea van entre comillas, como en CSV."""
    filas = ["META", ["key", "value"], *([clave, valor] for clave, valor in eleccion.meta.items())]
    extras = list(dict.fromkeys(k for p in eleccion.proyectos for k in p.datos))
    filas += ["PROJECTS", ["project_id", "cost", "name", *extras]]
    filas += [[p.id, _texto(p.costo), p.nombre, *(p.datos.get(k, "") for k in extras)] for p in eleccion.proyectos]
    extras = list(dict.fromkeys(k for d in eleccion.datos_votos for k in d))
    filas += ["VOTES", ["voter_id", "vote", *(["points"] if eleccion.puntos is not None else []), *extras]]
    for i, (votante, papeleta) in enumerate(zip(eleccion.votantes, eleccion.papeletas)):
        datos = eleccion.datos_votos[i] if i < len(eleccion.datos_votos) else {}
        fila = [votante, ",".join(papeleta)]
        if eleccion.puntos is not None:
            fila.append(",".join(_texto(p) for p in eleccion.puntos[i]))
        filas.append([*fila, *(datos.get(k, "") for k in extras)])
    return "".join((fila if isinstance(fila, str) else ";".join(map(_campo, fila))) + "\n" for fila in filas)


def _campo(valor) -> str:
    """Como el módulo csv (comillas solo si hacen falta), pero también ante un retorno de carro suelto, que csv
    deja sin comillas cuando el fin de línea es `\\n` y que al leer partiría la fila."""
    texto = "" if valor is None else str(valor)
    if any(c in texto for c in ';"\r\n'):
        return '"' + texto.replace('"', '""') + '"'
    return texto


def _texto(numero: float) -> str:
    return str(int(numero)) if float(numero).is_integer() else repr(float(numero))
