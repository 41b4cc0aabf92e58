"""Quién participa: sexo y franja de edad opcionales al registrar (con mensajes claros ante lo malo), las
actividades de cada etapa con su asistencia, y el conteo por etapa con las celdas chicas suprimidas."""
import csv
import datetime as dt
import io

import pytest

import nucleo
from identidad import participantes
from identidad.acceso import Actor, Rol, SinPermiso
from nucleo.errores import DatosInvalidos, NoEncontrada
from propuestas import datos_personales
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Fase, PropuestaInvalida, validar_formulario
from tests.ayudas import abrir_pagina, crear, errores_de, proceso_en_fase, textos_de, votar_muchos
from tests.conftest import ADMIN, AHORA, DATOS_JOVEN, EVALUADORA, FACILITADORA, registrar_propuesta
from votacion import exportar, participacion
from votacion import servicios as votacion_servicios

BASE = {"nombre": "Rosa Huamán", "tipo": "joven", "ubigeo": "021201", "consentimiento": True}


@pytest.fixture
def db_proceso(db_proceso):
    """El proceso con todas las migraciones (las actividades son del piso de la votación)."""
    votacion_servicios.preparar(db_proceso)
    return db_proceso


@pytest.mark.parametrize("edad, franja", [(12, "12_14"), ("14", "12_14"), (15, "15_29"), (" 29 ", "15_29"),
                                          (30, "30_59"), (59, "30_59"), (60, "60_mas"), (110, "60_mas"),
                                          (None, None), ("", None)])
def test_de_la_edad_solo_queda_la_franja(edad, franja):
    limpio = participantes.validar_participante({**BASE, "edad": edad, "sexo": "mujer"})
    assert (limpio["franja_edad"], limpio["sexo"]) == (franja, "mujer") and "edad" not in limpio


@pytest.mark.parametrize("cambios, mensaje", [
    ({"edad": 7}, "Edad: 7 años no es válida; escriba la edad en años, de 12 a 110"),
    ({"edad": "140"}, "Edad: 140 años no es válida"),
    ({"edad": "veinte"}, "Edad: «veinte» no es un número de años."),
    ({"edad": 20.5}, "no es un número de años"),
    ({"sexo": "x"}, "Sexo: «x» no es una opción; elija Mujer, Hombre, Otra identidad (o déjelo vacío)."),
])
def test_edad_o_sexo_malos_lo_dicen_y_no_escriben_nada(db_proceso, cambios, mensaje):
    with pytest.raises(DatosInvalidos) as error:
        participantes.registrar_participante(db_proceso, 1, {**BASE, **cambios}, actor=FACILITADORA, ahora=AHORA)
    assert any(mensaje in p.mensaje for p in error.value.problemas), error.value.problemas
    assert db_proceso.execute("SELECT count(*) FROM participantes").fetchone()[0] == 0


def _personas(db, cuantas, **datos) -> list[int]:
    return [participantes.registrar_participante(db, 1, {**BASE, "nombre": f"Persona {i}", **datos},
                                                 actor=FACILITADORA, ahora=AHORA)[0] for i in range(cuantas)]


def test_cuenta_personas_por_etapa_y_suprime_las_celdas_chicas(db_proceso):
    db = db_proceso
    mujeres = _personas(db, 6, sexo="mujer", edad=20)
    hombres = _personas(db, 2, sexo="hombre", edad=40, tipo="organizacion", organizacion="Comité de riego")
    sin_dato = _personas(db, 1)
    diagnostico = participacion.crear_actividad(db, 1, {"etapa": "diagnostico", "nombre": "Taller en Mato",
                                                        "fecha": "2026-11-20", "lugar": "Local comunal"},
                                                actor=FACILITADORA, ahora=AHORA)
    otro = participacion.crear_actividad(db, 1, {"etapa": "diagnostico", "nombre": "Taller en Huata",
                                                 "fecha": dt.date(2026, 11, 21)}, actor=FACILITADORA, ahora=AHORA)
    assert participacion.anotar_asistencia(db, diagnostico, mujeres + hombres, actor=FACILITADORA, ahora=AHORA) == 8
    assert participacion.anotar_asistencia(db, diagnostico, mujeres[:2], actor=FACILITADORA, ahora=AHORA) == 0
    participacion.anotar_asistencia(db, otro, mujeres + sin_dato, actor=FACILITADORA, ahora=AHORA)
    por_sexo = {f["sexo"]: f["texto"] for f in participacion.conteos(db, 1, ("sexo",), actor=FACILITADORA)
                if f["etapa"] == "diagnostico"}
    # cada persona, una vez: 6 + 2 + 1. Con el total (9) a la vista, 9 − 6 diría que las chicas suman 3: la de 6
    # también se reserva (supresión complementaria)
    assert por_sexo == {"mujer": "reservado", "hombre": "menos de 5", "sin dato": "menos de 5"}
    por_edad = {f["franja_edad"]: f["personas"] for f in participacion.conteos(db, 1, ("franja_edad",),
                                                                                actor=ADMIN) if f["etapa"] == "diagnostico"}
    assert por_edad == {"15_29": None, "30_59": None, "sin dato": None}
    assert participacion.totales(db, 1, actor=FACILITADORA) == {"diagnostico": "9"}
    filas = participacion.conteos(db, 1, tuple(participacion.DIMENSIONES), actor=ADMIN)
    hoja = list(csv.reader(io.StringIO(participacion.como_csv(filas, tuple(participacion.DIMENSIONES), {
        "sexo": participantes.SEXOS, "franja_edad": participantes.FRANJAS_EDAD, "tipo": participantes.TIPOS}))))
    assert hoja[0] == ["Etapa", "Sexo", "Edad", "Distrito", "Tipo de participante", "Personas"]
    assert hoja[1] == ["Diagnóstico", "Mujer", "15 a 29 años (joven)", "021201", "Joven", "reservado"]
    assert all(fila[-1] == "menos de 5" for fila in hoja[2:])
    with pytest.raises(SinPermiso):
        participacion.conteos(db, 1, ("sexo",), actor=EVALUADORA)


@pytest.mark.parametrize("cuentas, esperado", [
    ([6, 6, 4], ["6", "reservado", "menos de 5"]),        # una sola chica: se reserva la visible más chica
    ([9, 5, 2, 1], ["9", "reservado", "menos de 5", "menos de 5"]),  # dos chicas que suman 3: se reserva otra
    ([7, 3, 3], ["7", "menos de 5", "menos de 5"]),        # dos chicas que suman 6: el total no las delata
    ([8, 5], ["8", "5"]),                                  # nada chico, nada reservado
    ([3], ["menos de 5"]),                                 # la etapa entera es chica: también su total
])
def test_ninguna_celda_chica_se_deduce_restando_del_total(cuentas, esperado):
    personas = [{"sexo": f"s{i}"} for i, n in enumerate(cuentas) for _ in range(n)]
    filas = participacion.contar({"diagnostico": personas}, ("sexo",))
    assert [f["texto"] for f in filas] == esperado
    total = participacion.contar({"diagnostico": personas}, ())[0]
    visibles = sum(f["personas"] or 0 for f in filas)
    ocultas = [f for f in filas if f["personas"] is None]
    if total["personas"] is not None and ocultas:  # lo que se deduce restando: lo oculto junto, nunca una celda chica
        assert len(ocultas) >= 2 and total["personas"] - visibles >= participacion.UMBRAL


def test_actividad_y_asistencia_con_datos_malos(db_proceso):
    db = db_proceso
    with pytest.raises(DatosInvalidos) as error:
        participacion.crear_actividad(db, 1, {"etapa": "fiesta", "nombre": "x", "fecha": "31/02/2026"},
                                      actor=FACILITADORA, ahora=AHORA)
    assert [p.campo for p in error.value.problemas] == ["etapa", "nombre", "fecha"]
    actividad = participacion.crear_actividad(db, 1, {"etapa": "rendicion", "nombre": "Audiencia pública",
                                                      "fecha": "2027-03-01"}, actor=FACILITADORA, ahora=AHORA)
    with pytest.raises(DatosInvalidos, match="al menos una persona"):
        participacion.anotar_asistencia(db, actividad, [], actor=FACILITADORA, ahora=AHORA)
    with pytest.raises(NoEncontrada):
        participacion.anotar_asistencia(db, 99, [1], actor=FACILITADORA, ahora=AHORA)
    with pytest.raises(SinPermiso):
        participacion.crear_actividad(db, 1, {"etapa": "rendicion", "nombre": "Otra", "fecha": "2027-03-01"},
                                      actor=EVALUADORA, ahora=AHORA)
    otro = propuestas_servicios.crear_proceso(db, propuestas_servicios.proceso_sugerido("0212", dt.date(2027, 6, 1)),
                                              actor=ADMIN, ahora=AHORA)
    ajena, _ = participantes.registrar_participante(db, otro.id, BASE, actor=FACILITADORA, ahora=AHORA)
    with pytest.raises(SinPermiso, match="no es de este proceso"):
        participacion.anotar_asistencia(db, actividad, [ajena], actor=FACILITADORA, ahora=AHORA)
    assert db.execute("SELECT count(*) FROM asistencias_actividad").fetchone()[0] == 0


def test_la_pagina_registra_actividad_asistencia_y_muestra_la_participacion(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    with nucleo.abrir(base_app) as db:
        personas = _personas(db, 5, sexo="mujer", edad=17)
    app = abrir_pagina("paginas/participacion.py", FACILITADORA)
    assert "Aún no hay actividades" in textos_de(app)
    app.selectbox(key="participacion_etapa").set_value("deliberacion")
    app.text_input(key="participacion_nombre").input("Feria de propuestas en Caraz")
    app.button(key="FormSubmitter:participacion_actividad-Registrar la actividad").click().run()
    assert "Actividad registrada." in textos_de(app) and not errores_de(app)
    app.multiselect(key="participacion_personas").set_value(personas)
    app.button(key="FormSubmitter:participacion_asistencia-Anotar").click().run()
    assert "Asistencia anotada: 5 persona(s) nueva(s)." in textos_de(app)
    assert [m.value for m in app.metric] == ["0", "5", "0", "0"]
    assert any("15 a 29 años (joven)" in str(t.value) for t in app.dataframe)


def test_registrar_en_la_pagina_con_edad_mala_conserva_lo_escrito(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/participantes.py", FACILITADORA)
    app.text_input(key="participante_nombre").input("Elena Quispe")
    app.selectbox(key="participante_tipo").set_value("joven")
    app.selectbox(key="participante_sexo").set_value("mujer")
    app.text_input(key="participante_edad").input("7")
    app.checkbox(key="participante_consentimiento").check()
    app.button(key="FormSubmitter:participantes_nuevo-Registrar y emitir código").click().run()
    assert "Edad: 7 años no es válida" in errores_de(app)
    assert app.text_input(key="participante_nombre").value == "Elena Quispe"
    app.text_input(key="participante_edad").input("19")
    app.button(key="FormSubmitter:participantes_nuevo-Registrar y emitir código").click().run()
    with nucleo.abrir(base_app) as db:
        assert db.execute("SELECT sexo, franja_edad FROM participantes").fetchall() == [("mujer", "15_29")]


def test_la_priorizacion_cuenta_a_quienes_votaron_en_el_taller(db_viables):
    db, codigos = db_viables
    abierta = crear(db)
    votar_muchos(db, abierta, codigos)  # 12 personas de tres distritos (6, 4 y 2)
    por_distrito = {f["ubigeo"]: f["texto"] for f in participacion.conteos(db, 1, ("ubigeo",), actor=ADMIN)
                    if f["etapa"] == "priorizacion"}
    assert por_distrito == {"021201": "6", "021205": "menos de 5", "021208": "menos de 5"}
    assert participacion.totales(db, 1, actor=ADMIN)["priorizacion"] == "12"


# --- quien propone ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cambios, campo, mensaje", [
    ({"proponente_edad": 7}, "proponente_edad", "Edad: 7 años no es válida"),
    ({"proponente_edad": "140"}, "proponente_edad", "Edad: 140 años no es válida"),
    ({"proponente_sexo": "x"}, "proponente_sexo", "Sexo: «x» no es una opción válida."),
    ({"proponente_sexo": "mujer", "proponente_nombre": None, "contacto": None, "consentimiento": False},
     "consentimiento", "hay nombre, contacto, sexo o edad, pero no consta el consentimiento"),
])
def test_sexo_y_edad_de_quien_propone_con_mensajes_claros(cambios, campo, mensaje):
    with pytest.raises(PropuestaInvalida) as error:
        validar_formulario({**DATOS_JOVEN, **cambios}, ejes=("Eje",), consentimiento_previo=False)
    assert any(p.campo == campo and mensaje in p.mensaje for p in error.value.problemas), error.value.problemas


def test_quien_propone_se_guarda_se_ve_en_la_lista_y_se_borra(db_proceso):
    db = db_proceso
    joven = registrar_propuesta(db, {**DATOS_JOVEN, "proponente_sexo": "mujer", "proponente_edad": "22"})
    madres = registrar_propuesta(db, {**DATOS_JOVEN, "titulo": "Cocina comunal del club de madres",
                                      "proponente_tipo": "organizacion", "organizacion": "Club de madres Santa Rosa",
                                      "organizacion_de_mujeres": True, "lat": -9.0, "lon": -77.85})
    guardadas = db.execute("SELECT proponente_sexo, proponente_franja, organizacion_de_mujeres FROM propuestas "
                           "ORDER BY id").fetchall()
    assert guardadas == [("mujer", "15_29", 0), (None, None, 1)]
    quienes = participacion.proponentes(db, 1, actor=FACILITADORA)  # en el informe: «Presentaron propuestas»
    assert sorted((q["sexo"] or "", q["franja_edad"] or "", q["tipo"]) for q in quienes) == [
        ("", "", "organizacion"), ("mujer", "15_29", "joven")]
    assert propuestas_servicios.quien_propone(db, [joven.codigo, madres.codigo]) == {
        joven.codigo: "Juvenil", madres.codigo: "Organización de mujeres"}
    lista = exportar.lista_priorizada(db, 1, actor=ADMIN)
    columnas = dict(lista.columnas)
    assert columnas["organizacion_de_mujeres"] == "Organización de mujeres"
    assert [f["organizacion_de_mujeres"] for f in lista.filas] == ["", "Sí"]
    assert "proponente_sexo" not in columnas  # lo personal no sale en la lista
    datos_personales.borrar(db, ["propuesta:1"], motivo="A pedido de la persona.", actor=ADMIN, ahora=AHORA)
    assert db.execute("SELECT proponente_sexo, proponente_franja FROM propuestas WHERE id = 1").fetchone() == (None,
                                                                                                             None)


def test_el_qr_de_la_puerta_anota_a_quien_entra_con_su_codigo_ese_dia(base_app):
    proceso, _ = proceso_en_fase(base_app, Fase.REGISTRO)
    hoy = propuestas_servicios.fecha_local(nucleo.ahora())
    with nucleo.abrir(base_app) as db:
        votacion_servicios.preparar(db)
        rosa, _ = participantes.registrar_participante(db, proceso.id, BASE, actor=FACILITADORA, ahora=AHORA)
        hoy_id = participacion.crear_actividad(db, proceso.id, {"etapa": "deliberacion", "nombre": "Feria en Caraz",
                                                                "fecha": hoy}, actor=FACILITADORA, ahora=AHORA)
        ayer_id = participacion.crear_actividad(db, proceso.id, {"etapa": "diagnostico", "nombre": "Taller de ayer",
                                                                 "fecha": hoy - dt.timedelta(days=1)},
                                                actor=FACILITADORA, ahora=AHORA)
        with pytest.raises(SinPermiso, match="entre con el código"):
            participacion.marcar_mi_asistencia(db, hoy_id, actor=FACILITADORA, ahora=nucleo.ahora())
    persona = Actor(Rol.PARTICIPANTE, f"participante {rosa}", participante_id=rosa)
    app = abrir_pagina("paginas/entrar.py", persona, actividad=str(hoy_id))
    assert "Asistencia anotada: Feria en Caraz." in textos_de(app)
    app = abrir_pagina("paginas/entrar.py", persona, actividad=str(hoy_id))  # recargar no cuenta doble
    assert "Su asistencia a Feria en Caraz ya estaba anotada." in textos_de(app)
    app = abrir_pagina("paginas/entrar.py", persona, actividad=str(ayer_id))
    assert "por el QR, la asistencia se anota ese día" in errores_de(app)
    with nucleo.abrir(base_app) as db:
        assert db.execute("SELECT actividad_id, participante_id FROM asistencias_actividad").fetchall() == [
            (hoy_id, rosa)]
    equipo = abrir_pagina("paginas/participacion.py", FACILITADORA)
    assert any(f"entrar?actividad={hoy_id}" in str(c.value) for c in equipo.caption)
