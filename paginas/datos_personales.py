"""Datos personales (Ley 29733): encontrar a una persona en todo lo que guarda la plataforma, entregarle sus datos
(JSON y PDF) y borrarlos a su pedido. Solo administración."""
import streamlit as st

import nucleo
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_fecha, formatear_fecha_y_hora
from paginas import comun
from propuestas import datos_personales, servicios
from votacion import conservacion as reglas_de_conservacion

CLAVE_EXPORTADO = "datos_exportado"


def conservacion(actor) -> None:
    """Cada proceso con su regla de conservación, cuándo vence y qué falta borrar; fijarla y aplicarla."""
    hoy = servicios.fecha_local(nucleo.ahora())
    with comun.conexion() as db:
        lista = reglas_de_conservacion.reglas(db, actor=actor)
    comun.tabla([{"Proceso": r.proceso, "Meses después del acta": r.meses,
                  "Acta firmada": formatear_fecha(r.acta) if r.acta else None,
                  "Se borran el": formatear_fecha(r.vence) if r.vence else None,
                  "Registros con contacto": r.pendientes, "Estado": r.estado(hoy)} for r in lista],
                vacia="Todavía no hay procesos.")
    if not lista:
        return
    por_id = {r.proceso_id: r for r in lista}
    with st.form("datos_conservacion"):
        elegido = st.selectbox("Proceso", list(por_id), format_func=lambda i: por_id[i].proceso,
                               key="datos_conservacion_proceso", placeholder="Elija el proceso")
        meses = st.number_input("Meses que se guardan los contactos después del acta (0: sin regla)", min_value=0,
                                max_value=datos_personales.MAXIMO_MESES, step=1, value=12, key="datos_meses")
        fijar = st.form_submit_button("Guardar la regla")
    if fijar and elegido is not None:
        with comun.conexion() as db:
            try:
                datos_personales.fijar_conservacion(db, elegido, int(meses) or None, actor=actor, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
                return
        comun.avisar(f"Regla del proceso {por_id[elegido].proceso} guardada.")
        st.rerun()
    if st.button(f"Olvidar las direcciones de red de más de {reglas_de_conservacion.DIAS_DIRECCIONES} días",
                 key="datos_olvidar_direcciones", help="Intentos de acceso y reportes de quien no entró: la dirección "
                 "solo sirve para frenar el abuso mientras es reciente. La orden `conservacion --aplicar` lo hace "
                 "también."):
        comun.ejecutar(lambda db: reglas_de_conservacion.olvidar_direcciones(db, actor=actor, ahora=nucleo.ahora()),
                       "Direcciones de red viejas olvidadas.")
    vencidas = [r for r in lista if r.vencida(hoy)]
    if vencidas and st.button(f"Aplicar la regla ahora ({len(vencidas)} proceso(s) vencido(s))",
                              key="datos_aplicar", type="primary"):
        with comun.conexion() as db:
            try:
                hechas = reglas_de_conservacion.aplicar(db, actor=actor, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
                return
        comun.avisar("Contactos borrados: " + ", ".join(f"{r.proceso} ({n} registros)" for r, n in hechas) + ".")
        st.rerun()


def persona(actor) -> None:
    """Buscar a una persona, entregarle sus datos y borrarlos."""

    with st.form("datos_buscar"):
        texto = st.text_input("Nombre, celular, correo o DNI", key="datos_texto",
                              placeholder="p. ej. Rosa Huamán o 987 654 321")
        buscado = st.form_submit_button("Buscar", type="primary")
    if buscado:
        st.session_state["datos_buscado"] = texto
        st.session_state.pop(CLAVE_EXPORTADO, None)
    consulta = st.session_state.get("datos_buscado")
    if not consulta:
        return
    with comun.conexion() as db:
        try:
            busqueda = datos_personales.buscar(db, consulta, actor=actor)
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
            return

    st.subheader(f"Dónde aparece «{comun.texto_plano(consulta)}» ({len(busqueda.registros)})", anchor=False)
    comun.tabla([{"Registro": datos_personales.CLASES[r.clase], "Proceso": r.proceso, "Nombre": r.nombre or "",
                  "Celular o correo": r.contacto or "", "Qué es": r.descripcion,
                  "Borrado": formatear_fecha_y_hora(r.borrado_en) if r.borrado_en else ""} for r in busqueda.registros],
                vacia="No aparece en ningún registro. Pruebe con otra parte del nombre, o con el celular.")
    for cuenta in busqueda.cuentas:
        estado = "desactivada" if cuenta["desactivada_en"] else "activa"
        st.info(f"También hay una cuenta del equipo con ese nombre: **{comun.texto_plano(cuenta['nombre'])}** (usuario "
                f"«{comun.texto_plano(cuenta['usuario'])}», {estado}). Sus datos de cuenta se gestionan en «Cuentas del "
                "equipo».")
    if not busqueda.registros:
        return

    opciones = {r.clave: f"{datos_personales.CLASES[r.clase]} · {r.proceso} · {r.descripcion}" for r in busqueda.registros}
    elegidos = st.multiselect("Registros de esta persona", list(opciones), default=list(opciones),
                              format_func=opciones.get, key="datos_elegidos", placeholder="Elija los registros")
    st.caption("Revise que todos sean de la misma persona: un nombre común puede traer a otras.")

    st.subheader("Entregarle sus datos", anchor=False)
    if st.button("Preparar sus datos (JSON y PDF)", key="datos_exportar", disabled=not elegidos):
        with comun.conexion() as db:
            try:
                exportado = datos_personales.exportar(db, elegidos, actor=actor, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
            else:
                st.session_state[CLAVE_EXPORTADO] = (datos_personales.como_json(exportado),
                                                     datos_personales.como_pdf(exportado, autor=comun.mesa()))
    if st.session_state.get(CLAVE_EXPORTADO):
        en_json, en_pdf = st.session_state[CLAVE_EXPORTADO]
        izquierda, derecha = st.columns(2)
        izquierda.download_button("Descargar JSON", en_json, file_name="datos-personales.json", mime="application/json",
                                  key="datos_json")
        derecha.download_button("Descargar PDF", en_pdf, file_name="datos-personales.pdf", mime="application/pdf",
                                key="datos_pdf")
        st.caption("Contienen datos personales: entréguelos solo a la persona titular.")

    st.subheader("Borrar sus datos", anchor=False)
    st.markdown("Nombre, DNI, celular y correo se reemplazan por «dato eliminado» (un participante pasa a «Participante "
                "N»), sus códigos y sesiones terminan y los borradores se vacían. El contenido de sus propuestas y "
                "argumentos se queda, sin su nombre; si también debe retirarse, ocúltelo en «Moderación» con el motivo.")
    with st.form("datos_borrar"):
        motivo = st.text_input("Motivo", key="datos_motivo", placeholder="p. ej. a pedido de la persona, carta del 3/12")
        seguro = st.checkbox("Entiendo que no se puede deshacer", key="datos_seguro")
        borrar = st.form_submit_button("Borrar sus datos", type="primary")
    if borrar:
        if not seguro:
            st.error("Marque «Entiendo que no se puede deshacer» para borrar.")
        else:
            with comun.conexion() as db:
                try:
                    cuantos = datos_personales.borrar(db, elegidos, motivo=motivo, actor=actor, ahora=nucleo.ahora())
                except ErrorPlataforma as error:
                    comun.mostrar_error(error)
                else:
                    st.session_state.pop(CLAVE_EXPORTADO, None)
                    comun.avisar(f"Se borraron los datos personales de {cuantos} registro(s).")
                    st.rerun()

actor = comun.exigir_pagina(Accion.VER_DATOS_PERSONALES)
st.title("Datos personales", anchor=False)
comun.mostrar_aviso()
st.markdown("Cada persona puede pedir **ver**, **corregir** o **borrar** lo que la plataforma guarda de ella "
            "(Ley 29733). Búsquela por nombre, celular, correo o DNI: aparece cada lugar donde está (registro de "
            "participante, propuestas enviadas desde el formulario o en fichas de papel, borradores). Los datos de un "
            "participante se corrigen en «Participantes y códigos».")
persona(actor)
st.subheader("Conservación por proceso", anchor=False)
st.caption("N meses después de la última acta firmada de un proceso se borran los celulares, correos, DNI y "
           "borradores de ese proceso; los nombres publicados con las propuestas quedan. Los respaldos sacados "
           "antes los siguen teniendo: guárdelos bajo llave y descarte los viejos.")
conservacion(actor)
