"""Piezas de la página «Votar»: qué votación se abre, entrar con el código desde la misma papeleta, los borradores
sin emitir y la tarjeta de cada propuesta."""
import contextlib
import hashlib
import html
import re
from pathlib import Path

import streamlit as st

import nucleo
from identidad import participantes
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_soles
from paginas import comun
from paginas.traduccion import t, t_etiqueta, t_mensaje
from propuestas import servicios as propuestas_servicios
from votacion import marcar, servicios
from votacion.modelo import Elegible, Papeleta, TipoPapeleta, Votacion


def elegir_votacion(db) -> int | None:
    """La votación del enlace (`?votacion=`) o, si no hay, la abierta del proceso actual (o a elegir)."""
    pedido = st.query_params.get("votacion", "") or st.query_params.get("taller", "")  # el QR del taller
    if pedido.isdigit() and len(pedido) <= 9:
        return int(pedido)
    proceso = propuestas_servicios.proceso_actual(db)
    votaciones = [v for v in servicios.listar(db, proceso.id)
                  if v.estado.en_curso] if proceso else []
    if not votaciones:
        return None
    if len(votaciones) == 1:
        return votaciones[0].id
    nombres = {v.id: f"{v.nombre} ({t_etiqueta(v.estado.etiqueta).lower()})" for v in votaciones}
    return st.selectbox(t("Votación"), list(nombres), format_func=nombres.get, key="votar_votacion",
                        placeholder=t("Elija una votación"))


@st.cache_resource
def borradores() -> dict[tuple[str, int, int], dict]:
    """(base, votación, participante) → lo marcado sin emitir; uno por servidor, compartido entre sesiones."""
    return {}


def entrar() -> None:
    """Callback de «Entrar y votar»: corre antes que la página, que así se dibuja ya con la sesión iniciada."""
    with comun.conexion() as db:
        try:
            sesion = participantes.entrar_con_codigo(db, st.session_state.get("votar_codigo", ""),
                                                     origen=comun.origen(), ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            st.session_state["votar_error_codigo"] = str(error)
        else:
            comun.iniciar(sesion)
            comun.avisar(t("¡Bienvenida o bienvenido! Ya puede votar."))


def pedir_codigo() -> None:
    """El formulario del código de acceso, para quien llega a la papeleta sin haber entrado."""
    # aquí mismo (el QR del taller trae a la gente directo a esta página): el código y a votar; el ingreso va
    # en el callback del botón, así la misma ejecución ya dibuja la papeleta (sin una vuelta más del servidor)
    with st.form("votar_entrar"):
        st.text_input(t("Código de acceso (está en su tarjeta)"), placeholder="ABCDE-FGHJK", key="votar_codigo")
        st.form_submit_button(t("Entrar y votar"), type="primary", width="stretch", on_click=entrar,
                              key="votar_entrar_y_votar")
    error = st.session_state.pop("votar_error_codigo", None)
    if error:
        st.error(comun.texto_plano(error))
    st.caption(t("¿No tiene tarjeta? Acérquese a la mesa de facilitación: le registran en el momento."))


@st.cache_data(max_entries=500, show_spinner=False)
def miniatura(ruta: str, foto_id: int) -> bytes | None:
    """Una por foto para todo el taller (no por celular): las fotos no cambian, cada una tiene su id."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        return servicios.miniatura(db, foto_id)


def tarjeta(e: Elegible, foto_id: int | None) -> st.delta_generator.DeltaGenerator:
    """La tarjeta de una propuesta en la papeleta: su foto (si tiene), título, distrito, costo y código."""
    codigo = e.codigo
    caja = st.container(border=True, key=f"tarjeta_{codigo}")
    if foto_id is not None:
        imagen = miniatura(str(comun.ruta_db()), foto_id)
        if imagen:
            caja.image(imagen, width="stretch")
    caja.markdown(f"**{comun.texto_plano(e.titulo)}**  \n{comun.texto_plano(e.distrito or '')} · "
                  f"{formatear_soles(e.costo_centimos)} · `{e.codigo}`")
    return caja


_ESTILO_CUENTA = """
.papeleta-cuenta { padding: .55rem .8rem; border-radius: .5rem; background: #eef2f6; color: #111; }
.papeleta-cuenta.aviso { background: #fff4d6; color: #4a2f00; border-left: 4px solid #9a5b00; }
.papeleta-cuenta.corta { background: transparent; padding: 0; font-size: .9rem; color: #333; }
.papeleta-barra { height: .6rem; background: #c9d3de; border-radius: .3rem; margin-top: .45rem; overflow: hidden; }
.papeleta-barra span { display: block; height: 100%; background: #0b4f8a; }
"""
_CUENTA = st.components.v2.component("plataforma.cuenta_papeleta", js=(Path(__file__).parent / "papeleta.js").read_text(
    encoding="utf-8"), css=_ESTILO_CUENTA, isolate_styles=False)


# Los marcadores que llena papeleta.js: `t` los deja tal cual (cada uno se «llena» consigo mismo).
_MARCADORES = {n: "{" + n + "}" for n in ("elegidas", "maximo", "quitar", "usadas", "total", "quedan", "usa", "techo")}


def textos_de_la_cuenta() -> dict[str, str]:
    """Los textos de la cuenta en el idioma de la sesión, con sus `{marcadores}` para que el navegador ponga los
    números (`**…**`: en negrita). Los mismos, en castellano, están en `TEXTOS` de papeleta.js."""
    return {
        "elegidas": t("Elegidas: **{elegidas} de {maximo}**", **_MARCADORES),
        "elegidas_corto": t("Elegidas: {elegidas} de {maximo}", **_MARCADORES),
        "de_mas": t("Elegidas: **{elegidas} de {maximo}**: quite {quitar} antes de votar.", **_MARCADORES),
        "semillas": t("Semillas repartidas: **{usadas} de {total}** · le quedan {quedan}", **_MARCADORES),
        "semillas_corto": t("Elegidas: {elegidas} · semillas {usadas} de {total}", **_MARCADORES),
        "presupuesto": t("Usa {usa} de {techo}", **_MARCADORES),
        "barra": t("Parte del techo que usa su papeleta"),
    }


def cuenta(votacion: Votacion, clave: str, costos: dict[str, int], marcada: Papeleta, resumen: marcar.Resumen,
           forma: str, *, guardar_en: str = "", limpiar: bool = False) -> None:
    """La cuenta de la papeleta («Elegidas: 2 de 5», las semillas o el techo), que el navegador recalcula con cada
    toque sin preguntarle al servidor (ver `papeleta.js`), con los textos del idioma de la sesión. `forma`: «arriba»
    (con la barra del techo, y guarda lo marcado en el navegador bajo `guardar_en`) o «boton» (la cuenta corta junto
    a «Votar»)."""
    textos = textos_de_la_cuenta()
    _CUENTA(key=f"{clave}_cuenta_{forma}", data={
        "tipo": votacion.tipo.value, "maximo": votacion.max_opciones, "puntos_total": votacion.puntos_total,
        "techo": votacion.techo_centimos, "costos": costos, "clave": clave, "forma": forma,
        "guardar_en": guardar_en, "limpiar": limpiar, "textos": textos,
        "inicial": cuenta_inicial(votacion, marcada, costos, resumen, textos)}, height="content")


_TEXTOS_POR_TIPO = {TipoPapeleta.PUNTOS: ("semillas", "semillas_corto"),
                    TipoPapeleta.PRESUPUESTO: ("presupuesto", None)}  # los demás: de `elegidas` (o `de_mas`)


def cuenta_inicial(votacion: Votacion, marcada: Papeleta, costos: dict[str, int], resumen: marcar.Resumen,
                   textos: dict[str, str]) -> dict | None:
    """La cuenta del primer dibujo: la de `marcar.resumen` (si hay, si es aviso, la fracción del techo), escrita con
    `textos` como la escribe `resumen` de papeleta.js (escapar, poner los números, `**…**` en negrita)."""
    if not resumen.texto:
        return None
    elegidas, usadas = len(marcada.elegidas), sum(marcada.puntos or ())
    valores = {"elegidas": elegidas, "maximo": votacion.max_opciones, "quitar": elegidas - votacion.max_opciones,
               "usadas": usadas, "total": votacion.puntos_total, "quedan": max(votacion.puntos_total - usadas, 0),
               "usa": formatear_soles(sum(costos.get(c, 0) for c in marcada.elegidas)),
               "techo": formatear_soles(votacion.techo_centimos)}

    def llenar(texto: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(valores.get(m[1], m[0])), texto)

    largo, corto = _TEXTOS_POR_TIPO.get(votacion.tipo, ("de_mas" if resumen.aviso else "elegidas", "elegidas_corto"))
    return {"html": re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", llenar(html.escape(textos[largo]))),
            "aviso": resumen.aviso, "fraccion": resumen.fraccion,
            "corto": llenar(textos[corto]).replace("**", "") if corto and resumen.junto_al_boton else None}


def llave_del_borrador(votacion_id: int, participante_id: int | None) -> str:
    """Dónde guarda el navegador lo marcado sin emitir: por base, votación y persona (sin datos personales)."""
    base = hashlib.sha256(str(comun.ruta_db()).encode()).hexdigest()[:10]
    return f"plataforma-papeleta-{base}-{votacion_id}-{participante_id}"


def instrucciones(votacion: Votacion) -> str:
    """`Votacion.instrucciones()` en el idioma de la página."""
    return t_mensaje(votacion.mensaje_instrucciones())
