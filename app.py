"""Plataforma de planificación participativa — MCLCP Huaylas. Solo enruta y prepara el marco."""
import streamlit as st

from paginas import comun

st.set_page_config(page_title="Planificación participativa · MCLCP Huaylas", layout="wide")
comun.preparar_aplicacion(str(comun.ruta_db()))

navegacion = st.navigation([
    st.Page("paginas/inicio.py", title="Inicio", default=True, url_path="inicio"),
    st.Page("paginas/mapa.py", title="Mapa del territorio", url_path="mapa"),
    st.Page("paginas/territorio.py", title="Territorio (importar límites)", url_path="territorio"),
])
navegacion.run()
