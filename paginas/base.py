"""La base de datos de cada ejecución de una página: su ruta, una conexión nueva que se cierra al terminar, y
correr un caso de uso desde un botón (`ejecutar`)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

import geo
from geo.acceso import SinPermiso
from paginas.texto import avisar, mostrar_error, texto_plano
from propuestas.modelo import ErrorPropuestas
from votacion.modelo import VotacionCerrada


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


def ejecutar(caso, aviso: str, **argumentos) -> None:
    """Corre un caso de uso —`caso(db)`, o `caso(db, **argumentos, ahora=…)` si se dan argumentos— y vuelve a
    dibujar la página con `aviso`; si falla, muestra el motivo (y lo escrito en la página sigue ahí)."""
    with conexion() as db:
        try:
            caso(db, **argumentos, ahora=geo.ahora()) if argumentos else caso(db)
        except (ErrorPropuestas, SinPermiso, VotacionCerrada, geo.ErrorAlmacen) as error:
            mostrar_error(error)
            return
    avisar(aviso)
    st.rerun()
