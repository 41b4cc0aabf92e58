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
from tests.ayudas import CLAVE, RECIBO, crear_equipo, en_acta_en, proceso_en_fase, propuesta_en
from tests.conftest import FACILITADORA, copiar_viables, priorizacion_hoy
from votacion import participacion
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
        crear_equipo(db)
    en_acta = en_acta_en(ruta, codigos)
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, max_opciones=3),
                                         actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
        codigos_de_acceso = [participantes.registrar_participante(
            db, proceso.id, {"nombre": nombre, "tipo": "joven", "ubigeo": "021201", "consentimiento": True},
            actor=FACILITADORA, ahora=nucleo.ahora())[1] for nombre in ("Rosa Huamán", "Juan Pérez", "Elena Quispe")]
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, creada.id, codigos_de_acceso, en_acta, ruta, list(codigos)


@pytest.fixture(scope="module")
def registro(tmp_path_factory, base_app_modulo):
    """Servidor real con el proceso en registro (se puede proponer) y dos propuestas."""
    carpeta = tmp_path_factory.mktemp("axe_registro")
    with navegador.servidor({"PLATAFORMA_DB": str(base_app_modulo)}, carpeta / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def base_app_modulo(tmp_path_factory):
    from tests.conftest import con_territorio

    ruta = con_territorio(tmp_path_factory.mktemp("axe_base") / "plataforma.db")
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
    url, votacion_id, codigos_de_acceso, en_acta, _, _ = taller
    pagina = chromium.pagina(ANCHO, ALTO, celular=True)
    navegador.entrar_con_codigo(pagina, url, votacion_id, codigos_de_acceso[0])
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
    url, votacion_id, *_ = taller
    pagina = chromium.pagina(1920, 1080)
    pagina.goto(f"{url}/proyector?taller={votacion_id}")
    pagina.get_by_text("personas unidas").first.wait_for(timeout=60_000)
    _sin_graves(pagina, "proyector")
    with nucleo.abrir(taller[4]) as db:
        votacion.mostrar_resultados(db, votacion_id, True, actor=FACILITADORA, ahora=nucleo.ahora())
    pagina.get_by_text("Resultados en vivo (parciales)").wait_for(timeout=30_000)
    _sin_graves(pagina, "proyector_resultados")


# --- con el teclado solo, y con la letra al 200 % -------------------------------------------------------------

def _tab_hasta(pagina, condicion: str, maximo: int = 120) -> None:
    """Tab hasta que el elemento con el foco cumpla `condicion` (JS sobre `e`, el elemento enfocado)."""
    for _ in range(maximo):
        pagina.keyboard.press("Tab")
        if pagina.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({condicion}); }}"):
            return
    foco = pagina.evaluate("() => document.activeElement?.outerHTML.slice(0, 200)")
    raise AssertionError(f"Con Tab no se llegó a «{condicion}»; el foco quedó en {foco}")


def _boton(texto: str) -> str:
    return f"e.tagName === 'BUTTON' && e.innerText.trim() === {texto!r}"


def _campo(etiqueta: str) -> str:
    """Un campo (no el botón de ayuda que lo acompaña) cuya etiqueta contiene `etiqueta`."""
    return (f"['INPUT', 'TEXTAREA'].includes(e.tagName) && ([...(e.labels || [])].some(l => "
            f"l.innerText.includes({etiqueta!r})) || (e.getAttribute('aria-label') || '').includes({etiqueta!r}))")


def test_votar_solo_con_el_teclado(chromium, taller):
    """Sin ratón ni toque: Tab hasta el código, escribirlo, Enter; Tab hasta una tarjeta, Espacio; Tab hasta
    «Votar», Enter; y llega el recibo."""
    url, votacion_id, codigos_de_acceso, *_ = taller
    pagina = chromium.pagina(ANCHO, ALTO)
    pagina.goto(f"{url}/votar?votacion={votacion_id}")
    pagina.get_by_label("Código de acceso (está en su tarjeta)").wait_for(timeout=60_000)
    navegador.listo(pagina)
    _tab_hasta(pagina, _campo("Código de acceso"))
    pagina.keyboard.type(codigos_de_acceso[1])
    _tab_hasta(pagina, _boton("Entrar y votar"))
    pagina.keyboard.press("Enter")
    pagina.get_by_text(re.compile("Bienvenida o bienvenido")).wait_for(timeout=30_000)
    navegador.listo(pagina)
    tarjeta = f'[class*="st-key-votar_{votacion_id}_"]'  # la primera tarjeta de la papeleta
    _tab_hasta(pagina, f"e.type === 'checkbox' && !!e.closest({tarjeta!r})")
    pagina.keyboard.press("Space")
    expect(pagina.locator("input[type=checkbox]:focus")).to_be_checked()
    expect(pagina.locator(".papeleta-cuenta").first).to_have_text("Elegidas: 1 de 3")
    _tab_hasta(pagina, _boton("Votar"))
    pagina.keyboard.press("Enter")
    pagina.get_by_text(RECIBO).wait_for(timeout=30_000)
    navegador.capturar(pagina, "votar_con_teclado")


def test_votar_con_la_letra_al_doble(chromium, taller):
    """Un celular de 390 px con el zoom al 200 %: nada se sale a los costados y se vota igual."""
    url, votacion_id, codigos_de_acceso, _, _, propuestas = taller
    pagina = chromium.pagina(ANCHO, ALTO, celular=True, zoom=2)
    navegador.entrar_con_codigo(pagina, url, votacion_id, codigos_de_acceso[2])
    ancho, visible = pagina.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert ancho <= visible, f"con la letra al 200 % la página mide {ancho} px en una pantalla de {visible}"
    pagina.locator(f".st-key-votar_{votacion_id}_{propuestas[1]}").get_by_text("Elijo esta").click()
    pagina.get_by_role("button", name="Votar").click()
    pagina.get_by_text(RECIBO).wait_for(timeout=30_000)
    navegador.capturar(pagina, "votar_letra_al_doble")


@pytest.mark.parametrize("zoom, centro, distrito", [(1, "Cochamarca", "Mato"), (2, "Choquechaca", "Caraz")],
                         ids=["normal", "letra_al_doble"])
def test_proponer_solo_con_el_teclado(chromium, registro, zoom, centro, distrito):
    """Sin ratón ni mapa: los textos, el centro poblado buscado por su nombre (la alternativa al mapa), quién
    propone, el consentimiento con Espacio y «Registrar propuesta» con Enter; también con la letra al 200 %."""
    pagina = chromium.pagina(ANCHO, ALTO, zoom=zoom)
    pagina.goto(f"{registro}/proponer")
    pagina.get_by_text("Proponer un proyecto").first.wait_for(timeout=60_000)
    navegador.esperar_mapa(pagina, 10)
    navegador.listo(pagina)
    titulo = f"Biblioteca comunal para {centro}"
    for etiqueta, texto in (("Título de la propuesta", titulo),
                            ("¿Qué problema hay?", "Los escolares no tienen libros ni un lugar para estudiar."),
                            ("¿Qué proponen hacer?", "Equipar un local comunal con libros, mesas y luz eléctrica.")):
        _tab_hasta(pagina, _campo(etiqueta))
        pagina.keyboard.type(texto)
    _tab_hasta(pagina, _campo("Centro poblado"))
    pagina.keyboard.type(centro)
    pagina.get_by_role("option", name=re.compile(f"^{centro}")).first.wait_for(timeout=30_000)
    pagina.keyboard.press("Enter")
    pagina.get_by_text(re.compile("queda en el distrito de")).wait_for(timeout=30_000)
    navegador.listo(pagina)
    _tab_hasta(pagina, _campo("Propone"))
    propone = pagina.locator("input:focus")
    # El mapa avisa al servidor cuando termina de dibujarse (st_folium): si esa ejecución llega justo al elegir, la
    # elección puede volver atrás; en una máquina cargada se elige de nuevo, como haría la persona al verlo.
    for _ in range(3):
        pagina.keyboard.type("Joven")
        pagina.get_by_role("option", name=re.compile("^Joven")).first.wait_for(timeout=30_000)
        pagina.keyboard.press("Enter")
        pagina.wait_for_timeout(300)  # deja salir la ejecución que dispara la elección antes de mirar si terminó
        navegador.listo(pagina)
        try:
            expect(propone).to_have_value(re.compile("^Joven"), timeout=5_000)
            break
        except AssertionError:
            pagina.keyboard.press("Escape")
    expect(propone).to_have_value(re.compile("^Joven"))
    _tab_hasta(pagina, _campo("Nombre (se publica"))
    pagina.keyboard.type("Yeni Vásquez")
    _tab_hasta(pagina, "e.type === 'checkbox' && " + _campo("Acepto que la MCLCP"))
    pagina.keyboard.press("Space")
    expect(pagina.locator("input[type=checkbox]:focus")).to_be_checked()
    navegador.listo(pagina)
    _tab_hasta(pagina, _boton("Registrar propuesta"))
    pagina.keyboard.press("Enter")
    try:
        pagina.get_by_text(re.compile(f"quedó registrada en el distrito de {distrito}")).wait_for(timeout=60_000)
    except AssertionError:
        raise
    except Exception as error:  # lo que se ve, para saber por qué no se registró
        navegador.capturar(pagina, f"proponer_con_teclado_{zoom}x_fallo")
        texto = pagina.evaluate("() => document.querySelector('[data-testid=stMain]')?.innerText.slice(0, 600) + "
                                "[...document.querySelectorAll('input, textarea')].map(i => (i.getAttribute("
                                "'aria-label') || i.labels?.[0]?.innerText || '?') + '=' + i.value).join(' | ')")
        raise AssertionError(f"No se registró; en pantalla:\n{texto}") from error
    navegador.capturar(pagina, f"proponer_con_teclado_{zoom}x")


def test_quien_participa_en_el_navegador(chromium, taller):
    """El informe de participación como lo ve la facilitación: la priorización cuenta a quienes votaron en el taller
    y una actividad con su asistencia, por sexo y edad."""
    url, _, _, _, ruta, _ = taller
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        ids = [participantes.registrar_participante(
            db, proceso.id, {"nombre": f"Vecina {i}", "tipo": "joven", "ubigeo": "021201", "sexo": "mujer",
                             "edad": 16 + i, "consentimiento": True}, actor=FACILITADORA, ahora=nucleo.ahora())[0]
            for i in range(7)]
        actividad = participacion.crear_actividad(db, proceso.id, {"etapa": "diagnostico", "nombre": "Taller en Mato",
                                                                   "fecha": "2026-10-10"}, actor=FACILITADORA,
                                                  ahora=nucleo.ahora())
        participacion.anotar_asistencia(db, actividad, ids, actor=FACILITADORA, ahora=nucleo.ahora())
        votaron = participacion.totales(db, proceso.id, actor=FACILITADORA)["priorizacion"]
    assert int(votaron) >= 12  # los del acta y los que votaron en las pruebas de arriba
    pagina = chromium.pagina(1366, 1000)
    navegador.entrar(pagina, url, "fabi", CLAVE)
    pagina.goto(f"{url}/participacion")
    pagina.get_by_text("Personas por etapa").wait_for(timeout=60_000)
    navegador.listo(pagina)
    expect(pagina.get_by_test_id("stMetric").filter(has_text="Diagnóstico")).to_contain_text("7")
    expect(pagina.get_by_test_id("stMetric").filter(has_text="Priorización")).to_contain_text(votaron)
    pagina.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=30_000)
    navegador.capturar(pagina, "participacion_informe")
    pagina.get_by_role("tab", name="Edad").click()
    expect(pagina.get_by_role("tab", name="Edad")).to_have_attribute("aria-selected", "true")
    navegador.capturar(pagina, "participacion_por_edad")
