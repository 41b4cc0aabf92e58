"""Comité de Vigilancia: observaciones del comité (sobre un proyecto priorizado o un acuerdo del acta) con la
respuesta del equipo técnico o de administración, el estado de cada acuerdo con su motivo, los proyectos con
retraso, los miembros del comité y el informe de vigilancia en PDF. Todo queda a la vista; nada se edita."""
import datetime as dt

import streamlit as st

import nucleo
from identidad.acceso import Accion, puede
from nucleo.formato import formatear_fecha, formatear_momento
from paginas import comun, piezas_seguimiento
from propuestas import seguimiento
from propuestas import servicios as propuestas_servicios
from votacion import vigilancia


@st.cache_data(max_entries=8, show_spinner="Armando el informe…")
def _informe(ruta: str, proceso_id: int, version: tuple, hoy: dt.date) -> bytes:
    """El PDF (segundos con miles de proyectos) se rehace solo si cambió algo de lo que dice, o el día."""
    with nucleo.abrir(ruta) as db:
        return vigilancia.informe_pdf(db, proceso_id, hoy=hoy, ahora=nucleo.ahora())


actor = comun.exigir_pagina(Accion.VER_VIGILANCIA)
st.title("Comité de Vigilancia")
comun.mostrar_aviso()
hoy = propuestas_servicios.fecha_local(nucleo.ahora())
with comun.conexion() as db:
    procesos = {p.id: p.nombre for p in propuestas_servicios.listar_procesos(db)}
    actual = propuestas_servicios.proceso_actual(db)
if not procesos:
    st.info("Aún no hay procesos participativos.")
    st.stop()
ids = list(procesos)
proceso_id = st.selectbox("Proceso", ids, format_func=procesos.get, key="vig_proceso",
                          index=ids.index(actual.id) if actual and actual.id in ids else 0,
                          placeholder="Elija una opción")
with comun.conexion() as db:
    acuerdos = vigilancia.acuerdos_del_proceso(db, proceso_id)
    observaciones = vigilancia.observaciones(db, proceso_id)
    proyectos = seguimiento.proyectos(db, proceso_id, hoy=hoy)
    miembros = vigilancia.comite_del_proceso(db, proceso_id)
    version = vigilancia.version(db)

cifras = st.columns(4)
cifras[0].metric("Acuerdos cumplidos", f"{sum(a['estado'] == 'cumplido' for a in acuerdos)} de {len(acuerdos)}")
cifras[1].metric("Observaciones sin respuesta", sum(o.abierta for o in observaciones))
cifras[2].metric("Proyectos en acta", sum(p.en_seguimiento for p in proyectos))
cifras[3].metric("Con alertas", sum(bool(p.alertas) for p in proyectos))
st.download_button("Informe de vigilancia (PDF)", _informe(str(comun.ruta_db()), proceso_id, version, hoy),
                   f"informe_vigilancia_{proceso_id}.pdf",
                   mime="application/pdf", icon=":material/picture_as_pdf:", key="vig_informe")

pestanas = st.tabs([f"Observaciones ({len(observaciones)})", f"Acuerdos ({len(acuerdos)})",
                    "Proyectos con retraso", f"Comité ({len(miembros)})"])
with pestanas[0]:
    if puede(actor, Accion.VIGILAR):
        with st.form("vig_observar"):
            st.markdown("**Nueva observación**")
            st.caption("Sobre un proyecto **o** sobre un acuerdo del acta: elija uno de los dos.")
            proyectos_ = {p.codigo: f"{p.codigo} · {p.titulo}" for p in proyectos}
            acuerdos_ = {a["id"]: f"N.º {a['id']}: {a['texto']}" for a in acuerdos}
            codigo = st.selectbox("Proyecto", list(proyectos_), format_func=proyectos_.get, key="vig_proyecto",
                                  index=None, placeholder="Elija el proyecto")
            acuerdo_id = st.selectbox("Acuerdo", list(acuerdos_), format_func=acuerdos_.get, key="vig_acuerdo",
                                      index=None, placeholder="Elija el acuerdo")
            texto = st.text_area("Observación", key="vig_texto", max_chars=2000,
                                 placeholder="Qué vieron, dónde y cuándo (p. ej.: la obra está parada desde "
                                             "junio).")
            evidencia = st.file_uploader("Evidencia (foto o PDF, opcional)", type=["jpg", "jpeg", "png", "webp", "pdf"],
                                         key="vig_evidencia", max_upload_size=piezas_seguimiento.LIMITE_MB)
            if st.form_submit_button("Registrar la observación", type="primary"):
                comun.ejecutar(lambda db: vigilancia.observar(
                    db, proceso_id, texto, codigo=codigo, acuerdo_id=acuerdo_id,
                    evidencia=(evidencia.getvalue(), evidencia.name) if evidencia else None, actor=actor,
                    ahora=nucleo.ahora()), "Observación registrada: el equipo técnico debe responderla.")
    if not observaciones:
        st.caption("Sin observaciones todavía.")
    for observacion in observaciones:
        with st.container(border=True):
            estado = ":red[**sin respuesta**]" if observacion.abierta else ":green[**respondida**]"
            st.markdown(f"**N.º {observacion.id}** · {formatear_momento(observacion.creada_en)} · {estado}  \n"
                        f"Sobre: {comun.texto_plano(observacion.sobre)}")
            st.markdown(comun.texto_plano(observacion.texto))
            if observacion.evidencia_id:
                with comun.conexion() as db:
                    adjunto = vigilancia.evidencia_de_observacion(db, observacion.id)
                if adjunto["tipo"] == "foto":
                    st.image(adjunto["contenido"], caption=comun.texto_plano(adjunto["nombre"]), width=320)
                else:
                    st.download_button(f"PDF: {adjunto['nombre']}", adjunto["contenido"],
                                       f"observacion_{observacion.id}.pdf", mime="application/pdf",
                                       key=f"vig_pdf_{observacion.id}")
            for respuesta in observacion.respuestas:
                st.info(f"**Respuesta ({respuesta['por']}, {formatear_momento(respuesta['respondida_en'])}):** "
                        f"{comun.texto_plano(respuesta['texto'])}", icon=":material/reply:")
            if puede(actor, Accion.SEGUIR_PROYECTOS):
                zona = st.container() if observacion.abierta else st.expander("Agregar otra respuesta")
                with zona, st.form(f"vig_responder_{observacion.id}"):
                    respuesta_texto = st.text_area("Respuesta (qué se hizo o por qué)",
                                                   key=f"vig_respuesta_{observacion.id}", max_chars=2000)
                    if st.form_submit_button("Responder"):
                        comun.ejecutar(lambda db, o=observacion.id, t=respuesta_texto: vigilancia.responder(
                            db, o, t, actor=actor, ahora=nucleo.ahora()), "Respuesta registrada.")
with pestanas[1]:
    comun.tabla([{"N.º": a["id"], "Acuerdo": a["texto"], "Responsable": a["responsable"], "Plazo": a["plazo"] or "—",
                  "Estado": vigilancia.ESTADOS_ACUERDO[a["estado"]], "Motivo": a["motivo"] or "—",
                  "Desde": formatear_momento(a["desde"])} for a in acuerdos],
                vacia="El acta de este proceso no registró acuerdos.")
    if acuerdos and puede(actor, Accion.SEGUIR_PROYECTOS):
        with st.form("vig_estado"):
            opciones = {a["id"]: f"N.º {a['id']}: {a['texto']}" for a in acuerdos}
            elegido = st.selectbox("Acuerdo", list(opciones), format_func=opciones.get, key="vig_estado_acuerdo",
                                   placeholder="Elija una opción")
            estado_nuevo = st.selectbox("Estado", list(vigilancia.ESTADOS_ACUERDO),
                                        format_func=vigilancia.ESTADOS_ACUERDO.get, key="vig_estado_estado",
                                        placeholder="Elija una opción")
            motivo = st.text_area("Motivo (qué se hizo o qué falta)", key="vig_estado_motivo", max_chars=1000)
            if st.form_submit_button("Cambiar el estado"):
                comun.ejecutar(lambda db: vigilancia.cambiar_estado_acuerdo(db, elegido, estado_nuevo, motivo,
                                                                            actor=actor, ahora=nucleo.ahora()),
                               "Estado del acuerdo registrado.")
with pestanas[2]:
    comun.tabla([{"Proyecto": f"{p.codigo} · {p.titulo}", "Fase": p.situacion.etiqueta_fase,
                  "Alertas": " · ".join(p.alertas.textos()),
                  "Última noticia": formatear_fecha(p.situacion.ultima_fecha) if p.situacion.ultima_fecha else "—",
                  "Ver": f"{comun.url_pagina('priorizado')}?proyecto={p.codigo}"} for p in proyectos if p.alertas],
                vacia="Ningún proyecto con más de 90 días sin actualización ni hitos vencidos.",
                column_config={"Ver": st.column_config.LinkColumn("Ver", display_text="Línea de tiempo")})
with pestanas[3]:
    comun.tabla([{"Nombre": m["nombre"], "Organización": m["organizacion"], "Distrito": m["distrito"]}
                 for m in miembros], vacia="El acta no registró miembros del comité (se anotan en la consola del "
                                           "taller, antes de firmar el acta).")
