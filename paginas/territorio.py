"""Importar el territorio: límites distritales, indicadores y centros poblados, con vista previa."""
import tempfile
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

import nucleo
from geo import mapa, servicios
from geo.lectura import MAXIMO_MB, LecturaLimites
from geo.modelo import Territorio
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_momento
from paginas import comun

TIPOS = {"limites": "Límites distritales (GeoJSON, Shapefile .zip, GeoPackage)",
         "indicadores": "Indicadores por distrito (CSV con columna ubigeo)",
         "centros_poblados": "Centros poblados (CSV con código, nombre, lat, lon)"}
EXTENSIONES = {"limites": ["geojson", "json", "zip", "gpkg"], "indicadores": ["csv"], "centros_poblados": ["csv"]}

actor = comun.exigir_pagina(Accion.IMPORTAR_TERRITORIO)
st.title("Territorio")
st.markdown("Importe los límites oficiales (INEI) de los distritos de la provincia y, si desea, sus "
            "indicadores y centros poblados. Primero se muestra una **vista previa** con lo aceptado y "
            "lo observado; nada se guarda hasta que confirme. Una importación nueva no borra las "
            "anteriores: queda vigente la última.")

tipo = st.radio("¿Qué va a importar?", list(TIPOS), format_func=TIPOS.get, key="territorio_tipo")
izquierda, derecha = st.columns(2)
provincia = izquierda.text_input("Provincia (ubigeo de 4 dígitos)", value=servicios.provincia_configurada(),
                                 max_chars=4, key="territorio_provincia", disabled=tipo != "limites",
                                 help="0212 = Huaylas. Los indicadores y centros poblados usan la del territorio vigente.")
crs = derecha.text_input("Sistema de coordenadas si el archivo no lo declara (opcional)", value="",
                         placeholder="EPSG:32718", key="territorio_crs", disabled=tipo != "limites")
subido = st.file_uploader("Archivo", type=EXTENSIONES[tipo], key=f"territorio_archivo_{tipo}",
                          max_upload_size=MAXIMO_MB)

if subido is not None:
    with tempfile.TemporaryDirectory() as carpeta, comun.conexion() as db:
        ruta = Path(carpeta) / f"subido{Path(subido.name).suffix.lower()}"
        ruta.write_bytes(subido.getvalue())
        argumentos = {"tipo": tipo, "nombre": subido.name, "crs": crs.strip() or None,
                      "provincia": provincia.strip() if tipo == "limites" else None}
        try:
            vigente = servicios.cargar_territorio(db)
            provincia_uso = argumentos["provincia"] or (vigente.provincia if vigente else provincia)
            leida = servicios.analizar(db, ruta, tipo=tipo, provincia=provincia_uso, nombre=subido.name,
                                       crs=argumentos["crs"])
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            informe = leida.informe()
            aceptados = informe["aceptados"]
            st.success(f"Vista previa de «{comun.texto_plano(subido.name)}»: "
                       f"{len(aceptados) if isinstance(aceptados, list) else aceptados} aceptados, "
                       f"{informe['fuera_de_provincia']} fuera de la provincia {provincia_uso}.")
            for aviso in informe["avisos"]:
                st.warning(comun.texto_plano(aviso))
            if isinstance(leida, LecturaLimites):
                st.markdown(", ".join(comun.texto_plano(a) for a in aceptados))
                previa = Territorio(provincia=provincia_uso, distritos=leida.distritos)
                st_folium(mapa.mapa_distritos(previa, prefijo=comun.prefijo_static(), alto=420),
                          key="territorio_previa", height=420, use_container_width=True, returned_objects=[])
            vigente_tipo = servicios.estado_territorio(db)[tipo]
            if vigente_tipo and (vigente_tipo["sha256"], vigente_tipo["provincia"]) == (leida.sha256, provincia_uso):
                st.info("Este archivo ya es el vigente; no hace falta importarlo de nuevo.")
            elif st.button("Importar", type="primary", key="territorio_importar"):
                try:
                    registro = servicios.importar(db, ruta, actor=actor, ahora=nucleo.ahora(),
                                                  **{**argumentos, "provincia": provincia_uso})
                except ErrorPlataforma as error:
                    comun.mostrar_error(error)
                else:
                    st.success(f"Importados {servicios.NOMBRES_TIPO[tipo]} de "
                               f"«{comun.texto_plano(registro['archivo'])}»: ya son los vigentes.")

st.subheader("Importaciones anteriores")
with comun.conexion() as db:
    historial = servicios.listar_importaciones(db)
comun.tabla([{"Fecha (hora del Perú)": formatear_momento(h["importado_en"]),
              "Tipo": servicios.NOMBRES_TIPO[h["tipo"]].removeprefix("los "), "Archivo": h["archivo"],
              "Provincia": h["provincia"], "Por": h["actor"], "SHA-256": h["sha256"][:12]}
             for h in historial], vacia="Todavía no se importó nada.")
st.markdown("Por línea de comandos: `python -m geo importar RUTA [--provincia 0212] [--crs EPSG:32718]`.")
