"""Evaluación técnica: admitir o no (con confirmación), puntuar con la matriz de criterios del proceso, declarar
viabilidad; administración reabre una propuesta no admitida."""
import streamlit as st

import nucleo
from identidad.acceso import Accion, puede
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_soles
from paginas import comun, ficha, piezas_plan
from propuestas import servicios
from propuestas.modelo import PUNTAJE_MAXIMO, REABRIR, Estado, validar_transicion

EN_CURSO = [Estado.REGISTRADA.value, Estado.ADMITIDA.value, Estado.EN_EVALUACION.value, Estado.VIABLE.value,
            Estado.NO_VIABLE.value, Estado.NO_ADMITIDA.value]
VIABILIDAD = {None: "Aún no decido", True: "Viable", False: "No viable"}
QUEDA = {None: "en evaluación", True: "viable", False: "no viable"}
CLAVE_NO_ADMITIR = "evaluar_no_admitir_pendiente"  # (código, motivo) que esperan la confirmación
CLAVE_GUARDADA = "evaluar_guardada"  # (código, mensaje) tras guardar una evaluación


def pasar(codigo: str, destino: Estado, motivo: str) -> None:
    with comun.conexion() as db:
        try:
            servicios.transicionar(db, codigo, destino, actor=actor, motivo=motivo, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
            return
    comun.avisar(f"{codigo} quedó {destino.etiqueta}.")
    st.rerun()


actor = comun.exigir_pagina(Accion.ADMITIR)
st.title("Evaluación técnica")
comun.mostrar_aviso()
with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    filas = servicios.buscar(db, proceso.id, estados=EN_CURSO) if proceso else []
if proceso is None:
    st.info("Todavía no hay un proceso participativo.")
    st.stop()
permiso = proceso.permite(Accion.EVALUAR, servicios.fecha_local(nucleo.ahora()))
st.caption(comun.texto_plano(permiso.motivo))
if not filas:
    st.info("No hay propuestas registradas para evaluar.")
    st.stop()

titulos = {f["codigo"]: f"{f['codigo']} — {f['titulo'][:70]} ({f['distrito']}, {f['estado'].replace('_', ' ')})"
           for f in filas}
# la etiqueta lleva el estado, que cambia al admitir o evaluar: el selector estable no salta a otra propuesta
codigo = comun.selector_estable("Propuesta", titulos, clave="evaluar_codigo")
with comun.conexion() as db:
    la_ficha = servicios.obtener(db, codigo, actor=actor)
    sugerida = servicios.sugerencia_brecha(db, la_ficha.propuesta.ubigeo)
propuesta = la_ficha.propuesta
st.markdown(f"**{comun.texto_plano(propuesta.titulo)}** · {comun.texto_plano(propuesta.distrito)} · "
            f"costo estimado {formatear_soles(propuesta.costo_centimos)} · estado **{propuesta.estado.etiqueta}**")
if propuesta.motivo_estado:
    st.caption(f"Motivo: {comun.texto_plano(propuesta.motivo_estado)}")
with st.expander("Ver la propuesta completa (con su historia)"):
    ficha.mostrar_ficha(la_ficha, None)

if propuesta.estado == Estado.REGISTRADA:
    st.subheader("Admisión", anchor=False)
    motivo = st.text_area("Motivo (obligatorio para no admitir)", key=f"evaluar_{codigo}_motivo_admision")
    pendiente = st.session_state.get(CLAVE_NO_ADMITIR)
    if pendiente and pendiente != (codigo, motivo):  # otra propuesta u otro motivo: se pregunta de nuevo
        del st.session_state[CLAVE_NO_ADMITIR]
        pendiente = None
    if pendiente:
        with st.container(border=True):
            st.warning(f"¿No admitir {codigo}? Saldrá de la evaluación y la ficha pública mostrará este motivo: "
                       f"«{comun.texto_plano(pendiente[1])}». Solo administración podrá reabrirla.")
            confirmar, cancelar = st.columns(2)
            if confirmar.button("Sí, no admitir", key="evaluar_no_admitida_confirmar", type="primary"):
                del st.session_state[CLAVE_NO_ADMITIR]
                pasar(codigo, Estado.NO_ADMITIDA, pendiente[1])
            if cancelar.button("Cancelar", key="evaluar_no_admitida_cancelar"):
                del st.session_state[CLAVE_NO_ADMITIR]
                st.rerun()
    else:
        admitir, no_admitir = st.columns(2)
        if admitir.button("Admitir", key="evaluar_admitida"):
            pasar(codigo, Estado.ADMITIDA, motivo)
        if no_admitir.button("No admitir…", key="evaluar_no_admitida"):
            try:
                validar_transicion(Estado.REGISTRADA, Estado.NO_ADMITIDA, motivo, None)
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
            else:
                st.session_state[CLAVE_NO_ADMITIR] = (codigo, motivo)
                st.rerun()

if propuesta.estado == Estado.NO_ADMITIDA and puede(actor, servicios.permiso_de_transicion(*REABRIR)):
    st.subheader("Reabrir", anchor=False)
    st.caption("Si no se admitió por error, reábrala: vuelve a «registrada» y el equipo decide de nuevo su "
               "admisión. El motivo y quién la reabrió quedan en la historia de la ficha.")
    motivo = st.text_area("Motivo para reabrir (obligatorio)", key=f"evaluar_{codigo}_motivo_reabrir")
    if st.button("Reabrir la propuesta", key="evaluar_reabrir"):
        with comun.conexion() as db:
            try:
                servicios.reabrir(db, codigo, motivo=motivo, actor=actor, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
            else:
                comun.avisar(f"{codigo} se reabrió: quedó registrada y espera otra vez la admisión.")
                st.rerun()
elif propuesta.estado == Estado.NO_ADMITIDA:
    st.info("No admitida. Si fue un error, administración puede reabrirla (con el motivo).")

if propuesta.estado in (Estado.ADMITIDA, Estado.EN_EVALUACION) and puede(actor, Accion.EVALUAR) and not permiso:
    st.info(f"Matriz de criterios: {comun.texto_plano(permiso.motivo)}")
elif propuesta.estado in (Estado.ADMITIDA, Estado.EN_EVALUACION) and puede(actor, Accion.EVALUAR):
    st.subheader("Matriz de criterios", anchor=False)
    piezas_plan.vinculo(propuesta, la_ficha.pdlc, actor)
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
                evaluacion = servicios.evaluar(db, codigo, actor=actor, puntajes=puntajes, costo_validado=costo,
                                               viable=viable, notas=notas, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
            else:
                st.session_state[CLAVE_GUARDADA] = (codigo, f"Evaluación de {codigo} guardada: "
                                                            f"{evaluacion['puntaje']:.2f} / 100; quedó {QUEDA[viable]}.")
                st.rerun()

guardada_antes = st.session_state.pop(CLAVE_GUARDADA, None)
if guardada_antes and guardada_antes[0] == codigo:
    st.success(guardada_antes[1], icon=":material/check_circle:")
if la_ficha.evaluaciones:
    st.subheader("Última evaluación", anchor=False)
    ficha.mostrar_desglose(la_ficha)
