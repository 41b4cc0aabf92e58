"""Quién participa: las actividades de cada etapa del proceso con su asistencia, y cuántas personas participaron
por etapa, sexo, edad, distrito y tipo, sin que nadie sea identificable (celdas de menos de 5, suprimidas)."""
import datetime as dt

import streamlit as st

import nucleo
from geo import servicios as territorio
from identidad import participantes
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_fecha, hora_local
from paginas import comun, piezas_participacion
from propuestas import servicios
from votacion import participacion

actor = comun.exigir_pagina(Accion.GESTIONAR_PARTICIPANTES)
st.title("Quién participa", anchor=False)
comun.mostrar_aviso()
with comun.conexion() as db:
    procesos = {p.id: p for p in servicios.listar_procesos(db)}
    actual = servicios.proceso_actual(db)
    vigente = territorio.cargar_territorio(db)
if not procesos:
    st.info("Todavía no hay procesos participativos.")
    st.stop()
if actual and "participacion_proceso_elegida" not in st.session_state:
    st.session_state["participacion_proceso_elegida"] = actual.id  # de entrada, el proceso actual
proceso_id = comun.selector_estable("Proceso", {i: p.nombre for i, p in procesos.items()}, clave="participacion_proceso",
                                    placeholder="Elija el proceso") or (actual.id if actual else next(iter(procesos)))
distritos = {d.ubigeo: d.nombre for d in vigente.distritos} if vigente else {}
nombres = piezas_participacion.etiquetas(distritos)

with comun.conexion() as db:  # una lectura; las tablas y la hoja se arman de ella
    por_etapa = participacion.personas_por_etapa(db, proceso_id, actor=actor)
    por_etapa[participacion.PROPUESTAS] = participacion.proponentes(db, proceso_id, actor=actor)
    lista = participacion.actividades(db, proceso_id)
totales = {fila["etapa"]: fila["texto"] for fila in participacion.contar(por_etapa, ())}
st.subheader("Personas por etapa", anchor=False)
for columna, (etapa, etiqueta) in zip(st.columns(len(participacion.ETAPAS)), participacion.ETAPAS.items()):
    columna.metric(etiqueta, totales.get(etapa, "0"))
st.caption(f"Cada persona cuenta una vez por etapa. Una celda con 1 a {participacion.UMBRAL - 1} personas dice "
           f"«{participacion.MENOS}» (aquí y en la hoja), para que nadie sea identificable; si restando del total "
           f"se pudiera deducir, otra celda dice «{participacion.RESERVADO}». La priorización suma a "
           "quienes se unieron, asistieron o votaron con su código en el taller de votación. Además, presentaron "
           f"propuestas: {totales.get(participacion.PROPUESTAS, '0')} (con cuenta, una vez; sin cuenta, una por "
           "propuesta).")
pestanas = st.tabs(list(participacion.DIMENSIONES.values()))
for pestana, dimension in zip(pestanas, participacion.DIMENSIONES):
    with pestana:
        comun.tabla(piezas_participacion.tabla(participacion.contar(por_etapa, (dimension,)), dimension, nombres),
                    vacia="Aún no hay asistencias anotadas.")
dimensiones = tuple(participacion.DIMENSIONES)
cruce = participacion.contar(por_etapa, dimensiones)
st.download_button("Descargar la hoja (etapa × sexo × edad × distrito × tipo, CSV)", key="participacion_csv",
                   data=participacion.como_csv(cruce, dimensiones, nombres), mime="text/csv",
                   file_name=f"participacion-{procesos[proceso_id].codigo}.csv")

st.subheader("Actividades", anchor=False)
comun.tabla([{"Fecha": formatear_fecha(dt.date.fromisoformat(a["fecha"])), "Etapa": participacion.ETAPAS[a["etapa"]],
              "Actividad": a["nombre"], "Lugar": a["lugar"] or "", "Asistentes": a["asistentes"]} for a in lista],
            vacia="Aún no hay actividades: registre cada taller o evento público del proceso.")
with st.form("participacion_actividad"):
    st.markdown("**Nueva actividad**")
    etapa = st.selectbox("Etapa", list(participacion.ETAPAS), format_func=participacion.ETAPAS.get,
                         key="participacion_etapa", placeholder="Elija la etapa", index=None)
    nombre = st.text_input("Nombre", key="participacion_nombre", placeholder="p. ej. Taller de diagnóstico en Mato")
    fecha = st.date_input("Fecha", key="participacion_fecha", value=hora_local(nucleo.ahora()).date(),
                          format="DD/MM/YYYY")
    lugar = st.text_input("Lugar (opcional)", key="participacion_lugar")
    if st.form_submit_button("Registrar la actividad"):
        comun.ejecutar(lambda db: participacion.crear_actividad(
            db, proceso_id, {"etapa": etapa, "nombre": nombre, "fecha": fecha, "lugar": lugar}, actor=actor,
            ahora=nucleo.ahora()), "Actividad registrada.")
piezas_participacion.qr_de_la_puerta(lista)
if lista:
    with comun.conexion() as db:
        personas = {p["id"]: p["nombre"] for p in participantes.listar_participantes(db, proceso_id, actor=actor)}
    with st.form("participacion_asistencia"):
        st.markdown("**Anotar asistencia**")
        actividad = st.selectbox("Actividad", [a["id"] for a in lista], key="participacion_actividad",
                                 format_func=lambda i: next(f"{a['fecha']} · {a['nombre']}" for a in lista if a["id"] == i),
                                 placeholder="Elija la actividad")
        elegidas = st.multiselect("Quiénes asistieron", list(personas), format_func=personas.get,
                                  key="participacion_personas", placeholder="Escriba para buscar a cada persona")
        if st.form_submit_button("Anotar"):
            with comun.conexion() as db:
                try:
                    nuevas = participacion.anotar_asistencia(db, actividad, elegidas, actor=actor,
                                                             ahora=nucleo.ahora())
                except ErrorPlataforma as error:
                    comun.mostrar_error(error)
                else:
                    comun.avisar(f"Asistencia anotada: {nuevas} persona(s) nueva(s).")
                    st.rerun()
