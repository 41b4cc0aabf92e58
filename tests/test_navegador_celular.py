"""El celular (Chromium a 390×844, que se presenta como un Android) y el idioma (issue 16, puntos 9 y 10): tras entrar
con el código, un botón a la votación abierta; el menú se cierra solo; la lista cabe sin desplazarse de lado; el mapa
abre con la provincia llenándolo, nombres que no se pisan y la leyenda plegada; y ninguna frase de Streamlit o de
Leaflet en inglés, ni a la vista ni en aria-label, en las páginas que recorren el público, un participante y el
equipo. Las capturas quedan en capturas/ (celular_*)."""
import re

import pytest

import nucleo
from geo import servicios as geo_servicios
from identidad import participantes
from propuestas import servicios as propuestas_servicios
from tests import navegador
from tests.ayudas import CLAVE, crear_equipo
from tests.conftest import FACILITADORA, copiar_viables, priorizacion_hoy
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

ANCHO, ALTO = 390, 844
# Frases fijas de Streamlit 1.67 y de Leaflet (tomadas de su código) que una persona vería o un lector de pantalla
# leería; las cortas van con límites de palabra para no confundirse con un texto castellano.
FRASES_EN_INGLES = {
    "Choose an option": r"Choose an option", "Choose options": r"Choose options",
    "No options to select": r"No options to select", "No results": r"\bNo results\b",
    "Upload": r"\bUpload\b", "Drag and drop": r"Drag and drop", "per file": r"\bper file\b",
    "Browse files": r"Browse files", "Help for": r"\bHelp for\b", "Help": r"^Help$",
    "Download as CSV": r"Download as CSV", "Show/hide columns": r"Show/hide columns", "Search": r"^Search$",
    "Fullscreen": r"Fullscreen", "Collapse sidebar": r"Collapse sidebar", "Expand sidebar": r"Expand sidebar",
    "App pages": r"App pages", "View more": r"\bView \d+ more\b", "View less": r"View less",
    "Main menu": r"Main menu", "Skip to main content": r"Skip to main content", "Link to heading": r"Link to heading",
    "Press Enter": r"Press Enter", "Show password": r"Show password", "Hide password": r"Hide password",
    "Increment": r"^Increment$", "Decrement": r"^Decrement$", "Clear all": r"Clear all", "Clear value": r"Clear value",
    "Copy to clipboard": r"Copy to clipboard", "Running": r"Running\.\.\.", "Choose date": r"Choose date",
    "Page not found": r"Page not found", "does not seem to exist": r"does not seem to exist",
    "empty": r"^empty$", "None": r"^None$", "Zoom in": r"Zoom in", "Zoom out": r"Zoom out", "Layers": r"^Layers$",
    "Close popup": r"Close popup", "JavaScript library": r"JavaScript library", "contributors": r"contributors",
    "Add row": r"Add row", "Scrollable table": r"Scrollable table", "start date": r"start date$",
    "end date": r"end date$", "day, month, year": r"^(day|month|year), ", "file upload": r"^file upload$",
    "icon": r"^[a-z_]+ icon$",
}
BUSCAR_INGLES = """(frases) => {
    const hallados = [];
    const mirar = (texto, donde) => {
        const limpio = (texto || "").trim();
        for (const [nombre, patron] of frases) {
            if (limpio && new RegExp(patron).test(limpio)) hallados.push(`${nombre} (${donde}): «${limpio.slice(0, 90)}»`);
        }
    };
    const paseo = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let nodo = paseo.nextNode(); nodo; nodo = paseo.nextNode()) {
        if (!["SCRIPT", "STYLE", "NOSCRIPT"].includes(nodo.parentElement.tagName)) mirar(nodo.nodeValue, "texto");
    }
    for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
        for (const atributo of ["aria-label", "title", "placeholder", "alt"]) mirar(el.getAttribute(atributo), atributo);
    }
    return hallados;
}"""
# Cajas de las etiquetas del mapa que se ven (las que chocarían quedan ocultas) y de los puntos de los pueblos
# principales (el cuadradito negro tampoco puede tapar un nombre), y de la provincia y el mapa
ETIQUETAS_VISIBLES = """() => {
    const caja = (e, texto, tipo) => { const c = e.getBoundingClientRect();
                                       return {texto, tipo, x0: c.left, y0: c.top, x1: c.right, y1: c.bottom}; };
    const marcadores = [...document.querySelectorAll(".etiqueta-distrito, .etiqueta-pueblo, .etiqueta-centro")];
    return [
        ...marcadores.filter(e => !e.classList.contains("etiqueta-oculta"))
            .map(e => caja(e.querySelector("span"), e.textContent, e.className)),
        ...marcadores.filter(e => e.querySelector("i") && !e.classList.contains("punto-oculto"))
            .map(e => caja(e.querySelector("i"), `punto de ${e.textContent}`, "punto")),
    ];
}"""
# (y sin una animación de zoom o de paso en curso: a mitad de una, los nombres se ven escalados y se tocan)
NOMBRES_PUESTOS = """() => window.map && document.querySelectorAll('.etiqueta-distrito:not(.etiqueta-oculta)').length >= 8
    && document.querySelector('.etiqueta-pueblo:not(.etiqueta-oculta)') && !window.map._animatingZoom
    && !(window.map._panAnim && window.map._panAnim._inProgress)
    && !document.querySelector('.leaflet-zoom-anim')"""
PROVINCIA_EN_EL_MAPA = """() => {
    let limites = null;
    window.map.eachLayer(c => { if (c.feature && c.feature.geometry.type.endsWith("Polygon")) {
        limites = limites ? limites.extend(c.getBounds()) : L.latLngBounds(c.getBounds().getSouthWest(),
                                                                          c.getBounds().getNorthEast()); } });
    const a = window.map.latLngToContainerPoint(limites.getNorthWest());
    const b = window.map.latLngToContainerPoint(limites.getSouthEast());
    const tamano = window.map.getSize();
    return {x0: a.x, y0: a.y, x1: b.x, y1: b.y, ancho: tamano.x, alto: tamano.y, zoom: window.map.getZoom()};
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory, _plantilla_viables):
    """Servidor real: las 6 viables en priorización, ana (administración) y fabi, una votación abierta y tres
    participantes con su código."""
    carpeta = tmp_path_factory.mktemp("celular")
    ruta = copiar_viables(_plantilla_viables, carpeta / "plataforma.db")
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
        crear_equipo(db)
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, max_opciones=3),
                                         actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
        codigos = [participantes.registrar_participante(db, proceso.id, {"nombre": nombre, "tipo": "joven",
                                                                         "ubigeo": "021201", "consentimiento": True},
                                                        actor=FACILITADORA, ahora=nucleo.ahora())[1]
                   for nombre in ("Rosa Huamán", "Juan Pérez", "Elena Quispe")]
        votada = votacion.obtener(db, creada.id)
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, votada, codigos


@pytest.fixture
def celular(chromium):
    """Una pestaña de celular nueva (sin la sesión de otra prueba)."""
    return lambda: chromium.pagina(ANCHO, ALTO, celular=True)


def _entrar_con_codigo(pagina, url, codigo):
    pagina.goto(f"{url}/entrar")
    pagina.get_by_label("Código de acceso (está en su tarjeta)").fill(codigo)
    pagina.get_by_role("button", name="Entrar con mi código").click()
    pagina.get_by_text(re.compile("Entró como")).wait_for(timeout=30_000)
    navegador.listo(pagina)
    navegador.esperar_cookie(pagina)


def _sin_desplazamiento_lateral(pagina):
    ancho, visible = pagina.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert ancho <= visible, f"la página mide {ancho} px de ancho en una pantalla de {visible}"


def _capturar_entera(pagina, nombre):
    """La primera pantalla (390×844) y la página entera (el mismo ancho, tan alta como su contenido)."""
    navegador.capturar(pagina, nombre)
    alto = pagina.evaluate("Math.max(document.querySelector('[data-testid=stMain]')?.scrollHeight || 0, innerHeight)")
    pagina.set_viewport_size({"width": ANCHO, "height": min(alto + 80, 8000)})
    pagina.wait_for_timeout(500)  # el mapa y las columnas se reacomodan al nuevo alto
    navegador.capturar(pagina, f"{nombre}_entera")
    pagina.set_viewport_size({"width": ANCHO, "height": ALTO})


def _se_pisan(cajas):
    return [(a["texto"], b["texto"]) for i, a in enumerate(cajas) for b in cajas[i + 1:]
            if a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]]


# --- 9. tras entrar con código ---------------------------------------------------------------------------------

def test_tras_entrar_con_codigo_un_boton_lleva_a_la_votacion_abierta(app, celular):
    """Antes: «Ya puede proponer y votar» y ningún botón a ninguna de las dos."""
    url, _, votada, codigos = app
    pagina = celular()
    _entrar_con_codigo(pagina, url, codigos[0])
    proponer = pagina.get_by_role("button", name="Proponer un proyecto")
    votar = pagina.get_by_role("button", name=f"Votar: {votada.nombre}")
    expect(proponer).to_be_visible()
    expect(votar).to_be_visible()
    assert votar.bounding_box()["y"] + votar.bounding_box()["height"] <= ALTO  # sin bajar: en la primera pantalla
    _sin_desplazamiento_lateral(pagina)
    navegador.capturar(pagina, "celular_entrar")
    votar.click()
    pagina.get_by_text("Elija hasta 3 propuestas.").wait_for(timeout=30_000)
    expect(pagina).to_have_url(re.compile(rf"/votar\?votacion={votada.id}$"))
    navegador.listo(pagina)
    _sin_desplazamiento_lateral(pagina)
    _capturar_entera(pagina, "celular_papeleta")


def test_en_el_celular_el_menu_se_cierra_solo_al_elegir_una_pagina(app, celular):
    """Antes: el menú lateral seguía abierto encima de la página elegida."""
    url, _, _, _ = app
    pagina = celular()
    pagina.goto(url)
    navegador.listo(pagina)
    menu = pagina.get_by_test_id("stSidebar")
    pagina.get_by_test_id("stExpandSidebarButton").click()
    enlace = menu.get_by_role("link", name="Propuestas", exact=True)
    enlace.wait_for(state="visible", timeout=10_000)
    pagina.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right "
                             "> 200", timeout=10_000)  # abierto, encima de la página
    enlace.click()
    pagina.get_by_role("heading", name="Propuestas", exact=True).wait_for(timeout=30_000)
    pagina.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right "
                             "<= 0", timeout=10_000)  # se cerró solo
    expect(pagina.get_by_role("heading", name="Propuestas", exact=True)).to_be_in_viewport()


def test_la_lista_de_propuestas_cabe_en_el_celular_en_tarjetas(app, celular):
    """Antes: una tabla en la que, a 390 px, distrito, estado y costo quedaban fuera, de lado."""
    url, ruta, _, _ = app
    with nucleo.abrir(ruta) as db:
        filas = propuestas_servicios.buscar(db, propuestas_servicios.proceso_actual(db).id)
    pagina = celular()
    pagina.goto(f"{url}/propuestas")
    tarjetas = pagina.locator("[class*='st-key-tarjeta_']")
    tarjetas.nth(len(filas) - 1).wait_for(timeout=60_000)
    navegador.listo(pagina)
    _sin_desplazamiento_lateral(pagina)
    for fila in filas:
        tarjeta = pagina.locator(f".st-key-tarjeta_{fila['codigo']}")
        caja = tarjeta.bounding_box()
        assert caja["x"] >= 0 and caja["x"] + caja["width"] <= ANCHO, fila["codigo"]
        texto = re.sub(r"\s+", " ", tarjeta.inner_text())
        for esperado in (fila["codigo"], fila["titulo"], fila["distrito"], "viable",
                         f"costo validado S/ {fila['costo_validado_centimos'] // 100:,}.00"):
            assert esperado in texto, (esperado, texto)
    _capturar_entera(pagina, "celular_propuestas")
    tarjetas.first.get_by_role("link", name="Ver la propuesta").click()
    pagina.get_by_role("heading", name=re.compile(rf"^{filas[0]['codigo']} · ")).wait_for(timeout=30_000)
    navegador.listo(pagina)
    _sin_desplazamiento_lateral(pagina)
    expect(pagina.get_by_text(re.compile(rf"^http://[^ ]+/propuestas\?propuesta={filas[0]['codigo']}$"))).to_be_visible()


# --- 9. el mapa -------------------------------------------------------------------------------------------------

def test_el_mapa_abre_con_la_provincia_llenandolo_y_nombres_que_no_se_pisan(app, celular):
    """Antes: la provincia chica y corrida, nombres encimados, sin pueblos de referencia y la leyenda encima."""
    url, _, _, _ = app
    pagina = celular()
    pagina.goto(f"{url}/mapa")
    marco, frame = navegador.esperar_mapa(pagina, etiquetas=10)
    navegador.listo(pagina)
    # la primera respuesta del mapa hace que Streamlit lo vuelva a dibujar (folium cambia sus nombres internos): se
    # espera a que el que queda tenga sus nombres puestos
    frame.wait_for_function(NOMBRES_PUESTOS, timeout=30_000)
    _sin_desplazamiento_lateral(pagina)
    caja = frame.evaluate(PROVINCIA_EN_EL_MAPA)
    ancho, alto = (caja["x1"] - caja["x0"]) / caja["ancho"], (caja["y1"] - caja["y0"]) / caja["alto"]
    assert max(ancho, alto) >= 0.8, f"la provincia ocupa {ancho:.0%} × {alto:.0%} del mapa"
    assert 0 <= caja["x0"] and caja["x1"] <= caja["ancho"] and 0 <= caja["y0"] and caja["y1"] <= caja["alto"]
    assert abs((caja["x0"] + caja["x1"]) / 2 - caja["ancho"] / 2) <= 0.05 * caja["ancho"]  # centrada
    assert abs((caja["y0"] + caja["y1"]) / 2 - caja["alto"] / 2) <= 0.05 * caja["alto"]
    visibles = frame.evaluate(ETIQUETAS_VISIBLES)
    assert _se_pisan(visibles) == []
    distritos = [v["texto"] for v in visibles if "distrito" in v["tipo"]]
    pueblos = [v["texto"] for v in visibles if "pueblo" in v["tipo"]]
    assert len(distritos) >= 8 and pueblos, (distritos, pueblos)  # y pueblos de referencia con su nombre
    # de cerca (alrededor de Caraz; el centro de la provincia es cordillera): los nombres de los centros poblados
    # (si el mapa se volvió a dibujar entre tanto, se vuelve a acercar)
    frame.wait_for_function("""() => {
        if (!window.map) return false;
        if (window.map.getZoom() < 12) window.map.setView([-9.0485, -77.8046], 12.5, {animate: false});
        return [...document.querySelectorAll('.etiqueta-centro')].some(e => !e.classList.contains('etiqueta-oculta'));
    }""", timeout=30_000, polling=500)
    assert _se_pisan(frame.evaluate(ETIQUETAS_VISIBLES)) == []
    pagina.reload()
    _, frame = navegador.esperar_mapa(pagina, etiquetas=10)
    navegador.listo(pagina)
    frame.wait_for_function(NOMBRES_PUESTOS, timeout=30_000)  # al recargar, los nombres también se ven
    _capturar_entera(pagina, "celular_mapa")
    frame.wait_for_function(NOMBRES_PUESTOS, timeout=30_000)  # y tras cambiar el alto de la pantalla


def test_en_el_celular_tocar_caraz_en_el_mapa_muestra_su_ficha_a_la_vista(app, celular):
    """Antes: el mapa no cabe entero bajo el título; al primer toque Leaflet lo enfocaba y la página se corría ~60 px
    entre el dedo y el clic: el toque caía más abajo, fuera de la provincia, y no salía ninguna ficha. Y la ficha, que
    en el celular va debajo del mapa, quedaba fuera de la pantalla sin que nada lo dijera."""
    url, ruta, _, _ = app
    with nucleo.abrir(ruta) as db:
        caraz = geo_servicios.cargar_territorio(db).distrito("021201").geometria.representative_point()
    pagina = celular()
    pagina.goto(f"{url}/mapa")
    navegador.esperar_mapa(pagina, etiquetas=10)
    navegador.listo(pagina)
    marco, frame = navegador.esperar_mapa(pagina, etiquetas=10)  # el que quedó tras volver a dibujarse
    frame.wait_for_function(NOMBRES_PUESTOS, timeout=30_000)
    mapa = pagina.locator(navegador.IFRAME_MAPA).bounding_box()
    assert mapa["y"] + mapa["height"] > ALTO, "el mapa cabe entero: esta prueba ya no toca un mapa cortado"
    x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                          " return [p.x, p.y]; }", [caraz.y, caraz.x])
    assert mapa["y"] + y < ALTO  # Caraz se ve: la persona lo toca sin desplazarse
    marco.locator("#map_div").tap(position={"x": x, "y": y})
    titulo = pagina.get_by_role("heading", name="Caraz", exact=True)
    expect(titulo).to_be_in_viewport(ratio=1, timeout=60_000)
    expect(pagina.get_by_text("Ubigeo 021201")).to_be_in_viewport(timeout=10_000)
    navegador.listo(pagina)
    _sin_desplazamiento_lateral(pagina)
    navegador.capturar(pagina, "celular_mapa_ficha")


def test_la_leyenda_de_la_coropleta_no_tapa_el_mapa_del_celular(app, celular):
    url, _, _, _ = app
    pagina = celular()
    pagina.goto(f"{url}/mapa")
    navegador.esperar_mapa(pagina, etiquetas=10)
    pagina.get_by_role("combobox", name="Colorear los distritos según").click()
    pagina.get_by_role("option", name="Pobreza monetaria 2018 (%)").click()
    marco = pagina.frame_locator(navegador.IFRAME_MAPA).first
    leyenda = marco.locator(".leyenda-mapa")
    leyenda.wait_for(timeout=30_000)
    _, frame = navegador.esperar_mapa(pagina, etiquetas=10)
    navegador.listo(pagina)
    mapa = frame.evaluate("() => { const t = window.map.getSize(); return t.x * t.y; }")
    caja = leyenda.bounding_box()
    assert caja["width"] * caja["height"] <= 0.05 * mapa, "la leyenda tapa más del 5 % del mapa"
    frame.evaluate("() => window.ordenarEtiquetas()")
    recuadro = {"x0": caja["x"], "y0": caja["y"], "x1": caja["x"] + caja["width"], "y1": caja["y"] + caja["height"],
                "texto": "leyenda"}
    assert [p for p in _se_pisan([recuadro, *frame.evaluate(ETIQUETAS_VISIBLES)]) if "leyenda" in p] == []
    navegador.capturar(pagina, "celular_mapa_coropleta")
    leyenda.locator("summary").click()  # se abre al tocarla, con sus clases
    expect(leyenda.locator("i")).to_have_count(5)


# --- 10. nada en inglés -----------------------------------------------------------------------------------------

# El límite que anuncia cada subida de archivos es el de la app (antes, el del servidor para todas: «60MB per file»)
LIMITES_DE_SUBIDA = {"territorio": "Hasta 30 MB por archivo", "importar": "Hasta 10 MB por archivo",
                     "respaldo": "Hasta 60 MB por archivo"}


def _paginas(votacion_id: int) -> dict[str, list[str]]:
    return {
        "publico": ["", "propuestas", "propuestas?propuesta=PP27-0001", "deliberacion", "resultados", "mapa", "votar",
                    "entrar", "proponer", f"proyector?taller={votacion_id}"],
        "participante": ["entrar", f"votar?votacion={votacion_id}", "proponer", "propuestas?propuesta=PP27-0002"],
        "equipo": ["evaluar", "moderacion", "importar", "consola", "votaciones", "participantes", "procesos",
                   "territorio", "cuentas", "respaldo", "datos", "entrar"],
    }


@pytest.mark.parametrize("quien", ["publico", "participante", "equipo"])
def test_ninguna_frase_en_ingles_en_las_paginas_que_recorre(app, celular, quien):
    """Antes: «Choose an option», «Upload», «200MB per file», «Help for …», «Download as CSV», «Collapse sidebar»,
    «Zoom in»…, a la vista o en aria-label."""
    url, _, votada, codigos = app
    pagina = celular()
    if quien == "participante":
        _entrar_con_codigo(pagina, url, codigos[1])
    elif quien == "equipo":
        navegador.entrar(pagina, url, "ana", CLAVE)
    hallados = {}
    for ruta in _paginas(votada.id)[quien]:
        pagina.goto(f"{url}/{ruta}")
        navegador.listo(pagina)
        if pagina.locator(navegador.IFRAME_MAPA).count():
            navegador.esperar_mapa(pagina, etiquetas=10)
        tablas = pagina.locator("[data-testid=stDataFrame]:visible")
        if tablas.count():
            tablas.first.hover()  # su barra (descargar, buscar…) sale al pasar
            pagina.locator("[data-testid=stElementToolbar]:visible").first.wait_for(timeout=10_000)
        assert pagina.evaluate("document.documentElement.lang") == "es"
        if ruta in LIMITES_DE_SUBIDA:
            expect(pagina.get_by_test_id("stFileUploaderDropzoneInstructions")).to_have_text(
                re.compile(rf"^{LIMITES_DE_SUBIDA[ruta]}\b"), timeout=30_000)
        for marco in pagina.frames:  # la página y sus marcos (el mapa)
            # un marco recién creado (un componente que carga) aún no tiene <body>: se espera a que lo tenga
            marco.wait_for_function("() => document.body !== null", timeout=30_000)
            encontrados = marco.evaluate(BUSCAR_INGLES, list(FRASES_EN_INGLES.items()))
            if encontrados:
                hallados[ruta or "inicio"] = hallados.get(ruta or "inicio", []) + encontrados
        if ruta.startswith(("votar", "propuestas", "entrar", "mapa")):
            _sin_desplazamiento_lateral(pagina)
    assert hallados == {}
