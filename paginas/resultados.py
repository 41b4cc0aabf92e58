"""Resultados de una votación: barra del techo, tabla, regla oficial frente a Partes Iguales (MES),
equidad por distrito y, por cada propuesta no financiada con MES, una frase de por qué."""
import contextlib

import streamlit as st
from streamlit_folium import st_folium

import nucleo
from geo import mapa
from geo import servicios as territorio
from identidad.acceso import Accion, puede
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_soles
from paginas import comun, piezas_plan
from paginas.pantalla import barra_del_techo
from propuestas import servicios as propuestas_servicios
from votacion import exportar, pabulib, servicios
from votacion.modelo import REGLAS, EstadoVotacion


@st.cache_data(max_entries=32, show_spinner="Contando…")
def contar(ruta: str, votacion_id: int, version: tuple) -> servicios.ResultadoVotacion:
    """El conteo completo (con MES+add1) se rehace solo si cambió la votación (`version`): recargar es gratis.
    Solo el cómputo: el permiso lo pregunta `servicios.exigir_resultados` con el actor real, antes."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        return servicios.contar_votacion(db, votacion_id)


MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(max_entries=16, show_spinner="Preparando los archivos…")
def lista_priorizada(ruta: str, proceso_id: int, votacion_id: int, version: tuple,
                     _resultado: servicios.ResultadoVotacion) -> dict[str, bytes]:
    """Los archivos de la lista priorizada (públicos: sin datos personales), rehechos si cambió la votación.
    `_resultado` es el conteo ya hecho (y ya permitido) de esa versión; no entra en la clave."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        lista = exportar.armar_lista_publica(db, proceso_id, _resultado)
        vigente = territorio.cargar_territorio(db)
    return {formato: exportar.exportar(lista, formato, vigente) for formato in exportar.FORMATOS}


st.title("Resultados de la votación")
actor = comun.actor_actual()
es_equipo = puede(actor, Accion.GESTIONAR_VOTACIONES).permitido
with comun.conexion() as db:
    proceso = propuestas_servicios.proceso_actual(db)
    visibles = [v for v in (servicios.listar(db, proceso.id) if proceso else [])
                if servicios.puede_ver_resultados(v, actor)]
    pedido = st.query_params.get("votacion", "")
if not visibles and not pedido.isdigit():
    st.info("Todavía no hay resultados publicados: se publican al cerrar cada votación.")
    st.stop()
nombres = {v.id: f"{v.nombre} ({v.estado.etiqueta.lower()})" for v in visibles}
if pedido.isdigit() and int(pedido) not in nombres:
    nombres = {int(pedido): f"Votación {pedido}", **nombres}
votacion_id = st.selectbox("Votación", list(nombres), format_func=nombres.get, key="resultados_votacion",
                           index=list(nombres).index(int(pedido)) if pedido.isdigit() else 0,
                           placeholder="Elija una votación")
with comun.conexion() as db:
    try:
        servicios.exigir_resultados(db, votacion_id, actor=actor)
        version_actual = servicios.version(db, votacion_id)
        resultado = contar(str(comun.ruta_db()), votacion_id, version_actual)
        version_lista = (version_actual, propuestas_servicios.version_del_listado(db, resultado.votacion.proceso_id))
    except ErrorPlataforma as error:
        st.warning(comun.texto_plano(str(error)))
        st.stop()
    vigente = territorio.cargar_territorio(db)
    retiradas = servicios.retiradas(db, votacion_id)
    quien = propuestas_servicios.quien_propone(db, [f["codigo"] for f in resultado.filas])
archivo_pb = pabulib.escribir(resultado.eleccion)  # lo mismo que exportar_pb, sin volver a leer la base
votacion = resultado.votacion

if votacion.estado != EstadoVotacion.CERRADA:
    st.warning(f"Resultados parciales: la votación está «{votacion.estado.etiqueta.lower()}».")
for retiro in retiradas:
    st.warning(f"{retiro['codigo']} ({comun.texto_plano(retiro['titulo'])}) fue retirada de la votación: "
               f"{comun.texto_plano(retiro['motivo'])}. Sus marcas no cuentan; las papeletas valen para las demás.",
               icon=":material/block:")
canales = ", ".join(f"{n} por {c}" for c, n in sorted(resultado.por_canal.items())) or "ninguna"
st.markdown(f"**{comun.texto_plano(votacion.nombre)}** · papeletas: **{resultado.votantes}** ({canales}) · "
            f"techo {formatear_soles(votacion.techo_centimos)}")
st.caption(f"Regla oficial: {comun.texto_plano(REGLAS[votacion.regla])}. Puntaje combinado = "
           f"{votacion.peso_participacion} % votación + {votacion.peso_tecnico} % puntaje técnico "
           f"(la votación, como % de la propuesta más votada).")
if resultado.votantes == 0:
    st.info("Aún no hay papeletas.")
    st.stop()

st.header("El techo presupuestal", anchor=False)
st.html(barra_del_techo(resultado))  # HTML propio con el texto escapado: no pasa por Markdown
primera = resultado.primera_no_financiada
st.markdown(f"Financiadas: **{sum(f['financiada'] for f in resultado.filas)}** por "
            f"{formatear_soles(votacion.techo_centimos - resultado.sobrante_centimos)}; sobran "
            f"**{formatear_soles(resultado.sobrante_centimos)}**.")
if primera:
    st.markdown(f"Primera sin financiar: **{comun.texto_plano(primera['codigo'])}** "
                f"{comun.texto_plano(primera['titulo'])} — {comun.texto_plano(primera['motivo'])}")
for empate in resultado.oficial.empates:
    st.caption(comun.texto_plano(f"Empate entre {', '.join(empate.entre)}: se eligió {empate.elegido} "
                                 f"({empate.criterio})."))

etiqueta_votos = votacion.tipo.etiqueta_puntaje
comun.tabla([{"Rango": f["rango"], "Propuesta": f["codigo"], "Financiada": f["financiada"], "Título": f["titulo"],
               "Distrito": f["distrito"], "Quién propone": quien.get(f["codigo"], ""),
               "Costo S/": f["costo_centimos"] / 100, "Votos": f["votos"],
               **({etiqueta_votos: f["puntaje"]} if etiqueta_votos else {}),
               "% de votantes": round(f["pct_votantes"], 1), "Puntaje técnico": f["puntaje_tecnico"],
               "Puntaje combinado": round(f["combinado"], 1)}
              for f in resultado.filas],
             vacia="La votación no tiene propuestas.", key="resultados_tabla",
             column_config={"Costo S/": st.column_config.NumberColumn(format="%,.2f"),
                            "Financiada": st.column_config.CheckboxColumn()})

st.header("Con otra regla: ¿qué cambia?", anchor=False)
oficial, otra = st.columns(2)
titulos = {f["codigo"]: f["titulo"] for f in resultado.filas}
for columna, regla_resultado, nombre in ((oficial, resultado.oficial, "Regla oficial"),
                                        (otra, resultado.comparacion, "Comparación")):
    with columna:
        st.markdown(f"**{nombre}: {comun.texto_plano(REGLAS.get(regla_resultado.regla, regla_resultado.regla))}**")
        st.metric("Votantes con al menos una de sus elegidas financiada",
                  f"{resultado.cubiertos.get(regla_resultado.regla, 0):.0f} %")
        st.markdown("\n".join(f"- {comun.texto_plano(c)} {comun.texto_plano(titulos[c][:60])}"
                              for c in regla_resultado.elegidos) or "Ninguna.")
if resultado.entran or resultado.salen:
    st.markdown("Con la comparación **entran** " + (", ".join(resultado.entran) or "ninguna") +
                " y **salen** " + (", ".join(resultado.salen) or "ninguna") + ".")
else:
    st.markdown("Las dos reglas financian lo mismo.")

st.header("¿Por qué no se financió? (Partes Iguales)", anchor=False)
st.caption(comun.texto_plano(resultado.explicacion_mes))
for fila in resultado.filas:
    if fila["motivo_mes"]:
        st.markdown(f"- **{comun.texto_plano(fila['codigo'])}** {comun.texto_plano(fila['titulo'][:60])}: "
                    f"{comun.texto_plano(fila['motivo_mes'])}")

st.header("Equidad por distrito", anchor=False)
MEDIDAS = {"presupuesto_pct": "% del presupuesto (regla oficial)",
           "presupuesto_comparacion_pct": "% del presupuesto (comparación)",
           "votantes_pct": "% de votantes", "poblacion_pct": "% de la población"}
nombres_distrito = {d.ubigeo: d.nombre for d in vigente.distritos} if vigente else {}
tabla = [{"Distrito": nombres_distrito.get(u, u or "sin distrito"),
          **{MEDIDAS[m]: None if v.get(m) is None else round(v[m], 1) for m in MEDIDAS}}
         for u, v in sorted(resultado.por_distrito.items())]
if vigente:
    medida = st.selectbox("Colorear el mapa según", list(MEDIDAS), format_func=MEDIDAS.get, key="resultados_medida",
                          placeholder="Elija una medida")
    datos = {u: {MEDIDAS[m]: v.get(m) for m in MEDIDAS} for u, v in resultado.por_distrito.items() if u}
    figura = mapa.mapa_distritos(vigente, datos=datos, indicador=MEDIDAS[medida], prefijo=comun.prefijo_static(),
                                 alto=420)
    st_folium(figura, key="resultados_mapa", height=420, use_container_width=True, returned_objects=[])
comun.tabla(tabla, vacia="Todavía no hay votos por distrito.", key="resultados_distritos")
st.caption("Votantes: según el distrito con que se registró cada agente participante (las papeletas de papel no "
           "tienen distrito). Población: la del archivo de indicadores importado.")
piezas_plan.cobertura(resultado)

st.header("Verificar", anchor=False)
st.markdown("Cualquiera puede recontar con el archivo publicado: `python -m votacion contar votacion.pb` "
            "recalcula la cadena de huellas y, si cuadra, imprime las propuestas financiadas, en orden. Cada "
            "papeleta figura con su recibo.")
ancla = servicios.ancla_de(resultado.eleccion)
st.caption(("Ancla anotada al cierre" if votacion.estado == EstadoVotacion.CERRADA else "Cadena ahora")
           + f": {ancla.eslabones} eslabones; cabeza `{ancla.cabeza_en_grupos}` (la del acta y la del proyector).")
descarga_pb, descarga_csv = st.columns(2)
descarga_pb.download_button("Papeletas (.pb, pabulib)", archivo_pb.encode("utf-8"), f"votacion_{votacion.id}.pb",
                            mime="text/plain", key="resultados_pb")
descarga_csv.download_button("Resultados (.csv)", servicios.exportar_csv(resultado).encode("utf-8"),
                             f"resultados_{votacion.id}.csv", mime="text/csv", key="resultados_csv")
st.header("Lista priorizada para el plan y el presupuesto", anchor=False)
st.caption("Todas las propuestas del proceso en el orden de esta votación, con su distrito, ubicación, costo, "
           "votos y puntaje técnico (con su desglose), sin datos personales. Excel trae además una hoja por "
           "distrito, los criterios con sus pesos y el método.")
archivos = lista_priorizada(str(comun.ruta_db()), votacion.proceso_id, votacion.id, version_lista, resultado)
columnas = st.columns(4)
for columna, (formato, etiqueta, tipo) in zip(columnas, (("xlsx", "Excel (.xlsx)", MIME_XLSX),
                                                         ("csv", "CSV (;)", "text/csv"),
                                                         ("geojson", "GeoJSON (QGIS)", "application/geo+json"),
                                                         ("pdf", "Informe (PDF)", "application/pdf"))):
    columna.download_button(etiqueta, archivos[formato], f"priorizadas_{votacion.id}.{formato}", mime=tipo,
                            key=f"resultados_lista_{formato}")
if es_equipo:
    st.page_link("paginas/votaciones.py", label="Administrar esta votación")
