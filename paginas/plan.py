"""Plan (PDLC): importar el Plan de Desarrollo Local Concertado (objetivos → acciones → indicadores) de una hoja,
con plantilla y revisión fila por fila, todo o nada; cada importación es una versión nueva; ver la vigente."""

import streamlit as st

import nucleo
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_momento
from paginas import comun
from propuestas import pdlc

actor = comun.exigir_pagina(Accion.ADMINISTRAR_PROCESOS)
st.title("Plan (PDLC)")
comun.mostrar_aviso()
st.markdown("Objetivos estratégicos, acciones estratégicas e indicadores del PDLC, para que el equipo técnico "
            "vincule cada propuesta y el «alineamiento con el PDLC» se evalúe contra el plan, no contra un texto "
            "libre. Una importación nueva **no reescribe** la anterior: las propuestas ya vinculadas siguen "
            "apuntando a su versión.")
plantillas = st.columns(2)
plantillas[0].download_button("Plantilla en Excel", pdlc.plantilla_xlsx(), "plantilla_pdlc.xlsx",
                              icon=":material/download:", key="plan_plantilla_xlsx")
plantillas[1].download_button("Plantilla en CSV", pdlc.plantilla_csv(), "plantilla_pdlc.csv",
                              icon=":material/download:", key="plan_plantilla_csv")

nombre = st.text_input("Nombre del plan", placeholder="PDLC de la provincia de Huaylas 2022-2030", max_chars=200,
                       key="plan_nombre")
subido = comun.cargador_de_hoja("Hoja del PDLC (Excel .xlsx o CSV)", "plan")
if subido is not None:
    contenido = subido.getvalue()
    try:
        revision = pdlc.revisar(contenido, subido.name)
    except ErrorPlataforma as error:
        comun.mostrar_error(error)
        st.stop()
    for problema in revision.problemas:
        st.error(comun.texto_plano(problema))
    malas = [f for f in revision.filas if f.problemas]
    if malas:
        st.error(f"{len(malas)} de {len(revision.filas)} filas tienen problemas: corríjalas en la hoja y súbala de "
                 "nuevo (no se importa ninguna hasta que todas estén bien).")
        comun.tabla([{"Fila": f.numero, "Problemas": " · ".join(f.problemas)} for f in malas], vacia="")
    elif revision.es_importable:
        cuantos = revision.cuantos()
        st.success(f"Todo bien: {cuantos['objetivos']} objetivos, {cuantos['acciones']} acciones y "
                   f"{cuantos['indicadores']} indicadores.")
        if st.button("Importar como versión nueva", type="primary", key="plan_importar"):

            def importar(db) -> None:
                pdlc.importar(db, contenido, subido.name, nombre_plan=nombre, actor=actor, ahora=nucleo.ahora())
                comun.vaciar_cargador("plan")

            comun.ejecutar(importar, f"PDLC «{nombre}» importado: es la versión vigente.")

with comun.conexion() as db:
    plan = pdlc.vigente(db)
st.subheader("Versión vigente", anchor=False)
if plan is None:
    st.info("Aún no se importó ningún PDLC.")
    st.stop()
st.caption(f"«{comun.texto_plano(plan.version['nombre'])}», importada el "
           f"{formatear_momento(plan.version['importada_en'])} de «{comun.texto_plano(plan.version['archivo'])}».")
filas = []
for objetivo in plan.objetivos:
    grupos = [(objetivo, None)] + [(objetivo, a) for a in objetivo["acciones"]]
    for _, accion in grupos:
        indicadores = (accion or objetivo)["indicadores"] or [None]
        for indicador in indicadores:
            if accion is None and indicador is None and objetivo["acciones"]:
                continue
            filas.append({"Objetivo": f"{objetivo['codigo']} · {objetivo['nombre']}",
                          "Acción": f"{accion['codigo']} · {accion['nombre']}" if accion else "",
                          "Indicador": indicador["nombre"] if indicador else "",
                          "Unidad": indicador["unidad"] if indicador else "",
                          "Línea de base": (f"{indicador['linea_base']:g} ({indicador['anio_base'] or 's. f.'})"
                                            if indicador and indicador["linea_base"] is not None else ""),
                          "Meta": (f"{indicador['meta']:g} ({indicador['anio_meta'] or 's. f.'})"
                                   if indicador and indicador["meta"] is not None else ""),
                          "Fuente": (indicador["fuente"] or "") if indicador else ""})
comun.tabla(filas, vacia="La versión vigente no tiene objetivos.")
hoja_vigente = pdlc.filas_de(plan)
st.download_button("Descargar la versión vigente (Excel, para editarla y subirla como versión nueva)",
                   pdlc.a_xlsx(hoja_vigente), "pdlc_vigente.xlsx", icon=":material/download:", key="plan_vigente_xlsx")

st.subheader("Editar en la plataforma", anchor=False)
st.caption("Corrija un nombre, agregue un objetivo, una acción o un indicador (filas nuevas al final). Se guarda como "
           "**versión nueva** con la misma revisión fila por fila que una importación: la vigente no se reescribe y "
           "las propuestas ya vinculadas siguen apuntando a ella hasta que el equipo las vincule de nuevo.")
with st.form("plan_editar"):
    como_texto = [{t: "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for t, v in f.items()}
                  for f in hoja_vigente]  # todo como texto: una celda vacía se ve vacía, no «None»
    editadas = st.data_editor(como_texto, num_rows="dynamic", hide_index=True, width="stretch",
                              column_config={t: st.column_config.TextColumn(t) for t in pdlc.ENCABEZADO.values()},
                              key=f"plan_editor_{plan.version['id']}")
    nombre_nuevo = st.text_input("Nombre de la versión nueva", value=f"{plan.version['nombre']} (editado)"[:200],
                                 max_chars=200, key="plan_editar_nombre")
    if st.form_submit_button("Revisar y guardar como versión nueva"):
        contenido_editado = pdlc.como_csv([f for f in editadas if any(v not in (None, "") for v in f.values())])
        if contenido_editado == pdlc.como_csv(como_texto):
            st.info("No hay cambios: no se guardó otra versión.")
            st.stop()
        comun.ejecutar(lambda db: pdlc.importar(db, contenido_editado, "edición en la plataforma",
                                                nombre_plan=nombre_nuevo, actor=actor, ahora=nucleo.ahora()),
                       f"PDLC «{nombre_nuevo}» guardado como versión nueva: es la vigente.")
