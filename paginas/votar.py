"""Votar: la papeleta del agente participante en su celular (`/?taller=ID`, el QR del proyector, o
`votar?votacion=ID` la abren directo; el código de acceso se escribe aquí mismo).

La papeleta se arma libremente (lo marcado vive en la sesión mientras la página está abierta) y se
valida entera en el servidor al emitirla; si algo falla, el mensaje dice qué corregir y lo marcado
queda como estaba. Se puede cambiar hasta el cierre: vale la última.
"""
import contextlib

import streamlit as st

import nucleo
from identidad import participantes
from identidad.acceso import PUBLICO, Accion, puede
from nucleo.errores import ErrorPlataforma, NoEncontrada
from nucleo.formato import formatear_soles
from paginas import comun
from propuestas import servicios as propuestas_servicios
from votacion import servicios
from votacion.modelo import EstadoVotacion, Papeleta, PapeletaInvalida, TipoPapeleta

NINGUNA = "—"


def elegir_votacion(db) -> int | None:
    """La votación del enlace (`?votacion=`) o, si no hay, la abierta del proceso actual (o a elegir)."""
    pedido = st.query_params.get("votacion", "") or st.query_params.get("taller", "")  # el QR del taller
    if pedido.isdigit() and len(pedido) <= 9:
        return int(pedido)
    proceso = propuestas_servicios.proceso_actual(db)
    votaciones = [v for v in servicios.listar(db, proceso.id)
                  if v.estado.en_curso] if proceso else []
    if not votaciones:
        return None
    if len(votaciones) == 1:
        return votaciones[0].id
    nombres = {v.id: f"{v.nombre} ({v.estado.etiqueta.lower()})" for v in votaciones}
    return st.selectbox("Votación", list(nombres), format_func=nombres.get, key="votar_votacion",
                        placeholder="Elija una votación")


@st.cache_resource
def borradores() -> dict[tuple[str, int, int], dict]:
    """(base, votación, participante) → lo marcado sin emitir; uno por servidor, compartido entre sesiones."""
    return {}


def entrar() -> None:
    """Callback de «Entrar y votar»: corre antes que la página, que así se dibuja ya con la sesión iniciada."""
    with comun.conexion() as db:
        try:
            sesion = participantes.entrar_con_codigo(db, st.session_state.get("votar_codigo", ""),
                                                     origen=comun.origen(), ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            st.session_state["votar_error_codigo"] = str(error)
        else:
            comun.iniciar(sesion)
            comun.avisar("¡Bienvenida o bienvenido! Ya puede votar.")


actor = comun.actor_actual()
st.title("Votar")
comun.vigilar_reinicio()
comun.mostrar_aviso()
with comun.conexion() as db:
    votacion_id = elegir_votacion(db)
    try:
        votacion = servicios.obtener(db, votacion_id) if votacion_id else None
    except NoEncontrada:
        votacion = None
    elegibles = servicios.elegibles(db, votacion.id) if votacion else {}
    retiradas = servicios.retiradas(db, votacion.id) if votacion else []
    mia = servicios.mi_papeleta(db, votacion.id, actor=actor) if votacion else None
    fotos = servicios.fotos_de_la_papeleta(db, votacion.id) if votacion else {}
if votacion is None:
    st.info("No hay ninguna votación abierta ahora. Cuando la facilitación abra la del taller, aparecerá aquí.")
    st.stop()

st.subheader(comun.texto_plano(votacion.nombre), anchor=False)
if actor == PUBLICO:
    # aquí mismo (el QR del taller trae a la gente directo a esta página): el código y a votar; el ingreso va
    # en el callback del botón, así la misma ejecución ya dibuja la papeleta (sin una vuelta más del servidor)
    with st.form("votar_entrar"):
        st.text_input("Código de acceso (está en su tarjeta)", placeholder="ABCDE-FGHJK", key="votar_codigo")
        st.form_submit_button("Entrar y votar", type="primary", width="stretch", on_click=entrar)
    error = st.session_state.pop("votar_error_codigo", None)
    if error:
        st.error(comun.texto_plano(error))
    st.caption("¿No tiene tarjeta? Acérquese a la mesa de facilitación: le registran en el momento.")
    st.stop()
if not puede(actor, Accion.VOTAR):
    st.info(f"Votan los agentes participantes con su código; usted entró como {actor.rol.etiqueta.lower()}.")
    st.stop()
if votacion.es_taller and not st.session_state.get(f"votar_{votacion.id}_unida"):
    with comun.conexion() as db:  # cuenta en «personas unidas» del proyector (una vez por persona)
        try:
            servicios.unirse(db, votacion.id, actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            st.error(comun.texto_plano(str(error)))
            st.stop()
    st.session_state[f"votar_{votacion.id}_unida"] = True

motivo = servicios.por_que_no_se_vota(votacion, nucleo.ahora())
if mia:
    st.success(f"Su voto está registrado. Recibo: **{mia[1]}**" +
               ("" if motivo else " · Puede cambiarlo hasta el cierre; vale el último."))
for retiro in retiradas:  # quien ya la había marcado lo sabe: su papeleta vale para las demás
    st.warning(f"**{retiro['codigo']}** ({comun.texto_plano(retiro['titulo'])}) fue retirada de la votación: "
               f"{comun.texto_plano(retiro['motivo'])}. Ya no se puede elegir y sus marcas no cuentan; lo demás de "
               "su papeleta sigue valiendo.", icon=":material/block:")
if motivo:
    st.warning(motivo)
    if votacion.estado == EstadoVotacion.CERRADA:
        st.page_link("paginas/resultados.py", label="Ver los resultados", query_params={"votacion": str(votacion.id)})
    if st.button("Actualizar", key="votar_actualizar", icon=":material/refresh:"):
        st.rerun()
    st.stop()

st.markdown(f"**{comun.texto_plano(votacion.instrucciones())}**")
clave = f"votar_{votacion.id}"
anterior = mia[0] if mia else None
borrador = borradores().get((str(comun.ruta_db()), votacion.id, actor.participante_id))
if borrador is not None and f"{clave}_iniciada" not in st.session_state:
    # recargó la página (o se reinició la sesión) a medio marcar: vuelve lo que tenía marcado sin emitir
    st.session_state[f"{clave}_iniciada"] = True
    for campo, valor in borrador.items():
        st.session_state[f"{clave}_{campo}"] = valor
if f"{clave}_iniciada" not in st.session_state:  # la primera vez, lo marcado es el voto vigente (si lo hay)
    st.session_state[f"{clave}_iniciada"] = True
    for codigo in elegibles:
        if votacion.tipo in (TipoPapeleta.APROBACION, TipoPapeleta.PRESUPUESTO):
            st.session_state[f"{clave}_{codigo}"] = bool(anterior and codigo in anterior.elegidas)
        elif votacion.tipo == TipoPapeleta.PUNTOS:
            puntos = dict(zip(anterior.elegidas, anterior.puntos)) if anterior else {}
            st.session_state[f"{clave}_{codigo}"] = puntos.get(codigo, 0)
    if votacion.tipo == TipoPapeleta.RANKING:
        for puesto in range(votacion.max_opciones):
            vigentes = [c for c in anterior.elegidas if c in elegibles] if anterior else []  # sin las retiradas
            st.session_state[f"{clave}_puesto_{puesto}"] = vigentes[puesto] if puesto < len(vigentes) else NINGUNA


@st.cache_data(max_entries=500, show_spinner=False)
def miniatura(ruta: str, foto_id: int) -> bytes | None:
    """Una por foto para todo el taller (no por celular): las fotos no cambian, cada una tiene su id."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        return servicios.miniatura(db, foto_id)


def tarjeta(codigo: str) -> st.delta_generator.DeltaGenerator:
    e = elegibles[codigo]
    caja = st.container(border=True, key=f"tarjeta_{codigo}")
    if codigo in fotos:
        imagen = miniatura(str(comun.ruta_db()), fotos[codigo])
        if imagen:
            caja.image(imagen, width="stretch")
    caja.markdown(f"**{comun.texto_plano(e.titulo)}**  \n{comun.texto_plano(e.distrito or '')} · "
                  f"{formatear_soles(e.costo_centimos)} · `{e.codigo}`")
    return caja


def guardar_borrador() -> None:
    """Lo marcado y sin emitir, en la memoria del servidor (no en la base: un toque no escribe en disco), para
    que sobreviva a una recarga de la página; se pierde si el servidor se reinicia."""
    campos = ([f"puesto_{p}" for p in range(votacion.max_opciones)] if votacion.tipo == TipoPapeleta.RANKING
              else list(elegibles))
    borradores()[(str(comun.ruta_db()), votacion.id, actor.participante_id)] = {
        c: st.session_state[f"{clave}_{c}"] for c in campos if f"{clave}_{c}" in st.session_state}


def lo_marcado() -> Papeleta:
    """La papeleta tal como está marcada en la página (vive en la sesión)."""
    if votacion.tipo == TipoPapeleta.RANKING:
        return Papeleta(tuple(st.session_state[f"{clave}_puesto_{p}"] for p in range(votacion.max_opciones)
                              if st.session_state[f"{clave}_puesto_{p}"] != NINGUNA))
    if votacion.tipo == TipoPapeleta.PUNTOS:
        puntos = {c: int(st.session_state.get(f"{clave}_{c}") or 0) for c in elegibles}
        return Papeleta(tuple(c for c, p in puntos.items() if p), tuple(p for p in puntos.values() if p))
    return Papeleta(tuple(c for c in elegibles if st.session_state.get(f"{clave}_{c}")))


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
            st.session_state[f"{clave}_problemas"] = [p.mensaje for p in error.problemas]
        except ErrorPlataforma as error:
            st.session_state[f"{clave}_error"] = str(error)
        else:
            st.session_state[f"{clave}_recibo"] = recibo.recibo
            st.session_state[f"{clave}_recien"] = (
                ("Su voto no cambió: ya estaba así. " if recibo.repetida else
                 "Su voto cambió. " if recibo.cambio else "¡Gracias! Su voto quedó registrado. ")
                + f"Recibo: {recibo.recibo}")


@st.fragment
def papeleta() -> None:
    """Las tarjetas y el botón: marcar una tarjeta vuelve a correr solo esto, no toda la página (en un taller
    de 60 celulares el servidor lo agradece)."""
    if st.session_state.get(comun.CLAVE_SESION_TERMINADA):
        st.rerun()  # toda la página: el marco dice por qué terminó la sesión y ofrece entrar de nuevo
    if votacion.tipo == TipoPapeleta.RANKING:
        opciones = [NINGUNA, *elegibles]
        nombres = {c: f"{c} — {elegibles[c].titulo[:60]}" for c in elegibles} | {NINGUNA: NINGUNA}
        for puesto in range(votacion.max_opciones):
            st.selectbox(f"{puesto + 1}.º lugar", opciones, format_func=nombres.get, key=f"{clave}_puesto_{puesto}",
                         placeholder="Elija una propuesta")
        with st.expander("Ver las propuestas"):
            for codigo in elegibles:
                tarjeta(codigo)
        marcada = lo_marcado()
        guardar_borrador()
    else:
        resumen = st.empty()
        for codigo in elegibles:
            caja = tarjeta(codigo)
            if votacion.tipo == TipoPapeleta.PUNTOS:
                caja.number_input("Semillas", min_value=0, max_value=votacion.puntos_total, step=1,
                                  key=f"{clave}_{codigo}")
            else:
                caja.checkbox("Elijo esta", key=f"{clave}_{codigo}")
        marcada = lo_marcado()
        guardar_borrador()
        if votacion.tipo == TipoPapeleta.PUNTOS:
            usadas = sum(marcada.puntos or ())
            resumen.markdown(f"Semillas repartidas: **{usadas} de {votacion.puntos_total}** · le quedan "
                             f"{max(votacion.puntos_total - usadas, 0)}")
        elif votacion.tipo == TipoPapeleta.PRESUPUESTO:
            total = sum(elegibles[c].costo_centimos for c in marcada.elegidas)
            resumen.progress(min(total / votacion.techo_centimos, 1.0),
                             text=f"Usa {formatear_soles(total)} de {formatear_soles(votacion.techo_centimos)}")
        elif len(marcada.elegidas) > votacion.max_opciones:
            resumen.warning(f"Elegidas: **{len(marcada.elegidas)} de {votacion.max_opciones}**: quite "
                            f"{len(marcada.elegidas) - votacion.max_opciones} antes de votar.")
        else:
            resumen.markdown(f"Elegidas: **{len(marcada.elegidas)} de {votacion.max_opciones}**")

    # lo que pasó al votar va junto al botón, donde la persona está mirando
    recien = st.session_state.pop(f"{clave}_recien", None)
    problemas = st.session_state.pop(f"{clave}_problemas", None)
    error = st.session_state.pop(f"{clave}_error", None)
    if problemas:
        comun.mostrar_problemas(problemas, "Su papeleta no se pudo emitir; corrija:")
    if error:
        st.error(comun.texto_plano(error))
    if recien:
        st.success(recien + " · Puede cambiarlo hasta el cierre; vale el último.")
    elif votacion.tipo in (TipoPapeleta.APROBACION, TipoPapeleta.PUNTOS) and len(elegibles) > 3:
        # en el celular el contador de arriba queda fuera de la pantalla: se repite junto al botón
        st.caption(f"Elegidas: {len(marcada.elegidas)}" + (f" de {votacion.max_opciones}" if votacion.tipo ==
                                                           TipoPapeleta.APROBACION else
                                                           f" · semillas {sum(marcada.puntos or ())} de "
                                                           f"{votacion.puntos_total}"))
    votada = mia or st.session_state.get(f"{clave}_recibo")
    st.button("Cambiar mi voto" if votada else "Votar", type="primary", key="votar_emitir", width="stretch",
              on_click=emitir)


papeleta()
