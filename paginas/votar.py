"""Votar: la papeleta del agente participante en su celular (`?votacion=ID` la abre directo).

La papeleta se arma libremente (lo marcado vive en la sesión mientras la página está abierta) y se
valida entera en el servidor al emitirla; si algo falla, el mensaje dice qué corregir y lo marcado
queda como estaba. Se puede cambiar hasta el cierre: vale la última.
"""
import streamlit as st

import geo
from geo.acceso import PUBLICO, Accion, SinPermiso, puede
from paginas import comun
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import ErrorPropuestas, NoEncontrada, formatear_soles
from votacion import servicios
from votacion.modelo import EstadoVotacion, Papeleta, PapeletaInvalida, TipoPapeleta, VotacionCerrada

NINGUNA = "—"


def elegir_votacion(db) -> int | None:
    """La votación del enlace (`?votacion=`) o, si no hay, la abierta del proceso actual (o a elegir)."""
    pedido = st.query_params.get("votacion", "")
    if pedido.isdigit():
        return int(pedido)
    proceso = propuestas_servicios.proceso_actual(db)
    votaciones = [v for v in servicios.listar(db, proceso.id)
                  if v.estado in (EstadoVotacion.ABIERTA, EstadoVotacion.PAUSADA)] if proceso else []
    if not votaciones:
        return None
    if len(votaciones) == 1:
        return votaciones[0].id
    nombres = {v.id: f"{v.nombre} ({v.estado.etiqueta.lower()})" for v in votaciones}
    return st.selectbox("Votación", list(nombres), format_func=nombres.get, key="votar_votacion")


actor = comun.actor_actual()
st.title("Votar")
comun.mostrar_aviso()
with comun.conexion() as db:
    votacion_id = elegir_votacion(db)
    try:
        votacion = servicios.obtener(db, votacion_id) if votacion_id else None
    except NoEncontrada:
        votacion = None
    elegibles = servicios.elegibles(db, votacion.id) if votacion else {}
    mia = servicios.mi_papeleta(db, votacion.id, actor=actor) if votacion else None
if votacion is None:
    st.info("No hay ninguna votación abierta ahora. Cuando la facilitación abra la del taller, aparecerá aquí.")
    st.stop()

st.subheader(comun.texto_plano(votacion.nombre), anchor=False)
if actor == PUBLICO or not puede(actor, Accion.VOTAR):
    st.info("Para votar entre con el código de acceso de su tarjeta de agente participante.")
    st.page_link("paginas/entrar.py", label="Entrar con mi código", query_params={"votacion": str(votacion.id)})
    st.stop()

motivo = servicios.por_que_no_se_vota(votacion, geo.ahora())
recien = st.session_state.pop(f"votar_{votacion.id}_recien", None)  # lo que pasó al votar: va junto al botón
if mia and not recien:
    st.success(f"Su voto está registrado. Recibo: **{mia[1]}**" +
               ("" if motivo else " · Puede cambiarlo hasta el cierre; vale el último."))
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
            st.session_state[f"{clave}_puesto_{puesto}"] = (anterior.elegidas[puesto] if anterior
                                                           and puesto < len(anterior.elegidas) else NINGUNA)


def tarjeta(codigo: str) -> st.delta_generator.DeltaGenerator:
    e = elegibles[codigo]
    caja = st.container(border=True)
    caja.markdown(f"**{comun.texto_plano(e.titulo)}**  \n{comun.texto_plano(e.distrito or '')} · "
                  f"{formatear_soles(e.costo_centimos)} · `{e.codigo}`")
    return caja


if votacion.tipo == TipoPapeleta.RANKING:
    opciones = [NINGUNA, *elegibles]
    nombres = {c: f"{c} — {elegibles[c].titulo[:60]}" for c in elegibles} | {NINGUNA: NINGUNA}
    for puesto in range(votacion.max_opciones):
        st.selectbox(f"{puesto + 1}.º lugar", opciones, format_func=nombres.get, key=f"{clave}_puesto_{puesto}")
    elegidas = tuple(st.session_state[f"{clave}_puesto_{p}"] for p in range(votacion.max_opciones)
                     if st.session_state[f"{clave}_puesto_{p}"] != NINGUNA)
    papeleta = Papeleta(elegidas)
    with st.expander("Ver las propuestas"):
        for codigo in elegibles:
            tarjeta(codigo)
else:
    resumen = st.empty()
    for codigo in elegibles:
        caja = tarjeta(codigo)
        if votacion.tipo == TipoPapeleta.PUNTOS:
            caja.number_input("Semillas", min_value=0, max_value=votacion.puntos_total, step=1,
                              key=f"{clave}_{codigo}")
        else:
            caja.checkbox("Elijo esta", key=f"{clave}_{codigo}")
    if votacion.tipo == TipoPapeleta.PUNTOS:
        puntos = {c: int(st.session_state[f"{clave}_{c}"] or 0) for c in elegibles}
        papeleta = Papeleta(tuple(c for c, p in puntos.items() if p), tuple(p for p in puntos.values() if p))
        usadas = sum(puntos.values())
        resumen.markdown(f"Semillas repartidas: **{usadas} de {votacion.puntos_total}** · le quedan "
                         f"{max(votacion.puntos_total - usadas, 0)}")
    else:
        papeleta = Papeleta(tuple(c for c in elegibles if st.session_state[f"{clave}_{c}"]))
        if votacion.tipo == TipoPapeleta.PRESUPUESTO:
            total = sum(elegibles[c].costo_centimos for c in papeleta.elegidas)
            resumen.progress(min(total / votacion.techo_centimos, 1.0),
                             text=f"Usa {formatear_soles(total)} de {formatear_soles(votacion.techo_centimos)}")
        elif len(papeleta.elegidas) > votacion.max_opciones:
            resumen.warning(f"Elegidas: **{len(papeleta.elegidas)} de {votacion.max_opciones}**: quite "
                            f"{len(papeleta.elegidas) - votacion.max_opciones} antes de votar.")
        else:
            resumen.markdown(f"Elegidas: **{len(papeleta.elegidas)} de {votacion.max_opciones}**")

if recien:  # junto al botón, donde la persona está mirando
    st.success(recien + " · Puede cambiarlo hasta el cierre; vale el último.")
elif votacion.tipo in (TipoPapeleta.APROBACION, TipoPapeleta.PUNTOS) and len(elegibles) > 3:
    # en el celular el contador de arriba queda fuera de la pantalla: se repite junto al botón
    st.caption(f"Elegidas: {len(papeleta.elegidas)}" + (f" de {votacion.max_opciones}" if votacion.tipo ==
                                                         TipoPapeleta.APROBACION else
                                                         f" · semillas {sum(papeleta.puntos or ())} de "
                                                         f"{votacion.puntos_total}"))
if st.button("Cambiar mi voto" if mia else "Votar", type="primary", key="votar_emitir", width="stretch"):
    with comun.conexion() as db:
        try:
            recibo = servicios.emitir(db, votacion.id, papeleta, actor=actor, ahora=geo.ahora())
        except PapeletaInvalida as error:
            comun.mostrar_problemas([p.mensaje for p in error.problemas], "Su papeleta no se pudo emitir; corrija:")
        except (VotacionCerrada, SinPermiso, ErrorPropuestas) as error:
            st.error(comun.texto_plano(str(error)))
        else:
            st.session_state[f"{clave}_recien"] = (
                ("Su voto no cambió: ya estaba así. " if recibo.repetida else
                 "Su voto cambió. " if recibo.cambio else "¡Gracias! Su voto quedó registrado. ")
                + f"Recibo: {recibo.recibo}")
            st.rerun()
