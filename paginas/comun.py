"""Piezas compartidas por las páginas: conexión por ejecución, preparación única, mensajes."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

import dataclasses

import geo
from geo import mapa, servicios
from geo.acceso import PUBLICO, Accion, Actor, puede
from geo.cuentas import Sesion
from geo.modelo import ErrorGeo, ImportacionInvalida
from propuestas import servicios as propuestas_servicios
from votacion import servicios as votacion_servicios

CLAVE_DISTRITO_ELEGIDO = "distrito_elegido"
CLAVE_SESION = "sesion"
CLAVE_SESION_VENCIDA = "sesion_vencida"


def ruta_db() -> Path:
    return geo.ruta_configurada()


@st.cache_resource(show_spinner="Preparando la base de datos…")
def preparar_aplicacion(ruta: str) -> dict:
    """Una vez por proceso y base: migraciones, activos del mapa y la importación inicial.

    Solo se cachea este trabajo único, nunca la conexión (cada ejecución abre la suya).
    """
    mapa.preparar_activos()
    marcar_arranque()
    resultado: dict = {"importacion_inicial": None, "error_inicial": None}
    with contextlib.closing(geo.abrir(ruta)) as db:
        votacion_servicios.preparar(db)
        origen = os.environ.get("PLATAFORMA_LIMITES")
        if origen:
            try:
                resultado["importacion_inicial"] = servicios.importar_al_iniciar(
                    db, origen, provincia=servicios.provincia_configurada(), ahora=geo.ahora())
            except (ErrorGeo, geo.ErrorAlmacen) as error:
                resultado["error_inicial"] = str(error)
    return resultado


def archivo_de_arranque() -> Path:
    """`static/datos/arranque_<puerto>.txt`: cambia cada vez que arranca este servidor (uno por puerto)."""
    return mapa.CARPETA_STATIC / "datos" / f"arranque_{st.get_option('server.port') or 8501}.txt"


def marcar_arranque() -> None:
    archivo = archivo_de_arranque()
    archivo.parent.mkdir(parents=True, exist_ok=True)
    archivo.write_text(secrets.token_hex(8))


VIGIA = """<script>
// Si el servidor se reinició (otra marca de arranque), la sesión de esta página ya no existe allá y los
// fragmentos (lo que se refresca solo) quedarían congelados: se recarga la página entera, sola.
const url = %s;
let primera = null;
async function mirar() {
  try {
    const respuesta = await fetch(url + "?t=" + Date.now(), {cache: "no-store"});
    if (!respuesta.ok) return;
    const marca = (await respuesta.text()).trim();
    if (primera === null) primera = marca;
    else if (marca !== primera) window.parent.location.reload();
  } catch (e) { /* servidor caído: se vuelve a mirar en un rato */ }
}
mirar();
setInterval(mirar, 4000);
</script>"""


def vigilar_reinicio() -> None:
    """En las páginas con fragmentos (papeleta, proyector, consola): si el servidor se reinicia en pleno taller,
    la página se recarga sola en vez de quedarse congelada (los fragmentos de una sesión perdida se ignoran)."""
    url = f"{prefijo_static()}/datos/{archivo_de_arranque().name}"
    st.iframe(VIGIA % json.dumps(url), height=1)  # HTML propio (nada de usuarios) en un iframe con JavaScript


@contextlib.contextmanager
def conexion() -> Iterator[Database]:
    """Conexión nueva para esta ejecución de la página; se cierra al terminar."""
    try:
        db = geo.abrir(ruta_db())
    except geo.ErrorAlmacen as error:
        st.error(str(error))
        st.stop()
    try:
        yield db
    except geo.ErrorAlmacen as error:
        st.error(texto_plano(str(error)))
        st.stop()
    finally:
        db.close()


def avisar_si_es_demo() -> None:
    """Franja visible en todas las páginas cuando la base es de demostración."""
    with conexion() as db:
        es_demo = propuestas_servicios.es_base_demo(db)
    if es_demo:
        st.warning("BASE DE DEMOSTRACIÓN: los datos son ficticios y no valen para el plan ni el presupuesto.")


def url_pagina(ruta: str) -> str:
    """Ruta absoluta de una página de la app (considera `server.baseUrlPath`)."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/{ruta}" if base else f"/{ruta}"


def prefijo_static() -> str:
    """URL de static/ considerando `server.baseUrlPath`."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static" if base else "/app/static"


def mostrar_error(error: Exception) -> None:
    """Muestra un error del dominio: si trae problemas, uno por línea."""
    if isinstance(error, ImportacionInvalida):
        st.error(f"No se importó «{texto_plano(error.archivo)}»; el territorio anterior sigue igual.")
        st.markdown("\n".join(f"- {texto_plano(str(p))}" for p in error.problemas))
    elif getattr(error, "problemas", None):
        mostrar_problemas([p.mensaje for p in error.problemas])
    else:
        st.error(texto_plano(str(error)))


CLAVE_AVISO = "_aviso_pendiente"


def avisar(mensaje: str) -> None:
    """Deja un aviso de éxito para mostrar después del próximo `st.rerun()`."""
    st.session_state[CLAVE_AVISO] = mensaje


def mostrar_aviso() -> None:
    mensaje = st.session_state.pop(CLAVE_AVISO, None)
    if mensaje:
        st.success(texto_plano(mensaje))


def sin_territorio() -> None:
    """Mensaje cuando aún no hay límites: cómo importarlos, por página o por comando."""
    st.warning("Aún no hay límites distritales importados.")
    st.markdown(
        "Importe el archivo oficial de límites (GeoJSON, Shapefile comprimido en .zip o GeoPackage):\n"
        "- en la página **Territorio (importar límites)**, o\n"
        "- por línea de comandos: `python -m geo importar RUTA --provincia 0212`, o\n"
        "- al arrancar, con la variable `PLATAFORMA_LIMITES=RUTA`.")
    st.page_link("paginas/territorio.py", label="Ir a Territorio")


def texto_plano(texto: str) -> str:
    """Texto de usuario como texto plano dentro de markdown (sin HTML ni formato)."""
    especiales = "\\`*_{}[]()#+-.!|<>~$"
    return "".join(f"\\{c}" if c in especiales else c for c in texto)



def mostrar_problemas(mensajes: list[str], titulo: str = "Revise estos datos:") -> None:
    """Resumen de problemas arriba del formulario (cada campo muestra además el suyo)."""
    st.error(titulo + "\n\n" + "\n".join(f"- {texto_plano(m)}" for m in mensajes))


def problema_en(campo: str, clave_estado: str) -> None:
    """Muestra, debajo de un campo, el problema que le corresponde (si lo hay)."""
    mensaje = (st.session_state.get(clave_estado) or {}).get(campo)
    if mensaje:
        st.error(texto_plano(mensaje))


def selector_estable(etiqueta: str, opciones: dict, *, clave: str):
    """Un `st.selectbox` (opciones: valor → etiqueta) cuya elección sobrevive a que cambie su etiqueta.

    El navegador guarda la *etiqueta* elegida, no el valor: si la etiqueta cambia (el estado de una propuesta al
    admitirla, el nombre corregido de una persona), el navegador sigue mostrando la vieja y, en la próxima acción,
    la devuelve; Streamlit no la encuentra y vuelve a la primera opción sin avisar (y el formulario enviado se
    pierde o se aplica a otra). Por eso la elección vive en `<clave>_elegida` y el selector se repone desde allí
    en cada ejecución, con lo que el navegador recibe también la etiqueta nueva.
    """
    elegida = f"{clave}_elegida"
    if st.session_state.get(elegida) not in opciones:
        st.session_state[elegida] = next(iter(opciones))
    st.session_state[clave] = st.session_state[elegida]
    return st.selectbox(etiqueta, list(opciones), format_func=opciones.get, key=clave,
                        on_change=_recordar_eleccion, args=(clave, list(opciones)))


def _recordar_eleccion(clave: str, valores: list) -> None:
    if st.session_state.get(clave) in valores:
        st.session_state[f"{clave}_elegida"] = st.session_state[clave]


# --- sesión y permisos ------------------------------------------------------------------------

def actor_actual() -> Actor:
    """Quién usa la app en esta sesión: cuenta del equipo, participante con código o público.

    Revisa el vencimiento (30 min sin actividad, 12 h en total) en cada ejecución, en el servidor.
    """
    sesion: Sesion | None = st.session_state.get(CLAVE_SESION)
    if sesion is None:
        return PUBLICO
    ahora = geo.ahora()
    motivo = sesion.vencida(ahora)
    if motivo:
        del st.session_state[CLAVE_SESION]
        st.session_state[CLAVE_SESION_VENCIDA] = motivo
        return PUBLICO
    st.session_state[CLAVE_SESION] = dataclasses.replace(sesion, ultima_actividad=ahora)
    return sesion.actor


def iniciar(sesion: Sesion) -> None:
    st.session_state[CLAVE_SESION] = sesion


def cerrar_sesion() -> None:
    st.session_state.pop(CLAVE_SESION, None)


def exigir_pagina(accion: Accion) -> Actor:
    """Primera línea de cada página restringida: si el actor no puede, dice por qué y nada más."""
    actor = actor_actual()
    permiso = puede(actor, accion)
    if not permiso:
        st.title("Sin acceso")
        st.error(permiso.motivo)
        if actor == PUBLICO:
            st.page_link("paginas/entrar.py", label="Entrar con su cuenta o código")
        st.stop()
    return actor


def origen() -> str:
    """De dónde viene el pedido (IP si Streamlit la conoce; si no, la sesión), para limitar intentos."""
    ip = getattr(st.context, "ip_address", None)
    if ip:
        return f"ip:{ip}"
    if "_origen_sesion" not in st.session_state:
        st.session_state["_origen_sesion"] = secrets.token_hex(8)
    return f"sesion:{st.session_state['_origen_sesion']}"


def ip_de_la_red() -> str | None:
    """IP de esta computadora en la red local (la del Wi-Fi del taller). No envía nada: un socket UDP
    «conectado» solo le pregunta al sistema por qué interfaz saldría."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as prueba:
        try:
            prueba.connect(("10.254.254.254", 1))
            ip = prueba.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


LOCALES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"}


def url_para_celulares(actual: str, *, configurada: str | None, ip: str | None, base: str = "") -> str:
    """La dirección que va en los QR: la configurada (`PLATAFORMA_URL_PUBLICA`) o la de esta página, pero si
    esta es «localhost» (el proyector abierto en la misma laptop) con la IP de la red local, que es la que
    los celulares pueden abrir."""
    if configurada:
        return configurada.rstrip("/")
    partes = urllib.parse.urlsplit(actual)
    host, puerto = partes.hostname or "localhost", partes.port
    if host in LOCALES and ip:
        host = ip
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{puerto}" if puerto else ""
    base = base.strip("/")
    return f"{partes.scheme or 'http'}://{netloc}" + (f"/{base}" if base else "")


def url_publica() -> str:
    """Dirección con que los celulares abren la app (para los QR y tarjetas)."""
    actual = getattr(st.context, "url", None) or f"http://localhost:{st.get_option('server.port') or 8501}"
    return url_para_celulares(actual, configurada=os.environ.get("PLATAFORMA_URL_PUBLICA"), ip=ip_de_la_red(),
                              base=st.get_option("server.baseUrlPath") or "")


def url_del_taller(votacion_id: int) -> str:
    """El enlace del QR del taller: abre la votación directo, aun como primera página del celular."""
    return f"{url_publica()}/?taller={votacion_id}"
