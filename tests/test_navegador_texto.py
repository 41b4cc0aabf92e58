"""`texto_plano` en Chromium, widget por widget: cada texto hostil de `tests/hostil.py` puesto en cada widget que
la app usa (`tests/galeria_texto.py`) se ve y se copia tal cual, sin imágenes, enlaces, íconos, fórmulas ni
barras de escapes, y el navegador no pide nada fuera de 127.0.0.1 (guardia de `conftest.py`)."""
import contextlib

import pytest

from tests import hostil, navegador
from tests.conftest import RAIZ

navegador.exigir_chromium()
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

CASOS = [*hostil.HOSTILES, "bloques"]
CON_MARKDOWN = ["markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success",
                "negrita", "cita", "lista", "numerada", "button", "download_button", "link_button", "page_link",
                "popover", "expander", "tabs", "metric", "checkbox", "toggle", "radio", "selectbox_etiqueta",
                "select_slider", "pills", "segmented_control", "text_input", "table", "form"]
SIN_MARKDOWN = ["multiselect", "text", "code"]
COPIADOS = ["markdown", "button", "checkbox", "title", "table"]
LEER = """(clave) => [...document.querySelectorAll(`.st-key-w_${clave}`)].map(e => e.innerText).join(' ')"""
TODOS_DIBUJADOS = """([claves, esperado]) => claves.every(clave => [...document.querySelectorAll(`.st-key-w_${clave}`)]
    .map(e => e.innerText).join(' ').replace(/\\s+/g, ' ').includes(esperado))"""
SELECCIONAR = """(clave) => {
    const e = [...document.querySelectorAll(`.st-key-w_${clave} [data-testid=stMarkdownContainer]`)].pop();
    const rango = document.createRange(); rango.selectNodeContents(e);
    getSelection().removeAllRanges(); getSelection().addRange(rango); }"""


def _texto(caso: str) -> str:
    return hostil.BLOQUES if caso == "bloques" else hostil.HOSTILES[caso]


@pytest.fixture(scope="module")
def galeria(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("galeria")
    with navegador.servidor({}, carpeta / "streamlit.log", guion=RAIZ / "tests" / "galeria_texto.py") as url:
        yield url


@pytest.fixture(scope="module")
def pagina(chromium, galeria):
    pagina = chromium.pagina(1366, 5000)
    pagina.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=galeria)
    dialogos = []
    pagina.on("dialog", lambda d: (dialogos.append(d.message), d.dismiss()))
    yield pagina
    assert dialogos == [], "se ejecutó JavaScript inyectado"


def _abrir(pagina, url: str) -> None:
    pagina.goto(url)
    pagina.locator(".st-key-w_fin").wait_for(timeout=60_000)
    pagina.wait_for_selector('.stApp[data-test-script-state="notRunning"]', timeout=60_000)


@pytest.mark.parametrize("caso", CASOS)
def test_texto_hostil_se_ve_y_se_copia_tal_cual_en_cada_widget(galeria, pagina, caso):
    crudo = _texto(caso)
    _abrir(pagina, f"{galeria}/?caso={caso}")
    esperado = hostil.plano(crudo)
    with contextlib.suppress(PlaywrightTimeout):  # los widgets terminan de dibujarse; si no, se dice cuáles abajo
        pagina.wait_for_function(TODOS_DIBUJADOS, arg=[CON_MARKDOWN + SIN_MARKDOWN, esperado], timeout=30_000)
    hostil.revisar(pagina)
    distintos = {w: visto for w in CON_MARKDOWN + SIN_MARKDOWN
                 if esperado not in (visto := hostil.plano(pagina.evaluate(LEER, w)))}
    assert distintos == {}, f"no se ve tal cual en: {distintos}"
    color = hostil.plano(pagina.evaluate(LEER, "color"))
    assert color == esperado, "dentro de :red[…]"

    for widget in COPIADOS:  # lo que se copia con Ctrl+C es lo que escribió la persona, sin barras ni cortes
        pagina.evaluate(SELECCIONAR, widget)
        pagina.keyboard.press("Control+C")
        assert hostil.plano(pagina.evaluate("() => navigator.clipboard.readText()")) == esperado, widget

    pagina.locator(".st-key-w_ayuda").get_by_test_id("stTooltipHoverTarget").hover()
    ayuda = pagina.get_by_test_id("stTooltipContent")
    ayuda.wait_for(timeout=30_000)
    assert hostil.plano(ayuda.inner_text()) == esperado
    pagina.mouse.move(0, 0)

    pagina.locator(".st-key-w_selectbox").get_by_role("combobox").click()
    opcion = pagina.get_by_role("option").first
    opcion.wait_for(timeout=30_000)
    assert hostil.plano(opcion.inner_text()) == esperado
    pagina.keyboard.press("Escape")
    hostil.revisar(pagina)
    if caso == "imagen":
        navegador.capturar(pagina, "galeria_texto_imagen")


def test_la_guardia_anota_lo_que_sale_de_127(galeria, chromium, pagina):
    """El control: el mismo texto, crudo en un st.markdown, hace que el navegador pida la imagen de afuera (y la
    guardia, que aquí se vacía a mano, lo habría vuelto una falla)."""
    with pagina.expect_event("requestfailed", lambda pedido: hostil.AJENO in pedido.url, timeout=60_000):
        pagina.goto(f"{galeria}/?caso=imagen&crudo=1")
    assert any(hostil.AJENO in u for u in chromium.externas)
    chromium.externas.clear()
