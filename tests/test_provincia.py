"""La provincia es la del territorio importado: ni la portada ni los PDF dicen «Huaylas» si se importó otra."""
import shutil
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

import nucleo
from geo import servicios as territorio
from propuestas import servicios as propuestas_servicios
from tests.conftest import ADMIN, AHORA, ANCASH, LIMITES, RAIZ
from votacion import exportar


@pytest.fixture
def huaraz(tmp_path, monkeypatch):
    """Una plataforma de la provincia de Huaraz (0201), con sus límites tomados del archivo de Áncash."""
    ruta = tmp_path / "plataforma.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.setenv("PLATAFORMA_PROVINCIA", "0201")
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    with nucleo.abrir(ruta) as db:
        propuestas_servicios.preparar(db)
        territorio.importar(db, ANCASH, provincia="0201", actor=ADMIN, ahora=AHORA)
        propuestas_servicios.crear_proceso(db, propuestas_servicios.proceso_sugerido("0201", AHORA.date()),
                                           actor=ADMIN, ahora=AHORA)
    return ruta


def _portada() -> AppTest:
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def test_la_portada_nombra_la_provincia_importada(huaraz):
    app = _portada()
    assert app.title[0].value == "Planificación participativa de Huaraz"
    texto = " ".join(m.value for m in app.markdown)
    assert "provincia de Huaraz" in texto and "Huaylas" not in texto


def test_sin_territorio_la_portada_no_inventa_una_provincia(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATAFORMA_DB", str(tmp_path / "vacia.db"))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    app = _portada()
    assert app.title[0].value == "Planificación participativa"
    assert "Huaylas" not in " ".join(m.value for m in app.markdown)


def test_el_informe_pdf_lo_firma_la_mesa_de_la_provincia_importada(huaraz, tmp_path):
    if not shutil.which("pdfinfo"):
        pytest.skip("falta poppler-utils (pdfinfo)")
    with nucleo.abrir(huaraz) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        pdf = exportar.a_pdf(exportar.lista_priorizada(db, proceso.id, actor=ADMIN), territorio.cargar_territorio(db))
    archivo = tmp_path / "informe.pdf"
    archivo.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(archivo)], capture_output=True, text=True, check=True).stdout
    assert "Author:          MCLCP Huaraz" in info


def test_con_los_limites_de_huaylas_la_mesa_es_la_de_huaylas(db):
    territorio.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
    assert territorio.mesa_de(territorio.nombre_de_la_provincia(db)) == "MCLCP Huaylas"
    assert territorio.mesa_de(None) == "MCLCP"
