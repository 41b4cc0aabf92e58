"""Piezas de «Quién participa»: el sexo y la edad (opcionales) en cada registro de participantes, y las tablas de
participación por etapa."""
import streamlit as st

from identidad import participantes
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


def etiquetas(distritos: dict[str, str]) -> dict[str, dict[str, str]]:
    """Cómo se lee cada valor guardado en las tablas y la hoja."""
    return {"sexo": participantes.SEXOS, "franja_edad": participantes.FRANJAS_EDAD, "ubigeo": distritos,
            "tipo": participantes.TIPOS}


def tabla(filas: list[dict], dimension: str, nombres: dict[str, dict[str, str]]) -> list[dict]:
    """Filas para `comun.tabla`: etapa, el valor de la dimensión y las personas (o «menos de 5»)."""
    return [{"Etapa": participacion.ETAPAS[f["etapa"]],
             participacion.DIMENSIONES[dimension]: nombres[dimension].get(f[dimension], f[dimension]),
             "Personas": f["texto"]} for f in filas]
