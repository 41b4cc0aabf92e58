"""Del taller al seguimiento en Chromium: las financiadas de una votación cerrada salen «priorizadas» en la página
pública; la facilitadora registra el acta firmada y pasan a «en acta»; la administradora sube la hoja de seguimiento
de la municipalidad; una integrante del Comité de Vigilancia observa el proyecto y el equipo técnico responde; en el
celular, la página del proyecto muestra su fase y su línea de tiempo con la nota, la observación y la respuesta."""
import datetime as dt
import re

import pytest

import nucleo
from identidad import cuentas
from identidad.acceso import LINEA_DE_COMANDOS, Rol
from propuestas import seguimiento
from propuestas.seguimiento import hoja as hoja_seguimiento
from propuestas.servicios import fecha_local
from tests import navegador
from tests.ayudas import CLAVE, abierta_en, como_xlsx, crear_equipo, votan
from tests.conftest import ADMIN, FACILITADORA, copiar_viables, priorizacion_hoy
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

NOTA = "Se firmó el convenio con la comunidad <b>de Mato</b>"
OBSERVACION = "La obra está parada desde junio y el cartel no dice el plazo"
RESPUESTA = "El contratista paralizó por lluvias; se reanudó el 3 de julio y se cambió el cartel"


@pytest.fixture(scope="module")
def app(tmp_path_factory, _plantilla_viables):
    """Servidor real con una votación cerrada (sus financiadas, priorizadas) y el equipo de las pruebas."""
    carpeta = tmp_path_factory.mktemp("seguimiento")
    ruta = copiar_viables(_plantilla_viables, carpeta / "plataforma.db")
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
        crear_equipo(db)
        for usuario, nombre, rol in (("eva", "Eva Cano", Rol.EVALUADOR), ("juana", "Juana Cochachin", Rol.VIGILANCIA)):
            cuentas.crear_cuenta(db, usuario=usuario, nombre=nombre, rol=rol, contrasena=CLAVE,
                                 actor=LINEA_DE_COMANDOS, ahora=nucleo.ahora())
    abierta = abierta_en(ruta, techo_centimos=60_000_000, regla="greedy", lugar="Local comunal de Caraz")
    votan(ruta, abierta.id, list(_plantilla_viables[1]), 12)
    with nucleo.abrir(ruta) as db:
        votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=nucleo.ahora())
        financiadas = votacion.resultados(db, abierta.id, actor=FACILITADORA).oficial.elegidos
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, carpeta, financiadas


def test_del_acta_firmada_a_la_linea_de_tiempo_en_el_celular(app, chromium):
    url, ruta, carpeta, financiadas = app
    publico = chromium.pagina(1366, 1400)
    publico.goto(f"{url}/priorizado?proyecto={financiadas[0]}")
    navegador.listo(publico)
    expect(publico.get_by_text("Priorizada: el acta aún no se firma")).to_be_visible(timeout=30_000)

    facilitadora = chromium.pagina(1366, 1400)
    navegador.entrar(facilitadora, url, "fabi", CLAVE)
    facilitadora.goto(f"{url}/votaciones")
    navegador.listo(facilitadora)
    facilitadora.get_by_text("Registrar el acta firmada (las priorizadas pasan a «en acta»)").click()
    facilitadora.get_by_text("El acta impresa fue firmada por los asistentes").click()
    facilitadora.get_by_role("button", name=re.compile("Registrar el acta firmada")).click()
    expect(facilitadora.get_by_text("Acta registrada como firmada")).to_be_visible(timeout=30_000)

    with nucleo.abrir(ruta) as db:
        filas = hoja_seguimiento.filas(db, None, hoy=fecha_local(nucleo.ahora()))
    assert sorted(f["Código"] for f in filas) == sorted(financiadas)
    elegido = filas[0]["Código"]
    filas[0].update({"Fase de inversión": "Ejecución", "CUI": "2512345", "PIM (S/)": 350_000,
                     "Devengado (S/)": 120_000, "Avance físico (%)": "35 %", "Nota": NOTA})
    hoja_ = carpeta / "municipio.xlsx"
    hoja_.write_bytes(como_xlsx(filas))
    administradora = chromium.pagina(1366, 1400)
    navegador.entrar(administradora, url, "ana", CLAVE)
    administradora.goto(f"{url}/seguimiento")
    navegador.listo(administradora)
    administradora.get_by_text("Importar la hoja editada").click()
    administradora.get_by_test_id("stExpanderDetails").locator("input[type=file]").set_input_files(str(hoja_))
    expect(administradora.get_by_text(re.compile(r"Todo bien: 1 proyectos con datos nuevos"))).to_be_visible(
        timeout=30_000)
    navegador.listo(administradora)  # un clic mientras la página aún corre se perdía (visto en CI)
    administradora.get_by_role("button", name="Importar", exact=True).click()
    expect(administradora.get_by_text("Hoja «municipio.xlsx» importada: 1 actualizaciones.")).to_be_visible(
        timeout=30_000)

    # el proyecto se atrasa (su inicio de obra era hace diez días); el comité lo observa y el equipo técnico responde
    with nucleo.abrir(ruta) as db:
        seguimiento.agregar_hito(db, elegido, "Inicio de obra", fecha_local(nucleo.ahora()) - dt.timedelta(days=10),
                                 actor=ADMIN, ahora=nucleo.ahora())
    juana = chromium.pagina(1366, 1400)
    navegador.entrar(juana, url, "juana", CLAVE)
    juana.goto(f"{url}/vigilancia")
    navegador.listo(juana)
    juana.get_by_role("combobox", name="Proyecto").click()
    juana.get_by_role("option", name=re.compile(elegido)).click()
    juana.get_by_label("Observación").fill(OBSERVACION)
    juana.get_by_role("button", name="Registrar la observación").click()
    expect(juana.get_by_text("Observación registrada: el equipo técnico debe responderla.")).to_be_visible(
        timeout=30_000)
    eva = chromium.pagina(1366, 1400)
    navegador.entrar(eva, url, "eva", CLAVE)
    eva.goto(f"{url}/vigilancia")
    navegador.listo(eva)
    expect(eva.get_by_text(OBSERVACION)).to_be_visible(timeout=30_000)
    eva.get_by_label("Respuesta (qué se hizo o por qué)").fill(RESPUESTA)
    eva.get_by_role("button", name="Responder").click()
    expect(eva.get_by_text("Respuesta registrada.")).to_be_visible(timeout=30_000)

    celular = chromium.pagina(390, 844, celular=True)
    celular.goto(f"{url}/priorizado?proyecto={elegido}")
    navegador.listo(celular)
    expect(celular.get_by_text("Entró al acta firmada")).to_be_visible(timeout=30_000)
    expect(celular.get_by_text("Priorizada en la votación")).to_be_visible()
    expect(celular.get_by_text(NOTA, exact=False)).to_be_visible()  # la nota, tal cual: el <b> no es marcado
    expect(celular.locator("b", has_text="de Mato")).to_have_count(0)
    expect(celular.get_by_text("Ejecución", exact=True).first).to_be_visible()
    expect(celular.get_by_text("S/ 120,000.00", exact=True)).to_be_visible()
    expect(celular.get_by_text(re.compile("Hito vencido: «Inicio de obra»")).first).to_be_visible()
    expect(celular.get_by_text(re.compile(r"Observación n\.º \d+ del Comité de Vigilancia"))).to_be_visible()
    expect(celular.get_by_text(OBSERVACION)).to_be_visible()
    expect(celular.get_by_text(re.compile(r"Respuesta a la observación n\.º \d+ \(equipo técnico\)"))).to_be_visible()
    expect(celular.get_by_text(RESPUESTA)).to_be_visible()
    ancho = celular.evaluate("document.documentElement.scrollWidth")
    assert ancho <= 390, f"la página se desplaza de costado ({ancho} px)"
    navegador.capturar(celular, "seguimiento_celular")
    proyector = chromium.pagina(1920, 1080)
    proyector.goto(f"{url}/priorizado")
    navegador.listo(proyector)
    navegador.esperar_mapa(proyector, etiquetas=10)
    navegador.capturar(proyector, "seguimiento_1920")
    assert chromium.externas == [] and chromium.errores == []
