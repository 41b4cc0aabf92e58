"""Crea `base_antes_de_nucleo.db` (y su `.json`) con el código de main ANTERIOR a mover la base y las cuentas
fuera de `geo` (bbdb3f7): las migraciones de `eventos`, `cuentas` y `sesiones` están ahí en el conjunto «geo».

Así se prueba que una base de esa versión sigue abriendo, con sus cuentas, sesiones y resultados. Se corre con el
código viejo:

    git archive bbdb3f7 | tar -x -C /tmp/main
    cd /tmp/main && PYTHONPATH=/tmp/main python tests/muestras/crear_base_de_main.py /tmp/salida
    PYTHONPATH=/tmp/main python RUTA/crear_base_antes_de_nucleo.py /tmp/salida tests/muestras

Copie también `base_de_main.db.secreto` (la clave de los sellos) como `base_antes_de_nucleo.clave` (los
`*.secreto` no se versionan).
Parte de la base de `crear_base_de_main.py` (procesos, propuestas, participantes, dos votaciones) y le agrega
dos cuentas del equipo y una sesión abierta. El .json anota la sesión y lo que la base contaba.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import geo
from geo import cuentas
from geo.acceso import LINEA_DE_COMANDOS, Rol

HOY = dt.datetime(2027, 2, 14, 16, 0, tzinfo=dt.timezone.utc)


def main(origen: Path, destino: Path) -> None:
    destino.mkdir(parents=True, exist_ok=True)
    ruta = destino / "base_antes_de_nucleo.db"
    shutil.copy(origen / "base_de_main.db", ruta)
    esperado = json.loads((origen / "base_de_main.json").read_text(encoding="utf-8"))
    db = geo.abrir(ruta)
    cuentas.crear_cuenta(db, usuario="admin", nombre="Rosa Administra", rol=Rol.ADMINISTRADOR,
                         contrasena="caraz lluvia puente 1987", actor=LINEA_DE_COMANDOS, ahora=HOY)
    sesion = cuentas.iniciar_sesion(db, usuario="admin", contrasena="caraz lluvia puente 1987", origen="10.0.0.9",
                                    ahora=HOY)
    admin = sesion.actor
    cuentas.crear_cuenta(db, usuario="tecnica", nombre="Ana Evalúa", rol=Rol.EVALUADOR,
                         contrasena="huascaran nevado marzo 44", actor=admin, ahora=HOY)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    esperado["_sesion"] = {"token": sesion.token, "usuario": "admin", "ahora": HOY.isoformat()}
    (destino / "base_antes_de_nucleo.json").write_text(json.dumps(esperado, indent=1, ensure_ascii=False),
                                                      encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
