"""Piezas de interfaz de la deliberación en la ficha de una propuesta: apoyos, argumentos, moderación
y (en paginas/facilitacion.py) herramientas de facilitación. Toda acción llama a un caso de uso que revisa rol y fase en el servidor."""

import streamlit as st

import nucleo
from identidad.acceso import Accion, Actor, puede
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_momento
from paginas import comun, facilitacion
from propuestas import deliberacion
from propuestas.deliberacion import MOTIVOS_REPORTE, Argumento, Postura
from propuestas.modelo import Propuesta

# Íconos Material que trae Streamlit (se sirven con la app, sin internet; los emojis dependen del equipo).
ICONOS = {Postura.A_FAVOR: ":material/thumb_up:", Postura.EN_CONTRA: ":material/thumb_down:",
          Postura.OBSERVACION: ":material/chat:"}
CLAVE_FORMULARIO = "debate_formulario_{}"


def mostrar(propuesta: Propuesta, actor: Actor) -> None:
    with comun.conexion() as db:
        vista = deliberacion.deliberacion(db, propuesta.codigo, actor=actor, ahora=nucleo.ahora())
    st.subheader("Deliberación", anchor=False)
    comun.mostrar_aviso()
    columnas = st.columns(4)
    columnas[0].metric("Apoyos", vista.apoyos)
    for columna, postura in zip(columnas[1:], Postura):
        columna.metric(f"{ICONOS[postura]} {postura.etiqueta}", vista.por_postura[postura])
    _apoyo(vista, propuesta.codigo, actor)
    if vista.cerrada_en:
        st.info(f"La deliberación se cerró el {formatear_momento(vista.cerrada_en)}"
                + (f": {comun.texto_plano(vista.cerrada_motivo)}" if vista.cerrada_motivo else "."))
    if vista.sintesis:
        st.markdown("**Acuerdos del grupo**")
        st.success(comun.texto_plano(vista.sintesis["texto"]).replace("\n", "  \n"))
        st.caption(f"Síntesis de la facilitación, {formatear_momento(vista.sintesis['escrita_en'])}")
    if any(vista.destacados.values()):
        st.markdown("**Argumentos más apoyados**")
        for columna, postura in zip(st.columns(2), (Postura.A_FAVOR, Postura.EN_CONTRA)):
            with columna:
                st.markdown(f"{ICONOS[postura]} **{postura.etiqueta}**")
                for argumento in vista.destacados[postura]:
                    with st.container(border=True):
                        st.markdown(comun.texto_plano(argumento.texto or ""))
                        st.caption(f"{comun.texto_plano(argumento.autor)} · {argumento.apoyos} apoyos")
                if not vista.destacados[postura]:
                    st.caption("Nadie ha argumentado de este lado todavía.")
    izquierda, derecha = st.columns([3, 1], vertical_alignment="center")
    izquierda.markdown(f"**Todos los argumentos ({sum(vista.por_postura.values())})**")
    derecha.button("Ver lo nuevo", icon=":material/refresh:", key="debate_actualizar",
                   help="Trae los argumentos y apoyos publicados desde que abrió la página (sin perder su sesión).")
    for argumento in vista.hilo:
        _argumento(argumento, vista, propuesta.codigo, actor, nivel=0)
    _formulario(vista, propuesta.codigo, actor)
    if puede(actor, Accion.MODERAR) or puede(actor, Accion.FUSIONAR):
        facilitacion.herramientas(propuesta, vista, actor)


def _apoyo(vista: deliberacion.Deliberacion, codigo: str, actor: Actor) -> None:
    if not vista.puede_apoyar:
        st.caption(comun.texto_plano(vista.puede_apoyar.motivo))
    elif vista.apoyada_por_mi:
        if st.button("Retirar mi apoyo", key="debate_retirar_apoyo"):
            comun.ejecutar(deliberacion.retirar_apoyo, "Retiró su apoyo.", codigo=codigo, actor=actor)
    elif st.button("Apoyar esta propuesta", icon=":material/thumb_up:", key="debate_apoyar", type="primary"):
        comun.ejecutar(deliberacion.apoyar, "¡Gracias! Su apoyo quedó registrado.", codigo=codigo, actor=actor)


def _argumento(argumento: Argumento, vista, codigo: str, actor: Actor, nivel: int) -> None:
    contenedor = st.columns([1, 15])[1] if nivel else st
    with contenedor.container(border=True, key=f"argumento_{argumento.id}"):
        origen = f" · en {argumento.propuesta} (fusionada)" if argumento.propuesta != codigo else ""
        st.markdown(f"{ICONOS[argumento.postura]} **{argumento.postura.etiqueta}** · "
                    f"{comun.texto_plano(argumento.autor)} · {formatear_momento(argumento.creado_en)}{origen}")
        if argumento.esta_oculto:
            motivo = comun.texto_plano(argumento.oculto_motivo or "")
            if argumento.texto is None:
                st.markdown(f":material/block: *Ocultado por moderación: {motivo}*")
            else:
                st.warning(f"Oculto por moderación (solo su autor y la facilitación lo ven): {motivo}")
        if argumento.texto is not None:
            st.markdown(comun.texto_plano(argumento.texto).replace("\n", "  \n"))
        if not argumento.esta_oculto:
            _acciones(argumento, vista, codigo, actor, nivel)
        elif vista.puede_moderar:
            _restablecer(argumento, actor)
    for respuesta in argumento.respuestas:
        _argumento(respuesta, vista, codigo, actor, nivel + 1)


def _acciones(argumento: Argumento, vista, codigo: str, actor: Actor, nivel: int) -> None:
    fila = st.container(horizontal=True, gap="small")  # en el celular se acomoda en una línea, no en cuatro
    etiqueta = f":material/thumb_up: {argumento.apoyos}"
    if vista.puede_apoyar and not argumento.es_mio:
        if argumento.apoyado_por_mi:
            if fila.button(f"{etiqueta} · quitar", key=f"arg_quitar_{argumento.id}",
                                  help="Retirar mi apoyo a este argumento"):
                comun.ejecutar(deliberacion.retirar_apoyo_argumento, "Retiró su apoyo al argumento.",
                         argumento_id=argumento.id, actor=actor)
        elif fila.button(etiqueta, key=f"arg_apoyar_{argumento.id}", help="Apoyar este argumento"):
            comun.ejecutar(deliberacion.apoyar_argumento, "Apoyó el argumento.", argumento_id=argumento.id, actor=actor)
    else:
        fila.caption(f"{argumento.apoyos} apoyos")
    if nivel == 0 and vista.puede_argumentar:
        with fila.popover("Responder", key=f"arg_responder_{argumento.id}"):
            _formulario(vista, codigo, actor, responde_a=argumento.id)
    with fila.popover("Reportar", key=f"arg_reportar_{argumento.id}"):
        reportar("argumento", argumento.id, actor)
    if vista.puede_moderar:
        with fila.popover("Ocultar", key=f"arg_ocultar_{argumento.id}"):
            with st.form(f"ocultar_argumento_{argumento.id}"):
                motivo = st.text_input("Motivo (lo verá el público)", key=f"ocultar_motivo_{argumento.id}")
                if st.form_submit_button("Ocultar el argumento"):
                    comun.ejecutar(deliberacion.ocultar, "Argumento ocultado; sigue guardado y la acción quedó registrada.",
                             objeto="argumento", objeto_id=argumento.id, motivo=motivo, actor=actor)


def _restablecer(argumento: Argumento, actor: Actor) -> None:
    with st.popover("Restablecer", key=f"arg_restablecer_{argumento.id}"):
        with st.form(f"restablecer_{argumento.id}"):
            motivo = st.text_input("Motivo", key=f"restablecer_motivo_{argumento.id}")
            if st.form_submit_button("Volver a mostrar"):
                comun.ejecutar(deliberacion.restablecer, "El argumento se muestra otra vez.", objeto="argumento",
                         objeto_id=argumento.id, motivo=motivo, actor=actor)


def reportar(objeto: str, objeto_id: int, actor: Actor) -> None:
    with st.form(f"reportar_{objeto}_{objeto_id}"):
        categoria = st.selectbox("¿Qué pasa?", list(MOTIVOS_REPORTE), format_func=MOTIVOS_REPORTE.get,
                                 key=f"reporte_categoria_{objeto}_{objeto_id}", placeholder="Elija un motivo")
        detalle = st.text_input("Detalle (opcional)", key=f"reporte_detalle_{objeto}_{objeto_id}")
        if st.form_submit_button("Enviar a la facilitación"):
            comun.ejecutar(deliberacion.reportar, "Gracias: la facilitación revisará su reporte.", objeto=objeto,
                     objeto_id=objeto_id, categoria=categoria, detalle=detalle, actor=actor, origen=comun.origen())


def _formulario(vista, codigo: str, actor: Actor, responde_a: int | None = None) -> None:
    """Nuevo argumento o respuesta. Si algo falla, el texto sigue en el formulario."""
    if responde_a is None:
        st.markdown("**Publicar un argumento**")
        if not vista.puede_argumentar:
            st.caption(comun.texto_plano(vista.puede_argumentar.motivo))
            if not puede(actor, Accion.COMENTAR):
                st.page_link("paginas/entrar.py", label="Entrar con mi código", query_params={"propuesta": codigo})
            return
    sufijo = responde_a or "nuevo"
    version = st.session_state.setdefault(CLAVE_FORMULARIO.format(sufijo), 0)
    with st.form(f"argumentar_{sufijo}_{version}"):
        postura = st.radio("Mi postura", list(Postura), format_func=lambda p: f"{ICONOS[p]} {p.etiqueta}",
                           horizontal=True, key=f"postura_{sufijo}_{version}")
        texto = st.text_area("Mi argumento" if responde_a is None else "Mi respuesta", max_chars=None,
                             key=f"texto_{sufijo}_{version}", placeholder="Explique por qué, con respeto.",
                             help="Entre 3 y 3,000 caracteres. Se muestra tal cual: sin formato ni enlaces.")
        if st.form_submit_button("Publicar" if responde_a is None else "Responder", type="primary"):
            with comun.conexion() as db:
                try:
                    deliberacion.argumentar(db, codigo, texto, postura, actor=actor, ahora=nucleo.ahora(),
                                            responde_a=responde_a)
                except ErrorPlataforma as error:
                    comun.mostrar_error(error)
                    return
            st.session_state[CLAVE_FORMULARIO.format(sufijo)] = version + 1
            comun.avisar("Su argumento se publicó.")
            st.rerun()
