"""Las tablas de la deliberación (argumentos, apoyos, reportes, moderación y síntesis) y las columnas que agrega a
`propuestas` (`oculta_en`…): migraciones del conjunto «deliberacion».

Viven en el piso de las propuestas porque los listados de propuestas leen esas columnas: preparar las propuestas
deja lista también la deliberación. Nada se borra: los triggers lo impiden.
"""
from __future__ import annotations

from sqlite_utils import Database, Migrations

migraciones = Migrations("deliberacion")


def _sin_borrado(tabla: str) -> str:
    return (f"CREATE TRIGGER {tabla}_sin_borrado BEFORE DELETE ON {tabla} "
            f"BEGIN SELECT RAISE(ABORT, '{tabla}: nada se borra; se oculta o se retira'); END;")


@migraciones()
def crear_deliberacion(db: Database) -> None:
    db.executescript(f"""
        CREATE TABLE argumentos (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            padre_id INTEGER REFERENCES argumentos (id),
            postura TEXT NOT NULL CHECK (postura IN ('a_favor', 'en_contra', 'observacion')),
            texto TEXT NOT NULL CHECK (length(texto) BETWEEN 3 AND 3000),
            autor TEXT NOT NULL,
            participante_id INTEGER REFERENCES participantes (id),
            creado_en TEXT NOT NULL,
            oculto_en TEXT, oculto_motivo TEXT, oculto_por TEXT
        );
        CREATE INDEX argumentos_propuesta ON argumentos (propuesta_id, id);
        CREATE INDEX argumentos_autor ON argumentos (autor, creado_en);
        {_sin_borrado("argumentos")}
        CREATE TABLE apoyos (
            id INTEGER PRIMARY KEY,
            objeto TEXT NOT NULL CHECK (objeto IN ('propuesta', 'argumento')),
            objeto_id INTEGER NOT NULL,
            participante_id INTEGER NOT NULL REFERENCES participantes (id),
            apoyado_en TEXT NOT NULL,
            retirado_en TEXT,
            UNIQUE (objeto, objeto_id, participante_id)
        );
        CREATE INDEX apoyos_vigentes ON apoyos (objeto, objeto_id) WHERE retirado_en IS NULL;
        {_sin_borrado("apoyos")}
        CREATE TABLE reportes (
            id INTEGER PRIMARY KEY,
            objeto TEXT NOT NULL CHECK (objeto IN ('propuesta', 'argumento')),
            objeto_id INTEGER NOT NULL,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            categoria TEXT NOT NULL,
            detalle TEXT,
            reportado_por TEXT NOT NULL,
            origen TEXT NOT NULL,
            creado_en TEXT NOT NULL,
            resuelto_en TEXT,
            resolucion TEXT CHECK (resolucion IS NULL OR resolucion IN ('ocultado', 'descartado')),
            resuelto_por TEXT
        );
        CREATE INDEX reportes_pendientes ON reportes (proceso_id, objeto, objeto_id) WHERE resuelto_en IS NULL;
        CREATE INDEX reportes_origen ON reportes (origen, creado_en);
        {_sin_borrado("reportes")}
        CREATE TABLE moderaciones (
            id INTEGER PRIMARY KEY,
            objeto TEXT NOT NULL CHECK (objeto IN ('propuesta', 'argumento')),
            objeto_id INTEGER NOT NULL,
            accion TEXT NOT NULL CHECK (accion IN ('ocultar', 'restablecer', 'descartar_reportes',
                                                   'cerrar_deliberacion', 'reabrir_deliberacion')),
            motivo TEXT,
            actor TEXT NOT NULL,
            ocurrido_en TEXT NOT NULL
        );
        CREATE INDEX moderaciones_objeto ON moderaciones (objeto, objeto_id, id);
        CREATE TRIGGER moderaciones_sin_cambios BEFORE UPDATE ON moderaciones
            BEGIN SELECT RAISE(ABORT, 'moderaciones es de solo agregar'); END;
        {_sin_borrado("moderaciones")}
        CREATE TABLE sintesis (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            texto TEXT NOT NULL CHECK (length(texto) BETWEEN 10 AND 5000),
            autor TEXT NOT NULL,
            escrita_en TEXT NOT NULL
        );
        CREATE INDEX sintesis_propuesta ON sintesis (propuesta_id, id);
        CREATE TRIGGER sintesis_sin_cambios BEFORE UPDATE ON sintesis
            BEGIN SELECT RAISE(ABORT, 'sintesis es de solo agregar: escriba una versión nueva'); END;
        {_sin_borrado("sintesis")}
        ALTER TABLE propuestas ADD COLUMN oculta_en TEXT;
        ALTER TABLE propuestas ADD COLUMN oculta_motivo TEXT;
        ALTER TABLE propuestas ADD COLUMN deliberacion_cerrada_en TEXT;
        ALTER TABLE propuestas ADD COLUMN deliberacion_cerrada_motivo TEXT;
    """)


def aplicar_migraciones(db: Database) -> None:
    migraciones.apply(db)
