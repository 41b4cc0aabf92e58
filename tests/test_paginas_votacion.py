"""Páginas de votación (votar, votaciones y papeletas, resultados) con AppTest desde app.py."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

import nucleo
from identidad import participantes
from identidad.acceso import Actor, Rol
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Fase, PeriodoFase
from tests.ayudas import abierta_en, abrir_pagina, errores_de, participante_en, textos_sin_negritas
from tests.conftest import FACILITADORA, RAIZ, copiar_viables
from votacion import almacen
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta, TipoPapeleta


@pytest.fixture
def base(tmp_path, monkeypatch, _plantilla_viables):
    """La base con 6 viables, con la priorización corrida para que hoy caiga en ella."""
    ruta = copiar_viables(_plantilla_viables, tmp_path / "plataforma.db")
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    hoy = propuestas_servicios.fecha_local(nucleo.ahora())
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        fases = tuple(PeriodoFase(p.fase, hoy - dt.timedelta(days=3), hoy + dt.timedelta(days=3))
                      if p.fase == Fase.PRIORIZACION else
                      PeriodoFase(p.fase, p.inicio - dt.timedelta(days=200), p.fin - dt.timedelta(days=200))
                      if p.fin < proceso.periodo(Fase.PRIORIZACION).inicio else
                      PeriodoFase(p.fase, hoy + dt.timedelta(days=4), hoy + dt.timedelta(days=20)) for p in proceso.fases)
        propuestas_servicios.actualizar_proceso(db, dataclasses.replace(proceso, fases=fases), actor=ADMIN_CLI,
                                                ahora=nucleo.ahora())
    return ruta, list(_plantilla_viables[1])


ADMIN_CLI = Actor(Rol.ADMINISTRADOR, "admin", cuenta_id=1)






def test_votar_desde_el_celular_con_error_y_correccion(base):
    ruta, codigos = base
    abierta = abierta_en(ruta, max_opciones=2)
    rosa = participante_en(ruta)
    app = abrir_pagina("paginas/votar.py", rosa, votacion=str(abierta.id))
    assert "Elija hasta 2 propuestas." in textos_sin_negritas(app)
    for codigo in codigos[:3]:
        app.checkbox(key=f"votar_{abierta.id}_{codigo}").check()
    assert "Elegidas: 0 de 2" in textos_sin_negritas(app)  # marcar no llega al servidor: la cuenta es del navegador
    app.button(key="votar_emitir").click().run()
    assert "Eligió 3 propuestas; el máximo es 2. Quite 1." in errores_de(app)
    assert "Elegidas: 3 de 2: quite 1 antes de votar." in textos_sin_negritas(app)
    assert all(app.checkbox(key=f"votar_{abierta.id}_{c}").value for c in codigos[:3])  # lo marcado sigue
    app.checkbox(key=f"votar_{abierta.id}_{codigos[2]}").uncheck()
    app.button(key="votar_emitir").click().run()
    assert "Su voto quedó registrado" in textos_sin_negritas(app)
    with nucleo.abrir(ruta) as db:
        vigentes = almacen.vigentes(db, abierta.id)
    assert len(vigentes) == 1 and vigentes[0]["contenido"] == {"elegidas": codigos[:2]}
    assert vigentes[0]["recibo"] in textos_sin_negritas(app)
    # otra sesión (recargó la página): ve su voto, lo marcado es su voto y puede cambiarlo
    otra = abrir_pagina("paginas/votar.py", rosa, votacion=str(abierta.id))
    assert f"Recibo: {vigentes[0]['recibo']}" in textos_sin_negritas(otra)
    assert [otra.checkbox(key=f"votar_{abierta.id}_{c}").value for c in codigos] == [True, True] + [False] * 4
    otra.checkbox(key=f"votar_{abierta.id}_{codigos[0]}").uncheck()
    otra.button(key="votar_emitir").click().run()
    assert "Su voto cambió" in textos_sin_negritas(otra)


def test_puntos_y_ranking_en_la_pagina(base):
    ruta, codigos = base
    puntos = abierta_en(ruta, tipo=TipoPapeleta.PUNTOS, puntos_total=10, puntos_maximo=10, regla="greedy")
    rosa = participante_en(ruta)
    app = abrir_pagina("paginas/votar.py", rosa, votacion=str(puntos.id))
    app.number_input(key=f"votar_{puntos.id}_{codigos[0]}").set_value(7)
    app.number_input(key=f"votar_{puntos.id}_{codigos[1]}").set_value(5)
    app.button(key="votar_emitir").click().run()
    assert "Repartió 12 semillas; tiene 10. Quite 2." in errores_de(app)
    assert "Semillas repartidas: 12 de 10" in textos_sin_negritas(app)
    app.number_input(key=f"votar_{puntos.id}_{codigos[1]}").set_value(3)
    app.button(key="votar_emitir").click().run()
    assert "Su voto quedó registrado" in textos_sin_negritas(app)
    ranking = abierta_en(ruta, tipo=TipoPapeleta.RANKING, max_opciones=3, regla="greedy")
    app = abrir_pagina("paginas/votar.py", rosa, votacion=str(ranking.id))
    app.selectbox(key=f"votar_{ranking.id}_puesto_0").set_value(codigos[4])
    app.selectbox(key=f"votar_{ranking.id}_puesto_1").set_value(codigos[4])
    app.button(key="votar_emitir").click().run()
    assert "aparece más de una vez" in errores_de(app)
    app.selectbox(key=f"votar_{ranking.id}_puesto_1").set_value(codigos[0])
    app.button(key="votar_emitir").click().run()
    with nucleo.abrir(ruta) as db:
        assert almacen.vigentes(db, ranking.id)[0]["contenido"] == {"elegidas": [codigos[4], codigos[0]]}


def test_sin_codigo_o_del_equipo_no_vota(base):
    ruta, _ = base
    abierta = abierta_en(ruta)
    publico = abrir_pagina("paginas/votar.py", votacion=str(abierta.id))
    assert publico.text_input(key="votar_codigo") is not None
    assert not [b for b in publico.button if b.key == "votar_emitir"]
    facilitadora = abrir_pagina("paginas/votar.py", FACILITADORA, votacion=str(abierta.id))
    assert "Votan los agentes participantes con su código" in textos_sin_negritas(facilitadora)
    assert not [b for b in facilitadora.button if b.key == "votar_emitir"]
    participante = participante_en(ruta)
    with nucleo.abrir(ruta) as db:
        votacion.cambiar_estado(db, abierta.id, EstadoVotacion.PAUSADA, actor=FACILITADORA, ahora=nucleo.ahora())
    pausa = abrir_pagina("paginas/votar.py", participante, votacion=str(abierta.id))
    assert "en pausa" in textos_sin_negritas(pausa)
    sin_acceso = abrir_pagina("paginas/votaciones.py", participante)
    assert "Sin acceso" in textos_sin_negritas(sin_acceso) or any("Sin acceso" in t.value for t in sin_acceso.title)


def test_facilitacion_crea_abre_digita_papel_y_cierra(base):
    ruta, codigos = base
    app = abrir_pagina("paginas/votaciones.py", FACILITADORA)
    app.text_input(key="vot_lugar").input("Local comunal de Caraz").run()
    app.number_input(key="vot_k_aprobacion").set_value(3).run()
    assert app.multiselect(key="vot_propuestas").value == codigos
    app.button(key="vot_crear").click().run()
    assert "Votación creada" in textos_sin_negritas(app)
    with nucleo.abrir(ruta) as db:
        creada = votacion.listar(db, propuestas_servicios.proceso_actual(db).id)[0]
    assert creada.max_opciones == 3 and creada.lugar == "Local comunal de Caraz"
    app.button(key=f"vot_abierta_{creada.id}").click().run()
    assert "quedó «abierta»" in textos_sin_negritas(app)
    app.text_area(key=f"vot_papel_{creada.id}").input("N.º 1: 1, 2\nN.º 2: 9\nN.º 3: 1, 2, 3, 4").run()
    assert "2 de 3 líneas tienen problemas" in errores_de(app)
    assert not [b for b in app.button if b.key == "vot_papel_guardar"]
    app.text_area(key=f"vot_papel_{creada.id}").input("N.º 1: 1, 2\nN.º 2: 6\nN.º 3: 1, 2, 3").run()
    app.button(key="vot_papel_guardar").click().run()
    assert "Se guardaron 3 papeletas de papel" in textos_sin_negritas(app)
    assert [m.value for m in app.metric] == ["3", "0", "3"]
    app.button(key="vot_verificar").click().run()
    assert "Cadena íntegra: 3 papeletas" in textos_sin_negritas(app)
    app.button(key=f"vot_cerrada_{creada.id}").click().run()
    assert "Marque «Confirmo el cierre»" in errores_de(app)
    app.checkbox(key=f"vot_confirmar_{creada.id}").check().run()
    app.button(key=f"vot_cerrada_{creada.id}").click().run()
    assert "quedó «cerrada»" in textos_sin_negritas(app)


def test_resultados_publicos_al_cerrar_con_barra_tabla_y_comparacion(base):
    ruta, codigos = base
    with nucleo.abrir(ruta) as db:
        db.execute("UPDATE propuestas SET titulo = ? WHERE codigo = ?", ["<img src=x onerror=alert(1)> Canal", codigos[1]])
    abierta = abierta_en(ruta, techo_centimos=60_000_000, regla="greedy")
    papeletas = [(codigos[0], codigos[1])] * 3 + [(codigos[4], codigos[5])] * 2
    actores = [participante_en(ruta, f"Votante número {i}", "021201" if i < 3 else "021205") for i in range(5)]
    with nucleo.abrir(ruta) as db:
        for actor, papeleta in zip(actores, papeletas):
            votacion.emitir(db, abierta.id, Papeleta(papeleta), actor=actor, ahora=nucleo.ahora())
    antes = abrir_pagina("paginas/resultados.py", votacion=str(abierta.id))
    assert "Los resultados se publican al cerrar" in textos_sin_negritas(antes)
    with nucleo.abrir(ruta) as db:
        votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=nucleo.ahora())
    app = abrir_pagina("paginas/resultados.py", votacion=str(abierta.id))
    textos = textos_sin_negritas(app)
    assert "papeletas: 5 (5 por celular)" in textos
    barra = next(h.proto.body for h in app.get("html") if "Techo presupuestal" in h.proto.body)
    assert "&lt;img src=x onerror=alert(1)&gt;" in barra and "<img" not in barra
    assert "Primera sin financiar" in textos and "No alcanza" in textos
    tabla = app.dataframe[0].value
    assert list(tabla["Propuesta"][:2]) == [codigos[1], codigos[0]]
    assert list(tabla["Financiada"][:2]) == [True, True]
    assert "Con la comparación entran" in textos
    assert "Partes Iguales (MES) con completado add1" in textos
    assert "personas que la eligieron" in textos or "Le faltó poco" in textos
    assert app.dataframe[1].value.shape[0] >= 10
    assert [b.label for b in app.get("download_button")] == ["Papeletas (.pb, pabulib)", "Resultados (.csv)",
                                                              "Excel (.xlsx)", "CSV (;)", "GeoJSON (QGIS)",
                                                              "Informe (PDF)"]


@pytest.mark.parametrize("quien", ["publico", "participante"])
def test_resultados_de_una_votacion_abierta_sin_revelar_no_muestran_conteos_y_dicen_el_motivo(base, quien):
    """La página no repite la regla: muestra el motivo que da el servicio (`exigir_resultados`), con el estado."""
    ruta, codigos = base
    abierta = abierta_en(ruta, techo_centimos=60_000_000, regla="greedy")
    votante = participante_en(ruta, "Votante con celular")
    with nucleo.abrir(ruta) as db:
        votacion.emitir(db, abierta.id, Papeleta((codigos[0], codigos[1])), actor=votante, ahora=nucleo.ahora())
    app = abrir_pagina("paginas/resultados.py", votante if quien == "participante" else None, votacion=str(abierta.id))
    textos = textos_sin_negritas(app)
    assert "Los resultados se publican al cerrar la votación (o cuando la facilitación los muestre); ahora está " \
           "«abierta»." in textos
    assert not app.dataframe and not app.get("download_button") and not app.main.get("html")  # el menú tiene el suyo
    assert "papeletas:" not in textos and codigos[0] not in textos


def test_el_qr_del_taller_abre_la_papeleta_desde_la_raiz_y_se_entra_ahi_mismo(base):
    """`/?taller=ID` (lo que lleva el QR) lleva a votar aunque sea la primera página que abre el celular; un
    código errado dice por qué y lo escrito queda; con el bueno aparece la papeleta y la persona cuenta
    como unida en el proyector."""
    ruta, codigos = base
    abierta = abierta_en(ruta)
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        _, codigo = participantes.registrar_participante(db, proceso.id, {"nombre": "Rosa Huamán", "tipo": "joven",
                                                                          "ubigeo": "021201", "consentimiento": True},
                                                         actor=FACILITADORA, ahora=nucleo.ahora())
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    app.query_params["taller"] = str(abierta.id)
    app.run()
    assert not app.exception, app.exception
    assert [t.value for t in app.title] == ["Votar"]
    app.text_input(key="votar_codigo").input("ZZZZZ-ZZZZZ")
    app.button[0].click().run()  # el botón del formulario
    assert "El código «ZZZZZ-ZZZZZ» no es válido" in errores_de(app)
    assert app.text_input(key="votar_codigo").value == "ZZZZZ-ZZZZZ"
    app.text_input(key="votar_codigo").input(codigo.lower())
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert "Bienvenida o bienvenido" in textos_sin_negritas(app)
    assert app.checkbox(key=f"votar_{abierta.id}_{codigos[0]}") is not None
    with nucleo.abrir(ruta) as db:
        assert votacion.en_vivo(db, abierta.id)["unidos"] == 1
    app.checkbox(key=f"votar_{abierta.id}_{codigos[0]}").check()
    app.button(key="votar_emitir").click().run()
    assert "Recibo:" in textos_sin_negritas(app)
    with nucleo.abrir(ruta) as db:
        assert votacion.en_vivo(db, abierta.id)["papeletas"] == 1


def test_proyector_publico_muestra_qr_contadores_y_solo_revela_lo_publico(base):
    ruta, codigos = base
    abierta = abierta_en(ruta, techo_centimos=60_000_000)
    rosa = participante_en(ruta)
    with nucleo.abrir(ruta) as db:
        votacion.unirse(db, abierta.id, actor=rosa, ahora=nucleo.ahora())
        votacion.emitir(db, abierta.id, Papeleta((codigos[0], codigos[2])), actor=rosa, ahora=nucleo.ahora())
        votacion.iniciar_cuenta_regresiva(db, abierta.id, 5, actor=FACILITADORA, ahora=nucleo.ahora())
    app = abrir_pagina("paginas/proyector.py", taller=str(abierta.id))
    contenido = " ".join(h.proto.body for h in app.get("html"))
    assert "personas unidas" in contenido and '<b>1</b>papeletas' in contenido
    assert 'alt="Código QR para unirse: http' in contenido and f"?taller={abierta.id}" in contenido
    assert re.search(r'role="timer">0[45]:\d\d<', contenido)
    assert 'alt="Papeletas por distrito de quien votó"' in contenido  # el mapa SVG
    assert "class=\"pz-ranking\"" not in contenido  # los resultados no se revelaron
    assert not app.sidebar.children or not list(app.sidebar)  # sin menú lateral
    with nucleo.abrir(ruta) as db:
        votacion.mostrar_resultados(db, abierta.id, True, actor=FACILITADORA, ahora=nucleo.ahora())
    app.run()
    contenido = " ".join(h.proto.body for h in app.get("html"))
    assert "Resultados en vivo (parciales)" in contenido and "class=\"pz-ranking\"" in contenido
    assert contenido.index(codigos[0]) < contenido.index(codigos[1])  # con voto, antes que sin voto


def test_consola_de_la_facilitacion(base):
    ruta, codigos = base
    abierta = abierta_en(ruta)
    app = abrir_pagina("paginas/consola.py", FACILITADORA)
    assert "Taller en vivo" in [t.value for t in app.title]
    assert app.metric[0].label == "Personas unidas"
    app.button(key="consola_cuenta_iniciar").click().run()
    with nucleo.abrir(ruta) as db:
        assert votacion.obtener(db, abierta.id).cuenta_hasta is not None
    app.text_input(key="consola_nombre").input("Pedro Sánchez")
    app.selectbox(key="consola_tipo").set_value("ciudadano")
    app.selectbox(key="consola_distrito").set_value("021201")
    registrar = lambda: next(b for b in app.button if b.label == "Registrar y dar su código")  # noqa: E731
    registrar().click().run()  # sin el consentimiento: no se registra y lo escrito queda
    assert "consentimiento" in errores_de(app)
    assert app.text_input(key="consola_nombre").value == "Pedro Sánchez"
    app.checkbox(key="consola_consentimiento").check()
    registrar().click().run()
    assert not app.exception, app.exception
    codigo = app.code[0].value
    assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", codigo)
    with nucleo.abrir(ruta) as db:
        resumen = votacion.asistencia_del_taller(db, abierta.id, actor=FACILITADORA)
    assert resumen["personas"] == 1 and "Caraz" in resumen["por_distrito"]
    participante = abrir_pagina("paginas/consola.py", participante_en(ruta, "Otra Persona"))
    assert "Sin acceso" in [t.value for t in participante.title]


def test_consola_anota_acuerdos_y_da_el_acta(base):
    ruta, _ = base
    abierta = abierta_en(ruta)
    app = abrir_pagina("paginas/consola.py", FACILITADORA)
    app.text_area(key="consola_acuerdo_texto").input("no")
    app.text_input(key="consola_acuerdo_responsable").input("Municipalidad de Caraz")
    next(b for b in app.button if b.label == "Anotar el acuerdo").click().run()
    assert "entre 5 y 500" in errores_de(app) and app.text_input(key="consola_acuerdo_responsable").value
    app.text_area(key="consola_acuerdo_texto").input("Incluir la obra de riego en el PDLC")
    app.text_input(key="consola_acuerdo_plazo").input("marzo de 2027")
    next(b for b in app.button if b.label == "Anotar el acuerdo").click().run()
    assert not app.exception, app.exception
    with nucleo.abrir(ruta) as db:
        assert [a["plazo"] for a in votacion.acuerdos(db, abierta.id)] == ["marzo de 2027"]
    assert "Incluir la obra de riego en el PDLC" in textos_sin_negritas(app)
    assert [b.label for b in app.get("download_button")] == ["Descargar el acta (PDF)"]


def test_lo_marcado_y_rechazado_sobrevive_a_recargar_la_pagina(base):
    """Recargar el celular abre otra sesión: lo que envió y el servidor rechazó sigue marcado (lo marcado sin
    enviar lo guarda el navegador: ver test_navegador_celular)."""
    ruta, codigos = base
    abierta = abierta_en(ruta, max_opciones=1)
    rosa = participante_en(ruta)
    app = abrir_pagina("paginas/votar.py", rosa, votacion=str(abierta.id))
    app.checkbox(key=f"votar_{abierta.id}_{codigos[1]}").check()
    app.checkbox(key=f"votar_{abierta.id}_{codigos[4]}").check()
    app.button(key="votar_emitir").click().run()
    assert "el máximo es 1" in errores_de(app)
    recargada = abrir_pagina("paginas/votar.py", rosa, votacion=str(abierta.id))
    marcadas = [c for c in codigos if recargada.checkbox(key=f"votar_{abierta.id}_{c}").value]
    assert marcadas == [codigos[1], codigos[4]]
    otra = abrir_pagina("paginas/votar.py", participante_en(ruta, "Juan Pérez"), votacion=str(abierta.id))
    assert not any(otra.checkbox(key=f"votar_{abierta.id}_{c}").value for c in codigos)  # cada quien lo suyo
    with nucleo.abrir(ruta) as db:
        assert almacen.vigentes(db, abierta.id) == []  # marcar no es votar
