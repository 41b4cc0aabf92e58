"""Seguridad vista en Chromium: páginas por URL sin el rol, texto hostil como texto en cada página que muestra
texto de usuario (públicas y del equipo), respaldo restaurado.

La base lleva texto hostil en cada campo que la app muestra (ver `tests/hostil.py`); cada página se revisa como
la vería un visitante: nada se pide fuera de 127.0.0.1 (guardia de `conftest.py`), no se ejecuta JavaScript
inyectado, no hay imágenes ni enlaces salidos de lo escrito, no se ven barras de escapes y cada texto se lee tal
cual se escribió."""
import re

import pytest

import nucleo
from geo import servicios as territorio
from identidad import cuentas
from identidad.acceso import LINEA_DE_COMANDOS, SISTEMA, Rol
from propuestas import servicios
from propuestas.deliberacion import servicios as deliberacion
from tests import hostil, navegador
from tests.conftest import AHORA, filas
from tests.hostil import BLOQUES, CLAVE, HOSTILES, NOMBRES, TODOS
from votacion import servicios as votacion_servicios
from votacion.servicios import MIGRACIONES

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect
PlaywrightTimeoutError = pytest.importorskip("playwright.sync_api").TimeoutError

TITULO = HOSTILES["imagen"]  # el de PP27-0001
DISTRITOS = [HOSTILES[n] for n in NOMBRES[:10]]


@pytest.fixture(scope="module")
def instancia(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("seguridad")
    ruta = carpeta / "plataforma.db"
    datos = hostil.crear_base_hostil(ruta)
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, datos


@pytest.fixture
def vigilado(chromium):
    """Página de Chromium que anota todo diálogo de JavaScript (alert) que se abra."""
    pagina = chromium.pagina()
    dialogos = []
    pagina.on("dialog", lambda d: (dialogos.append(d.message), d.dismiss()))
    yield pagina, dialogos
    assert dialogos == [], "se ejecutó JavaScript inyectado"


def _esperar_texto(pagina, texto: str) -> None:
    """Espera a que `texto` se vea en la página (con los espacios y saltos de línea como sea)."""
    pagina.wait_for_function("t => document.body.innerText.replace(/\\s+/g, ' ').includes(t)", arg=hostil.plano(texto),
                             timeout=60_000)


def _ficha(ruta, codigo):
    with nucleo.abrir(ruta) as db:
        return servicios.obtener(db, codigo, actor=SISTEMA)


def test_participante_con_codigo_no_llega_a_las_paginas_del_equipo(instancia, vigilado):
    url, _, datos = instancia
    codigo = datos["accesos"][0]
    pagina, _ = vigilado
    pagina.goto(f"{url}/entrar?codigo={codigo}")
    expect(pagina.get_by_label("Código de acceso (está en su tarjeta)")).to_have_value(codigo)
    pagina.get_by_role("button", name="Entrar con mi código").click()
    pagina.get_by_text(re.compile("Entró como Rosa .*agente participante")).wait_for(timeout=30_000)  # su nombre, tal cual
    menu = pagina.get_by_test_id("stSidebar")
    assert menu.get_by_role("link", name="Proponer").count() == 1
    assert menu.get_by_role("link", name="Evaluación técnica").count() == 0
    for ruta in ("evaluar", "procesos", "participantes", "cuentas", "respaldo", "territorio", "votaciones", "datos"):
        pagina.goto(f"{url}/{ruta}")
        pagina.get_by_role("heading", name="Sin acceso").wait_for(timeout=30_000)
        expect(pagina.get_by_text(re.compile("hace falta otro rol"))).to_have_count(1)
        navegador.listo(pagina)
        assert pagina.locator("[data-testid=stDataFrame], form, input[type=file]").count() == 0
    navegador.capturar(pagina, "sin_acceso")


# --- texto hostil, página por página -------------------------------------------------------------

PROCESO = f"PP27 {HOSTILES['imagen']}"


@pytest.mark.parametrize("ruta, esperados", [
    ("inicio", [PROCESO, HOSTILES["enlace"], *DISTRITOS, f"límites {HOSTILES['imagen']} {HOSTILES['www']}.geojson"]),
    ("propuestas", [PROCESO, "17 propuestas"]),
    ("deliberacion", [PROCESO]),
], ids=["inicio", "propuestas", "deliberacion"])
def test_texto_hostil_se_lee_tal_cual_en_las_paginas_publicas(instancia, vigilado, ruta, esperados):
    url, _, _ = instancia
    pagina, _ = vigilado
    pagina.goto(f"{url}/{ruta}")
    _esperar_texto(pagina, esperados[0])
    if ruta != "inicio":
        marco, _ = navegador.esperar_mapa(pagina, 10)
        expect(marco.locator(".etiqueta-distrito span")).to_have_text(DISTRITOS, ignore_case=False,
                                                                     use_inner_text=True)
    navegador.listo(pagina)
    hostil.revisar(pagina, esperados)
    navegador.capturar(pagina, f"hostil_{ruta}")


def test_texto_hostil_en_la_ficha_con_su_deliberacion(instancia, vigilado):
    url, ruta, _ = instancia
    pagina, _ = vigilado
    ficha = _ficha(ruta, "PP27-0001")
    p = ficha.propuesta
    pagina.goto(f"{url}/propuestas?propuesta=PP27-0001")
    pagina.get_by_role("heading", name=f"PP27-0001 · {TITULO}").wait_for(timeout=60_000)
    pagina.get_by_text("Todos los argumentos", exact=False).wait_for(timeout=60_000)
    navegador.listo(pagina)
    visibles = [HOSTILES[n] for n in NOMBRES if n != NOMBRES[2]]  # el 3.º argumento está oculto
    hostil.revisar(pagina, [
        f"PP27-0001 · {TITULO}", p.distrito, f"cerca de {p.centro_poblado.title()}", PROCESO,
        f"Motivo del estado: {p.motivo_estado}", p.problema, p.propuesta, p.objetivo,
        f"Propone: {p.proponente_nombre} (Organización) — {p.organizacion}", *visibles, f"{BLOQUES}\n{TODOS}",
        f"Ocultado por moderación: {HOSTILES['url']}",
        f"{TODOS}\n{BLOQUES}", HOSTILES["correo"], HOSTILES["imagen"], HOSTILES["enlace"], HOSTILES["www"]])
    navegador.capturar(pagina, "hostil_ficha")


def test_ficha_ocultada_muestra_su_motivo_como_texto(instancia, vigilado):
    url, _, _ = instancia
    pagina, _ = vigilado
    pagina.goto(f"{url}/propuestas?propuesta=PP27-0017")
    pagina.get_by_text("Propuesta ocultada por moderación", exact=False).wait_for(timeout=60_000)
    navegador.listo(pagina)
    hostil.revisar(pagina, [f"Propuesta ocultada por moderación: {HOSTILES['imagen']}"])


def test_titulo_hostil_en_el_mapa_y_en_el_boton_que_abre_la_ficha(instancia, vigilado):
    """El clic en un punto del mapa abre su popup (texto, no HTML) y pone un botón oficial con el título."""
    url, ruta, _ = instancia
    pagina, _ = vigilado
    pagina.set_viewport_size({"width": 1366, "height": 1400})  # el mapa entero a la vista, como al tocarlo
    pagina.goto(f"{url}/propuestas")
    marco, _ = navegador.esperar_mapa(pagina, 10)
    puntos = marco.locator(".punto-propuesta, .marker-cluster")
    puntos.first.wait_for(timeout=60_000)
    navegador.listo(pagina)
    marco.locator(".punto-propuesta").first.wait_for(timeout=60_000)
    marco.locator(".punto-propuesta").first.click()
    popup = marco.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    titulo = popup.locator("strong").inner_text()
    assert titulo in HOSTILES.values()
    boton = pagina.get_by_role("button", name=re.compile(r"^Abrir PP27-\d{4}: "))
    boton.wait_for(timeout=60_000)
    navegador.listo(pagina)
    assert hostil.plano(boton.inner_text()).endswith(hostil.plano(titulo[:60]))
    hostil.revisar(pagina, [titulo])
    navegador.capturar(pagina, "hostil_popup_y_boton")


def test_texto_hostil_en_el_mapa_del_territorio(instancia, vigilado):
    url, ruta, _ = instancia
    pagina, _ = vigilado
    with nucleo.abrir(ruta) as db:
        con_html = next(d for d in territorio.cargar_territorio(db).distritos if d.nombre == HOSTILES["html"])
    punto = con_html.geometria.representative_point()
    pagina.goto(f"{url}/mapa")
    marco, frame = navegador.esperar_mapa(pagina, 10)
    navegador.listo(pagina)
    tooltip = marco.locator(".leaflet-tooltip")
    for _ in range(3):  # si Streamlit redibujó el mapa justo entonces, se vuelve a pasar el ratón por el nuevo
        frame = next(f for f in pagina.frames if "st_folium" in f.url)
        frame.wait_for_function("() => window.map && window.map._loaded", timeout=30_000)
        x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                              " return [p.x, p.y]; }", [punto.y, punto.x])
        marco.locator("#map_div").hover(position={"x": x, "y": y})  # el tooltip de folium (HTML escapado)
        try:
            tooltip.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            marco.locator("#map_div").hover(position={"x": 1, "y": 1})
    expect(tooltip).to_have_text(HOSTILES["html"], use_inner_text=True, timeout=30_000)
    hostil.revisar(pagina, [HOSTILES["html"]])
    pagina.get_by_role("combobox", name="Distrito", exact=True).click()
    pagina.get_by_role("option", name=DISTRITOS[0], exact=True).click()
    pagina.get_by_role("heading", name=DISTRITOS[0]).wait_for(timeout=60_000)
    navegador.listo(pagina)
    hostil.revisar(pagina, [DISTRITOS[0], f"provincia {HOSTILES['enlace']} · {HOSTILES['icono']}"])


def test_texto_hostil_en_los_resultados_y_el_proyector(instancia, vigilado):
    url, ruta, datos = instancia
    pagina, _ = vigilado
    with nucleo.abrir(ruta) as db:
        resultado = votacion_servicios.resultados(db, datos["cerrada"], actor=SISTEMA)
    titulos = {f["codigo"]: f["titulo"] for f in resultado.filas}
    listados = [titulos[c] for c in [*resultado.oficial.elegidos, *resultado.comparacion.elegidos]]
    nombre = f"Taller {HOSTILES['enlace']}"
    pagina.goto(f"{url}/resultados?votacion={datos['cerrada']}")
    pagina.get_by_text("¿Por qué no se financió?", exact=False).wait_for(timeout=60_000)
    navegador.listo(pagina)
    hostil.revisar(pagina, [nombre, *listados])
    navegador.capturar(pagina, "hostil_resultados")

    pagina.goto(f"{url}/proyector?taller={datos['cerrada']}")
    pagina.get_by_text("Resultado final").wait_for(timeout=60_000)
    ranking = [f["titulo"] for f in resultado.filas[:8]]
    hostil.revisar(pagina, [nombre, HOSTILES["www"], *ranking])
    navegador.capturar(pagina, "hostil_proyector")


def test_texto_hostil_en_la_papeleta_del_celular(instancia, vigilado):
    url, ruta, datos = instancia
    pagina, _ = vigilado
    pagina.set_viewport_size({"width": 390, "height": 844})
    with nucleo.abrir(ruta) as db:
        elegibles = votacion_servicios.elegibles(db, datos["abierta"])
    pagina.goto(f"{url}/votar")
    pagina.get_by_label("Código de acceso (está en su tarjeta)").fill(datos["accesos"][1])
    pagina.get_by_role("button", name="Entrar y votar").click()
    pagina.get_by_test_id("stCheckbox").nth(len(elegibles) - 1).wait_for(timeout=60_000)
    navegador.listo(pagina)
    hostil.revisar(pagina, [f"Taller {HOSTILES['correo']}", *(e.titulo for e in elegibles.values()),
                            *(e.distrito for e in elegibles.values())])
    navegador.capturar(pagina, "hostil_papeleta")


def test_texto_hostil_en_las_paginas_del_equipo(instancia, vigilado):
    url, ruta, datos = instancia
    pagina, _ = vigilado
    navegador.entrar(pagina, url, "ana", CLAVE)
    hostil.revisar(pagina)
    with nucleo.abrir(ruta) as db:
        pendientes, ocultos = deliberacion.cola_de_moderacion(db, 1, actor=SISTEMA)
    paginas = {
        "Moderación": [*(p.texto for p in pendientes), HOSTILES["www"], *(o["texto"] for o in ocultos),
                       HOSTILES["url"], HOSTILES["imagen"]],
        "Taller en vivo (consola)": [f"{HOSTILES[n]} — {HOSTILES['www']} · {HOSTILES['icono']}"
                                     for n in hostil.ACUERDOS],
        "Votaciones y papeletas": [PROCESO],
        "Participantes y códigos": [PROCESO],
        "Procesos participativos": [],
        "Cuentas del equipo": [],
    }
    for titulo, esperados in paginas.items():
        navegador.ir_a(pagina, titulo)
        pagina.get_by_role("heading", name=re.compile(titulo.split(" ")[0])).first.wait_for(timeout=60_000)
        navegador.listo(pagina)
        if esperados:
            _esperar_texto(pagina, esperados[0])
        hostil.revisar(pagina, esperados)
        navegador.capturar(pagina, f"hostil_equipo_{titulo.split(' ')[0].lower()}")

    # la matriz de criterios (nombre y ayuda del criterio los escribe la administración)
    navegador.ir_a(pagina, "Evaluación técnica")
    navegador.listo(pagina)
    pagina.get_by_role("combobox", name="Propuesta", exact=True).click()
    pagina.get_by_role("option", name=re.compile("^PP27-0016")).click()
    pagina.get_by_text("Matriz de criterios").wait_for(timeout=60_000)
    navegador.listo(pagina)
    criterio = pagina.get_by_test_id("stSlider").filter(has_text=HOSTILES["enlace"])
    criterio.get_by_test_id("stTooltipHoverTarget").hover()
    pagina.get_by_test_id("stTooltipContent").wait_for(timeout=30_000)
    admitida = _ficha(ruta, "PP27-0016").propuesta
    hostil.revisar(pagina, [f"{admitida.titulo} · {admitida.distrito}", HOSTILES["enlace"], HOSTILES["www"]])
    navegador.capturar(pagina, "hostil_matriz")


def test_texto_hostil_en_archivos_subidos(instancia, vigilado, tmp_path):
    """Lo que trae un archivo subido (hoja de fichas, límites) se muestra en la revisión como texto."""
    from tests.ayudas import BUENA, como_xlsx

    url, ruta, _ = instancia
    pagina, _ = vigilado
    navegador.entrar(pagina, url, "ana", CLAVE)
    fichas = [{**BUENA, "N.º de ficha": f"H-{n}", "Título": HOSTILES[nombre], "Problema": TODOS,
               "Distrito": "Ninguno", "Centro poblado": HOSTILES["www"]} for n, nombre in enumerate(NOMBRES)]
    hoja = tmp_path / "fichas-hostiles.xlsx"
    hoja.write_bytes(como_xlsx(fichas))
    navegador.ir_a(pagina, "Importar propuestas")
    pagina.locator("input[type=file]").set_input_files(str(hoja))
    pagina.get_by_text(re.compile("No se importará nada")).wait_for(timeout=60_000)
    navegador.listo(pagina)
    hostil.revisar(pagina, [HOSTILES[n] for n in NOMBRES])
    navegador.capturar(pagina, "hostil_importar")

    navegador.ir_a(pagina, "Territorio (importar límites)")
    pagina.locator("input[type=file]").set_input_files(str(ruta.parent / "limites.geojson"))
    pagina.get_by_text(re.compile("Vista previa de")).wait_for(timeout=60_000)
    navegador.esperar_mapa(pagina, 10)
    navegador.listo(pagina)
    hostil.revisar(pagina, DISTRITOS)
    navegador.capturar(pagina, "hostil_territorio")


# --- respaldo ------------------------------------------------------------------------------------

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
    assert nucleo.db.revisar_respaldo(archivo, MIGRACIONES) == []

    nueva = tmp_path / "nueva"
    nueva.mkdir()
    with nucleo.abrir(nueva / "plataforma.db") as db:
        servicios.preparar(db)
        cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
    with navegador.servidor({"PLATAFORMA_DB": str(nueva / "plataforma.db")}, nueva / "streamlit.log") as url_nueva:
        navegador.entrar(pagina, url_nueva, "ana", CLAVE)
        navegador.ir_a(pagina, "Respaldo")
        pagina.locator("input[type=file]").set_input_files(str(archivo))
        pagina.get_by_text("Entiendo que los datos actuales se reemplazan").click()
        pagina.get_by_role("button", name="Restaurar").click()
        pagina.get_by_text("Base restaurada").wait_for(timeout=30_000)
        pagina.goto(f"{url_nueva}/propuestas?propuesta=PP27-0001")
        pagina.get_by_role("heading", name=f"PP27-0001 · {TITULO}").wait_for(timeout=30_000)
    with nucleo.abrir(ruta) as original, nucleo.abrir(nueva / "plataforma.db") as restaurada:
        for tabla in ("propuestas", "participantes", "codigos_acceso", "distritos", "centros_poblados"):
            assert filas(restaurada, tabla) == filas(original, tabla), tabla
        assert restaurada.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
