"""Dónde está este servidor: rutas de páginas y de static/, la dirección para los celulares (QR, tarjetas) y la
marca de arranque con que una página se recarga sola si el servidor se reinició."""
from __future__ import annotations

import json
import os
import secrets
import socket
import urllib.parse
from pathlib import Path

import streamlit as st

from geo import mapa


def con_base(ruta: str, base: str | None = None) -> str:
    """`ruta` (empieza con «/») bajo `server.baseUrlPath` (o `base`, si se da): «/plataforma/app/static»."""
    base = (st.get_option("server.baseUrlPath") if base is None else base) or ""
    base = base.strip("/")
    return f"/{base}{ruta}" if base else ruta


def url_pagina(ruta: str) -> str:
    """Ruta absoluta de una página de la app."""
    return con_base(f"/{ruta}")


def prefijo_static() -> str:
    """URL de static/."""
    return con_base("/app/static")


def archivo_de_arranque() -> Path:
    """`static/datos/arranque_<puerto>.txt`: cambia cada vez que arranca este servidor (uno por puerto)."""
    return mapa.CARPETA_STATIC / "datos" / f"arranque_{st.get_option('server.port') or 8501}.txt"


def marcar_arranque() -> None:
    """Sin espacio en disco no se puede marcar: la página no se recargará sola tras un reinicio, pero abre."""
    archivo = archivo_de_arranque()
    try:
        archivo.parent.mkdir(parents=True, exist_ok=True)
        archivo.write_text(secrets.token_hex(8))
    except OSError:
        pass


VIGIA = """<script>
// Si el servidor se reinició (otra marca de arranque), la sesión de esta página ya no existe allá y los
// fragmentos (lo que se refresca solo) quedarían congelados: se recarga la página entera, sola.
const url = %s;
let primera = null;
async function mirar() {
  try {
    const respuesta = await fetch(url + "?t=" + Date.now(), {cache: "no-store"});
    if (!respuesta.ok) return;
    const marca = (await respuesta.text()).trim();
    if (primera === null) primera = marca;
    else if (marca !== primera) window.parent.location.reload();
  } catch (e) { /* servidor caído: se vuelve a mirar en un rato */ }
}
mirar();
setInterval(mirar, 4000);
</script>"""


def vigilar_reinicio() -> None:
    """En las páginas con fragmentos (papeleta, proyector, consola): si el servidor se reinicia en pleno taller,
    la página se recarga sola en vez de quedarse congelada (los fragmentos de una sesión perdida se ignoran)."""
    url = f"{prefijo_static()}/datos/{archivo_de_arranque().name}"
    st.iframe(VIGIA % json.dumps(url), height=1)  # HTML propio (nada de usuarios) en un iframe con JavaScript


def ip_de_la_red() -> str | None:
    """IP de esta computadora en la red local (la del Wi-Fi del taller). No envía nada: un socket UDP
    «conectado» solo le pregunta al sistema por qué interfaz saldría."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as prueba:
        try:
            prueba.connect(("10.254.254.254", 1))
            ip = prueba.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


LOCALES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"}


def url_para_celulares(actual: str, *, configurada: str | None, ip: str | None, base: str = "") -> str:
    """La dirección que va en los QR: la configurada (`PLATAFORMA_URL_PUBLICA`) o la de esta página, pero si
    esta es «localhost» (el proyector abierto en la misma laptop) con la IP de la red local, que es la que
    los celulares pueden abrir."""
    if configurada:
        return configurada.rstrip("/")
    partes = urllib.parse.urlsplit(actual)
    host, puerto = partes.hostname or "localhost", partes.port
    if host in LOCALES and ip:
        host = ip
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{puerto}" if puerto else ""
    base = base.strip("/")
    return f"{partes.scheme or 'http'}://{netloc}" + (f"/{base}" if base else "")


def url_publica() -> str:
    """Dirección con que los celulares abren la app (para los QR y tarjetas)."""
    actual = getattr(st.context, "url", None) or f"http://localhost:{st.get_option('server.port') or 8501}"
    return url_para_celulares(actual, configurada=os.environ.get("PLATAFORMA_URL_PUBLICA"), ip=ip_de_la_red(),
                              base=st.get_option("server.baseUrlPath") or "")


def url_del_taller(votacion_id: int) -> str:
    """El enlace del QR del taller: abre la votación directo, aun como primera página del celular."""
    return f"{url_publica()}/?taller={votacion_id}"
