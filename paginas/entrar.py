"""Entrar: el equipo con usuario y contraseña; los agentes participantes con su código de acceso."""
import re

import streamlit as st

import nucleo
from identidad import cuentas, participantes
from identidad.acceso import PUBLICO, Accion
from nucleo.errores import ErrorPlataforma
from paginas import comun, piezas_participacion
from propuestas import servicios as propuestas_servicios
from votacion import servicios as votacion_servicios


def mostrar_que_hacer() -> None:
    """Recién entrado con su código: a proponer o a votar (la votación abierta del proceso, si la hay), con botones
    grandes; si hoy no se puede, dice por qué y cuándo."""
    with comun.conexion() as db:
        proceso = propuestas_servicios.proceso_actual(db)
        abierta = votacion_servicios.abierta_para_votar(db, proceso.id) if proceso else None
    if proceso is None:
        return
    proponer, votar = st.columns(2)
    permiso = proceso.permite(Accion.PROPONER, propuestas_servicios.fecha_local(nucleo.ahora()))
    if proponer.button("Proponer un proyecto", type="primary" if permiso and not abierta else "secondary",
                       icon=":material/edit_note:", width="stretch", key="entrar_ir_a_proponer"):
        st.switch_page("paginas/proponer.py")
    if not permiso:
        proponer.caption(comun.texto_plano(permiso.motivo))
    if abierta is not None:
        if votar.button(f"Votar: {comun.texto_plano(abierta.nombre)}", type="primary", icon=":material/how_to_vote:",
                        width="stretch", wrap=True, key="entrar_ir_a_votar"):
            st.switch_page("paginas/votar.py", query_params={"votacion": str(abierta.id)})
    else:
        votar.button("Votar", icon=":material/how_to_vote:", width="stretch", disabled=True, key="entrar_ir_a_votar")
        votar.caption("Todavía no hay una votación abierta. Cuando la facilitación abra la del taller, aquí aparece "
                      "el botón para votar.")


sesion = comun.sesion_actual()
actor = sesion.actor if sesion else PUBLICO
st.title("Entrar")
comun.mostrar_aviso()

if actor != PUBLICO:
    usuario = f" (usuario {comun.texto_plano(actor.nombre)})" if actor.cuenta_id is not None else ""
    st.success(f"Entró como {comun.texto_plano(comun.nombre_de(actor))}{usuario}, {actor.rol.etiqueta}. La sesión "
               "sigue aunque recargue la página o abra otra pestaña de este navegador; «Salir» la cierra.")
    if sesion.debe_cambiar_contrasena:
        st.warning("Su cuenta es nueva: la contraseña inicial la eligió otra persona. **Cámbiela antes de seguir**; "
                   "hasta entonces no puede usar las demás páginas.", icon=":material/key:")
    if actor.participante_id is not None and st.query_params.get("actividad", "").isdigit():
        piezas_participacion.anotar_mi_asistencia(actor, int(st.query_params["actividad"]))  # el QR de la puerta
    if actor.participante_id is not None:
        mostrar_que_hacer()
    if actor.cuenta_id is not None:
        with st.form("entrar_cambiar_contrasena"):
            st.subheader("Cambiar contraseña", anchor=False)
            actual = st.text_input("Contraseña actual", type="password", key="entrar_actual")
            nueva = st.text_input("Contraseña nueva (10 caracteres o más; una frase de varias palabras sirve)",
                                  type="password", key="entrar_nueva")
            if st.form_submit_button("Cambiar contraseña"):
                with comun.conexion() as db:
                    try:
                        cuentas.cambiar_contrasena(db, actor=actor, actual=actual, nueva=nueva, ahora=nucleo.ahora())
                    except ErrorPlataforma as error:
                        comun.mostrar_problemas([p.mensaje for p in error.problemas] or [str(error)])
                    else:
                        comun.avisar("Contraseña cambiada. Las otras sesiones de su cuenta se cerraron.")
                        st.rerun()
    if st.button("Salir", key="entrar_salir"):
        comun.cerrar_sesion()
        st.rerun()
    st.stop()

def volver_a_la_propuesta() -> None:
    """Si llegó desde una ficha (`?propuesta=CÓDIGO`) o una votación (`?votacion=ID`), vuelve a ella ya con
    la sesión iniciada."""
    codigo = st.query_params.get("propuesta", "")
    if re.fullmatch(r"[A-Z0-9]{2,8}-\d{4,6}", codigo):
        st.switch_page("paginas/propuestas.py", query_params={"propuesta": codigo})
    votacion = st.query_params.get("votacion", "")
    if re.fullmatch(r"\d{1,9}", votacion):
        st.switch_page("paginas/votar.py", query_params={"votacion": votacion})


participante, equipo = st.tabs(["Tengo un código", "Soy del equipo"])
with participante:
    with st.form("entrar_codigo"):
        codigo = st.text_input("Código de acceso (está en su tarjeta)", value=st.query_params.get("codigo", ""),
                               placeholder="ABCDE-FGHJK", key="entrar_codigo_texto")
        if st.form_submit_button("Entrar con mi código", type="primary"):
            with comun.conexion() as db:
                try:
                    sesion = participantes.entrar_con_codigo(db, codigo, origen=comun.origen(), ahora=nucleo.ahora())
                except ErrorPlataforma as error:
                    comun.mostrar_error(error)
                else:
                    comun.iniciar(sesion)
                    comun.avisar("¡Bienvenida o bienvenido! Ya puede proponer y votar: elija abajo.")
                    volver_a_la_propuesta()
                    st.rerun()
with equipo:
    with comun.conexion() as db:
        hay_cuentas = cuentas.hay_cuentas(db)
    if not hay_cuentas:
        st.info("Aún no hay cuentas del equipo. Cree la primera (de administración) en el servidor con:\n\n"
                "`python -m geo crear-administrador --usuario USUARIO --nombre \"Nombre Apellido\"`")
    with st.form("entrar_equipo"):
        usuario = st.text_input("Usuario", key="entrar_usuario")
        contrasena = st.text_input("Contraseña", type="password", key="entrar_contrasena")
        if st.form_submit_button("Entrar", type="primary"):
            with comun.conexion() as db:
                try:
                    sesion = cuentas.iniciar_sesion(db, usuario=usuario, contrasena=contrasena, origen=comun.origen(),
                                                    ahora=nucleo.ahora(), cookie_previa=comun.cookie_del_navegador())
                except ErrorPlataforma as error:
                    comun.mostrar_error(error)
                else:
                    comun.iniciar(sesion)
                    comun.avisar(f"Bienvenida o bienvenido, {comun.nombre_de(sesion.actor)}.")
                    volver_a_la_propuesta()
                    st.rerun()
