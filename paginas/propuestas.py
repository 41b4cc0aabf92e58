"""Propuestas: lista y mapa con los mismos filtros, y la ficha de cada una (`?propuesta=CODIGO`)."""
import streamlit as st
from streamlit_folium import st_folium

import nucleo
from geo import mapa
from geo import servicios as territorio
from geo.modelo import Punto, distancia_m
from identidad.acceso import Accion, puede
from nucleo.errores import ErrorPlataforma
from paginas import comun, debate, ficha
from propuestas import deliberacion, servicios
from propuestas import mapa as mapa_propuestas
from propuestas.modelo import TRANSICIONES, Estado

ESTADOS_VISIBLES = [e.value for e in Estado if e not in (Estado.BORRADOR,)]


@st.cache_resource(max_entries=64, show_spinner=False)
def listado(ruta: str, proceso_id: int, filtros: tuple, version: tuple, enlace: str) -> tuple[list[dict], str]:
    """Filas filtradas y su JSON publicado para el mapa; se recalcula solo si cambian los filtros o los datos
    (`version`). La caché guarda datos, nunca la conexión; nadie modifica las filas devueltas."""
    ubigeo, eje, estados, texto, juveniles, orden = filtros
    with comun.conexion() as db:
        filas = servicios.buscar(db, proceso_id, ubigeo=ubigeo, eje=eje, estados=list(estados), texto=texto,
                                 juveniles=juveniles)
        deliberacion.anotar_cuentas(db, proceso_id, filas, orden)
    return filas, mapa_propuestas.publicar_datos(filas, enlace=enlace)

with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    vigente = territorio.cargar_territorio(db)

codigo = st.query_params.get("propuesta")
actor = comun.actor_actual()
if codigo:
    with comun.conexion() as db:
        try:
            la_ficha = servicios.obtener(db, codigo, actor=actor)
            foto = servicios.foto(db, codigo, actor=actor)
        except ErrorPlataforma as error:
            st.warning(comun.texto_plano(str(error)))
            la_ficha = None
    if st.button("← Todas las propuestas", key="propuestas_volver"):
        del st.query_params["propuesta"]
        st.rerun()
    if la_ficha and la_ficha.propuesta.oculta_en and not servicios.puede_ver_oculta(actor, la_ficha.propuesta):
        st.header(la_ficha.propuesta.codigo, anchor=False)
        st.markdown(f":material/block: *Propuesta ocultada por moderación: {comun.texto_plano(la_ficha.propuesta.oculta_motivo)}*")
        st.stop()
    if la_ficha:
        if la_ficha.propuesta.oculta_en:
            st.warning("Ocultada por moderación (solo su autor y la facilitación la ven): "
                       + comun.texto_plano(la_ficha.propuesta.oculta_motivo))
        ficha.mostrar_ficha(la_ficha, foto)
        st.caption("Enlace para compartir (cópielo):")
        st.code(f"{comun.url_publica()}/propuestas?propuesta={la_ficha.propuesta.codigo}", language=None,
                wrap_lines=True)
        propuesta = la_ficha.propuesta
        with st.popover("Reportar esta propuesta", key="propuesta_reportar"):
            debate.reportar("propuesta", propuesta.id, actor)
        debate.mostrar(propuesta, actor)
        if Estado.RETIRADA in TRANSICIONES.get(propuesta.estado, ()) and \
                actor.participante_id is not None and puede(actor, Accion.RETIRAR_PROPUESTA, propuesta):
            with st.form("propuestas_retirar"):
                motivo = st.text_area("¿Por qué la retira? (queda en su historia; nada se borra)", key="retirar_motivo")
                if st.form_submit_button("Retirar mi propuesta"):
                    with comun.conexion() as db:
                        try:
                            servicios.transicionar(db, propuesta.codigo, Estado.RETIRADA, actor=actor, motivo=motivo,
                                                   ahora=nucleo.ahora())
                        except ErrorPlataforma as error:
                            comun.mostrar_error(error)
                        else:
                            st.rerun()
    st.stop()

comun.selector_de_idioma()
st.title("Propuestas")
if vigente is None:
    comun.sin_territorio()
    st.stop()
if proceso is None:
    st.info("Todavía no hay un proceso participativo.")
    st.stop()
st.caption(comun.texto_plano(proceso.nombre))

TARJETAS_POR_VEZ = 24
distritos = {d.ubigeo: d.nombre for d in vigente.distritos}
columnas = st.columns(2)
ubigeo = columnas[0].selectbox("Distrito", [None, *distritos], format_func=lambda u: "Todos" if u is None else distritos[u],
                               key="filtro_distrito", placeholder="Elija un distrito")
texto = columnas[1].text_input("Buscar", key="filtro_texto", placeholder="Palabras del título, el problema o el lugar")
with st.expander("Más filtros y orden", icon=":material/tune:"):
    columnas = st.columns(2)
    eje = columnas[0].selectbox("Eje del PDLC", [None, *proceso.ejes], format_func=lambda e: "Todos" if e is None else e,
                                key="filtro_eje", placeholder="Elija un eje")
    estados = columnas[1].multiselect("Estado", ESTADOS_VISIBLES, format_func=lambda e: Estado(e).etiqueta,
                                      key="filtro_estado", placeholder="Todos")
    orden = columnas[0].selectbox("Ordenar", list(deliberacion.ORDENES), format_func=deliberacion.ORDENES.get,
                                  key="filtro_orden", placeholder="Elija un orden")
    juveniles = columnas[1].toggle("Solo propuestas juveniles", key="filtro_juveniles")
with comun.conexion() as db:
    version = (servicios.version_del_listado(db, proceso.id), deliberacion.version(db))
    centros = territorio.centros_poblados(db)
filtros = (ubigeo, eje, tuple(estados), texto, juveniles, orden)
filas, publicado = listado(str(comun.ruta_db()), proceso.id, filtros, version, comun.url_pagina("propuestas"))
st.markdown(f"**{len(filas):,} propuesta{'' if len(filas) == 1 else 's'}**")

figura = mapa_propuestas.mapa_propuestas(vigente, filas, enlace=comun.url_pagina("propuestas"), centros=centros,
                                        prefijo=comun.prefijo_static(), publicado=publicado)
valor = st_folium(figura, key="propuestas_mapa", height=480, use_container_width=True,
                  returned_objects=["last_object_clicked"])
punto = mapa.punto_desde_clic(valor, "last_object_clicked")
if punto is not None and filas:
    cercana = min(filas, key=lambda f: distancia_m(punto, Punto(f["lat"], f["lon"])))
    if st.button(f"Abrir {cercana['codigo']}: {comun.texto_plano(cercana['titulo'][:60])}",
                 key="propuestas_abrir_mapa"):
        st.query_params["propuesta"] = cercana["codigo"]
        st.rerun()

# La lista en tarjetas (de a tres por fila en pantalla ancha; una debajo de otra en un celular, en el mismo orden)
mostradas = st.session_state.get("propuestas_mostradas", TARJETAS_POR_VEZ)
visibles = filas[:mostradas]
for inicio in range(0, len(visibles), 3):
    for columna, fila in zip(st.columns(3), visibles[inicio:inicio + 3]):
        with columna:
            ficha.mostrar_tarjeta(fila)
if len(filas) > mostradas:
    if st.button(f"Ver {min(TARJETAS_POR_VEZ, len(filas) - mostradas)} más (quedan {len(filas) - mostradas})",
                 key="propuestas_ver_mas", icon=":material/expand_more:"):
        st.session_state["propuestas_mostradas"] = mostradas + TARJETAS_POR_VEZ
        st.rerun()
elif not filas:
    st.info("Ninguna propuesta cumple estos filtros.")

if filas:
    with st.expander("Ver como tabla (para ordenar por columna o descargar)", icon=":material/table:"):
        tabla = comun.tabla(
            [{"Código": f["codigo"], "Título": f["titulo"], "Distrito": f["distrito"],
              "Estado": Estado(f["estado"]).etiqueta,
              "Costo estimado (S/)": f["costo_centimos"] / 100 if f["costo_centimos"] is not None else None,
              "Costo validado (S/)": (f["costo_validado_centimos"] / 100
                                      if f["costo_validado_centimos"] is not None else None),
              "Apoyos": f["apoyos"], "Argumentos": f["argumentos"],
              "Puntaje técnico": f["puntaje_tecnico"], "Juvenil": "sí" if f["proponente_tipo"] == "joven" else "",
              "Organización de mujeres": "sí" if f.get("organizacion_de_mujeres") else ""}
             for f in filas],
            vacia="Ninguna propuesta.", on_select="rerun", selection_mode="single-row", key="propuestas_tabla",
            column_config={"Costo estimado (S/)": st.column_config.NumberColumn(format="%,.2f"),
                           "Costo validado (S/)": st.column_config.NumberColumn(format="%,.2f")})
        if tabla.selection.rows:
            st.query_params["propuesta"] = filas[tabla.selection.rows[0]]["codigo"]
            st.rerun()
