"""Las páginas del seguimiento con la app de verdad (AppTest): el equipo registra una actualización y un hito (lo
escrito se queda si algo está mal), sube la hoja; el público ve la lista, el detalle y la línea de tiempo, con el
texto de usuario escapado."""
import pytest

import nucleo
from propuestas import seguimiento
from propuestas.seguimiento import hoja as hoja_seguimiento
from propuestas.servicios import fecha_local
from tests.ayudas import abrir_pagina, en_acta_en, errores_de, textos_de
from tests.conftest import EVALUADORA, filas

NOTA = "**Se firmó** el convenio <script>alert(1)</script> [aquí](javascript:alert(1))"


@pytest.fixture
def con_acta(base_votacion):
    ruta, codigos = base_votacion
    return ruta, sorted(en_acta_en(ruta, codigos))  # la página elige primero el de menor número


def _campo(app, etiqueta):
    return next(w for w in [*app.text_input, *app.text_area, *app.selectbox] if w.label.startswith(etiqueta))


def test_el_equipo_registra_una_actualizacion_y_lo_escrito_se_queda_si_esta_mal(con_acta):
    ruta, (uno, *_) = con_acta
    app = abrir_pagina("paginas/seguimiento.py", EVALUADORA)
    assert uno in textos_de(app)
    _campo(app, "Fase de inversión").set_value("Ejecución")
    _campo(app, "CUI").input("251234")
    _campo(app, "PIM").input("350,000")
    _campo(app, "Avance físico").input("40 %")
    _campo(app, "Nota").input(NOTA)
    app.button[[b.label for b in app.button].index("Registrar la actualización")].click().run()
    assert "tiene 6 dígitos" in errores_de(app)
    assert (_campo(app, "CUI").value, _campo(app, "PIM").value, _campo(app, "Nota").value) == ("251234", "350,000", NOTA)
    with nucleo.abrir(ruta) as db:
        assert filas(db, "seguimiento_actualizaciones") == 0
    _campo(app, "CUI").input("2512345")
    app.button[[b.label for b in app.button].index("Registrar la actualización")].click().run()
    assert not errores_de(app), errores_de(app)
    with nucleo.abrir(ruta) as db:
        s = seguimiento.proyecto(db, uno, hoy=fecha_local(nucleo.ahora())).situacion
    assert (s.fase.value, s.cui, s.pim_centimos, s.avance_fisico) == ("ejecucion", "2512345", 35_000_000, 40.0)
    assert f"Actualización de {uno} registrada." in textos_de(app)


def test_un_hito_sin_fecha_lo_dice(con_acta):
    _, (uno, *_) = con_acta
    app = abrir_pagina("paginas/seguimiento.py", EVALUADORA)
    _campo(app, "Hito nuevo").input("Inicio de obra")
    app.button[[b.label for b in app.button].index("Agregar el hito")].click().run()
    assert "Indique la fecha prevista del hito." in errores_de(app)
    assert _campo(app, "Hito nuevo").value == "Inicio de obra"


def test_la_hoja_se_sube_revisa_e_importa(con_acta):
    ruta, (uno, *otros) = con_acta
    with nucleo.abrir(ruta) as db:
        exportadas = hoja_seguimiento.filas(db, None, hoy=fecha_local(nucleo.ahora()))
    exportadas[0].update({"Fase de inversión": "Formulación y evaluación", "Nota": "Según el SIAF"})
    app = abrir_pagina("paginas/seguimiento.py", EVALUADORA)
    app.file_uploader[0].set_value(("seguimiento.xlsx", hoja_seguimiento.como_xlsx(exportadas),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert f"Todo bien: 1 proyectos con datos nuevos; {len(otros)} filas sin cambios." in textos_de(app)
    app.button[[b.label for b in app.button].index("Importar")].click().run()
    assert "Hoja «seguimiento.xlsx» importada: 1 actualizaciones." in textos_de(app)
    with nucleo.abrir(ruta) as db:
        actualizaciones = seguimiento.actualizaciones(db, exportadas[0]["Código"])
    assert actualizaciones[0]["origen"] == "hoja «seguimiento.xlsx», fila 2"


def test_el_publico_ve_la_lista_y_la_linea_de_tiempo_con_el_texto_escapado(con_acta):
    ruta, (uno, *otros) = con_acta
    with nucleo.abrir(ruta) as db:
        seguimiento.registrar_actualizacion(db, uno, seguimiento.Cambios(fase=seguimiento.Fase.EJECUCION),
                                            fecha=fecha_local(nucleo.ahora()), nota=NOTA, actor=EVALUADORA,
                                            ahora=nucleo.ahora())
    app = abrir_pagina("paginas/priorizado.py")
    lista = app.dataframe[0].value
    assert set(lista["Fase"]) == {"Ejecución", "Sin datos aún"}
    detalle = abrir_pagina("paginas/priorizado.py", proyecto=uno)
    texto = " ".join(str(e.value) for e in [*detalle.markdown, *detalle.caption])
    assert "Entró al acta firmada" in texto and "Priorizada en la votación" in texto
    assert "\\*\\*Se firmó\\*\\* el convenio \\<script\\>" in texto  # se lee tal cual, no es marcado
    assert "<script>" not in texto and "](javascript:" not in texto
    ficha = abrir_pagina("paginas/propuestas.py", propuesta=uno)
    assert [e.proto.query_string for e in ficha.get("page_link") if e.proto.label.startswith("¿Qué pasó con ella?")] \
        == [f"proyecto={uno}"]  # la ficha de la propuesta lleva a su seguimiento
    app.selectbox(key="priorizado_anio").set_value("Aún sin PIA").run()
    assert len(app.dataframe[0].value) == len(lista)  # nadie tiene PIA todavía
    otro = abrir_pagina("paginas/priorizado.py", proyecto="NO-EXISTE")
    assert "No hay un proyecto priorizado con el código «NO-EXISTE»." in errores_de(otro)


def test_la_consola_anota_el_comite_y_lo_escrito_se_queda_si_falta_algo(base_votacion):
    from tests.ayudas import abierta_en
    from tests.conftest import FACILITADORA
    from votacion import vigilancia

    ruta, _ = base_votacion
    votacion_id = abierta_en(ruta).id
    app = abrir_pagina("paginas/consola.py", FACILITADORA)
    app.text_input(key="consola_comite_nombre").input("Juana Cochachin")
    app.text_input(key="consola_comite_organizacion").input("Comité de regantes de Mato")
    app.button(key="FormSubmitter:consola_comite-Anotar en el comité").click().run()
    assert "Elija el distrito de la persona." in errores_de(app)
    assert app.text_input(key="consola_comite_nombre").value == "Juana Cochachin"
    app.selectbox(key="consola_comite_distrito").set_value("021205")
    app.button(key="FormSubmitter:consola_comite-Anotar en el comité").click().run()
    assert "Miembro anotado en el Comité de Vigilancia." in textos_de(app)
    assert app.text_input(key="consola_comite_nombre").value == ""
    with nucleo.abrir(ruta) as db:
        assert [(m["nombre"], m["distrito"]) for m in vigilancia.comite(db, votacion_id)] == [
            ("Juana Cochachin", "Mato")]


def test_el_comite_observa_el_equipo_responde_y_el_publico_ve_las_dos(con_acta):
    from identidad.acceso import Actor, Rol

    ruta, (uno, *_) = con_acta
    vigilante = Actor(Rol.VIGILANCIA, "juana", cuenta_id=9)
    app = abrir_pagina("paginas/vigilancia.py", vigilante)
    app.selectbox(key="vig_proyecto").set_value(uno)
    app.text_area(key="vig_texto").input("La obra está parada desde junio y nadie informa")
    app.button(key="FormSubmitter:vig_observar-Registrar la observación").click().run()
    assert not errores_de(app), errores_de(app)
    assert "Observación registrada: el equipo técnico debe responderla." in textos_de(app)
    assert not [t for t in app.text_area if t.key.startswith("vig_respuesta_")]  # el comité no responde
    equipo = abrir_pagina("paginas/vigilancia.py", EVALUADORA)
    observacion = next(t.key for t in equipo.text_area if t.key.startswith("vig_respuesta_")).rpartition("_")[2]
    formulario = f"vig_responder_{observacion}"
    equipo.text_area(key=f"vig_respuesta_{observacion}").input("Paralizada por lluvias; se reanudó el 3 de julio.")
    equipo.button(key=f"FormSubmitter:{formulario}-Responder").click().run()
    assert "Respuesta registrada." in textos_de(equipo)
    texto = textos_de(abrir_pagina("paginas/priorizado.py", proyecto=uno))
    assert f"Observación n.º {observacion} del Comité de Vigilancia" in texto
    assert "La obra está parada desde junio y nadie informa" in texto
    assert f"Respuesta a la observación n.º {observacion} (equipo técnico)" in texto
    assert "Paralizada por lluvias; se reanudó el 3 de julio." in texto
