"""Taller en vivo (consola de la facilitación): elegir proceso y votación, abrir / pausar / cerrar, revelar los
resultados, la cuenta regresiva, la asistencia por organización y distrito, registrar en el momento a quien
llegó sin tarjeta, y abrir el proyector."""
import streamlit as st

import geo
from geo import servicios as territorio
from geo.acceso import Accion, SinPermiso
from paginas import comun, control
from propuestas import participantes
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import ErrorPropuestas, formatear_soles
from votacion import servicios
from votacion.modelo import REGLAS, EstadoVotacion, VotacionCerrada

actor = comun.exigir_pagina(Accion.GESTIONAR_VOTACIONES)
st.title("Taller en vivo")
comun.vigilar_reinicio()
comun.mostrar_aviso()
with comun.conexion() as db:
    procesos = propuestas_servicios.listar_procesos(db)
    actual = propuestas_servicios.proceso_actual(db)
if not procesos:
    st.info("Todavía no hay un proceso participativo.")
    st.stop()
nombres_proceso = {p.id: p.nombre for p in procesos}
proceso_id = st.selectbox("Proceso", list(nombres_proceso), format_func=nombres_proceso.get, key="consola_proceso",
                          index=list(nombres_proceso).index(actual.id) if actual and actual.id in nombres_proceso else 0)
with comun.conexion() as db:
    votaciones = servicios.listar(db, proceso_id)
if not votaciones:
    st.info("Este proceso aún no tiene votaciones.")
    st.page_link("paginas/votaciones.py", label="Crear la votación del taller", icon=":material/add:")
    st.stop()
nombres_votacion = {v.id: f"{v.nombre} (n.º {v.id})" for v in votaciones}
activas = [v.id for v in votaciones if v.estado in (EstadoVotacion.ABIERTA, EstadoVotacion.PAUSADA)]
votacion_id = st.selectbox("Votación", list(nombres_votacion), format_func=nombres_votacion.get,
                           key="consola_votacion", index=list(nombres_votacion).index(activas[0]) if activas else 0)
with comun.conexion() as db:
    votacion = servicios.obtener(db, votacion_id)
    elegibles = servicios.elegibles(db, votacion_id)

st.markdown(f"**{votacion.estado.etiqueta}** · {votacion.tipo.etiqueta} · {len(elegibles)} propuestas · techo "
            f"{formatear_soles(votacion.techo_centimos)} · regla: {comun.texto_plano(REGLAS[votacion.regla])}")
control.estado_y_resultados(votacion, actor)

enlace_taller = comun.url_del_taller(votacion.id)
enlace_proyector = f"{comun.url_publica()}/proyector?taller={votacion.id}"
izquierda, derecha = st.columns(2)
izquierda.link_button("Abrir el proyector (pestaña nueva)", enlace_proyector, icon=":material/co_present:",
                      type="primary")
derecha.page_link("paginas/resultados.py", label="Resultados y archivos para el acta", icon=":material/description:",
                  query_params={"votacion": str(votacion.id)})
st.caption(f"Los celulares entran con el QR del proyector o escribiendo `{comun.texto_plano(enlace_taller)}` "
           "(la laptop y los celulares, en el mismo Wi-Fi).")


@st.fragment(run_every=2)
def contadores() -> None:
    with comun.conexion() as db:
        vivo = servicios.en_vivo(db, votacion_id)
        actualizada = servicios.obtener(db, votacion_id)
    restantes = servicios.segundos_restantes(actualizada, geo.ahora())
    columnas = st.columns(4)
    columnas[0].metric("Personas unidas", vivo["unidos"])
    columnas[1].metric("Papeletas", vivo["papeletas"])
    columnas[2].metric("De papel", vivo["papel"])
    columnas[3].metric("Cuenta regresiva", "—" if restantes is None else f"{restantes // 60:02d}:{restantes % 60:02d}")


contadores()

if votacion.estado != EstadoVotacion.CERRADA:
    st.subheader("Cuenta regresiva", anchor=False)
    st.caption("Se ve grande en el proyector. Solo avisa: la votación se cierra con el botón de arriba.")
    minutos, iniciar, detener = st.columns([2, 1, 1], vertical_alignment="bottom")
    cuantos = minutos.number_input("Minutos", min_value=1, max_value=180, value=10, step=1, key="consola_minutos")
    if iniciar.button("Iniciar", key="consola_cuenta_iniciar", icon=":material/timer:"):
        control.ejecutar(lambda db: servicios.iniciar_cuenta(db, votacion.id, int(cuantos), actor=actor,
                                                             ahora=geo.ahora()),
                         f"Cuenta regresiva de {int(cuantos)} minutos en marcha.")
    if votacion.cuenta_hasta and detener.button("Quitar", key="consola_cuenta_detener", icon=":material/timer_off:"):
        control.ejecutar(lambda db: servicios.detener_cuenta(db, votacion.id, actor=actor, ahora=geo.ahora()),
                         "Cuenta regresiva quitada.")

st.subheader("Asistencia", anchor=False)
with comun.conexion() as db:
    resumen = servicios.asistencia_del_taller(db, votacion_id, actor=actor)
    personas = participantes.listar_participantes(db, proceso_id, actor=actor)
    distritos = territorio.nombres_de_distritos(db)
st.markdown(f"**{resumen['personas']}** personas en el taller (anotadas en la mesa o unidas desde su celular); "
            f"**{resumen['votaron']}** ya votaron.")
por_organizacion, por_distrito = st.columns(2)
por_organizacion.dataframe([{"Organización": o, "Personas": d["personas"], "Votaron": d["votaron"]}
                            for o, d in resumen["por_organizacion"].items()],
                           hide_index=True, width="stretch", key="consola_por_organizacion")
por_distrito.dataframe([{"Distrito": o, "Personas": d["personas"], "Votaron": d["votaron"]}
                        for o, d in resumen["por_distrito"].items()],
                       hide_index=True, width="stretch", key="consola_por_distrito")

if votacion.estado != EstadoVotacion.CERRADA:
    etiquetas = {p["id"]: f"{p['nombre']} ({p.get('organizacion') or participantes.TIPOS[p['tipo']]})"
                 for p in personas}
    con_tarjeta, sin_tarjeta = st.tabs(["Ya tiene tarjeta: anotar asistencia", "Llegó sin tarjeta: registrar"])
    with con_tarjeta:
        persona = st.selectbox("Agente participante", list(etiquetas), format_func=etiquetas.get, index=None,
                               placeholder="Escriba para buscar por nombre u organización", key="consola_persona")
        if st.button("Anotar asistencia", key="consola_anotar") and persona:
            control.ejecutar(lambda db: servicios.registrar_asistencia(db, votacion.id, persona, actor=actor,
                                                                       ahora=geo.ahora()),
                             f"Asistencia anotada: {etiquetas[persona]}.")
    with sin_tarjeta:
        with st.form("consola_registro", clear_on_submit=False):
            nombre = st.text_input("Nombre y apellidos", key="consola_nombre")
            tipo = st.selectbox("Participa como", list(participantes.TIPOS), format_func=participantes.TIPOS.get,
                                key="consola_tipo")
            organizacion = st.text_input("Organización (si representa a una)", key="consola_organizacion")
            ubigeo = st.selectbox("Distrito donde vive", list(distritos), format_func=distritos.get, index=None,
                                  placeholder="Elija el distrito", key="consola_distrito")
            consentimiento = st.checkbox("La persona acepta que sus datos se usen solo para este proceso "
                                         "(Ley 29733)", key="consola_consentimiento")
            if st.form_submit_button("Registrar y dar su código", type="primary"):
                datos = {"nombre": nombre, "tipo": tipo, "organizacion": organizacion, "ubigeo": ubigeo,
                         "consentimiento": consentimiento}
                with comun.conexion() as db:
                    try:
                        _, codigo = servicios.registrar_en_el_taller(db, votacion.id, datos, actor=actor,
                                                                     ahora=geo.ahora())
                    except (ErrorPropuestas, SinPermiso, VotacionCerrada, geo.ErrorAlmacen) as error:
                        comun.mostrar_error(error)
                    else:
                        st.session_state["consola_codigo_nuevo"] = (nombre, codigo)
                        for clave in ("consola_nombre", "consola_organizacion", "consola_consentimiento"):
                            st.session_state.pop(clave, None)
                        st.rerun()
        nuevo = st.session_state.get("consola_codigo_nuevo")
        if nuevo:
            st.success(f"{comun.texto_plano(nuevo[0])} quedó registrada o registrado, con asistencia. Dígale o "
                       "anótele su código (se muestra solo esta vez):")
            st.code(nuevo[1], language=None)
