"""Piezas compartidas por las páginas: la preparación única, la provincia, los avisos comunes, y una sola
entrada a las piezas de `base` (conexión), `texto` (texto de usuario, mensajes), `sesion` y `direcciones`.

Las páginas importan solo `comun`: lo de esos módulos se usa como `comun.texto_plano`, `comun.conexion`…"""
from __future__ import annotations

import contextlib
import os

import streamlit as st

import nucleo
from geo import mapa, servicios
from nucleo.errores import ErrorPlataforma
from paginas.base import (
    conexion,
    ejecutar,
    ruta_db,
)
from paginas.direcciones import (
    LOCALES,
    VIGIA,
    archivo_de_arranque,
    ip_de_la_red,
    marcar_arranque,
    prefijo_static,
    url_del_taller,
    url_pagina,
    url_para_celulares,
    url_publica,
    vigilar_reinicio,
)
from paginas.sesion import (
    CLAVE_ENTREGA,
    CLAVE_SESION_TERMINADA,
    CLAVE_TOKEN,
    LLEVAR_COOKIE,
    actor_actual,
    avisar_sesion_terminada,
    cerrar_sesion,
    cookie_del_navegador,
    exigir_pagina,
    iniciar,
    llevar_cookie,
    nombre_de,
    olvidar_sesion,
    origen,
    proxies_confiables,
    sesion_actual,
)
from paginas.texto import (
    CLAVE_AVISO,
    CORTE,
    avisar,
    cargador_de_hoja,
    mostrar_aviso,
    mostrar_error,
    mostrar_problemas,
    problema_en,
    reponer,
    selector_estable,
    tabla,
    texto_plano,
    vaciar_cargador,
)
from paginas.traduccion import selector as selector_de_idioma
from paginas.traduccion import t, t_etiqueta
from propuestas import servicios as propuestas_servicios
from propuestas import traducciones
from votacion import servicios as votacion_servicios

__all__ = [
    "CLAVE_DISTRITO_ELEGIDO", "preparar_aplicacion", "provincia", "mesa", "avisar_si_es_demo", "sin_territorio",
    "ruta_db", "conexion", "ejecutar", "url_pagina", "prefijo_static", "archivo_de_arranque", "marcar_arranque",
    "VIGIA", "vigilar_reinicio", "ip_de_la_red", "LOCALES", "url_para_celulares", "url_publica", "url_del_taller",
    "CLAVE_TOKEN", "CLAVE_SESION_TERMINADA", "CLAVE_ENTREGA", "LLEVAR_COOKIE", "cookie_del_navegador",
    "sesion_actual", "actor_actual", "nombre_de", "iniciar", "cerrar_sesion", "olvidar_sesion", "llevar_cookie",
    "avisar_sesion_terminada", "exigir_pagina", "proxies_confiables", "origen", "mostrar_error", "CLAVE_AVISO",
    "avisar", "mostrar_aviso", "CORTE", "texto_plano", "tabla", "mostrar_problemas", "problema_en",
    "selector_estable", "reponer", "cargador_de_hoja", "vaciar_cargador", "t", "t_etiqueta", "selector_de_idioma",
]

CLAVE_DISTRITO_ELEGIDO = "distrito_elegido"


@st.cache_resource(show_spinner="Preparando la base de datos…")
def preparar_aplicacion(ruta: str) -> dict:
    """Una vez por proceso y base: migraciones, activos del mapa y la importación inicial.

    Solo se cachea este trabajo único, nunca la conexión (cada ejecución abre la suya).
    """
    mapa.preparar_activos()
    marcar_arranque()
    resultado: dict = {"importacion_inicial": None, "error_inicial": None}
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        votacion_servicios.preparar(db)
        traducciones.sembrar(db, ahora=nucleo.ahora())
    nucleo.mantener_abierta(ruta)  # con el disco lleno, que solo fallen las escrituras (ver nucleo.db)
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        origen = os.environ.get("PLATAFORMA_LIMITES")
        if origen:
            try:
                resultado["importacion_inicial"] = servicios.importar_al_iniciar(
                    db, origen, provincia=servicios.provincia_configurada(), ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                resultado["error_inicial"] = str(error)
    return resultado


def provincia() -> str | None:
    """El nombre de la provincia del territorio importado (None si aún no hay límites)."""
    with conexion() as db:
        return servicios.nombre_de_la_provincia(db)


def mesa() -> str:
    """«MCLCP Huaylas», o la provincia que se haya importado: nada del código dice qué provincia es."""
    return servicios.mesa_de(provincia())


def avisar_si_es_demo() -> None:
    """Franja visible en todas las páginas cuando la base es de demostración."""
    with conexion() as db:
        es_demo = propuestas_servicios.es_base_demo(db)
    if es_demo:
        st.warning("BASE DE DEMOSTRACIÓN: los datos son ficticios y no valen para el plan ni el presupuesto.")


def sin_territorio() -> None:
    """Mensaje cuando aún no hay límites: cómo importarlos, por página o por comando."""
    st.warning("Aún no hay límites distritales importados.")
    st.markdown(
        "Importe el archivo oficial de límites (GeoJSON, Shapefile comprimido en .zip o GeoPackage):\n"
        "- en la página **Territorio (importar límites)**, o\n"
        "- por línea de comandos: `python -m geo importar RUTA --provincia 0212`, o\n"
        "- al arrancar, con la variable `PLATAFORMA_LIMITES=RUTA`.")
    st.page_link("paginas/territorio.py", label="Ir a Territorio")
