"""Seguridad vista en Chromium: páginas por URL sin el rol, texto malicioso como texto, respaldo restaurado."""
import re

import pytest

import geo
from geo import cuentas
from geo import servicios as territorio
from geo.acceso import LINEA_DE_COMANDOS, Rol
from propuestas import participantes, servicios
from tests import navegador
from tests.conftest import ADMIN, AHORA, CENTROS, DATOS_JOVEN, FACILITADORA, INDICADORES, LIMITES, filas
from votacion.servicios import MIGRACIONES

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

CLAVE = "una contraseña larga"
MALICIOSO = "<img src=x onerror=alert(1)>"
HOY = servicios.fecha_local(geo.ahora())


def _base(ruta, *, con_datos: bool):
    with geo.abrir(ruta) as db:
        servicios.preparar(db)
        cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
        if not con_datos:
            return None
        for archivo in (LIMITES, INDICADORES, CENTROS):
            territorio.importar(db, archivo, actor=ADMIN, ahora=AHORA)
        proceso = servicios.crear_proceso(db, servicios.proceso_sugerido("0212", HOY), actor=ADMIN, ahora=AHORA)
        clave = servicios.crear_borrador(db, proceso.id, actor=ADMIN, ahora=geo.ahora())
        servicios.guardar_borrador(db, clave, {**DATOS_JOVEN, "titulo": MALICIOSO, "problema": MALICIOSO * 2},
                                   ahora=geo.ahora())
        servicios.registrar(db, clave, actor=ADMIN, ahora=geo.ahora())
        _, codigo = participantes.registrar_participante(
            db, proceso.id, {"nombre": "Rosa Huamán", "tipo": "joven", "consentimiento": True}, actor=FACILITADORA,
            ahora=AHORA)
        return codigo


@pytest.fixture(scope="module")
def instancia(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("seguridad")
    codigo = _base(carpeta / "plataforma.db", con_datos=True)
    with navegador.servidor({"PLATAFORMA_DB": str(carpeta / "plataforma.db")}, carpeta / "streamlit.log") as url:
        yield url, carpeta / "plataforma.db", codigo


@pytest.fixture
def vigilado(chromium):
    """Página de Chromium que anota todo diálogo de JavaScript (alert) que se abra."""
    chromium.externas.clear()
    chromium.errores.clear()
    pagina = chromium.pagina()
    dialogos = []
    pagina.on("dialog", lambda d: (dialogos.append(d.message), d.dismiss()))
    yield pagina, dialogos
    assert dialogos == [], "se ejecutó JavaScript inyectado"
    assert chromium.externas == [] and chromium.errores == []


def test_participante_con_codigo_no_llega_a_las_paginas_del_equipo(instancia, vigilado):
    url, _, codigo = instancia
    pagina, _ = vigilado
    pagina.goto(f"{url}/entrar?codigo={codigo}")
    expect(pagina.get_by_label("Código de acceso (está en su tarjeta)")).to_have_value(codigo)
    pagina.get_by_role("button", name="Entrar con mi código").click()
    pagina.get_by_text(re.compile("Entró como participante")).wait_for(timeout=30_000)
    menu = pagina.get_by_test_id("stSidebar")
    assert menu.get_by_role("link", name="Proponer").count() == 1
    assert menu.get_by_role("link", name="Evaluación técnica").count() == 0
    for ruta in ("evaluar", "procesos", "participantes", "cuentas", "respaldo", "territorio", "votaciones"):
        pagina.goto(f"{url}/{ruta}")
        pagina.get_by_role("heading", name="Sin acceso").wait_for(timeout=30_000)
        expect(pagina.get_by_text(re.compile("hace falta otro rol"))).to_have_count(1)
        pagina.wait_for_selector('.stApp[data-test-script-state="notRunning"]', timeout=30_000)
        assert pagina.locator("[data-testid=stDataFrame], form, input[type=file]").count() == 0
    navegador.capturar(pagina, "sin_acceso")


def test_titulo_malicioso_se_ve_como_texto_en_lista_mapa_y_ficha(instancia, vigilado):
    url, _, _ = instancia
    pagina, dialogos = vigilado
    pagina.set_viewport_size({"width": 1366, "height": 1400})  # el mapa entero a la vista, como al tocarlo
    pagina.goto(f"{url}/propuestas")
    pagina.get_by_text("1 propuesta", exact=True).wait_for(timeout=30_000)
    marco = pagina.frame_locator(navegador.IFRAME_MAPA).first
    marco.locator(".punto-propuesta").wait_for(timeout=30_000)
    pagina.wait_for_selector('.stApp[data-test-script-state="notRunning"]', timeout=30_000)
    marco.locator(".punto-propuesta").last.click()
    popup = marco.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    navegador.capturar(pagina, "popup_malicioso")
    expect(popup).to_contain_text(MALICIOSO)
    assert popup.locator("img").count() == 0
    pagina.goto(f"{url}/propuestas?propuesta=PP27-0001")
    pagina.get_by_role("heading", name=f"PP27-0001 · {MALICIOSO}").wait_for(timeout=30_000)
    assert pagina.locator("[data-testid=stMain] img[src='x']").count() == 0
    pagina.get_by_text(MALICIOSO * 2).wait_for(timeout=30_000)
    pagina.wait_for_timeout(500)
    navegador.capturar(pagina, "ficha_texto_malicioso")


def test_respaldo_de_una_instancia_se_restaura_en_otra_nueva(instancia, vigilado, tmp_path):
    url, ruta, _ = instancia
    pagina, _ = vigilado
    navegador.entrar(pagina, url, "ana", CLAVE)
    navegador.ir_a(pagina, "Respaldo")
    pagina.get_by_role("button", name="Preparar respaldo").click()
    with pagina.expect_download() as descarga:
        pagina.get_by_role("button", name="Descargar respaldo").click()
    archivo = tmp_path / "respaldo.db"
    descarga.value.save_as(archivo)
    assert geo.db.revisar_respaldo(archivo, MIGRACIONES) == []

    nueva = tmp_path / "nueva"
    nueva.mkdir()
    _base(nueva / "plataforma.db", con_datos=False)
    with navegador.servidor({"PLATAFORMA_DB": str(nueva / "plataforma.db")}, nueva / "streamlit.log") as url_nueva:
        navegador.entrar(pagina, url_nueva, "ana", CLAVE)
        navegador.ir_a(pagina, "Respaldo")
        pagina.locator("input[type=file]").set_input_files(str(archivo))
        pagina.get_by_text("Entiendo que los datos actuales se reemplazan").click()
        pagina.get_by_role("button", name="Restaurar").click()
        pagina.get_by_text("Base restaurada").wait_for(timeout=30_000)
        pagina.goto(f"{url_nueva}/propuestas?propuesta=PP27-0001")
        pagina.get_by_role("heading", name=f"PP27-0001 · {MALICIOSO}").wait_for(timeout=30_000)
    with geo.abrir(ruta) as original, geo.abrir(nueva / "plataforma.db") as restaurada:
        for tabla in ("propuestas", "participantes", "codigos_acceso", "distritos", "centros_poblados"):
            assert filas(restaurada, tabla) == filas(original, tabla), tabla
        assert restaurada.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
