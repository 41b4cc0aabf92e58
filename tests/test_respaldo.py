"""Respaldar y restaurar: un solo caso de uso para cada verbo (`identidad.respaldo`), con permiso y evento, que usan
la página «Respaldo» (AppTest) y `python -m geo respaldar|restaurar`: las dos puertas dejan el mismo evento."""
from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

import nucleo
from identidad import respaldo
from identidad.acceso import LINEA_DE_COMANDOS, SinPermiso
from nucleo.db import listar_eventos
from tests.conftest import ADMIN, AHORA, FACILITADORA, RAIZ, abrir_sesion, filas
from votacion import servicios as votacion

POR_LA_PAGINA = "administrador:admin"
POR_LA_LINEA = LINEA_DE_COMANDOS.etiqueta


@pytest.fixture
def base(base_app):
    with nucleo.abrir(base_app) as db:
        votacion.preparar(db)
    return base_app


def _pagina():
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    app.session_state["sesion_token"] = abrir_sesion(nucleo.ruta_configurada(), ADMIN)
    app.run()
    app.switch_page("paginas/respaldo.py").run()
    assert not app.exception, app.exception
    return app


def _linea(ruta, *argumentos):
    salida = subprocess.run([sys.executable, "-m", "geo", "--db", str(ruta), *map(str, argumentos)],
                            capture_output=True, text=True, cwd=RAIZ, timeout=120)
    assert salida.returncode == 0, salida.stderr
    return salida


def _eventos(ruta, accion):
    with nucleo.abrir(ruta) as db:
        return [e for e in listar_eventos(db, objeto_tipo="base") if e["accion"] == accion]


def _forma(evento):
    """Lo que debe coincidir entre las dos puertas: qué, sobre qué y qué datos anota."""
    return evento["accion"], evento["objeto_tipo"], evento["objeto_id"], sorted(evento["despues"])


def test_respaldar_por_la_pagina_y_por_la_linea_de_comandos_deja_el_mismo_evento(base, tmp_path):
    """Antes la página anotaba «descargar_respaldo» y `python -m geo respaldar` no anotaba nada."""
    app = _pagina()
    app.button(key="respaldo_preparar").click().run()
    assert not app.exception, app.exception
    assert [b.label for b in app.get("download_button")] == ["Descargar respaldo"]
    _linea(base, "respaldar", tmp_path / "copia.db")
    de_la_linea, de_la_pagina = _eventos(base, "descargar_respaldo")
    assert (de_la_pagina["actor"], de_la_linea["actor"]) == (POR_LA_PAGINA, POR_LA_LINEA)
    assert _forma(de_la_pagina) == _forma(de_la_linea) == ("descargar_respaldo", "base", "principal", ["bytes"])
    assert de_la_linea["despues"]["bytes"] == (tmp_path / "copia.db").stat().st_size


def test_restaurar_por_la_pagina_y_por_la_linea_de_comandos_deja_el_mismo_evento(base, tmp_path):
    """Antes la página anotaba «restaurar_respaldo» y `python -m geo restaurar` no anotaba nada."""
    with nucleo.abrir(base) as db:
        copia = nucleo.db.respaldar(db, tmp_path / "copia.db")
    app = _pagina()
    app.file_uploader(key="respaldo_archivo").set_value(("copia.db", copia.read_bytes(), "application/vnd.sqlite3"))
    app.run()
    app.checkbox(key="respaldo_confirmo").check().run()
    app.button(key="respaldo_restaurar").click().run()
    assert not app.exception, app.exception
    (de_la_pagina,) = _eventos(base, "restaurar_respaldo")
    salida = _linea(base, "restaurar", copia)
    (de_la_linea,) = _eventos(base, "restaurar_respaldo")  # la base volvió a ser la copia: solo queda el nuevo
    assert (de_la_pagina["actor"], de_la_linea["actor"]) == (POR_LA_PAGINA, POR_LA_LINEA)
    assert _forma(de_la_pagina) == _forma(de_la_linea) == ("restaurar_respaldo", "base", "principal",
                                                           ["archivo", "copia_previa"])
    assert de_la_pagina["despues"]["archivo"] == de_la_linea["despues"]["archivo"] == "copia.db"
    for evento in (de_la_pagina, de_la_linea):
        previa = base.parent / "respaldos" / evento["despues"]["copia_previa"]
        assert previa.name.startswith("antes-de-restaurar-") and previa.exists()
    assert de_la_linea["despues"]["copia_previa"] in salida.stdout


@pytest.mark.parametrize("verbo", ["respaldar", "restaurar"])
def test_sin_el_permiso_de_respaldar_no_se_copia_ni_se_restaura_nada(base, tmp_path, verbo):
    with nucleo.abrir(base) as db:
        copia = nucleo.db.respaldar(db, tmp_path / "copia.db")
        antes = filas(db, "eventos")
        with pytest.raises(SinPermiso, match="respaldar o restaurar la base"):
            if verbo == "respaldar":
                respaldo.respaldar(db, tmp_path / "otra.db", actor=FACILITADORA, ahora=AHORA)
            else:
                respaldo.restaurar(db, copia, migraciones=votacion.MIGRACIONES, actor=FACILITADORA, ahora=AHORA)
        assert filas(db, "eventos") == antes
    assert not (tmp_path / "otra.db").exists() and not (base.parent / "respaldos").exists()


def test_un_respaldo_ajeno_no_se_restaura_ni_deja_evento(base, tmp_path):
    """El caso de uso revisa el esquema exacto antes de tocar nada (`nucleo.db.revisar_respaldo`), como antes."""
    ajeno = tmp_path / "ajeno.db"
    ajeno.write_bytes(b"no soy una base")
    with nucleo.abrir(base) as db:
        antes = filas(db, "eventos")
        with pytest.raises(nucleo.ErrorAlmacen, match="No se restauró nada"):
            respaldo.restaurar(db, ajeno, migraciones=votacion.MIGRACIONES, actor=ADMIN, ahora=AHORA)
        assert filas(db, "eventos") == antes
    assert not (base.parent / "respaldos").exists()
