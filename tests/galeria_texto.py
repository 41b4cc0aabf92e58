"""Galería para `test_navegador_texto.py` (se corre con `streamlit run`): un texto hostil (`?caso=NOMBRE` de
`tests/hostil.py`) en cada widget de Streamlit que la app usa, como lo pone la app: `texto_plano` donde se lee
Markdown y el texto crudo donde no. Cada widget va en un contenedor `st-key-w_<widget>` para revisarlo aparte.

`?crudo=1` muestra el texto crudo en un st.markdown: el control de que la red de la prueba ve lo que sale."""
import streamlit as st

from paginas.comun import texto_plano
from tests.hostil import BLOQUES, HOSTILES

CASOS = {**HOSTILES, "bloques": BLOQUES}
crudo = CASOS[st.query_params.get("caso", "imagen")]
t = texto_plano(crudo)
una_linea = texto_plano(" ".join(crudo.split()))


def caja(nombre: str):
    return st.container(key=f"w_{nombre}")


if st.query_params.get("crudo"):
    with caja("crudo"):
        st.markdown(crudo)
    st.stop()

# --- donde Streamlit lee Markdown: texto_plano --------------------------------------------------
with caja("markdown"):
    st.markdown(t)
with caja("caption"):
    st.caption(t)
with caja("title"):
    st.title(t, anchor=False)
with caja("header"):
    st.header(t, anchor=False)
with caja("subheader"):
    st.subheader(t, anchor=False)
for aviso in ("error", "warning", "info", "success"):
    with caja(aviso):
        getattr(st, aviso)(t)
with caja("negrita"):
    st.markdown(f"**{t}**")
with caja("color"):
    st.markdown(f"- :red[{una_linea}]")
with caja("cita"):
    st.markdown(f"> {t}")
with caja("lista"):
    st.markdown(f"- {t}\n- otra")
with caja("numerada"):
    st.markdown(f"1. {t}")
with caja("button"):
    st.button(t, key="b_button")
with caja("download_button"):
    st.download_button(t, b"x", key="b_descarga")
with caja("link_button"):
    st.link_button(t, "/")
with caja("page_link"):
    st.page_link("http://127.0.0.1:1/", label=t)
with caja("popover"):
    with st.popover(t):
        st.write("adentro")
with caja("expander"):
    with st.expander(t):
        st.write("adentro")
with caja("tabs"):
    st.tabs([t, "otra"])
with caja("metric"):
    st.metric(t, t, delta=t)
with caja("checkbox"):
    st.checkbox(t, key="c_checkbox")
with caja("toggle"):
    st.toggle(t, key="c_toggle")
with caja("radio"):
    st.radio(t, [crudo, "otra"], format_func=texto_plano, captions=[t, ""], key="c_radio")
with caja("selectbox_etiqueta"):
    st.selectbox(t, ["a"], key="c_selectbox_etiqueta")
with caja("select_slider"):
    st.select_slider(t, [crudo, "otra"], format_func=texto_plano, key="c_select_slider")
with caja("pills"):
    st.pills("p", [crudo, "otra"], format_func=texto_plano, key="c_pills")
with caja("segmented_control"):
    st.segmented_control("s", [crudo, "otra"], format_func=texto_plano, key="c_segmented")
with caja("text_input"):
    st.text_input(t, key="c_text_input")
with caja("ayuda"):
    st.markdown("ayuda", help=t)
with caja("table"):
    st.table([{"columna": t}])
with caja("form"):
    with st.form("formulario"):
        st.form_submit_button(t)

# --- donde no se lee Markdown: el texto crudo ---------------------------------------------------
with caja("selectbox"):
    st.selectbox("opciones", [crudo, "otra"], key="c_selectbox")
with caja("multiselect"):
    st.multiselect("varias", [crudo, "otra"], default=[crudo], key="c_multiselect")
with caja("text"):
    st.text(crudo)
with caja("code"):
    st.code(crudo, language=None)
with caja("fin"):
    st.write("fin")
