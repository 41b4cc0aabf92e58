"""Mapa del territorio: distritos, coropleta de un indicador, centros poblados y ficha del distrito."""
import streamlit as st
from streamlit_folium import st_folium

from geo import mapa, servicios
from paginas import comun

CLAVE_ULTIMO_CLIC = "mapa_ultimo_clic"
CLAVE_FICHA = "ficha_distrito"
# En un celular la ficha queda debajo del mapa, fuera de la pantalla: tras un toque se la trae a la vista (en una
# pantalla ancha está al lado del mapa y nada se mueve). `{punto}` hace distinto el guion de cada toque.
TRAER_LA_FICHA = """<script>/* {punto} */ (function () {{
    const ficha = document.querySelector(".st-key-{clave}");
    if (ficha && ficha.getBoundingClientRect().top > window.innerHeight - 80) {{
        ficha.style.scrollMarginTop = "4.5rem";  // bajo la barra de arriba de Streamlit
        ficha.scrollIntoView({{behavior: "smooth", block: "start"}});
    }}
}})();</script>"""
OCULTAS = {"distrito", "lat_capital", "lon_capital"}

st.title("Mapa del territorio")

with comun.conexion() as db:
    territorio = servicios.cargar_territorio(db)
    datos = servicios.datos_de_distritos(db) if territorio else {}
    centros = servicios.centros_poblados(db) if territorio else []

if territorio is None:
    comun.sin_territorio()
    st.stop()

opciones = [None, *mapa.indicadores_numericos(datos)]
indicador = st.selectbox("Colorear los distritos según", opciones, key="mapa_indicador",
                         format_func=lambda c: "Sin indicador" if c is None else mapa.etiqueta_indicador(c),
                         placeholder="Elija un indicador")
izquierda, derecha = st.columns([3, 2], gap="medium")
with izquierda:
    figura = mapa.mapa_distritos(territorio, datos=datos, indicador=indicador, centros=centros,
                                 prefijo=comun.prefijo_static())
    valor = st_folium(figura, key="mapa_territorio", height=560, use_container_width=True,
                      returned_objects=["last_clicked"])
    st.caption("Toque un distrito para ver su ficha. Capas (centros poblados, calles de OpenStreetMap "
               "cuando hay internet) en el botón de capas del mapa.")

punto = mapa.punto_desde_clic(valor)
es_clic_nuevo = punto is not None and punto != st.session_state.get(CLAVE_ULTIMO_CLIC)
if es_clic_nuevo:
    st.session_state[CLAVE_ULTIMO_CLIC] = punto
    elegido = territorio.ubicar(punto)
    st.session_state[comun.CLAVE_DISTRITO_ELEGIDO] = elegido.ubigeo if elegido else None

with derecha, st.container(key=CLAVE_FICHA):
    nombres = {d.ubigeo: d.nombre for d in territorio.distritos}
    ubigeo = st.selectbox("Distrito", [None, *nombres], key=comun.CLAVE_DISTRITO_ELEGIDO,
                          format_func=lambda u: "— elija o toque el mapa —" if u is None else nombres[u],
                          placeholder="Elija un distrito")
    if es_clic_nuevo and ubigeo is None:
        st.info(f"El punto {punto} está fuera de los distritos de la provincia.")
    if ubigeo:
        distrito = territorio.distrito(ubigeo)
        st.subheader(f"{comun.texto_plano(distrito.nombre)}")
        st.markdown(f"Ubigeo **{distrito.ubigeo}** · provincia {comun.texto_plano(distrito.provincia or '—')} "
                    f"· {comun.texto_plano(distrito.departamento or '—')}")
        filas = [{"Dato": "Superficie del polígono (km²)", "Valor": mapa.formatear(territorio.area_km2(ubigeo))},
                 {"Dato": "Centros poblados", "Valor": str(sum(c.ubigeo == ubigeo for c in centros))}]
        filas += [{"Dato": mapa.etiqueta_indicador(columna), "Valor": mapa.formatear(valor_dato)}
                  for columna, valor_dato in datos.get(ubigeo, {}).items() if columna not in OCULTAS]
        comun.tabla(filas, vacia="Sin datos de este distrito.")
if es_clic_nuevo:
    st.html(TRAER_LA_FICHA.format(punto=punto, clave=CLAVE_FICHA), unsafe_allow_javascript=True)
st.caption("Límites: INEI (censales, no legales). Indicadores: INEI, MINAM, PNUD, CEPLAN, MIDIS — "
           "según las columnas del archivo importado.")
