"""Roles y permisos, cuentas del equipo, códigos de acceso, datos personales y respaldo."""
import ast
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

import nucleo
from identidad import cuentas, participantes, sesiones
from identidad.acceso import LINEA_DE_COMANDOS, PERMISOS_ROL, PUBLICO, Accion, Actor, Rol, SinPermiso, puede
from identidad.cuentas import DemasiadosIntentos, ErrorCuenta
from identidad.sesiones import SesionTerminada
from nucleo.db import listar_eventos, respaldar, restaurar, revisar_respaldo
from nucleo.errores import DatosInvalidos
from propuestas import datos_personales, servicios
from propuestas.modelo import Estado
from tests.conftest import (
    ADMIN,
    AHORA,
    EVALUADORA,
    FACILITADORA,
    HOY_REGISTRO,
    RAIZ,
    abrir_sesion,
    filas,
    registrar_propuesta,
    texto_de_pdf,
)
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


def test_esperas_crecientes_por_cuenta_y_origen_que_los_golpes_no_alargan(con_admin):
    for intento in range(5):
        with pytest.raises(ErrorCuenta, match="incorrectos"):
            cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena="mala", origen="ip:1", ahora=AHORA)
    for segundos in (0, 20, 40, 59):  # rechazados sin verificar: no cuentan ni alargan la espera
        with pytest.raises(DemasiadosIntentos, match="vuelva a intentar a las 10:01"):
            cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1",
                                   ahora=AHORA + dt.timedelta(seconds=segundos))
    minuto = AHORA + dt.timedelta(minutes=1)
    with pytest.raises(ErrorCuenta, match="incorrectos"):  # el sexto fallo: ahora espera 2 minutos
        cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena="mala", origen="ip:1", ahora=minuto)
    with pytest.raises(DemasiadosIntentos, match="a las 10:03"):
        cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=minuto)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1",
                                  ahora=minuto + dt.timedelta(minutes=2))
    assert filas(con_admin, "intentos_acceso") == 7  # 6 fallos y el ingreso; los rechazados no se anotan


def test_los_fallos_de_un_extrano_no_dejan_afuera_a_la_duena(con_admin):
    """Antes: 11 pedidos desde cualquier parte bloqueaban la cuenta de administración una hora."""
    previa = cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=AHORA)
    for segundos in range(11):
        with pytest.raises(ErrorCuenta):
            cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=f"mala {segundos}", origen="ip:66",
                                   ahora=AHORA + dt.timedelta(seconds=segundos))
    luego = AHORA + dt.timedelta(seconds=30)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=luego)
    # desde la misma red que el extraño, el navegador con que ya entró (su cookie) también entra
    with pytest.raises(DemasiadosIntentos):
        cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:66", ahora=luego)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:66", ahora=luego,
                                  cookie_previa=previa.token)


def test_limite_de_intentos_por_origen(con_admin):
    for numero in range(cuentas.INTENTOS_POR_ORIGEN):  # probar muchos usuarios desde un mismo origen
        with pytest.raises(ErrorCuenta):
            cuentas.iniciar_sesion(con_admin, usuario=f"otro{numero}", contrasena="x", origen="ip:9", ahora=AHORA)
    with pytest.raises(DemasiadosIntentos, match="desde este equipo"):
        cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:9", ahora=AHORA)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:8", ahora=AHORA)


def test_cambiar_contrasena_cierra_las_otras_sesiones_de_la_cuenta(con_admin):
    otra = cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:2", ahora=AHORA)
    ana = cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=AHORA).actor
    with pytest.raises(ErrorCuenta, match="actual no es correcta"):
        cuentas.cambiar_contrasena(con_admin, actor=ana, actual="mala", nueva="otra clave larga", ahora=AHORA)
    cuentas.cambiar_contrasena(con_admin, actor=ana, actual=CLAVE, nueva="otra clave larga", ahora=AHORA)
    assert cuentas.iniciar_sesion(con_admin, usuario="ana", contrasena="otra clave larga", origen="ip:1", ahora=AHORA)
    with pytest.raises(SesionTerminada, match="contraseña de su cuenta cambió"):
        sesiones.revisar(con_admin, otra.token, ahora=AHORA)
    sesiones.exigir_vigente(con_admin, ana, ahora=AHORA)  # la de quien la cambió sigue


@pytest.mark.parametrize("contrasena, motivo", [
    ("1234567890", "contraseñas más usadas"),
    ("qwertyuiop", "contraseñas más usadas"),
    ("asdfghjkl;", "fila o un dibujo del teclado"),
    ("zaq12wsxcde", "contraseñas más usadas"),
    ("abcdabcdabcd", "repite caracteres o grupos"),
    ("huaylas2027", "palabras de esta plataforma y del lugar"),
    ("contraseña123", "palabras de esta plataforma y del lugar"),
    ("quispe.1990", "usa su nombre"),
], ids=["numeros", "teclado-qwerty", "teclado-asdf", "teclado-diagonal", "repeticion", "lugar", "contrasena",
        "su-nombre"])
def test_contrasenas_comunes_o_triviales_se_rechazan_con_el_motivo(con_admin, contrasena, motivo):
    with pytest.raises(ErrorCuenta) as error:
        cuentas.crear_cuenta(con_admin, usuario="eva", nombre="Eva Luz Quispe", rol=Rol.EVALUADOR,
                             contrasena=contrasena, actor=ADMIN, ahora=AHORA)
    mensajes = " ".join(p.mensaje for p in error.value.problemas)
    assert "fácil de adivinar" in mensajes and motivo in mensajes
    assert filas(con_admin, "cuentas") == 1


def test_una_frase_larga_se_acepta(con_admin):
    assert cuentas.crear_cuenta(con_admin, usuario="eva", nombre="Eva Luz", rol=Rol.EVALUADOR,
                                contrasena="tres llamas suben al cerro", actor=ADMIN, ahora=AHORA)


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


@pytest.mark.parametrize("ip, reenviado, proxies, origen", [
    (None, [], set(), "local"),
    ("::ffff:127.0.0.1", [], set(), "local"),
    ("10.0.0.7", [], set(), "ip:10.0.0.7"),
    ("::ffff:10.0.0.7", [], set(), "ip:10.0.0.7"),
    ("8.8.8.8", ["8.8.8.8"], set(), "reenviado-sin-proxy"),  # uvicorn ya la creyó desde 127.0.0.1: nosotros no
    ("1.2.3.4", ["9.9.9.9, 1.2.3.4"], set(), "reenviado-sin-proxy"),
    (None, ["10.0.0.9"], {"127.0.0.1"}, "ip:10.0.0.9"),
    ("10.0.0.9", ["6.6.6.6, 10.0.0.9, 127.0.0.1"], {"127.0.0.1"}, "ip:10.0.0.9"),
    (None, ["127.0.0.1"], {"127.0.0.1"}, "ip:proxy"),
], ids=["esta-computadora", "esta-computadora-ipv6", "celular", "celular-ipv6", "cabecera-inventada",
        "cabecera-inventada-varias", "proxy-declarado", "proxy-declarado-ultima-ajena", "solo-el-proxy"])
def test_origen_del_pedido(ip, reenviado, proxies, origen):
    assert cuentas.origen_del_pedido(ip, reenviado, proxies) == origen


def test_adivinar_codigos_se_frena_aunque_se_invente_un_origen_por_intento(db_proceso):
    """Antes: cada websocket sin IP y cada `X-Forwarded-For` inventado era un origen nuevo, sin límite."""
    _, codigo = participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA,
                                                     ahora=AHORA)
    for numero in range(cuentas.INTENTOS_POR_ORIGEN):
        origen = cuentas.origen_del_pedido("127.0.0.1", [f"10.9.{numero}.1"], set())
        with pytest.raises(ErrorCuenta, match="no es válido"):
            participantes.entrar_con_codigo(db_proceso, participantes.generar_codigo(), origen=origen, ahora=AHORA)
    for inventado in ("10.9.99.1", "10.9.99.2"):
        with pytest.raises(DemasiadosIntentos, match="espere hasta las"):
            participantes.entrar_con_codigo(db_proceso, participantes.generar_codigo(), ahora=AHORA,
                                            origen=cuentas.origen_del_pedido("127.0.0.1", [inventado], set()))
    # quien no inventa nada (otro celular de la red) entra con su código válido
    assert participantes.entrar_con_codigo(db_proceso, codigo, origen=cuentas.origen_del_pedido("10.0.0.7", [], set()),
                                           ahora=AHORA)


def test_300_codigos_malos_no_dejan_afuera_a_nadie_con_un_codigo_bueno(db_proceso):
    """Antes: 300 fallos en 15 minutos (de donde fuera) cerraban la entrada a todos los participantes."""
    _, codigo = participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA,
                                                     ahora=AHORA)
    for numero in range(300):
        with pytest.raises(ErrorCuenta):
            participantes.entrar_con_codigo(db_proceso, participantes.generar_codigo(), origen=f"ip:10.1.{numero}.1",
                                            ahora=AHORA + dt.timedelta(seconds=numero))
    sesion = participantes.entrar_con_codigo(db_proceso, codigo, origen="ip:10.0.0.7",
                                             ahora=AHORA + dt.timedelta(seconds=300))
    assert sesion.actor.participante_id == 1 and sesion.token


def test_los_codigos_resisten_adivinar():
    """31¹⁰ códigos posibles; con 20 fallos por origen cada 15 minutos, 250 orígenes y 1 000 códigos vigentes,
    llegar a una chance de 1 en 2 toma miles de años."""
    posibles = len(participantes.ALFABETO) ** participantes.LARGO_CODIGO
    intentos_por_dia = 250 * cuentas.INTENTOS_POR_ORIGEN * (24 * 60 / 15)
    anios = math.log(2) / (intentos_por_dia * 1_000 / posibles) / 365
    assert posibles > 8e14 and anios > 1_000


# --- tarjetas: emitir un código nuevo no invalida las otras; reimprimir las no usadas ---------

def test_emitir_un_codigo_nuevo_no_invalida_las_tarjetas_de_otros_y_las_no_usadas_se_reimprimen(db_proceso):
    emitidas = {}
    for nombre in ("Rosa Huamán", "Juan Quispe", "Ana Flores"):
        pid, codigo = participantes.registrar_participante(db_proceso, 1, {**DATOS_PARTICIPANTE, "nombre": nombre,
                                                                           "dni": None}, actor=FACILITADORA, ahora=AHORA)
        emitidas[pid] = (nombre, codigo)
    nuevo = participantes.reemitir_codigo(db_proceso, 2, actor=FACILITADORA, ahora=AHORA)
    sin_usar = participantes.tarjetas_sin_usar(db_proceso, 1, actor=FACILITADORA)
    assert sin_usar == [emitidas[1], ("Juan Quispe", nuevo), emitidas[3]]  # las mismas, salvo la reemitida
    assert participantes.tarjetas_sin_usar(db_proceso, 1, actor=FACILITADORA, participantes=[3]) == [emitidas[3]]
    participantes.entrar_con_codigo(db_proceso, emitidas[1][1], origen="ip:1", ahora=AHORA)
    assert participantes.entrar_con_codigo(db_proceso, emitidas[3][1], origen="ip:1", ahora=AHORA)
    assert participantes.tarjetas_sin_usar(db_proceso, 1, actor=FACILITADORA) == [("Juan Quispe", nuevo)]
    volcado = "\n".join(db_proceso.conn.iterdump())
    assert not any(participantes.normalizar_codigo(c) in volcado for _, c in emitidas.values())
    with pytest.raises(SinPermiso):
        participantes.tarjetas_sin_usar(db_proceso, 1, actor=EVALUADORA)


def test_dni_enmascarado_para_facilitacion_y_completo_para_administracion(db_proceso):
    participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA, ahora=AHORA)
    assert participantes.listar_participantes(db_proceso, 1, actor=FACILITADORA)[0]["dni"] == "••••••78"
    assert participantes.listar_participantes(db_proceso, 1, actor=ADMIN)[0]["dni"] == "12345678"
    with pytest.raises(SinPermiso):
        datos_personales.exportar_datos_personales(db_proceso, 1, actor=FACILITADORA)


def test_exportar_y_borrar_datos_personales(db_proceso):
    pid, codigo = participantes.registrar_participante(db_proceso, 1, DATOS_PARTICIPANTE, actor=FACILITADORA,
                                                       ahora=AHORA)
    autora = participantes.entrar_con_codigo(db_proceso, codigo, origen="ip:1", ahora=HOY_REGISTRO).actor
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=autora, ahora=HOY_REGISTRO)
    from tests.conftest import DATOS_JOVEN
    servicios.guardar_borrador(db_proceso, clave, DATOS_JOVEN, ahora=HOY_REGISTRO)
    servicios.registrar(db_proceso, clave, actor=autora, ahora=HOY_REGISTRO)
    exportado = datos_personales.exportar_datos_personales(db_proceso, pid, actor=ADMIN)
    assert exportado["participante"]["dni"] == "12345678" and exportado["propuestas"][0]["codigo"] == "PP27-0001"
    datos_personales.borrar_datos_personales(db_proceso, pid, actor=ADMIN, ahora=AHORA)
    volcado = "\n".join(db_proceso.conn.iterdump())
    assert "12345678" not in volcado and "987654321" not in volcado and "Rosa Huamán" not in volcado
    ficha = servicios.obtener(db_proceso, "PP27-0001", actor=PUBLICO)
    assert ficha.propuesta.proponente_nombre == f"Participante {pid}" and ficha.propuesta.estado == Estado.REGISTRADA
    with pytest.raises(ErrorCuenta):
        participantes.entrar_con_codigo(db_proceso, codigo, origen="ip:1", ahora=AHORA)


def test_tarjetas_pdf_ocho_por_hoja(tmp_path):
    """Nueve tarjetas: ocho en la primera hoja, la novena sola en la segunda, cada una con su código."""
    tarjetas = [(f"Persona {i} Ñuñoa", participantes.generar_codigo()) for i in range(9)]
    pdf = participantes.tarjetas_pdf(tarjetas, proceso="PP 2027", url_base="http://192.168.1.10:8501")
    hojas = texto_de_pdf(pdf, tmp_path).split("\f")
    hojas = [hoja for hoja in hojas if hoja.strip()]
    assert len(hojas) == 2
    assert [sum(f"Persona {i} Ñuñoa" in hoja for i in range(9)) for hoja in hojas] == [8, 1]
    assert all(codigo in hojas[i // 8] for i, (_, codigo) in enumerate(tarjetas))


# --- páginas: por URL sin el rol, solo el motivo ------------------------------------------------

def _paginas_del_menu() -> list[tuple[str, Accion]]:
    """(ruta, acción) de cada página del menú, leídas de app.py: ninguna página nueva queda sin probar."""
    arbol = ast.parse((RAIZ / "app.py").read_text(encoding="utf-8"))
    return [(nodo.elts[0].value, Accion[nodo.elts[3].attr]) for nodo in ast.walk(arbol)
            if isinstance(nodo, ast.Tuple) and len(nodo.elts) == 4 and isinstance(nodo.elts[0], ast.Constant)
            and str(nodo.elts[0].value).startswith("paginas/")]


# «Votar» no se cierra al público: ahí mismo se escribe el código (el QR del taller lleva a esa página)
RESTRINGIDAS = [(ruta, accion) for ruta, accion in _paginas_del_menu()
                if not puede(PUBLICO, accion) and accion != Accion.VOTAR]
ACTORES = {"publico": PUBLICO, "participante": PARTICIPANTE, "evaluadora": EVALUADORA, "facilitadora": FACILITADORA,
           "administracion": ADMIN}


def test_las_paginas_restringidas_son_todas_las_del_equipo():
    assert {ruta for ruta, _ in RESTRINGIDAS} == {
        "paginas/evaluar.py", "paginas/moderacion.py", "paginas/importar.py", "paginas/consola.py",
        "paginas/votaciones.py", "paginas/participantes.py", "paginas/procesos.py", "paginas/plan.py", "paginas/territorio.py",
        "paginas/cuentas.py", "paginas/respaldo.py", "paginas/seguimiento.py", "paginas/vigilancia.py",
        "paginas/datos_personales.py", "paginas/participacion.py", "paginas/traducciones.py"}


@pytest.mark.parametrize("quien", list(ACTORES))
@pytest.mark.parametrize("pagina, accion", RESTRINGIDAS, ids=[r.removeprefix("paginas/") for r, _ in RESTRINGIDAS])
def test_pagina_restringida_por_url_muestra_solo_el_motivo(tmp_path, monkeypatch, pagina, accion, quien):
    """Cada página del equipo, abierta por su URL por cada rol: sin el permiso, solo «Sin acceso» y el motivo."""
    monkeypatch.setenv("PLATAFORMA_DB", str(tmp_path / "p.db"))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    actor = ACTORES[quien]
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    app.session_state["sesion_token"] = abrir_sesion(tmp_path / "p.db", actor)
    app.run()
    app.switch_page(pagina).run()
    assert not app.exception, app.exception
    if puede(actor, accion):
        assert app.title and app.title[0].value != "Sin acceso"
        return
    assert [t.value for t in app.title] == ["Sin acceso"]
    assert accion.descripcion in app.error[0].value
    assert not app.dataframe and not app.text_input and not app.button and not app.selectbox


# --- al público, roles y no nombres de usuario ----------------------------------------------------

def test_la_historia_publica_de_una_ficha_dice_el_rol_y_no_el_usuario(db_proceso, tmp_path, monkeypatch):
    """Antes: la historia de una ficha mostraba a cualquiera «administrador:ana» (el usuario para entrar)."""
    cuentas.crear_cuenta(db_proceso, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                         actor=LINEA_DE_COMANDOS, ahora=AHORA)
    ana = cuentas.iniciar_sesion(db_proceso, usuario="ana", contrasena=CLAVE, origen="ip:1", ahora=HOY_REGISTRO).actor
    codigo = registrar_propuesta(db_proceso).codigo
    servicios.transicionar(db_proceso, codigo, Estado.ADMITIDA, actor=ana, ahora=HOY_REGISTRO)
    assert filas(db_proceso, "transiciones") == 2 and ana.etiqueta == "administrador:ana"  # adentro, la cuenta
    ruta = tmp_path / "p.db"
    with sqlite3.connect(ruta) as destino:
        db_proceso.conn.backup(destino)
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    app.query_params["propuesta"] = codigo
    app.run()
    app.switch_page("paginas/propuestas.py").run()
    assert not app.exception, app.exception
    historia = next(d.value for d in app.dataframe if "Quién" in d.value.columns)
    assert list(historia["Quién"]) == ["público", "administración"]
    visible = " ".join(str(d.value.to_dict()) for d in app.dataframe) + " ".join(m.value for m in app.markdown)
    assert "ana" not in re.findall(r"[a-zñ]+", visible) and "administrador:" not in visible


@pytest.mark.parametrize("autor, visto", [("facilitador:fabi", "Facilitación"), ("administrador:ana", "Administración"),
                                          ("evaluador:eva", "Equipo técnico")], ids=["fabi", "ana", "eva"])
def test_los_argumentos_del_equipo_muestran_su_rol(autor, visto):
    from propuestas.deliberacion.servicios import nombre_publico
    assert nombre_publico({"participante_id": None, "autor": autor}) == visto


# --- respaldo ---------------------------------------------------------------------------------

def test_respaldo_y_restauracion_dejan_los_mismos_datos(db_proceso, tmp_path):
    vivo = nucleo.abrir(tmp_path / "vivo.db")
    db_proceso.conn.backup(vivo.conn)
    registrar_propuesta(vivo)
    copia = respaldar(vivo, tmp_path / "respaldo.db")
    assert revisar_respaldo(copia, MIGRACIONES) == []
    registrar_propuesta(vivo)
    assert filas(vivo, "propuestas") == 2
    restaurar(vivo, copia, copia_previa=tmp_path / "previa.db", migraciones=MIGRACIONES)
    assert filas(vivo, "propuestas") == 1 and vivo.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert filas(nucleo.abrir(tmp_path / "previa.db"), "propuestas") == 2


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
    vivo = nucleo.abrir(tmp_path / "vivo.db")
    db_proceso.conn.backup(vivo.conn)
    antes = filas(vivo, "eventos")
    with pytest.raises(nucleo.ErrorAlmacen, match=mensaje):
        restaurar(vivo, ajeno, copia_previa=tmp_path / "previa.db", migraciones=MIGRACIONES)
    assert filas(vivo, "eventos") == antes


def test_respaldo_por_linea_de_comandos(db_proceso, tmp_path):
    vivo = tmp_path / "vivo.db"
    with nucleo.abrir(vivo) as base:
        db_proceso.conn.backup(base.conn)
    resultado = subprocess.run([sys.executable, "-m", "geo", "--db", str(vivo), "respaldar", str(tmp_path / "r.db")],
                               capture_output=True, text=True, cwd=RAIZ, timeout=60)
    assert resultado.returncode == 0 and revisar_respaldo(tmp_path / "r.db", MIGRACIONES) == []
    restaurado = subprocess.run([sys.executable, "-m", "geo", "--db", str(vivo), "restaurar", str(tmp_path / "r.db")],
                                capture_output=True, text=True, cwd=RAIZ, timeout=60)
    assert restaurado.returncode == 0 and "Copia de la base anterior" in restaurado.stdout
