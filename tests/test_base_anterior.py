"""Una base creada por el main anterior a mover la base y las cuentas fuera de `geo` (bbdb3f7) abre, migra y
conserva sus datos: cuentas, sesiones, participantes, papeletas y resultados; y se acepta como respaldo."""
import datetime as dt
import json
import shutil
import sqlite3

import nucleo
from identidad import cuentas, sesiones
from identidad.acceso import Rol
from tests.conftest import RAIZ
from votacion import almacen
from votacion import servicios as votacion

MUESTRA = RAIZ / "tests" / "muestras"


def _copia(tmp_path):
    ruta = tmp_path / "plataforma.db"
    shutil.copy(MUESTRA / "base_antes_de_nucleo.db", ruta)
    shutil.copy(MUESTRA / "base_antes_de_nucleo.clave", tmp_path / "plataforma.db.secreto")
    return ruta, json.loads((MUESTRA / "base_antes_de_nucleo.json").read_text(encoding="utf-8"))


def _conteos(ruta):
    with sqlite3.connect(ruta) as conexion:
        return {t: conexion.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("cuentas", "sesiones", "participantes", "propuestas", "papeletas", "eventos")}


def test_la_base_anterior_abre_con_sus_cuentas_sesiones_y_resultados(tmp_path):
    ruta, esperado = _copia(tmp_path)
    antes = _conteos(ruta)
    sesion = esperado.pop("_sesion")
    ahora = dt.datetime.fromisoformat(sesion["ahora"]) + dt.timedelta(minutes=5)
    db = nucleo.abrir(ruta)
    votacion.preparar(db)
    votacion.preparar(db)  # dos veces no cambia nada
    assert _conteos(ruta) == antes
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # la sesión abierta con el código anterior sigue valiendo, y la contraseña también
    assert sesiones.revisar(db, sesion["token"], ahora=ahora).actor.rol == Rol.ADMINISTRADOR
    nueva = cuentas.iniciar_sesion(db, usuario="tecnica", contrasena="huascaran nevado marzo 44", origen="10.0.0.9",
                                   ahora=ahora)
    assert nueva.actor.rol == Rol.EVALUADOR
    for votacion_id, antes_votacion in esperado.items():
        assert [v["recibo"] for v in almacen.vigentes(db, int(votacion_id))] == antes_votacion["recibos"]
        assert votacion.verificar_cadena(db, int(votacion_id)) == []
    # ninguna migración se aplicó dos veces: cada tabla se creó una sola vez
    conjuntos = db.execute("SELECT migration_set, name, count(*) FROM _sqlite_migrations GROUP BY 1, 2 "
                           "HAVING count(*) > 1").fetchall()
    assert conjuntos == []
    db.close()


def test_la_base_anterior_se_acepta_como_respaldo_y_se_restaura(tmp_path):
    ruta, _ = _copia(tmp_path)
    assert nucleo.db.revisar_respaldo(ruta, votacion.MIGRACIONES) == []
    vivo = nucleo.abrir(tmp_path / "vivo.db")
    votacion.preparar(vivo)
    nucleo.db.restaurar(vivo, ruta, copia_previa=tmp_path / "previa.db", migraciones=votacion.MIGRACIONES)
    votacion.preparar(vivo)
    assert vivo.execute("SELECT usuario FROM cuentas ORDER BY id").fetchall() == [("admin",), ("tecnica",)]
    assert nucleo.db.revisar_respaldo(tmp_path / "previa.db", votacion.MIGRACIONES) == []
    vivo.close()
