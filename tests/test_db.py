"""Almacenamiento: migraciones, escritura atómica, eventos de solo agregar, concurrencia."""
import sqlite3
import threading

import pytest
from sqlite_utils import Migrations

import geo
from geo import almacen
from geo.db import Evento, ErrorAlmacen, escritura, listar_eventos, marca, registrar_evento
from tests.conftest import AHORA, filas


def test_aplicar_migraciones_dos_veces_no_cambia_nada(db):
    antes = db.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall()
    esquema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    almacen.aplicar_migraciones(db)
    assert db.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall() == antes
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == esquema
    assert [n for (n,) in antes] == ["crear_eventos", "crear_territorio", "crear_cuentas", "crear_sesiones"]


def test_migracion_que_falla_se_revierte_y_queda_pendiente(db):
    prueba = Migrations("prueba")

    @prueba()
    def crear_tabla_y_fallar(base):
        base.execute("CREATE TABLE a_medias (id INTEGER)")
        base.execute("INSERT INTO a_medias VALUES (1)")
        raise RuntimeError("falla a propósito")

    with pytest.raises(RuntimeError):
        prueba.apply(db)
    assert not db["a_medias"].exists()
    assert [m.name for m in prueba.pending(db)] == ["crear_tabla_y_fallar"]


def test_escritura_que_falla_no_deja_nada(db):
    with pytest.raises(ZeroDivisionError):
        with escritura(db):
            registrar_evento(db, Evento("prueba", "accion", "cosa", "1"), momento=AHORA)
            1 / 0
    assert filas(db, "eventos") == 0


def test_escritura_anidada_revierte_solo_lo_interior(db):
    with escritura(db):
        registrar_evento(db, Evento("prueba", "exterior", "cosa", "1"), momento=AHORA)
        with pytest.raises(ValueError):
            with escritura(db):
                registrar_evento(db, Evento("prueba", "interior", "cosa", "1"), momento=AHORA)
                raise ValueError
    assert [e["accion"] for e in listar_eventos(db)] == ["exterior"]


@pytest.mark.parametrize("sentencia", ["UPDATE eventos SET actor = 'otro'", "DELETE FROM eventos"],
                         ids=["modificar", "borrar"])
def test_eventos_es_de_solo_agregar(db, sentencia):
    with escritura(db):
        registrar_evento(db, Evento("ana", "crear", "cosa", "7", antes=None, despues={"x": 1}), momento=AHORA)
    with pytest.raises(sqlite3.IntegrityError, match="solo agregar"):
        db.execute(sentencia)
    evento = listar_eventos(db)[0]
    assert (evento["actor"], evento["despues"], evento["ocurrido_en"]) == ("ana", {"x": 1}, marca(AHORA))


def test_registrar_evento_fuera_de_escritura_falla(db):
    with pytest.raises(ErrorAlmacen):
        registrar_evento(db, Evento("ana", "crear", "cosa", "7"), momento=AHORA)


def test_hora_sin_zona_se_rechaza():
    import datetime as dt
    with pytest.raises(ValueError, match="zona"):
        marca(dt.datetime(2026, 1, 1))


def test_base_nueva_usa_wal_y_espera(db_archivo):
    assert db_archivo.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db_archivo.execute("PRAGMA busy_timeout").fetchone()[0] == geo.db.ESPERA_CANDADO_MS == 15_000
    assert db_archivo.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_ruta_por_defecto_y_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("PLATAFORMA_DB", raising=False)
    assert geo.ruta_configurada().parts[-2:] == ("datos", "plataforma.db")
    monkeypatch.setenv("PLATAFORMA_DB", str(tmp_path / "x.db"))
    assert geo.ruta_configurada() == tmp_path / "x.db"


def test_base_de_solo_lectura_da_mensaje_claro(db_archivo):
    db_archivo.execute("PRAGMA query_only = ON")
    with pytest.raises(ErrorAlmacen, match="solo lectura"):
        with escritura(db_archivo):
            registrar_evento(db_archivo, Evento("ana", "crear", "cosa", "1"), momento=AHORA)


def test_lecturas_y_escrituras_concurrentes_no_pierden_nada(tmp_path):
    """Cada hilo con su conexión; leer-y-luego-escribir con BEGIN IMMEDIATE no pierde incrementos."""
    ruta = tmp_path / "concurrencia.db"
    with geo.abrir(ruta) as base:
        base.execute("CREATE TABLE contador (id INTEGER PRIMARY KEY, valor INTEGER)")
        base.execute("INSERT INTO contador VALUES (1, 0)")
    hilos, vueltas, fallas = 8, 50, []

    def trabajar():
        base = geo.abrir(ruta)
        try:
            for _ in range(vueltas):
                with escritura(base):
                    (valor,) = base.execute("SELECT valor FROM contador WHERE id = 1").fetchone()
                    base.execute("UPDATE contador SET valor = ? WHERE id = 1", [valor + 1])
        except Exception as error:  # noqa: BLE001 - se informa abajo
            fallas.append(error)
        finally:
            base.close()

    trabajos = [threading.Thread(target=trabajar) for _ in range(hilos)]
    for t in trabajos:
        t.start()
    for t in trabajos:
        t.join()
    assert fallas == []
    with geo.abrir(ruta) as base:
        assert base.execute("SELECT valor FROM contador").fetchone()[0] == hilos * vueltas
