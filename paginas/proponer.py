"""Proponer: formulario rápido (jóvenes) o completo (organizaciones); el borrador se guarda al escribir."""
import streamlit as st
from streamlit_folium import st_folium

import nucleo
from geo import mapa
from geo import servicios as territorio
from identidad.acceso import Accion, puede
from nucleo.errores import ErrorPlataforma, NoEncontrada
from nucleo.formato import formatear_momento
from paginas import comun
from propuestas import fotos, servicios
from propuestas import mapa as mapa_propuestas
from propuestas.modelo import (
    FRANJAS_EDAD,
    MADUREZ,
    PROFUNDIDADES,
    TIPOS_INTERVENCION,
    TIPOS_PROPONENTE,
    PropuestaInvalida,
)

P = "f_"
CAMPOS = ("profundidad", "titulo", "problema", "propuesta", "lat", "lon", "proponente_tipo", "proponente_nombre",
          "organizacion", "contacto", "objetivo", "tipo", "eje", "servicio_publico", "indicador_brecha", "costo",
          "costo_om", "plazo_meses", "cofinanciamiento", "madurez", "cui", "sostenibilidad", "directos_mujeres",
          "directos_hombres", "indirectos", *(f"edad_{f}" for f in FRANJAS_EDAD))
CLAVE_PROBLEMAS, CLAVE_CARGADO, CLAVE_CLIC, CLAVE_FOTO = ("proponer_problemas", "proponer_cargado",
                                                          "proponer_ultimo_clic", "proponer_foto_guardada")


def datos_del_formulario() -> dict:
    return {c: st.session_state.get(P + c) for c in CAMPOS if st.session_state.get(P + c) not in (None, "")}


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
            st.session_state[CLAVE_PROBLEMAS] = {p.campo: p.mensaje for p in getattr(error, "problemas", [])} or \
                {"borrador": str(error)}


def elegir_centro() -> None:
    centro = centros_por_codigo.get(st.session_state.get("proponer_centro"))
    if centro:
        st.session_state[P + "lat"], st.session_state[P + "lon"] = f"{centro.lat:.6f}", f"{centro.lon:.6f}"
        guardar()


def texto(campo: str, etiqueta: str, *, area: bool = False, ayuda: str | None = None) -> None:
    control = st.text_area if area else st.text_input
    control(etiqueta, key=P + campo, on_change=guardar, help=ayuda, **({"height": 110} if area else {}))
    comun.problema_en(campo, CLAVE_PROBLEMAS)


def opcion(campo: str, etiqueta: str, opciones: dict) -> None:
    st.selectbox(etiqueta, list(opciones), key=P + campo, on_change=guardar, index=None,
                 format_func=lambda v: opciones[v] or v, placeholder="Elija una opción")
    comun.problema_en(campo, CLAVE_PROBLEMAS)


def numero(campo: str, etiqueta: str, columna=None) -> None:
    with columna or st.container():
        st.number_input(etiqueta, min_value=0, step=1, value=None, key=P + campo, on_change=guardar)
        comun.problema_en(campo, CLAVE_PROBLEMAS)


actor = comun.exigir_pagina(Accion.PROPONER)
st.title("Proponer un proyecto")
comun.mostrar_aviso()
with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    vigente = territorio.cargar_territorio(db)
    centros = territorio.centros_poblados(db)
if vigente is None:
    comun.sin_territorio()
    st.stop()
if proceso is None:
    st.info("Todavía no hay un proceso participativo abierto. Vuelva cuando la MCLCP lo convoque.")
    st.stop()
permiso = proceso.permite(Accion.PROPONER, servicios.fecha_local(nucleo.ahora()))
if not puede(actor, Accion.PROPONER, proceso):
    st.warning(puede(actor, Accion.PROPONER, proceso).motivo)
    st.page_link("paginas/entrar.py", label="Entrar con su código de acceso")
    st.stop()
if not permiso:  # el motivo una sola vez, donde se ve
    st.caption(comun.texto_plano(proceso.nombre))
    st.warning(comun.texto_plano(permiso.motivo))
    st.stop()
st.caption(f"{comun.texto_plano(proceso.nombre)} · {comun.texto_plano(permiso.motivo)}")
st.session_state["proponer_proceso"] = proceso.id
centros_por_codigo = {c.codigo: c for c in centros}

clave = st.query_params.get("borrador")
if clave and st.session_state.get(CLAVE_CARGADO) != clave:
    with comun.conexion() as db:
        try:
            guardado = servicios.leer_borrador(db, clave)
        except NoEncontrada as error:
            st.warning(comun.texto_plano(str(error)))
            del st.query_params["borrador"]
            guardado = None
    if guardado and guardado["_estado"] != "borrador":
        st.success(f"Esta propuesta ya fue registrada con el código {guardado['_codigo']}.")
        st.page_link("paginas/propuestas.py", label="Ver las propuestas")
        st.stop()
    if guardado:
        for campo in CAMPOS:
            st.session_state[P + campo] = guardado.get(campo)
        st.session_state[CLAVE_CARGADO] = clave
        st.info(f"Recuperamos su borrador (guardado el {formatear_momento(guardado['_actualizada_en'])}).")

st.radio("Tipo de formulario", list(PROFUNDIDADES), format_func=PROFUNDIDADES.get, key=P + "profundidad",
         on_change=guardar, horizontal=True)
completo = st.session_state.get(P + "profundidad") == "organizacion"
if st.session_state.get(CLAVE_PROBLEMAS):
    comun.mostrar_problemas(list(st.session_state[CLAVE_PROBLEMAS].values()))

st.subheader("1. Su idea")
texto("titulo", "Título de la propuesta", ayuda="Entre 10 y 120 caracteres. Ej.: «Losa deportiva en Cashapampa».")
texto("problema", "¿Qué problema hay?", area=True)
texto("propuesta", "¿Qué proponen hacer?", area=True)
if completo:
    texto("objetivo", "Objetivo (el problema dicho en positivo)", area=True)

st.subheader("2. ¿Dónde?")
st.caption("Toque el mapa en el lugar, o elija su centro poblado, o escriba las coordenadas.")
try:
    punto = servicios.punto_del_borrador({"lat": st.session_state.get(P + "lat"), "lon": st.session_state.get(P + "lon")})
    error_punto = None
except ErrorPlataforma as error:
    punto, error_punto = None, str(error)
figura = mapa.mapa_distritos(vigente, centros=centros, prefijo=comun.prefijo_static(), alto=380)
valor = st_folium(figura, key="proponer_mapa", height=380, use_container_width=True, returned_objects=["last_clicked"],
                  feature_group_to_add=mapa_propuestas.capa_punto(punto, "Su propuesta"))
clic = mapa.punto_desde_clic(valor)
if clic is not None and clic != st.session_state.get(CLAVE_CLIC):
    st.session_state[CLAVE_CLIC] = clic
    st.session_state[P + "lat"], st.session_state[P + "lon"] = f"{clic.lat:.6f}", f"{clic.lon:.6f}"
    guardar()
    st.rerun()
nombres_distrito = {d.ubigeo: d.nombre for d in vigente.distritos}
st.selectbox("Centro poblado", list(centros_por_codigo), index=None, key="proponer_centro", on_change=elegir_centro,
             placeholder="Escriba para buscar su centro poblado",
             format_func=lambda c: f"{centros_por_codigo[c].nombre.title()} ({nombres_distrito.get(centros_por_codigo[c].ubigeo, '')})")
columna_lat, columna_lon = st.columns(2)
columna_lat.text_input("Latitud", key=P + "lat", on_change=guardar, placeholder="-9.0485")
columna_lon.text_input("Longitud", key=P + "lon", on_change=guardar, placeholder="-77.8046")
if error_punto:
    st.error(comun.texto_plano(error_punto))
elif punto is not None:
    try:
        ubicacion = servicios.ubicar_en(vigente, centros, punto)
    except ErrorPlataforma as error:
        st.error(comun.texto_plano(str(error)))
    else:
        cerca = (f", cerca de {ubicacion.centro_poblado.title()} ({ubicacion.metros_al_centro:,.0f} m)"
                 if ubicacion.centro_poblado else "")
        st.success(f"Su propuesta queda en el distrito de **{comun.texto_plano(ubicacion.distrito)}**"
                   f"{comun.texto_plano(cerca)}.")
comun.problema_en("ubicacion", CLAVE_PROBLEMAS)

st.subheader("3. ¿Quién propone?")
opcion("proponente_tipo", "Propone", TIPOS_PROPONENTE)
texto("proponente_nombre", "Nombre (se publica con la propuesta)")
if completo or st.session_state.get(P + "proponente_tipo") == "organizacion":
    texto("organizacion", "Organización")
texto("contacto", "Celular o correo (no se publica)", ayuda="Solo lo ve la secretaría técnica de la MCLCP.")

st.subheader("4. Detalles" if completo else "4. Detalles (opcional)")
opcion("eje", "Eje u objetivo del PDLC", dict.fromkeys(proceso.ejes, ""))
texto("costo", "Costo estimado (S/)" if completo else "¿Cuánto creen que cuesta? (S/)",
      ayuda="Solo números, p. ej. 85000 o 85,000.50.")
if completo:
    opcion("tipo", "Tipo de intervención", TIPOS_INTERVENCION)
    texto("servicio_publico", "Servicio público que mejora")
    texto("indicador_brecha", "Indicador de brecha")
    texto("costo_om", "Costo anual de operación y mantenimiento (S/)")
    texto("cofinanciamiento", "Cofinanciamiento o aporte comunal (S/)")
    numero("plazo_meses", "Plazo de ejecución (meses)")
    st.markdown("**Beneficiarios**")
    columnas = st.columns(3)
    numero("directos_mujeres", "Directos: mujeres", columnas[0])
    numero("directos_hombres", "Directos: hombres", columnas[1])
    numero("indirectos", "Indirectos", columnas[2])
    columnas = st.columns(len(FRANJAS_EDAD))
    for columna, (franja, etiqueta) in zip(columnas, FRANJAS_EDAD.items()):
        numero(f"edad_{franja}", etiqueta, columna)
    opcion("madurez", "Madurez (Invierte.pe)", MADUREZ)
    texto("cui", "CUI (si ya tiene)")
    texto("sostenibilidad", "Sostenibilidad: ¿quién lo opera y mantiene?", area=True)

subida = st.file_uploader("Foto (opcional)", type=["jpg", "jpeg", "png", "webp", "gif"], key="proponer_foto",
                          max_upload_size=fotos.MAXIMO_MB)  # el límite de verdad: el botón dice «Hasta 8 MB»
if subida is not None and st.session_state.get(CLAVE_FOTO) != subida.file_id:
    with comun.conexion() as db:
        try:
            servicios.adjuntar_foto(db, clave_borrador(db), subida.getvalue(), subida.name, actor=actor,
                                    ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            st.session_state[CLAVE_FOTO] = subida.file_id
if st.query_params.get("borrador"):
    with comun.conexion() as db:
        foto = servicios.foto_del_borrador(db, st.query_params["borrador"])
    if foto:
        st.image(foto, width=240, caption="Foto guardada (sin los datos de ubicación del celular).")

datos = datos_del_formulario()
with comun.conexion() as db:
    duplicados = servicios.posibles_duplicados(db, proceso.id, datos, punto) if datos.get("titulo") else []
distinta = True
if duplicados:
    st.warning("¿Es la misma que alguna de estas propuestas cercanas?\n\n" + "\n".join(
        f"- **{d['codigo']}** {comun.texto_plano(d['titulo'])} ({comun.texto_plano(d['distrito'])}, a {d['metros']} m)"
        for d in duplicados))
    distinta = st.checkbox("Mi propuesta es distinta: quiero registrarla", key="proponer_distinta")
if st.button("Registrar propuesta", type="primary", key="proponer_registrar", disabled=not distinta):
    with comun.conexion() as db:
        try:
            registrada = servicios.registrar(db, clave_borrador(db), actor=actor, ahora=nucleo.ahora())
        except PropuestaInvalida as error:
            st.session_state[CLAVE_PROBLEMAS] = {p.campo: p.mensaje for p in error.problemas}
            st.rerun()
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            for campo in CAMPOS:
                st.session_state.pop(P + campo, None)
            for clave_estado in (CLAVE_PROBLEMAS, CLAVE_CARGADO, CLAVE_FOTO, "proponer_centro"):
                st.session_state.pop(clave_estado, None)
            del st.query_params["borrador"]
            comun.avisar(f"¡Gracias! Su propuesta {registrada.codigo} quedó registrada en el distrito de "
                         f"{registrada.distrito}. Puede verla en «Propuestas».")
            st.rerun()
