"""Ley 29733 para todas las personas que dan sus datos: encontrarlas en participantes y propuestas (también las del
formulario público y los borradores), entregarles lo que hay (JSON y PDF) y borrarlo. Después del borrado, ninguna
página, exportación ni respaldo lleva su celular; ni siquiera los bytes del archivo de la base."""
import datetime as dt
import json

import pytest

import nucleo
from identidad import cuentas, participantes, respaldo
from identidad.acceso import Rol, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos
from propuestas import datos_personales, servicios
from propuestas.modelo import Fase
from tests.ayudas import AHORA_VOTO, abrir_pagina, en_acta, errores_de, proceso_en_fase, propuesta_en, textos_de
from tests.conftest import ADMIN, FACILITADORA, abrir_sesion
from votacion import conservacion, exportar

CELULAR_ROSA = "987111222"
CORREO_ANA = "ana.quispe@correo.pe"
ROSA = {"nombre": "Rosa Huamán Flores", "tipo": "joven", "ubigeo": "021201", "dni": "45678901",
        "telefono": CELULAR_ROSA, "consentimiento": True}


@pytest.fixture
def base(base_app):
    """Una participante registrada (Rosa) que además propuso desde el formulario público con el mismo celular, y
    otra persona (Ana) que propuso con su correo; y un borrador sin enviar de Rosa."""
    proceso, momento = proceso_en_fase(base_app, Fase.REGISTRO)
    with nucleo.abrir(base_app) as db:
        rosa, _ = participantes.registrar_participante(db, proceso.id, ROSA, actor=ADMIN, ahora=momento)
    propuesta_en(base_app, momento, proponente_nombre="Rosa Huaman", contacto=CELULAR_ROSA)
    propuesta_en(base_app, momento, titulo="Canal de riego para Huata", proponente_nombre="Ana Quispe",
                 contacto=CORREO_ANA, lat=-9.0, lon=-77.85)
    with nucleo.abrir(base_app) as db:
        clave = servicios.crear_borrador(db, proceso.id, actor=ADMIN, ahora=momento)
        servicios.guardar_borrador(db, clave, {"titulo": "Posta", "proponente_nombre": "Rosa Huamán",
                                               "contacto": "987 111 222"}, ahora=momento)
    return base_app, rosa


def test_busca_a_la_persona_en_todas_partes_sin_tildes_ni_espacios(base):
    ruta, rosa = base
    with nucleo.abrir(ruta) as db:
        por_celular = datos_personales.buscar(db, "+51 987 111 222", actor=ADMIN)
        por_nombre = datos_personales.buscar(db, "rosa HUAMAN", actor=ADMIN)
        por_correo = datos_personales.buscar(db, "Ana.Quispe@correo.pe", actor=ADMIN)
        por_dni = datos_personales.buscar(db, "45678901", actor=ADMIN)
        with pytest.raises(DatosInvalidos, match="al menos 3 letras"):
            datos_personales.buscar(db, "ro", actor=ADMIN)
        with pytest.raises(SinPermiso):
            datos_personales.buscar(db, "Rosa", actor=FACILITADORA)
    assert [r.clave for r in por_celular.registros] == [f"participante:{rosa}", "propuesta:1", "propuesta:3"]
    assert [r.clave for r in por_nombre.registros] == [f"participante:{rosa}", "propuesta:1", "propuesta:3"]
    assert "Borrador sin enviar «Posta»" in por_nombre.registros[2].descripcion
    assert [r.clave for r in por_correo.registros] == ["propuesta:2"]
    assert [r.clave for r in por_dni.registros] == [f"participante:{rosa}"]


def test_exporta_lo_que_hay_en_json_y_pdf_y_lo_anota(base):
    ruta, rosa = base
    with nucleo.abrir(ruta) as db:
        datos = datos_personales.exportar(db, [f"participante:{rosa}", "propuesta:1"], actor=ADMIN,
                                          ahora=nucleo.ahora())
        evento = listar_eventos(db, limite=1)[0]
    texto = json.loads(datos_personales.como_json(datos))
    assert texto["participantes"][0]["participante"]["telefono"] == CELULAR_ROSA
    assert texto["propuestas"][0]["contacto"] == CELULAR_ROSA and texto["propuestas"][0]["consentimiento_en"]
    assert datos_personales.como_pdf(datos, autor="MCLCP").startswith(b"%PDF")
    assert (evento["accion"], evento["despues"]) == ("exportar_datos_personales",
                                                     {"registros": [f"participante:{rosa}", "propuesta:1"]})
    assert CELULAR_ROSA not in json.dumps(evento)


def test_tras_borrar_ninguna_pagina_exportacion_ni_respaldo_lleva_su_celular(base, tmp_path):
    ruta, rosa = base
    with nucleo.abrir(ruta) as db:
        registros = [r.clave for r in datos_personales.buscar(db, CELULAR_ROSA, actor=ADMIN).registros]
        assert datos_personales.borrar(db, registros, motivo="A pedido de la persona, carta del 3/12.",
                                       actor=ADMIN, ahora=nucleo.ahora()) == 3
        assert datos_personales.buscar(db, CELULAR_ROSA, actor=ADMIN).registros == []
        fila = dict(next(db["propuestas"].rows_where("id = 1")))
        assert (fila["proponente_nombre"], fila["contacto"], fila["borrador"]) == ("dato eliminado", None, None)
        assert fila["titulo"] == "Losa deportiva para Cashapampa" and fila["datos_borrados_en"]
        lista = exportar.lista_priorizada(db, 1, actor=ADMIN, con_datos_personales=True)
        copia = respaldo.respaldar(db, tmp_path / "respaldo.db", actor=ADMIN, ahora=nucleo.ahora())
        eventos = listar_eventos(db, limite=4)
    assert [e["accion"] for e in eventos] == ["descargar_respaldo", *["borrar_datos_personales"] * 3]
    assert CELULAR_ROSA not in json.dumps(lista.filas, default=str)
    for archivo in (copia, ruta):
        contenido = archivo.read_bytes()
        assert CELULAR_ROSA.encode() not in contenido and "Huamán".encode() not in contenido, archivo
        assert b"45678901" not in contenido
    assert CORREO_ANA.encode() in ruta.read_bytes()  # lo de otra persona sigue
    ficha = abrir_pagina("paginas/propuestas.py", ADMIN, propuesta="PP27-0001")
    assert "dato eliminado" in textos_de(ficha)
    for pagina in ("paginas/participantes.py", "paginas/propuestas.py", "paginas/datos_personales.py"):
        app = abrir_pagina(pagina, ADMIN)
        visible = textos_de(app) + json.dumps([str(t.value) for t in app.dataframe])
        assert CELULAR_ROSA not in visible and "Huamán" not in visible, pagina


def test_quien_es_tambien_cuenta_activa_del_equipo_no_se_borra_hasta_desactivarla(base):
    ruta, rosa = base
    abrir_sesion(ruta, ADMIN)  # la primera cuenta, de administración
    with nucleo.abrir(ruta) as db:
        cuentas.crear_cuenta(db, usuario="rhuaman", nombre="Rosa Huamán Flores", rol=Rol.EVALUADOR,
                             contrasena="Subimos al Alpamayo en 2019 con 3 cóndores", actor=ADMIN, ahora=nucleo.ahora())
        busqueda = datos_personales.buscar(db, "Rosa Huamán", actor=ADMIN)
        assert [c["usuario"] for c in busqueda.cuentas] == ["rhuaman"]
        antes = listar_eventos(db, limite=1)[0]["id"]
        with pytest.raises(DatosInvalidos, match="cuenta activa del equipo .*«rhuaman».*No se borró nada"):
            datos_personales.borrar(db, [f"participante:{rosa}"], motivo="A pedido de la persona.", actor=ADMIN,
                                    ahora=nucleo.ahora())
        assert listar_eventos(db, limite=1)[0]["id"] == antes
        assert dict(next(db["participantes"].rows_where("id = ?", [rosa])))["telefono"] == CELULAR_ROSA
        cuenta_id = db.execute("SELECT id FROM cuentas WHERE usuario = 'rhuaman'").fetchone()[0]
        cuentas.desactivar_cuenta(db, cuenta_id, actor=ADMIN, ahora=nucleo.ahora())
        datos_personales.borrar(db, [f"participante:{rosa}"], motivo="A pedido de la persona.", actor=ADMIN,
                                ahora=nucleo.ahora())
        assert dict(next(db["participantes"].rows_where("id = ?", [rosa])))["telefono"] is None


def test_borrar_pide_motivo_y_registros_validos(base):
    ruta, rosa = base
    with nucleo.abrir(ruta) as db:
        with pytest.raises(DatosInvalidos, match="motivo"):
            datos_personales.borrar(db, ["propuesta:1"], motivo=" ", actor=ADMIN, ahora=nucleo.ahora())
        with pytest.raises(DatosInvalidos, match="no es un registro"):
            datos_personales.borrar(db, ["cuenta:1"], motivo="A pedido.", actor=ADMIN, ahora=nucleo.ahora())
        with pytest.raises(SinPermiso):
            datos_personales.borrar(db, ["propuesta:1"], motivo="A pedido.", actor=FACILITADORA, ahora=nucleo.ahora())
        assert dict(next(db["propuestas"].rows_where("id = 1")))["contacto"] == CELULAR_ROSA


def test_la_pagina_busca_exporta_y_borra(base, tmp_path):
    """De punta a punta por las páginas: registrar con consentimiento, encontrar, exportar, borrar; después, el
    celular no está en ninguna página, exportación ni respaldo."""
    ruta, _ = base
    registro = abrir_pagina("paginas/participantes.py", ADMIN)
    assert "se borran según la regla de conservación" in textos_de(registro)  # el aviso de para qué
    registro.text_input(key="participante_nombre").input("Ana Quispe")
    registro.selectbox(key="participante_tipo").set_value("joven")
    registro.text_input(key="participante_telefono").input("955 444 333")
    registro.button(key="FormSubmitter:participantes_nuevo-Registrar y emitir código").click().run()
    assert "consentimiento" in errores_de(registro) and registro.text_input(key="participante_nombre").value
    registro.checkbox(key="participante_consentimiento").check()
    registro.button(key="FormSubmitter:participantes_nuevo-Registrar y emitir código").click().run()
    assert not registro.exception and not errores_de(registro)
    app = abrir_pagina("paginas/datos_personales.py", ADMIN)
    app.text_input(key="datos_texto").input("Ana Quispe")
    app.button(key="FormSubmitter:datos_buscar-Buscar").click().run()
    assert "Dónde aparece «Ana Quispe» (2)" in textos_de(app)  # su registro y su propuesta con correo
    app.button(key="datos_exportar").click().run()
    assert not app.exception and "entréguelos solo a la persona titular" in textos_de(app)
    exportado = json.loads(app.session_state["datos_exportado"][0])
    assert exportado["participantes"][0]["participante"]["telefono"] == "955444333"
    assert exportado["propuestas"][0]["contacto"] == CORREO_ANA
    app.text_input(key="datos_motivo").input("A pedido de la persona.")
    app.button(key="FormSubmitter:datos_borrar-Borrar sus datos").click().run()
    assert "Marque «Entiendo que no se puede deshacer»" in errores_de(app)
    app.text_input(key="datos_motivo").input("A pedido de la persona.")
    app.checkbox(key="datos_seguro").check()
    app.button(key="FormSubmitter:datos_borrar-Borrar sus datos").click().run()
    assert "Se borraron los datos personales de 2 registro(s)." in textos_de(app)
    with nucleo.abrir(ruta) as db:
        assert dict(next(db["propuestas"].rows_where("id = 2")))["contacto"] is None
        lista = exportar.lista_priorizada(db, 1, actor=ADMIN, con_datos_personales=True)
        copia = respaldo.respaldar(db, tmp_path / "respaldo.db", actor=ADMIN, ahora=nucleo.ahora())
    assert "955444333" not in json.dumps(lista.filas, default=str) and CORREO_ANA not in json.dumps(lista.filas, default=str)
    for archivo in (copia, ruta):
        assert b"955444333" not in archivo.read_bytes() and CORREO_ANA.encode() not in archivo.read_bytes()
    for pagina in ("paginas/participantes.py", "paginas/propuestas.py", "paginas/datos_personales.py"):
        visible = textos_de(abrir_pagina(pagina, ADMIN))
        assert "955" not in visible and "Ana Quispe" not in visible, pagina
    assert "hace falta otro rol" in textos_de(abrir_pagina("paginas/datos_personales.py", FACILITADORA))


# --- regla de conservación ------------------------------------------------------------------------------------

def test_la_regla_de_conservacion_borra_contactos_n_meses_despues_del_acta(db_viables):
    db, codigos = db_viables
    proceso_id = db.execute("SELECT proceso_id FROM propuestas LIMIT 1").fetchone()[0]
    participantes.registrar_participante(db, proceso_id, {**ROSA, "telefono": "912000111"}, actor=ADMIN,
                                         ahora=AHORA_VOTO)
    assert conservacion.reglas(db, actor=ADMIN)[0].estado(AHORA_VOTO.date()) == "Sin regla"
    for malo in (0, 121, "12", 1.5):
        with pytest.raises(DatosInvalidos, match="de 1 a 120"):
            datos_personales.fijar_conservacion(db, proceso_id, malo, actor=ADMIN, ahora=AHORA_VOTO)
    with pytest.raises(SinPermiso):
        datos_personales.fijar_conservacion(db, proceso_id, 6, actor=FACILITADORA, ahora=AHORA_VOTO)
    datos_personales.fijar_conservacion(db, proceso_id, 6, actor=ADMIN, ahora=AHORA_VOTO)
    regla = conservacion.reglas(db, actor=ADMIN)[0]
    assert (regla.meses, regla.estado(AHORA_VOTO.date())) == (6, "Espera el acta firmada")
    assert regla.pendientes >= 7  # las 6 propuestas con su contacto y el celular de la participante
    en_acta(db, codigos)
    regla = conservacion.reglas(db, actor=ADMIN)[0]
    assert regla.vence == conservacion.sumar_meses(AHORA_VOTO.date(), 6) and regla.estado(AHORA_VOTO.date()) == "Al día"
    assert conservacion.aplicar(db, actor=ADMIN, ahora=AHORA_VOTO) == []  # aún no vence: no borra nada
    despues = dt.datetime.combine(regla.vence, dt.time(15), tzinfo=dt.timezone.utc)
    hechas = conservacion.aplicar(db, actor=ADMIN, ahora=despues)
    assert [(r.proceso_id, n) for r, n in hechas] == [(proceso_id, regla.pendientes)]
    assert conservacion.reglas(db, actor=ADMIN)[0].estado(despues.date()) == "Nada que borrar"
    assert db.execute("SELECT count(*) FROM propuestas WHERE contacto IS NOT NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM participantes WHERE telefono IS NOT NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM propuestas WHERE proponente_nombre IS NULL").fetchone()[0] == 0
    assert listar_eventos(db, limite=1)[0]["accion"] == "borrar_contactos_del_proceso"


@pytest.mark.parametrize("fecha, meses, vence", [("2027-01-31", 1, "2027-02-28"), ("2026-12-15", 13, "2028-01-15"),
                                                 ("2028-02-29", 12, "2029-02-28")])
def test_sumar_meses_cae_en_el_ultimo_dia_si_el_mes_es_corto(fecha, meses, vence):
    assert conservacion.sumar_meses(dt.date.fromisoformat(fecha), meses) == dt.date.fromisoformat(vence)


def test_las_direcciones_de_red_viejas_se_olvidan_y_las_recientes_siguen_frenando(db_viables):
    """Intentos de acceso y reportes de quien no entró guardan la dirección de red solo para frenar el abuso; a los
    90 días se olvida (la fila queda) y el evento lo dice."""
    from identidad.acceso import PUBLICO
    from propuestas.deliberacion import servicios as deliberacion

    db, codigos = db_viables
    propuesta_id = db.execute("SELECT id FROM propuestas WHERE codigo = ?", [codigos[0]]).fetchone()[0]
    viejo, hoy = AHORA_VOTO - dt.timedelta(days=120), AHORA_VOTO
    with nucleo.escritura(db):
        cuentas.anotar_intento(db, "10.0.0.7", "codigo", False, viejo)
        cuentas.anotar_intento(db, "10.0.0.8", "codigo", False, hoy)
    assert deliberacion.reportar(db, "propuesta", propuesta_id, "spam", actor=PUBLICO, origen="10.0.0.7", ahora=viejo)
    with pytest.raises(SinPermiso):
        conservacion.olvidar_direcciones(db, actor=FACILITADORA, ahora=hoy)
    assert conservacion.olvidar_direcciones(db, actor=ADMIN, ahora=hoy) == 2
    assert [f[0] for f in db.execute("SELECT origen FROM intentos_acceso ORDER BY id")] == ["olvidado", "10.0.0.8"]
    assert db.execute("SELECT origen, reportado_por, categoria FROM reportes").fetchall() == [
        ("publico:olvidado", "publico:olvidado", "spam")]
    evento = listar_eventos(db, limite=1)[0]
    assert evento["accion"] == "olvidar_direcciones" and evento["despues"]["registros"] == 2
    assert conservacion.olvidar_direcciones(db, actor=ADMIN, ahora=hoy) == 0  # dos veces no hace nada
