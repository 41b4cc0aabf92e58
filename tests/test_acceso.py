"""Roles y permisos, cuentas del equipo, códigos de acceso, datos personales y respaldo."""
import datetime as dt
import itertools
import json
import math
import re
import sqlite3
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

import geo
from geo import cuentas
from geo.acceso import LINEA_DE_COMANDOS, PERMISOS_ROL, PUBLICO, Accion, Actor, Rol, SinPermiso, puede
from geo.cuentas import DemasiadosIntentos, ErrorCuenta, Sesion
from geo.db import listar_eventos, respaldar, restaurar, revisar_respaldo
from propuestas import participantes, servicios
from propuestas.modelo import DatosInvalidos, Estado
from tests.conftest import (ADMIN, AHORA, EVALUADORA, FACILITADORA, HOY_REGISTRO, RAIZ, filas,
                            registrar_propuesta)
from votacion.servicios import MIGRACIONES

CLAVE = "una contraseña larga"
PARTICIPANTE = Actor(Rol.PARTICIPANTE, "participante 1", participante_id=1)


@pytest.mark.parametrize("rol, accion", list(itertools.product(Rol, Accion)),
                         ids=lambda v: v.value if hasattr(v, "value") else v)
def test_la_matriz_de_permisos_es_la_tabla(rol, accion):
    actor = Actor(rol, "x", cuenta_id=1, participante_id=1)
    objeto = type("Propuesta", (), {"participante_id": 1})()
    assert bool(puede(actor, accion, objeto)) is (accion in PERMISOS_ROL[rol])


def test_el_motivo_dice_que_rol_hace_falta():
    permiso = puede(PUBLICO, Accion.EVALUAR)
    assert not permiso and permiso.motivo == ("Para evaluar propuestas hace falta otro rol; usted entró como público.")


def test_solo_el_autor_retira_su_propuesta():
    assert puede(PARTICIPANTE, Accion.RETIRAR_PROPUESTA, type("P", (), {"participante_id": 1})())
    otro = puede(PARTICIPANTE, Accion.RETIRAR_PROPUESTA, type("P", (), {"participante_id": 2})())
    assert not otro and "Solo quien registró" in otro.motivo


def test_proceso_sin_propuestas_anonimas():
    proceso = type("Proceso", (), {"propuestas_anonimas": False})()
    assert not puede(PUBLICO, Accion.PROPONER, proceso) and puede(PARTICIPANTE, Accion.PROPONER, proceso)


def test_los_casos_de_uso_revisan_el_rol_no_solo_las_paginas(db_proceso):
    with pytest.raises(SinPermiso, match="evaluar"):
        servicios.evaluar(db_proceso, "PP27-0001", actor=PUBLICO, puntajes={}, costo_validado=None, viable=None,
                          notas="", ahora=AHORA)
    with pytest.raises(SinPermiso, match="administrar procesos"):
        servicios.crear_proceso(db_proceso, servicios.proceso_sugerido("0212", dt.date(2027, 1, 1)), actor=EVALUADORA,
                                ahora=AHORA)
    registrar_propuesta(db_proceso)
    antes = filas(db_proceso, "transiciones")
    with pytest.raises(SinPermiso, match="admitir"):
        servicios.transicionar(db_proceso, "PP27-0001", Estado.ADMITIDA, actor=PARTICIPANTE, ahora=HOY_REGISTRO)
    with pytest.raises(SinPermiso, match="Solo quien registró"):
        servicios.transicionar(db_proceso, "PP27-0001", Estado.RETIRADA, actor=PARTICIPANTE, motivo="ya no",
                               ahora=HOY_REGISTRO)
    assert filas(db_proceso, "transiciones") == antes


# --- cuentas del equipo -----------------------------------------------------------------------

@pytest.fixture
def con_admin(db):
    cuentas.crear_cuenta(db, usuario="Ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                         actor=LINEA_DE_COMANDOS, ahora=AHORA)
    return db


def test_contrasena_con_argon2_y_nunca_en_claro(con_admin):
    (guardado,) = con_admin.execute("SELECT hash FROM cuentas WHERE usuario = 'ana'").fetchone()
    assert guardado.startswith("$argon2id$") and CLAVE not in guardado
    assert CLAVE not in json.dumps(listar_eventos(con_admin), ensure_ascii=False)


def test_la_primera_cuenta_es_de_administracion(db):
    with pytest.raises(ErrorCuenta, match="primera cuenta debe ser de administración"):
        cuentas.crear_cuenta(db, usuario="eva", nombre="Eva", rol=Rol.EVALUADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)


def test_solo_administracion_crea_cuentas(con_admin):
    with pytest.raises(SinPermiso):
        cuentas.crear_cuenta(con_admin, usuario="eva", nombre="Eva", rol=Rol.EVALUADOR, contrasena=CLAVE,
                             actor=EVALUADORA, ahora=AHORA)


@pytest.mark.parametrize("usuario, contrasena, mensaje", [
    ("eva", "corta", "La contraseña tiene 5 caracteres; use al menos 10."),
    ("eva", "aaaaaaaaaaaa", "repite casi siempre el mismo carácter"),
    ("eva", "eva12345678", "no puede contener el nombre de usuario"),
    ("Eva Luz", CLAVE, "no es válido; use de 3 a 40 letras minúsculas"),
    ("ana", CLAVE, "Ya existe el usuario ana."),
], ids=["corta", "repetida", "con-usuario", "usuario-con-espacio", "repetido"])
def test_datos_de_cuenta_invalidos(con_admin, usuario, contrasena, mensaje):
    with pytest.raises(ErrorCuenta) as error:
        cuentas.crear_cuenta(con_admin, usuario=usuario, nombre="Eva Luz", rol=Rol.EVALUADOR, contrasena=contrasena,
                             actor=ADMIN, ahora=AHORA)
    assert any(mensaje in p.mensaje for p in error.value.problemas)


def test_iniciar_sesion(con_admin):
    sesion = cuentas.iniciar_sesion(con_admin, usuario="ANA ", contrasena=CLAVE, origen="ip:1", ahora=AHORA)
    assert sesion.actor.rol == Rol.ADMINISTRADOR and sesion.actor.etiqueta == "administrador:ana"
    with pytest.raises(ErrorCuenta, match="Usuario o contraseña incorrectos"):
        cuentas.iniciar_sesion(con_admin, usuario="nadie", contrasena=CLAVE, origen="ip:1", ahora=AHORA)


def test_bloqueo_progresivo_tras_cinco_fallos_y_se_guardan_los_fallos(con_admin):
    for intento in range(5):
        with pytest.raises(ErrorCuenta, match="incorrectos"):
            cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena="mala", origen="ip:1", ahora=AHORA)
    with pytest.raises(DemasiadosIntentos, match="bloqueada por intentos fallidos hasta las 10:01"):
        cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=AHORA)
    despues = AHORA + dt.timedelta(minutes=2)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=despues)
    assert con_admin.execute("SELECT fallos FROM cuentas").fetchone()[0] == 0


def test_limite_de_intentos_por_origen(con_admin):
    for _ in range(cuentas.INTENTOS_POR_ORIGEN):
        with pytest.raises(ErrorCuenta):
            cuentas.iniciar_sesion(con_admin, usuario="otro", contrasena="x", origen="ip:9", ahora=AHORA)
    with pytest.raises(DemasiadosIntentos, match="desde este equipo"):
        cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:9", ahora=AHORA)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:8", ahora=AHORA)


def test_la_sesion_vence():
    sesion = Sesion(ADMIN, AHORA, AHORA)
    assert sesion.vencida(AHORA + dt.timedelta(minutes=29)) is None
    assert "30 minutos sin actividad" in sesion.vencida(AHORA + dt.timedelta(minutes=31))
    activa = Sesion(ADMIN, AHORA, AHORA + dt.timedelta(hours=12, minutes=5))
    assert "12 horas" in activa.vencida(AHORA + dt.timedelta(hours=12, minutes=6))


def test_cambiar_contrasena(con_admin):
    ana = cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=AHORA).actor
    with pytest.raises(ErrorCuenta, match="actual no es correcta"):
        cuentas.cambiar_contrasena(con_admin, ana, actual="mala", nueva="otra clave larga", ahora=AHORA)
    cuentas.cambiar_contrasena(con_admin, ana, actual=CLAVE, nueva="otra clave larga", ahora=AHORA)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena="otra clave larga", origen="ip:1", ahora=AHORA)


def test_crear_administrador_por_linea_de_comandos(tmp_path):
    ruta = tmp_path / "p.db"
    orden = [sys.executable, "-m", "geo", "--db", str(ruta), "crear-administrador", "--usuario", "ana", "--nombre",
             "Ana Ríos", "--contrasena-stdin"]
    bien = subprocess.run(orden, input=CLAVE + "\n", capture_output=True, text=True, cwd=RAIZ, timeout=60)
    assert bien.returncode == 0 and "«ana» creada" in bien.stdout
    mal = subprocess.run([*orden[:7], "beto", *orden[8:]], input="corta\n", capture_output=True, text=True, cwd=RAIZ,
                         timeout=60)
    assert mal.returncode == 1 and "use al menos 10" in mal.stderr and "Traceback" not in mal.stderr


# --- participantes y códigos ------------------------------------------------------------------

DATOS_PARTICIPANTE = {"nombre": "Rosa Huamán", "tipo": "joven", "dni": "12345678", "telefono": "987 654 321",
                      "ubigeo": "021201", "consentimiento": True}


def test_codigo_legible_y_de_al_menos_40_bits():
    codigo = participantes.generar_codigo()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", codigo)
    assert not set("01OIL") & set(participantes.ALFABETO)
    assert math.log2(len(participantes.ALFABETO)) * participantes.LARGO_CODIGO >= 40


def test_registrar_participante_y_entrar_con_su_codigo(db_proceso):
    pid, codigo = participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA,
                                                       ahora=AHORA)
    volcado = "\n".join(db_proceso.conn.iterdump())
    assert codigo not in volcado and participantes.normalizar_codigo(codigo) not in volcado
    sesion = participantes.entrar_con_codigo(db_proceso, codigo.lower().replace("-", " "), origen="ip:1", ahora=AHORA)
    assert sesion.actor.participante_id == pid and sesion.actor.rol == Rol.PARTICIPANTE
    assert "12345678" not in json.dumps(listar_eventos(db_proceso), ensure_ascii=False)


def test_consentimiento_y_datos_validados(db_proceso):
    with pytest.raises(DatosInvalidos) as error:
        participantes.registrar_participante(db_proceso, 1, {**DATOS_PARTICIPANTE, "consentimiento": False,
                                                             "dni": "1234", "telefono": "12"},
                                             actor=FACILITADORA, ahora=AHORA)
    assert {p.campo for p in error.value.problemas} == {"consentimiento", "dni", "telefono"}
    assert filas(db_proceso, "participantes") == 0


def test_codigo_revocado_y_reemitido(db_proceso):
    pid, viejo = participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA,
                                                      ahora=AHORA)
    nuevo = participantes.reemitir_codigo(db_proceso, pid, actor=FACILITADORA, ahora=AHORA)
    with pytest.raises(ErrorCuenta, match="no es válido o fue revocado"):
        participantes.entrar_con_codigo(db_proceso, viejo, origen="ip:1", ahora=AHORA)
    assert participantes.entrar_con_codigo(db_proceso, nuevo, origen="ip:1", ahora=AHORA)
    participantes.revocar_codigo(db_proceso, pid, actor=FACILITADORA, ahora=AHORA)
    with pytest.raises(ErrorCuenta):
        participantes.entrar_con_codigo(db_proceso, nuevo, origen="ip:1", ahora=AHORA)


def test_adivinar_codigos_se_frena(db_proceso):
    participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA, ahora=AHORA)
    for _ in range(cuentas.INTENTOS_POR_ORIGEN):
        with pytest.raises(ErrorCuenta):
            participantes.entrar_con_codigo(db_proceso, participantes.generar_codigo(), origen="ip:6", ahora=AHORA)
    with pytest.raises(DemasiadosIntentos, match="espere hasta las"):
        participantes.entrar_con_codigo(db_proceso, participantes.generar_codigo(), origen="ip:6", ahora=AHORA)


def test_dni_enmascarado_para_facilitacion_y_completo_para_administracion(db_proceso):
    participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA, ahora=AHORA)
    assert participantes.listar_participantes(db_proceso, 1, actor=FACILITADORA)[0]["dni"] == "••••••78"
    assert participantes.listar_participantes(db_proceso, 1, actor=ADMIN)[0]["dni"] == "12345678"
    with pytest.raises(SinPermiso):
        participantes.exportar_datos_personales(db_proceso, 1, actor=FACILITADORA)


def test_exportar_y_borrar_datos_personales(db_proceso):
    pid, codigo = participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA,
                                                       ahora=AHORA)
    autora = participantes.entrar_con_codigo(db_proceso, codigo, origen="ip:1", ahora=AHORA).actor
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=autora, ahora=HOY_REGISTRO)
    from tests.conftest import DATOS_JOVEN
    servicios.guardar_borrador(db_proceso, clave, DATOS_JOVEN, ahora=HOY_REGISTRO)
    servicios.registrar(db_proceso, clave, actor=autora, ahora=HOY_REGISTRO)
    exportado = participantes.exportar_datos_personales(db_proceso, pid, actor=ADMIN)
    assert exportado["participante"]["dni"] == "12345678" and exportado["propuestas"][0]["codigo"] == "PP27-0001"
    participantes.borrar_datos_personales(db_proceso, pid, actor=ADMIN, ahora=AHORA)
    volcado = "\n".join(db_proceso.conn.iterdump())
    assert "12345678" not in volcado and "987654321" not in volcado and "Rosa Huamán" not in volcado
    ficha = servicios.obtener(db_proceso, "PP27-0001")
    assert ficha.propuesta.proponente_nombre == f"Participante {pid}" and ficha.propuesta.estado == Estado.REGISTRADA
    with pytest.raises(ErrorCuenta):
        participantes.entrar_con_codigo(db_proceso, codigo, origen="ip:1", ahora=AHORA)


def test_tarjetas_pdf_ocho_por_hoja():
    tarjetas = [(f"Persona {i} Ñuñoa ✨", participantes.generar_codigo()) for i in range(9)]
    pdf = participantes.tarjetas_pdf(tarjetas, proceso="PP 2027", url_base="http://192.168.1.10:8501")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + \
        pdf.count(b"/Type /Page ") >= 2


# --- páginas: por URL sin el rol, solo el motivo ------------------------------------------------

PAGINAS_RESTRINGIDAS = {"paginas/evaluar.py": "admitir", "paginas/procesos.py": "administrar procesos",
                        "paginas/territorio.py": "importar el territorio", "paginas/cuentas.py": "gestionar cuentas",
                        "paginas/respaldo.py": "respaldar", "paginas/participantes.py": "registrar participantes"}


@pytest.mark.parametrize("actor", [None, PARTICIPANTE, EVALUADORA], ids=["publico", "participante", "evaluadora"])
@pytest.mark.parametrize("pagina", list(PAGINAS_RESTRINGIDAS))
def test_pagina_restringida_por_url_muestra_solo_el_motivo(tmp_path, monkeypatch, pagina, actor):
    monkeypatch.setenv("PLATAFORMA_DB", str(tmp_path / "p.db"))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    if actor:
        app.session_state["sesion"] = Sesion(actor, geo.ahora(), geo.ahora())
    app.run()
    app.switch_page(pagina).run()
    if actor == EVALUADORA and pagina == "paginas/evaluar.py":
        assert app.title[0].value == "Evaluación técnica"
        return
    assert [t.value for t in app.title] == ["Sin acceso"]
    assert PAGINAS_RESTRINGIDAS[pagina] in app.error[0].value
    assert not app.dataframe and not app.text_input and not app.button


# --- respaldo ---------------------------------------------------------------------------------

def test_respaldo_y_restauracion_dejan_los_mismos_datos(db_proceso, tmp_path):
    vivo = geo.abrir(tmp_path / "vivo.db")
    db_proceso.conn.backup(vivo.conn)
    registrar_propuesta(vivo)
    copia = respaldar(vivo, tmp_path / "respaldo.db")
    assert revisar_respaldo(copia, MIGRACIONES) == []
    registrar_propuesta(vivo)
    assert filas(vivo, "propuestas") == 2
    restaurar(vivo, copia, copia_previa=tmp_path / "previa.db", migraciones=MIGRACIONES)
    assert filas(vivo, "propuestas") == 1 and vivo.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert filas(geo.abrir(tmp_path / "previa.db"), "propuestas") == 2


@pytest.mark.parametrize("contenido, mensaje", [
    (b"no soy una base", "no es una base SQLite"),
    (None, "no de esta plataforma"),
], ids=["texto", "otra-base"])
def test_restaurar_un_archivo_ajeno_no_cambia_nada(db_proceso, tmp_path, contenido, mensaje):
    ajeno = tmp_path / "ajeno.db"
    if contenido is None:
        sqlite3.connect(ajeno).execute("CREATE TABLE x (a)").connection.commit()
    else:
        ajeno.write_bytes(contenido)
    vivo = geo.abrir(tmp_path / "vivo.db")
    db_proceso.conn.backup(vivo.conn)
    antes = filas(vivo, "eventos")
    with pytest.raises(geo.ErrorAlmacen, match=mensaje):
        restaurar(vivo, ajeno, copia_previa=tmp_path / "previa.db", migraciones=MIGRACIONES)
    assert filas(vivo, "eventos") == antes


def test_respaldo_por_linea_de_comandos(db_proceso, tmp_path):
    vivo = tmp_path / "vivo.db"
    with geo.abrir(vivo) as base:
        db_proceso.conn.backup(base.conn)
    resultado = subprocess.run([sys.executable, "-m", "geo", "--db", str(vivo), "respaldar", str(tmp_path / "r.db")],
                               capture_output=True, text=True, cwd=RAIZ, timeout=60)
    assert resultado.returncode == 0 and revisar_respaldo(tmp_path / "r.db", MIGRACIONES) == []
    restaurado = subprocess.run([sys.executable, "-m", "geo", "--db", str(vivo), "restaurar", str(tmp_path / "r.db")],
                                capture_output=True, text=True, cwd=RAIZ, timeout=60)
    assert restaurado.returncode == 0 and "Copia de la base anterior" in restaurado.stdout
