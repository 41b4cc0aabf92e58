"""Votaciones y papeletas (facilitación): crear la votación, abrir / pausar / contar el papel / cerrar / reabrir,
asistencia, digitar papeletas de papel con vista previa (solo en los estados que las aceptan), verificar la cadena y
publicar los archivos."""
import datetime as dt

import streamlit as st

import nucleo
from identidad import participantes
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from nucleo.formato import HORA_PERU, formatear_soles, soles_a_centimos
from paginas import comun, control
from propuestas import servicios as propuestas_servicios
from votacion import servicios
from votacion.modelo import (
    FORMATO_PAPEL,
    MODALIDADES,
    QUIEN_VOTA,
    REGLAS,
    REGLAS_POR_TIPO,
    EstadoVotacion,
    TipoPapeleta,
    Votacion,
)

actor = comun.exigir_pagina(Accion.GESTIONAR_VOTACIONES)
st.title("Votaciones y papeletas")
comun.mostrar_aviso()
with comun.conexion() as db:
    proceso = propuestas_servicios.proceso_actual(db)
    votaciones = servicios.listar(db, proceso.id) if proceso else []
    candidatas = servicios.candidatas(db, proceso.id) if proceso else []
    viables = servicios.propuestas_viables(db, proceso.id) if proceso else []
if proceso is None:
    st.info("Todavía no hay un proceso participativo.")
    st.stop()
st.caption(comun.texto_plano(proceso.nombre))


def hora_con_zona(fecha: dt.date | None, hora: dt.time | None) -> str | None:
    if fecha is None or hora is None:
        return None
    return dt.datetime.combine(fecha, hora, tzinfo=HORA_PERU).isoformat()


with st.expander("Nueva votación", expanded=not votaciones, icon=":material/add:"):
    nombre = st.text_input("Nombre", value=f"Taller de priorización — {proceso.nombre}"[:120], key="vot_nombre")
    izquierda, derecha = st.columns(2)
    modalidad = izquierda.selectbox("Modalidad", list(MODALIDADES), format_func=MODALIDADES.get, key="vot_modalidad",
                                    placeholder="Elija una modalidad")
    lugar = derecha.text_input("Lugar del taller", key="vot_lugar", placeholder="Local comunal de Caraz")
    tipo = st.selectbox("Tipo de papeleta", list(TipoPapeleta), format_func=lambda t: t.etiqueta, key="vot_tipo",
                        placeholder="Elija un tipo")
    izquierda, derecha = st.columns(2)
    max_opciones, puntos_total, puntos_maximo = 5, 10, 10
    if tipo in (TipoPapeleta.APROBACION, TipoPapeleta.RANKING):
        max_opciones = izquierda.number_input("Cuántas puede elegir cada persona", 1, 50, 5 if tipo ==
                                              TipoPapeleta.APROBACION else 3, key=f"vot_k_{tipo.value}")
    elif tipo == TipoPapeleta.PUNTOS:
        puntos_total = izquierda.number_input("Semillas por persona", 1, 1000, 10, key="vot_puntos")
        puntos_maximo = derecha.number_input("Máximo de semillas por propuesta", 1, 1000, 5, key="vot_puntos_max")
    techo = st.text_input("Techo presupuestal (S/)", value=f"{proceso.techo_centimos / 100:,.2f}", key="vot_techo")
    regla = st.selectbox("Regla de conteo oficial", REGLAS_POR_TIPO[tipo], format_func=REGLAS.get,
                         key=f"vot_regla_{tipo.value}", placeholder="Elija una regla")
    peso = st.slider("Peso de la votación en el puntaje combinado (%)", 10, 100, 60, step=5, key="vot_peso",
                     help="El resto es el puntaje técnico de la evaluación. Solo lo usa la regla «prioridad "
                          "combinada», pero se muestra en todos los resultados.")
    st.caption(f"Puntaje combinado = {peso} % votación + {100 - peso} % puntaje técnico.")
    quien = st.radio("Quién vota", list(QUIEN_VOTA), format_func=QUIEN_VOTA.get, key="vot_quien")
    con_cierre = st.checkbox("Con hora de cierre automática", key="vot_con_cierre")
    cierre = None
    if con_cierre:
        izquierda, derecha = st.columns(2)
        cierre = hora_con_zona(izquierda.date_input("Cierra el día", key="vot_cierre_dia", format="DD/MM/YYYY"),
                               derecha.time_input("a la hora", value=dt.time(13, 0), key="vot_cierre_hora"))
    # el costo que usará la papeleta: el validado por el equipo técnico (el estimado solo si no hay validado)
    nombres = {c["codigo"]: f"{c['codigo']} — {c['titulo'][:60]} ({c['estado'].replace('_', ' ')}, "
                            f"{formatear_soles(c['costo_centimos'])} "
                            f"{'validado' if c['costo_validado'] else 'estimado, sin validar'})" for c in candidatas}
    elegidas = st.multiselect("Propuestas en la papeleta (por defecto, las viables) y el costo con que entran",
                              list(nombres), default=[c for c in viables if c in nombres], format_func=nombres.get,
                              key="vot_propuestas", placeholder="Elija las propuestas")
    if st.button("Crear votación", type="primary", key="vot_crear"):
        try:
            techo_centimos = soles_a_centimos(techo) or 0
        except ErrorPlataforma as error:
            st.error(f"Techo presupuestal: {comun.texto_plano(str(error))}")
        else:
            nueva = Votacion(
                id=None, proceso_id=proceso.id, nombre=nombre, tipo=tipo, techo_centimos=techo_centimos, regla=regla,
                max_opciones=int(max_opciones), puntos_total=int(puntos_total), puntos_maximo=int(puntos_maximo),
                peso_participacion=peso, peso_tecnico=100 - peso, modalidad=modalidad, lugar=lugar,
                quien_vota=quien, cierra_en=cierre)
            comun.ejecutar(lambda db: servicios.crear_votacion(db, nueva, elegidas, actor=actor, ahora=nucleo.ahora()),
                     "Votación creada, en preparación. Ábrala cuando empiece el taller.")

if not votaciones:
    st.stop()
nombres_votacion = {v.id: f"{v.nombre} (n.º {v.id})" for v in votaciones}  # el estado va debajo (cambia)
votacion_id = st.selectbox("Votación", list(nombres_votacion), format_func=nombres_votacion.get, key="vot_elegida",
                           placeholder="Elija una votación")
with comun.conexion() as db:
    votacion = servicios.obtener(db, votacion_id)
    elegibles = servicios.elegibles(db, votacion_id)
    papeletas = servicios.cuantas_por_canal(db, votacion_id)
    retiradas = servicios.retiradas(db, votacion_id)
st.markdown(f"**{votacion.estado.etiqueta}** · {votacion.tipo.etiqueta} · {len(elegibles)} propuestas · techo "
            f"{formatear_soles(votacion.techo_centimos)} · regla: {comun.texto_plano(REGLAS[votacion.regla])}")
columnas = st.columns(3)
columnas[0].metric("Papeletas", papeletas["total"])
columnas[1].metric("Por celular", papeletas["celular"])
columnas[2].metric("De papel", papeletas["papel"])
enlace = f"{comun.url_publica()}/votar?votacion={votacion.id}"
st.markdown(f"Enlace para votar: `{enlace}`")
st.caption(f"Por línea de comandos es la votación n.º {votacion.id} del proceso {proceso.codigo}: "
           f"`python -m votacion exportar --votacion {votacion.id} --formato acta --salida acta.pdf` · "
           f"`python -m propuestas exportar --proceso {proceso.codigo} --votacion {votacion.id} --formato xlsx "
           "--salida priorizadas.xlsx`")

control.estado_y_resultados(votacion, actor)
st.page_link("paginas/resultados.py", label="Ver resultados", query_params={"votacion": str(votacion.id)})
for retiro in retiradas:
    st.warning(f"{retiro['codigo']} ({comun.texto_plano(retiro['titulo'])}) fue retirada de la votación: "
               f"{comun.texto_plano(retiro['motivo'])}. Sus marcas no cuentan.", icon=":material/block:")

if votacion.quien_vota == "asistentes" and votacion.estado != EstadoVotacion.CERRADA:
    st.subheader("Asistencia", anchor=False)
    with comun.conexion() as db:
        personas = participantes.listar_participantes(db, proceso.id, actor=actor)
    etiquetas = {p["id"]: f"{p['nombre']} ({p.get('organizacion') or p['tipo']})" for p in personas}
    persona = st.selectbox("Agente participante", list(etiquetas), format_func=etiquetas.get, key="vot_asistente",
                           placeholder="Elija a la persona")
    if st.button("Registrar asistencia", key="vot_registrar_asistencia") and persona:
        comun.ejecutar(lambda db: servicios.registrar_asistencia(db, votacion.id, persona, actor=actor, ahora=nucleo.ahora()),
                 f"Asistencia registrada: {etiquetas[persona]}.")

if votacion.estado == EstadoVotacion.CERRADA:
    st.caption("La votación está cerrada: no se digitan más papeletas de papel. Si faltó contar papel, reábrala "
               "con el motivo (queda en el acta).")
if votacion.estado.acepta_papel:
    st.subheader("Papeletas de papel", anchor=False)
    # cada lote guardado estrena caja (otra clave): lo ya guardado no queda escrito ni se vuelve a revisar
    lotes = st.session_state.get(f"vot_papel_lotes_{votacion.id}", 0)
    with st.expander("Formato"):
        st.code(FORMATO_PAPEL, language=None)
    texto = st.text_area("Una línea por papeleta", height=160,
                         key=f"vot_papel_{votacion.id}" + (f"_{lotes}" if lotes else ""),
                         placeholder="N.º 0153: 1, 4, 7\nN.º 0154: 2, 4")
    if texto.strip():
        with comun.conexion() as db:
            lineas = servicios.revisar_papel(db, votacion.id, texto)
        malas = [linea for linea in lineas if linea.problemas]
        avisos = any(linea.avisos for linea in lineas)  # la columna solo aparece si hay algo que avisar
        comun.tabla([{"Línea": linea.numero, "N.º": linea.serie or "",
                      "Papeleta": ", ".join(linea.papeleta.elegidas) if linea.papeleta else "",
                      "Problemas": "; ".join(linea.problemas),
                      **({"Avisos": "; ".join(linea.avisos)} if avisos else {})} for linea in lineas],
                    vacia="Escriba una línea por papeleta.", key="vot_papel_vista")
        if malas:
            st.error(f"{len(malas)} de {len(lineas)} líneas tienen problemas: corríjalas; no se guarda nada a medias.")
        elif st.button(f"Guardar {len(lineas)} papeletas de papel", type="primary", key="vot_papel_guardar"):
            st.session_state[f"vot_papel_lotes_{votacion.id}"] = lotes + 1
            comun.ejecutar(lambda db: servicios.digitar_papel(db, votacion.id, texto, actor=actor, ahora=nucleo.ahora()),
                     f"Se guardaron {len(lineas)} papeletas de papel.")
            st.session_state[f"vot_papel_lotes_{votacion.id}"] = lotes  # solo se llega aquí si falló: la caja sigue

st.subheader("Auditoría", anchor=False)
with comun.conexion() as db:
    ancla = servicios.ancla(db, votacion.id)
st.caption(("Ancla anotada al cierre" if votacion.estado == EstadoVotacion.CERRADA else "Cadena ahora")
           + f": {ancla.eslabones} papeletas (incluidas las reemplazadas); cabeza `{ancla.cabeza_en_grupos}`.")
if st.button("Verificar la cadena de huellas", key="vot_verificar", icon=":material/verified:"):
    with comun.conexion() as db:
        problemas = servicios.verificar_cadena(db, votacion.id)
        total = servicios.eslabones(db, votacion.id)
    if problemas:
        comun.mostrar_problemas(problemas, "¡La cadena de papeletas no cuadra!")
    else:
        st.success(f"Cadena íntegra: {total} papeletas (incluidas las reemplazadas), ninguna alterada.")
