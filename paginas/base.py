"""La base de datos de cada ejecución de una página: su ruta, una conexión nueva que se cierra al terminar, y
correr un caso de uso desde un botón (`ejecutar`)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

import nucleo
from nucleo.errores import ErrorPlataforma
from paginas.texto import avisar, mostrar_error


def ruta_db() -> Path:
    return nucleo.ruta_configurada()


@contextlib.contextmanager
def conexion() -> Iterator[Database]:
    """Conexión nueva para esta ejecución de la página; se cierra al terminar."""
    try:
        db = nucleo.abrir(ruta_db())
    except ErrorPlataforma as error:
        mostrar_error(error)
        st.stop()
    try:
        yield db
    except ErrorPlataforma as error:
        mostrar_error(error)
        st.stop()
    finally:
        db.close()


def ejecutar(caso, aviso: str, **argumentos) -> None:
    """Corre un caso de uso —`caso(db)`, o `caso(db, **argumentos, ahora=…)` si se dan argumentos— y vuelve a
    dibujar la página con `aviso`; si falla, muestra el motivo (y lo escrito en la página sigue ahí)."""
    with conexion() as db:
        try:
            caso(db, **argumentos, ahora=nucleo.ahora()) if argumentos else caso(db)
        except ErrorPlataforma as error:
            mostrar_error(error)
            return
    avisar(aviso)
    st.rerun()
