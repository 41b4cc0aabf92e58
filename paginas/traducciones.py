"""Traducciones: el catálogo de textos de las páginas de participantes, para traducirlo al quechua de Áncash sin
programar. Descargar la hoja, llenarla o corregirla, subirla con revisión fila por fila (todo o nada) y aprobar lo que
está «por revisar»."""

import streamlit as st

import nucleo
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from paginas import comun, traduccion
from propuestas import traducciones

IDIOMA = "qwh"
CAMBIOS = {"nueva": "Nueva", "cambia": "Cambia", "igual": "Igual (no se toca)", "vacía": "Vacía (queda en castellano)"}

actor = comun.exigir_pagina(Accion.ADMINISTRAR_PROCESOS)
st.title("Traducciones")
comun.mostrar_aviso()
st.markdown("Los textos que ven quienes participan (inicio, proponer, propuestas, ficha, votar, proyector y «¿Qué pasó "
            "con lo priorizado?») vienen de este **catálogo**, con el castellano como fuente. Quienes hablan quechua "
            "de Áncash traducen en una hoja de cálculo, sin programar: **descargue** el catálogo, llenen o corrijan la "
            "columna «Quechua (Áncash)» y **súbala** aquí. Un texto sin traducción se ve en castellano. El contenido "
            "de las propuestas queda en el idioma en que se escribió.")


entradas = traduccion.catalogo()
with comun.conexion() as db:
    guardadas = traducciones.cargar(db, IDIOMA)
    de_donde = traducciones.notas(db, IDIOMA)
filas = traducciones.filas_de_hoja(entradas, guardadas)
vigentes = {e.codigo for e in entradas}
estados = [guardadas[c][1] for c in vigentes if c in guardadas]
cifras = st.columns(4)
cifras[0].metric("Textos en el catálogo", f"{len(entradas):,}")
cifras[1].metric("Aprobados", f"{estados.count('aprobada'):,}")
cifras[2].metric("Por revisar", f"{estados.count('por_revisar'):,}")
cifras[3].metric("Sin traducir", f"{len(entradas) - len(estados):,}")



@st.cache_data(max_entries=4, show_spinner=False)
def libro(filas_: list[dict]) -> bytes:
    """El Excel del catálogo se arma de nuevo solo si cambió alguna traducción, no en cada ejecución."""
    return traducciones.como_xlsx(filas_)


descargas = st.columns(2)
descargas[0].download_button("Descargar el catálogo (Excel)", libro(filas), "catalogo_quechua.xlsx",
                             icon=":material/download:", key="traducciones_xlsx")
descargas[1].download_button("Descargar el catálogo (CSV)", traducciones.como_csv(filas), "catalogo_quechua.csv",
                             icon=":material/download:", key="traducciones_csv")
st.caption("No cambie las columnas «Código» ni «Castellano». Los marcadores entre llaves, como {n} o {distrito}, se "
           "copian tal cual en la traducción: la página pone allí el dato. Una celda vacía no borra nada.")

st.subheader("Subir la hoja traducida", anchor=False)
subido = comun.cargador_de_hoja("Hoja del catálogo (Excel .xlsx o CSV)", "traducciones")
if subido is not None:
    contenido = subido.getvalue()
    try:
        revision = traducciones.revisar(contenido, subido.name, entradas, guardadas)
    except ErrorPlataforma as error:
        comun.mostrar_error(error)
        st.stop()
    for aviso in revision.avisos:
        st.info(comun.texto_plano(aviso))
    for problema in revision.problemas:
        st.error(comun.texto_plano(problema))
    malas = [f for f in revision.filas if f.problemas]
    if malas:
        st.error(f"{len(malas)} de {len(revision.filas)} filas tienen problemas: corríjalas en la hoja y súbala de "
                 "nuevo (no se importa ninguna hasta que todas estén bien).")
    comun.tabla([{"Fila": f.numero, "Código": f.codigo, "Castellano": f.castellano, "Quechua (Áncash)": f.traduccion,
                  "Cambio": CAMBIOS.get(f.cambio, ""), "Problemas": " · ".join(f.problemas)}
                 for f in sorted(revision.filas, key=lambda f: (not f.problemas, f.cambio not in ("nueva", "cambia")))],
                vacia="")
    if revision.es_importable:
        nuevas = sum(f.cambio == "nueva" for f in revision.a_guardar)
        st.success(f"Todo bien: {nuevas} traducciones nuevas y {len(revision.a_guardar) - nuevas} cambiadas.")
        aprobadas = st.checkbox("Una persona que habla quechua de Áncash las revisó: guardarlas como aprobadas",
                                key="traducciones_aprobadas",
                                help="Sin marcar, quedan «por revisar» y pueden aprobarse abajo, una por una.")
        if st.button("Importar las traducciones", type="primary", key="traducciones_importar"):

            def importar(db) -> None:
                traducciones.importar(db, contenido, subido.name, entradas, idioma=IDIOMA, aprobadas=aprobadas,
                                      actor=actor, ahora=nucleo.ahora())
                traduccion.olvidar()
                comun.vaciar_cargador("traducciones")

            comun.ejecutar(importar, "Traducciones importadas: las páginas de participantes ya las muestran.")

st.subheader("Por revisar", anchor=False)
pendientes = [f for f in filas if f["Estado"] == "por revisar"]
if not pendientes:
    st.caption("No hay traducciones por revisar.")
else:
    st.caption("Traducciones que vinieron con la plataforma o se importaron sin marcar como revisadas. Se muestran a "
               "quienes participan, pero siguen «por revisar» hasta que una persona hablante las apruebe aquí.")
    with st.form("traducciones_aprobar"):
        columnas = ("Código", "Página", "Castellano", "Quechua (Áncash)")
        marcadas = st.data_editor([{"Aprobar": False, **{k: f[k] for k in columnas},
                                    "De dónde viene": de_donde.get(f["Código"], "")} for f in pendientes],
                                  hide_index=True, width="stretch", disabled=[*columnas, "De dónde viene"],
                                  column_config={"Aprobar": st.column_config.CheckboxColumn("Aprobar")},
                                  key="traducciones_editor")
        if st.form_submit_button("Aprobar las marcadas"):
            codigos = [f["Código"] for f in marcadas if f["Aprobar"]]

            def aprobar(db) -> None:
                traducciones.aprobar(db, IDIOMA, codigos, actor=actor, ahora=nucleo.ahora())
                traduccion.olvidar()

            comun.ejecutar(aprobar, f"{len(codigos)} traducciones aprobadas.")

st.subheader("Catálogo", anchor=False)
buscado = st.text_input("Buscar un texto", placeholder="en castellano o en quechua", key="traducciones_buscar")
comun.tabla([f for f in filas if not buscado or buscado.lower() in (f["Castellano"] + f["Quechua (Áncash)"]).lower()],
            vacia="Ningún texto contiene lo buscado.")
