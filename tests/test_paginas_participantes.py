"""Página de participantes con AppTest desde app.py: el formulario de registro vuelve vacío tras guardar (y
conserva lo escrito si hay un error) y la corrección de datos con motivo."""
import pytest
from streamlit.testing.v1 import AppTest

import nucleo
from geo import servicios as territorio
from identidad import participantes
from propuestas import servicios
from propuestas.servicios import fecha_local
from tests.conftest import ADMIN, AHORA, FACILITADORA, LIMITES, RAIZ, abrir_sesion

REGISTRAR = "FormSubmitter:participantes_nuevo-Registrar y emitir código"


@pytest.fixture
def base(tmp_path, monkeypatch):
    ruta = tmp_path / "plataforma.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    with nucleo.abrir(ruta) as db:
        servicios.preparar(db)
        territorio.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
        servicios.crear_proceso(db, servicios.proceso_sugerido("0212", fecha_local(nucleo.ahora())), actor=ADMIN, ahora=AHORA)
    return ruta


def _app(actor=FACILITADORA):
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    app.session_state["sesion_token"] = abrir_sesion(nucleo.ruta_configurada(), actor)
    app.run()
    app.switch_page("paginas/participantes.py").run()
    assert not app.exception, app.exception
    return app


def _errores(app) -> str:
    return " ".join(e.value for e in app.error).replace("\\", "")


def _personas(ruta) -> list[tuple]:
    with nucleo.abrir(ruta) as db:
        return db.execute("SELECT nombre, tipo, organizacion, ubigeo, dni, telefono FROM participantes "
                          "ORDER BY id").fetchall()


def test_tras_registrar_el_formulario_vuelve_vacio_y_con_error_conserva_lo_escrito(base):
    app = _app()
    app.text_input(key="participante_nombre").input("Rosa Huamán")
    app.text_input(key="participante_organizacion").input("Comité de regantes")
    app.selectbox(key="participante_distrito").set_value("021201")
    app.text_input(key="participante_dni").input("1234")
    app.text_input(key="participante_telefono").input("987654321")
    app.checkbox(key="participante_consentimiento").check()
    app.button(key=REGISTRAR).click().run()
    assert "El DNI «1234» no es válido" in _errores(app)
    assert app.text_input(key="participante_organizacion").value == "Comité de regantes"  # lo escrito queda
    assert app.checkbox(key="participante_consentimiento").value is True
    app.text_input(key="participante_dni").input("12345678")
    app.button(key=REGISTRAR).click().run()
    assert not app.exception, app.exception
    assert [app.text_input(key=f"participante_{campo}").value for campo in ("nombre", "organizacion", "dni",
                                                                            "telefono")] == ["", "", "", ""]
    assert app.selectbox(key="participante_distrito").value is None
    assert app.checkbox(key="participante_consentimiento").value is False
    app.text_input(key="participante_nombre").input("Juan Pérez")
    app.selectbox(key="participante_tipo").set_value("joven")
    app.checkbox(key="participante_consentimiento").check()
    app.button(key=REGISTRAR).click().run()
    assert _personas(base) == [("Rosa Huamán", "organizacion", "Comité de regantes", "021201", "12345678", "987654321"),
                               ("Juan Pérez", "joven", None, None, None, None)]


def test_facilitacion_corrige_la_organizacion_sin_ver_ni_tocar_el_dni(base):
    with nucleo.abrir(base) as db:
        pid, _ = participantes.registrar_participante(db, 1, {
            "nombre": "Juan Pérez", "tipo": "organizacion", "organizacion": "Comité de regantes", "dni": "12345678",
            "consentimiento": True}, actor=FACILITADORA, ahora=AHORA)
    app = _app()
    assert app.text_input(key=f"corregir_{pid}_dni").value == "••••••78"  # enmascarado para facilitación
    app.text_input(key=f"corregir_{pid}_organizacion").input("Club de madres de Caraz")
    guardar = f"FormSubmitter:participantes_corregir_{pid}-Guardar la corrección"
    app.button(key=guardar).click().run()
    assert "El motivo tiene 0 caracteres" in _errores(app)
    assert app.text_input(key=f"corregir_{pid}_organizacion").value == "Club de madres de Caraz"
    app.text_area(key=f"corregir_{pid}_motivo").input("Se registró con la organización de otra persona.")
    app.button(key=guardar).click().run()
    assert not app.exception, app.exception
    assert "Datos de Juan Pérez corregidos." in [s.value for s in app.success]
    assert app.text_area(key=f"corregir_{pid}_motivo").value == ""
    assert _personas(base) == [("Juan Pérez", "organizacion", "Club de madres de Caraz", None, "12345678", None)]
