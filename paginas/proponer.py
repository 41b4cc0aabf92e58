"""Proponer: formulario rápido (jóvenes) o completo (organizaciones); el borrador se guarda al escribir. Las
preguntas y sus secciones están en `propuestas.formulario`."""

import streamlit as st

import nucleo
from geo import servicios as territorio
from identidad.acceso import Accion, puede
from nucleo.errores import ErrorPlataforma, NoEncontrada
from nucleo.formato import formatear_momento
from paginas import comun
from paginas import piezas_proponer as piezas
from propuestas import formulario, fotos, pdlc, servicios
from propuestas.modelo import (
    PROFUNDIDADES,
    PropuestaInvalida,
)

actor = comun.exigir_pagina(Accion.PROPONER)
comun.selector_de_idioma()
st.title(comun.t("Proponer un proyecto"))
comun.mostrar_aviso()
with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    vigente = territorio.cargar_territorio(db)
    centros = territorio.centros_poblados(db)
if vigente is None:
    comun.sin_territorio()
    st.stop()
if proceso is None:
    st.info(comun.t("Todavía no hay un proceso participativo abierto. Vuelva cuando la MCLCP lo convoque."))
    st.stop()
permiso = proceso.permite(Accion.PROPONER, servicios.fecha_local(nucleo.ahora()))
if not puede(actor, Accion.PROPONER, proceso):
    st.warning(puede(actor, Accion.PROPONER, proceso).motivo)
    st.page_link("paginas/entrar.py", label=comun.t("Entrar con su código de acceso"))
    st.stop()
if not permiso:  # el motivo una sola vez, donde se ve
    st.caption(comun.texto_plano(proceso.nombre))
    st.warning(comun.texto_plano(permiso.motivo))
    st.stop()
st.caption(f"{comun.texto_plano(proceso.nombre)} · {comun.texto_plano(permiso.motivo)}")
st.session_state["proponer_proceso"] = proceso.id

clave = st.query_params.get("borrador")
if clave and st.session_state.get(piezas.CLAVE_CARGADO) != clave:
    with comun.conexion() as db:
        try:
            guardado = servicios.leer_borrador(db, clave)
        except NoEncontrada as error:
            st.warning(comun.texto_plano(str(error)))
            del st.query_params["borrador"]
            guardado = None
    if guardado and guardado["_estado"] != "borrador":
        st.success(comun.t("Esta propuesta ya fue registrada con el código {codigo}.", codigo=guardado["_codigo"]))
        st.page_link("paginas/propuestas.py", label=comun.t("Ver las propuestas"))
        st.stop()
    if guardado:
        for campo in formulario.CAMPOS:
            st.session_state[piezas.P + campo] = formulario.valor_del_borrador(campo, guardado)
        st.session_state[piezas.CLAVE_CARGADO] = clave
        st.info(comun.t("Recuperamos su borrador (guardado el {momento}).",
                        momento=formatear_momento(guardado["_actualizada_en"])))

comun.reponer(piezas.P + "profundidad")
st.radio(comun.t("Tipo de formulario"), list(PROFUNDIDADES), key=piezas.P + "profundidad", on_change=piezas.guardar,
         format_func={v: comun.t_etiqueta(e) for v, e in PROFUNDIDADES.items()}.get, horizontal=True)
completo = st.session_state.get(piezas.P + "profundidad") == "organizacion"
if st.session_state.get(piezas.CLAVE_PROBLEMAS):
    comun.mostrar_problemas(list(st.session_state[piezas.CLAVE_PROBLEMAS].values()))

with comun.conexion() as db:  # con un PDLC importado, sus objetivos primero: la propuesta nace vinculada
    ejes = dict.fromkeys(pdlc.ejes_para_proponer(db, proceso.ejes), "")
piezas.seccion("idea", completo, ejes)

punto = piezas.donde(vigente, centros, completo)

piezas.seccion("quien", completo, ejes)
piezas.seccion("detalles", completo, ejes)

subida = st.file_uploader(comun.t("Foto (opcional)"), type=["jpg", "jpeg", "png", "webp", "gif"], key="proponer_foto",
                          max_upload_size=fotos.MAXIMO_MB)  # el límite de verdad: el botón dice «Hasta 8 MB»
if subida is not None and st.session_state.get(piezas.CLAVE_FOTO) != subida.file_id:
    with comun.conexion() as db:
        try:
            servicios.adjuntar_foto(db, piezas.clave_borrador(db), subida.getvalue(), subida.name, actor=actor,
                                    ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            st.session_state[piezas.CLAVE_FOTO] = subida.file_id
if st.query_params.get("borrador"):
    with comun.conexion() as db:
        foto = servicios.foto_del_borrador(db, st.query_params["borrador"])
    if foto:
        st.image(foto, width=240, caption=comun.t("Foto guardada (sin los datos de ubicación del celular)."))

datos = piezas.datos_del_formulario()
with comun.conexion() as db:
    duplicados = servicios.posibles_duplicados(db, proceso.id, datos, punto) if datos.get("titulo") else []
distinta = True
if duplicados:
    st.warning(comun.t("¿Es la misma que alguna de estas propuestas cercanas?") + "\n\n" + "\n".join(
        f"- **{d['codigo']}** " + comun.t("{titulo} ({distrito}, a {metros} m)", titulo=comun.texto_plano(d["titulo"]),
                                          distrito=comun.texto_plano(d["distrito"]), metros=d["metros"])
        for d in duplicados))
    distinta = st.checkbox(comun.t("Mi propuesta es distinta: quiero registrarla"), key="proponer_distinta")
if st.button(comun.t("Registrar propuesta"), type="primary", key="proponer_registrar", disabled=not distinta):
    with comun.conexion() as db:
        try:
            registrada = servicios.registrar(db, piezas.clave_borrador(db), actor=actor, ahora=nucleo.ahora())
        except PropuestaInvalida as error:
            st.session_state[piezas.CLAVE_PROBLEMAS] = {p.campo: p for p in error.problemas}
            st.rerun()
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            for campo in formulario.CAMPOS:
                st.session_state.pop(piezas.P + campo, None)
            for clave_estado in (piezas.CLAVE_PROBLEMAS, piezas.CLAVE_CARGADO, piezas.CLAVE_FOTO, "proponer_centro"):
                st.session_state.pop(clave_estado, None)
            del st.query_params["borrador"]
            comun.avisar(comun.t("¡Gracias! Su propuesta {codigo} quedó registrada en el distrito de {distrito}. "
                                 "Puede verla en «Propuestas».", codigo=registrada.codigo, distrito=registrada.distrito))
            st.rerun()
