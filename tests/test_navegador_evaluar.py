"""La evaluación técnica en Chromium como la hace una persona: varias propuestas seguidas (admitir, puntuar, guardar),
«No admitir» con confirmación y administración que la reabre."""
import datetime as dt
import re

import pytest

import nucleo
from geo import servicios as territorio
from identidad import cuentas
from identidad.acceso import LINEA_DE_COMANDOS, PUBLICO, Rol
from propuestas import servicios
from propuestas.modelo import Estado, Fase
from tests import navegador
from tests.conftest import ADMIN, AHORA, CENTROS, DATOS_JOVEN, INDICADORES, LIMITES, registrar_propuesta

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

CLAVE = "una contraseña larga"
HOY = servicios.fecha_local(nucleo.ahora())


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Hoy es evaluación técnica; cuatro propuestas registradas (la más nueva, PP27-0004, sale primera)."""
    carpeta = tmp_path_factory.mktemp("evaluar")
    ruta = carpeta / "plataforma.db"
    with nucleo.abrir(ruta) as db:
        servicios.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            territorio.importar(db, archivo, actor=ADMIN, ahora=AHORA)
        proceso = servicios.crear_proceso(db, servicios.proceso_sugerido("0212", HOY - dt.timedelta(days=56)),
                                          actor=ADMIN, ahora=AHORA)
        assert proceso.fase_en(HOY) == Fase.EVALUACION
        registro = dt.datetime.combine(proceso.periodo(Fase.REGISTRO).inicio, dt.time(15), tzinfo=dt.timezone.utc)
        for numero in range(1, 5):
            registrar_propuesta(db, {**DATOS_JOVEN, "titulo": f"Obra número {numero} para la comunidad"},
                                ahora=registro + dt.timedelta(minutes=numero))
        cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
        # por la línea de comandos: una cuenta creada desde la página debe cambiar antes su contraseña inicial
        cuentas.crear_cuenta(db, usuario="eva", nombre="Eva Cadillo", rol=Rol.EVALUADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta


def _ir_en_el_celular(pagina, titulo: str) -> None:
    """Como `navegador.ir_a`, y si el menú lateral quedó abierto sobre la página, lo cierra como una persona."""
    navegador.ir_a(pagina, titulo)
    barra = pagina.get_by_test_id("stSidebar")
    pagina.get_by_role("heading", name=titulo).wait_for(timeout=30_000)
    if barra.get_attribute("data-collapsed") == "false":
        barra.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        expect(barra).to_have_attribute("data-collapsed", "true")


def _elegir(pagina, codigo: str) -> None:
    selector = pagina.get_by_role("combobox", name="Propuesta", exact=True)
    selector.click()
    selector.fill(codigo)
    selector.press("Enter")
    expect(selector).to_have_value(re.compile(f"^{codigo} — "), timeout=30_000)


def test_evaluar_varias_propuestas_seguidas_las_guarda_todas(app, chromium):
    url, ruta = app
    pagina = chromium.pagina(ancho=1280, alto=800)
    navegador.entrar(pagina, url, "eva", CLAVE)
    navegador.ir_a(pagina, "Evaluación técnica")
    selector = pagina.get_by_role("combobox", name="Propuesta", exact=True)
    for numero, codigo in enumerate(("PP27-0002", "PP27-0003", "PP27-0001")):
        _elegir(pagina, codigo)
        pagina.get_by_role("button", name="Admitir", exact=True).click()
        pagina.get_by_text(f"{codigo} quedó admitida").wait_for(timeout=30_000)
        expect(selector).to_have_value(re.compile(f"^{codigo} — .*, admitida\\)$"))  # el real, no «registrada»
        if numero == 0:
            navegador.capturar(pagina, "evaluar_admitida_escritorio")
        pagina.get_by_text("Viable", exact=True).click()
        pagina.get_by_role("button", name="Guardar evaluación").click()
        pagina.get_by_text(re.compile(f"Evaluación de {codigo} guardada: .* quedó viable")).wait_for(timeout=30_000)
        expect(selector).to_have_value(re.compile(f"^{codigo} — .*, viable\\)$"))  # sigue en la misma propuesta
    navegador.capturar(pagina, "evaluar_guardada_escritorio")
    with nucleo.abrir(ruta) as db:
        for codigo in ("PP27-0001", "PP27-0002", "PP27-0003"):
            ficha = servicios.obtener(db, codigo, actor=PUBLICO)
            assert ficha.propuesta.estado == Estado.VIABLE and len(ficha.evaluaciones) == 1, codigo
        assert servicios.obtener(db, "PP27-0004", actor=PUBLICO).propuesta.estado == Estado.REGISTRADA
    assert chromium.externas == [] and chromium.errores == []


def test_no_admitir_pide_confirmacion_y_administracion_la_reabre(app, chromium):
    url, ruta = app
    celular = chromium.pagina(ancho=390, alto=844)
    navegador.entrar(celular, url, "eva", CLAVE)
    _ir_en_el_celular(celular, "Evaluación técnica")
    _elegir(celular, "PP27-0004")
    celular.get_by_label("Motivo (obligatorio para no admitir)").fill("No es competencia de la municipalidad.")
    celular.get_by_role("button", name="No admitir…").click()
    pregunta = celular.get_by_text(re.compile("¿No admitir PP27-0004?"))
    pregunta.wait_for(timeout=30_000)
    celular.get_by_role("button", name="Cancelar").scroll_into_view_if_needed()
    navegador.capturar(celular, "evaluar_confirmar_no_admitir_celular")
    with nucleo.abrir(ruta) as db:
        assert servicios.obtener(db, "PP27-0004", actor=PUBLICO).propuesta.estado == Estado.REGISTRADA  # aún no
    celular.get_by_role("button", name="Sí, no admitir").click()
    celular.get_by_text("PP27-0004 quedó no admitida").wait_for(timeout=30_000)
    expect(celular.get_by_text(re.compile("administración puede reabrirla"))).to_be_visible()
    expect(celular.get_by_role("button", name="Reabrir la propuesta")).to_have_count(0)  # el equipo técnico no

    escritorio = chromium.pagina(ancho=1280, alto=800)
    navegador.entrar(escritorio, url, "ana", CLAVE)
    navegador.ir_a(escritorio, "Evaluación técnica")
    _elegir(escritorio, "PP27-0004")
    escritorio.get_by_label("Motivo para reabrir (obligatorio)").fill("Se marcó por error: sí es competencia.")
    escritorio.get_by_role("button", name="Reabrir la propuesta").click()
    escritorio.get_by_text(re.compile("PP27-0004 se reabrió")).wait_for(timeout=30_000)
    expect(escritorio.get_by_role("combobox", name="Propuesta", exact=True)).to_have_value(
        re.compile(r"^PP27-0004 — .*, registrada\)$"))
    escritorio.get_by_text("Ver la propuesta completa (con su historia)").click()
    expect(escritorio.get_by_text("Se marcó por error: sí es competencia.").first).to_be_visible()
    navegador.capturar(escritorio, "evaluar_reabierta_escritorio")
    with nucleo.abrir(ruta) as db:
        ficha = servicios.obtener(db, "PP27-0004", actor=PUBLICO)
    assert ficha.propuesta.estado == Estado.REGISTRADA
    assert [(h["desde"], h["hacia"], h["actor"]) for h in ficha.historial[-2:]] == [
        ("registrada", "no_admitida", "evaluador:eva"), ("no_admitida", "registrada", "administrador:ana")]
    assert chromium.externas == [] and chromium.errores == []
