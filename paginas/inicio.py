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
st.title(comun.t("Planificación participativa de {provincia}", provincia=comun.texto_plano(provincia)) if provincia
         else comun.t("Planificación participativa"))
st.markdown(
    (comun.t("Plataforma de la **Mesa de Concertación para la Lucha contra la Pobreza (MCLCP)** de la provincia de "
             "{provincia}. Aquí las organizaciones de la sociedad civil y las y los jóvenes:",
             provincia=comun.texto_plano(provincia)) if provincia else
     comun.t("Plataforma de la **Mesa de Concertación para la Lucha contra la Pobreza (MCLCP)** de la provincia. "
             "Aquí las organizaciones de la sociedad civil y las y los jóvenes:"))
    + "\n\n" + "\n".join([
        comun.t("1. **Proponen** proyectos ubicados en el mapa de los distritos;"),
        comun.t("2. **Deliberan**: argumentos a favor y en contra, apoyos;"),
        comun.t("3. **Priorizan** en talleres, votando desde el celular;"),
        comun.t("4. y el equipo técnico lleva la lista priorizada al **Plan de Desarrollo Local Concertado** y al "
                "**Presupuesto Participativo**.")]))

estado_inicial = comun.preparar_aplicacion(str(comun.ruta_db()))
if estado_inicial["error_inicial"]:
    st.error(comun.t("No se pudieron importar los límites indicados en PLATAFORMA_LIMITES:"))
    st.text(estado_inicial["error_inicial"])

with comun.conexion() as db:
    territorio = servicios.cargar_territorio(db)
    estado = servicios.estado_territorio(db)
    proceso = propuestas_servicios.proceso_actual(db)
    cantidad = propuestas_servicios.contar(db, proceso.id) if proceso else 0

st.header(comun.t("Territorio"))
if territorio is None:
    comun.sin_territorio()
else:
    limites = estado["limites"]
    columnas = st.columns(3)
    columnas[0].metric(comun.t("Distritos"), len(territorio.distritos))
    centros = estado["centros_poblados"]
    columnas[1].metric(comun.t("Centros poblados"), centros["informe"]["aceptados"] if centros else 0)
    indicadores = estado["indicadores"]
    columnas[2].metric(comun.t("Indicadores por distrito"),
                       len(indicadores["informe"]["columnas"]) if indicadores else 0)
    st.markdown(comun.t("Provincia **{provincia}** ({codigo}): {distritos}.",
                        provincia=comun.texto_plano(territorio.nombre_provincia()), codigo=territorio.provincia,
                        distritos=", ".join(comun.texto_plano(d.nombre) for d in territorio.distritos)))
    st.caption(comun.t("Límites importados de «{archivo}» el {fecha} por {quien}.",
                       archivo=comun.texto_plano(limites["archivo"]), fecha=limites["importado_en"][:10],
                       quien=comun.t_etiqueta(rol_publico(limites["actor"]))))
    st.page_link("paginas/mapa.py", label=comun.t("Ver el mapa del territorio"))

st.header(comun.t("Proceso participativo"))
if proceso is None:
    st.info(comun.t("Todavía no hay un proceso participativo registrado. Cuando la secretaría técnica lo cree, "
                    "aquí se verá su fase actual y sus fechas."))
else:
    hoy = propuestas_servicios.fecha_local(nucleo.ahora())
    fase = proceso.fase_en(hoy)
    st.markdown(comun.t("**{proceso}** · techo presupuestal {techo} · {n} propuestas registradas.",
                        proceso=comun.texto_plano(proceso.nombre), techo=formatear_soles(proceso.techo_centimos),
                        n=f"{cantidad:,}"))
    comun.tabla([{comun.t("Fase"): comun.t_etiqueta(p.fase.etiqueta), comun.t("Desde"): formatear_fecha(p.inicio),
                  comun.t("Hasta"): formatear_fecha(p.fin), "": comun.t("◀ ahora") if p.fase == fase else ""}
                 for p in proceso.fases], vacia=comun.t("El proceso no tiene fases."))
    permiso = proceso.permite(Accion.PROPONER, hoy)
    if permiso:
        # permiso.motivo, dicho aquí con la fase traducida (el dominio no traduce)
        st.success(comun.t("¡El registro de propuestas está abierto! Fase «{fase}» hasta el {fecha}.",
                           fase=comun.t_etiqueta(fase.etiqueta), fecha=formatear_fecha(proceso.periodo(fase).fin)))
        st.page_link("paginas/proponer.py", label=comun.t("Proponer un proyecto"))
    st.page_link("paginas/propuestas.py", label=comun.t("Ver las propuestas"))
