"""Fixtures compartidas: bases en memoria y los datos reales de ../shared/geo (nunca copiados)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import geo
from geo import servicios
from geo.acceso import PUBLICO, Actor, Rol
from geo.lectura import leer_limites
from geo.modelo import Territorio

RAIZ = Path(__file__).resolve().parent.parent
GEO = RAIZ.parent / "shared" / "geo"
LIMITES = GEO / "huaylas_distritos.geojson"
INDICADORES = GEO / "huaylas_distritos_datos.csv"
CENTROS = GEO / "huaylas_centros_poblados.csv"
PERU = GEO / "peru_distritos.geojson"
ANCASH = GEO / "ancash_distritos.geojson"
AHORA = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.timezone.utc)
ADMIN = Actor(Rol.ADMINISTRADOR, "admin", cuenta_id=1)
EVALUADORA = Actor(Rol.EVALUADOR, "evaluadora", cuenta_id=2)
FACILITADORA = Actor(Rol.FACILITADOR, "facilitadora", cuenta_id=3)


def pytest_configure(config):
    if not LIMITES.exists():
        raise pytest.UsageError(f"Faltan los datos de prueba en {GEO} (../shared/geo junto al repositorio).")


@pytest.fixture(scope="module")
def chromium():
    """Chromium real (de Debian) con Playwright; bloquea y anota todo lo que no sea 127.0.0.1."""
    from playwright.sync_api import sync_playwright

    from tests import navegador

    with sync_playwright() as playwright:
        instancia = navegador.Navegador(playwright)
        yield instancia
        instancia.cerrar()


@pytest.fixture
def db():
    base = geo.abrir(memoria=True)
    servicios.preparar(base)
    yield base
    base.close()


@pytest.fixture
def db_archivo(tmp_path):
    base = geo.abrir(tmp_path / "plataforma.db")
    servicios.preparar(base)
    yield base
    base.close()


@pytest.fixture(scope="session")
def territorio() -> Territorio:
    return Territorio(provincia="0212", distritos=leer_limites(LIMITES).distritos)


@pytest.fixture
def db_con_territorio(db):
    servicios.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
    servicios.importar(db, INDICADORES, actor=ADMIN, ahora=AHORA)
    servicios.importar(db, CENTROS, actor=ADMIN, ahora=AHORA)
    return db


def filas(db, tabla: str) -> int:
    return db.execute(f"SELECT count(*) FROM {tabla}").fetchone()[0]


HOY_REGISTRO = dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.timezone.utc)  # 5 dic: fase de registro
HOY_EVALUACION = dt.datetime(2027, 1, 25, 15, 0, tzinfo=dt.timezone.utc)  # fase de evaluación técnica

DATOS_JOVEN = {
    "profundidad": "joven", "titulo": "Losa deportiva para Cashapampa",
    "problema": "Los jóvenes no tienen dónde hacer deporte y los niños juegan en la carretera.",
    "propuesta": "Construir una losa multiusos con graderías junto al colegio del centro poblado.",
    "proponente_tipo": "joven", "proponente_nombre": "Rosa Huamán", "contacto": "987654321",
    "lat": -9.0485, "lon": -77.8046,
}


@pytest.fixture
def db_proceso(db_con_territorio):
    from propuestas import servicios as propuestas_servicios
    propuestas_servicios.preparar(db_con_territorio)
    proceso = propuestas_servicios.proceso_sugerido("0212", dt.date(2026, 12, 1))
    propuestas_servicios.crear_proceso(db_con_territorio, proceso, actor=ADMIN, ahora=AHORA)
    return db_con_territorio


def registrar_propuesta(db, datos=None, ahora=None):
    from propuestas import servicios as propuestas_servicios
    proceso = propuestas_servicios.proceso_actual(db)
    clave = propuestas_servicios.crear_borrador(db, proceso.id, actor=PUBLICO, ahora=ahora or HOY_REGISTRO)
    propuestas_servicios.guardar_borrador(db, clave, datos or DATOS_JOVEN, ahora=ahora or HOY_REGISTRO)
    return propuestas_servicios.registrar(db, clave, actor=PUBLICO, ahora=ahora or HOY_REGISTRO)
