"""Páginas de deliberación (ficha, moderación, resumen) con AppTest desde app.py."""
import nucleo
from identidad import participantes
from identidad.acceso import PUBLICO, Actor, Rol
from propuestas import deliberacion
from propuestas.modelo import Fase
from tests.ayudas import abrir_pagina, proceso_en_fase, propuesta_en, textos_de
from tests.conftest import FACILITADORA


def _preparar(ruta):
    proceso, momento = proceso_en_fase(ruta, Fase.REGISTRO)
    propuesta = propuesta_en(ruta, momento)
    with nucleo.abrir(ruta) as db:
        actores = []
        for nombre in ("Rosa Huamán", "Juan Pérez"):
            pid, _ = participantes.registrar_participante(db, proceso.id, {"nombre": nombre, "tipo": "joven",
                                                                          "consentimiento": True},
                                                          actor=FACILITADORA, ahora=momento)
            actores.append(Actor(Rol.PARTICIPANTE, f"participante {pid}", participante_id=pid))
    return propuesta.codigo, *actores


def test_participante_publica_argumento_y_apoya_desde_la_ficha(base_app):
    codigo, rosa, _ = _preparar(base_app)
    app = abrir_pagina("paginas/propuestas.py", rosa, propuesta=codigo)
    app.radio(key="postura_nuevo_0").set_value(deliberacion.Postura.EN_CONTRA)
    app.text_area(key="texto_nuevo_0").input("<b>Ya hay</b> una losa **cerca**")
    app.button(key="FormSubmitter:argumentar_nuevo_0-Publicar").click().run()
    assert not app.exception
    assert "Su argumento se publicó" in textos_de(app)
    assert app.text_area(key="texto_nuevo_1").value == ""  # formulario nuevo, vacío
    assert "<b>Ya hay</b> una losa **cerca**" in textos_de(app).replace("\\", "")
    app.button(key="debate_apoyar").click().run()
    assert "Su apoyo quedó registrado" in textos_de(app)
    assert [m.value for m in app.metric][:3] == ["1", "0", "1"]
    assert app.button(key="debate_retirar_apoyo")


def test_argumento_demasiado_largo_conserva_el_texto(base_app):
    codigo, rosa, _ = _preparar(base_app)
    app = abrir_pagina("paginas/propuestas.py", rosa, propuesta=codigo)
    largo = "palabra " * 2500
    app.text_area(key="texto_nuevo_0").input(largo)
    app.button(key="FormSubmitter:argumentar_nuevo_0-Publicar").click().run()
    assert "el máximo es 3,000" in textos_de(app)
    assert app.text_area(key="texto_nuevo_0").value == largo


def test_publico_ve_conteos_y_motivo_pero_no_puede_argumentar(base_app):
    codigo, rosa, juan = _preparar(base_app)
    with nucleo.abrir(base_app) as db:
        ahora = nucleo.ahora()
        deliberacion.argumentar(db, codigo, "Buen proyecto", "a_favor", actor=rosa, ahora=ahora)
        malo = deliberacion.argumentar(db, codigo, "Insulto grosero", "en_contra", actor=juan, ahora=ahora)
        deliberacion.ocultar(db, "argumento", malo, "Lenguaje ofensivo", actor=FACILITADORA, ahora=ahora)
    app = abrir_pagina("paginas/propuestas.py", propuesta=codigo)
    textos = textos_de(app).replace("\\", "")
    assert "Ocultado por moderación: Lenguaje ofensivo" in textos and "Insulto grosero" not in textos
    assert "Entre con su código de acceso" in textos
    assert not [f for f in app.get("form") if "argumentar" in str(f.proto)]


def test_facilitadora_oculta_desde_la_ficha_y_la_cola_queda_vacia(base_app):
    codigo, rosa, juan = _preparar(base_app)
    with nucleo.abrir(base_app) as db:
        malo = deliberacion.argumentar(db, codigo, "Insulto grosero", "en_contra", actor=juan, ahora=nucleo.ahora())
        deliberacion.reportar(db, "argumento", malo, "ofensivo", actor=rosa, origen="x", ahora=nucleo.ahora())
    app = abrir_pagina("paginas/moderacion.py", FACILITADORA)
    assert "Reportes pendientes (1)" in textos_de(app).replace("\\", "")
    app.text_input(key=f"motivo_argumento_{malo}").input("Lenguaje ofensivo")
    app.button(key=f"ocultar_argumento_{malo}").click().run()
    textos = textos_de(app).replace("\\", "")
    assert "Reportes pendientes (0)" in textos and "Oculto ahora (1)" in textos


def test_moderacion_exige_rol(base_app):
    _preparar(base_app)
    for actor in (None, Actor(Rol.PARTICIPANTE, "p", participante_id=1)):
        app = abrir_pagina("paginas/moderacion.py", actor)
        assert "Sin acceso" in [t.value for t in app.title]


def test_resumen_de_deliberacion(base_app):
    codigo, rosa, juan = _preparar(base_app)
    with nucleo.abrir(base_app) as db:
        deliberacion.argumentar(db, codigo, "A favor", "a_favor", actor=rosa, ahora=nucleo.ahora())
        deliberacion.apoyar(db, codigo, actor=juan, ahora=nucleo.ahora())
    app = abrir_pagina("paginas/deliberacion.py", PUBLICO)
    assert [m.value for m in app.metric] == ["1", "1", "1"]
    app.selectbox(key="deliberacion_medida").set_value("argumentos").run()
    assert not app.exception
