"""Taller en vivo (consola de la facilitación): elegir proceso y votación, abrir / pausar / cerrar, revelar los
resultados, la cuenta regresiva, la asistencia por organización y distrito, registrar en el momento a quien
llegó sin tarjeta, abrir el proyector, y el acta: acuerdos y compromisos, el Comité de Vigilancia y el PDF."""
import contextlib

import streamlit as st

import nucleo
from geo import servicios as territorio
from identidad import participantes
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_soles
from paginas import comun, control, piezas_acta, piezas_participacion
from propuestas import servicios as propuestas_servicios
from votacion import acta, servicios
from votacion.modelo import REGLAS, EstadoVotacion


@st.cache_data(max_entries=8, show_spinner="Armando el acta…")
def acta_en_pdf(ruta: str, votacion_id: int, version: tuple) -> bytes:
    """Solo el cómputo (el permiso va antes): se rehace si cambió la votación o sus acuerdos; sale igual byte a byte."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        return acta.armar_acta(db, votacion_id)


# Tras registrar bien a quien llegó sin tarjeta, el formulario vuelve vacío (con un error, lo escrito se queda).
# Quitar las claves no basta: el navegador conserva lo escrito y lo manda con la siguiente persona.
CLAVE_VACIAR_REGISTRO = "consola_vaciar_registro"
REGISTRO_VACIO = {"consola_nombre": "", "consola_tipo": next(iter(participantes.TIPOS)), "consola_organizacion": "",
                  "consola_distrito": None, "consola_consentimiento": False, **piezas_participacion.vacios("consola")}

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
                          index=list(nombres_proceso).index(actual.id) if actual and actual.id in nombres_proceso else 0,
                          placeholder="Elija un proceso")
with comun.conexion() as db:
    votaciones = servicios.listar(db, proceso_id)
if not votaciones:
    st.info("Este proceso aún no tiene votaciones.")
    st.page_link("paginas/votaciones.py", label="Crear la votación del taller", icon=":material/add:")
    st.stop()
nombres_votacion = {v.id: f"{v.nombre} (n.º {v.id})" for v in votaciones}
activas = [v.id for v in votaciones if v.estado.en_curso]
votacion_id = st.selectbox("Votación", list(nombres_votacion), format_func=nombres_votacion.get,
                           key="consola_votacion", index=list(nombres_votacion).index(activas[0]) if activas else 0,
                           placeholder="Elija una votación")
with comun.conexion() as db:
    votacion = servicios.obtener(db, votacion_id)
    elegibles = servicios.elegibles(db, votacion_id)

st.markdown(f"**{votacion.estado.etiqueta}** · {votacion.tipo.etiqueta} · {len(elegibles)} propuestas · techo "
            f"{formatear_soles(votacion.techo_centimos)} · regla: {comun.texto_plano(REGLAS[votacion.regla])}")
control.estado_y_resultados(votacion, actor)

enlace_taller = comun.url_del_taller(votacion.id)
enlace_proyector = f"{comun.url_publica()}/proyector?taller={votacion.id}"
izquierda, centro, derecha = st.columns(3)
izquierda.link_button("Abrir el proyector (pestaña nueva)", enlace_proyector, icon=":material/co_present:",
                      type="primary")
centro.page_link("paginas/resultados.py", label="Resultados y archivos", icon=":material/bar_chart:",
                 query_params={"votacion": str(votacion.id)})
derecha.markdown(":material/description: [Ir al acta](#acta) (acuerdos, compromisos y el PDF, abajo)")
st.caption(f"Los celulares entran con el QR del proyector o escribiendo `{enlace_taller.replace('`', '')}` "
           "(la laptop y los celulares, en el mismo Wi-Fi).")


@st.fragment(run_every=2)
def contadores() -> None:
    """Contadores y asistencia de una sola lectura, cada 2 segundos: nunca dicen cosas distintas."""
    with comun.conexion() as db:
        tablero = servicios.tablero_del_taller(db, votacion_id, actor=actor)
    vivo, actualizada, resumen = tablero["vivo"], tablero["votacion"], tablero["asistencia"]
    restantes = (None if actualizada.estado == EstadoVotacion.CERRADA else
                 servicios.segundos_restantes(actualizada, nucleo.ahora()))
    columnas = st.columns(4)
    columnas[0].metric("Personas unidas", vivo["unidos"])
    columnas[1].metric("Papeletas", vivo["papeletas"])
    columnas[2].metric("De papel", vivo["papel"])
    columnas[3].metric("Cuenta regresiva", "—" if restantes is None else f"{restantes // 60:02d}:{restantes % 60:02d}")
    st.subheader("Asistencia", anchor=False)
    st.markdown(f"**{resumen['personas']}** personas en el taller (anotadas en la mesa o unidas desde su celular); "
                f"**{resumen['votaron']}** ya votaron.")
    if not resumen["personas"]:
        st.caption("Aún no hay nadie: aparecen aquí al unirse con el QR o al anotarlas en la mesa.")
        return
    por_organizacion, por_distrito = st.columns(2)
    with por_organizacion:
        comun.tabla([{"Organización": o, "Personas": d["personas"], "Votaron": d["votaron"]}
                     for o, d in resumen["por_organizacion"].items()], vacia="Aún no hay nadie.",
                    key="consola_por_organizacion")
    with por_distrito:
        comun.tabla([{"Distrito": o, "Personas": d["personas"], "Votaron": d["votaron"]}
                     for o, d in resumen["por_distrito"].items()], vacia="Aún no hay nadie.",
                    key="consola_por_distrito")


contadores()

with comun.conexion() as db:
    personas = participantes.listar_participantes(db, proceso_id, actor=actor)
    distritos = territorio.nombres_de_distritos(db)

if votacion.estado != EstadoVotacion.CERRADA:
    etiquetas = {p["id"]: f"{p['nombre']} ({p.get('organizacion') or participantes.TIPOS[p['tipo']]})"
                 for p in personas}
    con_tarjeta, sin_tarjeta = st.tabs(["Ya tiene tarjeta: anotar asistencia", "Llegó sin tarjeta: registrar"])
    with con_tarjeta:
        persona = st.selectbox("Agente participante", list(etiquetas), format_func=etiquetas.get, index=None,
                               placeholder="Escriba para buscar por nombre u organización", key="consola_persona")
        if st.button("Anotar asistencia", key="consola_anotar") and persona:
            comun.ejecutar(lambda db: servicios.registrar_asistencia(db, votacion.id, persona, actor=actor,
                                                                       ahora=nucleo.ahora()),
                             f"Asistencia anotada: {etiquetas[persona]}.")
    with sin_tarjeta:
        if st.session_state.pop(CLAVE_VACIAR_REGISTRO, False):
            st.session_state.update(REGISTRO_VACIO)  # antes de dibujarlo: la siguiente persona no hereda nada
        with st.form("consola_registro", clear_on_submit=False):
            nombre = st.text_input("Nombre y apellidos", key="consola_nombre")
            tipo = st.selectbox("Participa como", list(participantes.TIPOS), format_func=participantes.TIPOS.get,
                                key="consola_tipo", placeholder="Elija cómo participa")
            organizacion = st.text_input("Organización (si representa a una)", key="consola_organizacion")
            ubigeo = st.selectbox("Distrito donde vive", list(distritos), format_func=distritos.get, index=None,
                                  placeholder="Elija el distrito", key="consola_distrito")
            quien = piezas_participacion.sexo_y_edad("consola")
            st.caption(participantes.AVISO_DATOS)
            consentimiento = st.checkbox("La persona acepta que sus datos se usen solo para este proceso "
                                         "(Ley 29733)", key="consola_consentimiento")
            if st.form_submit_button("Registrar y dar su código", type="primary"):
                datos = {"nombre": nombre, "tipo": tipo, "organizacion": organizacion, "ubigeo": ubigeo,
                         "consentimiento": consentimiento, **quien}
                with comun.conexion() as db:
                    try:
                        _, codigo = servicios.registrar_en_el_taller(db, votacion.id, datos, actor=actor,
                                                                     ahora=nucleo.ahora())
                    except ErrorPlataforma as error:
                        comun.mostrar_error(error)
                    else:
                        st.session_state["consola_codigo_nuevo"] = (nombre, codigo)
                        st.session_state[CLAVE_VACIAR_REGISTRO] = True
                        st.rerun()
        nuevo = st.session_state.get("consola_codigo_nuevo")
        if nuevo:
            st.success(f"{comun.texto_plano(nuevo[0])} quedó registrada o registrado, con asistencia. Dígale o "
                       "anótele su código (se muestra solo esta vez):")
            st.code(nuevo[1], language=None)

if votacion.estado != EstadoVotacion.CERRADA:
    control.cuenta_regresiva(votacion, actor)

st.subheader("Acta del taller", anchor="acta")
piezas_acta.acuerdos(votacion, actor)
piezas_acta.comite(votacion, actor)
if votacion.estado != EstadoVotacion.CERRADA:
    st.caption("El acta se puede bajar ahora (con resultados parciales); la definitiva, al cerrar la votación.")
with comun.conexion() as db:
    servicios.exigir_resultados(db, votacion_id, actor=actor)  # la facilitación siempre puede: no hay motivo que mostrar
    version_acta = servicios.version_del_acta(db, votacion_id)
st.download_button("Descargar el acta (PDF)", acta_en_pdf(str(comun.ruta_db()), votacion_id, version_acta),
                   f"acta_votacion_{votacion_id}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
                   key="consola_acta")
