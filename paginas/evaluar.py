"""Evaluación técnica: admitir o no, puntuar con la matriz de criterios del proceso, declarar viabilidad."""
import streamlit as st

import geo
from paginas import comun, ficha
from propuestas import servicios
from geo.acceso import Accion, SinPermiso, puede
from propuestas.modelo import PUNTAJE_MAXIMO, Estado, ErrorPropuestas, formatear_soles

EN_CURSO = [Estado.REGISTRADA.value, Estado.ADMITIDA.value, Estado.EN_EVALUACION.value, Estado.VIABLE.value,
            Estado.NO_VIABLE.value, Estado.NO_ADMITIDA.value]
VIABILIDAD = {None: "Aún no decido", True: "Viable", False: "No viable"}

actor = comun.exigir_pagina(Accion.ADMITIR)
st.title("Evaluación técnica")
comun.mostrar_aviso()
with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    filas = servicios.buscar(db, proceso.id, estados=EN_CURSO) if proceso else []
if proceso is None:
    st.info("Todavía no hay un proceso participativo.")
    st.stop()
permiso = proceso.permite(Accion.EVALUAR, servicios.fecha_local(geo.ahora()))
st.caption(comun.texto_plano(permiso.motivo))
if not filas:
    st.info("No hay propuestas registradas para evaluar.")
    st.stop()

titulos = {f["codigo"]: f"{f['codigo']} — {f['titulo'][:70]} ({f['distrito']}, {f['estado'].replace('_', ' ')})"
           for f in filas}
codigo = st.selectbox("Propuesta", list(titulos), format_func=titulos.get, key="evaluar_codigo",
                      placeholder="Elija una propuesta")
with comun.conexion() as db:
    la_ficha = servicios.obtener(db, codigo)
    sugerida = servicios.sugerencia_brecha(db, la_ficha.propuesta.ubigeo)
propuesta = la_ficha.propuesta
st.markdown(f"**{comun.texto_plano(propuesta.titulo)}** · {comun.texto_plano(propuesta.distrito)} · "
            f"costo estimado {formatear_soles(propuesta.costo_centimos)} · estado **{propuesta.estado.etiqueta}**")
with st.expander("Ver la propuesta completa"):
    ficha.mostrar_ficha(la_ficha, None)

if propuesta.estado == Estado.REGISTRADA:
    st.subheader("Admisión", anchor=False)
    motivo = st.text_area("Motivo (obligatorio para no admitir)", key="evaluar_motivo_admision")
    izquierda, derecha = st.columns(2)
    for columna, destino, etiqueta in ((izquierda, Estado.ADMITIDA, "Admitir"), (derecha, Estado.NO_ADMITIDA, "No admitir")):
        if columna.button(etiqueta, key=f"evaluar_{destino.value}"):
            with comun.conexion() as db:
                try:
                    servicios.transicionar(db, codigo, destino, actor=actor, motivo=motivo, ahora=geo.ahora())
                except (ErrorPropuestas, SinPermiso) as error:
                    comun.mostrar_error(error)
                else:
                    comun.avisar(f"{codigo} quedó {destino.etiqueta}.")
                    st.rerun()

if propuesta.estado in (Estado.ADMITIDA, Estado.EN_EVALUACION) and puede(actor, Accion.EVALUAR) and not permiso:
    st.info(f"Matriz de criterios: {comun.texto_plano(permiso.motivo)}")
elif propuesta.estado in (Estado.ADMITIDA, Estado.EN_EVALUACION) and puede(actor, Accion.EVALUAR):
    st.subheader("Matriz de criterios", anchor=False)
    anterior = la_ficha.evaluaciones[0]["puntajes"] if la_ficha.evaluaciones else {}
    with st.form(f"evaluar_formulario_{codigo}"):
        puntajes = {}
        for criterio in proceso.criterios:
            inicial = anterior.get(criterio.clave, sugerida if criterio.clave == "brecha" and sugerida is not None else 0)
            ayuda = criterio.descripcion + (f" Sugerido por la pobreza del distrito: {sugerida}."
                                            if criterio.clave == "brecha" and sugerida is not None else "")
            puntajes[criterio.clave] = st.select_slider(
                f"{comun.texto_plano(criterio.nombre)} (peso {criterio.peso})", options=list(range(PUNTAJE_MAXIMO + 1)),
                value=inicial, help=comun.texto_plano(ayuda), key=f"evaluar_{codigo}_{criterio.clave}")
        costo = st.text_input("Costo validado (S/)", value="" if propuesta.costo_centimos is None
                              else f"{propuesta.costo_centimos / 100:,.2f}",
                              key=f"evaluar_{codigo}_costo")
        viable = st.radio("Viabilidad", list(VIABILIDAD), format_func=VIABILIDAD.get, horizontal=True,
                          key=f"evaluar_{codigo}_viable")
        notas = st.text_area("Notas (obligatorias si no es viable)", key=f"evaluar_{codigo}_notas")
        guardada = st.form_submit_button("Guardar evaluación", type="primary")
    if guardada:
        with comun.conexion() as db:
            try:
                servicios.evaluar(db, codigo, actor=actor, puntajes=puntajes, costo_validado=costo,
                                  viable=viable, notas=notas, ahora=geo.ahora())
            except (ErrorPropuestas, SinPermiso) as error:
                comun.mostrar_error(error)
            else:
                comun.avisar(f"Evaluación de {codigo} guardada.")
                st.rerun()

if la_ficha.evaluaciones:
    st.subheader("Última evaluación", anchor=False)
    ficha.mostrar_desglose(la_ficha)
