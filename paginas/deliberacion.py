"""Resumen de la deliberación del proceso: lo más debatido, el desacuerdo fuerte y la participación por distrito."""
import streamlit as st
from streamlit_folium import st_folium

from geo import mapa
from geo import servicios as territorio
from paginas import comun
from propuestas import deliberacion, servicios

MEDIDAS = {
    "participantes_por_mil": "Participantes por 1,000 habitantes", "participantes": "Participantes",
    "argumentos_por_mil": "Argumentos por 1,000 habitantes", "argumentos": "Argumentos",
}

st.title("Deliberación")
with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    vigente = territorio.cargar_territorio(db)
    resumen = deliberacion.resumen(db, proceso.id) if proceso else None
if proceso is None or vigente is None:
    st.info("Todavía no hay un proceso participativo con territorio importado.")
    st.stop()
st.caption(comun.texto_plano(proceso.nombre))
columnas = st.columns(3)
columnas[0].metric("Argumentos", f"{resumen.totales['argumentos']:,}")
columnas[1].metric("Apoyos", f"{resumen.totales['apoyos']:,}")
columnas[2].metric("Propuestas con debate", f"{resumen.totales['propuestas_con_debate']:,}")


def tabla(filas: list[dict], clave: str) -> None:
    enlace = comun.url_pagina("propuestas") + "?propuesta="
    comun.tabla([{"Propuesta": enlace + f["codigo"], "Título": f["titulo"], "Distrito": f["distrito"],
                  "A favor": f["a_favor"], "En contra": f["en_contra"], "Observaciones": f["observacion"],
                  "Apoyos": f["apoyos"], "Equilibrio": f["equilibrio"]} for f in filas],
                vacia="Todavía no hay propuestas con argumentos o apoyos.", key=clave,
                column_config={"Propuesta": st.column_config.LinkColumn(display_text=r"propuesta=(.*)$"),
                               "Equilibrio": st.column_config.ProgressColumn(
                                   min_value=0, max_value=1, format="%.2f",
                                   help="1 = tantos argumentos a favor como en contra; 0 = todos de un lado.")})


st.header("Las más debatidas", anchor=False)
if resumen.mas_debatidas:
    tabla(resumen.mas_debatidas, "deliberacion_debatidas")
else:
    st.caption("Aún no hay argumentos.")
st.header("Con desacuerdo fuerte", anchor=False)
st.caption("Al menos 2 argumentos de cada lado y el lado menor con la mitad o más de los del mayor: conviene "
           "tratarlas en el taller.")
if resumen.en_desacuerdo:
    tabla(resumen.en_desacuerdo, "deliberacion_desacuerdo")
else:
    st.caption("Ninguna por ahora.")

st.header("Participación por distrito", anchor=False)
medida = st.selectbox("Colorear según", list(MEDIDAS), format_func=MEDIDAS.get, key="deliberacion_medida",
                      placeholder="Elija una medida")
datos = {u: {MEDIDAS[m]: v.get(m) for m in MEDIDAS} for u, v in resumen.por_distrito.items() if u}
figura = mapa.mapa_distritos(vigente, datos=datos, indicador=MEDIDAS[medida], prefijo=comun.prefijo_static(), alto=480)
st_folium(figura, key="deliberacion_mapa", height=480, use_container_width=True, returned_objects=[])
nombres = {d.ubigeo: d.nombre for d in vigente.distritos}
comun.tabla([{"Distrito": nombres.get(u, "Sin distrito registrado" if not u else u), **{MEDIDAS[m]: v.get(m)
                                                                                       for m in MEDIDAS},
              "Población": v.get("poblacion")} for u, v in sorted(resumen.por_distrito.items())],
            vacia="Todavía nadie argumentó ni apoyó.", key="deliberacion_distritos")
st.caption("Participantes: personas con código que argumentaron o apoyaron, según el distrito con que se "
           "registraron. Argumentos: según el distrito de la propuesta. Población: la del archivo de indicadores "
           "importado (proyección INEI 2025 si está).")
