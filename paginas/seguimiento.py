"""Seguimiento de proyectos (equipo técnico y administración): cada proyecto en acta con su fase, montos, avances y
alertas; la hoja para exportar, editar en Excel e importar (toda o nada); y, por proyecto, una actualización nueva
(con evidencia), sus hitos y su historial. Nada se edita: una corrección es otra actualización."""
import datetime as dt

import streamlit as st

import nucleo
from identidad.acceso import Accion, rol_publico
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_fecha, formatear_soles
from paginas import comun, piezas_seguimiento
from propuestas import seguimiento
from propuestas import servicios as propuestas_servicios
from propuestas.seguimiento import hoja as hoja_seguimiento


@st.cache_data(max_entries=8, show_spinner=False)
def _hojas(ruta: str, proceso_id: int | None, version: tuple, hoy: dt.date) -> tuple[bytes, str]:
    """La hoja en Excel y en CSV (un segundo con miles de proyectos), rehecha solo si cambió el seguimiento."""
    with nucleo.abrir(ruta) as db:
        filas = hoja_seguimiento.filas(db, proceso_id, hoy=hoy)
    return hoja_seguimiento.como_xlsx(filas), hoja_seguimiento.como_csv(filas)


actor = comun.exigir_pagina(Accion.SEGUIR_PROYECTOS)
st.title("Seguimiento de proyectos")
comun.mostrar_aviso()
hoy = propuestas_servicios.fecha_local(nucleo.ahora())
with comun.conexion() as db:
    proyectos = [p for p in seguimiento.proyectos(db, hoy=hoy) if p.en_seguimiento]
if not proyectos:
    st.info("Aún no hay proyectos en acta: entran aquí cuando la facilitación registra el acta firmada de una "
            "votación cerrada (página «Votaciones y papeletas»).")
    st.stop()

procesos = {p.proceso_id: p.proceso for p in proyectos}
proceso_id = st.selectbox("Proceso", [None, *procesos], key="seg_proceso",
                          format_func=lambda i: "Todos los procesos" if i is None else procesos[i],
                          placeholder="Elija una opción")
vistos = [p for p in proyectos if proceso_id in (None, p.proceso_id)]
comun.tabla([{"Código": p.codigo, "Proyecto": p.titulo, "Distrito": p.distrito, "Fase": p.situacion.etiqueta_fase,
              "PIM": formatear_soles(p.situacion.pim_centimos),
              "Devengado": formatear_soles(p.situacion.devengado_centimos),
              "Avance físico": f"{p.situacion.avance_fisico:g} %" if p.situacion.avance_fisico is not None else "—",
              "Última noticia": formatear_fecha(p.situacion.ultima_fecha) if p.situacion.ultima_fecha else "—",
              "Alertas": " · ".join(p.alertas.textos()) or "—"} for p in vistos], vacia="")

with comun.conexion() as db:
    hoja_xlsx, hoja_csv = _hojas(str(comun.ruta_db()), proceso_id, seguimiento.version(db), hoy)
descargas = st.columns(2)
descargas[0].download_button("Hoja de seguimiento (Excel)", hoja_xlsx, "seguimiento.xlsx",
                             icon=":material/download:", key="seg_xlsx")
descargas[1].download_button("Hoja de seguimiento (CSV)", hoja_csv, "seguimiento.csv",
                             icon=":material/download:", key="seg_csv")
with st.expander("Importar la hoja editada (o la de la municipalidad con esas columnas)"):
    st.caption("Una fila por proyecto, con su «Código». Lo vacío no cambia; una fila igual a lo que ya hay no "
               "agrega "
               "nada. Si una fila tiene problemas, no se importa ninguna.")
    subido = comun.cargador_de_hoja("Hoja de seguimiento (Excel .xlsx o CSV)", "seg")
    if subido is not None:
        contenido = subido.getvalue()
        try:
            with comun.conexion() as db:
                revision = hoja_seguimiento.revisar(db, contenido, subido.name, hoy=hoy)
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
            st.stop()
        for problema in revision.problemas:
            st.error(comun.texto_plano(problema))
        malas = [f for f in revision.filas if f.problemas]
        if malas:
            st.error(f"{len(malas)} de {len(revision.filas)} filas tienen problemas: corríjalas y suba la hoja de "
                     "nuevo (no se importa ninguna hasta que todas estén bien).")
            comun.tabla([{"Fila": f.numero, "Código": f.codigo, "Problemas": " · ".join(f.problemas)} for f in malas],
                        vacia="")
        elif revision.es_importable:
            cambian = revision.con_cambios
            st.success(f"Todo bien: {len(cambian)} proyectos con datos nuevos; "
                       f"{len(revision.filas) - len(cambian)} filas sin cambios.")
            comun.tabla([{"Fila": f.numero, "Código": f.codigo, "Cambia": " · ".join(seguimiento.describir(f.cambios))
                          or "solo la nota"} for f in cambian], vacia="")
            if cambian and st.button("Importar", type="primary", key="seg_importar"):

                def importar(db) -> None:
                    hoja_seguimiento.importar(db, contenido, subido.name, actor=actor, ahora=nucleo.ahora())
                    comun.vaciar_cargador("seg")

                comun.ejecutar(importar, f"Hoja «{subido.name}» importada: {len(cambian)} actualizaciones.")

st.subheader("Un proyecto", anchor=False)
opciones = {p.codigo: f"{p.codigo} · {p.titulo}" for p in vistos}
codigo = comun.selector_estable("Proyecto", opciones, clave="seg_proyecto")
elegido = next(p for p in vistos if p.codigo == codigo)
st.markdown(f"[Ver su página pública]({comun.url_pagina('priorizado')}?proyecto={codigo})")
with comun.conexion() as db:
    anteriores = seguimiento.actualizaciones(db, codigo)
nueva, hitos, historial = st.tabs(["Nueva actualización", "Hitos", f"Historial ({len(anteriores)})"])
with nueva:
    pedido = piezas_seguimiento.formulario_actualizacion(codigo, elegido.situacion, anteriores, hoy)
    if pedido is not None:
        comun.ejecutar(lambda db: seguimiento.registrar_actualizacion(db, codigo, **pedido, actor=actor,
                                                                      ahora=nucleo.ahora()),
                       f"Actualización de {codigo} registrada.")
with hitos:
    comun.tabla([{"Hito": h.nombre, "Prevista": formatear_fecha(h.fecha_prevista),
                  "Real": formatear_fecha(h.fecha_real) if h.fecha_real else "—"} for h in elegido.hitos],
                vacia="Sin hitos todavía.")
    with st.form(f"seg_{codigo}_hito"):
        nombre = st.text_input("Hito nuevo", key=f"seg_{codigo}_hito_nombre", max_chars=200,
                               placeholder="Expediente técnico aprobado")
        prevista = st.date_input("Fecha prevista", key=f"seg_{codigo}_hito_fecha", format="DD/MM/YYYY", value=None)
        if st.form_submit_button("Agregar el hito"):
            comun.ejecutar(lambda db: seguimiento.agregar_hito(db, codigo, nombre, prevista, actor=actor,
                                                               ahora=nucleo.ahora()), "Hito agregado.")
    pendientes = {h.id: h.nombre for h in elegido.hitos if h.fecha_real is None}
    if pendientes:
        with st.form(f"seg_{codigo}_cumplido"):
            hito_id = st.selectbox("Hito cumplido", list(pendientes), format_func=pendientes.get,
                                   key=f"seg_{codigo}_cumplido_hito", placeholder="Elija una opción")
            real = st.date_input("Fecha real", key=f"seg_{codigo}_cumplido_fecha", format="DD/MM/YYYY", value=hoy,
                                 max_value=hoy)
            if st.form_submit_button("Anotar que se cumplió"):
                comun.ejecutar(lambda db: seguimiento.registrar_actualizacion(
                    db, codigo, seguimiento.Cambios(), fecha=real, hito_id=hito_id, hito_fecha_real=real,
                    nota=f"Se cumplió el hito «{pendientes[hito_id]}».", actor=actor, ahora=nucleo.ahora()),
                    "Hito anotado como cumplido.")
with historial:
    comun.tabla([{"N.º": f["id"], "Fecha": formatear_fecha(dt.date.fromisoformat(f["fecha"])),
                  "Cambios": " · ".join(f["cambios"]) or "—", "Nota": f["nota"] or "—",
                  "Evidencia": f["evidencia"] or "—",
                  "Corrige / corregida": (f"corrige la n.º {f['corrige_id']}" if f["corrige_id"] else "")
                  + (f"corregida por la n.º {f['corregida_por']}" if f["corregida_por"] else ""),
                  "Origen": f["origen"], "Por": rol_publico(f["registrada_por"])} for f in anteriores],
                vacia="Sin actualizaciones todavía.")
