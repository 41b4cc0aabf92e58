"""Respaldo: descargar una copia consistente de la base y restaurar desde un respaldo."""
import tempfile
from pathlib import Path

import streamlit as st

import nucleo
from identidad import respaldo
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from paginas import comun
from votacion.servicios import MIGRACIONES

actor = comun.exigir_pagina(Accion.RESPALDAR)
st.title("Respaldo")
comun.mostrar_aviso()
st.markdown("Descargue una copia de toda la base (propuestas, evaluaciones, participantes, eventos). "
            "Guárdela fuera de esta computadora. **Contiene datos personales** (nombres, DNI, celulares y correos; "
            "Ley 29733): guárdela cifrada o bajo llave, no la comparta, y al restaurarla recuerde que vuelven los "
            "datos que se hayan borrado después de sacarla.")
if st.button("Preparar respaldo", key="respaldo_preparar", type="primary"):
    with tempfile.TemporaryDirectory() as carpeta, comun.conexion() as db:
        try:
            ruta = respaldo.respaldar(db, Path(carpeta) / "respaldo.db", actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            st.session_state["respaldo_bytes"] = ruta.read_bytes()
if st.session_state.get("respaldo_bytes"):
    st.download_button("Descargar respaldo", st.session_state["respaldo_bytes"], key="respaldo_descargar",
                       file_name=f"plataforma-{nucleo.ahora():%Y%m%d-%H%M}-con-datos-personales.db", mime="application/vnd.sqlite3")

st.subheader("Restaurar", anchor=False)
st.warning("Restaurar reemplaza **todos** los datos actuales por los del respaldo. Antes se guarda una copia "
           "de la base actual en `datos/respaldos/`.")
limite = st.get_option("server.maxUploadSize")
subido = st.file_uploader("Archivo de respaldo (.db)", key="respaldo_archivo", max_upload_size=limite)
st.caption(f"Por esta página, hasta {limite} MB. Un respaldo más grande se restaura en el servidor con "
           "`python -m geo restaurar RUTA`.")
confirmado = st.checkbox("Entiendo que los datos actuales se reemplazan", key="respaldo_confirmo")
if subido is not None and st.button("Restaurar", key="respaldo_restaurar", disabled=not confirmado):
    with tempfile.TemporaryDirectory() as carpeta, comun.conexion() as db:
        origen = Path(carpeta) / "subido.db"
        origen.write_bytes(subido.getvalue())
        try:
            respaldo.restaurar(db, origen, migraciones=MIGRACIONES, actor=actor, ahora=nucleo.ahora(), nombre=subido.name)
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            comun.cerrar_sesion()
            comun.avisar("Base restaurada. Vuelva a entrar (las cuentas son las del respaldo).")
            st.switch_page("paginas/entrar.py")
