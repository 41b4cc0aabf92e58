"""Tablas del seguimiento (sqlite-utils): actualizaciones, hitos y evidencias. Solo se agregan filas: triggers
impiden editar o borrar una actualización, un hito o una evidencia (una corrección es otra actualización)."""
from __future__ import annotations

import datetime as dt

from sqlite_utils import Database, Migrations

from propuestas.seguimiento.modelo import CAMPOS, Cambios, Fase, Hito, Situacion

migraciones = Migrations("seguimiento")
FASES_SQL = ", ".join(f"'{f.value}'" for f in Fase)


@migraciones()
def crear_seguimiento(db: Database) -> None:
    inmutables = ("seguimiento_evidencias", "seguimiento_hitos", "seguimiento_actualizaciones")
    triggers = "\n".join(f"""
        CREATE TRIGGER {tabla}_sin_cambios BEFORE UPDATE ON {tabla}
            BEGIN SELECT RAISE(ABORT, 'el seguimiento no se edita: se registra una actualización que corrige'); END;
        CREATE TRIGGER {tabla}_sin_borrar BEFORE DELETE ON {tabla}
            BEGIN SELECT RAISE(ABORT, 'el seguimiento no se borra: se registra una actualización que corrige'); END;
        """ for tabla in inmutables)
    db.executescript(f"""
        CREATE TABLE seguimiento_evidencias (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            nombre TEXT NOT NULL, tipo TEXT NOT NULL CHECK (tipo IN ('foto', 'pdf')),
            contenido BLOB NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            subida_en TEXT NOT NULL, subida_por TEXT NOT NULL
        );
        CREATE TABLE seguimiento_hitos (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            nombre TEXT NOT NULL CHECK (length(nombre) BETWEEN 3 AND 200),
            fecha_prevista TEXT NOT NULL,
            creado_en TEXT NOT NULL, creado_por TEXT NOT NULL
        );
        CREATE TABLE seguimiento_actualizaciones (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            fecha TEXT NOT NULL,
            nota TEXT NOT NULL DEFAULT '' CHECK (length(nota) <= 2000),
            responsable_entidad TEXT, responsable_area TEXT,
            cui TEXT CHECK (cui IS NULL OR (length(cui) = 7 AND cui NOT GLOB '*[^0-9]*')),
            fase TEXT CHECK (fase IS NULL OR fase IN ({FASES_SQL})),
            motivo_fase TEXT,
            anio_pia INTEGER CHECK (anio_pia IS NULL OR anio_pia BETWEEN 2000 AND 2100),
            pia_centimos INTEGER CHECK (pia_centimos IS NULL OR pia_centimos >= 0),
            pim_centimos INTEGER CHECK (pim_centimos IS NULL OR pim_centimos >= 0),
            devengado_centimos INTEGER CHECK (devengado_centimos IS NULL OR devengado_centimos >= 0),
            avance_fisico REAL CHECK (avance_fisico IS NULL OR avance_fisico BETWEEN 0 AND 100),
            avance_financiero REAL CHECK (avance_financiero IS NULL OR avance_financiero BETWEEN 0 AND 100),
            hito_id INTEGER REFERENCES seguimiento_hitos (id),
            hito_fecha_real TEXT,
            corrige_id INTEGER REFERENCES seguimiento_actualizaciones (id),
            evidencia_id INTEGER REFERENCES seguimiento_evidencias (id),
            origen TEXT NOT NULL,
            registrada_en TEXT NOT NULL, registrada_por TEXT NOT NULL,
            CHECK (fase IS NOT 'no_se_ejecutara' OR length(motivo_fase) >= 5)
        );
        CREATE INDEX seguimiento_actualizaciones_propuesta ON seguimiento_actualizaciones (propuesta_id, id);
        CREATE INDEX seguimiento_hitos_propuesta ON seguimiento_hitos (propuesta_id, id);
        CREATE INDEX seguimiento_actualizaciones_hito ON seguimiento_actualizaciones (hito_id, id)
            WHERE hito_id IS NOT NULL;
        {triggers}
    """)


def aplicar_migraciones(db: Database) -> None:
    migraciones.apply(db)


def cambios_de_fila(fila: dict) -> Cambios:
    valores = {c: fila[c] for c in CAMPOS}
    valores["fase"] = Fase(fila["fase"]) if fila["fase"] else None
    return Cambios(**valores)


def fila_de_cambios(cambios: Cambios) -> dict:
    fila = dict(cambios.presentes())
    if cambios.fase is not None:
        fila["fase"] = cambios.fase.value
    return fila


COLUMNAS_ACTUALIZACION = ("id", "propuesta_id", "fecha", "nota", *CAMPOS, "hito_id", "hito_fecha_real",
                          "corrige_id", "evidencia_id", "origen", "registrada_en", "registrada_por")


def actualizaciones(db: Database, propuestas: list[int] | None = None) -> list[dict]:
    """Las actualizaciones (de esas propuestas, o de todas) en el orden en que se registraron."""
    donde, parametros = "", []
    if propuestas is not None:
        if not propuestas:
            return []
        donde, parametros = f"WHERE propuesta_id IN ({', '.join('?' * len(propuestas))})", list(propuestas)
    cursor = db.execute(f"SELECT {', '.join(COLUMNAS_ACTUALIZACION)} FROM seguimiento_actualizaciones {donde} "
                        "ORDER BY propuesta_id, id", parametros)
    return [dict(zip(COLUMNAS_ACTUALIZACION, f)) for f in cursor.fetchall()]


def hitos(db: Database, propuestas: list[int] | None = None) -> dict[int, list[Hito]]:
    """Propuesta → sus hitos, con la fecha prevista y la real que dejaron las actualizaciones (la última gana)."""
    donde, parametros = "", []
    if propuestas is not None:
        if not propuestas:
            return {}
        donde, parametros = f"WHERE h.propuesta_id IN ({', '.join('?' * len(propuestas))})", list(propuestas)
    salida: dict[int, list[Hito]] = {}
    for propuesta_id, hito_id, nombre, prevista, real in db.execute(f"""
            SELECT h.propuesta_id, h.id, h.nombre, h.fecha_prevista,
                   (SELECT a.hito_fecha_real FROM seguimiento_actualizaciones a
                    WHERE a.hito_id = h.id AND a.hito_fecha_real IS NOT NULL ORDER BY a.id DESC LIMIT 1)
            FROM seguimiento_hitos h {donde} ORDER BY h.propuesta_id, h.fecha_prevista, h.id""", parametros):
        salida.setdefault(propuesta_id, []).append(
            Hito(hito_id, nombre, dt.date.fromisoformat(prevista), dt.date.fromisoformat(real) if real else None))
    return salida


def situaciones(db: Database, propuestas: list[int] | None = None) -> dict[int, Situacion]:
    """Propuesta → su situación (las actualizaciones aplicadas en orden)."""
    salida: dict[int, Situacion] = {}
    for fila in actualizaciones(db, propuestas):
        antes = salida.get(fila["propuesta_id"], Situacion())
        salida[fila["propuesta_id"]] = antes.aplicar(cambios_de_fila(fila), dt.date.fromisoformat(fila["fecha"]))
    return salida


def version(db: Database) -> tuple:
    """Cambia con cada actualización, hito o evidencia nuevos (solo se agregan filas: basta el último id)."""
    return db.execute("SELECT (SELECT max(id) FROM seguimiento_actualizaciones), "
                      "(SELECT max(id) FROM seguimiento_hitos)").fetchone()


def evidencia(db: Database, evidencia_id: int) -> dict | None:
    fila = db.execute("SELECT id, propuesta_id, nombre, tipo, contenido FROM seguimiento_evidencias WHERE id = ?",
                      [evidencia_id]).fetchone()
    return dict(zip(("id", "propuesta_id", "nombre", "tipo", "contenido"), fila)) if fila else None
