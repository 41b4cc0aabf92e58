"""Fixtures compartidas: bases en memoria y los datos reales de ../shared/geo (nunca copiados)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

import nucleo
from geo import servicios
from geo.lectura import leer_limites
from geo.modelo import Territorio
from identidad.acceso import PUBLICO, Actor, Rol
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Fase, PeriodoFase

RAIZ = Path(__file__).resolve().parent.parent
GEO = RAIZ.parent / "shared" / "geo"
LIMITES = GEO / "huaylas_distritos.geojson"
INDICADORES = GEO / "huaylas_distritos_datos.csv"
CENTROS = GEO / "huaylas_centros_poblados.csv"
PERU = GEO / "peru_distritos.geojson"
ANCASH = GEO / "ancash_distritos.geojson"
AHORA = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.timezone.utc)
ADMIN = Actor(Rol.ADMINISTRADOR, "admin", cuenta_id=1)
EVALUADORA = Actor(Rol.EVALUADOR, "evaluadora", cuenta_id=2)
FACILITADORA = Actor(Rol.FACILITADOR, "facilitadora", cuenta_id=3)


def pytest_configure(config):
    config.addinivalue_line("markers", "errores_js_esperados(*mensajes): errores de JavaScript que la prueba provoca "
                                       "a propósito (p. ej. «Failed to fetch» al matar el servidor)")
    if not LIMITES.exists():
        raise pytest.UsageError(f"Faltan los datos de prueba en {GEO} (../shared/geo junto al repositorio).")


@pytest.fixture(scope="module")
def chromium():
    """Chromium real (de Debian) con Playwright; bloquea y anota todo lo que no sea 127.0.0.1."""
    from playwright.sync_api import sync_playwright

    from tests import navegador

    with sync_playwright() as playwright:
        instancia = navegador.Navegador(playwright)
        yield instancia
        instancia.cerrar()


@pytest.fixture(autouse=True)
def _nada_sale_de_127(request):
    """Guardia de toda prueba de navegador: ningún pedido sale de 127.0.0.1 (Chromium los aborta y los anota; aquí
    se vuelven una falla), ni por la app ni por un texto de usuario leído como Markdown o HTML; y ningún error de
    JavaScript en la página."""
    if "chromium" not in request.fixturenames:
        yield
        return
    chromium = request.getfixturevalue("chromium")
    chromium.externas.clear()
    chromium.errores.clear()
    yield
    externas, chromium.externas[:] = list(chromium.externas), []
    marca = request.node.get_closest_marker("errores_js_esperados")
    esperados = set(marca.args) if marca else set()
    errores, chromium.errores[:] = [e for e in chromium.errores if e not in esperados], []
    assert externas == [], f"el navegador pidió fuera de 127.0.0.1: {externas}"
    assert errores == [], f"errores de JavaScript en la página: {errores}"


# Sin el selector de archivos del sistema, Streamlit descarga con un enlace común (lo que Playwright ve).
SIN_SELECTOR_DE_ARCHIVOS = "window.showSaveFilePicker = async () => { throw new Error('sin selector'); };"


@pytest.fixture
def limpio(chromium):
    """Fábrica de páginas que además falla si se abrió un diálogo (un alert inyectado); lo demás (nada sale de
    127.0.0.1, ningún error de JavaScript) lo vigila `_nada_sale_de_127` en toda prueba con navegador."""
    dialogos = []

    def pagina(ancho=1366, alto=900, celular=False):
        nueva = chromium.pagina(ancho=ancho, alto=alto, celular=celular)
        nueva.on("dialog", lambda d: (dialogos.append(d.message), d.dismiss()))
        nueva.add_init_script(SIN_SELECTOR_DE_ARCHIVOS)
        return nueva

    yield pagina
    assert dialogos == [], "se ejecutó JavaScript inyectado"


@pytest.fixture
def db():
    base = nucleo.abrir(memoria=True)
    servicios.preparar(base)
    yield base
    base.close()


@pytest.fixture
def db_archivo(tmp_path):
    base = nucleo.abrir(tmp_path / "plataforma.db")
    servicios.preparar(base)
    yield base
    base.close()


@pytest.fixture(scope="session")
def territorio() -> Territorio:
    return Territorio(provincia="0212", distritos=leer_limites(LIMITES).distritos)


@pytest.fixture
def db_con_territorio(db):
    servicios.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
    servicios.importar(db, INDICADORES, actor=ADMIN, ahora=AHORA)
    servicios.importar(db, CENTROS, actor=ADMIN, ahora=AHORA)
    return db


@pytest.fixture
def en_otro_proceso(tmp_path):
    """Corre `codigo` en un intérprete nuevo y devuelve (lo que imprimió, su memoria pico en MB): para las
    «bombas» (fotos, hojas de cálculo) que deben rechazarse sin llevar el servidor a gigas (el pico es VmHWM, el
    de este intérprete; `ru_maxrss` arrastra el de pytest a través de exec). La memoria virtual
    queda topada en 2 GB: si una bomba se cuela, termina en MemoryError y no se come la máquina."""
    import subprocess
    import sys
    import textwrap

    def correr(codigo: str) -> tuple[str, float]:
        guion = tmp_path / "en_otro_proceso.py"
        guion.write_text("import resource, sys\n"
                         "resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))\n"
                         # VmHWM y no ru_maxrss: este se hereda a través de exec (sería el pico de pytest)
                         "PICO_KB = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))"
                         ".split()[1])\n"
                         f"sys.path.insert(0, {str(RAIZ)!r})\n" + textwrap.dedent(codigo) +
                         "\nprint('PICO_MB', PICO_KB() / 1024)\n",
                         encoding="utf-8")
        proceso = subprocess.run([sys.executable, str(guion)], capture_output=True, text=True, cwd=RAIZ, timeout=900)
        assert proceso.returncode == 0, proceso.stderr[-2000:]
        salida, _, pico = proceso.stdout.rpartition("PICO_MB ")
        return salida, float(pico)

    return correr


def filas(db, tabla: str) -> int:
    return db.execute(f"SELECT count(*) FROM {tabla}").fetchone()[0]


HOY_REGISTRO = dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.timezone.utc)  # 5 dic: fase de registro
HOY_EVALUACION = dt.datetime(2027, 1, 25, 15, 0, tzinfo=dt.timezone.utc)  # fase de evaluación técnica

DATOS_JOVEN = {
    "profundidad": "joven", "titulo": "Losa deportiva para Cashapampa",
    "problema": "Los jóvenes no tienen dónde hacer deporte y los niños juegan en la carretera.",
    "propuesta": "Construir una losa multiusos con graderías junto al colegio del centro poblado.",
    "proponente_tipo": "joven", "proponente_nombre": "Rosa Huamán", "contacto": "987654321",
    "consentimiento": True, "lat": -9.0485, "lon": -77.8046,
}


@pytest.fixture
def base_app(tmp_path, monkeypatch):
    """Base en archivo con el territorio de Huaylas para AppTest (la app la abre por PLATAFORMA_DB)."""
    ruta = tmp_path / "plataforma.db"
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    return con_territorio(ruta)


def con_territorio(ruta):
    """Una base en archivo preparada, con los límites, indicadores y centros poblados reales de Huaylas."""
    with nucleo.abrir(ruta) as db:
        propuestas_servicios.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            servicios.importar(db, archivo, actor=ADMIN, ahora=AHORA)
    return ruta


@pytest.fixture
def db_proceso(db_con_territorio):
    propuestas_servicios.preparar(db_con_territorio)
    proceso = propuestas_servicios.proceso_sugerido("0212", dt.date(2026, 12, 1))
    propuestas_servicios.crear_proceso(db_con_territorio, proceso, actor=ADMIN, ahora=AHORA)
    return db_con_territorio


def registrar_propuesta(db, datos=None, ahora=None):
    proceso = propuestas_servicios.proceso_actual(db)
    clave = propuestas_servicios.crear_borrador(db, proceso.id, actor=PUBLICO, ahora=ahora or HOY_REGISTRO)
    propuestas_servicios.guardar_borrador(db, clave, datos or DATOS_JOVEN, ahora=ahora or HOY_REGISTRO)
    return propuestas_servicios.registrar(db, clave, actor=PUBLICO, ahora=ahora or HOY_REGISTRO)


# --- votación: un proceso en priorización con propuestas viables de varios distritos ----------

HOY_PRIORIZACION = dt.datetime(2027, 2, 14, 15, 0, tzinfo=dt.timezone.utc)  # fase de priorización
COSTOS_VIABLES = ("S/ 300,000", "S/ 250,000", "S/ 200,000", "S/ 150,000", "S/ 120,000", "S/ 80,000")


def crear_viables(db, costos=COSTOS_VIABLES) -> list[str]:
    """Propuestas registradas, admitidas y evaluadas viables por los caminos reales, cada una en otro distrito."""
    from propuestas.modelo import Estado
    from votacion import servicios as votacion_servicios
    votacion_servicios.preparar(db)
    por_distrito = {}
    for centro in servicios.centros_poblados(db):
        por_distrito.setdefault(centro.ubigeo, centro)
    centros = [por_distrito[u] for u in sorted(por_distrito)]
    codigos = []
    for numero, costo in enumerate(costos):
        centro = centros[numero % len(centros)]
        datos = {**DATOS_JOVEN, "titulo": f"Obra número {numero + 1} en {centro.nombre.title()}"[:120],
                 "problema": f"Problema distinto número {numero + 1}: falta agua, caminos o aulas en la zona.",
                 "lat": centro.lat, "lon": centro.lon}
        codigo = registrar_propuesta(db, datos).codigo
        propuestas_servicios.transicionar(db, codigo, Estado.ADMITIDA, actor=EVALUADORA, ahora=HOY_EVALUACION)
        puntajes = {c: (numero + i) % 4 for i, c in enumerate(("alineamiento", "brecha", "beneficiarios", "madurez",
                                                                 "cofinanciamiento", "equidad"))}
        propuestas_servicios.evaluar(db, codigo, actor=EVALUADORA, puntajes=puntajes, costo_validado=costo,
                                     viable=True, notas="", ahora=HOY_EVALUACION)
        codigos.append(codigo)
    return codigos


@pytest.fixture(scope="session")
def _plantilla_viables(tmp_path_factory):
    """Una sola vez por corrida: territorio real, proceso PP27 y las 6 viables (copiar es mucho más rápido)."""
    from votacion import servicios as votacion_servicios
    ruta = tmp_path_factory.mktemp("plantilla") / "viables.db"
    base = nucleo.abrir(ruta)
    votacion_servicios.preparar(base)
    for archivo in (LIMITES, INDICADORES, CENTROS):
        servicios.importar(base, archivo, actor=ADMIN, ahora=AHORA)
    propuestas_servicios.crear_proceso(base, propuestas_servicios.proceso_sugerido("0212", dt.date(2026, 12, 1)),
                                       actor=ADMIN, ahora=AHORA)
    codigos = crear_viables(base)
    base.close()
    return ruta, codigos


@pytest.fixture
def db_viables(_plantilla_viables):
    """(base en memoria con el proceso en priorización y 6 viables, códigos) — copia fresca por prueba."""
    import sqlite3
    ruta, codigos = _plantilla_viables
    base = nucleo.abrir(memoria=True)
    origen = sqlite3.connect(ruta)
    origen.backup(base.conn)
    origen.close()
    return base, list(codigos)


def copiar_viables(plantilla, destino):
    """La plantilla de viables copiada a un archivo (para pruebas con varias conexiones o con el servidor)."""
    import shutil
    shutil.copy(plantilla[0], destino)
    return destino


def texto_de_pdf(contenido: bytes, carpeta: Path) -> str:
    """El texto de un PDF con `pdftotext -layout` (poppler-utils; `.ci/run` lo instala); sin él, la prueba se salta."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("falta poppler-utils (pdftotext, pdftoppm)")
    ruta = carpeta / "documento.pdf"
    ruta.write_bytes(contenido)
    return subprocess.run(["pdftotext", "-layout", str(ruta), "-"], capture_output=True, text=True, check=True).stdout


def abrir_sesion(ruta, actor, ahora=None) -> str | None:
    """Una sesión real en la base de `ruta` para `actor` (y su cuenta, si aún no existe); devuelve el token que la
    página toma de la cookie (None para el público, que no tiene sesión). Para AppTest:
    `app.session_state["sesion_token"] = abrir_sesion(ruta, actor)`."""
    from identidad import sesiones
    from nucleo.db import escritura, marca

    if actor.cuenta_id is None and actor.participante_id is None:
        return None
    momento = ahora or nucleo.ahora()
    with nucleo.abrir(ruta) as base:
        servicios.preparar(base)
        with escritura(base):
            if actor.cuenta_id is not None and not base.execute("SELECT 1 FROM cuentas WHERE id = ?",
                                                                [actor.cuenta_id]).fetchone():
                base["cuentas"].insert({"id": actor.cuenta_id, "usuario": actor.nombre, "nombre": actor.nombre.title(),
                                        "rol": actor.rol.value, "hash": "sin contraseña", "creada_en": marca(momento),
                                        "actualizada_en": marca(momento)})
            return sesiones.crear(base, actor=actor, ahora=momento).token


def priorizacion_hoy(db) -> None:
    """Corre las fases del proceso para que hoy caiga en la priorización (abrir una votación lo exige)."""
    hoy = propuestas_servicios.fecha_local(nucleo.ahora())
    proceso = propuestas_servicios.proceso_actual(db)
    inicio = proceso.periodo(Fase.PRIORIZACION).inicio
    fases = tuple(PeriodoFase(p.fase, hoy - dt.timedelta(days=3), hoy + dt.timedelta(days=3))
                  if p.fase == Fase.PRIORIZACION else
                  PeriodoFase(p.fase, p.inicio - dt.timedelta(days=200), p.fin - dt.timedelta(days=200))
                  if p.fin < inicio else
                  PeriodoFase(p.fase, hoy + dt.timedelta(days=4), hoy + dt.timedelta(days=20)) for p in proceso.fases)
    propuestas_servicios.actualizar_proceso(db, dataclasses.replace(proceso, fases=fases), actor=ADMIN,
                                            ahora=nucleo.ahora())


@pytest.fixture
def base_votacion(tmp_path, monkeypatch, _plantilla_viables):
    """Las 6 viables (costos validados) con la priorización corrida para que hoy caiga en ella; la app la usa
    (`PLATAFORMA_DB`). Devuelve la ruta y los códigos."""
    ruta = copiar_viables(_plantilla_viables, tmp_path / "plataforma.db")
    monkeypatch.setenv("PLATAFORMA_DB", str(ruta))
    monkeypatch.delenv("PLATAFORMA_LIMITES", raising=False)
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
    return ruta, list(_plantilla_viables[1])
