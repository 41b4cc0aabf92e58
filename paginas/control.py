"""Controles de una votación que comparten «Votaciones y papeletas» y la consola del taller: abrir, pausar,
reanudar, cerrar los celulares para contar el papel, el cierre definitivo (con confirmación), registrar el acta
firmada, reabrir una votación cerrada antes de eso (con motivo, que va al acta) y mostrar u ocultar los resultados
en vivo."""
import datetime as dt

import streamlit as st

import nucleo
from identidad.acceso import Actor
from nucleo.formato import formatear_fecha
from paginas import comun
from propuestas.servicios import fecha_local
from votacion import servicios
from votacion.modelo import TRANSICIONES, EstadoVotacion, Votacion, es_reapertura

ICONOS = {EstadoVotacion.ABIERTA: ":material/play_arrow:", EstadoVotacion.PAUSADA: ":material/pause:",
          EstadoVotacion.CONTEO: ":material/edit_note:", EstadoVotacion.CERRADA: ":material/stop:"}
# Los botones de cada estado salen de la tabla del ciclo (`votacion.modelo.TRANSICIONES`); reabrir va aparte, con
# su motivo
ACCIONES = {desde: [(hacia, verbo, ICONOS[hacia]) for hacia, verbo in destinos.items() if not es_reapertura(desde, hacia)]
            for desde, destinos in TRANSICIONES.items()}
REABRIR = TRANSICIONES[EstadoVotacion.CERRADA]


def estado_y_resultados(votacion: Votacion, actor: Actor) -> None:
    acciones = ACCIONES[votacion.estado]
    if votacion.estado == EstadoVotacion.CONTEO:
        st.info("Conteo de papel: los celulares ya no votan. Digite las papeletas de papel y, al terminar, haga el "
                "cierre definitivo: desde ahí el resultado no cambia.", icon=":material/edit_note:")
    if acciones:
        botones = st.columns(len(acciones) + 1)
        confirmar = botones[-1].checkbox("Confirmo el cierre definitivo", key=f"vot_confirmar_{votacion.id}",
                                         help="Después no se reciben más papeletas (ni de papel) y el resultado no "
                                              "cambia; solo se reabre con un motivo, que va al acta.") \
            if any(h == EstadoVotacion.CERRADA for h, _, _ in acciones) else True
        for boton, (hacia, etiqueta, icono) in zip(botones, acciones):
            if boton.button(etiqueta, key=f"vot_{hacia.value}_{votacion.id}", icon=icono):
                if hacia == EstadoVotacion.CERRADA and not confirmar:
                    st.error("Marque «Confirmo el cierre» para cerrar: después no se reciben más papeletas.")
                else:
                    comun.ejecutar(lambda db, h=hacia: servicios.cambiar_estado(db, votacion.id, h, actor=actor,
                                                                          ahora=nucleo.ahora()),
                             f"La votación quedó «{hacia.etiqueta.lower()}».")
    if votacion.estado == EstadoVotacion.CERRADA:
        with comun.conexion() as db:
            firmada = servicios.acta_firmada(db, votacion.id)
        if firmada:
            st.success(f"Acta firmada el {formatear_fecha(dt.date.fromisoformat(firmada['firmada_el']))} en "
                       f"{comun.texto_plano(firmada['lugar'])}: las propuestas priorizadas quedaron «en acta» y la "
                       f"votación ya no se reabre. SHA-256 del acta: `{firmada['sha256']}`",
                       icon=":material/verified:")
            st.download_button("Acta firmada (PDF, la de esa huella)", _pdf_firmado(str(comun.ruta_db()), votacion.id,
                                                                                   actor),
                               f"acta-firmada-votacion-{votacion.id}.pdf", mime="application/pdf",
                               icon=":material/download:", key=f"vot_acta_firmada_{votacion.id}")
        else:
            _firmar(votacion, actor)
            _reabrir(votacion, actor)
    if votacion.estado != EstadoVotacion.CERRADA:
        mostrar = st.toggle("Mostrar los resultados en vivo (también al público y en el proyector)",
                            value=votacion.resultados_visibles, key=f"vot_visibles_{votacion.id}")
        if mostrar != votacion.resultados_visibles:
            comun.ejecutar(lambda db: servicios.mostrar_resultados(db, votacion.id, mostrar, actor=actor,
                                                             ahora=nucleo.ahora()),
                     "Resultados en vivo " + ("visibles." if mostrar else "ocultos."))


@st.cache_data(max_entries=8, show_spinner=False)
def _pdf_firmado(ruta: str, votacion_id: int, _actor: Actor) -> bytes:
    """El PDF guardado al firmar (no cambia nunca: se lee una vez, no en cada vuelta de la consola)."""
    with comun.conexion() as db:
        return servicios.pdf_del_acta_firmada(db, votacion_id, actor=_actor) or b""


def _firmar(votacion: Votacion, actor: Actor) -> None:
    """Anotar el acta firmada: las priorizadas pasan a «en acta»; se guarda el PDF de ese momento y su SHA-256."""
    with st.expander("Registrar el acta firmada (las priorizadas pasan a «en acta»)", icon=":material/draw:"):
        st.caption("Imprima el acta (botón «Acta en PDF»), que la firmen quienes asistieron y anote aquí cuándo y "
                   "dónde. Se guarda el acta de este momento con su huella SHA-256; después no se reabre.")
        with st.form(f"vot_firmar_{votacion.id}", border=False):
            fecha = st.date_input("Fecha de la firma", value=fecha_local(nucleo.ahora()), format="DD/MM/YYYY",
                                  key=f"vot_firmar_fecha_{votacion.id}")
            lugar = st.text_input("Lugar", value=votacion.lugar, max_chars=200, key=f"vot_firmar_lugar_{votacion.id}")
            firmada = st.checkbox("El acta impresa fue firmada por los asistentes", key=f"vot_firmada_{votacion.id}")
            if st.form_submit_button("Registrar el acta firmada", icon=":material/draw:"):
                comun.ejecutar(lambda db: servicios.firmar_acta(db, votacion.id, firmada_el=fecha, lugar=lugar,
                                                                firmada=firmada, actor=actor, ahora=nucleo.ahora()),
                               "Acta registrada como firmada: las propuestas priorizadas quedaron «en acta».")


def _reabrir(votacion: Votacion, actor: Actor) -> None:
    """Reabrir una votación cerrada: solo con motivo; la reapertura (motivo y hora) queda en el acta."""
    with st.expander("Reabrir la votación (con motivo; queda en el acta)", icon=":material/lock_open:"):
        hacia = st.radio("Reabrir", list(REABRIR), format_func=REABRIR.get, key=f"vot_reabrir_hacia_{votacion.id}",
                         label_visibility="collapsed")
        motivo = st.text_area("Motivo (al menos 10 caracteres)", key=f"vot_reabrir_motivo_{votacion.id}", height=80)
        if st.button("Reabrir", key=f"vot_reabrir_{votacion.id}", icon=":material/lock_open:"):
            comun.ejecutar(lambda db: servicios.cambiar_estado(db, votacion.id, hacia, actor=actor, ahora=nucleo.ahora(),
                                                         motivo=motivo),
                     f"La votación se reabrió: quedó «{hacia.etiqueta.lower()}».")


def cuenta_regresiva(votacion: Votacion, actor: Actor) -> None:
    """Iniciar o quitar la cuenta regresiva que se ve grande en el proyector (solo avisa; no cierra nada)."""
    st.subheader("Cuenta regresiva", anchor=False)
    st.caption("Se ve grande en el proyector. Solo avisa: la votación se cierra con el botón de arriba.")
    minutos, iniciar, detener = st.columns([2, 1, 1], vertical_alignment="bottom")
    cuantos = minutos.number_input("Minutos", min_value=1, max_value=180, value=10, step=1, key="consola_minutos")
    if iniciar.button("Iniciar", key="consola_cuenta_iniciar", icon=":material/timer:"):
        comun.ejecutar(lambda db: servicios.iniciar_cuenta_regresiva(db, votacion.id, int(cuantos), actor=actor, ahora=nucleo.ahora()),
                 f"Cuenta regresiva de {int(cuantos)} minutos en marcha.")
    if votacion.cuenta_hasta and detener.button("Quitar", key="consola_cuenta_detener", icon=":material/timer_off:"):
        comun.ejecutar(lambda db: servicios.detener_cuenta_regresiva(db, votacion.id, actor=actor, ahora=nucleo.ahora()),
                 "Cuenta regresiva quitada.")
