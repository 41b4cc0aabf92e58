"""Archivos pabulib `.pb` (pabulib.org/format): lectura estricta con número de línea y escritura propia.

Secciones META, PROJECTS y VOTES en ese orden, separadas por `;`. Se aceptan BOM y fines de
línea de Windows. Los errores dicen la línea y qué se esperaba; nada se corrige en silencio.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

TAMANO_MAXIMO = 512 * 1024 * 1024  # un .pb real grande pesa decenas de MB
SECCIONES = ("META", "PROJECTS", "VOTES")
TIPOS = ("approval", "cumulative", "ordinal", "choose-1")


class ArchivoInvalido(ValueError):
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
        return self.meta.get("vote_type", "approval")

    @property
    def presupuesto(self) -> float:
        return _numero(self.meta["budget"])

    def meta_numero(self, clave: str) -> float | None:
        valor = self.meta.get(clave)
        return _numero(valor) if valor not in (None, "") else None


def _numero(texto: str) -> float:
    valor = float(str(texto).strip().replace(",", "."))
    if not math.isfinite(valor):
        raise ValueError(texto)
    return int(valor) if valor.is_integer() else valor


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
    """Lee un .pb desde un texto o un archivo abierto (línea por línea)."""
    lineas = io.StringIO(texto.lstrip("\ufeff")) if isinstance(texto, str) else texto
    seccion, cabecera = None, None
    meta: dict[str, str] = {}
    proyectos: list[Proyecto] = []
    votos: list[tuple[int, dict]] = []

    def error(mensaje: str, numero: int) -> ArchivoInvalido:
        return ArchivoInvalido(mensaje, numero, nombre)

    for numero, linea in enumerate(lineas, start=1):
        linea = linea.rstrip("\r\n")
        if numero == 1:
            linea = linea.lstrip("\ufeff")
        if not linea.strip():
            continue
        if linea.strip() in SECCIONES:
            nueva = linea.strip()
            esperada = SECCIONES[SECCIONES.index(seccion) + 1] if seccion else "META"
            if nueva != esperada:
                raise error(f"sección {nueva} fuera de orden; se esperaba {esperada} (orden: META, PROJECTS, "
                            "VOTES).", numero)
            seccion, cabecera = nueva, None
            continue
        if seccion is None:
            raise error(f"se esperaba la sección META y se encontró «{linea[:40]}».", numero)
        campos = next(csv.reader([linea], delimiter=";"))
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
            meta[fila["key"].strip()] = fila["value"].strip()
        elif seccion == "PROJECTS":
            proyectos.append(_proyecto(fila, numero, error))
        else:
            votos.append((numero, fila))
    if seccion != "VOTES":
        raise ArchivoInvalido(f"el archivo termina sin la sección {'VOTES' if seccion else 'META'}.", archivo=nombre)
    return _armar(meta, proyectos, votos, error)


def _proyecto(fila: dict, numero: int, error) -> Proyecto:
    try:
        costo = _numero(fila["cost"])
    except ValueError:
        raise error(f"el costo «{fila['cost']}» del proyecto {fila['project_id']} no es un número.", numero) from None
    if costo < 0:
        raise error(f"el costo del proyecto {fila['project_id']} es negativo ({fila['cost']}).", numero)
    datos = {k: v for k, v in fila.items() if k not in ("project_id", "cost", "name")}
    return Proyecto(fila["project_id"].strip(), costo, fila.get("name", ""), datos)


def _armar(meta: dict, proyectos: list[Proyecto], votos: list, error) -> Eleccion:
    if "budget" not in meta:
        raise error("falta la clave «budget» en META.", 1)
    try:
        presupuesto = _numero(meta["budget"])
    except ValueError:
        raise error(f"el presupuesto «{meta['budget']}» no es un número.", 1) from None
    if presupuesto <= 0:
        raise error(f"el presupuesto debe ser positivo; es {meta['budget']}.", 1)
    tipo = meta.get("vote_type", "approval")
    if tipo not in TIPOS:
        raise error(f"vote_type «{tipo}» no es válido; se espera {', '.join(TIPOS)}.", 1)
    ids = {p.id for p in proyectos}
    if len(ids) != len(proyectos):
        raise error("hay proyectos con el mismo project_id.", 1)
    maximo_puntos = _entero_meta(meta, "max_sum_points", error)
    maximo_largo = _entero_meta(meta, "max_length", error)
    maximo_por_proyecto = _entero_meta(meta, "max_points", error)
    votantes, papeletas, puntos, datos = [], [], [] if tipo == "cumulative" else None, []
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


def _entero_meta(meta: dict, clave: str, error) -> int | None:
    if meta.get(clave) in (None, ""):
        return None
    try:
        return int(_numero(meta[clave]))
    except ValueError:
        raise error(f"{clave} «{meta[clave]}» no es un número.", 1) from None


def _puntos(fila, elegidos, votante, maximo, numero, error) -> tuple[float, ...]:
    texto = fila.get("points", "")
    try:
        puntos = tuple(_numero(p) for p in texto.split(",") if p.strip())
    except ValueError:
        raise error(f"los puntos «{texto}» de {votante} no son números.", numero) from None
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
    conservan; los valores con `;` o comillas van entre comillas, como en CSV."""
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";", lineterminator="\n")
    salida.write("META\n")
    escritor.writerow(["key", "value"])
    for clave, valor in eleccion.meta.items():
        escritor.writerow([clave, valor])
    salida.write("PROJECTS\n")
    extras = list(dict.fromkeys(k for p in eleccion.proyectos for k in p.datos))
    escritor.writerow(["project_id", "cost", "name", *extras])
    for p in eleccion.proyectos:
        escritor.writerow([p.id, _texto(p.costo), p.nombre, *(p.datos.get(k, "") for k in extras)])
    salida.write("VOTES\n")
    extras = list(dict.fromkeys(k for d in eleccion.datos_votos for k in d))
    columnas = ["voter_id", "vote", *(["points"] if eleccion.puntos is not None else []), *extras]
    escritor.writerow(columnas)
    for i, (votante, papeleta) in enumerate(zip(eleccion.votantes, eleccion.papeletas)):
        datos = eleccion.datos_votos[i] if i < len(eleccion.datos_votos) else {}
        fila = [votante, ",".join(papeleta)]
        if eleccion.puntos is not None:
            fila.append(",".join(_texto(p) for p in eleccion.puntos[i]))
        escritor.writerow([*fila, *(datos.get(k, "") for k in extras)])
    return salida.getvalue()


def _texto(numero: float) -> str:
    return str(int(numero)) if float(numero).is_integer() else repr(float(numero))
