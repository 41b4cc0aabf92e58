"""El idioma en Chromium, como lo usa una persona: elige quechua en su celular, recarga, abre otra página en otra
pestaña (el navegador lo recuerda), y vuelve al castellano. Con una traducción de prueba («QW·» + el castellano) para
cada texto del catálogo, importada por la hoja: ninguna clave ni marcador sin llenar a la vista, `<html lang="qwh">`
para los lectores de pantalla, y sin infracciones graves de axe en quechua."""
from __future__ import annotations

import re

import pytest

from paginas import traduccion
from propuestas.modelo import Fase
from tests import axe, navegador
from tests.ayudas import MARCA_QUECHUA, proceso_en_fase, propuesta_en, todo_traducido
from tests.conftest import con_territorio

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

MARCA = MARCA_QUECHUA
CLAVE_CRUDA = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def servidor(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("idioma")
    ruta = con_territorio(carpeta / "plataforma.db")
    _, momento = proceso_en_fase(ruta, Fase.REGISTRO)
    propuesta_en(ruta, momento)
    todo_traducido(ruta)
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url


def _sin_claves(pagina) -> None:
    texto = pagina.locator("body").inner_text()
    codigos = {e.codigo for e in traduccion.catalogo()}
    assert [c for c in codigos if re.search(rf"\b{c}\b", texto)] == []
    assert CLAVE_CRUDA.findall(texto) == []


def test_elegir_quechua_se_recuerda_al_recargar_y_en_otra_pestana(chromium, servidor):
    pagina = chromium.pagina(390, 844, celular=True)
    pagina.goto(f"{servidor}/proponer")
    titulo = pagina.get_by_role("heading", level=1)
    expect(titulo).to_have_text(re.compile("^Proponer un proyecto"), timeout=60_000)
    navegador.listo(pagina)
    pagina.get_by_role("radio", name="Quechua (Áncash)").click()
    expect(titulo).to_have_text(re.compile(f"^{MARCA}Proponer un proyecto"), timeout=60_000)
    navegador.listo(pagina)
    expect(pagina.locator("html")).to_have_attribute("lang", "qwh", timeout=30_000)
    _sin_claves(pagina)
    graves = axe.graves(axe.revisar(pagina))
    assert graves == [], axe.resumen(graves)
    navegador.capturar(pagina, "idioma_quechua_proponer")

    pagina.reload()
    expect(titulo).to_have_text(re.compile(f"^{MARCA}Proponer un proyecto"), timeout=60_000)
    expect(pagina.locator("html")).to_have_attribute("lang", "qwh")

    otra = pagina.context.new_page()
    otra.goto(f"{servidor}/propuestas")
    expect(otra.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{MARCA}Propuestas"), timeout=60_000)
    navegador.listo(otra)
    _sin_claves(otra)
    otra.get_by_role("radio", name="Castellano").click()
    expect(otra.get_by_role("heading", level=1)).to_have_text("Propuestas", timeout=60_000)
    navegador.listo(otra)
    expect(otra.locator("html")).to_have_attribute("lang", "es", timeout=30_000)
    assert MARCA not in otra.locator("body").inner_text()

    pagina.reload()  # la primera pestaña, recargada, ya está en castellano: el navegador recuerda lo último elegido
    expect(titulo).to_have_text(re.compile("^Proponer un proyecto"), timeout=60_000)
    navegador.listo(pagina)
    assert MARCA not in pagina.locator("body").inner_text()
    assert chromium.errores == []
