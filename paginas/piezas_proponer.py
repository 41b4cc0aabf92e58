"""Piezas de la página «Proponer»: el borrador que se guarda al escribir, cada pregunta con su control y la sección
«¿Dónde?» (mapa, centro poblado o coordenadas)."""
import html
import itertools

import streamlit as st
from streamlit_folium import st_folium

import nucleo
from geo import mapa
from geo.modelo import Punto
from nucleo.errores import ErrorPlataforma
from paginas import comun
from paginas.traduccion import t, t_etiqueta
from propuestas import formulario, servicios
from propuestas import mapa as mapa_propuestas
from propuestas.formulario import Pregunta

P = "f_"
CLAVE_PROBLEMAS, CLAVE_CARGADO, CLAVE_CLIC, CLAVE_FOTO = ("proponer_problemas", "proponer_cargado",
                                                          "proponer_ultimo_clic", "proponer_foto_guardada")


def datos_del_formulario() -> dict:
    return {c: st.session_state.get(P + c) for c in formulario.CAMPOS if st.session_state.get(P + c) not in (None, "")}


def clave_borrador(db) -> str:
    """La clave del borrador de esta persona; lo crea (y la pone en el enlace) la primera vez."""
    clave = st.query_params.get("borrador")
    if not clave:
        clave = servicios.crear_borrador(db, st.session_state["proponer_proceso"],
                                         profundidad=st.session_state.get(P + "profundidad", "joven"),
                                         actor=comun.actor_actual(), ahora=nucleo.ahora())
        st.query_params["borrador"] = clave
        st.session_state[CLAVE_CARGADO] = clave
    return clave


def guardar() -> None:
    with comun.conexion() as db:
        try:
            servicios.guardar_borrador(db, clave_borrador(db), datos_del_formulario(), ahora=nucleo.ahora())
        except ErrorPlataforma as error:  # disco lleno: el formulario sigue
            st.session_state[CLAVE_PROBLEMAS] = {p.campo: p for p in error.problemas} or \
                {"borrador": str(error)}


def elegir_centro(centros_por_codigo: dict) -> None:
    centro = centros_por_codigo.get(st.session_state.get("proponer_centro"))
    if centro:
        st.session_state[P + "lat"], st.session_state[P + "lon"] = f"{centro.lat:.6f}", f"{centro.lon:.6f}"
        guardar()


def pregunta(p: Pregunta, completa: bool, opciones_eje: dict) -> None:
    """Una pregunta del formulario con el control que le toca, y debajo su problema (si lo tiene). Etiquetas, ayudas
    y opciones vienen de `propuestas.formulario` y pasan por `t_etiqueta`; los ejes del proceso, tal cual (son datos)."""
    etiqueta = t_etiqueta(p.etiqueta_en(completa))
    if p.control in ("texto", "area"):
        control = st.text_area if p.control == "area" else st.text_input
        control(etiqueta, key=P + p.campo, on_change=guardar, help=t_etiqueta(p.ayuda) if p.ayuda else None,
                **({"height": 110} if p.control == "area" else {}))
    elif p.control == "opcion":
        opciones = opciones_eje if p.campo == "eje" else p.opciones
        nombres = {v: t_etiqueta(e) if e else v for v, e in opciones.items()}  # traducidas ya: format_func pura
        comun.reponer(P + p.campo)
        st.selectbox(etiqueta, list(opciones), key=P + p.campo, on_change=guardar, index=None,
                     format_func=lambda v: nombres[v], placeholder=t("Elija una opción"))
    elif p.control == "casilla" and p.campo != "consentimiento":
        st.checkbox(etiqueta, key=P + p.campo, on_change=guardar)
    elif p.control == "casilla":
        if comun.actor_actual().participante_id is not None:
            st.caption(t("Su nombre y su contacto quedan con el consentimiento que dio al registrarse."))
            return
        st.markdown(t_etiqueta(formulario.AVISO_DATOS))
        st.checkbox(etiqueta, key=P + p.campo, on_change=guardar)
    else:
        st.number_input(etiqueta, min_value=0, step=1, value=None, key=P + p.campo, on_change=guardar)
    comun.problema_en(p.campo, CLAVE_PROBLEMAS)


def seccion(nombre: str, completa: bool, opciones_eje: dict) -> None:
    """El título de la sección y sus preguntas; las de una misma fila (beneficiarios), lado a lado."""
    st.header(t_etiqueta(formulario.titulo_de(nombre, completa=completa)))
    lista = formulario.preguntas(nombre, completa=completa, datos=datos_del_formulario())
    for fila, grupo in itertools.groupby(lista, key=lambda p: p.fila):
        grupo = list(grupo)
        if fila is None:
            for p in grupo:
                pregunta(p, completa, opciones_eje)
            continue
        st.markdown(f"**{t_etiqueta(fila)}**")
        for columna, p in zip(st.columns(len(grupo)), grupo):
            with columna:
                pregunta(p, completa, opciones_eje)


def donde(vigente, centros, completa: bool) -> Punto | None:
    """La sección «¿Dónde?»: tocar el mapa, elegir el centro poblado o escribir las coordenadas; devuelve el punto."""
    st.header(t_etiqueta(formulario.titulo_de("donde", completa=completa)))
    st.caption(t("Toque el mapa en el lugar, o elija su centro poblado, o escriba las coordenadas."))
    try:
        punto = servicios.punto_del_borrador({c: st.session_state.get(P + c) for c in ("lat", "lon")})
        error_punto = None
    except ErrorPlataforma as error:
        punto, error_punto = None, str(error)
    figura = mapa.mapa_distritos(vigente, centros=centros, prefijo=comun.prefijo_static(), alto=380)
    valor = st_folium(figura, key="proponer_mapa", height=380, use_container_width=True,
                      returned_objects=["last_clicked"],
                      feature_group_to_add=mapa_propuestas.capa_punto(punto, html.escape(t("Su propuesta"))))
    clic = mapa.punto_desde_clic(valor)
    if clic is not None and clic != st.session_state.get(CLAVE_CLIC):
        st.session_state[CLAVE_CLIC] = clic
        st.session_state[P + "lat"], st.session_state[P + "lon"] = f"{clic.lat:.6f}", f"{clic.lon:.6f}"
        guardar()
        st.rerun()
    centros_por_codigo = {c.codigo: c for c in centros}
    nombres_distrito = {d.ubigeo: d.nombre for d in vigente.distritos}
    st.selectbox(t("Centro poblado"), list(centros_por_codigo), index=None, key="proponer_centro",
                 on_change=elegir_centro, args=(centros_por_codigo,),
                 placeholder=t("Escriba para buscar su centro poblado"),
                 format_func=lambda c: f"{centros_por_codigo[c].nombre.title()} "
                                       f"({nombres_distrito.get(centros_por_codigo[c].ubigeo, '')})")
    columna_lat, columna_lon = st.columns(2)
    columna_lat.text_input(t("Latitud"), key=P + "lat", on_change=guardar, placeholder="-9.0485")
    columna_lon.text_input(t("Longitud"), key=P + "lon", on_change=guardar, placeholder="-77.8046")
    if error_punto:
        st.error(comun.texto_plano(error_punto))
    elif punto is not None:
        try:
            ubicacion = servicios.ubicar_en(vigente, centros, punto)
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            distrito = comun.texto_plano(ubicacion.distrito)
            st.success(t("Su propuesta queda en el distrito de **{distrito}**, cerca de {centro} ({metros} m).",
                         distrito=distrito, centro=comun.texto_plano(ubicacion.centro_poblado.title()),
                         metros=comun.texto_plano(f"{ubicacion.metros_al_centro:,.0f}"))
                       if ubicacion.centro_poblado else
                       t("Su propuesta queda en el distrito de **{distrito}**.", distrito=distrito))
    comun.problema_en("ubicacion", CLAVE_PROBLEMAS)
    return punto
