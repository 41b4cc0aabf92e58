"""Páginas de procesos, proponer, propuestas y evaluación, con AppTest desde app.py."""
import datetime as dt

import nucleo
from identidad.acceso import PUBLICO
from paginas.comun import texto_plano
from propuestas import servicios
from propuestas.modelo import Estado, Fase
from tests.ayudas import abrir_pagina, errores_de, proceso_en_fase, propuesta_en, textos_de
from tests.conftest import ADMIN, DATOS_JOVEN, EVALUADORA


def _llenar_joven(app, *, consiente=True):
    app.text_input(key="f_titulo").input("Losa deportiva para Cashapampa").run()
    app.text_area(key="f_problema").input("Los jóvenes no tienen dónde hacer deporte en el pueblo.").run()
    app.text_area(key="f_propuesta").input("Construir una losa multiusos con graderías junto al colegio.").run()
    app.selectbox(key="f_proponente_tipo").set_value("joven").run()
    app.text_input(key="f_proponente_nombre").input("Rosa Huamán").run()
    app.text_input(key="f_contacto").input("987654321").run()
    if consiente:
        app.checkbox(key="f_consentimiento").check().run()
    return app


def test_proponer_de_principio_a_fin_con_centro_poblado(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = _llenar_joven(abrir_pagina("paginas/proponer.py"))
    assert app.query_params["borrador"], "el borrador debe ir en el enlace"
    app.selectbox(key="proponer_centro").set_value("0212060001").run()
    assert "queda en el distrito de **Pamparomás**" in textos_de(app)
    app.button(key="proponer_registrar").click().run()
    assert "PP27-0001 quedó registrada en el distrito de Pamparomás" in textos_de(app)
    assert "borrador" not in app.query_params and app.text_input(key="f_titulo").value in ("", None)
    with nucleo.abrir(base_app) as db:
        ficha = servicios.obtener(db, "PP27-0001", actor=PUBLICO)
    assert (ficha.propuesta.ubigeo, ficha.propuesta.centro_poblado) == ("021206", "PAMPAROMAS")
    with nucleo.abrir(base_app) as db:
        fila = db.execute("SELECT proponente_nombre, contacto, consentimiento_en FROM propuestas").fetchone()
    assert fila[:2] == ("Rosa Huamán", "987654321") and fila[2]


def test_sin_consentimiento_conserva_lo_escrito_dice_que_pasa_y_se_puede_enviar_anonima(base_app):
    """Ley 29733: nombre y contacto escritos sin la casilla → se explica, nada se guarda como propuesta y lo
    escrito sigue; al borrarlos, la propuesta va sin nombre ni contacto."""
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = _llenar_joven(abrir_pagina("paginas/proponer.py"), consiente=False)
    assert "Sus datos personales" in textos_de(app) and "solo para esta propuesta" in textos_de(app)
    app.selectbox(key="proponer_centro").set_value("0212060001").run()
    app.button(key="proponer_registrar").click().run()
    assert "no consta el consentimiento" in errores_de(app)
    assert app.text_input(key="f_proponente_nombre").value == "Rosa Huamán"
    assert app.text_input(key="f_contacto").value == "987654321"
    with nucleo.abrir(base_app) as db:
        assert servicios.buscar(db, 1) == []
    app.text_input(key="f_proponente_nombre").input("").run()
    app.text_input(key="f_contacto").input("").run()
    app.button(key="proponer_registrar").click().run()
    assert "PP27-0001 quedó registrada" in textos_de(app)
    with nucleo.abrir(base_app) as db:
        fila = db.execute("SELECT proponente_nombre, contacto, consentimiento_en, borrador FROM propuestas").fetchone()
    assert fila[:3] == (None, None, None) and "Rosa" not in (fila[3] or "")
    ficha = abrir_pagina("paginas/propuestas.py", propuesta="PP27-0001")
    assert "Sin nombre (anónima)" in textos_de(ficha)


def test_proponer_con_errores_conserva_lo_escrito_y_senala_cada_campo(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/proponer.py")
    app.text_input(key="f_titulo").input("Losa").run()
    app.text_input(key="f_lat").input("-12.05").run()
    app.text_input(key="f_lon").input("-77.04").run()
    app.button(key="proponer_registrar").click().run()
    errores = errores_de(app)
    assert "Título tiene 4 caracteres; debe tener entre 10 y 120." in errores
    assert "fuera de los distritos de la provincia Huaylas" in errores
    assert "El problema: falta completarlo." in errores
    assert app.text_input(key="f_titulo").value == "Losa"
    with nucleo.abrir(base_app) as db:
        assert servicios.buscar(db, 1) == []


def test_el_borrador_se_recupera_con_su_enlace(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/proponer.py")
    app.text_input(key="f_titulo").input("Canal de riego para Huata").run()
    clave = app.query_params["borrador"]
    nueva = abrir_pagina("paginas/proponer.py", borrador=clave)
    assert nueva.text_input(key="f_titulo").value == "Canal de riego para Huata"
    assert "Recuperamos su borrador" in textos_de(nueva)


def test_enlace_de_borrador_inventado(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/proponer.py", borrador="no-existe")
    assert "No se encontró ese borrador" in textos_de(app)


def test_proponer_fuera_de_fase_dice_cuando(base_app):
    proceso_en_fase(base_app, Fase.EVALUACION)
    app = abrir_pagina("paginas/proponer.py")
    assert "No se pueden registrar propuestas: la fase actual es «Evaluación técnica»" in textos_de(app)
    assert not app.text_input


def test_proponer_formulario_completo_pide_los_campos_del_planificador(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/proponer.py")
    app.radio(key="f_profundidad").set_value("organizacion").run()
    _llenar_joven(app)
    app.text_input(key="f_costo").input("mil soles").run()
    app.button(key="proponer_registrar").click().run()
    errores = errores_de(app)
    assert "«mil soles» no es un monto en soles" in errores and "Madurez (Invierte.pe): elija una opción." in errores


def test_lista_filtra_y_abre_la_ficha_con_texto_escapado(base_app):
    _, momento = proceso_en_fase(base_app, Fase.REGISTRO)
    propuesta_en(base_app, momento, titulo="<b>Losa</b> [clic](javascript:alert(1))")
    propuesta_en(base_app, momento, titulo="Agua potable para Huata", lat=-9.0164, lon=-77.8614,
               propuesta="Instalar la red de agua y un reservorio.")
    app = abrir_pagina("paginas/propuestas.py")
    assert "**2 propuestas**" in textos_de(app)
    app.text_input(key="filtro_texto").input("agua").run()
    assert "**1 propuesta**" in textos_de(app)
    ficha = abrir_pagina("paginas/propuestas.py", propuesta="PP27-0001")
    titulo = ficha.header[0].value
    assert titulo == f"PP27-0001 · {texto_plano('<b>Losa</b> [clic](javascript:alert(1))')}"


def test_ficha_inexistente(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    assert "No existe la propuesta 'XX-1'" in textos_de(abrir_pagina("paginas/propuestas.py", propuesta="XX-1"))


def test_evaluar_admitir_y_puntuar_muestra_el_desglose(base_app):
    _, momento = proceso_en_fase(base_app, Fase.EVALUACION)
    propuesta_en(base_app, momento + dt.timedelta(days=1))
    app = abrir_pagina("paginas/evaluar.py", EVALUADORA)
    app.button(key="evaluar_admitida").click().run()
    assert "PP27-0001 quedó admitida" in textos_de(app)
    app.select_slider(key="evaluar_PP27-0001_alineamiento").set_value(3)
    app.radio(key="evaluar_PP27-0001_viable").set_value(True)
    app.button(key="FormSubmitter:evaluar_formulario_PP27-0001-Guardar evaluación").click().run()
    assert not app.exception
    assert app.metric[0].value == "25.00 / 100"  # alineamiento 3 de 3 (peso 25); Caraz: brecha sugerida 0
    with nucleo.abrir(base_app) as db:
        assert servicios.obtener(db, "PP27-0001", actor=PUBLICO).propuesta.estado == Estado.VIABLE


def test_no_admitir_pide_confirmacion_con_el_motivo(base_app):
    _, momento = proceso_en_fase(base_app, Fase.EVALUACION)
    propuesta_en(base_app, momento + dt.timedelta(days=1))
    app = abrir_pagina("paginas/evaluar.py", EVALUADORA)
    app.button(key="evaluar_no_admitida").click().run()  # sin motivo: lo dice y no pregunta
    assert "requiere un motivo" in errores_de(app) and not app.warning
    app.text_area(key="evaluar_PP27-0001_motivo_admision").input("No es competencia de la municipalidad.")
    app.button(key="evaluar_no_admitida").click().run()
    assert "¿No admitir PP27-0001?" in textos_de(app) and "No es competencia de la municipalidad." in textos_de(app)
    app.button(key="evaluar_no_admitida_cancelar").click().run()
    assert not app.warning and app.text_area(key="evaluar_PP27-0001_motivo_admision").value  # lo escrito queda
    with nucleo.abrir(base_app) as db:
        assert servicios.obtener(db, "PP27-0001", actor=PUBLICO).propuesta.estado == Estado.REGISTRADA
    app.button(key="evaluar_no_admitida").click().run()
    app.button(key="evaluar_no_admitida_confirmar").click().run()
    assert "PP27-0001 quedó no admitida" in textos_de(app)
    assert not [b for b in app.button if b.key == "evaluar_reabrir"]  # reabrir es de administración
    with nucleo.abrir(base_app) as db:
        propuesta = servicios.obtener(db, "PP27-0001", actor=PUBLICO).propuesta
    assert (propuesta.estado, propuesta.motivo_estado) == (Estado.NO_ADMITIDA, "No es competencia de la municipalidad.")


def test_administracion_reabre_una_no_admitida_y_la_ficha_lo_cuenta(base_app):
    _, momento = proceso_en_fase(base_app, Fase.EVALUACION)
    propuesta_en(base_app, momento + dt.timedelta(days=1))
    with nucleo.abrir(base_app) as db:
        servicios.transicionar(db, "PP27-0001", Estado.NO_ADMITIDA, actor=EVALUADORA, motivo="Fuera de competencia",
                               ahora=momento + dt.timedelta(days=2))
    app = abrir_pagina("paginas/evaluar.py", ADMIN)
    app.button(key="evaluar_reabrir").click().run()
    assert "requiere un motivo" in errores_de(app)
    app.text_area(key="evaluar_PP27-0001_motivo_reabrir").input("Se marcó por error: sí es competencia.")
    app.button(key="evaluar_reabrir").click().run()
    assert "PP27-0001 se reabrió" in textos_de(app)
    assert app.selectbox(key="evaluar_codigo").value == "PP27-0001" and app.button(key="evaluar_admitida")
    historia = abrir_pagina("paginas/propuestas.py", propuesta="PP27-0001").dataframe[-1].value
    assert historia[["De", "A", "Motivo"]].values.tolist()[-2:] == [
        ["registrada", "no admitida", "Fuera de competencia"],
        ["no admitida", "registrada", "Se marcó por error: sí es competencia."]]


def test_crear_y_editar_proceso(base_app):
    app = abrir_pagina("paginas/procesos.py", ADMIN)
    app.button(key="FormSubmitter:procesos_formulario_nuevo-Crear proceso").click().run()
    assert "Proceso PP27 creado" in textos_de(app)
    app.selectbox(key="procesos_editar").select_index(1).run()
    app.text_input(key="proceso_techo_PP27").input("2.500.000,00")
    app.button(key="FormSubmitter:procesos_formulario_PP27-Guardar cambios").click().run()
    with nucleo.abrir(base_app) as db:
        assert servicios.proceso_actual(db).techo_centimos == 250_000_000


def test_un_techo_que_no_es_monto_lo_dice_y_no_crea_el_proceso(base_app):
    """Antes, el aviso salía pero el proceso se creaba igual con techo 0."""
    app = abrir_pagina("paginas/procesos.py", ADMIN)
    app.text_input(key="proceso_techo_nuevo").input("mil")
    app.button(key="FormSubmitter:procesos_formulario_nuevo-Crear proceso").click().run()
    assert "«mil» no es un monto" in errores_de(app)
    assert app.text_input(key="proceso_techo_nuevo").value == "mil"
    with nucleo.abrir(base_app) as db:
        assert servicios.listar_procesos(db) == []


def test_la_autora_retira_su_propuesta_desde_la_ficha(base_app):
    from identidad.acceso import Actor, Rol
    _, momento = proceso_en_fase(base_app, Fase.REGISTRO)
    autora = Actor(Rol.PARTICIPANTE, "participante 1", participante_id=1)
    with nucleo.abrir(base_app) as db:
        db.execute("INSERT INTO participantes (id, proceso_id, nombre, tipo, consentimiento_en, registrado_en) "
                   "VALUES (1, 1, 'Rosa', 'joven', '2026-11-24', '2026-11-24')")
        clave = servicios.crear_borrador(db, 1, actor=autora, ahora=momento)
        servicios.guardar_borrador(db, clave, DATOS_JOVEN, ahora=momento)
        servicios.registrar(db, clave, actor=autora, ahora=momento)
    assert not abrir_pagina("paginas/propuestas.py", propuesta="PP27-0001").text_area  # el público no la retira
    app = abrir_pagina("paginas/propuestas.py", autora, propuesta="PP27-0001")
    app.text_area(key="retirar_motivo").input("Ya la resolvió la comunidad con faena.")
    app.button(key="FormSubmitter:propuestas_retirar-Retirar mi propuesta").click().run()
    with nucleo.abrir(base_app) as db:
        ficha = servicios.obtener(db, "PP27-0001", actor=PUBLICO)
    assert ficha.propuesta.estado == Estado.RETIRADA and ficha.historial[-1]["actor"] == "participante:1"


def test_fuera_de_la_fase_de_evaluacion_no_se_muestra_la_matriz(base_app):
    _, momento = proceso_en_fase(base_app, Fase.REGISTRO)
    propuesta_en(base_app, momento)
    with nucleo.abrir(base_app) as db:
        servicios.transicionar(db, "PP27-0001", Estado.ADMITIDA, actor=ADMIN, ahora=momento)
    app = abrir_pagina("paginas/evaluar.py", EVALUADORA)
    assert not app.select_slider
    assert "Matriz de criterios: No se pueden evaluar propuestas: la fase actual es «Registro de propuestas»" in \
        textos_de(app)


def test_la_lista_ve_una_propuesta_nueva_sin_reiniciar(base_app):
    _, momento = proceso_en_fase(base_app, Fase.REGISTRO)
    propuesta_en(base_app, momento)
    app = abrir_pagina("paginas/propuestas.py")
    assert "**1 propuesta**" in textos_de(app)
    propuesta_en(base_app, momento, titulo="Agua potable para Huata", lat=-9.0164, lon=-77.8614)
    app.run()
    assert "**2 propuestas**" in textos_de(app)
