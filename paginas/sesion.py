"""La sesión de este navegador en las páginas: leerla de la cookie y revisarla en cada ejecución, entrar y salir,
llevar la cookie, decir cuando terminó, y exigir el rol de una página."""
from __future__ import annotations

import json
import os

import streamlit as st

import nucleo
from identidad import cuentas, participantes, sesiones
from identidad.acceso import PUBLICO, Accion, Actor, puede
from identidad.sesiones import Sesion
from paginas import cookie
from paginas.base import conexion
from paginas.texto import texto_plano

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
            return sesiones.revisar(db, token, ahora=nucleo.ahora())
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
            sesiones.cerrar(db, token, ahora=nucleo.ahora())
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
    """De dónde viene el pedido, para limitar intentos (ver identidad.cuentas.origen_del_pedido)."""
    ip = st.context.ip_address
    reenviado = [v for v in st.context.headers.get_all("X-Forwarded-For") if isinstance(v, str)]
    return cuentas.origen_del_pedido(ip if isinstance(ip, str) else None, reenviado, proxies_confiables())
