"""La cookie de sesión: la única vía por la que el token de una sesión llega al navegador y se va de él.

Una página de Streamlit habla por websocket y no puede poner cookies. Al entrar, la página deja el token
en `ENTREGAS` (memoria de este servidor, nunca en la base ni en la URL) bajo un número al azar de un solo
uso que vence en un minuto, y dibuja un `<script>` mínimo que hace `POST /sesion/cookie` con ese número
en el cuerpo; esta ruta (Starlette, montada por `st.App` en app.py) responde con `Set-Cookie` y olvida el
número. Salir hace lo mismo con una entrega vacía, que borra la cookie. Un sitio ajeno no puede usar la
ruta: no conoce ningún número (y se rechaza un `Origin` que no sea el de la app).

La cookie es `HttpOnly` (JavaScript no la lee), `SameSite=Lax` (no viaja en pedidos de otros sitios),
`Path` de la app y `Max-Age` de 7 días: la sesión misma vence en el servidor (30 minutos sin actividad
para el equipo, 2 horas para participantes, 12 horas en total); la cookie vive un poco más solo para que
el navegador pueda oír *por qué* ya no está adentro, y para reconocer al navegador que ya entró (ver
`identidad.cuentas.iniciar_sesion`). Lleva `Secure` cuando la app se sirve por https (detrás de un proxy con
TLS); en el taller, la red local del Wi-Fi va por http y un navegador no guardaría una cookie `Secure`
que llega por http: por eso no se exige.

app.py importa este módulo al servir la app, antes de que haya una sesión: aquí no se usa nada de `st.*`
salvo la configuración.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from paginas.direcciones import con_base

PREFIJO = "plataforma_sesion"
VIDA_DE_LA_COOKIE = 7 * 24 * 3600
VIDA_DE_UNA_ENTREGA = 60.0
RUTA = "/sesion/cookie"


@dataclass
class _Entrega:
    token: str | None  # None: borrar la cookie
    vence: float


class Entregas:
    """Número de un solo uso → token, en la memoria del servidor (la ruta y las páginas son el mismo proceso)."""

    def __init__(self) -> None:
        self._candado = threading.Lock()
        self._pendientes: dict[str, _Entrega] = {}

    def preparar(self, token: str | None, *, ahora: float | None = None) -> str:
        ahora = time.monotonic() if ahora is None else ahora
        numero = secrets.token_urlsafe(24)
        with self._candado:
            self._pendientes = {n: e for n, e in self._pendientes.items() if e.vence > ahora}
            self._pendientes[numero] = _Entrega(token, ahora + VIDA_DE_UNA_ENTREGA)
        return numero

    def retirar(self, numero: str, *, ahora: float | None = None) -> _Entrega | None:
        """La entrega del número, una sola vez y si no venció; None si no existe."""
        ahora = time.monotonic() if ahora is None else ahora
        with self._candado:
            entrega = self._pendientes.pop(numero, None)
        return entrega if entrega and entrega.vence > ahora else None

    def pendiente(self, numero: str) -> bool:
        with self._candado:
            entrega = self._pendientes.get(numero)
        return entrega is not None and entrega.vence > time.monotonic()


ENTREGAS = Entregas()


def ruta_con_base(base: str) -> str:
    return con_base(RUTA, base)


async def entregar(request):
    """`POST /sesion/cookie` con el número de un solo uso en el cuerpo: pone (o borra) la cookie."""
    from starlette.responses import Response

    origen = request.headers.get("origin")
    anfitrion = request.headers.get("host", "")
    if origen and origen.split("://", 1)[-1] != anfitrion:
        return Response("Origen no permitido.", status_code=403)
    cuerpo = (await request.body())[:200].decode("ascii", "replace").strip()
    entrega = ENTREGAS.retirar(cuerpo)
    if entrega is None:
        return Response("Entrega desconocida o vencida.", status_code=403)
    respuesta = Response(status_code=204, headers={"Cache-Control": "no-store"})
    base = _base_url()
    camino = f"/{base}" if base else "/"
    if entrega.token is None:
        respuesta.delete_cookie(nombre(), path=camino, httponly=True, samesite="lax")
    else:
        respuesta.set_cookie(nombre(), entrega.token, max_age=VIDA_DE_LA_COOKIE, path=camino, httponly=True,
                             samesite="lax", secure=request.url.scheme == "https")
    return respuesta


def nombre() -> str:
    """`plataforma_sesion_<puerto>`: las cookies no distinguen puertos, y dos instancias en la misma computadora
    (la base real y la de demostración) no deben pisarse la sesión."""
    from streamlit import config

    return f"{PREFIJO}_{config.get_option('server.port') or 8501}"


def _base_url() -> str:
    from streamlit import config

    return (config.get_option("server.baseUrlPath") or "").strip("/")


def rutas() -> list:
    """Las rutas propias que app.py monta junto a Streamlit."""
    from starlette.routing import Route

    return [Route(ruta_con_base(_base_url()), entregar, methods=["POST"])]
