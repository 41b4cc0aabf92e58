"""Las migraciones del núcleo (la tabla `eventos`) y la herencia de las que antes estaban en el conjunto «geo».

Hasta diciembre de 2026, `eventos`, `cuentas` y `sesiones` se creaban en el conjunto de migraciones «geo». Ahora
cada tabla la crea el paquete que la escribe (`nucleo`, `identidad`), con la misma migración bajo su nombre de
siempre; una base creada antes ya las tiene aplicadas y anotadas como «geo». `heredar` mueve esas anotaciones al
conjunto nuevo (solo la fila de `_sqlite_migrations`: las tablas no se tocan) antes de aplicar nada, y `al_dia`
hace lo mismo con la lista de un respaldo que se revisa sin abrirlo para escribir.
"""
from __future__ import annotations

from sqlite_utils import Database, Migrations

migraciones = Migrations("nucleo")

# (conjunto de antes, migración) → conjunto de ahora
HEREDADAS = {("geo", "crear_eventos"): "nucleo", ("geo", "crear_cuentas"): "identidad",
             ("geo", "crear_sesiones"): "identidad"}


@migraciones()
def crear_eventos(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE eventos (
            id INTEGER PRIMARY KEY,
            ocurrido_en TEXT NOT NULL,
            actor TEXT NOT NULL CHECK (length(actor) > 0),
            accion TEXT NOT NULL CHECK (length(accion) > 0),
            objeto_tipo TEXT NOT NULL,
            objeto_id TEXT NOT NULL,
            antes TEXT CHECK (antes IS NULL OR json_valid(antes)),
            despues TEXT CHECK (despues IS NULL OR json_valid(despues))
        );
        CREATE INDEX eventos_objeto ON eventos (objeto_tipo, objeto_id);
        CREATE TRIGGER eventos_sin_cambios BEFORE UPDATE ON eventos
            BEGIN SELECT RAISE(ABORT, 'eventos es de solo agregar'); END;
        CREATE TRIGGER eventos_sin_borrado BEFORE DELETE ON eventos
            BEGIN SELECT RAISE(ABORT, 'eventos es de solo agregar'); END;
        """
    )



def heredar(db: Database) -> None:
    """Anota en su conjunto de ahora las migraciones que una base anterior anotó como «geo» (ver el módulo)."""
    if not db["_sqlite_migrations"].exists():
        return
    with db.conn:
        for (antes, nombre), ahora in HEREDADAS.items():
            db.execute("UPDATE _sqlite_migrations SET migration_set = ? WHERE migration_set = ? AND name = ?",
                       [ahora, antes, nombre])


def al_dia(aplicadas: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Conjunto → migraciones aplicadas en orden, con las heredadas ya en su conjunto de ahora."""
    por_conjunto: dict[str, list[str]] = {}
    for conjunto, nombre in aplicadas:
        por_conjunto.setdefault(HEREDADAS.get((conjunto, nombre), conjunto), []).append(nombre)
    return por_conjunto


def preparar(db: Database) -> None:
    """Hereda las anotaciones viejas y aplica las migraciones del núcleo (dos veces no hace nada)."""
    heredar(db)
    migraciones.apply(db)


def sentencias(guion: str) -> list[str]:
    """Un guion SQL partido en sentencias completas (para ejecutarlas una por una dentro de una transacción:
    `executescript` confirmaría antes)."""
    import sqlite3

    salida, sentencia = [], ""
    for linea in guion.splitlines(keepends=True):
        sentencia += linea
        if sqlite3.complete_statement(sentencia):
            salida.append(sentencia)
            sentencia = ""
    if sentencia.strip():
        raise ValueError(f"Sentencia SQL incompleta en la migración: {sentencia[:80]!r}")
    return salida


def reconstruir(db: Database, tabla: str, *, ya_esta: str, guion: str) -> None:
    """Cambia una restricción que es parte del CREATE TABLE (un CHECK): SQLite pide reconstruir la tabla. Lo hace
    como indica su documentación: claves foráneas apagadas mientras se copia (fuera de toda transacción), todas las
    sentencias del `guion` (crear la nueva, copiar, borrar la vieja, renombrar, índices y triggers) en una transacción, y las
    claves revisadas antes de confirmar. Si el SQL de `tabla` ya contiene `ya_esta`, no hace nada más que revisar.
    Para migraciones `transactional=False`."""
    import sqlite3

    if db.conn.in_transaction:
        raise RuntimeError(f"Reconstruir la tabla {tabla} se hace fuera de una transacción.")
    db.execute("PRAGMA foreign_keys=OFF")
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            if ya_esta not in db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [tabla]).fetchone()[0]:
                for sentencia in sentencias(guion):
                    db.execute(sentencia)
            huerfanas = db.execute("PRAGMA foreign_key_check").fetchall()
            if huerfanas:
                raise sqlite3.IntegrityError(f"Reconstruir {tabla} dejaría referencias rotas: {huerfanas[:3]}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.execute("PRAGMA foreign_keys=ON")
