"""Páginas a través de la app real (AppTest desde app.py)."""
import pytest
from streamlit.testing.v1 import AppTest

import nucleo
from geo import servicios
from tests.conftest import ADMIN, AHORA, CENTROS, INDICADORES, LIMITES, RAIZ, abrir_sesion

PAGINAS = ("paginas/inicio.py", "paginas/mapa.py", "paginas/territorio.py", "paginas/proponer.py",
           "paginas/propuestas.py", "paginas/evaluar.py", "paginas/procesos.py", "paginas/participantes.py",
           "paginas/cuentas.py", "paginas/respaldo.py", "paginas/entrar.py")


@pytest.fixture
def base_vacia(tmp_path, monkeypatch):
    ruta = tmp_path / "plataforma.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    return ruta


@pytest.fixture
def base_con_territorio(base_vacia):
    with nucleo.abrir(base_vacia) as db:
        servicios.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            servicios.importar(db, archivo, actor=ADMIN, ahora=AHORA)
    return base_vacia


def _app(pagina=None, actor=ADMIN):
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    if actor is not None:
        app.session_state["sesion_token"] = abrir_sesion(nucleo.ruta_configurada(), actor)
    app.run()
    if pagina:
        app.switch_page(pagina).run()
    assert not app.exception, app.exception
    return app


def _textos(app):
    return " ".join(e.value for e in [*app.markdown, *app.title, *app.subheader, *app.warning, *app.info,
                                      *app.success, *app.error, *app.caption])


@pytest.mark.parametrize("pagina", PAGINAS)
def test_cada_pagina_abre_sin_territorio_y_dice_como_importar(base_vacia, pagina):
    app = _app(pagina)
    if pagina in ("paginas/inicio.py", "paginas/mapa.py", "paginas/proponer.py", "paginas/propuestas.py"):
        assert "Aún no hay límites distritales importados" in _textos(app)
        assert "python -m geo importar" in _textos(app)


@pytest.mark.parametrize("pagina", PAGINAS)
def test_cada_pagina_abre_con_territorio(base_con_territorio, pagina):
    app = _app(pagina)
    assert "Aún no hay límites" not in _textos(app)


def test_portada_explica_la_plataforma_y_el_territorio(base_con_territorio):
    app = _app()
    texto = _textos(app)
    assert "Mesa de Concertación para la Lucha contra la Pobreza" in texto
    assert "Provincia **Huaylas** (0212)" in texto and "Pamparomás" in texto
    assert [m.value for m in app.metric] == ["10", "435", "15"]
    assert "Todavía no hay un proceso participativo registrado" in texto


def test_primer_arranque_con_plataforma_limites_importa(base_vacia, monkeypatch):
    monkeypatch.setenv("PLATAFORMA_LIMITES", str(LIMITES))
    app = _app()
    assert app.metric[0].value == "10"
    with nucleo.abrir(base_vacia) as db:
        assert servicios.estado_territorio(db)["limites"]["actor"] == "administrador:sistema"


def test_primer_arranque_con_archivo_malo_lo_dice(base_vacia, monkeypatch, tmp_path):
    malo = tmp_path / "malo.geojson"
    malo.write_text("<kml/>")
    monkeypatch.setenv("PLATAFORMA_LIMITES", str(malo))
    app = _app()
    assert "No se pudieron importar los límites indicados en PLATAFORMA_LIMITES" in _textos(app)
    assert "es KML" in app.text[0].value


def test_mapa_ficha_del_distrito_elegido(base_con_territorio):
    app = _app("paginas/mapa.py")
    app.selectbox(key="distrito_elegido").set_value("021206").run()
    assert app.subheader[0].value == "Pamparomás"
    ficha = app.dataframe[0].value
    fila = ficha[ficha["Dato"] == "Pobreza monetaria 2018 (%)"]
    assert fila["Valor"].item() == "44.7"  # 44.672571 en el CSV del INEI
    assert ficha[ficha["Dato"] == "Centros poblados"]["Valor"].item() == "89"


def test_mapa_ofrece_los_indicadores_numericos(base_con_territorio):
    app = _app("paginas/mapa.py")
    opciones = app.selectbox(key="mapa_indicador").options
    assert "Pobreza monetaria 2018 (%)" in opciones and "Capital" not in opciones
    app.selectbox(key="mapa_indicador").set_value("idh_2019").run()
    assert not app.exception


def test_territorio_lista_las_importaciones(base_con_territorio):
    app = _app("paginas/territorio.py")
    historial = app.dataframe[0].value
    assert list(historial["Archivo"]) == ["huaylas_centros_poblados.csv", "huaylas_distritos_datos.csv",
                                          "huaylas_distritos.geojson"]
