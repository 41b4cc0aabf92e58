"""A cada persona se la nombra por su nombre (AppTest desde app.py): el equipo no es «fabi» sino Fabiola Milla, y un
agente participante no es «participante 1» sino Rosa Huamán, en el menú, en «Entrar / mi cuenta» y al saludar."""
import pytest
from streamlit.testing.v1 import AppTest

import nucleo
from identidad import cuentas, participantes
from identidad.acceso import LINEA_DE_COMANDOS, Actor, Rol
from propuestas import servicios
from propuestas.servicios import fecha_local
from tests.conftest import ADMIN, AHORA, FACILITADORA, RAIZ, abrir_sesion

CLAVE = "una contraseña larga de prueba"


@pytest.fixture
def base(tmp_path, monkeypatch):
    ruta = tmp_path / "plataforma.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    with nucleo.abrir(ruta) as db:
        servicios.preparar(db)
        proceso = servicios.crear_proceso(db, servicios.proceso_sugerido("0212", fecha_local(nucleo.ahora())), actor=ADMIN,
                                          ahora=AHORA)
        cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
        cuenta_id = cuentas.crear_cuenta(db, usuario="fabi", nombre="Fabiola Milla", rol=Rol.FACILITADOR,
                                         contrasena=CLAVE, actor=LINEA_DE_COMANDOS, ahora=AHORA)
        participante_id, _ = participantes.registrar_participante(
            db, proceso.id, {"nombre": "Rosa Huamán", "tipo": "joven", "consentimiento": True}, actor=FACILITADORA,
            ahora=AHORA)
    return ruta, cuenta_id, participante_id


def _en_entrar(actor=None):
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    if actor is not None:
        app.session_state["sesion_token"] = abrir_sesion(nucleo.ruta_configurada(), actor)
    app.run()
    app.switch_page("paginas/entrar.py").run()
    assert not app.exception, app.exception
    return app


def _menu(app) -> str:
    return " ".join(c.value for c in app.sidebar.caption)


@pytest.mark.parametrize("quien", ["equipo", "participante"])
def test_el_menu_y_mi_cuenta_muestran_el_nombre_de_la_persona(base, quien):
    _, cuenta_id, participante_id = base
    if quien == "equipo":
        actor, nombre, rol, no = Actor(Rol.FACILITADOR, "fabi", cuenta_id=cuenta_id), "Fabiola Milla", "facilitación", "fabi ·"
    else:
        actor = Actor(Rol.PARTICIPANTE, f"participante {participante_id}", participante_id=participante_id)
        nombre, rol, no = "Rosa Huamán", "agente participante", "participante 1"
    app = _en_entrar(actor)
    assert f"{nombre} · {rol}" in _menu(app)
    assert no not in _menu(app)
    entro = " ".join(s.value for s in app.success).replace("\\", "")
    assert f"Entró como {nombre}" in entro, entro
    assert ("(usuario fabi)" in entro) == (quien == "equipo")  # el usuario se dice, pero no en lugar del nombre


def test_al_entrar_el_equipo_se_le_saluda_por_su_nombre(base):
    app = _en_entrar()
    app.text_input(key="entrar_usuario").input("fabi")
    app.text_input(key="entrar_contrasena").input(CLAVE)
    app.button(key="FormSubmitter:entrar_equipo-Entrar").click().run()
    assert not app.exception, app.exception
    saludos = " ".join(s.value for s in app.success).replace("\\", "")
    assert "Bienvenida o bienvenido, Fabiola Milla." in saludos, saludos
    assert "Fabiola Milla · facilitación" in _menu(app)
