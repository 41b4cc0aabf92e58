"""Sesiones en el servidor: vencen, se revocan, y cada caso de uso sensible las revisa en su transacción."""
import ast
import datetime as dt
import json

import pytest

import nucleo
from geo import servicios as territorio
from identidad import cuentas, participantes, sesiones
from identidad.acceso import LINEA_DE_COMANDOS, Rol, SinPermiso
from identidad.sesiones import SesionTerminada
from nucleo.db import listar_eventos
from propuestas import datos_personales
from propuestas import servicios as propuestas_servicios
from propuestas.deliberacion import servicios as deliberacion
from propuestas.modelo import Estado
from tests.conftest import (
    ADMIN,
    AHORA,
    DATOS_JOVEN,
    HOY_PRIORIZACION,
    HOY_REGISTRO,
    LIMITES,
    RAIZ,
    filas,
    registrar_propuesta,
)
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta

CLAVE = "una contraseña larga"
DATOS = {"nombre": "Rosa Huamán", "tipo": "joven", "ubigeo": "021201", "consentimiento": True}
MINUTO = dt.timedelta(minutes=1)


@pytest.fixture
def equipo(db_proceso):
    """Ana (administración, creada por la línea de comandos) y Fabi (facilitación, ya cambió su contraseña)."""
    cuentas.crear_cuenta(db_proceso, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                         actor=LINEA_DE_COMANDOS, ahora=AHORA)
    cuentas.crear_cuenta(db_proceso, usuario="fabi", nombre="Fabiola Cruz", rol=Rol.FACILITADOR, contrasena=CLAVE,
                         actor=LINEA_DE_COMANDOS, ahora=AHORA)
    return db_proceso


def entrar(db, usuario, ahora=AHORA):
    return cuentas.iniciar_sesion(db, usuario=usuario, contrasena=CLAVE, origen="ip:1", ahora=ahora)


def test_el_token_va_a_la_cookie_y_la_base_guarda_solo_su_huella(equipo):
    sesion = entrar(equipo, "ana")
    assert len(sesion.token) >= 40 and sesion.vence_en == AHORA + dt.timedelta(hours=12)
    volcado = "\n".join(equipo.conn.iterdump())
    assert sesion.token not in volcado and sesiones.huella(sesion.token) in volcado
    assert sesion.token not in json.dumps(listar_eventos(equipo), ensure_ascii=False)
    assert sesiones.revisar(equipo, sesion.token, ahora=AHORA).actor == sesion.actor


@pytest.mark.parametrize("despues, motivo", [
    (dt.timedelta(minutes=29), None),
    (dt.timedelta(minutes=31), "30 minutos sin actividad"),
], ids=["29-min", "31-min"])
def test_la_sesion_del_equipo_vence_sin_actividad(equipo, despues, motivo):
    sesion = entrar(equipo, "ana")
    if motivo is None:
        assert sesiones.revisar(equipo, sesion.token, ahora=AHORA + despues).actor.nombre == "ana"
    else:
        with pytest.raises(SesionTerminada, match=motivo):
            sesiones.revisar(equipo, sesion.token, ahora=AHORA + despues)


def test_la_actividad_la_mantiene_viva_hasta_las_12_horas(equipo):
    sesion = entrar(equipo, "ana")
    for veces in range(1, 36):  # cada 20 minutos, hasta las 11 h 40
        sesiones.revisar(equipo, sesion.token, ahora=AHORA + veces * dt.timedelta(minutes=20))
    with pytest.raises(SesionTerminada, match="12 horas"):
        sesiones.revisar(equipo, sesion.token, ahora=AHORA + dt.timedelta(hours=12))


def test_salir_revoca_la_sesion(equipo):
    sesion = entrar(equipo, "ana")
    sesiones.cerrar(equipo, sesion.token, ahora=AHORA)
    with pytest.raises(SesionTerminada, match="Usted salió"):
        sesiones.revisar(equipo, sesion.token, ahora=AHORA)
    with pytest.raises(SesionTerminada, match="ya no existe"):
        sesiones.revisar(equipo, "un token inventado", ahora=AHORA)


def test_una_facilitadora_desactivada_ya_no_registra_ni_emite_codigos(equipo):
    """Antes: el navegador abierto de una facilitadora desactivada registró a una persona y emitió un código."""
    pid, _ = participantes.registrar_participante(equipo, 1, DATOS, actor=entrar(equipo, "fabi").actor, ahora=AHORA)
    fabi = entrar(equipo, "fabi")
    ana = entrar(equipo, "ana").actor
    cuentas.desactivar_cuenta(equipo, fabi.actor.cuenta_id, actor=ana, ahora=AHORA + MINUTO)
    antes = (filas(equipo, "participantes"), filas(equipo, "codigos_acceso"), filas(equipo, "eventos"))
    with pytest.raises(SesionTerminada, match="desactivó su cuenta"):
        sesiones.revisar(equipo, fabi.token, ahora=AHORA + 2 * MINUTO)
    with pytest.raises(SesionTerminada, match="desactivó su cuenta"):
        participantes.registrar_participante(equipo, 1, {**DATOS, "nombre": "Otra Persona"}, actor=fabi.actor,
                                             ahora=AHORA + 2 * MINUTO)
    with pytest.raises(SesionTerminada):
        participantes.reemitir_codigo(equipo, pid, actor=fabi.actor, ahora=AHORA + 2 * MINUTO)
    with pytest.raises(SesionTerminada):
        participantes.revocar_codigo(equipo, pid, actor=fabi.actor, ahora=AHORA + 2 * MINUTO)
    assert (filas(equipo, "participantes"), filas(equipo, "codigos_acceso"), filas(equipo, "eventos")) == antes
    with pytest.raises(cuentas.ErrorCuenta, match="incorrectos"):
        entrar(equipo, "fabi", AHORA + 2 * MINUTO)


def test_una_cuenta_desactivada_no_abre_votaciones_ni_modera_ni_importa(db_viables):
    """Antes: solo algunos casos de uso revisaban la sesión; abrir una votación, anotar un acuerdo, ocultar una
    propuesta, importar límites o cambiar el proceso actual seguían funcionando desde el navegador abierto de una
    cuenta desactivada."""
    equipo, codigos = db_viables
    for usuario, nombre in (("ana", "Ana Ríos"), ("beto", "Beto Paz")):
        cuentas.crear_cuenta(equipo, usuario=usuario, nombre=nombre, rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
    propuesta = propuestas_servicios.obtener(equipo, codigos[0], actor=ADMIN).propuesta
    proceso = propuestas_servicios.proceso_actual(equipo)
    creada = votacion.crear_votacion(equipo, votacion.nueva_votacion(equipo, proceso.id), actor=ADMIN, ahora=AHORA)
    beto = entrar(equipo, "beto").actor
    cuentas.desactivar_cuenta(equipo, beto.cuenta_id, actor=entrar(equipo, "ana").actor, ahora=AHORA + MINUTO)
    tablas = ("votaciones", "propuestas", "moderaciones", "importaciones", "eventos")
    antes = [filas(equipo, tabla) for tabla in tablas]
    intentos = [
        lambda: votacion.cambiar_estado(equipo, creada.id, EstadoVotacion.ABIERTA, actor=beto, ahora=AHORA + MINUTO),
        lambda: votacion.anotar_acuerdo(equipo, creada.id, "Un acuerdo", "Beto", actor=beto, ahora=AHORA + MINUTO),
        lambda: deliberacion.ocultar(equipo, "propuesta", propuesta.id, "publicidad", actor=beto, ahora=AHORA + MINUTO),
        lambda: territorio.importar(equipo, LIMITES, actor=beto, ahora=AHORA + MINUTO),
        lambda: propuestas_servicios.marcar_actual(equipo, proceso.id, actor=beto, ahora=AHORA + MINUTO),
    ]
    for intento in intentos:
        with pytest.raises(SesionTerminada, match="desactivó su cuenta"):
            intento()
    assert [filas(equipo, tabla) for tabla in tablas] == antes


def test_todo_caso_de_uso_que_escribe_por_alguien_revisa_su_sesion():
    """Guarda: una función que recibe `actor` y abre una escritura la abre con `sesiones.escritura_de` (o llama
    a `exigir_vigente`); si no, una cuenta desactivada podría seguir haciéndolo desde su navegador abierto."""
    faltan = []
    for archivo in sorted(p for carpeta in ("geo", "propuestas", "votacion") for p in (RAIZ / carpeta).rglob("*.py")):
        for funcion in ast.walk(ast.parse(archivo.read_text(encoding="utf-8"))):
            if not isinstance(funcion, ast.FunctionDef):
                continue
            argumentos = {a.arg for a in funcion.args.args + funcion.args.kwonlyargs}
            codigo = ast.unparse(funcion)
            if "actor" in argumentos and "escritura(" in codigo and "exigir_vigente(" not in codigo:
                faltan.append(f"{archivo.relative_to(RAIZ)}::{funcion.name}")
    assert faltan == []


def test_una_cuenta_nueva_debe_cambiar_su_contrasena_antes_de_hacer_algo(equipo):
    """Antes: se le decía que la cambiara al entrar, pero nada lo exigía."""
    ana = entrar(equipo, "ana").actor
    cuentas.crear_cuenta(equipo, usuario="eva", nombre="Eva Luz", rol=Rol.EVALUADOR, contrasena="clave inicial larga",
                         actor=ana, ahora=AHORA)
    eva = cuentas.iniciar_sesion(equipo, usuario="eva", contrasena="clave inicial larga", origen="ip:1",
                                 ahora=HOY_REGISTRO)
    assert eva.debe_cambiar_contrasena and sesiones.revisar(equipo, eva.token, ahora=HOY_REGISTRO).debe_cambiar_contrasena
    codigo = registrar_propuesta(equipo).codigo
    with pytest.raises(SinPermiso, match="cambie la contraseña inicial"):
        propuestas_servicios.transicionar(equipo, codigo, Estado.ADMITIDA, actor=eva.actor, ahora=HOY_REGISTRO)
    cuentas.cambiar_contrasena(equipo, actor=eva.actor, actual="clave inicial larga", nueva="ahora una frase mía",
                               ahora=HOY_REGISTRO)
    assert not sesiones.revisar(equipo, eva.token, ahora=HOY_REGISTRO).debe_cambiar_contrasena
    assert propuestas_servicios.transicionar(equipo, codigo, Estado.ADMITIDA, actor=eva.actor, ahora=HOY_REGISTRO)


# --- participantes: un código revocado o un participante borrado ya no votan ----------------------

@pytest.fixture
def taller(db_viables):
    """Votación abierta con Rosa ya adentro (su sesión) y otra persona para comparar."""
    db, _ = db_viables
    proceso = propuestas_servicios.proceso_actual(db)
    facilitadora = ADMIN
    pid, codigo = participantes.registrar_participante(db, proceso.id, DATOS, actor=facilitadora, ahora=HOY_REGISTRO)
    creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id), actor=facilitadora,
                                     ahora=HOY_PRIORIZACION)
    votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=facilitadora, ahora=HOY_PRIORIZACION)
    rosa = participantes.entrar_con_codigo(db, codigo, origen="ip:10.0.0.7", ahora=HOY_PRIORIZACION)
    return db, creada.id, pid, codigo, rosa


def _elegidas(db, votacion_id):
    return Papeleta(tuple(list(votacion.elegibles(db, votacion_id))[:2]))


@pytest.mark.parametrize("revocar, motivo", [
    (lambda db, pid: participantes.revocar_codigo(db, pid, actor=ADMIN, ahora=HOY_PRIORIZACION), "fue revocado"),
    (lambda db, pid: participantes.reemitir_codigo(db, pid, actor=ADMIN, ahora=HOY_PRIORIZACION), "tarjeta nueva"),
    (lambda db, pid: datos_personales.borrar_datos_personales(db, pid, actor=ADMIN, ahora=HOY_PRIORIZACION),
     "se dio de baja"),
], ids=["codigo-revocado", "codigo-reemitido", "participante-borrado"])
def test_un_codigo_revocado_o_un_participante_borrado_ya_no_vota(taller, revocar, motivo):
    """Antes: el celular que ya había entrado seguía votando con el código revocado o tras borrar sus datos."""
    db, votacion_id, pid, codigo, rosa = taller
    assert votacion.emitir(db, votacion_id, _elegidas(db, votacion_id), actor=rosa.actor, ahora=HOY_PRIORIZACION)
    revocar(db, pid)
    antes = filas(db, "papeletas")
    with pytest.raises(SesionTerminada, match=motivo):
        sesiones.revisar(db, rosa.token, ahora=HOY_PRIORIZACION)
    with pytest.raises(SesionTerminada, match=motivo):
        votacion.emitir(db, votacion_id, Papeleta(()), actor=rosa.actor, ahora=HOY_PRIORIZACION + MINUTO)
    with pytest.raises(cuentas.ErrorCuenta, match="no es válido o fue revocado"):
        participantes.entrar_con_codigo(db, codigo, origen="ip:10.0.0.7", ahora=HOY_PRIORIZACION + MINUTO)
    assert filas(db, "papeletas") == antes


def test_la_sesion_de_un_participante_aguanta_dos_horas_sin_actividad(taller):
    db, votacion_id, _, _, rosa = taller
    despues = HOY_PRIORIZACION + dt.timedelta(hours=1, minutes=50)
    assert votacion.emitir(db, votacion_id, _elegidas(db, votacion_id), actor=rosa.actor, ahora=despues)
    with pytest.raises(SesionTerminada, match="2 horas sin actividad"):
        sesiones.revisar(db, rosa.token, ahora=despues + dt.timedelta(hours=2, minutes=1))


def test_registrar_una_propuesta_con_la_sesion_vencida_no_la_registra_como_publico(db_proceso):
    pid, codigo = participantes.registrar_participante(db_proceso, 1, DATOS, actor=ADMIN, ahora=HOY_REGISTRO)
    rosa = participantes.entrar_con_codigo(db_proceso, codigo, origen="ip:1", ahora=HOY_REGISTRO)
    proceso = propuestas_servicios.proceso_actual(db_proceso)
    clave = propuestas_servicios.crear_borrador(db_proceso, proceso.id, actor=rosa.actor, ahora=HOY_REGISTRO)
    propuestas_servicios.guardar_borrador(db_proceso, clave, DATOS_JOVEN, ahora=HOY_REGISTRO)
    with pytest.raises(SesionTerminada, match="2 horas sin actividad"):
        propuestas_servicios.registrar(db_proceso, clave, actor=rosa.actor, ahora=HOY_REGISTRO + dt.timedelta(hours=3))
    assert propuestas_servicios.registrar(db_proceso, clave, actor=rosa.actor,
                                          ahora=HOY_REGISTRO + dt.timedelta(hours=1)).participante_id == pid


# --- páginas (AppTest desde app.py) -------------------------------------------------------------

@pytest.fixture
def base_con_proceso(db_proceso, tmp_path, monkeypatch):
    """La base de `db_proceso` en un archivo, como la usa la app."""
    import sqlite3
    ruta = tmp_path / "p.db"
    with sqlite3.connect(ruta) as destino:
        db_proceso.conn.backup(destino)
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    return ruta


def _app(pagina=None, token=None):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import RAIZ
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    if token:
        app.session_state["sesion_token"] = token
    app.run()
    if pagina:
        app.switch_page(pagina).run()
    assert not app.exception, app.exception
    return app


def _textos(app):
    return " ".join(str(e.value) for e in [*app.title, *app.markdown, *app.warning, *app.error, *app.success,
                                           *app.info, *app.caption]).replace("\\", "")


def test_la_cuenta_nueva_va_a_cambiar_su_contrasena_antes_de_cualquier_pagina(base_con_proceso):
    """Antes: «la persona la cambia al entrar», pero nada la hacía cambiarla."""
    with nucleo.abrir(base_con_proceso) as db:
        cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
        ana = cuentas.iniciar_sesion(db, usuario="ana", contrasena=CLAVE, origen="local", ahora=nucleo.ahora()).actor
        cuentas.crear_cuenta(db, usuario="fito", nombre="Adolfo Vega", rol=Rol.FACILITADOR,
                             contrasena="clave inicial larga", actor=ana, ahora=nucleo.ahora())
        fito = cuentas.iniciar_sesion(db, usuario="fito", contrasena="clave inicial larga", origen="local",
                                      ahora=nucleo.ahora())
    app = _app("paginas/participantes.py", fito.token)
    assert [t.value for t in app.title] == ["Entrar"] and "Cámbiela antes de seguir" in _textos(app)
    app.switch_page("paginas/entrar.py").run()  # como el navegador, que ya quedó en /entrar
    app.text_input(key="entrar_actual").input("clave inicial larga")
    cambiar = "FormSubmitter:entrar_cambiar_contrasena-Cambiar contraseña"
    app.text_input(key="entrar_nueva").input("qwertyuiop")
    app.button(key=cambiar).click().run()
    assert "fácil de adivinar" in _textos(app)
    app.text_input(key="entrar_nueva").input("mi frase propia y larga")
    app.button(key=cambiar).click().run()
    assert "Contraseña cambiada" in _textos(app)
    app.switch_page("paginas/participantes.py").run()
    assert [t.value for t in app.title] == ["Participantes y códigos de acceso"]


def test_emitir_un_codigo_nuevo_no_borra_de_la_pagina_las_tarjetas_sin_imprimir(base_con_proceso):
    """Antes: «Emitir código nuevo» reemplazaba la lista de tarjetas recién emitidas (que se mostraban una vez)."""
    from tests.conftest import FACILITADORA, abrir_sesion
    app = _app("paginas/participantes.py", abrir_sesion(base_con_proceso, FACILITADORA))
    for nombre in ("Rosa Huamán", "Juan Pérez"):
        app.text_input(key="participante_nombre").input(nombre)
        app.selectbox(key="participante_tipo").select("joven")
        app.checkbox(key="participante_consentimiento").check()
        app.button(key="FormSubmitter:participantes_nuevo-Registrar y emitir código").click().run()
    assert [f for f in app.dataframe[0].value["Participante"]] == ["Rosa Huamán", "Juan Pérez"]
    codigos = dict(zip(app.dataframe[0].value["Participante"], app.dataframe[0].value["Código"]))
    with nucleo.abrir(base_con_proceso) as db:
        (rosa,) = db.execute("SELECT id FROM participantes WHERE nombre = 'Rosa Huamán'").fetchone()
    app.selectbox(key="participantes_elegido").set_value(rosa).run()  # Rosa perdió su tarjeta
    app.button(key="participantes_reemitir").click().run()
    pendientes = dict(zip(app.dataframe[0].value["Participante"], app.dataframe[0].value["Código"]))
    assert pendientes["Juan Pérez"] == codigos["Juan Pérez"] and pendientes["Rosa Huamán"] != codigos["Rosa Huamán"]
    with nucleo.abrir(base_con_proceso) as db:
        assert participantes.entrar_con_codigo(db, codigos["Juan Pérez"], origen="local", ahora=nucleo.ahora())
        assert participantes.tarjetas_sin_usar(db, 1, actor=FACILITADORA) == [("Rosa Huamán", pendientes["Rosa Huamán"])]
    assert "Reimprimir tarjetas sin usar" in " ".join(e.label for e in app.expander)


def test_sin_ip_cada_pestana_no_es_un_origen_nuevo(base_con_proceso):
    """Antes: sin IP (esta computadora, o un proxy), cada websocket nuevo era otro origen: los límites no servían."""
    for _ in range(3):
        app = _app("paginas/entrar.py")
        app.text_input(key="entrar_codigo_texto").input("AAAAA-AAAAA")
        app.button(key="FormSubmitter:entrar_codigo-Entrar con mi código").click().run()
        assert "no es válido" in _textos(app)
    with nucleo.abrir(base_con_proceso) as db:
        assert db.execute("SELECT DISTINCT origen FROM intentos_acceso").fetchall() == [("local",)]
