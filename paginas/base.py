"""La base de datos de cada ejecución de una página: su ruta y una conexión nueva que se cierra al terminar."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

import geo
from paginas.texto import texto_plano


def ruta_db() -> Path:
    return geo.ruta_configurada()


@contextlib.contextmanager
def conexion() -> Iterator[Database]:
    """Conexión nueva para esta ejecución de la página; se cierra al terminar."""
    try:
        db = geo.abrir(ruta_db())
    except geo.ErrorAlmacen as error:
        st.error(texto_plano(str(error)))
        st.stop()
    try:
        yield db
    except geo.ErrorAlmacen as error:
        st.error(texto_plano(str(error)))
        st.stop()
    finally:
        db.close()
