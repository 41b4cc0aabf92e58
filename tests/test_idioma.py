"""La interfaz en castellano donde Streamlit no lo está: cada lista desplegable y cada subida de archivos con su texto,
ninguna tabla vacía con «empty», y el HTML de cada página con `lang="es"` y el guion que traduce lo demás
(paginas/idioma.py, static/plataforma/idioma.js). Lo que se ve, en Chromium: tests/test_navegador_celular.py."""
import ast
from pathlib import Path

import pytest
import streamlit

import nucleo
from tests.conftest import ADMIN, RAIZ

PAGINAS = sorted((RAIZ / "paginas").glob("*.py"))


def _llamadas(nombres: set[str]):
    for archivo in PAGINAS:
        for nodo in ast.walk(ast.parse(archivo.read_text(encoding="utf-8"))):
            if isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Attribute) and nodo.func.attr in nombres:
                yield archivo, nodo


def test_cada_lista_desplegable_dice_en_castellano_que_elegir():
    """Sin `placeholder=`, Streamlit escribe «Choose an option» (o «No options to select»)."""
    sin_texto = [f"{a.name}:{n.lineno}" for a, n in _llamadas({"selectbox", "multiselect"})
                 if "placeholder" not in {k.arg for k in n.keywords}]
    assert sin_texto == []


def test_cada_subida_de_archivos_declara_su_limite():
    """Sin `max_upload_size=`, el botón anuncia el límite del servidor (60 MB), que no es el de la app."""
    sin_limite = [f"{a.name}:{n.lineno}" for a, n in _llamadas({"file_uploader"})
                  if "max_upload_size" not in {k.arg for k in n.keywords}]
    assert sin_limite == []


def test_ninguna_pagina_dibuja_una_tabla_sin_su_mensaje_de_vacia():
    """Toda tabla pasa por `comun.tabla`, que sin filas dice lo suyo (Streamlit dibujaría «empty»)."""
    directas = [f"{a.name}:{n.lineno}" for a, n in _llamadas({"dataframe", "table"})
                if a.name != "texto.py"]  # donde vive `comun.tabla`
    assert directas == []


@pytest.mark.parametrize("pagina, clave_limite", [
    ("paginas/territorio.py", "geo.lectura.MAXIMO_MB"), ("paginas/importar.py", "hoja"),
    ("paginas/respaldo.py", "servidor"),
], ids=["territorio", "importar", "respaldo"])
def test_el_limite_que_anuncia_el_boton_es_el_de_la_app(tmp_path, monkeypatch, pagina, clave_limite):
    import math

    from streamlit.testing.v1 import AppTest

    from geo import servicios as territorio
    from geo.lectura import MAXIMO_MB
    from propuestas import hoja
    from propuestas import servicios as propuestas_servicios
    from tests.conftest import AHORA, LIMITES, abrir_sesion

    ruta = tmp_path / "p.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    with nucleo.abrir(ruta) as db:
        propuestas_servicios.preparar(db)
        territorio.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
        propuestas_servicios.crear_proceso(db, propuestas_servicios.proceso_sugerido("0212", AHORA.date()),
                                           actor=ADMIN, ahora=AHORA)
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    app.session_state["sesion_token"] = abrir_sesion(ruta, ADMIN)
    app.run()
    app.switch_page(pagina).run()
    assert not app.exception, app.exception
    esperado = {"geo.lectura.MAXIMO_MB": MAXIMO_MB, "hoja": math.ceil(hoja.MAXIMO_BYTES / 2**20),
                "servidor": 60}[clave_limite]
    (subida,) = app.get("file_uploader")
    assert subida.proto.max_upload_size_mb == esperado


def test_el_html_de_cada_pagina_dice_que_es_castellano_y_trae_el_guion_antes_que_streamlit():
    from paginas import idioma

    original = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()
    guion = idioma.etiqueta_del_guion("")
    html = idioma.en_castellano(original, guion)
    assert b'<html lang="es">' in html and b'lang="en"' not in html
    assert html.index(guion) < html.index(b"<script", html.index(guion) + len(guion))  # antes que el de Streamlit
    assert b"You need to enable JavaScript" not in html and "necesita JavaScript".encode() in html
    assert guion.startswith(b'<script src="/app/static/plataforma/idioma.js?v=')
    assert idioma.etiqueta_del_guion("/plataforma/").startswith(b'<script src="/plataforma/app/static/plataforma/')


@pytest.mark.parametrize("ruta, es_pagina", [
    ("/", True), ("/propuestas", True), ("/plataforma/votar", True), ("/static/js/index.js", False),
    ("/_stcore/health", False), ("/app/static/plataforma/idioma.js", False), ("/favicon.png", False),
], ids=["raiz", "pagina", "con-base", "js", "salud", "estatico", "icono"])
def test_solo_se_tocan_las_paginas(ruta, es_pagina):
    from paginas import idioma

    assert idioma._es_pagina(ruta) == es_pagina
