"""Piezas compartidas por las páginas: conexión por ejecución, preparación única, mensajes."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import re
import socket
import string
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

import geo
from geo import cuentas, mapa, servicios, sesiones
from geo.acceso import PUBLICO, Accion, Actor, puede
from geo.modelo import ErrorGeo, ImportacionInvalida
from geo.sesiones import Sesion
from paginas import cookie
from propuestas import participantes
from propuestas import servicios as propuestas_servicios
from votacion import servicios as votacion_servicios

CLAVE_DISTRITO_ELEGIDO = "distrito_elegido"


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
    geo.mantener_abierta(ruta)  # con el disco lleno, que solo fallen las escrituras (ver geo.db)
    with contextlib.closing(geo.abrir(ruta)) as db:
        origen = os.environ.get("PLATAFORMA_LIMITES")
        if origen:
            try:
                resultado["importacion_inicial"] = servicios.importar_al_iniciar(
                    db, origen, provincia=servicios.provincia_configurada(), ahora=geo.ahora())
            except (ErrorGeo, geo.ErrorAlmacen) as error:
                resultado["error_inicial"] = str(error)
    return resultado


def provincia() -> str | None:
    """El nombre de la provincia del territorio importado (None si aún no hay límites)."""
    with conexion() as db:
        return servicios.nombre_de_la_provincia(db)


def mesa() -> str:
    """«MCLCP Huaylas», o la provincia que se haya importado: nada del código dice qué provincia es."""
    return servicios.mesa_de(provincia())


def archivo_de_arranque() -> Path:
    """`static/datos/arranque_<puerto>.txt`: cambia cada vez que arranca este servidor (uno por puerto)."""
    return mapa.CARPETA_STATIC / "datos" / f"arranque_{st.get_option('server.port') or 8501}.txt"


def marcar_arranque() -> None:
    """Sin espacio en disco no se puede marcar: la página no se recargará sola tras un reinicio, pero abre."""
    archivo = archivo_de_arranque()
    try:
        archivo.parent.mkdir(parents=True, exist_ok=True)
        archivo.write_text(secrets.token_hex(8))
    except OSError:
        pass


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
        st.error(texto_plano(str(error)))
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


# --- texto de usuario en la interfaz ----------------------------------------------------------
#
# En Streamlit 1.67 casi todo lo que dibuja texto lo lee como Markdown (GFM con remark): st.markdown,
# caption, title/header/subheader, error/warning/info/success, toast, help=, las etiquetas de todos los
# widgets (button, download_button, link_button, page_link, popover, expander, tabs, checkbox, toggle,
# radio, selectbox, text_input…), las opciones de radio, pills, segmented_control y select_slider, los
# valores de st.metric y las celdas de st.table. Las etiquetas admiten un Markdown «limitado» que igual
# deja pasar imágenes (`![](http://…)`: el navegador de cada visitante las pide afuera) y enlaces.
# No leen Markdown: las opciones de selectbox y multiselect (`format_func`), st.dataframe/data_editor,
# st.text, st.code y el valor de los text_input.

_PUNTUACION_ASCII = frozenset(string.punctuation)
CORTE = ":small[]"
"""Un `:small[]` vacío: para Streamlit es un <span> sin contenido, que no se ve ni se copia pero parte el
texto en dos. Hace falta porque remark hace reemplazos *después* de leer el Markdown, sobre el texto ya sin
escapes: enlaces automáticos (`www.`, `http://`, correos), emojis (`:smile:`), íconos (`:material/…:`), el
logo (`:streamlit:`) y flechas (` -> ` se vuelve «→»). Un escape no los detiene; el corte sí."""
_DONDE_CORTAR = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))|(?<=-)(?=[->])|(?<=<)(?=[-=])|(?<=[>~])(?==)")


def texto_plano(texto: object) -> str:
    """Texto de usuario (o un mensaje que lo cite) listo para cualquier lugar que Streamlit lea como Markdown:
    se ve y se copia tal cual, sin formato, enlaces, imágenes, HTML, LaTeX, colores, íconos ni emojis.

    Úsela para todo texto variable en st.markdown/caption/encabezados/avisos, en `label=`, `help=`, en las
    opciones de st.radio (`format_func`), en st.metric y dentro de marcado propio (`f"**{texto_plano(t)}**"`).
    Recorte antes (`texto_plano(titulo[:60])`), nunca después. Donde no se lee Markdown (opciones de
    selectbox y multiselect, st.dataframe, st.text, st.code, valores de text_input) va el texto crudo: ahí
    los escapes se verían como `\\`. En HTML propio (`st.html`, folium) va `html.escape`; en los PDF, crudo.

    Cómo: cada signo de puntuación ASCII se escapa con `\\` (CommonMark lo permite para todos y el navegador
    no muestra la barra), se pone `CORTE` donde remark haría un reemplazo, y cada salto de línea es un salto
    visible dentro de un solo párrafo (sin sangría, que sería un bloque de código). Lo prueban, widget por widget
    y en Chromium, tests/test_navegador_texto.py; si cambia la versión de Streamlit, córrala antes que nada.
    """
    texto = "" if texto is None else str(texto).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not texto:
        return ""
    lineas = texto.split("\n")
    return "  \n".join(_linea(linea.strip(" \t")) for linea in lineas)


def _linea(linea: str) -> str:
    """Una línea escapada y cortada; la vacía lleva un `CORTE` para no cerrar el párrafo (todo el texto queda en
    uno solo y cabe dentro de marcado propio como `**…**`, `> …` o `- …`)."""
    if not linea:
        return CORTE
    return CORTE.join("".join(f"\\{c}" if c in _PUNTUACION_ASCII else c for c in trozo)
                      for trozo in _DONDE_CORTAR.split(linea))


def tabla(filas: list[dict], *, vacia: str, **opciones):
    """`st.dataframe` en castellano: sin filas, el mensaje `vacia` (Streamlit dibujaría una tabla que dice «empty»);
    un dato que falta se ve «—» (no «None»). Devuelve lo que devuelve `st.dataframe` (None si no hubo tabla)."""
    if not filas:
        st.caption(vacia)
        return None
    opciones = {"hide_index": True, "width": "stretch", "placeholder": "—", **opciones}
    return st.dataframe(filas, **opciones)


def mostrar_problemas(mensajes: list[str], titulo: str = "Revise estos datos:") -> None:
    """Resumen de problemas arriba del formulario (cada campo muestra además el suyo)."""
    st.error(titulo + "\n\n" + "\n".join(f"- {texto_plano(m)}" for m in mensajes))


def problema_en(campo: str, clave_estado: str) -> None:
    """Muestra, debajo de un campo, el problema que le corresponde (si lo hay)."""
    mensaje = (st.session_state.get(clave_estado) or {}).get(campo)
    if mensaje:
        st.error(texto_plano(mensaje))


def selector_estable(etiqueta: str, opciones: dict, *, clave: str, placeholder: str = "Elija una opción"):
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
    return st.selectbox(etiqueta, list(opciones), format_func=opciones.get, key=clave, placeholder=placeholder,
                        on_change=_recordar_eleccion, args=(clave, list(opciones)))


def _recordar_eleccion(clave: str, valores: list) -> None:
    if st.session_state.get(clave) in valores:
        st.session_state[f"{clave}_elegida"] = st.session_state[clave]


# --- sesión y permisos ------------------------------------------------------------------------
# La sesión vive en el servidor (geo.sesiones) y el navegador guarda su token en una cookie (paginas/cookie.py):
# sobrevive a recargar la página y a abrir otra pestaña. `CLAVE_TOKEN` lo guarda también en la sesión de Streamlit
# (recién entrado, el websocket abierto todavía no trae la cookie nueva); al abrir la página se toma de la cookie.

CLAVE_TOKEN = "sesion_token"
CLAVE_SESION_TERMINADA = "sesion_terminada"
CLAVE_ENTREGA = "sesion_entrega"

LLEVAR_COOKIE = """<script>
// Lleva la cookie de sesión al navegador: la ruta responde Set-Cookie (HttpOnly) al número de un solo uso.
fetch(%s, {method: "POST", body: %s, credentials: "same-origin", cache: "no-store"});
</script>"""


def cookie_del_navegador() -> str | None:
    """El token que trae la cookie de este navegador (del saludo del websocket), o None (también en AppTest,
    que no tiene navegador)."""
    valor = st.context.cookies.get(cookie.nombre())
    return valor if isinstance(valor, str) and valor else None


def sesion_actual() -> Sesion | None:
    """La sesión de este navegador revisada en la base en cada ejecución (viva, no revocada, cuenta activa).

    Si terminó, no se baja a «Público» en silencio: queda el motivo para `avisar_sesion_terminada`.
    """
    if CLAVE_TOKEN not in st.session_state:
        st.session_state[CLAVE_TOKEN] = cookie_del_navegador()
    token = st.session_state[CLAVE_TOKEN]
    if not token:
        return None
    with conexion() as db:
        try:
            return sesiones.revisar(db, token, ahora=geo.ahora())
        except sesiones.SesionTerminada as error:
            st.session_state[CLAVE_TOKEN] = None
            if str(error) != sesiones.SALIO:
                st.session_state[CLAVE_SESION_TERMINADA] = str(error)
            return None


def actor_actual() -> Actor:
    """Quién usa la app: cuenta del equipo, participante con código o público (revisado en la base)."""
    sesion = sesion_actual()
    return sesion.actor if sesion else PUBLICO


def nombre_de(actor: Actor) -> str:
    """Cómo se llama quien entró, para saludarle y mostrarle con quién entró: el nombre de la persona, no su usuario
    ni su número de participante. Es texto de usuario: se muestra con `texto_plano`."""
    if actor.cuenta_id is None and actor.participante_id is None:
        return actor.nombre
    with conexion() as db:
        if actor.cuenta_id is not None:
            return cuentas.nombre_de(db, actor=actor)
        return participantes.nombre_propio(db, actor=actor)


def iniciar(sesion: Sesion) -> None:
    """Recién entrado: esta página ya usa la sesión, y la cookie viaja al navegador (`llevar_cookie`)."""
    st.session_state[CLAVE_TOKEN] = sesion.token
    st.session_state.pop(CLAVE_SESION_TERMINADA, None)
    st.session_state[CLAVE_ENTREGA] = cookie.ENTREGAS.preparar(sesion.token)


def cerrar_sesion() -> None:
    """Salir: la sesión se revoca en el servidor (la cookie ya no abre nada) y se borra del navegador."""
    token = st.session_state.get(CLAVE_TOKEN)
    if token:
        with conexion() as db:
            sesiones.cerrar(db, token, ahora=geo.ahora())
    olvidar_sesion()


def olvidar_sesion() -> None:
    st.session_state[CLAVE_TOKEN] = None
    st.session_state.pop(CLAVE_SESION_TERMINADA, None)
    st.session_state[CLAVE_ENTREGA] = cookie.ENTREGAS.preparar(None)


def llevar_cookie() -> None:
    """En cada ejecución del marco: si hay una entrega pendiente (se entró o se salió), el `<script>` que la
    lleva; se dibuja hasta que la ruta la retira (una recarga a medias no la pierde)."""
    numero = st.session_state.get(CLAVE_ENTREGA)
    if not numero:
        return
    if not cookie.ENTREGAS.pendiente(numero):
        del st.session_state[CLAVE_ENTREGA]
        return
    ruta = cookie.ruta_con_base(st.get_option("server.baseUrlPath") or "")
    st.iframe(LLEVAR_COOKIE % (json.dumps(ruta), json.dumps(numero)), height=1)


def avisar_sesion_terminada(pagina: str) -> None:
    """Si la sesión de este navegador terminó (venció, salió en otra pestaña, se la revocaron), lo dice y ofrece
    entrar de nuevo o seguir como público; hasta que la persona elija, no se muestra la página como público."""
    motivo = st.session_state.get(CLAVE_SESION_TERMINADA)
    if not motivo:
        return
    st.warning(f"**Ya no está dentro de la plataforma.** {texto_plano(motivo)}", icon=":material/logout:")
    entrar, seguir = st.columns(2)
    if pagina != "entrar":
        entrar.page_link("paginas/entrar.py", label="Entrar de nuevo", icon=":material/login:")
    if seguir.button("Seguir sin entrar (como público)", key="sesion_seguir_sin_entrar"):
        olvidar_sesion()
        st.rerun()
    if pagina != "entrar":
        st.stop()


def exigir_pagina(accion: Accion) -> Actor:
    """Primera línea de cada página restringida: si el actor no puede, dice por qué y nada más."""
    actor = actor_actual()
    permiso = puede(actor, accion)
    if not permiso:
        st.title("Sin acceso")
        st.error(texto_plano(permiso.motivo))
        if actor == PUBLICO:
            st.page_link("paginas/entrar.py", label="Entrar con su cuenta o código")
        st.stop()
    return actor


def proxies_confiables() -> set[str]:
    """`PLATAFORMA_PROXY_CONFIABLE`: IP de los proxies cuyo `X-Forwarded-For` se cree (separadas por comas)."""
    return {p.strip() for p in os.environ.get("PLATAFORMA_PROXY_CONFIABLE", "").split(",") if p.strip()}


def origen() -> str:
    """De dónde viene el pedido, para limitar intentos (ver geo.cuentas.origen_del_pedido)."""
    ip = st.context.ip_address
    reenviado = [v for v in st.context.headers.get_all("X-Forwarded-For") if isinstance(v, str)]
    return cuentas.origen_del_pedido(ip if isinstance(ip, str) else None, reenviado, proxies_confiables())


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
