"""Servidor `streamlit run` real y Chromium sin interfaz para las pruebas de lo que ve una persona.

Chromium es el de Debian (`apt-get install chromium`), manejado con Playwright sin descargar
navegadores. Toda petición que no vaya a 127.0.0.1 se aborta y se anota: así la prueba
demuestra que la app funciona sin internet.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

RAIZ = Path(__file__).resolve().parent.parent
CAPTURAS = RAIZ / "capturas"
IFRAME_MAPA = 'iframe[title="streamlit_folium.st_folium"]'
AGENTE_CELULAR = ("Mozilla/5.0 (Linux; Android 13; SM-A145M) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Mobile Safari/537.36")
LOCAL = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")
ARGUMENTOS_CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                       "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def exigir_chromium() -> None:
    """Al comienzo de cada módulo de pruebas de navegador: sin Chromium se omite, salvo en CI."""
    import pytest

    if ruta_chromium() is None:
        if os.environ.get("CI"):
            raise RuntimeError("En CI las pruebas de navegador son obligatorias: apt-get install chromium")
        pytest.skip("Chromium no está instalado (apt-get install chromium)", allow_module_level=True)


def ruta_chromium() -> str | None:
    candidatos = [os.environ.get("CHROMIUM_PATH", ""), "/usr/lib/chromium/chromium", "/usr/bin/chromium",
                  shutil.which("chromium") or "", shutil.which("chromium-browser") or ""]
    return next((c for c in candidatos if c and Path(c).exists()), None)


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def arrancar(entorno: dict[str, str], registro: Path, espera: float = 90,
             puerto: int | None = None, guion: Path = RAIZ / "app.py",
             nucleos: set[int] | None = None) -> tuple[subprocess.Popen, str]:
    """Arranca la app en 127.0.0.1:<puerto> (uno libre si no se dice) y espera a que responda: (proceso, URL).
    `nucleos`: los núcleos en que puede correr el servidor (como `taskset`; las mediciones lo fijan a uno)."""
    puerto = puerto or _puerto_libre()
    orden = [sys.executable, "-m", "streamlit", "run", str(guion), "--server.address", "127.0.0.1",
             "--server.port", str(puerto), "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"]
    salida = open(registro, "a")
    fijar = (lambda: os.sched_setaffinity(0, nucleos)) if nucleos else None
    proceso = subprocess.Popen(orden, cwd=RAIZ, env={**os.environ, **entorno}, stdout=salida,
                               stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=fijar)
    salida.close()
    url = f"http://127.0.0.1:{puerto}"
    try:
        limite = time.monotonic() + espera
        while True:
            if proceso.poll() is not None:
                raise RuntimeError(f"streamlit terminó con código {proceso.returncode}: {registro.read_text()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as respuesta:
                    if respuesta.read().strip() == b"ok":
                        return proceso, url
            if time.monotonic() > limite:
                raise TimeoutError("streamlit no respondió a tiempo")
            time.sleep(0.2)
    except BaseException:
        detener(proceso)
        raise


def detener(proceso: subprocess.Popen, senal: int = signal.SIGTERM) -> None:
    """Detiene el servidor (`signal.SIGKILL`: como si se colgara la laptop o se cortara la luz)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proceso.pid, senal)
    try:
        proceso.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proceso.pid, signal.SIGKILL)
        proceso.wait(10)


@contextlib.contextmanager
def servidor(entorno: dict[str, str], registro: Path, espera: float = 90, guion: Path = RAIZ / "app.py",
             nucleos: set[int] | None = None):
    """Arranca la app en 127.0.0.1:<puerto libre> y entrega su URL; la detiene al salir."""
    proceso, url = arrancar(entorno, registro, espera, guion=guion, nucleos=nucleos)
    try:
        yield url
    finally:
        detener(proceso)


class Navegador:
    """Chromium con las peticiones externas bloqueadas y anotadas en `externas`."""

    def __init__(self, playwright):
        self.navegador = playwright.chromium.launch(executable_path=ruta_chromium(), args=ARGUMENTOS_CHROMIUM)
        self.externas: list[str] = []
        self.errores: list[str] = []

    def pagina(self, ancho: int = 1366, alto: int = 900, celular: bool = False, zoom: float = 1):
        """Una pestaña nueva (con su propio contexto: sin cookies de otra). `celular`: además se presenta como un
        teléfono Android (agente de usuario móvil y pantalla táctil), que es lo que Streamlit mira para, p. ej.,
        cerrar el menú lateral al elegir una página. `zoom`: la letra agrandada por la persona (2 = 200 %): la
        misma pantalla física con `zoom` veces menos píxeles CSS, como hace el zoom del navegador."""
        opciones = {"user_agent": AGENTE_CELULAR, "is_mobile": True, "has_touch": True} if celular else {}
        contexto = self.navegador.new_context(viewport={"width": round(ancho / zoom), "height": round(alto / zoom)},
                                              device_scale_factor=zoom, **opciones)
        contexto.route(lambda url: not LOCAL.match(url), self._bloquear)
        pagina = contexto.new_page()
        pagina.on("pageerror", lambda error: self.errores.append(str(error)))
        return pagina

    def _bloquear(self, ruta):
        self.externas.append(ruta.request.url)
        ruta.abort()

    def cerrar(self):
        self.navegador.close()


def esperar_mapa(pagina, etiquetas: int, espera_ms: int = 60_000):
    """Espera el iframe de st_folium, Leaflet y las `etiquetas` nombres de distrito; da el frame."""
    marco = pagina.frame_locator(IFRAME_MAPA).first
    marco.locator(".leaflet-container").wait_for(timeout=espera_ms)
    nombres = marco.locator(".etiqueta-distrito span")
    nombres.nth(etiquetas - 1).wait_for(timeout=espera_ms)
    frame = next(f for f in pagina.frames if "st_folium" in f.url)
    frame.wait_for_function("() => window.map && window.map._loaded", timeout=espera_ms)
    return marco, frame


def clic_en(pagina, marco, frame, lat: float, lon: float) -> None:
    """Clic real del ratón en el píxel del mapa que corresponde a (lat, lon)."""
    x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                          " return [p.x, p.y]; }", [lat, lon])
    marco.locator("#map_div").click(position={"x": x, "y": y})


def listo(pagina, espera_ms: int = 60_000) -> None:
    """Espera a que la página termine de ejecutarse y no quede nada viejo en pantalla (mientras corre, conviven
    elementos viejos, marcados `data-stale`, y nuevos)."""
    pagina.wait_for_selector('.stApp[data-test-script-state="notRunning"]', timeout=espera_ms)
    pagina.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=espera_ms)


def entrar_con_codigo(pagina, url: str, votacion_id: int, codigo: str) -> None:
    """Como en el taller: abre el enlace de la votación, escribe su código ahí mismo y espera la papeleta."""
    pagina.goto(f"{url}/votar?votacion={votacion_id}")
    pagina.get_by_label("Código de acceso (está en su tarjeta)").fill(codigo)
    pagina.get_by_role("button", name="Entrar y votar").click()
    pagina.get_by_text(re.compile("Bienvenida o bienvenido")).wait_for(timeout=30_000)
    listo(pagina)
    esperar_cookie(pagina)


def capturar(pagina, nombre: str) -> Path:
    CAPTURAS.mkdir(exist_ok=True)
    ruta = CAPTURAS / f"{nombre}.png"
    pagina.screenshot(path=str(ruta), full_page=True)
    return ruta


def entrar(pagina, url: str, usuario: str, contrasena: str) -> None:
    """Entra con usuario y contraseña por la página Entrar (la sesión sigue al recargar y en otras pestañas)."""
    import re

    pagina.goto(url + "/entrar")
    pagina.get_by_role("tab", name="Soy del equipo").click()
    pagina.get_by_label("Usuario", exact=True).fill(usuario)
    pagina.get_by_label("Contraseña", exact=True).fill(contrasena)
    pagina.get_by_role("button", name="Entrar", exact=True).click()
    pagina.get_by_text(re.compile(r"Entró como")).wait_for(timeout=30_000)
    esperar_cookie(pagina)


def esperar_cookie(pagina, espera_s: float = 30) -> None:
    """Espera a que el navegador guarde la cookie de sesión (la pide un `<script>` de la página después de entrar):
    sin ella, abrir otra dirección enseguida llega como público. Es HttpOnly: se mira en el contexto, no con JS."""
    limite = time.monotonic() + espera_s
    while not any(c["name"].startswith("plataforma_sesion") and c["value"] for c in pagina.context.cookies()):
        if time.monotonic() > limite:
            raise TimeoutError("El navegador no recibió la cookie de sesión.")
        pagina.wait_for_timeout(100)


def ir_a(pagina, titulo: str) -> None:
    """Navega con el menú lateral (sin recargar: la sesión se conserva); en un celular, lo abre antes."""
    enlace = pagina.get_by_test_id("stSidebar").get_by_role("link", name=titulo)
    abrir = pagina.locator("[data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapsedControl] button")
    if abrir.count() and abrir.first.is_visible():
        abrir.first.click()
        enlace.wait_for(state="visible", timeout=10_000)
        pagina.wait_for_timeout(400)  # la animación del menú
    destino = urlparse(urljoin(pagina.url, enlace.get_attribute("href") or "")).path
    enlace.click()
    # Hasta que la página nueva termina de dibujarse, la anterior sigue en pantalla (marcada «stale»):
    # un `input[type=file]` buscado antes de tiempo sería el de la página de la que se sale.
    pagina.wait_for_url(lambda u: urlparse(u).path == destino, wait_until="commit", timeout=60_000)
    pagina.wait_for_function(
        "() => document.querySelector('.stApp[data-test-script-state=notRunning]')"
        " && !document.querySelector('[data-testid=stElementContainer][data-stale=true]')",
        timeout=60_000)
