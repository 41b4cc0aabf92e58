"""Almacenamiento: migraciones, escritura atómica, eventos de solo agregar, concurrencia."""
import sqlite3
import threading

import pytest
from sqlite_utils import Migrations

import nucleo
from geo import almacen as territorio_almacen
from geo import servicios
from identidad import almacen as identidad_almacen
from nucleo import esquema as esquema_nucleo
from nucleo.db import ErrorAlmacen, Evento, escritura, listar_eventos, marca, registrar_evento
from tests.conftest import AHORA, filas


def test_aplicar_migraciones_dos_veces_no_cambia_nada(db):
    antes = db.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall()
    esquema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    servicios.preparar(db)
    assert db.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall() == antes
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == esquema
    assert antes == [("nucleo", "crear_eventos"), ("identidad", "crear_cuentas"), ("identidad", "crear_sesiones"),
                     ("identidad", "cuentas_de_vigilancia"), ("geo", "crear_territorio")]


def test_una_base_con_las_migraciones_de_antes_en_geo_las_hereda_sin_repetirlas(tmp_path):
    """Antes, `eventos`, `cuentas` y `sesiones` se creaban en el conjunto «geo»: una base así no las vuelve a crear
    (fallaría con «table eventos already exists») y queda anotada igual que una nueva."""
    viejas = Migrations("geo")
    for funcion in (esquema_nucleo.crear_eventos, territorio_almacen.crear_territorio,
                    identidad_almacen.crear_cuentas, identidad_almacen.crear_sesiones):
        viejas(name=funcion.__name__)(funcion)
    base = nucleo.abrir(tmp_path / "vieja.db")
    viejas.apply(base)
    servicios.preparar(base)
    assert sorted(base.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()) == sorted([
        ("nucleo", "crear_eventos"), ("identidad", "crear_cuentas"), ("identidad", "crear_sesiones"),
        ("identidad", "cuentas_de_vigilancia"), ("geo", "crear_territorio")])
    base.close()


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
    assert db_archivo.execute("PRAGMA busy_timeout").fetchone()[0] == nucleo.db.ESPERA_CANDADO_MS == 15_000
    assert db_archivo.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_ruta_por_defecto_y_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("PLATAFORMA_DB", raising=False)
    assert nucleo.ruta_configurada().parts[-2:] == ("datos", "plataforma.db")
    monkeypatch.setenv("PLATAFORMA_DB", str(tmp_path / "x.db"))
    assert nucleo.ruta_configurada() == tmp_path / "x.db"


def test_base_de_solo_lectura_da_mensaje_claro(db_archivo):
    db_archivo.execute("PRAGMA query_only = ON")
    with pytest.raises(ErrorAlmacen, match="solo lectura"):
        with escritura(db_archivo):
            registrar_evento(db_archivo, Evento("ana", "crear", "cosa", "1"), momento=AHORA)


def test_lecturas_y_escrituras_concurrentes_no_pierden_nada(tmp_path):
    """Cada hilo con su conexión; leer-y-luego-escribir con BEGIN IMMEDIATE no pierde incrementos."""
    ruta = tmp_path / "concurrencia.db"
    with nucleo.abrir(ruta) as base:
        base.execute("CREATE TABLE contador (id INTEGER PRIMARY KEY, valor INTEGER)")
        base.execute("INSERT INTO contador VALUES (1, 0)")
    hilos, vueltas, fallas = 8, 50, []

    def trabajar():
        base = nucleo.abrir(ruta)
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
    with nucleo.abrir(ruta) as base:
        assert base.execute("SELECT valor FROM contador").fetchone()[0] == hilos * vueltas
