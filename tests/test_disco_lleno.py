"""Un disco lleno de verdad (un tmpfs pequeño que la prueba monta): solo fallan las escrituras, con la causa
correcta y sin la ruta del servidor; las páginas de lectura siguen. Y los permisos de lo que guarda DNI y celulares.

Montar un tmpfs requiere root: en CI las pruebas corren como root; fuera de root estas pruebas se saltan.
"""
from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess

import pytest

import geo
import nucleo
from geo import servicios as territorio
from identidad.acceso import PUBLICO
from nucleo.db import ErrorAlmacen, Evento, escritura, registrar_evento
from propuestas import servicios
from propuestas.modelo import Fase
from tests.ayudas import abrir_pagina
from tests.conftest import ADMIN, AHORA, CENTROS, DATOS_JOVEN, INDICADORES, LIMITES

HOY = servicios.fecha_local(nucleo.ahora())


@pytest.fixture
def disco(tmp_path):
    """Un tmpfs de 6 MB montado por la prueba (y desmontado al terminar)."""
    if os.geteuid() != 0:
        pytest.skip("montar un tmpfs requiere root (en CI las pruebas corren como root)")
    punto = tmp_path / "disco"
    punto.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(punto)], check=True)
    try:
        yield punto
    finally:
        try:
            nucleo.db.soltar_guardia()  # la conexión que deja el servidor abierta (ver nucleo.db.mantener_abierta)
        finally:
            subprocess.run(["umount", "--lazy", str(punto)], check=True)


def llenar(carpeta) -> None:
    """Escribe hasta que el sistema de archivos dice ENOSPC (de a 64 KB, luego de a 4 KB y de a 1 byte)."""
    with open(carpeta / "relleno", "wb", buffering=0) as relleno:
        for trozo in (65_536, 4_096, 1):
            try:
                while True:
                    relleno.write(b"\0" * trozo)
            except OSError as error:
                assert error.errno == 28  # ENOSPC
    assert os.statvfs(carpeta).f_bavail == 0


@pytest.fixture
def base_llena(disco, monkeypatch):
    """La base en el disco pequeño, con territorio, un proceso en registro y una propuesta; el servidor (AppTest)
    ya arrancó; después, el disco se llena."""
    ruta = disco / "plataforma.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    with nucleo.abrir(ruta) as db:
        servicios.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            territorio.importar(db, archivo, actor=ADMIN, ahora=AHORA)
        servicios.crear_proceso(db, servicios.proceso_sugerido("0212", HOY), actor=ADMIN, ahora=AHORA)
        momento = dt.datetime.combine(HOY, dt.time(15), tzinfo=dt.timezone.utc)
        clave = servicios.crear_borrador(db, servicios.proceso_actual(db).id, actor=PUBLICO, ahora=momento)
        servicios.guardar_borrador(db, clave, DATOS_JOVEN, ahora=momento)
        servicios.registrar(db, clave, actor=PUBLICO, ahora=momento)
    assert servicios.proceso_sugerido("0212", HOY).fase_en(HOY) == Fase.REGISTRO
    abrir_pagina("paginas/inicio.py")  # el servidor arranca (y prepara la base) antes de que el disco se llene
    llenar(disco)
    return ruta


def _textos(app) -> str:
    return " ".join(str(e.value) for e in [*app.title, *app.markdown, *app.success, *app.error, *app.warning,
                                           *app.info, *app.caption, *app.header, *app.subheader]).replace("\\", "")


@pytest.mark.parametrize("pagina, parametros, se_ve", [
    ("paginas/inicio.py", {}, "Mesa de Concertación"), ("paginas/propuestas.py", {}, "1 propuesta"),
    ("paginas/mapa.py", {}, "Mapa del territorio"),
    ("paginas/propuestas.py", {"propuesta": "PP27-0001"}, "Losa deportiva para Cashapampa"),
], ids=["inicio", "propuestas", "mapa", "ficha"])
def test_con_el_disco_lleno_las_paginas_de_lectura_siguen(base_llena, pagina, parametros, se_ve):
    app = abrir_pagina(pagina, **parametros)
    assert not app.error, [e.value for e in app.error]
    assert se_ve in _textos(app)


def test_con_el_disco_lleno_proponer_dice_la_causa_sin_la_ruta_del_servidor(base_llena, disco):
    app = abrir_pagina("paginas/proponer.py")
    app.text_input(key="f_titulo").input("Canal de riego para Huata").run()  # guardar el borrador escribe
    assert not app.exception, app.exception
    errores = " ".join(e.value for e in app.error).replace("\\", "")
    assert "El disco está lleno; no se guardó nada" in errores
    assert str(disco) not in _textos(app) and "plataforma.db" not in _textos(app)
    assert app.text_input(key="f_titulo").value == "Canal de riego para Huata"  # el formulario sigue, con lo escrito
    with nucleo.abrir(base_llena) as db:  # nada a medias
        assert db.execute("SELECT count(*) FROM propuestas").fetchone()[0] == 1


def test_servidor_real_con_el_disco_lleno_en_chromium(base_llena, disco, tmp_path, request):
    """El servidor de verdad (`streamlit run`, un hilo por ejecución) y Chromium: se lee, y al escribir se ve la
    causa sin la ruta; el formulario sigue con lo escrito."""
    from tests import navegador

    navegador.exigir_chromium()
    chromium = request.getfixturevalue("chromium")
    with navegador.servidor({"PLATAFORMA_DB": str(base_llena)}, tmp_path / "servidor.log") as url:
        pagina = chromium.pagina(412, 915)  # un celular
        pagina.goto(url + "/propuestas")
        pagina.get_by_text("1 propuesta", exact=True).wait_for(timeout=60_000)
        pagina.goto(url + "/proponer")
        titulo = pagina.get_by_role("textbox", name="Título de la propuesta")
        titulo.fill("Canal de riego para Huata")
        titulo.press("Tab")  # al salir del campo se guarda el borrador
        pagina.get_by_text("El disco está lleno; no se guardó nada").first.wait_for(timeout=60_000)
        assert titulo.input_value() == "Canal de riego para Huata"
        assert str(disco) not in pagina.inner_text("body")
        navegador.capturar(pagina, "disco_lleno_proponer")
        pagina.context.close()
    assert not chromium.externas and not chromium.errores


def test_arrancar_con_el_disco_lleno_lee_y_solo_rechaza_escrituras(disco):
    """Sin ninguna conexión abierta (el servidor recién arrancado) SQLite no puede crear el SHM del WAL."""
    ruta = disco / "plataforma.db"
    with nucleo.abrir(ruta) as db:
        geo.servicios.preparar(db)
        with escritura(db):
            registrar_evento(db, Evento("ana", "crear", "cosa", "1"), momento=AHORA)
    llenar(disco)
    db = nucleo.abrir(ruta)
    assert db.execute("SELECT count(*) FROM eventos").fetchone()[0] == 1
    with pytest.raises(ErrorAlmacen) as error:
        with escritura(db):
            registrar_evento(db, Evento("ana", "crear", "cosa", "2"), momento=AHORA)
    assert str(error.value).startswith("El disco está lleno; no se guardó nada")
    assert str(disco) not in str(error.value)
    db.close()


def test_base_wal_shm_respaldo_y_secreto_se_crean_solo_para_el_servidor(tmp_path):
    mascara = os.umask(0o022)  # la de siempre: sin cuidado, todo saldría 0644
    try:
        carpeta = tmp_path / "datos"
        db = nucleo.abrir(carpeta / "plataforma.db")
        geo.servicios.preparar(db)
        nucleo.db.secreto_de_codigos(db)
        respaldo = nucleo.db.respaldar(db, carpeta / "respaldos" / "copia.db")
        archivos = [carpeta / n for n in ("plataforma.db", "plataforma.db-wal", "plataforma.db-shm",
                                          "plataforma.db.secreto")] + [respaldo]
        assert {a.name: oct(stat.S_IMODE(a.stat().st_mode)) for a in archivos} == \
            {a.name: "0o600" for a in archivos}
        assert stat.S_IMODE(carpeta.stat().st_mode) == 0o700
        db.close()
    finally:
        os.umask(mascara)


def test_una_base_existente_legible_por_todos_se_cierra_al_abrirla(tmp_path):
    ruta = tmp_path / "vieja.db"
    with nucleo.abrir(ruta) as db:
        geo.servicios.preparar(db)
    os.chmod(ruta, 0o644)
    with nucleo.abrir(ruta):
        assert stat.S_IMODE(ruta.stat().st_mode) == 0o600
