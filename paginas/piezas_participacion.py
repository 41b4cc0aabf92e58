"""Piezas de «Quién participa»: el sexo y la edad (opcionales) en cada registro de participantes, y las tablas de
participación por etapa."""
import streamlit as st

import nucleo
from identidad import participantes
from nucleo.errores import ErrorPlataforma
from nucleo.formato import hora_local
from paginas import comun
from paginas.pantalla import qr_imagen
from votacion import participacion


def sexo_y_edad(prefijo: str) -> dict:
    """Dos campos opcionales lado a lado; la edad se guarda solo como franja (la de 15 a 29 es la juventud)."""
    izquierda, derecha = st.columns(2)
    sexo = izquierda.selectbox("Sexo (opcional)", list(participantes.SEXOS), format_func=participantes.SEXOS.get,
                               index=None, placeholder="Prefiere no decirlo", key=f"{prefijo}_sexo")
    edad = derecha.text_input("Edad en años (opcional)", key=f"{prefijo}_edad", placeholder="p. ej. 24")
    return {"sexo": sexo, "edad": edad}


def vacios(prefijo: str) -> dict:
    return {f"{prefijo}_sexo": None, f"{prefijo}_edad": ""}


def anotar_mi_asistencia(actor, actividad_id: int) -> None:
    """En «Entrar», tras el QR de la puerta (`entrar?actividad=ID`): la asistencia de quien entró con su código."""
    with comun.conexion() as db:
        try:
            nueva, nombre = participacion.marcar_mi_asistencia(db, actividad_id, actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
            return
    st.success(f"Asistencia anotada: {comun.texto_plano(nombre)}. ¡Gracias por venir!" if nueva else
               f"Su asistencia a {comun.texto_plano(nombre)} ya estaba anotada.", icon=":material/how_to_reg:")


def qr_de_la_puerta(actividades: list[dict]) -> None:
    """El QR que se imprime o se proyecta en la puerta: cada persona lo escanea y entra con su código."""
    hoy = [a for a in actividades if a["fecha"] == hora_local(nucleo.ahora()).date().isoformat()]
    if not hoy:
        st.caption("El QR para anotarse en la puerta aparece aquí el día de cada actividad.")
        return
    for actividad in hoy:
        direccion = f"{comun.url_publica()}/entrar?actividad={actividad['id']}"
        with st.expander(f"QR de la puerta: {actividad['nombre']}"):
            st.html(f'<div style="max-width:320px">{qr_imagen(direccion)}</div>')
            st.caption(f"Cada persona lo escanea y entra con su código: {direccion}")


def etiquetas(distritos: dict[str, str]) -> dict[str, dict[str, str]]:
    """Cómo se lee cada valor guardado en las tablas y la hoja."""
    return {"sexo": participantes.SEXOS, "franja_edad": participantes.FRANJAS_EDAD, "ubigeo": distritos,
            "tipo": participantes.TIPOS}


def tabla(filas: list[dict], dimension: str, nombres: dict[str, dict[str, str]]) -> list[dict]:
    """Filas para `comun.tabla`: etapa, el valor de la dimensión y las personas (o «menos de 5»)."""
    return [{"Etapa": participacion.EN_EL_INFORME[f["etapa"]],
             participacion.DIMENSIONES[dimension]: nombres[dimension].get(f[dimension], f[dimension]),
             "Personas": f["texto"]} for f in filas]
