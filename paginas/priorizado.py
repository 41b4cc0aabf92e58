"""¿Qué pasó con lo priorizado? Página pública (sin entrar), pensada para el celular: mapa y lista de los proyectos
priorizados por fase de inversión, con filtros, y la línea de tiempo de cada uno en un enlace estable
(`/priorizado?proyecto=CÓDIGO`, para el QR que se pega en la comunidad)."""
import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

import nucleo
from geo import servicios as territorio_servicios
from nucleo.formato import formatear_fecha, formatear_soles
from paginas import comun, piezas_seguimiento
from propuestas import seguimiento
from propuestas import servicios as propuestas_servicios
from propuestas.mapa import mapa_propuestas
from propuestas.seguimiento.modelo import COLOR_SIN_FASE, SIN_FASE, Fase

TODOS = "Todos"
SIN_PIA = "Aún sin PIA"


@st.cache_resource(max_entries=4, show_spinner=False)
def _proyectos(ruta: str, version: tuple, hoy: dt.date) -> list[seguimiento.Proyecto]:
    """Lo pesado (situación de cada proyecto) una vez por versión del seguimiento; `version` es la clave. Un recurso,
    no un dato: se comparte sin copiarlo en cada ejecución (con 2,000 proyectos, copiarlo costaba 100 ms); nadie lo
    modifica."""
    with nucleo.abrir(ruta) as db:
        return seguimiento.proyectos(db, hoy=hoy)


hoy = propuestas_servicios.fecha_local(nucleo.ahora())
with comun.conexion() as db:
    proyectos = _proyectos(str(comun.ruta_db()), seguimiento.version(db), hoy)
    territorio = territorio_servicios.cargar_territorio(db)

codigo = st.query_params.get("proyecto", "")
elegido = next((p for p in proyectos if p.codigo == codigo), None)
if codigo:
    st.page_link("paginas/priorizado.py", label=comun.t("Todos los proyectos priorizados"),
                 icon=":material/arrow_back:")
    if elegido is None:
        st.error(comun.t("No hay un proyecto priorizado con el código «{codigo}».",
                         codigo=comun.texto_plano(codigo)))
        st.stop()
    with comun.conexion() as db:
        piezas_seguimiento.ficha_publica(db, elegido, hoy)
    st.stop()

comun.selector_de_idioma()
st.title(comun.t("¿Qué pasó con lo priorizado?"))
st.markdown(comun.t("Lo que se priorizó en los talleres del presupuesto participativo y cómo avanza: su fase de "
                    "inversión, lo presupuestado y lo gastado, sus hitos y cada actualización del equipo técnico."))
if not proyectos:
    st.info(comun.t("Aún no hay proyectos priorizados: aparecen aquí cuando se cierra una votación."))
    st.stop()

# Las opciones fijas de los filtros se ven en el idioma de la página y se traducen una vez por ejecución; el valor
# elegido sigue en castellano. Los procesos, años, distritos y objetivos son datos y se ven tal cual.
fijas = {TODOS: comun.t("Todos"), SIN_PIA: comun.t("Aún sin PIA")}
fase_de = {TODOS: fijas[TODOS], **{e: comun.t_etiqueta(e) for e in (*(f.etiqueta for f in Fase), SIN_FASE)}}
elija = comun.t("Elija una opción")


def opcion(valor: str) -> str:
    return fijas.get(valor, valor)


filtros = st.columns(5)
for clave in ("priorizado_proceso", "priorizado_anio", "priorizado_distrito", "priorizado_objetivo", "priorizado_fase"):
    comun.reponer(clave)  # sus opciones se traducen: tras cambiar de idioma, la elección no se pierde
procesos = [TODOS, *dict.fromkeys(p.proceso for p in proyectos)]
proceso = filtros[0].selectbox(comun.t("Proceso"), procesos, key="priorizado_proceso", placeholder=elija,
                               format_func=opcion)
anios = [TODOS, *sorted({str(p.situacion.anio_pia) for p in proyectos if p.situacion.anio_pia}, reverse=True),
         SIN_PIA]
anio = filtros[1].selectbox(comun.t("Año del PIA"), anios, key="priorizado_anio", placeholder=elija,
                            format_func=opcion)
distritos = [TODOS, *sorted({p.distrito for p in proyectos})]
distrito = filtros[2].selectbox(comun.t("Distrito"), distritos, key="priorizado_distrito", placeholder=elija,
                                format_func=opcion)
objetivos = [TODOS, *sorted({p.objetivo_pdlc for p in proyectos if p.objetivo_pdlc})]
objetivo = filtros[3].selectbox(comun.t("Objetivo del PDLC"), objetivos, key="priorizado_objetivo",
                                placeholder=elija, format_func=opcion)
fases = [TODOS, *[f.etiqueta for f in Fase], SIN_FASE]
fase = filtros[4].selectbox(comun.t("Fase"), fases, key="priorizado_fase", placeholder=elija, format_func=fase_de.get)
vistos = [p for p in proyectos
          if proceso in (TODOS, p.proceso) and distrito in (TODOS, p.distrito)
          and anio in (TODOS, str(p.situacion.anio_pia) if p.situacion.anio_pia else SIN_PIA)
          and objetivo in (TODOS, p.objetivo_pdlc) and fase in (TODOS, p.situacion.etiqueta_fase)]

cifras = st.columns(4)
cifras[0].metric(comun.t("Proyectos"), f"{len(vistos):,}")
cifras[1].metric(comun.t("En ejecución"), f"{sum(p.situacion.fase == Fase.EJECUCION for p in vistos):,}")
cifras[2].metric(comun.t("Culminados o funcionando"),
                 f"{sum(p.situacion.fase in (Fase.CULMINADO, Fase.EN_FUNCIONAMIENTO) for p in vistos):,}")
cifras[3].metric(comun.t("Con alertas"), f"{sum(bool(p.alertas) for p in vistos):,}")

if territorio is not None and vistos:
    sin_acta = comun.t("priorizada, sin acta")
    filas = [{"lat": p.lat, "lon": p.lon, "codigo": p.codigo, "titulo": p.titulo, "distrito": p.distrito,
              "estado": p.estado, "etiqueta": fase_de[p.situacion.etiqueta_fase] if p.en_seguimiento else sin_acta,
              "color": p.situacion.color if p.en_seguimiento else COLOR_SIN_FASE} for p in vistos]
    figura = mapa_propuestas(territorio, filas, enlace=comun.url_pagina("priorizado"), parametro="proyecto",
                             prefijo=comun.prefijo_static(), alto=420)
    st_folium(figura, key="priorizado_mapa", height=420, use_container_width=True, returned_objects=[])
    piezas_seguimiento.leyenda_de_fases()

# Los encabezados, una vez (no una vez por proyecto: pueden ser 2,000).
col = {"codigo": comun.t("Código"), "proyecto": comun.t("Proyecto"), "fase": comun.t("Fase"),
       "avance": comun.t("Avance físico"), "alertas": comun.t("Alertas"), "distrito": comun.t("Distrito"),
       "devengado": comun.t("Devengado"), "noticia": comun.t("Última noticia")}
sin_firmar = comun.t("Priorizada (acta sin firmar)")
comun.tabla([{
    col["codigo"]: f"{comun.url_pagina('priorizado')}?proyecto={p.codigo}", col["proyecto"]: p.titulo,
    col["fase"]: fase_de[p.situacion.etiqueta_fase] if p.en_seguimiento else sin_firmar,
    col["avance"]: p.situacion.avance_fisico,
    col["alertas"]: " · ".join(piezas_seguimiento.textos_de_alertas(p.alertas)) or "—",
    col["distrito"]: p.distrito, col["devengado"]: formatear_soles(p.situacion.devengado_centimos),
    col["noticia"]: formatear_fecha(p.situacion.ultima_fecha) if p.situacion.ultima_fecha else "—"}
    for p in vistos],
    vacia=comun.t("Ningún proyecto cumple los filtros."),
    column_config={col["codigo"]: st.column_config.LinkColumn(col["codigo"], display_text=r"proyecto=(.*)$",
                                                              help=comun.t("Abre la línea de tiempo del proyecto")),
                   col["avance"]: st.column_config.ProgressColumn(col["avance"], format="%.0f %%", min_value=0,
                                                                  max_value=100)})
st.caption(comun.t("Una alerta sale cuando un proyecto pasa más de 90 días sin actualización, o cuando un hito "
                   "pasó su fecha prevista sin cumplirse."))
