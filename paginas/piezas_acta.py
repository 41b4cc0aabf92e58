"""Lo que la facilitación anota para el acta en la consola del taller: acuerdos y compromisos, y los miembros del
Comité de Vigilancia elegidos en el taller. Lo anotado por error se retira con su motivo; no se borra."""
from __future__ import annotations

import streamlit as st

import nucleo
from geo import servicios as territorio
from identidad.acceso import Actor
from nucleo.errores import ErrorPlataforma
from paginas import comun
from votacion import servicios, vigilancia
from votacion.modelo import Votacion


def _anotar_y_vaciar(caso, claves: tuple[str, ...], aviso: str) -> None:
    """Anota; si salió bien, el formulario queda vacío para el siguiente (con un error, lo escrito se queda)."""
    with comun.conexion() as db:
        try:
            caso(db)
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
            return
    for clave in claves:
        st.session_state.pop(clave, None)
    comun.avisar(aviso)
    st.rerun()


def acuerdos(votacion: Votacion, actor: Actor) -> None:
    with comun.conexion() as db:
        vigentes = servicios.acuerdos(db, votacion.id)
    st.caption("Acuerdos y compromisos del taller (qué, quién responde y para cuándo): van al acta. Un acuerdo "
               "anotado por error se retira con su motivo; no se borra.")
    for numero, acuerdo in enumerate(vigentes, start=1):
        texto, retirar = st.columns([5, 1], vertical_alignment="center")
        texto.markdown(f"{numero}. {comun.texto_plano(acuerdo['texto'])} — "
                       f"**{comun.texto_plano(acuerdo['responsable'])}**"
                       + (f" · {comun.texto_plano(acuerdo['plazo'])}" if acuerdo["plazo"] else ""))
        with retirar.popover("Retirar"):
            motivo = st.text_input("Motivo", key=f"consola_motivo_{acuerdo['id']}")
            if st.button("Retirar el acuerdo", key=f"consola_retirar_{acuerdo['id']}"):
                comun.ejecutar(lambda db, a=acuerdo["id"], m=motivo: servicios.retirar_acuerdo(
                    db, a, m, actor=actor, ahora=nucleo.ahora()), "Acuerdo retirado.")
    with st.form("consola_acuerdo", clear_on_submit=False):
        texto_acuerdo = st.text_area("Acuerdo o compromiso", key="consola_acuerdo_texto", height=80)
        izquierda, derecha = st.columns(2)
        responsable = izquierda.text_input("Responsable", key="consola_acuerdo_responsable")
        plazo = derecha.text_input("Plazo", key="consola_acuerdo_plazo", placeholder="marzo de 2027")
        if st.form_submit_button("Anotar el acuerdo"):
            _anotar_y_vaciar(lambda db: servicios.anotar_acuerdo(db, votacion.id, texto_acuerdo, responsable, plazo,
                                                                 actor=actor, ahora=nucleo.ahora()),
                             ("consola_acuerdo_texto", "consola_acuerdo_responsable", "consola_acuerdo_plazo"),
                             "Acuerdo anotado.")


def comite(votacion: Votacion, actor: Actor) -> None:
    """Los miembros del Comité de Vigilancia elegidos en el taller (nombre, organización, distrito): van al acta y,
    con su cuenta de rol «vigilancia», observan el seguimiento."""
    with comun.conexion() as db:
        miembros = vigilancia.comite(db, votacion.id)
        distritos = territorio.nombres_de_distritos(db)
        firmada = servicios.acta_firmada(db, votacion.id)
    st.caption("Comité de Vigilancia elegido en el taller: va al acta. Después, cada miembro entra con una cuenta de "
               "rol «Comité de Vigilancia» (la crea administración) para observar el seguimiento.")
    for numero, miembro in enumerate(miembros, start=1):
        texto, retirar = st.columns([5, 1], vertical_alignment="center")
        texto.markdown(f"{numero}. **{comun.texto_plano(miembro['nombre'])}** — "
                       f"{comun.texto_plano(miembro['organizacion'])} · {comun.texto_plano(miembro['distrito'])}")
        if firmada:
            continue
        with retirar.popover("Retirar"):
            motivo = st.text_input("Motivo", key=f"consola_comite_motivo_{miembro['id']}")
            if st.button("Retirar del comité", key=f"consola_comite_retirar_{miembro['id']}"):
                comun.ejecutar(lambda db, m=miembro["id"], t=motivo: vigilancia.retirar_miembro(
                    db, m, t, actor=actor, ahora=nucleo.ahora()), "Retirado del comité.")
    if firmada:
        st.caption("El acta ya se firmó: el comité quedó como dice el acta." if miembros else
                   "El acta se firmó sin Comité de Vigilancia.")
        return
    with st.form("consola_comite", clear_on_submit=False):
        izquierda, centro, derecha = st.columns(3)
        nombre = izquierda.text_input("Miembro del comité", key="consola_comite_nombre", max_chars=120)
        organizacion = centro.text_input("Organización", key="consola_comite_organizacion", max_chars=200)
        ubigeo = derecha.selectbox("Distrito", list(distritos), format_func=distritos.get, index=None,
                                   placeholder="Elija el distrito", key="consola_comite_distrito")
        if st.form_submit_button("Anotar en el comité"):
            _anotar_y_vaciar(lambda db: vigilancia.anotar_miembro(db, votacion.id, nombre=nombre,
                                                                  organizacion=organizacion, ubigeo=ubigeo or "",
                                                                  actor=actor, ahora=nucleo.ahora()),
                             ("consola_comite_nombre", "consola_comite_organizacion", "consola_comite_distrito"),
                             "Miembro anotado en el Comité de Vigilancia.")
