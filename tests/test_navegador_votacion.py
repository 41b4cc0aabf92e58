"""La votación en Chromium: tres agentes participantes votan desde el enlace (una en su celular, con un error que
corrige), la facilitadora digita dos papeletas de papel, verifica la cadena y cierra; el público ve los resultados
con la barra del techo, la tabla, la comparación y el mapa por distrito; ningún título inyecta HTML."""
import csv
import io
import re

import pytest

import nucleo
from identidad import participantes
from propuestas import servicios as propuestas_servicios
from tests import navegador
from tests.ayudas import CLAVE, RECIBO, crear_equipo
from tests.conftest import AHORA, FACILITADORA, copiar_viables, priorizacion_hoy
from votacion import almacen
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

MALICIOSO = "<b>Canal</b> <img src=x onerror=alert(1)>"
CELULAR = {"ancho": 390, "alto": 844}
ESCRITORIO = {"ancho": 1366, "alto": 1400}
# el relleno de los distritos se dibuja en un canvas (prefer_canvas): se lee el píxel de un punto interior de cada uno
PIXELES_SIN_PINTAR = """(puntos) => puntos.filter(([ubigeo, lat, lon]) => {
    const capa = Object.values(window.map._layers).find(c => c.feature && c.feature.properties.ubigeo === ubigeo);
    const lienzo = window.map.getRenderer(capa);
    const p = window.map.latLngToLayerPoint([lat, lon]).subtract(lienzo._bounds.min);
    const escala = lienzo._container.width / lienzo._container.clientWidth;
    const alfa = lienzo._ctx.getImageData(Math.round(p.x * escala), Math.round(p.y * escala), 1, 1).data[3];
    return alfa === 0;
}).map(([ubigeo]) => ubigeo)"""




@pytest.fixture(scope="module")
def app(tmp_path_factory, _plantilla_viables):
    """Servidor real sobre las 6 viables, con una votación de aprobación abierta y tres códigos de acceso."""
    carpeta = tmp_path_factory.mktemp("votacion")
    ruta = copiar_viables(_plantilla_viables, carpeta / "plataforma.db")
    codigos = list(_plantilla_viables[1])
    assert codigos == [f"PP27-{n:04d}" for n in range(1, 7)]  # las papeletas de papel usan «1, 2» y «6»
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
        db.execute("UPDATE propuestas SET titulo = ? WHERE codigo = ?", [MALICIOSO, codigos[1]])
        crear_equipo(db)
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(
            db, votacion.nueva_votacion(db, proceso.id, max_opciones=3, regla="greedy", techo_centimos=60_000_000),
            actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
        personas = [participantes.registrar_participante(db, proceso.id, {"nombre": nombre, "tipo": "joven",
                                                                           "ubigeo": ubigeo, "consentimiento": True},
                                                         actor=FACILITADORA, ahora=AHORA)
                    for nombre, ubigeo in (("Rosa Huamán", "021201"), ("Juan Pérez", "021205"),
                                           ("Elena Quispe", "021206"))]
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, creada.id, codigos, personas


def _entrar_desde_el_enlace(pagina, url, votacion_id, codigo):
    """Como en el taller: abre el enlace de la votación, escribe su código ahí mismo y ve la papeleta."""
    navegador.entrar_con_codigo(pagina, url, votacion_id, codigo)
    expect(pagina).to_have_url(re.compile(rf"/votar\?votacion={votacion_id}$"))
    pagina.get_by_text("Elija hasta 3 propuestas.").wait_for(timeout=30_000)
    navegador.listo(pagina)


def _casilla(pagina, votacion_id, codigo):
    return pagina.locator(f".st-key-votar_{votacion_id}_{codigo}")


def _marcar(pagina, votacion_id, codigos):
    """Toca «Elijo esta» en cada tarjeta y, tras cada toque, espera el contador que el servidor vuelve a dibujar.

    Lo marcado se cuenta antes de tocar, con la página quieta: durante una nueva ejecución una tarjeta puede
    estar dos veces en la página (la vieja y la nueva, si algo de arriba desapareció, como el aviso de bienvenida);
    por eso también se espera `.first` y se lee solo después de `_listo`.
    """
    marcadas = pagina.locator(f"[class*='st-key-votar_{votacion_id}_'] input[type=checkbox]:checked").count()
    for codigo in codigos:
        casilla = _casilla(pagina, votacion_id, codigo)
        marcadas += -1 if casilla.get_by_role("checkbox").is_checked() else 1
        casilla.get_by_text("Elijo esta").click()
        pagina.get_by_text(re.compile(rf"^Elegidas: {marcadas} de 3")).first.wait_for(timeout=30_000)
        navegador.listo(pagina)


def _votar(pagina, *, boton="Votar", aviso="Su voto quedó registrado") -> str:
    """Emite la papeleta y devuelve el recibo que la página muestra."""
    pagina.get_by_role("button", name=boton).click()
    exito = pagina.get_by_test_id("stAlertContentSuccess").filter(has_text=aviso)
    exito.first.wait_for(timeout=30_000)  # `.first`: mientras corre, lo de abajo del aviso puede estar dos veces
    navegador.listo(pagina)
    return RECIBO.search(exito.inner_text())[1]


def _tabla_como_csv(pagina, tabla) -> str:
    """Lo que muestra un st.dataframe (se dibuja en un canvas), con su botón «Descargar como CSV» (el «Download as
    CSV» de Streamlit, en castellano: static/plataforma/idioma.js).

    Chromium ofrecería el selector de archivos del sistema, que sin pantalla nunca responde; la página se
    abrió con `conftest.SIN_SELECTOR_DE_ARCHIVOS` y Streamlit descarga entonces con un enlace común."""
    tabla.hover()
    with pagina.expect_download() as descarga:
        tabla.get_by_role("button", name="Descargar como CSV").click()
    return open(descarga.value.path(), encoding="utf-8-sig").read()


def _vigentes_de(ruta, votacion_id, participante_id):
    with nucleo.abrir(ruta) as db:
        return [v for v in almacen.vigentes(db, votacion_id) if v["participante_id"] == participante_id]


def test_votar_digitar_papel_cerrar_y_ver_resultados(app, limpio, territorio):
    url, ruta, votacion_id, codigos, ((rosa_id, rosa), (juan_id, juan), (elena_id, elena)) = app

    # 1. Rosa, en su celular, abre el enlace como primera página, entra con su código y se equivoca una vez
    celular = limpio(**CELULAR)
    _entrar_desde_el_enlace(celular, url, votacion_id, rosa)
    tarjeta = _casilla(celular, votacion_id, codigos[1]).locator("xpath=ancestor::*[@data-testid='stVerticalBlock']"
                                                                  "[1]")
    expect(tarjeta).to_contain_text(MALICIOSO)  # el título se ve tal cual, como texto
    assert celular.locator("img[src='x']").count() == 0
    assert celular.locator("[data-testid=stMain] b", has_text="Canal").count() == 0
    _marcar(celular, votacion_id, codigos[:4])
    celular.get_by_text("Elegidas: 4 de 3: quite 1 antes de votar.").wait_for()
    celular.get_by_role("button", name="Votar").click()
    celular.get_by_text("Eligió 4 propuestas; el máximo es 3. Quite 1.").wait_for(timeout=30_000)
    navegador.listo(celular)
    for codigo in codigos[:4]:  # lo marcado sigue marcado
        expect(_casilla(celular, votacion_id, codigo).get_by_role("checkbox")).to_be_checked()
    assert _vigentes_de(ruta, votacion_id, rosa_id) == []
    _marcar(celular, votacion_id, codigos[3:4])
    recibo_rosa = _votar(celular)
    navegador.capturar(celular, "votar_celular_tras_votar")  # lo que ve justo después de tocar «Votar»
    celular.get_by_test_id("stAlertContentSuccess").first.scroll_into_view_if_needed()
    navegador.capturar(celular, "votar_celular")
    assert celular.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                            " return m.scrollWidth <= m.clientWidth; }"), "la papeleta no cabe en 390 px"
    assert [v["recibo"] for v in _vigentes_de(ruta, votacion_id, rosa_id)] == [recibo_rosa]

    # recargar no la saca (la sesión vive en el servidor y la cookie en el celular): ve su voto con el mismo recibo
    celular.reload()
    celular.get_by_text(f"Su voto está registrado. Recibo: {recibo_rosa}").wait_for(timeout=30_000)
    assert celular.get_by_label("Código de acceso (está en su tarjeta)").count() == 0
    for codigo in codigos:
        casilla = expect(_casilla(celular, votacion_id, codigo).get_by_role("checkbox"))
        casilla.to_be_checked() if codigo in codigos[:3] else casilla.not_to_be_checked()
    expect(celular.get_by_role("button", name="Cambiar mi voto")).to_be_visible()

    # 2. Juan vota desde una computadora
    escritorio = limpio()
    _entrar_desde_el_enlace(escritorio, url, votacion_id, juan)
    _marcar(escritorio, votacion_id, [codigos[0], codigos[1], codigos[4]])
    _votar(escritorio)

    # 3. Elena vota y después cambia su voto: cuenta una sola papeleta, la última
    otra = limpio()
    _entrar_desde_el_enlace(otra, url, votacion_id, elena)
    _marcar(otra, votacion_id, [codigos[5]])
    primero = _votar(otra)
    _marcar(otra, votacion_id, [codigos[1]])
    segundo = _votar(otra, boton="Cambiar mi voto", aviso="Su voto cambió")
    vigentes_elena = _vigentes_de(ruta, votacion_id, elena_id)
    assert primero != segundo and [v["recibo"] for v in vigentes_elena] == [segundo]
    assert vigentes_elena[0]["contenido"] == {"elegidas": [codigos[1], codigos[5]]}

    # 4. La facilitadora digita dos papeletas de papel, verifica la cadena y cierra
    fabi = limpio(alto=1400)
    navegador.entrar(fabi, url, "fabi", CLAVE)
    navegador.ir_a(fabi, "Votaciones y papeletas")
    fabi.get_by_role("heading", name="Votaciones y papeletas").wait_for(timeout=30_000)
    navegador.listo(fabi)
    expect(fabi.get_by_test_id("stMetricValue")).to_have_text(["3", "3", "0"])
    papel = fabi.get_by_label("Una línea por papeleta")
    papel.fill("N.º 1: 1, 2\nN.º 2: 6")
    papel.press("Control+Enter")
    guardar = fabi.get_by_role("button", name="Guardar 2 papeletas de papel")
    guardar.wait_for(timeout=30_000)
    navegador.listo(fabi)
    assert _tabla_como_csv(fabi, fabi.get_by_test_id("stDataFrame")).splitlines() == [
        "Línea,N.º,Papeleta,Problemas", f'1,1,"{codigos[0]}, {codigos[1]}",', f"2,2,{codigos[5]},"]
    guardar.click()
    fabi.get_by_text("Se guardaron 2 papeletas de papel.").wait_for(timeout=30_000)
    navegador.listo(fabi)
    expect(fabi.get_by_test_id("stMetricValue")).to_have_text(["5", "3", "2"])
    fabi.get_by_role("button", name="Verificar la cadena de huellas").click()
    fabi.get_by_text("Cadena íntegra: 6 papeletas (incluidas las reemplazadas), ninguna alterada.").wait_for(
        timeout=30_000)
    navegador.listo(fabi)
    fabi.get_by_text("Confirmo el cierre definitivo").click()
    navegador.listo(fabi)
    fabi.get_by_role("button", name="Cerrar la votación").click()
    fabi.get_by_text("La votación quedó «cerrada».").wait_for(timeout=30_000)
    navegador.listo(fabi)
    navegador.capturar(fabi, "votaciones_facilitacion")
    with nucleo.abrir(ruta) as db:
        assert votacion.obtener(db, votacion_id).estado == EstadoVotacion.CERRADA
        assert len(almacen.vigentes(db, votacion_id)) == 5
        assert votacion.verificar_cadena(db, votacion_id) == []

    # 5. El público ve los resultados: 5 papeletas, la barra (sin HTML inyectado), la tabla, la comparación y el mapa
    publico = limpio(**ESCRITORIO)
    publico.goto(f"{url}/resultados?votacion={votacion_id}")
    publico.get_by_role("heading", name="El techo presupuestal").wait_for(timeout=30_000)
    publico.get_by_text("papeletas: 5 (3 por celular, 2 por papel)").wait_for(timeout=30_000)
    barra = publico.get_by_role("img", name="Techo presupuestal y propuestas financiadas")
    # votos: 0002 → 4, 0001 → 3, 0006 → 2; con S/ 600,000 entran 0002 y 0001 (S/ 550,000) y sobran S/ 50,000
    expect(barra.locator(":scope > div")).to_have_text(["1", "2", ""])  # el puesto en el ranking; lo gris sobra
    expect(barra.locator(":scope > div").first).to_have_attribute(
        "title", f"Puesto 1: {codigos[1]} — {MALICIOSO}: S/ 250,000.00")
    publico.get_by_text("Financiadas: 2 por S/ 550,000.00; sobran S/ 50,000.00.").wait_for(timeout=30_000)
    tabla = list(csv.DictReader(io.StringIO(_tabla_como_csv(publico, publico.get_by_test_id("stDataFrame").first))))
    assert [(f["Propuesta"], f["Votos"], f["Financiada"]) for f in tabla[:3]] == [
        (codigos[1], "4", "true"), (codigos[0], "3", "true"), (codigos[5], "2", "false")]
    assert tabla[0]["Título"] == MALICIOSO and len(tabla) == 6
    publico.get_by_role("heading", name="Con otra regla: ¿qué cambia?").wait_for()
    expect(publico.get_by_text(re.compile(r"^Comparación: Partes Iguales"))).to_be_visible()
    expect(publico.get_by_role("button", name="Papeletas (.pb, pabulib)")).to_be_visible()
    expect(publico.get_by_role("button", name="Resultados (.csv)")).to_be_visible()
    marco, frame = navegador.esperar_mapa(publico, etiquetas=10)
    navegador.listo(publico)
    distritos = frame.evaluate("() => Object.values(window.map._layers)"
                               ".filter(c => c.feature && c.feature.geometry.type.endsWith('Polygon'))"
                               ".map(c => [c.feature.properties.ubigeo, c.options.fillColor, c._parts.length])")
    assert len(distritos) == 10 and all(partes > 0 for _, _, partes in distritos), distritos
    assert len({color for _, color, _ in distritos}) > 1, "la coropleta salió de un solo color"
    interiores = [[d.ubigeo, d.geometria.representative_point().y, d.geometria.representative_point().x]
                  for d in territorio.distritos]
    sin_pintar = frame.evaluate(PIXELES_SIN_PINTAR, interiores)
    assert sin_pintar == [], f"el mapa salió en blanco en {sin_pintar}"
    with publico.expect_download() as descarga:
        publico.get_by_role("button", name="Resultados (.csv)").click()
    assert descarga.value.suggested_filename == f"resultados_{votacion_id}.csv"
    assert publico.locator("img[src='x']").count() == 0
    assert marco.locator("img[src='x']").count() == 0
    publico.locator(navegador.IFRAME_MAPA).scroll_into_view_if_needed()
    publico.screenshot(path=str(navegador.CAPTURAS / "resultados_mapa.png"))
    publico.get_by_role("heading", name="Resultados de la votación").scroll_into_view_if_needed()
    navegador.capturar(publico, "resultados_escritorio")
