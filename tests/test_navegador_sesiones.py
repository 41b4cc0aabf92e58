"""Sesiones vistas en Chromium: siguen al recargar y en otra pestaña; salir, desactivar una cuenta, revocar un
código o borrar a un participante las cierran, y la página lo dice en vez de volverse «Público» en silencio."""
import re

import pytest

import nucleo
from identidad import cuentas, participantes
from identidad.acceso import LINEA_DE_COMANDOS, Rol
from propuestas import datos_personales
from propuestas import servicios as propuestas_servicios
from tests import navegador
from tests.conftest import ADMIN, AHORA, FACILITADORA, copiar_viables, filas, priorizacion_hoy
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect

CLAVE = "una contraseña larga"
FUERA = re.compile("Ya no está dentro de la plataforma")


@pytest.fixture(scope="module")
def app(tmp_path_factory, _plantilla_viables):
    """Servidor real: ana (administración), fabi (facilitación), una votación abierta y tres participantes."""
    carpeta = tmp_path_factory.mktemp("sesiones")
    ruta = copiar_viables(_plantilla_viables, carpeta / "plataforma.db")
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
        for usuario, nombre, rol in (("ana", "Ana Ríos", Rol.ADMINISTRADOR), ("fabi", "Fabiola Milla", Rol.FACILITADOR),
                                     ("fito", "Adolfo Vega", Rol.FACILITADOR)):
            cuentas.crear_cuenta(db, usuario=usuario, nombre=nombre, rol=rol, contrasena=CLAVE,
                                 actor=LINEA_DE_COMANDOS, ahora=AHORA)
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, max_opciones=3),
                                         actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
        personas = {nombre: participantes.registrar_participante(
            db, proceso.id, {"nombre": nombre, "tipo": "joven", "ubigeo": "021201", "consentimiento": True},
            actor=FACILITADORA, ahora=AHORA) for nombre in ("Rosa Huamán", "Juan Pérez", "Elena Quispe")}
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, creada.id, personas


def _cookie(pagina):
    return next(c for c in pagina.context.cookies() if c["name"].startswith("plataforma_sesion"))


def _esperar_cookie(pagina):
    pagina.wait_for_function("() => true")  # la cookie llega con un POST propio: se espera a tenerla
    for _ in range(100):
        if any(c["name"].startswith("plataforma_sesion") for c in pagina.context.cookies()):
            return _cookie(pagina)
        pagina.wait_for_timeout(100)
    raise AssertionError("la cookie de sesión no llegó al navegador")


def test_el_equipo_sigue_dentro_al_recargar_y_en_otra_pestana_y_salir_la_cierra(app, chromium):
    """Antes: recargar o abrir un enlace en otra pestaña dejaba al equipo en «Sin acceso… entró como público»."""
    url, _, _, _ = app
    pagina = chromium.pagina()
    navegador.entrar(pagina, url, "ana", CLAVE)
    cookie = _esperar_cookie(pagina)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"] and cookie["expires"] > 0
    assert cookie["value"] not in pagina.url and pagina.evaluate("document.cookie").find(cookie["value"]) == -1
    pagina.reload()
    pagina.get_by_text("Ana Ríos · administración (secretaría técnica)").wait_for(timeout=30_000)
    navegador.listo(pagina)
    navegador.capturar(pagina, "sesion_equipo_tras_recargar")
    otra = pagina.context.new_page()  # un enlace abierto en otra pestaña del mismo navegador
    otra.goto(f"{url}/cuentas")
    otra.get_by_role("heading", name="Cuentas del equipo").wait_for(timeout=30_000)
    expect(otra.get_by_role("heading", name="Sin acceso")).to_have_count(0)
    pagina.goto(f"{url}/entrar")
    pagina.get_by_role("button", name="Salir").click()
    pagina.get_by_role("tab", name="Soy del equipo").wait_for(timeout=30_000)
    for _ in range(100):  # la cookie se borra con otro POST propio
        if not any(c["name"].startswith("plataforma_sesion") for c in pagina.context.cookies()):
            break
        pagina.wait_for_timeout(100)
    otra.reload()
    otra.get_by_role("heading", name="Sin acceso").wait_for(timeout=30_000)
    expect(otra.get_by_text("Público", exact=True)).to_have_count(1)
    navegador.capturar(otra, "sesion_equipo_tras_salir")


def test_el_navegador_abierto_de_una_facilitadora_desactivada_ya_no_registra(app, chromium):
    """Antes: con la cuenta ya desactivada, su navegador abierto registró a una persona y emitió un código."""
    url, ruta, _, _ = app
    pagina = chromium.pagina()
    navegador.entrar(pagina, url, "fabi", CLAVE)
    _esperar_cookie(pagina)
    navegador.ir_a(pagina, "Participantes y códigos")
    nuevo = pagina.get_by_test_id("stForm").filter(has=pagina.get_by_role("button", name="Registrar y emitir código"))
    nuevo.get_by_label("Nombre completo").fill("Persona Nueva Registrada")  # (la otra es la de «Corregir sus datos»)
    nuevo.get_by_text("La persona consiente").click()
    with nucleo.abrir(ruta) as db:
        (fabi,) = db.execute("SELECT id FROM cuentas WHERE usuario = 'fabi'").fetchone()
        cuentas.desactivar_cuenta(db, fabi, actor=ADMIN, ahora=nucleo.ahora())
        antes = filas(db, "participantes"), filas(db, "codigos_acceso")
    pagina.get_by_role("button", name="Registrar y emitir código").click()
    pagina.get_by_text(FUERA).wait_for(timeout=30_000)
    expect(pagina.get_by_text(re.compile("La administración desactivó su cuenta"))).to_have_count(1)
    expect(pagina.get_by_role("button", name="Registrar y emitir código")).to_have_count(0)
    navegador.capturar(pagina, "sesion_cuenta_desactivada")
    pagina.reload()  # recargar no la devuelve: la cookie ya no abre nada
    pagina.get_by_text(re.compile("La administración desactivó su cuenta")).wait_for(timeout=30_000)
    pagina.get_by_role("link", name="Entrar de nuevo").wait_for(timeout=30_000)
    with nucleo.abrir(ruta) as db:
        assert (filas(db, "participantes"), filas(db, "codigos_acceso")) == antes


@pytest.mark.parametrize("persona, quitar, motivo", [
    ("Juan Pérez", "revocar", "Su código de acceso fue revocado"),
    ("Elena Quispe", "borrar", "se dio de baja"),
], ids=["codigo-revocado", "participante-borrado"])
def test_en_el_celular_sigue_dentro_al_recargar_y_sin_codigo_valido_ya_no_vota(app, chromium, persona, quitar, motivo):
    """Antes: un código revocado o un participante borrado seguían votando desde el celular que ya había entrado;
    y recargar la papeleta pedía otra vez el código."""
    url, ruta, votacion_id, personas = app
    pid, codigo = personas[persona]
    celular = chromium.pagina(390, 844)
    celular.goto(f"{url}/?taller={votacion_id}")
    celular.get_by_label("Código de acceso (está en su tarjeta)").fill(codigo)
    celular.get_by_role("button", name="Entrar y votar").click()
    celular.get_by_text("Elija hasta 3 propuestas.").wait_for(timeout=30_000)
    _esperar_cookie(celular)
    celular.reload()
    celular.get_by_text("Elija hasta 3 propuestas.").wait_for(timeout=30_000)
    assert celular.get_by_label("Código de acceso (está en su tarjeta)").count() == 0
    if quitar == "revocar":
        navegador.capturar(celular, "sesion_celular_tras_recargar")
    otra = celular.context.new_page()
    otra.goto(f"{url}/votar?votacion={votacion_id}")
    otra.get_by_text("Elija hasta 3 propuestas.").wait_for(timeout=30_000)
    navegador.listo(celular)
    primera = celular.locator(f".st-key-votar_{votacion_id}_PP27-0001 label")
    primera.click()
    celular.get_by_text("Elegidas: 1 de 3").first.wait_for(timeout=30_000)
    navegador.listo(celular)
    with nucleo.abrir(ruta) as db:
        if quitar == "revocar":
            participantes.revocar_codigo(db, pid, actor=ADMIN, ahora=nucleo.ahora())
        else:
            datos_personales.borrar_datos_personales(db, pid, actor=ADMIN, ahora=nucleo.ahora())
        antes = filas(db, "papeletas")
    celular.get_by_role("button", name="Votar").click()
    celular.get_by_text(FUERA).wait_for(timeout=30_000)
    expect(celular.get_by_text(re.compile(motivo))).to_have_count(1)
    navegador.capturar(celular, f"sesion_celular_{quitar}")
    otra.reload()
    otra.get_by_text(re.compile(motivo)).wait_for(timeout=30_000)
    expect(otra.get_by_role("button", name="Votar")).to_have_count(0)
    with nucleo.abrir(ruta) as db:
        assert filas(db, "papeletas") == antes


def test_inventar_x_forwarded_for_no_da_intentos_nuevos(app, chromium):
    """Antes: desde 127.0.0.1 el servidor creía `X-Forwarded-For` y cada valor inventado era un origen nuevo."""
    url, ruta, _, _ = app
    for numero in range(3):
        pagina = chromium.pagina()
        pagina.context.set_extra_http_headers({"X-Forwarded-For": f"10.9.{numero}.1"})
        pagina.goto(f"{url}/entrar")
        pagina.get_by_label("Código de acceso (está en su tarjeta)").fill("AAAAA-AAAAA")
        pagina.get_by_role("button", name="Entrar con mi código").click()
        pagina.get_by_text(re.compile("no es válido o fue revocado")).wait_for(timeout=30_000)
        pagina.context.close()
    with nucleo.abrir(ruta) as db:
        origenes = [o for (o,) in db.execute("SELECT origen FROM intentos_acceso WHERE exito = 0 AND tipo = 'codigo'")]
    assert origenes[-3:] == ["reenviado-sin-proxy"] * 3
