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

comun.selector_de_idioma()
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
    if st.button(comun.t("← Todas las propuestas"), key="propuestas_volver"):
        del st.query_params["propuesta"]
        st.rerun()
    if la_ficha and la_ficha.propuesta.oculta_en and not servicios.puede_ver_oculta(actor, la_ficha.propuesta):
        st.header(la_ficha.propuesta.codigo, anchor=False)
        st.markdown(":material/block: *" + comun.t("Propuesta ocultada por moderación: {motivo}",
                                                   motivo=comun.texto_plano(la_ficha.propuesta.oculta_motivo)) + "*")
        st.stop()
    if la_ficha:
        if la_ficha.propuesta.oculta_en:
            st.warning(comun.t("Ocultada por moderación (solo su autor y la facilitación la ven): {motivo}",
                               motivo=comun.texto_plano(la_ficha.propuesta.oculta_motivo)))
        ficha.mostrar_ficha(la_ficha, foto)
        st.caption(comun.t("Enlace para compartir (cópielo):"))
        st.code(f"{comun.url_publica()}/propuestas?propuesta={la_ficha.propuesta.codigo}", language=None,
                wrap_lines=True)
        propuesta = la_ficha.propuesta
        with st.popover(comun.t("Reportar esta propuesta"), key="propuesta_reportar"):
            debate.reportar("propuesta", propuesta.id, actor)
        debate.mostrar(propuesta, actor)
        if Estado.RETIRADA in TRANSICIONES.get(propuesta.estado, ()) and \
                actor.participante_id is not None and puede(actor, Accion.RETIRAR_PROPUESTA, propuesta):
            with st.form("propuestas_retirar"):
                motivo = st.text_area(comun.t("¿Por qué la retira? (queda en su historia; nada se borra)"),
                                      key="retirar_motivo")
                if st.form_submit_button(comun.t("Retirar mi propuesta")):
                    with comun.conexion() as db:
                        try:
                            servicios.transicionar(db, propuesta.codigo, Estado.RETIRADA, actor=actor, motivo=motivo,
                                                   ahora=nucleo.ahora())
                        except ErrorPlataforma as error:
                            comun.mostrar_error(error)
                        else:
                            st.rerun()
    st.stop()

st.title(comun.t("Propuestas"))
if vigente is None:
    comun.sin_territorio()
    st.stop()
if proceso is None:
    st.info(comun.t("Todavía no hay un proceso participativo."))
    st.stop()
st.caption(comun.texto_plano(proceso.nombre))

TARJETAS_POR_VEZ = 24
distritos = {d.ubigeo: d.nombre for d in vigente.distritos}
columnas = st.columns(2)
todos = comun.t("Todos")
for clave in ("filtro_distrito", "filtro_eje", "filtro_estado", "filtro_orden"):
    comun.reponer(clave)  # sus opciones se traducen: tras cambiar de idioma, la elección no se pierde
ubigeo = columnas[0].selectbox(comun.t("Distrito"), [None, *distritos],
                               format_func=lambda u: todos if u is None else distritos[u],
                               key="filtro_distrito", placeholder=comun.t("Elija un distrito"))
texto = columnas[1].text_input(comun.t("Buscar"), key="filtro_texto",
                               placeholder=comun.t("Palabras del título, el problema o el lugar"))
with st.expander(comun.t("Más filtros y orden"), icon=":material/tune:", key="propuestas_mas_filtros"):
    columnas = st.columns(2)
    ejes = {None: todos, **{e: comun.t_etiqueta(e) for e in proceso.ejes}}  # traducidas aquí, una vez por ejecución
    eje = columnas[0].selectbox(comun.t("Eje del PDLC"), list(ejes), format_func=ejes.get,
                                key="filtro_eje", placeholder=comun.t("Elija un eje"))
    estados = columnas[1].multiselect(comun.t("Estado"), ESTADOS_VISIBLES,
                                      format_func={e: comun.t_etiqueta(Estado(e).etiqueta)
                                                   for e in ESTADOS_VISIBLES}.get,
                                      key="filtro_estado", placeholder=todos)
    orden = columnas[0].selectbox(comun.t("Ordenar"), list(deliberacion.ORDENES),
                                  format_func={o: comun.t_etiqueta(e) for o, e in deliberacion.ORDENES.items()}.get,
                                  key="filtro_orden", placeholder=comun.t("Elija un orden"))
    juveniles = columnas[1].toggle(comun.t("Solo propuestas juveniles"), key="filtro_juveniles")
with comun.conexion() as db:
    version = (servicios.version_del_listado(db, proceso.id), deliberacion.version(db))
    centros = territorio.centros_poblados(db)
filtros = (ubigeo, eje, tuple(estados), texto, juveniles, orden)
filas, publicado = listado(str(comun.ruta_db()), proceso.id, filtros, version, comun.url_pagina("propuestas"))
st.markdown("**" + (comun.t("1 propuesta") if len(filas) == 1
                    else comun.t("{n} propuestas", n=f"{len(filas):,}")) + "**")

figura = mapa_propuestas.mapa_propuestas(vigente, filas, enlace=comun.url_pagina("propuestas"), centros=centros,
                                        prefijo=comun.prefijo_static(), publicado=publicado)
valor = st_folium(figura, key="propuestas_mapa", height=480, use_container_width=True,
                  returned_objects=["last_object_clicked"])
punto = mapa.punto_desde_clic(valor, "last_object_clicked")
if punto is not None and filas:
    cercana = min(filas, key=lambda f: distancia_m(punto, Punto(f["lat"], f["lon"])))
    if st.button(comun.t("Abrir {codigo}: {titulo}", codigo=cercana["codigo"],
                         titulo=comun.texto_plano(cercana["titulo"][:60])), key="propuestas_abrir_mapa"):
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
    if st.button(comun.t("Ver {n} más (quedan {quedan})", n=min(TARJETAS_POR_VEZ, len(filas) - mostradas),
                         quedan=len(filas) - mostradas),
                 key="propuestas_ver_mas", icon=":material/expand_more:"):
        st.session_state["propuestas_mostradas"] = mostradas + TARJETAS_POR_VEZ
        st.rerun()
elif not filas:
    st.info(comun.t("Ninguna propuesta cumple estos filtros."))

if filas:
    with st.expander(comun.t("Ver como tabla (para ordenar por columna o descargar)"), icon=":material/table:",
                     key="propuestas_como_tabla"):
        titulos = [comun.t("Código"), comun.t("Título"), comun.t("Distrito"), comun.t("Estado"),
                   comun.t("Costo estimado (S/)"), comun.t("Costo validado (S/)"), comun.t("Apoyos"),
                   comun.t("Argumentos"), comun.t("Puntaje técnico"), comun.t("Juvenil"),
                   comun.t("Organización de mujeres")]
        si, etiquetas = comun.t("sí"), {e.value: comun.t_etiqueta(e.etiqueta) for e in Estado}
        tabla = comun.tabla(
            [dict(zip(titulos, (
                f["codigo"], f["titulo"], f["distrito"], etiquetas[f["estado"]],
                f["costo_centimos"] / 100 if f["costo_centimos"] is not None else None,
                f["costo_validado_centimos"] / 100 if f["costo_validado_centimos"] is not None else None,
                f["apoyos"], f["argumentos"], f["puntaje_tecnico"], si if f["proponente_tipo"] == "joven" else "",
                si if f.get("organizacion_de_mujeres") else ""))) for f in filas],
            vacia=comun.t("Ninguna propuesta."), on_select="rerun", selection_mode="single-row", key="propuestas_tabla",
            column_config={titulos[4]: st.column_config.NumberColumn(format="%,.2f"),
                           titulos[5]: st.column_config.NumberColumn(format="%,.2f")})
        if tabla.selection.rows:
            st.query_params["propuesta"] = filas[tabla.selection.rows[0]]["codigo"]
            st.rerun()
