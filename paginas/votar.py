"""Votar: la papeleta del agente participante en su celular (`/?taller=ID`, el QR del proyector, o
`votar?votacion=ID` la abren directo; el código de acceso se escribe aquí mismo).

La papeleta es un formulario: se marca libremente en el navegador (que lleva la cuenta y guarda lo marcado
sin emitir, `papeleta.js`) y se valida entera en el servidor al emitirla; si algo falla, el mensaje dice qué
corregir y lo marcado queda como estaba. Se puede cambiar hasta el cierre: vale la última.
"""

import streamlit as st

import nucleo
from identidad.acceso import PUBLICO, Accion, puede
from nucleo.errores import ErrorPlataforma, NoEncontrada
from paginas import comun
from paginas import piezas_votar as piezas
from votacion import marcar, servicios
from votacion.modelo import EstadoVotacion, Papeleta, PapeletaInvalida

actor = comun.actor_actual()
comun.selector_de_idioma()
st.title(comun.t("Votar"))
comun.vigilar_reinicio()
comun.mostrar_aviso()
with comun.conexion() as db:
    votacion_id = piezas.elegir_votacion(db)
    try:
        votacion = servicios.obtener(db, votacion_id) if votacion_id else None
    except NoEncontrada:
        votacion = None
    elegibles = servicios.elegibles(db, votacion.id) if votacion else {}
    retiradas = servicios.retiradas(db, votacion.id) if votacion else []
    mia = servicios.mi_papeleta(db, votacion.id, actor=actor) if votacion else None
    fotos = servicios.fotos_de_la_papeleta(db, votacion.id) if votacion else {}
if votacion is None:
    st.info(comun.t("No hay ninguna votación abierta ahora. Cuando la facilitación abra la del taller, aparecerá "
                    "aquí."))
    st.stop()

st.header(comun.texto_plano(votacion.nombre), anchor=False)
if actor == PUBLICO:
    piezas.pedir_codigo()
    st.stop()
if not puede(actor, Accion.VOTAR):
    st.info(comun.t("Votan los agentes participantes con su código; usted entró como {rol}.",
                    rol=comun.t_etiqueta(actor.rol.etiqueta).lower()))
    st.stop()
if votacion.es_taller and not st.session_state.get(f"votar_{votacion.id}_unida"):
    with comun.conexion() as db:  # cuenta en «personas unidas» del proyector (una vez por persona)
        try:
            servicios.unirse(db, votacion.id, actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
            st.stop()
    st.session_state[f"votar_{votacion.id}_unida"] = True

motivo = servicios.por_que_no_se_vota(votacion, nucleo.ahora())
hasta_el_cierre = comun.t("Puede cambiarlo hasta el cierre; vale el último.")
if mia:
    st.success(comun.t("Su voto está registrado. Recibo: **{recibo}**", recibo=mia[1]) +
               ("" if motivo else " · " + hasta_el_cierre))
for retiro in retiradas:  # quien ya la había marcado lo sabe: su papeleta vale para las demás
    st.warning(comun.t("**{codigo}** ({titulo}) fue retirada de la votación: {motivo}. Ya no se puede elegir y sus "
                       "marcas no cuentan; lo demás de su papeleta sigue valiendo.", codigo=retiro["codigo"],
                       titulo=comun.texto_plano(retiro["titulo"]), motivo=comun.texto_plano(retiro["motivo"])),
               icon=":material/block:")
if motivo:
    st.warning(motivo)
    if votacion.estado == EstadoVotacion.CERRADA:
        st.page_link("paginas/resultados.py", label=comun.t("Ver los resultados"),
                     query_params={"votacion": str(votacion.id)})
    if st.button(comun.t("Actualizar"), key="votar_actualizar", icon=":material/refresh:"):
        st.rerun()
    st.stop()

st.markdown(f"**{comun.texto_plano(piezas.instrucciones(votacion))}**")
clave = f"votar_{votacion.id}"
codigos = list(elegibles)
borrador = piezas.borradores().get((str(comun.ruta_db()), votacion.id, actor.participante_id))
if f"{clave}_iniciada" not in st.session_state:
    # la primera vez, lo marcado es el voto vigente (si lo hay); si recargó la página (o se reinició la sesión) a
    # medio marcar, vuelve lo que tenía marcado sin emitir
    st.session_state[f"{clave}_iniciada"] = True
    iniciales = marcar.valores_iniciales(votacion, codigos, mia[0] if mia else None) | (borrador or {})
    for campo, valor in iniciales.items():
        st.session_state[f"{clave}_{campo}"] = valor


def guardar_borrador() -> None:
    """Lo enviado y rechazado, en la memoria del servidor (no en la base), para que vuelva si la página se recarga
    en otra sesión; se pierde si el servidor se reinicia. Lo marcado sin enviar lo guarda el navegador."""
    piezas.borradores()[(str(comun.ruta_db()), votacion.id, actor.participante_id)] = {
        c: st.session_state[f"{clave}_{c}"] for c in marcar.campos(votacion, codigos) if f"{clave}_{c}" in st.session_state}


def lo_marcado() -> Papeleta:
    """La papeleta tal como está marcada en la página (vive en la sesión)."""
    return marcar.papeleta_de(votacion, codigos, {c: st.session_state.get(f"{clave}_{c}")
                                                  for c in marcar.campos(votacion, codigos)})


def emitir() -> None:
    """Callback de «Votar»: emite antes de que se vuelva a dibujar la papeleta, que así ya trae el recibo (o qué
    corregir) en la misma vuelta. La sesión se revisa de nuevo aquí (pudo vencer mientras marcaba)."""
    quien = comun.actor_actual()
    if st.session_state.get(comun.CLAVE_SESION_TERMINADA):
        return  # la sesión terminó mientras marcaba: la papeleta vuelve a dibujar la página entera, con el aviso
    with comun.conexion() as db:
        try:
            recibo = servicios.emitir(db, votacion.id, lo_marcado(), actor=quien, ahora=nucleo.ahora())
        except PapeletaInvalida as error:
            st.session_state[f"{clave}_problemas"] = list(error.problemas)
        except ErrorPlataforma as error:
            st.session_state[f"{clave}_error"] = str(error)
        else:
            st.session_state[f"{clave}_recibo"] = recibo.recibo
            st.session_state[f"{clave}_recien"] = (
                comun.t("Su voto no cambió: ya estaba así. Recibo: {recibo}", recibo=recibo.recibo) if recibo.repetida
                else comun.t("Su voto cambió. Recibo: {recibo}", recibo=recibo.recibo) if recibo.cambio
                else comun.t("¡Gracias! Su voto quedó registrado. Recibo: {recibo}", recibo=recibo.recibo))


@st.fragment
def papeleta() -> None:
    """Las tarjetas y «Votar» en un formulario: marcar no le pide nada al servidor (la cuenta la lleva el
    navegador, `piezas.cuenta`); «Votar» corre solo esto, no toda la página. En un taller de 300 celulares, cada
    uno le cuesta al servidor tres vueltas: abrir, entrar con su código y votar."""
    if st.session_state.get(comun.CLAVE_SESION_TERMINADA):
        st.rerun()  # toda la página: el marco dice por qué terminó la sesión y ofrece entrar de nuevo
    recien = st.session_state.pop(f"{clave}_recien", None)
    problemas = st.session_state.pop(f"{clave}_problemas", None)
    error = st.session_state.pop(f"{clave}_error", None)
    marcada = lo_marcado()
    guardar_borrador()
    costos = {c: e.costo_centimos for c, e in elegibles.items()}
    resumen = marcar.resumen(votacion, marcada, costos)
    with st.form(f"{clave}_papeleta", border=False, enter_to_submit=False):
        piezas.cuenta(votacion, clave, costos, marcada, resumen, "arriba", limpiar=bool(recien),
                      guardar_en=piezas.llave_del_borrador(votacion.id, actor.participante_id))
        if marcar.control(votacion) == "puesto":
            opciones = [marcar.NINGUNA, *elegibles]
            nombres = {c: f"{c} — {elegibles[c].titulo[:60]}" for c in elegibles} | {marcar.NINGUNA: marcar.NINGUNA}
            for puesto in range(votacion.max_opciones):
                st.selectbox(comun.t("{n}.º lugar", n=puesto + 1), opciones, format_func=nombres.get,
                             key=f"{clave}_puesto_{puesto}", placeholder=comun.t("Elija una propuesta"))
            with st.expander(comun.t("Ver las propuestas"), key=f"{clave}_ver_propuestas"):
                for codigo in elegibles:
                    piezas.tarjeta(elegibles[codigo], fotos.get(codigo))
        else:
            for codigo in elegibles:
                caja = piezas.tarjeta(elegibles[codigo], fotos.get(codigo))
                if marcar.control(votacion) == "semillas":
                    caja.number_input(comun.t("Semillas"), min_value=0, max_value=votacion.puntos_total, step=1,
                                      key=f"{clave}_{codigo}")
                else:
                    caja.checkbox(comun.t("Elijo esta"), key=f"{clave}_{codigo}")
        # lo que pasó al votar va junto al botón, donde la persona está mirando
        if problemas:
            comun.mostrar_problemas(problemas, comun.t("Su papeleta no se pudo emitir; corrija:"))
        if error:
            st.error(comun.texto_plano(error))
        if recien:
            st.success(recien + " · " + hasta_el_cierre)
        elif resumen.junto_al_boton and len(elegibles) > 3:
            # en el celular la cuenta de arriba queda fuera de la pantalla: se repite junto al botón
            piezas.cuenta(votacion, clave, costos, marcada, resumen, "boton")
        votada = mia or st.session_state.get(f"{clave}_recibo")
        st.form_submit_button(comun.t("Cambiar mi voto") if votada else comun.t("Votar"), type="primary",
                              key="votar_emitir", width="stretch", on_click=emitir)

papeleta()
