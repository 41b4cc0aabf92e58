"""Lo que se ve del ciclo de la votación y de los retiros (AppTest desde app.py): la caja de papel solo cuando se
acepta papel, conteo / cierre / reapertura desde la consola, moderación que retira de la votación, la papeleta que
muestra la retirada y el proyector al cierre con el ancla de la cadena."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import nucleo
from identidad import participantes
from identidad.acceso import Actor, Rol
from propuestas import deliberacion
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Fase, PeriodoFase
from tests.ayudas import abrir_pagina, textos_sin_negritas
from tests.conftest import FACILITADORA, copiar_viables
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta

ADMIN_CLI = Actor(Rol.ADMINISTRADOR, "admin", cuenta_id=1)
MOTIVO = "Llegó la caja de papeletas de la mesa 3 sin contar"




@pytest.fixture
def ruta(tmp_path, monkeypatch, _plantilla_viables):
    """La base con 6 viables y la priorización corrida a hoy (se abre con la hora real, como en el taller)."""
    ruta = copiar_viables(_plantilla_viables, tmp_path / "plataforma.db")
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    hoy = propuestas_servicios.fecha_local(nucleo.ahora())
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        inicio = proceso.periodo(Fase.PRIORIZACION).inicio
        dia = dt.timedelta(days=1)
        fases = tuple(PeriodoFase(p.fase, hoy - 3 * dia, hoy + 3 * dia) if p.fase == Fase.PRIORIZACION else
                      PeriodoFase(p.fase, p.inicio - 200 * dia, p.fin - 200 * dia) if p.fin < inicio else
                      PeriodoFase(p.fase, hoy + 4 * dia, hoy + 20 * dia) for p in proceso.fases)
        propuestas_servicios.actualizar_proceso(db, dataclasses.replace(proceso, fases=fases), actor=ADMIN_CLI,
                                                ahora=nucleo.ahora())
    return ruta


def _votacion(ruta, estado="abierta", votos=()):
    caminos = {"preparada": [], "abierta": ["abierta"], "pausada": ["abierta", "pausada"],
               "conteo": ["abierta", "conteo"], "cerrada": ["abierta", "cerrada"]}
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, techo_centimos=60_000_000),
                                         actor=FACILITADORA, ahora=nucleo.ahora())
        for i, elegidas in enumerate(votos):
            if i == 0:
                votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
            votacion.emitir(db, creada.id, Papeleta(tuple(elegidas)), actor=_participante(db, i), ahora=nucleo.ahora())
        for paso in caminos[estado][1 if votos else 0:]:
            votacion.cambiar_estado(db, creada.id, EstadoVotacion(paso), actor=FACILITADORA, ahora=nucleo.ahora())
    return creada.id


def _participante(db, i):
    proceso = propuestas_servicios.proceso_actual(db)
    pid, _ = participantes.registrar_participante(db, proceso.id, {"nombre": f"Persona número {i}", "tipo": "joven",
                                                                   "ubigeo": "021201", "consentimiento": True},
                                                  actor=FACILITADORA, ahora=nucleo.ahora())
    return Actor(Rol.PARTICIPANTE, f"participante {pid}", participante_id=pid)


@pytest.mark.parametrize("estado", ["preparada", "abierta", "pausada", "conteo", "cerrada"])
def test_la_caja_de_papel_solo_aparece_si_la_votacion_acepta_papel(ruta, estado):
    votacion_id = _votacion(ruta, estado)
    app = abrir_pagina("paginas/votaciones.py", FACILITADORA)
    cajas = [t for t in app.text_area if t.key == f"vot_papel_{votacion_id}"]
    assert bool(cajas) == (estado in ("abierta", "pausada", "conteo"))
    if estado == "cerrada":
        assert "La votación está cerrada: no se digitan más papeletas de papel" in textos_sin_negritas(app)


def test_la_consola_pasa_al_conteo_cierra_y_reabre_con_motivo(ruta):
    votacion_id = _votacion(ruta, votos=[["PP27-0001"]])
    app = abrir_pagina("paginas/consola.py", FACILITADORA)
    app.button(key=f"vot_conteo_{votacion_id}").click().run()
    assert "La votación quedó «conteo de papel»" in textos_sin_negritas(app)
    assert "Conteo de papel: los celulares ya no votan" in textos_sin_negritas(app)
    app.checkbox(key=f"vot_confirmar_{votacion_id}").check().run()
    app.button(key=f"vot_cerrada_{votacion_id}").click().run()
    assert "La votación quedó «cerrada»" in textos_sin_negritas(app)
    app.text_area(key=f"vot_reabrir_motivo_{votacion_id}").input("porque sí").run()
    app.button(key=f"vot_reabrir_{votacion_id}").click().run()
    assert "Para reabrir una votación cerrada escriba el motivo" in " ".join(e.value for e in app.error)
    app.text_area(key=f"vot_reabrir_motivo_{votacion_id}").input(MOTIVO).run()
    app.button(key=f"vot_reabrir_{votacion_id}").click().run()
    assert "La votación se reabrió: quedó «conteo de papel»" in textos_sin_negritas(app)
    with nucleo.abrir(ruta) as db:
        assert [r["motivo"] for r in votacion.reaperturas(db, votacion_id)] == [MOTIVO]


def test_moderacion_oculta_la_propuesta_y_la_retira_de_la_votacion_abierta(ruta):
    """Una propuesta ocultada por moderación seguía en la papeleta abierta, en el ranking y en los resultados."""
    votacion_id = _votacion(ruta, votos=[["PP27-0001", "PP27-0002"], ["PP27-0002"], ["PP27-0003"]])
    with nucleo.abrir(ruta) as db:
        propuesta_id = db.execute("SELECT id FROM propuestas WHERE codigo = 'PP27-0002'").fetchone()[0]
        deliberacion.reportar(db, "propuesta", propuesta_id, "datos_personales", actor=_participante(db, 9),
                              origen="prueba", ahora=nucleo.ahora())
    app = abrir_pagina("paginas/moderacion.py", FACILITADORA)
    antes = textos_sin_negritas(app)
    app.text_input(key=f"motivo_propuesta_{propuesta_id}").input("Publica el DNI de una vecina").run()
    app.button(key=f"ocultar_propuesta_{propuesta_id}").click().run()
    assert not app.error, app.error
    with nucleo.abrir(ruta) as db:
        resultado = votacion.resultados(db, votacion_id, actor=FACILITADORA)
    assert "PP27-0002" not in [f["codigo"] for f in resultado.filas] and resultado.votantes == 3
    assert "ocultarla la retira de esa votación con el mismo motivo" in antes  # se avisó antes de ocultar


def test_la_papeleta_muestra_la_propuesta_retirada_y_ya_no_la_ofrece(ruta):
    votacion_id = _votacion(ruta)
    with nucleo.abrir(ruta) as db:
        rosa = _participante(db, 1)
        votacion.retirar_propuesta(db, votacion_id, "PP27-0002", "La municipalidad ya la financió", actor=FACILITADORA,
                                   ahora=nucleo.ahora())
    app = abrir_pagina("paginas/votar.py", rosa, votacion=str(votacion_id))
    assert "PP27-0002 (" in textos_sin_negritas(app)
    assert "fue retirada de la votación: La municipalidad ya la financió" in textos_sin_negritas(app)
    claves = {c.key for c in app.checkbox}
    assert f"votar_{votacion_id}_PP27-0001" in claves and f"votar_{votacion_id}_PP27-0002" not in claves


def test_el_proyector_al_cierre_muestra_el_ancla_y_los_retiros(ruta):
    votacion_id = _votacion(ruta, votos=[["PP27-0001", "PP27-0002"], ["PP27-0003"]])
    with nucleo.abrir(ruta) as db:
        votacion.retirar_propuesta(db, votacion_id, "PP27-0002", "La municipalidad ya la financió", actor=FACILITADORA,
                                   ahora=nucleo.ahora())
        votacion.cambiar_estado(db, votacion_id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=nucleo.ahora())
        ancla = votacion.ancla(db, votacion_id)
    app = abrir_pagina("paginas/proyector.py", taller=str(votacion_id))
    contenido = " ".join(h.proto.body for h in app.get("html"))
    assert "Resultado final" in contenido and ancla.eslabones == 2
    assert "<b>2</b> eslabones · cabeza" in contenido and ancla.cabeza_en_grupos in contenido
    assert "Retirada de la votación: <b>PP27-0002</b>" in contenido and "La municipalidad ya la financió" in contenido


def test_los_botones_de_cada_estado_son_las_transiciones_del_ciclo():
    """La consola ofrece exactamente lo que permite la tabla del ciclo (reabrir va aparte, con su motivo)."""
    from paginas import control
    from votacion.modelo import TRANSICIONES

    for estado, destinos in TRANSICIONES.items():
        botones = {hacia for hacia, _, _ in control.ACCIONES[estado]}
        assert botones | (set(control.REABRIR) if estado == EstadoVotacion.CERRADA else set()) == set(destinos), estado


def test_la_consola_registra_el_acta_firmada_y_las_priorizadas_quedan_en_acta(ruta):
    """Cerrada la votación, lo financiado está «priorizada»; el acta firmada (fecha, lugar y la casilla) lo pasa a
    «en acta»: sin la casilla se dice qué falta y lo escrito queda; después no hay botón de reabrir."""
    votacion_id = _votacion(ruta, "cerrada", votos=[["PP27-0001", "PP27-0002"], ["PP27-0001"]])
    with nucleo.abrir(ruta) as db:
        financiadas = votacion.resultados(db, votacion_id, actor=FACILITADORA).oficial.elegidos
        assert {propuestas_servicios.obtener(db, c, actor=FACILITADORA).propuesta.estado.value
                for c in financiadas} == {"priorizada"}
    app = abrir_pagina("paginas/consola.py", FACILITADORA)
    app.text_input(key=f"vot_firmar_lugar_{votacion_id}").input("Local comunal de Caraz")
    app.button(key=f"FormSubmitter:vot_firmar_{votacion_id}-Registrar el acta firmada").click().run()
    assert "Marque que el acta impresa fue firmada" in " ".join(e.value for e in app.error)
    assert app.text_input(key=f"vot_firmar_lugar_{votacion_id}").value == "Local comunal de Caraz"
    app.checkbox(key=f"vot_firmada_{votacion_id}").check()
    app.button(key=f"FormSubmitter:vot_firmar_{votacion_id}-Registrar el acta firmada").click().run()
    assert "Acta registrada como firmada" in textos_sin_negritas(app)
    assert "Acta firmada el" in textos_sin_negritas(app) and "ya no se reabre" in textos_sin_negritas(app)
    assert not [b for b in app.button if b.key == f"vot_reabrir_{votacion_id}"]
    descarga = next(b for b in app.get("download_button") if "Acta firmada" in b.proto.label)
    assert descarga.proto.label == "Acta firmada (PDF, la de esa huella)"
    with nucleo.abrir(ruta) as db:
        assert {propuestas_servicios.obtener(db, c, actor=FACILITADORA).propuesta.estado.value
                for c in financiadas} == {"en_acta"}
        assert votacion.acta_firmada(db, votacion_id)["lugar"] == "Local comunal de Caraz"


def test_administracion_trae_al_proceso_nuevo_una_viable_no_financiada_y_ambas_fichas_lo_dicen(ruta):
    _votacion(ruta, "cerrada", votos=[["PP27-0001", "PP27-0002"], ["PP27-0001"]])
    with nucleo.abrir(ruta) as db:
        sugerido = propuestas_servicios.proceso_sugerido("0212", propuestas_servicios.fecha_local(nucleo.ahora()))
        nuevo = propuestas_servicios.crear_proceso(db, dataclasses.replace(sugerido, codigo="PP29", nombre="PP 2029"),
                                                   actor=ADMIN_CLI, ahora=nucleo.ahora())
        propuestas_servicios.marcar_actual(db, nuevo.id, actor=ADMIN_CLI, ahora=nucleo.ahora())
    app = abrir_pagina("paginas/procesos.py", ADMIN_CLI)
    assert "Traer a PP29 propuestas viables que no se financiaron" in " ".join(e.label for e in app.expander)
    app.multiselect(key="procesos_traer").set_value(["PP27-0005"])
    app.button(key="procesos_traer_boton").click().run()
    assert "1 propuesta traída a PP29." in textos_sin_negritas(app)
    nueva = abrir_pagina("paginas/propuestas.py", ADMIN_CLI, propuesta="PP29-0001")
    assert "Viene de PP27-0005" in " ".join(e.label for e in nueva.get("page_link"))
    vieja = abrir_pagina("paginas/propuestas.py", ADMIN_CLI, propuesta="PP27-0005")
    assert "Sigue en PP29-0001" in " ".join(e.label for e in vieja.get("page_link"))


def test_los_resultados_muestran_la_cobertura_del_pdlc(ruta):
    from propuestas import pdlc
    from tests.ayudas import como_csv

    votacion_id = _votacion(ruta, "cerrada", votos=[["PP27-0001", "PP27-0002"], ["PP27-0001"]])
    sin_pdlc = abrir_pagina("paginas/resultados.py", FACILITADORA, votacion=str(votacion_id))
    assert "Cobertura del PDLC" not in [s.value for s in sin_pdlc.subheader]
    with nucleo.abrir(ruta) as db:
        pdlc.importar(db, como_csv([{"Código del objetivo": "OE1", "Objetivo estratégico": "Agua para todos"},
                                    {"Código del objetivo": "OE2", "Objetivo estratégico": "Caminos vecinales"}]),
                      "pdlc.csv", nombre_plan="PDLC Huaylas", actor=ADMIN_CLI, ahora=nucleo.ahora())
        objetivo = pdlc.vigente(db).objetivos[0]["id"]
        pdlc.vincular(db, "PP27-0001", f"O:{objetivo}", actor=ADMIN_CLI, ahora=nucleo.ahora())
    app = abrir_pagina("paginas/resultados.py", FACILITADORA, votacion=str(votacion_id))
    assert "Cobertura del PDLC" in [s.value for s in app.subheader]
    tabla = next(d.value for d in app.dataframe if "Objetivo" in d.value.columns)
    assert tabla["Objetivo"].tolist() == ["OE1 · Agua para todos", "OE2 · Caminos vecinales", "Sin vincular al PDLC"]
    assert tabla["Votos"].tolist()[0] == 2 and tabla["Nota"].tolist()[1] == "Ninguna propuesta lo atiende"
