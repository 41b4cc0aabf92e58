"""Accesibilidad medida en Chromium con axe-core (tests/axe.py): cada página que usa la ciudadanía, en un celular de
390×844, y el proyector en 1920×1080, sin infracciones graves ni críticas. Las demás (moderadas y menores) se
anotan en `capturas/axe.txt` y en el README."""
from __future__ import annotations

import re

import pytest

import nucleo
from identidad import participantes
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Fase
from tests import axe, navegador
from tests.ayudas import en_acta_en, proceso_en_fase, propuesta_en
from tests.conftest import FACILITADORA, copiar_viables, priorizacion_hoy
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

ANCHO, ALTO = 390, 844
RESUMEN = navegador.CAPTURAS / "axe.txt"


@pytest.fixture(scope="module")
def taller(tmp_path_factory, _plantilla_viables):
    """Servidor real: un acta firmada (lo priorizado tiene proyectos), otra votación abierta y un código."""
    carpeta = tmp_path_factory.mktemp("axe_taller")
    ruta = copiar_viables(_plantilla_viables, carpeta / "plataforma.db")
    _, codigos = _plantilla_viables
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
    en_acta = en_acta_en(ruta, codigos)
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, max_opciones=3),
                                         actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
        _, codigo = participantes.registrar_participante(
            db, proceso.id, {"nombre": "Rosa Huamán", "tipo": "joven", "ubigeo": "021201", "consentimiento": True},
            actor=FACILITADORA, ahora=nucleo.ahora())
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, creada.id, codigo, en_acta, ruta


@pytest.fixture(scope="module")
def registro(tmp_path_factory, base_app_modulo):
    """Servidor real con el proceso en registro (se puede proponer) y dos propuestas."""
    carpeta = tmp_path_factory.mktemp("axe_registro")
    with navegador.servidor({"PLATAFORMA_DB": str(base_app_modulo)}, carpeta / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def base_app_modulo(tmp_path_factory):
    from geo import servicios
    from tests.conftest import ADMIN, AHORA, CENTROS, INDICADORES, LIMITES

    ruta = tmp_path_factory.mktemp("axe_base") / "plataforma.db"
    with nucleo.abrir(ruta) as db:
        propuestas_servicios.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            servicios.importar(db, archivo, actor=ADMIN, ahora=AHORA)
    _, momento = proceso_en_fase(ruta, Fase.REGISTRO)
    propuesta_en(ruta, momento)
    propuesta_en(ruta, momento, titulo="Canal de riego para Huata", lat=-9.0, lon=-77.85)
    return ruta


def _revisar(pagina, nombre: str) -> list[dict]:
    navegador.listo(pagina)
    infracciones = axe.revisar(pagina)
    navegador.CAPTURAS.mkdir(exist_ok=True)
    with RESUMEN.open("a") as archivo:
        archivo.write(f"== {nombre}\n{axe.resumen(infracciones) or 'sin infracciones'}\n")
    navegador.capturar(pagina, f"axe_{nombre}")
    return infracciones


def _sin_graves(pagina, nombre: str) -> None:
    graves = axe.graves(_revisar(pagina, nombre))
    assert graves == [], f"{nombre}:\n{axe.resumen(graves)}"


PAGINAS = {  # nombre: (dirección, texto que dice que la página terminó de dibujarse)
    "inicio": ("", "Planificación participativa"),
    "propuestas": ("propuestas", "2 propuestas"),
    "ficha": ("propuestas?propuesta=PP27-0001", "Losa deportiva para Cashapampa"),
    "proponer": ("proponer", "Proponer un proyecto"),
    "deliberacion": ("deliberacion", "Deliberación"),
    "entrar": ("entrar", "Código de acceso"),
}


@pytest.mark.parametrize("nombre", list(PAGINAS))
def test_paginas_de_la_ciudadania_sin_infracciones_graves(chromium, registro, nombre):
    ruta, espera = PAGINAS[nombre]
    pagina = chromium.pagina(ANCHO, ALTO, celular=True)
    pagina.goto(f"{registro}/{ruta}")
    pagina.get_by_text(re.compile(re.escape(espera))).first.wait_for(timeout=60_000)
    if nombre in ("propuestas", "proponer"):
        navegador.esperar_mapa(pagina, 10)
    _sin_graves(pagina, nombre)


def test_votar_y_lo_priorizado_sin_infracciones_graves(chromium, taller):
    url, votacion_id, codigo, en_acta, _ = taller
    pagina = chromium.pagina(ANCHO, ALTO, celular=True)
    navegador.entrar_con_codigo(pagina, url, votacion_id, codigo)
    _sin_graves(pagina, "votar")
    pagina.goto(f"{url}/resultados")
    pagina.get_by_role("heading", name=re.compile("Resultados")).first.wait_for(timeout=60_000)
    _sin_graves(pagina, "resultados")
    pagina.goto(f"{url}/priorizado")
    navegador.esperar_mapa(pagina, 10)
    _sin_graves(pagina, "priorizado")
    pagina.goto(f"{url}/priorizado?proyecto={en_acta[0]}")
    pagina.get_by_text(re.compile("Línea de tiempo")).first.wait_for(timeout=60_000)
    _sin_graves(pagina, "priorizado_proyecto")


def test_el_proyector_sin_infracciones_graves(chromium, taller):
    """Con el QR mientras se vota, y con los resultados revelados (ranking, barra del techo, mapa)."""
    url, votacion_id, _, _, _ = taller
    pagina = chromium.pagina(1920, 1080)
    pagina.goto(f"{url}/proyector?taller={votacion_id}")
    pagina.get_by_text("personas unidas").first.wait_for(timeout=60_000)
    _sin_graves(pagina, "proyector")
    with nucleo.abrir(taller[4]) as db:
        votacion.mostrar_resultados(db, votacion_id, True, actor=FACILITADORA, ahora=nucleo.ahora())
    pagina.get_by_text("Resultados en vivo (parciales)").wait_for(timeout=30_000)
    _sin_graves(pagina, "proyector_resultados")
