"""La página en castellano: `<html lang="es">` y los textos fijos de Streamlit traducidos en el navegador.

Streamlit 1.67 no tiene opción de idioma: sus textos propios («Upload», «Help for …», «Download as CSV»,
«Collapse sidebar») están en su código de navegador. Las páginas pasan su texto donde Streamlit lo permite
(`placeholder=`, `max_upload_size=`, un mensaje en vez de una tabla vacía); para el resto, este middleware (lo monta
`st.App` en app.py) agrega al HTML de cada página, antes que el código de Streamlit, `static/plataforma/idioma.js`,
que cambia esas frases exactas por las castellanas (ver ese archivo). También declara el idioma de la página, para
que los lectores de pantalla lean en castellano y el navegador no ofrezca «traducir del inglés».

Como paginas/cookie.py, se importa al servir la app, antes de que haya una sesión: aquí no se usa `st.*`.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from paginas.direcciones import con_base
from propuestas.traducciones import IDIOMAS

COOKIE_IDIOMA = "plataforma_idioma"  # la que escribe el selector de idioma (paginas/traduccion.py)
GUION = Path(__file__).resolve().parent.parent / "static" / "plataforma" / "idioma.js"


def etiqueta_del_guion(base: str) -> bytes:
    """El `<script>` con la ruta servida por la app y la huella del archivo (otra versión, otra URL: sin caché vieja)."""
    prefijo = con_base("/app/static", base or "")
    huella = hashlib.sha256(GUION.read_bytes()).hexdigest()[:12]
    return f'<script src="{prefijo}/plataforma/idioma.js?v={huella}"></script>'.encode()


SIN_JAVASCRIPT = "<noscript><p>Esta plataforma necesita JavaScript: actívelo en su navegador.</p></noscript>".encode()


def en_castellano(html: bytes, guion: bytes, lang: str = "es") -> bytes:
    """El index.html de Streamlit con `lang="es"` (o el idioma elegido en las páginas de participantes: «qwh», el
    quechua de Huaylas), el guion de traducción primero en `<head>` y el aviso para un navegador sin JavaScript en
    castellano."""
    html = html.replace(b'<html lang="en">', f'<html lang="{lang}">'.encode(), 1)
    html = re.sub(rb"<noscript>.*?</noscript>", lambda _: SIN_JAVASCRIPT, html, count=1, flags=re.DOTALL)
    return html.replace(b"<head>", b"<head>\n    " + guion, 1)


def idioma_de_la_cookie(cabeceras: list[tuple[bytes, bytes]]) -> str:
    """El idioma que recuerda la cookie del selector (`COOKIE_IDIOMA`) en el pedido, o «es»."""
    for nombre, valor in cabeceras:
        if nombre.lower() == b"cookie":
            for parte in valor.decode("latin-1").split(";"):
                clave, _, dato = parte.strip().partition("=")
                if clave == COOKIE_IDIOMA and dato in IDIOMAS:
                    return dato
    return "es"


def _es_pagina(ruta: str) -> bool:
    """Las rutas de páginas (`/`, `/propuestas`) sirven el index.html; los archivos (con punto) y `_stcore`, no."""
    ultimo = ruta.rstrip("/").rsplit("/", 1)[-1]
    return "." not in ultimo and "/_stcore/" not in ruta and not ruta.endswith("/_stcore")


class Castellano:
    """Middleware ASGI: en cada respuesta HTML de una página, aplica `en_castellano`."""

    def __init__(self, app):
        self.app = app
        self._guion: bytes | None = None

    def guion(self) -> bytes:
        if self._guion is None:
            from streamlit import config

            self._guion = etiqueta_del_guion(config.get_option("server.baseUrlPath") or "")
        return self._guion

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or not _es_pagina(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        # sin compresión: el HTML se edita aquí (la página pesa unos pocos KB)
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        lang = idioma_de_la_cookie(scope["headers"])
        inicio: dict | None = None
        partes: list[bytes] = []

        async def enviar(mensaje):
            nonlocal inicio
            if mensaje["type"] == "http.response.start":
                cabeceras = dict((k.lower(), v) for k, v in mensaje.get("headers", []))
                if cabeceras.get(b"content-type", b"").startswith(b"text/html"):
                    inicio = mensaje  # se envía al final, con el largo nuevo
                    return
                await send(mensaje)
            elif mensaje["type"] == "http.response.body" and inicio is not None:
                partes.append(mensaje.get("body", b""))
                if mensaje.get("more_body"):
                    return
                cuerpo = en_castellano(b"".join(partes), self.guion(), lang)
                cabeceras = [(k, v) for k, v in inicio.get("headers", []) if k.lower() not in (b"content-length",
                                                                                                b"etag")]
                await send({**inicio, "headers": [*cabeceras, (b"content-length", str(len(cuerpo)).encode())]})
                await send({"type": "http.response.body", "body": cuerpo})
            else:
                await send(mensaje)

        await self.app(scope, receive, enviar)
