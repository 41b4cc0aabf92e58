"""Tablas del territorio (sqlite-utils): migraciones, filas ↔ dataclasses, consultas.

Cada importación queda registrada en `importaciones` y sus filas cuelgan de ella; importar
de nuevo no borra nada: el territorio vigente es el de la última importación de límites.
"""
from __future__ import annotations

import json

import shapely
from sqlite_utils import Database, Migrations

from geo.modelo import CentroPoblado, Distrito, Importacion, Territorio
from nucleo.db import insertar

migraciones = Migrations("geo")


@migraciones()
def crear_territorio(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE importaciones (
            id INTEGER PRIMARY KEY,
            tipo TEXT NOT NULL CHECK (tipo IN ('limites', 'indicadores', 'centros_poblados')),
            provincia TEXT NOT NULL CHECK (length(provincia) = 4 AND provincia NOT GLOB '*[^0-9]*'),
            archivo TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            importado_en TEXT NOT NULL,
            actor TEXT NOT NULL,
            informe TEXT NOT NULL CHECK (json_valid(informe))
        );
        CREATE TABLE distritos (
            importacion_id INTEGER NOT NULL REFERENCES importaciones (id),
            ubigeo TEXT NOT NULL CHECK (length(ubigeo) = 6 AND ubigeo NOT GLOB '*[^0-9]*'),
            nombre TEXT NOT NULL CHECK (length(nombre) > 0),
            provincia TEXT NOT NULL,
            departamento TEXT NOT NULL,
            geometria TEXT NOT NULL CHECK (json_valid(geometria)),
            PRIMARY KEY (importacion_id, ubigeo)
        );
        CREATE TABLE indicadores (
            importacion_id INTEGER NOT NULL REFERENCES importaciones (id),
            ubigeo TEXT NOT NULL CHECK (length(ubigeo) = 6 AND ubigeo NOT GLOB '*[^0-9]*'),
            datos TEXT NOT NULL CHECK (json_valid(datos)),
            PRIMARY KEY (importacion_id, ubigeo)
        );
        CREATE TABLE centros_poblados (
            importacion_id INTEGER NOT NULL REFERENCES importaciones (id),
            codigo TEXT NOT NULL CHECK (length(codigo) > 0),
            nombre TEXT NOT NULL CHECK (length(nombre) > 0),
            ubigeo TEXT NOT NULL CHECK (length(ubigeo) = 6),
            tipo TEXT,
            lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
            lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
            PRIMARY KEY (importacion_id, codigo)
        );
        """
    )


def aplicar_migraciones(db: Database) -> None:
    """Aplica las migraciones pendientes del territorio (aplicar dos veces no hace nada)."""
    migraciones.apply(db)


# --- escritura (llamar dentro de nucleo.db.escritura) -----------------------------------------

def guardar_importacion(db: Database, importacion: Importacion) -> int:
    return insertar(db, "importaciones", {
        "tipo": importacion.tipo, "provincia": importacion.provincia,
        "archivo": importacion.archivo, "sha256": importacion.sha256,
        "importado_en": importacion.importado_en, "actor": importacion.actor,
        "informe": json.dumps(importacion.informe, ensure_ascii=False),
    })


def guardar_distritos(db: Database, importacion_id: int, distritos: list[Distrito]) -> None:
    db.table("distritos").insert_all({
        "importacion_id": importacion_id, "ubigeo": d.ubigeo, "nombre": d.nombre,
        "provincia": d.provincia, "departamento": d.departamento,
        "geometria": shapely.to_geojson(d.geometria),
    } for d in distritos)


def guardar_indicadores(db: Database, importacion_id: int, filas: dict[str, dict]) -> None:
    db.table("indicadores").insert_all({
        "importacion_id": importacion_id, "ubigeo": ubigeo,
        "datos": json.dumps(datos, ensure_ascii=False),
    } for ubigeo, datos in filas.items())


def guardar_centros(db: Database, importacion_id: int, centros: list[CentroPoblado]) -> None:
    db.table("centros_poblados").insert_all({
        "importacion_id": importacion_id, "codigo": c.codigo, "nombre": c.nombre,
        "ubigeo": c.ubigeo, "tipo": c.tipo, "lat": c.lat, "lon": c.lon,
    } for c in centros)


# --- lectura --------------------------------------------------------------------------------

def ultima_importacion(db: Database, tipo: str) -> dict | None:
    """La importación vigente de un tipo (la más reciente), o None."""
    if not db["importaciones"].exists():
        return None
    filas = list(db["importaciones"].rows_where("tipo = ?", [tipo], order_by="id DESC", limit=1))
    if not filas:
        return None
    fila = dict(filas[0])
    fila["informe"] = json.loads(fila["informe"])
    return fila


def listar_importaciones(db: Database) -> list[dict]:
    filas = [dict(f) for f in db["importaciones"].rows_where(order_by="id DESC")]
    for fila in filas:
        fila["informe"] = json.loads(fila["informe"])
    return filas


def nombres_de_distritos(db: Database) -> dict[str, str]:
    """ubigeo → nombre de los distritos vigentes, sin leer geometrías."""
    vigente = ultima_importacion(db, "limites")
    if vigente is None:
        return {}
    return dict(db.execute("SELECT ubigeo, nombre FROM distritos WHERE importacion_id = ? ORDER BY ubigeo",
                           [vigente["id"]]).fetchall())


def nombre_de_la_provincia(db: Database) -> str | None:
    """El nombre de la provincia de los límites vigentes (el que traen sus distritos), sin leer geometrías."""
    vigente = ultima_importacion(db, "limites")
    if vigente is None:
        return None
    nombres = [f[0] for f in db.execute("SELECT DISTINCT provincia FROM distritos WHERE importacion_id = ? "
                                        "AND provincia != '' ORDER BY provincia", [vigente["id"]]).fetchall()]
    return ", ".join(nombres) or vigente["provincia"]


def cargar_distritos(db: Database, importacion_id: int) -> list[Distrito]:
    return [
        Distrito(ubigeo=f["ubigeo"], nombre=f["nombre"], provincia=f["provincia"],
                 departamento=f["departamento"], geometria=shapely.from_geojson(f["geometria"]))
        for f in db["distritos"].rows_where("importacion_id = ?", [importacion_id], order_by="ubigeo")
    ]


def cargar_indicadores(db: Database, importacion_id: int) -> dict[str, dict]:
    return {
        f["ubigeo"]: json.loads(f["datos"])
        for f in db["indicadores"].rows_where("importacion_id = ?", [importacion_id], order_by="ubigeo")
    }


def cargar_centros(db: Database, importacion_id: int) -> list[CentroPoblado]:
    return [
        CentroPoblado(codigo=f["codigo"], nombre=f["nombre"], ubigeo=f["ubigeo"], tipo=f["tipo"],
                      lat=f["lat"], lon=f["lon"])
        for f in db["centros_poblados"].rows_where("importacion_id = ?", [importacion_id],
                                                   order_by="codigo")
    ]


def cargar_territorio(db: Database) -> Territorio | None:
    """El territorio vigente (última importación de límites), o None si no hay."""
    limites = ultima_importacion(db, "limites")
    if limites is None:
        return None
    return Territorio(provincia=limites["provincia"], distritos=cargar_distritos(db, limites["id"]),
                      importacion_id=limites["id"])
