"""El proyector y la consola del taller en Chromium, como los ve la sala.

El proyector a 1920×1080 y 1280×720, con 2 y con 30 propuestas: abierto, tras revelar los resultados con la
votación abierta y cerrado. Todo lo importante cabe sin desplazarse (el QR y su dirección mientras se pueda votar,
los contadores, la cuenta regresiva, la barra del techo, el ranking y el mapa), la letra se lee desde el fondo
(también los nombres de los distritos del mapa), ninguna etiqueta de la barra del techo queda cortada y se dice
por qué no se financió la primera que no alcanzó. La consola: los contadores y la asistencia dicen lo mismo, y
se actualizan juntos sin recargar.
"""
import base64
import datetime as dt
import re

import pytest

import geo
import nucleo
from propuestas import servicios as propuestas_servicios
from tests import navegador
from tests.ayudas import CLAVE, COSTOS, crear_equipo, votan
from tests.conftest import ADMIN, AHORA, CENTROS, FACILITADORA, INDICADORES, LIMITES, crear_viables, priorizacion_hoy
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

PANTALLAS = [(1920, 1080), (1280, 720)]
# letra mínima: 1/40 del alto de la pantalla (27 px a 1080, 18 px a 720), la que se lee desde el fondo de la sala
LETRA_MINIMA = 1 / 40


@pytest.fixture(scope="module")
def sala(tmp_path_factory):
    """Servidor real con 30 propuestas viables (títulos largos, de todos los distritos) y el equipo de siempre."""
    carpeta = tmp_path_factory.mktemp("sala")
    ruta = carpeta / "plataforma.db"
    with nucleo.abrir(ruta) as db:
        votacion.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            geo.servicios.importar(db, archivo, actor=ADMIN, ahora=AHORA)
        propuestas_servicios.crear_proceso(db, propuestas_servicios.proceso_sugerido("0212", dt.date(2026, 12, 1)),
                                           actor=ADMIN, ahora=AHORA)
        codigos = crear_viables(db, [f"S/ {COSTOS[i % len(COSTOS)]:,}" for i in range(30)])
        priorizacion_hoy(db)
        crear_equipo(db)
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, codigos


def _nueva_votacion(ruta, codigos, *, nombre, techo=85_000_000) -> int:
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(
            db, votacion.nueva_votacion(db, proceso.id, nombre=nombre, max_opciones=min(3, len(codigos)),
                                        regla="greedy", techo_centimos=techo, lugar="Local comunal de Caraz"),
            codigos, actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
    return creada.id




# --- la consola ------------------------------------------------------------------------------------------------

def test_la_consola_no_se_contradice(sala, chromium):
    """Se abre la consola con nadie unido; llegan tres personas por el QR y votan: los contadores y la asistencia
    (el resumen y sus tablas) pasan a 3 juntos, sin recargar, y nunca hay una tabla vacía («empty»)."""
    url, ruta, codigos = sala
    votacion_id = _nueva_votacion(ruta, codigos[:6], nombre="Taller de la consola")
    consola = chromium.pagina(1366, 900)
    navegador.entrar(consola, url, "fabi", CLAVE)
    navegador.ir_a(consola, "Taller en vivo (consola)")
    consola.get_by_label("Votación").wait_for(timeout=30_000)
    navegador.listo(consola)
    metrica = consola.get_by_test_id("stMetric").filter(has_text="Personas unidas")
    expect(metrica).to_contain_text("0", timeout=30_000)
    expect(consola.get_by_text(re.compile(r"^0 personas en el taller"))).to_be_visible()
    consola.evaluate("window.__sin_recargar = true")

    votan(ruta, votacion_id, codigos[:6], 3)
    expect(metrica).to_contain_text("3", timeout=30_000)
    expect(consola.get_by_test_id("stMetric").filter(has_text="Papeletas")).to_contain_text("3")
    expect(consola.get_by_text(re.compile(r"^3 personas en el taller"))).to_be_visible(timeout=5_000)
    expect(consola.get_by_text(re.compile(r"3 ya votaron"))).to_be_visible()
    tablas = consola.get_by_test_id("stDataFrame")
    expect(tablas).to_have_count(2)
    assert "empty" not in consola.get_by_test_id("stMain").inner_text()
    assert consola.evaluate("window.__sin_recargar === true"), "la consola se recargó entera"
    navegador.capturar(consola, "consola_1366")


# --- el proyector ----------------------------------------------------------------------------------------------

REVISAR = """(minimo) => {
    const vista = (e) => { const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1
               && r.right <= innerWidth + 1; };
    const fuera = (sel) => [...document.querySelectorAll(sel)].filter(e => !vista(e)).length;
    const chicas = [];
    for (const e of document.querySelectorAll('.pz *')) {
        const propio = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        const tam = parseFloat(getComputedStyle(e).fontSize);
        if (propio && e.getClientRects().length && tam < minimo) chicas.push(e.textContent.trim().slice(0, 30) + ' ' + tam);
    }
    // un tramo de la barra del techo con texto visible que no le cabe («PP27-(», «so»)
    const cortadas = [...document.querySelectorAll('[aria-label="Techo presupuestal y propuestas financiadas"] > div')]
        .filter(d => d.innerText.trim() && d.scrollWidth > d.clientWidth + 1).map(d => d.innerText.trim());
    const mapa = document.querySelector('img[alt*="por distrito"]');
    const principal = document.querySelector('[data-testid=stMain]');
    return {
        alturas: [principal.scrollHeight, principal.clientHeight, document.scrollingElement.scrollHeight],
        desplaza: principal.scrollHeight > principal.clientHeight + 1
                  || document.scrollingElement.scrollHeight > innerHeight + 1,
        qr: document.querySelectorAll('img.pz-qr').length, qr_fuera: fuera('img.pz-qr') + fuera('.pz-url'),
        contadores: document.querySelectorAll('.pz-numero').length, contadores_fuera: fuera('.pz-numero'),
        reloj_fuera: fuera('[role=timer]'), reloj: document.querySelectorAll('[role=timer]').length,
        filas: document.querySelectorAll('.pz-fila').length, filas_fuera: fuera('.pz-fila'),
        barra_fuera: fuera('[aria-label^="Techo presupuestal"]') + fuera('.pz-motivo'), mapa_fuera: mapa ? +!vista(mapa) : 1,
        mapa_src: mapa ? mapa.src : '', mapa_ancho: mapa ? mapa.getBoundingClientRect().width : 0,
        motivo: (document.querySelector('.pz-motivo') || {}).textContent || '',
        chicas, cortadas };
}"""


def _letra_del_mapa(datos) -> float:
    """La letra de los nombres de distrito tal como se ve: la del SVG por la escala a la que se dibuja."""
    svg = base64.b64decode(datos["mapa_src"].split("base64,", 1)[1]).decode()
    ancho_svg = float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ', svg).group(1))
    letras = {float(t) for t in re.findall(r'<text[^>]* font-size="([\d.]+)"', svg)}
    assert letras, "el mapa no tiene nombres de distritos"
    return min(letras) * datos["mapa_ancho"] / ancho_svg


def _revisar(pagina, momento, *, con_qr, con_ranking, nombre):
    alto = pagina.viewport_size["height"]
    minimo = alto * LETRA_MINIMA
    navegador.listo(pagina)
    # la vuelta del fragmento terminó de dibujarse: nada viejo (stale) en pantalla, no más de un mapa, el QR si se
    # puede votar (el QR que sí está pero fuera de la pantalla lo detecta REVISAR) y las imágenes ya decodificadas
    pagina.wait_for_function("""(conQr) => !document.querySelector('[data-stale=true]')
        && document.querySelectorAll('img[alt*="por distrito"]').length <= 1
        && document.querySelectorAll('img.pz-qr').length === (conQr ? 1 : 0)
        && [...document.querySelectorAll('img')].every(e => e.complete && e.naturalWidth > 0)""",
                             arg=con_qr, timeout=30_000)
    datos = pagina.evaluate(REVISAR, minimo)
    navegador.capturar(pagina, nombre)
    donde = f"{nombre} ({momento})"
    print(f"{donde}: stMain scrollHeight/clientHeight, documento: {datos['alturas']}")
    assert not datos["desplaza"], f"{donde}: hay que desplazarse para verlo todo ({datos['alturas']})"
    if con_qr:
        assert datos["qr"] == 1 and datos["qr_fuera"] == 0, f"{donde}: el QR o su dirección no se ven enteros"
    else:
        assert datos["qr"] == 0, f"{donde}: QR sin que se pueda votar"
    if momento != "cerrada":
        assert datos["contadores"] >= 2 and datos["contadores_fuera"] == 0, f"{donde}: contadores fuera de la pantalla"
        assert datos["reloj"] == 1 and datos["reloj_fuera"] == 0, f"{donde}: la cuenta regresiva no se ve"
    assert datos["mapa_fuera"] == 0, f"{donde}: el mapa no se ve entero"
    assert _letra_del_mapa(datos) >= minimo, f"{donde}: los nombres de distritos miden {_letra_del_mapa(datos):.0f} px"
    assert datos["chicas"] == [], f"{donde}: letra de menos de {minimo:.0f} px: {datos['chicas']}"
    if con_ranking:
        assert datos["filas"] >= 2 and datos["filas_fuera"] == 0, f"{donde}: el ranking no cabe"
        assert datos["barra_fuera"] == 0, f"{donde}: la barra del techo o el motivo no se ven"
        assert datos["cortadas"] == [], f"{donde}: etiquetas cortadas en la barra del techo: {datos['cortadas']}"
    return datos


@pytest.mark.parametrize("propuestas", [2, 30])
def test_el_proyector_cabe_entero_conserva_el_qr_y_se_lee_desde_el_fondo(sala, chromium, propuestas):
    """Abierta (con cuenta regresiva), tras revelar los resultados con la votación abierta y cerrada, a 1920×1080
    y 1280×720: sin desplazarse se ven el QR y su dirección (mientras se pueda votar), los contadores, la cuenta
    regresiva, la barra del techo sin etiquetas cortadas, el ranking con el porqué del primer no financiado y el
    mapa, todo con letra de al menos 1/40 del alto de la pantalla (también los nombres de los distritos)."""
    url, ruta, codigos = sala
    elegibles = codigos[:propuestas]
    techo = 40_000_000 if propuestas == 2 else 85_000_000  # con 2: entra una (S/ 300,000) y la otra no
    votacion_id = _nueva_votacion(ruta, elegibles, nombre="Taller de priorización de Caraz", techo=techo)
    votan(ruta, votacion_id, elegibles, 3 if propuestas == 2 else 12, semilla=propuestas)
    with nucleo.abrir(ruta) as db:
        votacion.iniciar_cuenta_regresiva(db, votacion_id, 15, actor=FACILITADORA, ahora=nucleo.ahora())
    paginas = {(ancho, alto): chromium.pagina(ancho, alto) for ancho, alto in PANTALLAS}
    for pagina in paginas.values():
        pagina.goto(f"{url}/proyector?taller={votacion_id}")
        pagina.get_by_text("personas unidas").first.wait_for(timeout=60_000)
    for (ancho, alto), pagina in paginas.items():
        _revisar(pagina, "abierta", con_qr=True, con_ranking=False, nombre=f"proyector_{propuestas}_{ancho}abierta_en")

    with nucleo.abrir(ruta) as db:
        votacion.mostrar_resultados(db, votacion_id, True, actor=FACILITADORA, ahora=nucleo.ahora())
        resultado = votacion.resultados(db, votacion_id, actor=FACILITADORA, comparar=False)
    primera = resultado.primera_no_financiada
    for (ancho, alto), pagina in paginas.items():
        pagina.get_by_text("Resultados en vivo (parciales)").wait_for(timeout=30_000)
        datos = _revisar(pagina, "revelada", con_qr=True, con_ranking=True,
                         nombre=f"proyector_{propuestas}_{ancho}_revelada")
        assert datos["motivo"].startswith(f"Puesto {primera['rango']}, {primera['codigo']}: no se financia."), \
            datos["motivo"]
        assert primera["motivo"] in datos["motivo"]

    with nucleo.abrir(ruta) as db:
        votacion.cambiar_estado(db, votacion_id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=nucleo.ahora())
    for (ancho, alto), pagina in paginas.items():
        pagina.get_by_text("Resultado final").wait_for(timeout=30_000)
        _revisar(pagina, "cerrada", con_qr=False, con_ranking=True, nombre=f"proyector_{propuestas}_{ancho}_cerrada")
        expect(pagina.get_by_label("Ancla de la cadena")).to_be_in_viewport(ratio=1)
    for pagina in paginas.values():
        pagina.context.close()
