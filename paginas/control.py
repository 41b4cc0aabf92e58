"""Controles de una votación que comparten «Votaciones y papeletas» y la consola del taller: abrir, pausar,
reanudar y cerrar (con confirmación), y mostrar u ocultar los resultados en vivo."""
import streamlit as st

import geo
from geo.acceso import Actor, SinPermiso
from paginas import comun
from propuestas.modelo import ErrorPropuestas
from votacion import servicios
from votacion.modelo import EstadoVotacion, Votacion, VotacionCerrada

ACCIONES = {EstadoVotacion.PREPARADA: [(EstadoVotacion.ABIERTA, "Abrir la votación", ":material/play_arrow:")],
            EstadoVotacion.ABIERTA: [(EstadoVotacion.PAUSADA, "Pausar", ":material/pause:"),
                                     (EstadoVotacion.CERRADA, "Cerrar la votación", ":material/stop:")],
            EstadoVotacion.PAUSADA: [(EstadoVotacion.ABIERTA, "Reanudar", ":material/play_arrow:"),
                                     (EstadoVotacion.CERRADA, "Cerrar la votación", ":material/stop:")],
            EstadoVotacion.CERRADA: []}


def ejecutar(funcion, aviso: str) -> None:
    """Corre un caso de uso y vuelve a dibujar la página con `aviso`; si falla, muestra el motivo (y lo escrito
    en la página sigue ahí)."""
    with comun.conexion() as db:
        try:
            funcion(db)
        except (ErrorPropuestas, SinPermiso, VotacionCerrada, geo.ErrorAlmacen) as error:
            comun.mostrar_error(error)
            return
    comun.avisar(aviso)
    st.rerun()


def estado_y_resultados(votacion: Votacion, actor: Actor) -> None:
    acciones = ACCIONES[votacion.estado]
    if acciones:
        botones = st.columns(len(acciones) + 1)
        confirmar = botones[-1].checkbox("Confirmo el cierre (no se puede reabrir)",
                                         key=f"vot_confirmar_{votacion.id}") \
            if any(h == EstadoVotacion.CERRADA for h, _, _ in acciones) else True
        for boton, (hacia, etiqueta, icono) in zip(botones, acciones):
            if boton.button(etiqueta, key=f"vot_{hacia.value}_{votacion.id}", icon=icono):
                if hacia == EstadoVotacion.CERRADA and not confirmar:
                    st.error("Marque «Confirmo el cierre» para cerrar: después no se reciben más papeletas.")
                else:
                    ejecutar(lambda db, h=hacia: servicios.cambiar_estado(db, votacion.id, h, actor=actor,
                                                                          ahora=geo.ahora()),
                             f"La votación quedó «{hacia.etiqueta.lower()}».")
    if votacion.estado != EstadoVotacion.CERRADA:
        mostrar = st.toggle("Mostrar los resultados en vivo (también al público y en el proyector)",
                            value=votacion.resultados_visibles, key=f"vot_visibles_{votacion.id}")
        if mostrar != votacion.resultados_visibles:
            ejecutar(lambda db: servicios.mostrar_resultados(db, votacion.id, mostrar, actor=actor,
                                                             ahora=geo.ahora()),
                     "Resultados en vivo " + ("visibles." if mostrar else "ocultos."))
