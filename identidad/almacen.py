"""Las tablas de la identidad: cuentas del equipo, intentos de acceso y sesiones (migraciones de sqlite-utils).

Las tablas de los agentes participantes y sus códigos (`participantes`, `codigos_acceso`) nacieron con los
procesos y siguen en las migraciones de `propuestas` (cuelgan de `procesos`).
"""
from __future__ import annotations

from sqlite_utils import Database, Migrations

from nucleo import esquema

migraciones = Migrations("identidad")


@migraciones()
def crear_cuentas(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE cuentas (
            id INTEGER PRIMARY KEY,
            usuario TEXT NOT NULL UNIQUE CHECK (usuario GLOB '[a-z0-9._-]*' AND length(usuario) BETWEEN 3 AND 40),
            nombre TEXT NOT NULL CHECK (length(nombre) BETWEEN 2 AND 120),
            rol TEXT NOT NULL CHECK (rol IN ('administrador', 'facilitador', 'evaluador')),
            hash TEXT NOT NULL,
            fallos INTEGER NOT NULL DEFAULT 0,
            bloqueada_hasta TEXT,
            creada_en TEXT NOT NULL,
            actualizada_en TEXT NOT NULL,
            desactivada_en TEXT
        );
        CREATE TABLE intentos_acceso (
            id INTEGER PRIMARY KEY,
            origen TEXT NOT NULL,
            tipo TEXT NOT NULL CHECK (tipo IN ('contrasena', 'codigo')),
            exito INTEGER NOT NULL CHECK (exito IN (0, 1)),
            ocurrido_en TEXT NOT NULL
        );
        CREATE INDEX intentos_origen ON intentos_acceso (origen, tipo, ocurrido_en);
        """
    )


@migraciones()
def crear_sesiones(db: Database) -> None:
    """Sesiones en el servidor (la cookie lleva el token; aquí solo su huella), intentos de contraseña por
    cuenta y origen, y el cambio obligatorio de la contraseña inicial de una cuenta nueva."""
    db.executescript(
        """
        CREATE TABLE sesiones (
            id INTEGER PRIMARY KEY,
            huella TEXT NOT NULL UNIQUE CHECK (length(huella) = 64),
            rol TEXT NOT NULL,
            cuenta_id INTEGER REFERENCES cuentas (id),
            participante_id INTEGER,
            iniciada_en TEXT NOT NULL,
            ultima_actividad_en TEXT NOT NULL,
            vence_en TEXT NOT NULL,
            revocada_en TEXT,
            motivo TEXT,
            CHECK ((cuenta_id IS NULL) <> (participante_id IS NULL)),
            CHECK ((revocada_en IS NULL) = (motivo IS NULL))
        );
        CREATE INDEX sesiones_cuenta ON sesiones (cuenta_id) WHERE cuenta_id IS NOT NULL;
        CREATE INDEX sesiones_participante ON sesiones (participante_id) WHERE participante_id IS NOT NULL;
        ALTER TABLE intentos_acceso ADD COLUMN cuenta TEXT;
        CREATE INDEX intentos_cuenta ON intentos_acceso (cuenta, origen, ocurrido_en) WHERE cuenta IS NOT NULL;
        ALTER TABLE cuentas ADD COLUMN debe_cambiar_contrasena INTEGER NOT NULL DEFAULT 0
            CHECK (debe_cambiar_contrasena IN (0, 1));
        """
    )


@migraciones(transactional=False)
def cuentas_de_vigilancia(db: Database) -> None:
    """Rol «vigilancia» (el Comité de Vigilancia entra con su cuenta). El CHECK del rol es parte del CREATE TABLE:
    se reconstruye la tabla con las mismas filas (`esquema.reconstruir`)."""
    columnas = ("id, usuario, nombre, rol, hash, fallos, bloqueada_hasta, creada_en, actualizada_en, desactivada_en, "
                "debe_cambiar_contrasena")
    esquema.reconstruir(db, "cuentas", ya_esta="'vigilancia'", guion=f"""
        CREATE TABLE cuentas_con_vigilancia (
            id INTEGER PRIMARY KEY,
            usuario TEXT NOT NULL UNIQUE
                CHECK (usuario GLOB '[a-z0-9._-]*' AND length(usuario) BETWEEN 3 AND 40),
            nombre TEXT NOT NULL CHECK (length(nombre) BETWEEN 2 AND 120),
            rol TEXT NOT NULL CHECK (rol IN ('administrador', 'facilitador', 'evaluador', 'vigilancia')),
            hash TEXT NOT NULL,
            fallos INTEGER NOT NULL DEFAULT 0,
            bloqueada_hasta TEXT,
            creada_en TEXT NOT NULL,
            actualizada_en TEXT NOT NULL,
            desactivada_en TEXT,
            debe_cambiar_contrasena INTEGER NOT NULL DEFAULT 0 CHECK (debe_cambiar_contrasena IN (0, 1))
        );
        INSERT INTO cuentas_con_vigilancia ({columnas}) SELECT {columnas} FROM cuentas;
        DROP TABLE cuentas;
        ALTER TABLE cuentas_con_vigilancia RENAME TO cuentas;
    """)


def preparar(db: Database) -> None:
    """Aplica las migraciones del núcleo y las de la identidad (dos veces no hace nada)."""
    esquema.preparar(db)
    migraciones.apply(db)
