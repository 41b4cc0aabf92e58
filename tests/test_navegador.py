"""Lo que ve una persona: la app real (`streamlit run`) en Chromium, sin internet."""
from dataclasses import dataclass
from pathlib import Path

import pytest

import nucleo
from geo import mapa, servicios
from identidad import cuentas
from identidad.acceso import LINEA_DE_COMANDOS, Rol
from tests import navegador
from tests.conftest import ADMIN, AHORA, CENTROS, INDICADORES, LIMITES

navegador.exigir_chromium()

CLAVE = "una contraseña larga"
DIEZ = ["Caraz", "Huallanca", "Huata", "Huaylas", "Mato", "Pamparomás", "Pueblo Libre", "Santa Cruz",
        "Santo Toribio", "Yuracmarca"]


@dataclass
class App:
    url: str
    db: Path


def _arrancar(carpeta: Path, **entorno):
    ruta_db = carpeta / "plataforma.db"
    return ruta_db, navegador.servidor({"PLATAFORMA_DB": str(ruta_db), **entorno}, carpeta / "streamlit.log")


@pytest.fixture(scope="module")
def app_con_limites(tmp_path_factory):
    """Primer arranque con PLATAFORMA_LIMITES: la app importa los límites ella misma."""
    ruta_db, contexto = _arrancar(tmp_path_factory.mktemp("con_limites"), PLATAFORMA_LIMITES=str(LIMITES))
    with contexto as url:
        yield App(url, ruta_db)


@pytest.fixture(scope="module")
def app_vacia(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("vacia")
    with nucleo.abrir(carpeta / "plataforma.db") as db:
        servicios.preparar(db)
        cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
    ruta_db, contexto = _arrancar(carpeta)
    with contexto as url:
        yield App(url, ruta_db)


def test_mapa_con_los_diez_distritos_y_clic_en_caraz(app_con_limites, chromium, territorio):
    pagina = chromium.pagina()
    pagina.goto(app_con_limites.url + "/mapa")
    marco, frame = navegador.esperar_mapa(pagina, etiquetas=10)
    assert marco.locator(".etiqueta-distrito span").all_inner_texts() == DIEZ
    adentro = territorio.distrito("021201").geometria.representative_point()
    navegador.clic_en(pagina, marco, frame, adentro.y, adentro.x)
    pagina.get_by_role("heading", name="Caraz").wait_for(timeout=30_000)
    assert pagina.get_by_text("Ubigeo 021201").is_visible()
    navegador.capturar(pagina, "mapa_clic_caraz")


def test_coropleta_con_leyenda_y_centros_poblados(app_con_limites, chromium):
    with nucleo.abrir(app_con_limites.db) as db:
        if servicios.estado_territorio(db)["indicadores"] is None:
            servicios.importar(db, INDICADORES, actor=ADMIN, ahora=AHORA)
            servicios.importar(db, CENTROS, actor=ADMIN, ahora=AHORA)
    pagina = chromium.pagina()
    pagina.goto(app_con_limites.url + "/mapa")
    navegador.esperar_mapa(pagina, etiquetas=10)
    pagina.get_by_role("combobox", name="Colorear los distritos según").click()
    pagina.get_by_role("option", name="Pobreza monetaria 2018 (%)").click()
    marco = pagina.frame_locator(navegador.IFRAME_MAPA).first
    leyenda = marco.locator(".leyenda-mapa")
    leyenda.wait_for(timeout=30_000)
    assert leyenda.inner_text().startswith("Pobreza monetaria 2018 (%)")
    _, frame = navegador.esperar_mapa(pagina, etiquetas=10)
    rellenos = frame.evaluate("() => Object.values(window.map._layers)"
                              ".filter(c => c.feature && c.feature.geometry.type.endsWith('Polygon'))"
                              ".map(c => c.options.fillColor)")
    assert len(rellenos) == 10 and set(rellenos) <= set(mapa.PALETA) and len(set(rellenos)) == 5
    centros = frame.evaluate("() => Object.values(window.map._layers)"
                             ".filter(c => c.feature && c.feature.geometry.type === 'Point').length")
    assert centros == 435
    navegador.capturar(pagina, "mapa_pobreza")


def test_mapa_en_un_celular_de_360_px(app_con_limites, chromium):
    pagina = chromium.pagina(ancho=360, alto=740)
    pagina.goto(app_con_limites.url + "/mapa")
    navegador.esperar_mapa(pagina, etiquetas=10)
    caja = pagina.locator(navegador.IFRAME_MAPA).first.bounding_box()
    assert caja["width"] >= 300 and caja["height"] >= 400
    navegador.capturar(pagina, "mapa_celular")


def test_importar_limites_desde_la_pagina_territorio(app_vacia, chromium):
    pagina = chromium.pagina()
    pagina.goto(app_vacia.url + "/inicio")
    pagina.get_by_text("Aún no hay límites distritales importados").wait_for(timeout=30_000)
    navegador.entrar(pagina, app_vacia.url, "ana", CLAVE)
    navegador.ir_a(pagina, "Territorio (importar límites)")
    pagina.locator("input[type=file]").set_input_files(str(LIMITES))
    pagina.get_by_text("Vista previa de «huaylas_distritos.geojson»: 10 aceptados").wait_for(timeout=60_000)
    navegador.esperar_mapa(pagina, etiquetas=10)
    navegador.capturar(pagina, "territorio_vista_previa")
    with nucleo.abrir(app_vacia.db) as db:
        assert servicios.cargar_territorio(db) is None, "la vista previa no debe guardar nada"
    pagina.get_by_role("button", name="Importar").click()
    aviso = "Importados los límites distritales de «huaylas_distritos.geojson»: ya son los vigentes."
    pagina.get_by_text(aviso).wait_for(timeout=30_000)  # antes: «ya es el límites distritales vigente»
    with nucleo.abrir(app_vacia.db) as db:
        assert len(servicios.cargar_territorio(db).distritos) == 10


def test_archivo_malo_en_la_pagina_territorio(app_vacia, chromium, tmp_path):
    malo = tmp_path / "limites.geojson"
    malo.write_text('<?xml version="1.0"?><kml></kml>')
    pagina = chromium.pagina()
    navegador.entrar(pagina, app_vacia.url, "ana", CLAVE)
    navegador.ir_a(pagina, "Territorio (importar límites)")
    pagina.locator("input[type=file]").set_input_files(str(malo))
    pagina.get_by_text("es KML, no GeoJSON").wait_for(timeout=30_000)
    assert pagina.get_by_text("No se importó «limites.geojson»").is_visible()
