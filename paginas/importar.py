"""Importar propuestas de fichas de papel digitadas en una hoja (CSV o Excel): plantilla, revisión fila por fila
y registro de todas juntas (o de ninguna)."""
import contextlib

import streamlit as st

import nucleo
from geo import servicios as territorio
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from paginas import comun
from propuestas import hoja, importar, pdlc, servicios

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MOSTRAR = 50  # filas con problemas en la página; todas van en la revisión descargable


def plano(texto: str) -> str:
    """Texto de la hoja en una línea de markdown (un Alt+Enter de Excel no arma un título ni corta la lista)."""
    return comun.texto_plano(" ".join(texto.split()))


@st.cache_data(max_entries=8, show_spinner=False)
def plantilla(ruta: str, proceso_id: int, ejes: tuple[str, ...], territorio_id: int | None) -> bytes:
    """La plantilla Excel (¼ s de armar) se rehace solo si cambian los ejes (los objetivos del PDLC vigente y los del
    proceso) o el territorio."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        return hoja.plantilla_xlsx(servicios.obtener_proceso(db, proceso_id), territorio.cargar_territorio(db),
                                   territorio.centros_poblados(db), ejes)


@st.cache_data(max_entries=4, show_spinner="Revisando la hoja…")
def revisar(ruta: str, proceso_id: int, contenido: bytes, nombre: str, version: tuple, hora: str):
    """La revisión (7 s para 5,000 filas) se rehace solo si cambian el archivo, las propuestas del proceso o la
    hora: abrir un desplegable no la repite. Importar vuelve a revisar dentro de la transacción."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        return importar.revisar(db, proceso_id, contenido, nombre, ahora=nucleo.ahora())


actor = comun.exigir_pagina(Accion.IMPORTAR_PROPUESTAS)
st.title("Importar propuestas (papel y hojas de cálculo)")
comun.mostrar_aviso()
with comun.conexion() as db:
    procesos = servicios.listar_procesos(db)
    actual = servicios.proceso_actual(db)
    limites = territorio.estado_territorio(db)["limites"]  # sin armar el territorio en cada ejecución
if not procesos:
    st.info("Aún no hay procesos participativos; créelos en «Procesos participativos».")
    st.stop()
if limites is None:
    comun.sin_territorio()
    st.stop()
nombres = {p.id: f"{p.nombre} ({p.codigo})" for p in procesos}
proceso_id = st.selectbox("Proceso", list(nombres), format_func=nombres.get, key="importar_proceso",
                          index=list(nombres).index(actual.id) if actual else 0, placeholder="Elija un proceso")
proceso = next(p for p in procesos if p.id == proceso_id)
st.markdown("Digite las fichas de papel en la **plantilla** (una fila por ficha) y súbala. Primero verá una "
            "revisión fila por fila; **no se importa nada mientras alguna fila tenga problemas**. También puede "
            "subir una lista exportada por la plataforma con datos personales.")
with comun.conexion() as db:
    ejes = pdlc.ejes_para_proponer(db, proceso.ejes)
izquierda, derecha = st.columns(2)
izquierda.download_button("Plantilla Excel (con listas desplegables)", key="importar_plantilla_xlsx",
                          data=plantilla(str(comun.ruta_db()), proceso.id, ejes, limites["id"]),
                          mime=MIME_XLSX,
                          file_name=f"plantilla-propuestas-{proceso.codigo}.xlsx", icon=":material/download:")
derecha.download_button("Plantilla CSV", key="importar_plantilla_csv", data=hoja.plantilla_csv().encode(),
                        file_name=f"plantilla-propuestas-{proceso.codigo}.csv", mime="text/csv",
                        icon=":material/download:")
subido = comun.cargador_de_hoja("Hoja con las fichas (.xlsx o .csv)", "importar")
if subido is None:
    st.stop()

contenido = subido.getvalue()
with comun.conexion() as db:
    version = servicios.version_del_listado(db, proceso.id)
revision = revisar(str(comun.ruta_db()), proceso.id, contenido, subido.name, version, f"{nucleo.ahora():%Y%m%d%H}")
listas = len(revision.filas) - len(revision.con_problemas)
columnas = st.columns(3)
columnas[0].metric("Filas leídas", len(revision.filas))
columnas[1].metric("Listas", listas)
columnas[2].metric("Con problemas", len(revision.con_problemas))
for problema in revision.problemas:
    st.error(plano(problema))
if not revision.es_importable:
    st.error(f"No se importará nada: {comun.texto_plano(revision.resumen)}")
elif st.button(f"Importar {len(revision.filas)} propuestas", type="primary", key="importar_confirmar"):
    with comun.conexion() as db:
        try:
            hecha = importar.importar(db, proceso.id, contenido, subido.name, actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
            st.stop()
    comun.vaciar_cargador("importar")
    comun.avisar(f"Se importaron {len(hecha.filas)} propuestas de «{hecha.archivo}»: {hecha.filas[0].codigo} a "
                 f"{hecha.filas[-1].codigo}. Ya están en «Propuestas», registradas.")
    st.rerun()
else:
    st.success(f"Las {len(revision.filas)} filas están listas; revise los avisos antes de importar.")
for fila in revision.con_problemas[:MOSTRAR]:
    st.markdown(f"**Fila {fila.numero}** · {plano(fila.titulo or '(sin título)')}"
                + (f" · {plano(fila.lugar)}" if fila.lugar else "") + "\n"
                + "\n".join(f"- :red[{plano(p)}]" for p in fila.problemas))
if len(revision.con_problemas) > MOSTRAR:
    st.caption(f"… y {len(revision.con_problemas) - MOSTRAR} filas más con problemas: descargue la revisión.")
avisos = revision.avisos + [f"Fila {f.numero}: {a}" for f in revision.filas for a in f.avisos]
if avisos:
    with st.expander(f"Avisos ({len(avisos)}): no impiden importar", expanded=not revision.con_problemas):
        st.markdown("\n".join(f"- {plano(a)}" for a in avisos[:MOSTRAR * 4]))
if revision.filas:
    with st.expander(f"Todas las filas ({len(revision.filas)})"):
        comun.tabla([{"Fila": f.numero, "Título": f.titulo, "Dónde": f.lugar, "Código": f.codigo or "",
                      "Problemas": " | ".join(f.problemas), "Avisos": " | ".join(f.avisos)} for f in revision.filas],
                    vacia="La hoja no tiene filas.", key="importar_vista")
st.download_button("Descargar la revisión (CSV)", importar.informe_csv(revision).encode(), mime="text/csv",
                   file_name=f"revision-{subido.name.rsplit('.', 1)[0]}.csv", key="importar_informe",
                   icon=":material/download:")
