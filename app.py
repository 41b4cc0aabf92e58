"""Plataforma de planificación participativa — MCLCP Huaylas. Solo enruta y prepara el marco."""
import streamlit as st

from paginas import comun

st.set_page_config(page_title="Planificación participativa · MCLCP Huaylas", layout="wide")
comun.preparar_aplicacion(str(comun.ruta_db()))
comun.avisar_si_es_demo()

navegacion = st.navigation({
    "Participar": [
        st.Page("paginas/inicio.py", title="Inicio", default=True, url_path="inicio"),
        st.Page("paginas/proponer.py", title="Proponer", url_path="proponer"),
        st.Page("paginas/propuestas.py", title="Propuestas", url_path="propuestas"),
        st.Page("paginas/mapa.py", title="Mapa del territorio", url_path="mapa"),
    ],
    "Equipo técnico y secretaría": [
        st.Page("paginas/evaluar.py", title="Evaluación técnica", url_path="evaluar"),
        st.Page("paginas/procesos.py", title="Procesos participativos", url_path="procesos"),
        st.Page("paginas/territorio.py", title="Territorio (importar límites)", url_path="territorio"),
    ],
})
navegacion.run()
