"""Moderación: reportes pendientes (lo más reportado primero), ocultar o descartar con motivo, y lo oculto."""
import streamlit as st

from identidad.acceso import Accion
from nucleo.formato import formatear_momento
from paginas import comun
from paginas.facilitacion import avisar_retiro
from propuestas import deliberacion, servicios
from votacion import servicios as votacion_servicios

actor = comun.exigir_pagina(Accion.MODERAR)
st.title("Moderación")
comun.mostrar_aviso()
with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    pendientes, ocultos = deliberacion.cola_de_moderacion(db, proceso.id, actor=actor) if proceso else ([], [])
if proceso is None:
    st.info("Todavía no hay un proceso participativo.")
    st.stop()
st.caption("Nada se borra: ocultar deja el contenido guardado, visible para su autor y la facilitación, y el "
           "público ve «ocultado por moderación: motivo». Cada decisión queda en el registro de eventos.")

st.subheader(f"Reportes pendientes ({len(pendientes)})", anchor=False)
if not pendientes:
    st.success("No hay reportes pendientes.")
for pendiente in pendientes:
    clave = f"{pendiente.objeto}_{pendiente.objeto_id}"
    with st.container(border=True, key=f"pendiente_{clave}"):
        que = "Argumento" if pendiente.objeto == "argumento" else "Propuesta"
        st.markdown(f"**{que}** en [{pendiente.propuesta}]({comun.url_pagina('propuestas')}?propuesta="
                    f"{pendiente.propuesta}) · **{pendiente.reportes}** reporte{'s' if pendiente.reportes != 1 else ''}"
                    f" desde {formatear_momento(pendiente.primero_en)}" + (" · ya oculto" if pendiente.oculto else ""))
        st.markdown(f"> {comun.texto_plano(pendiente.texto or '')}")
        st.caption("Motivos: " + comun.texto_plano(", ".join(pendiente.categorias))
                   + (f" — {comun.texto_plano(pendiente.detalles)}" if pendiente.detalles else ""))
        motivo = st.text_input("Motivo de la decisión (el de ocultar lo verá el público)", key=f"motivo_{clave}")
        if pendiente.objeto == "propuesta" and not pendiente.oculto:
            avisar_retiro(pendiente.objeto_id)
        izquierda, derecha = st.columns(2)
        if not pendiente.oculto and izquierda.button("Ocultar", key=f"ocultar_{clave}", type="primary"):
            if pendiente.objeto == "propuesta":  # la retira también de la votación en curso, con el mismo motivo
                comun.ejecutar(votacion_servicios.ocultar_propuesta, "Ocultada; los reportes quedaron resueltos.",
                         propuesta_id=pendiente.objeto_id, motivo=motivo, actor=actor)
            else:
                comun.ejecutar(deliberacion.ocultar, "Ocultado; los reportes quedaron resueltos.", objeto=pendiente.objeto,
                         objeto_id=pendiente.objeto_id, motivo=motivo, actor=actor)
        if derecha.button("Descartar los reportes", key=f"descartar_{clave}"):
            comun.ejecutar(deliberacion.descartar_reportes, "Reportes descartados.", objeto=pendiente.objeto,
                     objeto_id=pendiente.objeto_id, motivo=motivo, actor=actor)

st.subheader(f"Oculto ahora ({len(ocultos)})", anchor=False)
for oculto in ocultos:
    clave = f"{oculto['objeto']}_{oculto['objeto_id']}"
    with st.container(border=True, key=f"oculto_{clave}"):
        st.markdown(f"**{oculto['objeto'].capitalize()}** en {oculto['codigo']} · oculto el {formatear_momento(oculto['oculto_en'])}"
                    f" · motivo: {comun.texto_plano(oculto['oculto_motivo'] or '')}")
        st.markdown(f"> {comun.texto_plano(oculto['texto'] or '')}")
        motivo = st.text_input("Motivo para volver a mostrarlo", key=f"motivo_restablecer_{clave}")
        if st.button("Restablecer", key=f"restablecer_{clave}"):
            comun.ejecutar(deliberacion.restablecer, "Se muestra otra vez.", objeto=oculto["objeto"],
                     objeto_id=oculto["objeto_id"], motivo=motivo, actor=actor)
