"""La deliberación en Chromium: dos participantes argumentan a favor y en contra, uno apoya, la facilitadora
fusiona duplicados y oculta un comentario abusivo; el público ve los conteos y la marca; eventos cuenta todo."""
import re

import pytest

import nucleo
from geo import servicios as territorio
from identidad import cuentas, participantes
from identidad.acceso import LINEA_DE_COMANDOS, Rol
from nucleo.db import listar_eventos
from propuestas import servicios
from tests import navegador
from tests.conftest import ADMIN, AHORA, CENTROS, DATOS_JOVEN, FACILITADORA, INDICADORES, LIMITES

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

HOY = servicios.fecha_local(nucleo.ahora())
CLAVE = "una contraseña larga"
ABUSIVO = "Son unos <b>ladrones</b> todos, **no voten**"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("deliberacion")
    ruta = carpeta / "plataforma.db"
    with nucleo.abrir(ruta) as db:
        servicios.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            territorio.importar(db, archivo, actor=ADMIN, ahora=AHORA)
        proceso = servicios.crear_proceso(db, servicios.proceso_sugerido("0212", HOY), actor=ADMIN, ahora=AHORA)
        codigos = []
        for titulo in ("Losa deportiva para Cashapampa", "Losa multiusos en Cashapampa"):
            clave = servicios.crear_borrador(db, proceso.id, actor=ADMIN, ahora=nucleo.ahora())
            servicios.guardar_borrador(db, clave, {**DATOS_JOVEN, "titulo": titulo}, ahora=nucleo.ahora())
            codigos.append(servicios.registrar(db, clave, actor=ADMIN, ahora=nucleo.ahora()).codigo)
        accesos = [participantes.registrar_participante(db, proceso.id, {"nombre": nombre, "tipo": "joven",
                                                                          "ubigeo": ubigeo, "consentimiento": True},
                                                        actor=FACILITADORA, ahora=AHORA)[1]
                   for nombre, ubigeo in (("Rosa Huamán", "021201"), ("Juan Pérez", "021205"))]
        cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
        cuentas.crear_cuenta(db, usuario="fabi", nombre="Fabiola Milla", rol=Rol.FACILITADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, codigos, accesos


def _entrar_con_codigo_en_la_ficha(pagina, url, propuesta, codigo):
    """Como en la vida real: lee la ficha, toca «Entrar con mi código» y vuelve a la misma ficha."""
    pagina.goto(f"{url}/propuestas?propuesta={propuesta}")
    pagina.get_by_role("link", name="Entrar con mi código").click()
    pagina.get_by_label("Código de acceso (está en su tarjeta)").fill(codigo)
    pagina.get_by_role("button", name="Entrar con mi código").click()
    pagina.get_by_text(re.compile("Bienvenida o bienvenido")).wait_for(timeout=30_000)
    expect(pagina).to_have_url(re.compile(f"propuesta={propuesta}"))


def _argumentar(pagina, postura: str, texto: str):
    # la postura del argumento (arriba de la ficha está también el selector de idioma, otro grupo de opciones)
    pagina.get_by_role("radiogroup").filter(has_text="A favor").first.get_by_text(postura).click()
    pagina.get_by_role("textbox", name="Mi argumento").fill(texto)
    pagina.get_by_role("button", name="Publicar").click()
    pagina.get_by_text("Su argumento se publicó.").wait_for(timeout=30_000)
    navegador.listo(pagina)


def test_deliberacion_de_principio_a_fin(app, chromium):
    url, ruta, (principal, duplicada), (codigo_rosa, codigo_juan) = app

    rosa = chromium.pagina(ancho=390, alto=844)
    _entrar_con_codigo_en_la_ficha(rosa, url, principal, codigo_rosa)
    _argumentar(rosa, "A favor", "Los niños juegan en la carretera; una losa los protege.")
    rosa.get_by_role("button", name="Apoyar esta propuesta").click()
    rosa.get_by_text("Su apoyo quedó registrado.").wait_for(timeout=30_000)

    juan = chromium.pagina(ancho=390, alto=844)
    _entrar_con_codigo_en_la_ficha(juan, url, principal, codigo_juan)
    _argumentar(juan, "En contra", ABUSIVO)
    expect(juan.get_by_text(ABUSIVO)).to_have_count(2)  # en «más apoyados» y en el hilo, como texto
    assert juan.locator("b, strong", has_text="ladrones").count() == 0
    navegador.capturar(juan, "deliberacion_celular")

    # Rosa ve el comentario abusivo y lo reporta (sin recargar: su sesión sigue)
    rosa.get_by_role("button", name="Ver lo nuevo").click()
    rosa.get_by_text(ABUSIVO).first.wait_for(timeout=30_000)
    navegador.listo(rosa)
    _reportar_ultimo(rosa, "Insulto, amenaza o lenguaje ofensivo")

    # Juan apoya la duplicada (luego se fusiona: su apoyo cuenta en la sobreviviente)
    with nucleo.abrir(ruta) as db:
        from identidad.acceso import Actor
        from propuestas import deliberacion
        juan_id = db.execute("SELECT id FROM participantes WHERE nombre = 'Juan Pérez'").fetchone()[0]
        deliberacion.apoyar(db, duplicada, actor=Actor(Rol.PARTICIPANTE, "j", participante_id=juan_id),
                            ahora=nucleo.ahora())

    fabi = chromium.pagina(alto=1400)
    fabi.goto(f"{url}/entrar?propuesta={principal}")
    fabi.get_by_role("tab", name="Soy del equipo").click()
    fabi.get_by_label("Usuario", exact=True).fill("fabi")
    fabi.get_by_label("Contraseña", exact=True).fill(CLAVE)
    fabi.get_by_role("button", name="Entrar", exact=True).click()
    fabi.get_by_text("Bienvenida o bienvenido, Fabiola Milla.").wait_for(timeout=30_000)
    navegador.listo(fabi)
    fabi.get_by_text("Herramientas de facilitación").click()
    _elegir_en_multiselect(fabi, "Propuestas duplicadas", duplicada)
    fabi.get_by_label("Motivo", exact=True).last.fill("Es la misma losa deportiva de Cashapampa")
    fabi.get_by_role("button", name="Fusionar").click()
    fabi.get_by_text(f"Se fusionaron {duplicada} en {principal}.").wait_for(timeout=30_000)

    navegador.ir_a(fabi, "Moderación")
    fabi.get_by_text("Reportes pendientes (1)").wait_for(timeout=30_000)
    fabi.get_by_label(re.compile("^Motivo de la decisión")).fill("Insulta a las autoridades")
    fabi.get_by_role("button", name="Ocultar", exact=True).click()
    fabi.get_by_text("Oculto ahora (1)").wait_for(timeout=30_000)
    navegador.capturar(fabi, "moderacion_cola")

    publico = chromium.pagina()
    publico.goto(f"{url}/propuestas?propuesta={principal}")
    publico.get_by_text("Ocultado por moderación: Insulta a las autoridades").wait_for(timeout=30_000)
    navegador.listo(publico)
    expect(publico.get_by_test_id("stMetricValue")).to_have_count(4)
    metricas = dict(zip(publico.get_by_test_id("stMetricLabel").all_inner_texts(),
                        publico.get_by_test_id("stMetricValue").all_inner_texts()))
    assert metricas == {"Apoyos": "2", "thumb_up A favor": "1", "thumb_down En contra": "0",
                        "chat Observación": "0"}
    assert publico.get_by_text("ladrones").count() == 0
    expect(publico.get_by_text(f"Absorbió a: {duplicada}")).to_have_count(1)
    expect(publico.get_by_role("link", name="Entrar con mi código")).to_have_count(1)
    navegador.capturar(publico, "deliberacion_publico")
    publico.get_by_text("Ocultado por moderación: Insulta a las autoridades").scroll_into_view_if_needed()
    publico.screenshot(path=str(navegador.CAPTURAS / "deliberacion_publico_hilo.png"))
    publico.goto(f"{url}/propuestas?propuesta={duplicada}")
    publico.get_by_text(re.compile(f"se fusionó con {principal}")).wait_for(timeout=30_000)
    publico.goto(f"{url}/deliberacion")
    navegador.esperar_mapa(publico, etiquetas=10)
    navegador.listo(publico)
    expect(publico.get_by_test_id("stMetricValue")).to_have_text(["1", "2", "1"])
    navegador.capturar(publico, "deliberacion_resumen")
    publico.frame_locator(navegador.IFRAME_MAPA).first.locator(".leaflet-container").scroll_into_view_if_needed()
    publico.screenshot(path=str(navegador.CAPTURAS / "deliberacion_resumen_mapa.png"))

    with nucleo.abrir(ruta) as db:
        historia = [(e["actor"].split(":")[0], e["accion"]) for e in reversed(listar_eventos(db))
                    if e["accion"] not in ("entrar_con_codigo", "iniciar_sesion")][-7:]
    assert historia == [("participante", "argumentar"), ("participante", "apoyar_propuesta"),
                        ("participante", "argumentar"), ("participante", "reportar"),
                        ("participante", "apoyar_propuesta"), ("facilitador", "propuesta_fusionada"),
                        ("facilitador", "ocultar")]
    assert chromium.externas == []


def _reportar_ultimo(pagina, motivo: str):
    pagina.get_by_role("button", name="Reportar", exact=True).last.click()
    pagina.get_by_role("combobox", name="¿Qué pasa?").last.click()
    pagina.get_by_role("option", name=motivo).click()
    pagina.get_by_role("button", name="Enviar a la facilitación").last.click()
    pagina.get_by_text("Gracias: la facilitación revisará su reporte.").wait_for(timeout=30_000)


def _elegir_en_multiselect(pagina, etiqueta: str, texto: str):
    """Elige con el teclado la única opción que queda al escribir `texto` (el desplegable de react-aria
    se redibuja mientras se posiciona, y un clic con el ratón a veces no lo alcanza)."""
    elegir = pagina.get_by_role("combobox", name=etiqueta)
    elegida = pagina.get_by_test_id("stMultiSelect").get_by_text(re.compile(texto))
    for _ in range(5):
        elegir.scroll_into_view_if_needed()
        elegir.click()
        elegir.fill(texto)
        try:
            pagina.get_by_role("option", name=re.compile(texto)).wait_for(state="attached", timeout=5_000)
        except PlaywrightTimeout:
            elegir.press("Escape")
            continue
        elegir.press("ArrowDown")
        elegir.press("Enter")
        elegir.press("Escape")
        try:
            expect(elegida).to_have_count(1, timeout=3_000)
            return
        except AssertionError:
            continue
    expect(elegida).to_have_count(1)
