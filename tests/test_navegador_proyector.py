"""El proyector y la consola del taller en Chromium, como los ve la sala.

El proyector a 1920×1080 y 1280×720, con 2 y con 30 propuestas: abierto, tras revelar los resultados con la
votación abierta y cerrado. Todo lo importante cabe sin desplazarse (el QR y su dirección mientras se pueda votar,
los contadores, la cuenta regresiva, la barra del techo, el ranking y el mapa), la letra se lee desde el fondo
(también los nombres de los distritos del mapa), ninguna etiqueta de la barra del techo queda cortada y se dice
por qué no se financió la primera que no alcanzó. La consola: los contadores y la asistencia dicen lo mismo, y
se actualizan juntos sin recargar.
"""
import base64
import datetime as dt
import random
import re

import pytest

import geo
from geo.acceso import Actor, Rol
from propuestas import participantes
from propuestas import servicios as propuestas_servicios
from tests import navegador
from tests.conftest import ADMIN, AHORA, CENTROS, FACILITADORA, INDICADORES, LIMITES, crear_viables
from tests.test_navegador_votacion import CLAVE, _priorizacion_hoy, crear_equipo
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

PANTALLAS = [(1920, 1080), (1280, 720)]
# letra mínima: 1/40 del alto de la pantalla (27 px a 1080, 18 px a 720), la que se lee desde el fondo de la sala
LETRA_MINIMA = 1 / 40
COSTOS = [300_000, 250_000, 200_000, 150_000, 120_000, 80_000, 95_000, 310_000, 60_000, 175_000]
DISTRITOS = ["021201", "021202", "021203", "021204", "021205", "021206", "021207", "021208", "021209", "021210"]


@pytest.fixture(scope="module")
def sala(tmp_path_factory):
    """Servidor real con 30 propuestas viables (títulos largos, de todos los distritos) y el equipo de siempre."""
    carpeta = tmp_path_factory.mktemp("sala")
    ruta = carpeta / "plataforma.db"
    with geo.abrir(ruta) as db:
        votacion.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            geo.servicios.importar(db, archivo, actor=ADMIN, ahora=AHORA)
        propuestas_servicios.crear_proceso(db, propuestas_servicios.proceso_sugerido("0212", dt.date(2026, 12, 1)),
                                           actor=ADMIN, ahora=AHORA)
        codigos = crear_viables(db, [f"S/ {COSTOS[i % len(COSTOS)]:,}" for i in range(30)])
        _priorizacion_hoy(db)
        crear_equipo(db)
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, codigos


def _nueva_votacion(ruta, codigos, *, nombre, techo=85_000_000) -> int:
    with geo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(
            db, votacion.nueva_votacion(db, proceso.id, nombre=nombre, max_opciones=min(3, len(codigos)),
                                        regla="greedy", techo_centimos=techo, lugar="Local comunal de Caraz"),
            codigos, actor=FACILITADORA, ahora=geo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=geo.ahora())
    return creada.id


def _votan(ruta, votacion_id, codigos, cuantos, *, semilla=1) -> None:
    """`cuantos` agentes participantes (de distintos distritos y organizaciones) se unen con el QR y votan."""
    azar = random.Random(semilla)
    with geo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        for i in range(cuantos):
            pid, _ = participantes.registrar_participante(
                db, proceso.id, {"nombre": f"Persona {votacion_id}-{i + 1}", "tipo": "joven",
                                 "ubigeo": DISTRITOS[i % len(DISTRITOS)], "organizacion": f"Comité {i % 3 + 1}",
                                 "consentimiento": True}, actor=FACILITADORA, ahora=AHORA)
            actor = Actor(Rol.PARTICIPANTE, f"participante {pid}", participante_id=pid)
            votacion.unirse(db, votacion_id, actor=actor, ahora=geo.ahora())
            elegidas = tuple(azar.sample(codigos, min(3, len(codigos))))
            votacion.emitir(db, votacion_id, Papeleta(elegidas), actor=actor, ahora=geo.ahora())


def _listo(pagina):
    pagina.wait_for_selector('.stApp[data-test-script-state="notRunning"]', timeout=30_000)


# --- la consola ------------------------------------------------------------------------------------------------

def test_la_consola_no_se_contradice(sala, chromium):
    """Se abre la consola con nadie unido; llegan tres personas por el QR y votan: los contadores y la asistencia
    (el resumen y sus tablas) pasan a 3 juntos, sin recargar, y nunca hay una tabla vacía («empty»)."""
    url, ruta, codigos = sala
    votacion_id = _nueva_votacion(ruta, codigos[:6], nombre="Taller de la consola")
    consola = chromium.pagina(1366, 900)
    navegador.entrar(consola, url, "fabi", CLAVE)
    navegador.ir_a(consola, "Taller en vivo (consola)")
    consola.get_by_label("Votación").wait_for(timeout=30_000)
    _listo(consola)
    metrica = consola.get_by_test_id("stMetric").filter(has_text="Personas unidas")
    expect(metrica).to_contain_text("0", timeout=30_000)
    expect(consola.get_by_text(re.compile(r"^0 personas en el taller"))).to_be_visible()
    consola.evaluate("window.__sin_recargar = true")

    _votan(ruta, votacion_id, codigos[:6], 3)
    expect(metrica).to_contain_text("3", timeout=30_000)
    expect(consola.get_by_test_id("stMetric").filter(has_text="Papeletas")).to_contain_text("3")
    expect(consola.get_by_text(re.compile(r"^3 personas en el taller"))).to_be_visible(timeout=5_000)
    expect(consola.get_by_text(re.compile(r"3 ya votaron"))).to_be_visible()
    tablas = consola.get_by_test_id("stDataFrame")
    expect(tablas).to_have_count(2)
    assert "empty" not in consola.get_by_test_id("stMain").inner_text()
    assert consola.evaluate("window.__sin_recargar === true"), "la consola se recargó entera"
    navegador.capturar(consola, "consola_1366")
