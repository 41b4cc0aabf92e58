"""Lo que encontró una persona nueva en el celular y en los textos (issue 16, puntos 9 a 11), con AppTest desde app.py:
botones tras entrar con código, la lista en tarjetas, textos en castellano y correctos, y los números que pide la
línea de comandos a la vista."""
import datetime as dt
import re

import pytest

import nucleo
from geo import servicios as territorio
from identidad.acceso import Accion
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Fase
from tests.ayudas import abierta_en, abrir_pagina, participante_en, proceso_en_fase, propuesta_en, textos_sin_negritas
from tests.conftest import ADMIN, AHORA, CENTROS, FACILITADORA, INDICADORES, LIMITES
from votacion import servicios as votacion


@pytest.fixture
def base(tmp_path, monkeypatch):
    """El territorio real y nada más (cada prueba crea su proceso)."""
    ruta = tmp_path / "plataforma.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    monkeypatch.delenv("PLATAFORMA_URL_PUBLICA", raising=False)
    with nucleo.abrir(ruta) as db:
        propuestas_servicios.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            territorio.importar(db, archivo, actor=ADMIN, ahora=AHORA)
    return ruta


def _todo(app) -> str:
    """Todo el texto de la página, también los botones, los enlaces y el código."""
    partes = [textos_sin_negritas(app), *(b.label for b in app.button), *(c.value for c in app.code),
              *(str(p.proto.label) for p in app.get("page_link"))]
    return " ".join(partes).replace("\\", "")


# --- 9. tras entrar con código: a proponer y a votar ------------------------------------------------------------

def test_tras_entrar_con_codigo_hay_botones_a_proponer_y_a_la_votacion_abierta(base_votacion):
    """Antes: «Ya puede proponer y votar» y ningún botón a ninguna de las dos."""
    ruta, _ = base_votacion
    abierta = abierta_en(ruta, max_opciones=3)
    rosa = participante_en(ruta)
    app = abrir_pagina("paginas/entrar.py", rosa)
    votar = app.button(key="entrar_ir_a_votar")
    assert votar.label == f"Votar: {abierta.nombre}" and not votar.disabled
    proponer = app.button(key="entrar_ir_a_proponer")
    assert proponer.label == "Proponer un proyecto"
    assert "No se pueden registrar propuestas: la fase actual es «Priorización en taller»" in textos_sin_negritas(app)
    votar.click().run()
    assert app.query_params["votacion"] == str(abierta.id)
    assert "Elija hasta 3 propuestas." in textos_sin_negritas(app)  # la papeleta de esa votación


def test_sin_votacion_abierta_el_boton_de_votar_dice_por_que(base_votacion):
    ruta, _ = base_votacion
    rosa = participante_en(ruta)
    app = abrir_pagina("paginas/entrar.py", rosa)
    assert app.button(key="entrar_ir_a_votar").disabled
    assert "Todavía no hay una votación abierta" in textos_sin_negritas(app)
    app.button(key="entrar_ir_a_proponer").click().run()
    assert "Proponer un proyecto" in [t.value for t in app.title]


# --- 9. la lista en tarjetas -----------------------------------------------------------------------------------

def test_la_lista_muestra_cada_propuesta_en_una_tarjeta_con_lo_que_importa(base):
    """Antes: una tabla ancha; en 390 px solo se veían el código y el título."""
    _, momento = proceso_en_fase(base, Fase.REGISTRO)
    propuesta_en(base, momento, costo="85000")
    propuesta_en(base, momento, titulo="Agua potable para Huata", lat=-9.0164, lon=-77.8614)
    app = abrir_pagina("paginas/propuestas.py")
    texto = _todo(app)
    for esperado in ("PP27-0001", "registrada", "Losa deportiva para Cashapampa", "Caraz",
                     "costo estimado S/ 85,000.00", "PP27-0002", "Agua potable para Huata", "Huata",
                     "sin costo estimado"):
        assert esperado in texto, esperado
    assert [p.proto.query_string for p in app.get("page_link")] == ["propuesta=PP27-0002", "propuesta=PP27-0001"]


# --- 10. textos en castellano y correctos ----------------------------------------------------------------------

def test_fuera_de_fase_el_motivo_sale_una_vez_y_bien_dicho(base):
    """Antes: «No se puede registrar propuestas…» dos veces (en el encabezado y en el aviso)."""
    proceso_en_fase(base, Fase.EVALUACION)
    app = abrir_pagina("paginas/proponer.py")
    texto = textos_sin_negritas(app)
    assert texto.count("registrar propuestas: la fase actual es «Evaluación técnica»") == 1
    assert "No se pueden registrar propuestas" in texto and "No se puede registrar" not in texto


@pytest.mark.parametrize("accion, frase", [
    (Accion.PROPONER, "No se pueden registrar propuestas"), (Accion.APOYAR, "No se pueden apoyar propuestas"),
    (Accion.VOTAR, "No se puede votar"), (Accion.IMPORTAR_TERRITORIO, "No se puede importar el territorio"),
    (Accion.GESTIONAR_VOTACIONES, "No se pueden organizar votaciones y digitar papeletas de papel"),
], ids=["proponer", "apoyar", "votar", "territorio", "votaciones"])
def test_se_puede_concuerda_con_lo_que_se_hace(accion, frase):
    assert accion.no_se_puede == frase


def test_el_borrador_recuperado_dice_la_hora_del_peru(base):
    """Antes: «guardado 2026-12-05 20:07 UTC»; una persona en Huaylas lee su hora (5 horas antes)."""
    proceso_en_fase(base, Fase.REGISTRO)
    with nucleo.abrir(base) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        clave = propuestas_servicios.crear_borrador(db, proceso.id, actor=ADMIN, ahora=nucleo.ahora())
        propuestas_servicios.guardar_borrador(db, clave, {"titulo": "Canal de riego para Huata"},
                                              ahora=dt.datetime(2026, 12, 5, 20, 7, tzinfo=dt.timezone.utc))
    app = abrir_pagina("paginas/proponer.py", borrador=clave)
    texto = textos_sin_negritas(app)
    assert "Recuperamos su borrador (guardado el 5 dic 2026, 15:07)" in texto
    assert "UTC" not in texto and "20:07" not in texto


def test_el_enlace_para_compartir_es_absoluto(base, monkeypatch):
    """Antes: «propuestas?propuesta=PP27-0001», que no abre nada si se pega en un mensaje."""
    monkeypatch.setenv("PLATAFORMA_URL_PUBLICA", "https://pp.huaylas.example/plataforma/")
    _, momento = proceso_en_fase(base, Fase.REGISTRO)
    propuesta_en(base, momento)
    app = abrir_pagina("paginas/propuestas.py", propuesta="PP27-0001")
    assert [c.value for c in app.code] == ["https://pp.huaylas.example/plataforma/propuestas?propuesta=PP27-0001"]


def test_la_lista_para_crear_una_votacion_muestra_el_costo_que_usara_la_papeleta(base_votacion):
    """Antes: el costo estimado por quien propuso, aunque la papeleta use el validado por el equipo técnico."""
    ruta, codigos = base_votacion
    with nucleo.abrir(ruta) as db:  # quien propuso estimó otra cosa; el equipo técnico validó S/ 300,000
        db.execute("UPDATE propuestas SET costo_centimos = 9999900 WHERE codigo = ?", [codigos[0]])
        db.conn.commit()
    app = abrir_pagina("paginas/votaciones.py", FACILITADORA)
    opciones = app.multiselect(key="vot_propuestas").options
    primera = next(o for o in opciones if o.startswith(codigos[0]))
    assert "S/ 300,000.00 validado" in primera and "99,999.00" not in primera
    app.button(key="vot_crear").click().run()
    with nucleo.abrir(ruta) as db:
        creada = votacion.listar(db, propuestas_servicios.proceso_actual(db).id)[0]
        assert votacion.elegibles(db, creada.id)[codigos[0]].costo_centimos == 30_000_000


@pytest.mark.parametrize("pagina, actor, vacia", [
    ("paginas/participantes.py", FACILITADORA, "Todavía no hay agentes participantes registrados en este proceso."),
    ("paginas/consola.py", FACILITADORA, "Aún no hay nadie: aparecen aquí al unirse con el QR o al anotarlas"),
], ids=["participantes", "consola"])
def test_una_tabla_sin_filas_lo_dice_en_castellano(base_votacion, pagina, actor, vacia):
    """Antes: una tabla vacía, que Streamlit dibuja con la palabra «empty»."""
    ruta, _ = base_votacion
    if pagina.endswith("consola.py"):
        abierta_en(ruta)
    app = abrir_pagina(pagina, actor)
    assert [d for d in app.dataframe if d.value.shape[0] == 0] == []
    assert vacia in textos_sin_negritas(app)


# --- 11. los números que pide la línea de comandos, donde se copian ----------------------------------------------

def test_procesos_y_votaciones_muestran_el_codigo_y_el_numero_para_la_linea_de_comandos(base_votacion):
    """Antes: `--proceso` pedía un id que ninguna página mostraba."""
    ruta, _ = base_votacion
    abierta = abierta_en(ruta)
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
    procesos = abrir_pagina("paginas/procesos.py", ADMIN)
    tabla = procesos.dataframe[0].value
    assert tabla.loc[tabla["Código"] == "PP27", "N.º"].item() == proceso.id
    assert "python -m propuestas exportar --proceso PP27 --formato xlsx" in textos_sin_negritas(procesos)
    votaciones = abrir_pagina("paginas/votaciones.py", FACILITADORA)
    texto = textos_sin_negritas(votaciones)
    assert f"python -m votacion exportar --votacion {abierta.id} --formato acta" in texto
    assert f"python -m propuestas exportar --proceso PP27 --votacion {abierta.id}" in texto
    assert re.search(rf"votación n\.º {abierta.id} del proceso PP27", texto)

