"""Portada: para qué sirve la plataforma y en qué estado está el territorio."""
import streamlit as st

import nucleo
from geo import servicios
from identidad.acceso import Accion, rol_publico
from nucleo.formato import formatear_fecha, formatear_soles
from paginas import comun
from propuestas import servicios as propuestas_servicios

provincia = comun.provincia()
comun.selector_de_idioma()
st.title(f"Planificación participativa de {comun.texto_plano(provincia)}" if provincia else "Planificación participativa")
st.markdown(
    "Plataforma de la **Mesa de Concertación para la Lucha contra la Pobreza (MCLCP)** de la "
    + (f"provincia de {comun.texto_plano(provincia)}" if provincia else "provincia") +
    ". Aquí las organizaciones de la sociedad civil y las y los jóvenes:\n\n"
    "1. **Proponen** proyectos ubicados en el mapa de los distritos;\n"
    "2. **Deliberan**: argumentos a favor y en contra, apoyos;\n"
    "3. **Priorizan** en talleres, votando desde el celular;\n"
    "4. y el equipo técnico lleva la lista priorizada al **Plan de Desarrollo Local Concertado** "
    "y al **Presupuesto Participativo**.")

estado_inicial = comun.preparar_aplicacion(str(comun.ruta_db()))
if estado_inicial["error_inicial"]:
    st.error("No se pudieron importar los límites indicados en PLATAFORMA_LIMITES:")
    st.text(estado_inicial["error_inicial"])

with comun.conexion() as db:
    territorio = servicios.cargar_territorio(db)
    estado = servicios.estado_territorio(db)
    proceso = propuestas_servicios.proceso_actual(db)
    cantidad = propuestas_servicios.contar(db, proceso.id) if proceso else 0

st.subheader("Territorio")
if territorio is None:
    comun.sin_territorio()
else:
    limites = estado["limites"]
    columnas = st.columns(3)
    columnas[0].metric("Distritos", len(territorio.distritos))
    centros = estado["centros_poblados"]
    columnas[1].metric("Centros poblados", centros["informe"]["aceptados"] if centros else 0)
    indicadores = estado["indicadores"]
    columnas[2].metric("Indicadores por distrito", len(indicadores["informe"]["columnas"]) if indicadores else 0)
    st.markdown(
        f"Provincia **{comun.texto_plano(territorio.nombre_provincia())}** ({territorio.provincia}): "
        + ", ".join(comun.texto_plano(d.nombre) for d in territorio.distritos) + ".")
    st.caption(f"Límites importados de «{comun.texto_plano(limites['archivo'])}» el "
               f"{limites['importado_en'][:10]} por {rol_publico(limites['actor'])}.")
    st.page_link("paginas/mapa.py", label="Ver el mapa del territorio")

st.subheader("Proceso participativo")
if proceso is None:
    st.info("Todavía no hay un proceso participativo registrado. Cuando la secretaría técnica lo cree, "
            "aquí se verá su fase actual y sus fechas.")
else:
    hoy = propuestas_servicios.fecha_local(nucleo.ahora())
    fase = proceso.fase_en(hoy)
    st.markdown(f"**{comun.texto_plano(proceso.nombre)}** · techo presupuestal "
                f"{formatear_soles(proceso.techo_centimos)} · {cantidad:,} propuestas registradas.")
    comun.tabla([{"Fase": p.fase.etiqueta, "Desde": formatear_fecha(p.inicio), "Hasta": formatear_fecha(p.fin),
                  "": "◀ ahora" if p.fase == fase else ""} for p in proceso.fases], vacia="El proceso no tiene fases.")
    permiso = proceso.permite(Accion.PROPONER, hoy)
    if permiso:
        st.success(f"¡El registro de propuestas está abierto! {permiso.motivo}")
        st.page_link("paginas/proponer.py", label="Proponer un proyecto")
    st.page_link("paginas/propuestas.py", label="Ver las propuestas")
