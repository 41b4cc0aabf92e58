"""Respaldar y restaurar toda la base: un caso de uso para cada verbo, que usan la página «Respaldo» y
`python -m geo respaldar|restaurar`.

Los dos piden el permiso de respaldar (`Accion.RESPALDAR`) y registran su evento (`descargar_respaldo`,
`restaurar_respaldo`). Restaurar revisa antes el archivo contra el esquema exacto que crean sus migraciones
(`nucleo.db.revisar_respaldo`): si algo no cuadra, no toca nada, ni guarda la copia previa. Las migraciones de la
plataforma las pasa quien llama (`votacion.servicios.MIGRACIONES`): la identidad, segundo piso, no importa los
paquetes de arriba.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlite_utils import Database, Migrations

from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo import db as base
from nucleo.db import ErrorAlmacen, Evento, escritura, lectura, registrar_evento


def respaldar(db: Database, destino: str | Path, *, actor: Actor, ahora: dt.datetime) -> Path:
    """Copia consistente de la base en `destino` (aun con escrituras en curso); anota quién la sacó."""
    exigir(actor, Accion.RESPALDAR)
    with lectura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
    ruta = base.respaldar(db, destino)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        registrar_evento(db, Evento(actor.etiqueta, "descargar_respaldo", "base", "principal", None,
                                    {"bytes": ruta.stat().st_size}), momento=ahora)
    return ruta


def restaurar(db: Database, origen: str | Path, *, migraciones: Sequence[Migrations], actor: Actor,
              ahora: dt.datetime, nombre: str | None = None) -> Path:
    """Reemplaza la base por el respaldo `origen` (revisado antes) y devuelve dónde quedó la copia de la anterior:
    `respaldos/antes-de-restaurar-AAAAMMDD-HHMMSS.db` junto a la base. `nombre`: el del archivo que subió la
    persona, si `origen` es un temporal. El evento queda en la base restaurada."""
    exigir(actor, Accion.RESPALDAR)
    with lectura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
    previa = _archivo_de(db).parent / "respaldos" / f"antes-de-restaurar-{ahora:%Y%m%d-%H%M%S}.db"
    base.restaurar(db, origen, copia_previa=previa, migraciones=migraciones)
    with escritura(db):  # la sesión de quien restauró ya no está en la base restaurada: no se revisa de nuevo
        registrar_evento(db, Evento(actor.etiqueta, "restaurar_respaldo", "base", "principal", None,
                                    {"archivo": nombre or Path(origen).name, "copia_previa": previa.name}),
                         momento=ahora)
    return previa


def _archivo_de(db: Database) -> Path:
    archivo = next((fila[2] for fila in db.execute("PRAGMA database_list").fetchall() if fila[1] == "main"), "")
    if not archivo:
        raise ErrorAlmacen("Una base en memoria no se restaura: no hay carpeta donde guardar la copia previa.")
    return Path(archivo)
