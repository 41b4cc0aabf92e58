"""Herramientas de facilitación en la ficha de una propuesta: síntesis de acuerdos, cerrar o reabrir la
deliberación, ocultar la propuesta (retirándola de la votación en curso, si está en una) y fusionar duplicados."""
import streamlit as st

from identidad.acceso import Accion, Actor, puede
from paginas import comun
from propuestas import deliberacion, servicios
from propuestas.modelo import Estado, Propuesta
from votacion import servicios as votacion_servicios

ABSORBIBLES = {Estado.REGISTRADA.value, Estado.ADMITIDA.value, Estado.EN_EVALUACION.value, Estado.VIABLE.value}


def avisar_retiro(propuesta_id: int) -> None:
    """Ocultar una propuesta que está en una votación en curso la retira de esa votación: se dice antes."""
    with comun.conexion() as db:
        en_curso = votacion_servicios.votaciones_en_curso_con(db, propuesta_id)
    if en_curso:
        st.warning("Está en la papeleta de " + ", ".join(f"«{comun.texto_plano(n)}»" for n in en_curso)
                   + ": ocultarla la retira de esa votación con el mismo motivo (quienes votan lo ven y sus marcas "
                     "dejan de contar).", icon=":material/how_to_vote:")


def herramientas(propuesta: Propuesta, vista, actor: Actor) -> None:
    """El desplegable de facilitación en la ficha: síntesis, cerrar o reabrir, ocultar la propuesta, fusionar."""
    with st.expander("Herramientas de facilitación", icon=":material/groups:"):
        if puede(actor, Accion.MODERAR):
            with st.form("debate_sintesis"):
                texto = st.text_area("Acuerdos del grupo (síntesis)", value=(vista.sintesis or {}).get("texto", ""),
                                     key="debate_sintesis_texto", help="Cada versión queda guardada; se muestra la última.")
                if st.form_submit_button("Guardar la síntesis"):
                    comun.ejecutar(deliberacion.escribir_sintesis, "Síntesis guardada.", codigo=propuesta.codigo,
                             texto=texto, actor=actor)
            with st.form("debate_cierre"):
                motivo = st.text_input("Motivo" + (" (obligatorio para reabrir)" if vista.cerrada_en else " (opcional)"),
                                       key="debate_cierre_motivo")
                if vista.cerrada_en and st.form_submit_button("Reabrir la deliberación"):
                    comun.ejecutar(deliberacion.reabrir_deliberacion, "Deliberación reabierta.", codigo=propuesta.codigo,
                             motivo=motivo, actor=actor)
                if not vista.cerrada_en and st.form_submit_button("Cerrar la deliberación"):
                    comun.ejecutar(deliberacion.cerrar_deliberacion, "Deliberación cerrada.", codigo=propuesta.codigo,
                             motivo=motivo, actor=actor)
            if not propuesta.oculta_en:
                with st.form("debate_ocultar_propuesta"):
                    motivo = st.text_input("Motivo para ocultar la propuesta (lo verá el público)",
                                           key="debate_ocultar_propuesta_motivo")
                    avisar_retiro(propuesta.id)
                    if st.form_submit_button("Ocultar la propuesta"):
                        comun.ejecutar(votacion_servicios.ocultar_propuesta, "Propuesta ocultada.",
                                 propuesta_id=propuesta.id, motivo=motivo, actor=actor)
        if puede(actor, Accion.FUSIONAR) and propuesta.estado.value in ABSORBIBLES:
            _fusionar(propuesta, actor)


def _fusionar(propuesta: Propuesta, actor: Actor) -> None:
    with comun.conexion() as db:
        otras = [f for f in servicios.buscar(db, propuesta.proceso_id, estados=sorted(ABSORBIBLES))
                 if f["codigo"] != propuesta.codigo]
    titulos = {f["codigo"]: f"{f['codigo']} — {f['titulo'][:60]} ({f['distrito']})" for f in otras}
    with st.form("debate_fusionar"):
        st.markdown(f"**Fusionar duplicados en {propuesta.codigo}** (esta propuesta sobrevive; las elegidas pasan a "
                    "«fusionada», apuntan aquí y sus argumentos y apoyos se suman)")
        elegidas = st.multiselect("Propuestas duplicadas", list(titulos), format_func=titulos.get,
                                  key="debate_fusionar_codigos", placeholder="Elija una o más")
        motivo = st.text_input("Motivo", key="debate_fusionar_motivo", placeholder="p. ej. Es la misma losa deportiva")
        if st.form_submit_button("Fusionar"):
            comun.ejecutar(deliberacion.fusionar, f"Se fusionaron {', '.join(elegidas)} en {propuesta.codigo}.",
                     absorbidas=elegidas, sobreviviente=propuesta.codigo, motivo=motivo, actor=actor)
