"""El registro de participantes en Chromium como en la mesa de registro: dos personas seguidas (la segunda no
hereda nada de la primera, y un error conserva lo escrito), en la página de participantes y en la consola del
taller; y la corrección de los datos de una persona, que sigue elegida aunque cambie su nombre."""
import re

import pytest

import nucleo
from identidad import participantes
from propuestas import servicios as propuestas_servicios
from tests import navegador
from tests.ayudas import CLAVE, crear_equipo
from tests.conftest import FACILITADORA, copiar_viables, priorizacion_hoy
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

CONSENTIMIENTO = re.compile("La persona (consiente|acepta)")


@pytest.fixture(scope="module")
def app(tmp_path_factory, _plantilla_viables):
    """Hoy es priorización, con una votación abierta (para registrar en el momento desde la consola)."""
    carpeta = tmp_path_factory.mktemp("participantes")
    ruta = copiar_viables(_plantilla_viables, carpeta / "plataforma.db")
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
        crear_equipo(db)
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, max_opciones=3),
                                         actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta


def _elegir(zona, etiqueta: str, opcion: str) -> None:
    """Elige una opción como una persona; si la lista se cerró (la consola se refresca sola), lo intenta otra vez."""
    selector = zona.get_by_role("combobox", name=etiqueta, exact=True)
    for _ in range(5):
        selector.click()
        selector.fill(opcion)
        try:
            zona.page.get_by_role("option", name=opcion, exact=True).click(timeout=5_000)
        except PlaywrightTimeout:
            selector.press("Escape")
            continue
        selector.blur()
        break
    expect(selector).to_have_value(opcion)


def _personas(ruta) -> dict[str, tuple]:
    with nucleo.abrir(ruta) as db:
        filas = db.execute("SELECT nombre, organizacion, ubigeo, dni, telefono FROM participantes")
        return {f[0]: f[1:] for f in filas}


def test_registrar_dos_personas_seguidas_la_segunda_no_hereda_nada(app, chromium):
    url, ruta = app
    pagina = chromium.pagina(ancho=1280, alto=800)
    navegador.entrar(pagina, url, "fabi", CLAVE)
    navegador.ir_a(pagina, "Participantes y códigos")
    navegador.listo(pagina)
    formulario = pagina.get_by_test_id("stForm").filter(has_text="Registrar participante")
    nombre = formulario.get_by_label("Nombre completo", exact=True)
    organizacion = formulario.get_by_label("Organización (si representa a una)", exact=True)
    dni = formulario.get_by_label("DNI (opcional, para verificar; no se publica)", exact=True)
    celular = formulario.get_by_label("Celular (opcional; no se publica)", exact=True)
    consentimiento = formulario.get_by_role("checkbox", name=CONSENTIMIENTO)
    nombre.fill("Rosa Huamán")
    organizacion.fill("Comité de regantes de Cashapampa")
    _elegir(formulario, "Distrito", "Caraz")
    dni.fill("12345678")
    celular.fill("987654321")
    formulario.get_by_text(CONSENTIMIENTO).click()
    formulario.get_by_role("button", name="Registrar y emitir código").click()
    pagina.get_by_text("Códigos emitidos").wait_for(timeout=30_000)
    navegador.listo(pagina)
    for campo in (nombre, organizacion, dni, celular):  # la siguiente persona empieza en blanco
        expect(campo).to_have_value("")
    expect(formulario.get_by_role("combobox", name="Distrito", exact=True)).to_have_value("")
    expect(consentimiento).not_to_be_checked()
    navegador.capturar(pagina, "participantes_tras_registrar_escritorio")

    nombre.fill("Juan Pérez")
    _elegir(formulario, "Tipo", "Joven")
    dni.fill("1234")
    formulario.get_by_text(CONSENTIMIENTO).click()
    formulario.get_by_role("button", name="Registrar y emitir código").click()
    pagina.get_by_text(re.compile("El DNI «1234» no es válido")).first.wait_for(timeout=30_000)
    navegador.listo(pagina)
    expect(nombre).to_have_value("Juan Pérez")  # con un error, lo escrito se queda
    expect(dni).to_have_value("1234")
    expect(consentimiento).to_be_checked()
    dni.fill("")
    formulario.get_by_role("button", name="Registrar y emitir código").click()
    expect(nombre).to_have_value("", timeout=30_000)  # registrada: el formulario quedó en blanco otra vez
    personas = _personas(ruta)
    assert personas["Rosa Huamán"] == ("Comité de regantes de Cashapampa", "021201", "12345678", "987654321")
    assert personas["Juan Pérez"] == (None, None, None, None)
    assert chromium.externas == [] and chromium.errores == []


def test_corregir_los_datos_de_una_persona_en_el_celular(app, chromium):
    url, ruta = app
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        pedro = [participantes.registrar_participante(db, proceso.id, {
            "nombre": nombre, "tipo": "organizacion", "organizacion": "Club de madres", "ubigeo": "021201",
            "consentimiento": True}, actor=FACILITADORA, ahora=nucleo.ahora())[0]
            for nombre in ("Elena Quispe", "Pedro Sánchez")][-1]
    pagina = chromium.pagina(ancho=390, alto=844)
    navegador.entrar(pagina, url, "ana", CLAVE)
    navegador.ir_a(pagina, "Participantes y códigos")
    navegador.listo(pagina)
    barra = pagina.get_by_test_id("stSidebar")
    if barra.get_attribute("data-collapsed") == "false":  # en el celular el menú puede quedar abierto encima
        barra.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    selector = pagina.get_by_role("combobox", name="Participante", exact=True)
    # con la máquina ocupada, un Enter enseguida llegaba antes que la lista filtrada y no elegía nada; y la página
    # puede volver a dibujarse con la lista abierta (se cierra): se abre y se elige otra vez
    for _ in range(3):
        selector.click()
        selector.fill("Pedro")
        try:
            pagina.get_by_role("option", name=re.compile(r"— Pedro Sánchez$")).click(timeout=15_000)
            expect(selector).to_have_value(re.compile(r"— Pedro Sánchez$"), timeout=10_000)
            break
        except (AssertionError, PlaywrightTimeout):
            selector.press("Escape")
            navegador.listo(pagina)
    expect(selector).to_have_value(re.compile(r"— Pedro Sánchez$"), timeout=30_000)
    campo = {c: pagina.locator(f".st-key-corregir_{pedro}_{c}").locator("input, textarea")
             for c in ("nombre", "organizacion", "motivo")}
    expect(campo["nombre"]).to_have_value("Pedro Sánchez", timeout=30_000)  # su formulario ya se dibujó
    navegador.listo(pagina)  # y el de la persona anterior ya no está
    formulario = pagina.get_by_test_id("stForm").filter(has=campo["nombre"])
    guardar = formulario.get_by_role("button", name="Guardar la corrección")
    campo["nombre"].fill("Pedro Sánchez Milla")
    campo["organizacion"].fill("Comunidad campesina de Huaylas")
    guardar.click()
    pagina.get_by_text(re.compile("El motivo tiene 0 caracteres")).first.wait_for(timeout=30_000)
    navegador.listo(pagina)
    campo["motivo"].fill("Se registró con la organización de otra persona.")
    guardar.click()
    pagina.get_by_text("Datos de Pedro Sánchez Milla corregidos.").wait_for(timeout=30_000)
    expect(selector).to_have_value(re.compile(r"— Pedro Sánchez Milla$"))  # la misma persona, con su nombre nuevo
    expect(campo["motivo"]).to_have_value("")
    pagina.get_by_text("Datos de Pedro Sánchez Milla corregidos.").scroll_into_view_if_needed()
    navegador.capturar(pagina, "participantes_corregidos_celular")
    personas = _personas(ruta)
    assert personas["Pedro Sánchez Milla"][0] == "Comunidad campesina de Huaylas"
    assert personas["Elena Quispe"][0] == "Club de madres"
    assert chromium.externas == [] and chromium.errores == []


def test_consola_registra_dos_personas_seguidas_sin_heredar_datos(app, chromium):
    url, ruta = app
    pagina = chromium.pagina(ancho=1280, alto=800)
    navegador.entrar(pagina, url, "fabi", CLAVE)
    navegador.ir_a(pagina, "Taller en vivo (consola)")
    navegador.listo(pagina)
    pagina.get_by_role("tab", name="Llegó sin tarjeta: registrar").click()
    formulario = pagina.get_by_test_id("stForm").filter(has_text="Registrar y dar su código")
    nombre = formulario.get_by_label("Nombre y apellidos", exact=True)
    organizacion = formulario.get_by_label("Organización (si representa a una)", exact=True)
    consentimiento = formulario.get_by_role("checkbox", name=CONSENTIMIENTO)
    nombre.fill("Lucía Torres")
    organizacion.fill("Asociación de artesanas de Huata")
    _elegir(formulario, "Distrito donde vive", "Huata")
    formulario.get_by_text(CONSENTIMIENTO).click()
    formulario.get_by_role("button", name="Registrar y dar su código").click()
    pagina.get_by_text(re.compile("Lucía Torres quedó registrada")).wait_for(timeout=30_000)
    expect(pagina.get_by_test_id("stCode")).to_contain_text(re.compile(r"^[2-9A-Z]{5}-[2-9A-Z]{5}$"))  # su código
    navegador.listo(pagina)
    expect(nombre).to_have_value("")
    expect(organizacion).to_have_value("")
    expect(consentimiento).not_to_be_checked()
    expect(formulario.get_by_role("combobox", name="Distrito donde vive", exact=True)).to_have_value("")
    navegador.capturar(pagina, "consola_tras_registrar_escritorio")
    nombre.fill("Marco Rojas")
    _elegir(formulario, "Participa como", "Ciudadana o ciudadano")
    _elegir(formulario, "Distrito donde vive", "Caraz")
    formulario.get_by_text(CONSENTIMIENTO).click()
    formulario.get_by_role("button", name="Registrar y dar su código").click()
    pagina.get_by_text(re.compile("Marco Rojas quedó registrada")).wait_for(timeout=30_000)
    personas = _personas(ruta)
    assert personas["Lucía Torres"][:2] == ("Asociación de artesanas de Huata", "021203")
    assert personas["Marco Rojas"][:2] == (None, "021201")
    assert chromium.externas == [] and chromium.errores == []
