"""El texto en la interfaz: texto de usuario mostrado como texto, mensajes, tablas y selectores estables."""
from __future__ import annotations

import math
import re
import string

import streamlit as st

from geo.modelo import ImportacionInvalida
from nucleo.errores import Problema
from paginas.traduccion import t, t_problema
from propuestas import hoja


def mostrar_error(error: Exception) -> None:
    """Muestra un error del dominio: si trae problemas, uno por línea."""
    if isinstance(error, ImportacionInvalida):
        st.error(f"No se importó «{texto_plano(error.archivo)}»; el territorio anterior sigue igual.")
        st.markdown("\n".join(f"- {texto_plano(str(p))}" for p in error.problemas))
    elif getattr(error, "problemas", None):
        mostrar_problemas(list(error.problemas))
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


def mostrar_problemas(mensajes: list[str | Problema], titulo: str | None = None) -> None:
    """Resumen de problemas arriba del formulario (cada campo muestra además el suyo), en el idioma de la página."""
    st.error((titulo or t("Revise estos datos:")) + "\n\n"
             + "\n".join(f"- {texto_plano(t_problema(m))}" for m in mensajes))


def problema_en(campo: str, clave_estado: str) -> None:
    """Muestra, debajo de un campo, el problema que le corresponde (si lo hay), en el idioma de la página."""
    mensaje = (st.session_state.get(clave_estado) or {}).get(campo)
    if mensaje:
        st.error(texto_plano(t_problema(mensaje)))


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
# La sesión vive en el servidor (identidad.sesiones) y el navegador guarda su token en una cookie (paginas/cookie.py):
# sobrevive a recargar la página y a abrir otra pestaña. `CLAVE_TOKEN` lo guarda también en la sesión de Streamlit
# (recién entrado, el websocket abierto todavía no trae la cookie nueva); al abrir la página se toma de la cookie.


def reponer(clave: str) -> None:
    """Antes de un selector cuyas opciones se traducen: el navegador guarda la *etiqueta* elegida, no el valor, y
    tras cambiar de idioma devolvería la vieja, que Streamlit ya no encuentra (la elección se perdería en silencio).
    Reponer el valor desde la sesión en cada ejecución le manda al navegador la etiqueta en el idioma de ahora."""
    if st.session_state.get(clave) is not None:
        st.session_state[clave] = st.session_state[clave]


def cargador_de_hoja(etiqueta: str, prefijo: str):
    """El cargador de una hoja de cálculo para importar (Excel .xlsx o CSV, hasta el máximo que lee
    `propuestas.hoja`). Su clave lleva un número de lote: `vaciar_cargador` lo sube tras importar y el cargador vuelve
    vacío, listo para otra hoja, sin volver a importar la misma."""
    return st.file_uploader(etiqueta, type=["xlsx", "csv"],
                            key=f"{prefijo}_archivo_{st.session_state.get(f'{prefijo}_lote', 0)}",
                            max_upload_size=math.ceil(hoja.MAXIMO_BYTES / 2**20))


def vaciar_cargador(prefijo: str) -> None:
    st.session_state[f"{prefijo}_lote"] = st.session_state.get(f"{prefijo}_lote", 0) + 1
