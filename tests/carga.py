"""Simulador de un taller real: N celulares votan a la vez contra `streamlit run app.py` y un proyector los cuenta.

Lo usan la prueba `tests/test_carga_taller.py` (tres celulares) y la medición `benchmarks/carga_taller.py`.

Cada celular es una `Pestana`: habla con el servidor por `/_stcore/stream` con los mismos BackMsg que el frontend
de Streamlit 1.67 (nada llama a los servicios de Python). Como el celular que escaneó el QR del taller:

1. pide la página `/?taller=ID`, `/_stcore/health` (que deja la cookie `_streamlit_xsrf`) y `/_stcore/host-config`,
   y abre el websocket con los subprotocolos `["streamlit", <cookie XSRF>]`, la cookie y el Origin del navegador;
2. pide la primera ejecución con la página de la URL (`page_name` vacío: la raíz) y la consulta `taller=ID`; la app
   salta a `votar` con `st.switch_page` y desde ahí cada ejecución lleva el hash que trajo `navigation`;
3. escribe su código en el formulario y lo envía: el valor del texto y el disparador del botón del formulario en la
   misma ejecución, como `submitForm` del frontend;
4. piensa de 2 a 10 s y marca de 1 a 5 propuestas al azar, de 0.5 a 2 s entre toques (buscar la siguiente tarjeta
   entre 40); la papeleta es un `st.form`: marcar no le envía nada al servidor, como en el navegador;
5. toca «Votar» (el botón del formulario: disparador de `votar_emitir` con los valores marcados, como `submitForm`)
   y mide hasta el elemento que trae «Recibo: …».

Entre ejecuciones la pestaña reenvía el valor de cada widget de la página (los que desaparecen se olvidan), guarda
los mensajes grandes que el servidor marca `cacheable` y resuelve los `ref_hash`, y, si un fragmento pide
`auto_rerun`, lo vuelve a ejecutar cada tantos segundos como el `setInterval` del frontend: así se refresca solo el
proyector (`proyector?taller=ID`), del que se mide la demora hasta mostrar cada papeleta. El paquete JavaScript de
la página no se descarga.

Al final se comparan las papeletas vigentes de la base con los recibos que llegaron y con lo que cada celular marcó.
Se mide el CPU y la memoria del proceso del servidor (y el CPU de este simulador y de toda la máquina: si otros
procesos compiten con el servidor, se ve). Cada N usa una base y un servidor nuevos; si con un N se pierden
papeletas o fallan celulares, no se prueba con más. Solo Linux: lee /proc.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import http.cookiejar
import math
import os
import random
import re
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

import nucleo
from geo import servicios as territorio
from identidad import participantes
from identidad.acceso import Actor, Rol
from propuestas import servicios as propuestas_servicios
from tests import navegador
from votacion import almacen, servicios
from votacion.modelo import EstadoVotacion

RAIZ = Path(__file__).resolve().parent.parent

COMPARTIDO = RAIZ.parent / "shared" / "geo"
ADMIN = Actor(Rol.ADMINISTRADOR, "benchmark", cuenta_id=1)
PROPUESTAS = 40
RECIBO = re.compile(r"Recibo: \**([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})")
PAPELETAS = re.compile(r'<div class="pz-numero"><b>(\d+)</b>papeletas')
LIMITE_POR_PASO = 120.0  # segundos: más que esto esperando al servidor es una falla
TAMANO_MAXIMO = 200 * 1024 * 1024  # el `server.maxMessageSize` por defecto
# lo que un celular del taller le dice al servidor de sí mismo (`ContextInfo` del frontend)
CONTEXTO = {"timezone": "America/Lima", "timezone_offset": 300, "locale": "es-PE", "is_embedded": False,
            "color_scheme": "light"}
# valor con que el frontend registra un widget nuevo (sin que la persona lo toque); los botones son disparadores
VALOR_INICIAL = {
    "checkbox": lambda w: WidgetState(id=w.id, bool_value=w.value if w.set_value else w.default),
    "text_input": lambda w: WidgetState(id=w.id, string_value=w.value if w.set_value else w.default),
}
ENTRE_TOQUES = (0.5, 2.0)  # segundos entre que la página se redibuja y el siguiente toque


class PasoFallido(Exception):
    """Un celular no pudo dar un paso: el servidor cerró o no respondió a tiempo, o la página no mostró lo esperado."""


@dataclasses.dataclass
class Taller:
    votacion_id: int
    personas: list[tuple[int, str]]  # (id del participante, código de acceso)
    propuestas: list[str]


@dataclasses.dataclass
class Voto:
    """Lo que vivió un celular: qué marcó, cuándo tocó «Votar», qué recibo le llegó y cuándo."""

    participante_id: int
    elegidas: list[str] = dataclasses.field(default_factory=list)
    clic_en: float | None = None
    recibo: str | None = None
    recibo_en: float | None = None
    error: str | None = None


# --- la base del taller ------------------------------------------------------------------------

def preparar_taller(ruta: Path, cuantos: int, azar: random.Random) -> Taller:
    """Territorio de Huaylas, un proceso en priorización hoy, 40 viables, una votación abierta y `cuantos` códigos."""
    ahora = nucleo.ahora()
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        servicios.preparar(db)
        for archivo in ("huaylas_distritos.geojson", "huaylas_distritos_datos.csv", "huaylas_centros_poblados.csv"):
            territorio.importar(db, COMPARTIDO / archivo, actor=ADMIN, ahora=ahora)
        # el registro abrió hace 74 días: la priorización (días 72 a 78) va de anteayer a dentro de 4 días
        hoy = propuestas_servicios.fecha_local(ahora)
        proceso = propuestas_servicios.crear_proceso(
            db, propuestas_servicios.proceso_sugerido("0212", hoy - dt.timedelta(days=74)), actor=ADMIN, ahora=ahora)
        centros = territorio.centros_poblados(db)
        filas = []
        for j in range(PROPUESTAS):
            centro = centros[azar.randrange(len(centros))]
            filas.append({"codigo": f"PP27-{j + 1:04d}", "proceso_id": proceso.id, "estado": "viable",
                          "titulo": f"Propuesta {j + 1}", "lat": centro.lat, "lon": centro.lon, "ubigeo": centro.ubigeo,
                          "distrito": centro.ubigeo, "costo_centimos": azar.randint(2, 30) * 1_000_000,
                          "puntaje_tecnico": azar.randint(20, 100), "creada_en": "x", "actualizada_en": "x",
                          "registrada_en": "x"})
        db["propuestas"].insert_all(filas)
        votacion = servicios.crear_votacion(db, servicios.nueva_votacion(db, proceso.id), actor=ADMIN, ahora=ahora)
        servicios.cambiar_estado(db, votacion.id, EstadoVotacion.ABIERTA, actor=ADMIN, ahora=ahora)
        personas = [participantes.registrar_participante(
            db, proceso.id, {"nombre": f"Participante {i:03d}", "tipo": "ciudadano", "consentimiento": True,
                             "ubigeo": centros[azar.randrange(len(centros))].ubigeo}, actor=ADMIN, ahora=ahora)
            for i in range(cuantos)]
    return Taller(votacion.id, personas, [f["codigo"] for f in filas])


# --- una pestaña del navegador -----------------------------------------------------------------

class Pestana:
    """Una pestaña con la app abierta: lo que el frontend de Streamlit 1.67 envía, guarda y reenvía."""

    def __init__(self, url: str):
        self.url = url
        self.ruta = ""
        self.consulta = ""
        self.pagina = ""  # page_script_hash: vacío hasta que el servidor resuelve la página (`navigation`)
        self.valores: dict[str, WidgetState] = {}  # lo que se reenvía en cada ejecución
        self.widgets: dict[str, Element] = {}  # los widgets en la página (de la última ejecución completa y fragmentos)
        self.fragmento_de: dict[str, str] = {}  # widget → fragmento (`st.fragment`) que lo dibuja, si lo hay
        self.errores: list[str] = []  # excepciones y st.error que la página mostró
        self.observador: Callable[[str, float], None] | None = None  # recibe el texto de cada elemento nuevo
        self._en_curso: dict[str, Element] = {}
        self._cache: dict[str, bytes] = {}
        self._repeticiones: dict[str, asyncio.Task] = {}
        self._terminadas = 0
        self._cerrada = False
        self._cambio = asyncio.Condition()
        self._ws: ClientConnection | None = None
        self._lector: asyncio.Task | None = None

    async def abrir(self, ruta: str, consulta: str) -> None:
        """Como al abrir `url/ruta?consulta`: la página, el chequeo de salud, el websocket y la primera ejecución."""
        self.ruta, self.consulta = ruta, consulta
        cookies = await asyncio.to_thread(self._pedir_pagina)
        self._ws = await connect(self.url.replace("http", "ws", 1) + "/_stcore/stream", origin=self.url,
                                 subprotocols=["streamlit", cookies["_streamlit_xsrf"]], max_size=TAMANO_MAXIMO,
                                 open_timeout=LIMITE_POR_PASO, ping_interval=None,  # un navegador no envía pings
                                 additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        self._lector = asyncio.create_task(self._leer())
        await self.ejecutar(pagina_pedida=ruta)

    def _pedir_pagina(self) -> dict[str, str]:
        frasco = http.cookiejar.CookieJar()
        abridor = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(frasco))
        for camino in (f"/{self.ruta}?{self.consulta}", "/_stcore/health", "/_stcore/host-config"):
            with abridor.open(self.url + camino, timeout=LIMITE_POR_PASO) as respuesta:
                respuesta.read()
        return {cookie.name: cookie.value for cookie in frasco}

    async def cerrar(self) -> None:
        for tarea in [*self._repeticiones.values(), self._lector]:
            if tarea:
                tarea.cancel()
        if self._ws:
            await self._ws.close()

    def widget(self, clave: str) -> Element | None:
        """El widget con esa `key=` (en 1.67 el id es `$$ID-<hash>-<key>`)."""
        return next((e for i, e in self.widgets.items() if i.split("-", 2)[-1] == clave), None)

    def boton_del_formulario(self, formulario: str) -> Element | None:
        return next((e for e in self.widgets.values()
                     if e.WhichOneof("type") == "button" and e.button.is_form_submitter
                     and e.button.form_id == formulario), None)

    async def ejecutar(self, *, disparador: str = "", cambiado: str = "", pagina_pedida: str = "") -> None:
        """Pide una ejecución y espera a que termine (las que terminan en `st.rerun()` no cuentan). Como el
        frontend: si el widget tocado (`disparador` o `cambiado`) está dentro de un `st.fragment`, corre solo ese
        fragmento."""
        antes = self._terminadas
        await self._pedir(disparador=disparador, pagina_pedida=pagina_pedida,
                          fragmento=self.fragmento_de.get(disparador or cambiado, ""), automatica=False)
        async with self._cambio:
            try:
                await asyncio.wait_for(self._cambio.wait_for(lambda: self._terminadas > antes or self._cerrada),
                                       LIMITE_POR_PASO)
            except TimeoutError:
                raise PasoFallido(f"la ejecución no terminó en {LIMITE_POR_PASO:.0f} s") from None
        if self._cerrada:
            falla = self._lector.done() and not self._lector.cancelled() and self._lector.exception()
            raise PasoFallido("se cerró el websocket" + (f" ({falla!r})" if falla else ""))

    async def _pedir(self, *, disparador: str = "", pagina_pedida: str = "", fragmento: str = "",
                     automatica: bool = True) -> None:
        """El `rerun_script` de `sendRerunBackMsg`: consulta, página, todos los valores y los hashes en caché."""
        url = f"{self.url}/{self.ruta}" + (f"?{self.consulta}" if self.consulta else "")
        estado = ClientState(query_string=self.consulta, page_script_hash=self.pagina,
                             page_name="" if self.pagina else pagina_pedida, fragment_id=fragmento,
                             is_auto_rerun=bool(fragmento) and automatica, cached_message_hashes=list(self._cache),
                             context_info=ContextInfo(url=url, **CONTEXTO))
        estado.widget_states.widgets.extend(self.valores.values())
        if disparador:
            estado.widget_states.widgets.add(id=disparador, trigger_value=True)
        await self._ws.send(BackMsg(rerun_script=estado).SerializeToString())

    async def _leer(self) -> None:
        try:
            async for datos in self._ws:
                instante = time.perf_counter()
                mensaje = self._resolver(ForwardMsg.FromString(datos), datos)
                await self._procesar(mensaje, instante)
        except ConnectionClosed:
            pass
        finally:
            self._cerrada = True
            async with self._cambio:
                self._cambio.notify_all()

    def _resolver(self, mensaje: ForwardMsg, datos: bytes) -> ForwardMsg:
        """Caché de mensajes del frontend: guarda los `cacheable` (sin vencerlos: es una sola página) y cambia cada
        `ref_hash` por el original."""
        if mensaje.WhichOneof("type") == "ref_hash":
            original = ForwardMsg.FromString(self._cache[mensaje.ref_hash])
            original.metadata.CopyFrom(mensaje.metadata)
            return original
        if mensaje.metadata.cacheable and mensaje.hash:
            self._cache.setdefault(mensaje.hash, datos)
        return mensaje

    async def _procesar(self, mensaje: ForwardMsg, instante: float) -> None:
        tipo = mensaje.WhichOneof("type")
        if tipo == "new_session":
            self._en_curso = {}
        elif tipo == "navigation":
            self.pagina = mensaje.navigation.page_script_hash
            self.ruta = next(p.url_pathname for p in mensaje.navigation.app_pages
                             if p.page_script_hash == self.pagina)
        elif tipo == "page_info_changed":
            self.consulta = mensaje.page_info_changed.query_string
        elif tipo == "auto_rerun":
            self._repetir(mensaje.auto_rerun.fragment_id, mensaje.auto_rerun.interval)
        elif tipo == "stop_auto_rerun":
            for fragmento in mensaje.stop_auto_rerun.fragment_ids:
                if tarea := self._repeticiones.pop(fragmento, None):
                    tarea.cancel()
        elif tipo == "delta" and mensaje.delta.WhichOneof("type") == "new_element":
            identificador = self._recibir(mensaje.delta.new_element, instante)
            if identificador:
                self.fragmento_de[identificador] = mensaje.delta.fragment_id
        elif tipo == "script_finished" and mensaje.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            # como `removeInactive`: se olvida el valor de los widgets que ya no están en la página
            self.widgets = self._en_curso
            self.valores = {i: v for i, v in self.valores.items() if i in self.widgets}
            async with self._cambio:
                self._terminadas += 1
                self._cambio.notify_all()
        elif tipo == "script_finished" and mensaje.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            self.widgets.update(self._en_curso)  # un fragmento redibuja solo lo suyo; lo demás sigue en la página
            async with self._cambio:
                self._terminadas += 1
                self._cambio.notify_all()
        elif tipo == "script_finished" and mensaje.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.errores.append("la página no compila")

    def _recibir(self, elemento: Element, instante: float) -> str:
        """Anota el elemento (widget, error, texto para el observador); devuelve el id si es un widget."""
        tipo = elemento.WhichOneof("type")
        contenido = getattr(elemento, tipo)
        if tipo == "exception":
            self.errores.append(f"{contenido.type}: {contenido.message}")
        elif tipo == "alert" and contenido.format == contenido.ERROR:
            # sin los escapes ni los cortes (`:small[]`) de `texto_plano`
            self.errores.append(re.sub(r"\\(.)", r"\1", contenido.body.replace(":small[]", "")))
        identificador = getattr(contenido, "id", "")
        if identificador:
            self._en_curso[identificador] = elemento
            if tipo in VALOR_INICIAL and (identificador not in self.valores or contenido.set_value):
                self.valores[identificador] = VALOR_INICIAL[tipo](contenido)
        texto = getattr(contenido, "body", "")
        if self.observador and isinstance(texto, str) and texto:
            self.observador(texto, instante)
        return identificador

    def _repetir(self, fragmento: str, intervalo: float) -> None:
        """El `setInterval` del frontend para `st.fragment(run_every=…)`: no espera a que termine la anterior."""
        async def repetir() -> None:
            while True:
                await asyncio.sleep(intervalo)
                await self._pedir(fragmento=fragmento)

        if fragmento not in self._repeticiones:
            self._repeticiones[fragmento] = asyncio.create_task(repetir())


# --- el taller simulado ------------------------------------------------------------------------

async def participar(url: str, taller: Taller, persona: tuple[int, str], llega_en: float, pensar: tuple[float, float],
                     azar: random.Random, pestanas: list[Pestana]) -> Voto:
    """Un celular: llega, escanea el QR, escribe su código, piensa, marca, vota y espera su recibo."""
    voto = Voto(persona[0])
    await asyncio.sleep(llega_en)
    pestana = Pestana(url)
    pestanas.append(pestana)
    try:
        await pestana.abrir("", f"taller={taller.votacion_id}")
        codigo, entrar = pestana.widget("votar_codigo"), pestana.boton_del_formulario("votar_entrar")
        if codigo is None or entrar is None:
            raise PasoFallido("no apareció el formulario del código")
        pestana.valores[codigo.text_input.id] = WidgetState(id=codigo.text_input.id, string_value=persona[1])
        await pestana.ejecutar(disparador=entrar.button.id)
        casillas = {c: pestana.widget(f"votar_{taller.votacion_id}_{c}") for c in taller.propuestas}
        if None in casillas.values():
            raise PasoFallido("no apareció la papeleta: " + " / ".join(pestana.errores))
        await asyncio.sleep(azar.uniform(*pensar))
        voto.elegidas = azar.sample(taller.propuestas, azar.randint(1, 5))
        for numero, propuesta in enumerate(voto.elegidas):
            if numero:
                await asyncio.sleep(azar.uniform(*ENTRE_TOQUES))
            # la papeleta es un formulario: marcar queda en el navegador (el frontend no le avisa al servidor)
            casilla = casillas[propuesta].checkbox.id
            pestana.valores[casilla] = WidgetState(id=casilla, bool_value=True)
        emitir = pestana.widget("votar_emitir")
        if emitir is None:
            raise PasoFallido("no apareció el botón «Votar»")
        recibo = asyncio.get_running_loop().create_future()

        def anotar(texto: str, instante: float) -> None:
            if not recibo.done() and (hallado := RECIBO.search(texto)):
                recibo.set_result((hallado[1], instante))

        pestana.observador = anotar
        voto.clic_en = time.perf_counter()
        await pestana.ejecutar(disparador=emitir.button.id)
        if not recibo.done():
            raise PasoFallido("no llegó el recibo: " + " / ".join(pestana.errores))
        voto.recibo, voto.recibo_en = recibo.result()
        if pestana.errores:
            raise PasoFallido("votó, pero la página mostró: " + " / ".join(pestana.errores))
    except (PasoFallido, OSError, WebSocketException) as error:  # OSError: también TimeoutError y URLError
        voto.error = f"{type(error).__name__}: {error}"
    return voto


def cpu_de(pid: int) -> float:
    """Segundos de CPU (usuario + sistema) que lleva gastados el proceso, desde /proc."""
    campos = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(campos[11]) + int(campos[12])) / os.sysconf("SC_CLK_TCK")


async def muestrear(pid: int, muestras: list[tuple[float, float]], cada: float = 0.5) -> None:
    """CPU % (100 = un núcleo) y memoria residente (MB) del servidor, desde /proc, cada `cada` segundos."""
    def memoria() -> float:
        linea = next(f for f in Path(f"/proc/{pid}/status").read_text().splitlines() if f.startswith("VmRSS:"))
        return int(linea.split()[1]) / 1024

    antes, usado = time.perf_counter(), cpu_de(pid)
    while True:
        await asyncio.sleep(cada)
        ahora, ahora_usado = time.perf_counter(), cpu_de(pid)
        muestras.append((100 * (ahora_usado - usado) / (ahora - antes), memoria()))
        antes, usado = ahora, ahora_usado


async def simular(url: str, pid: int, taller: Taller, llegada: float, pensar: tuple[float, float],
                  azar: random.Random) -> dict:
    """El proyector abierto primero; luego los celulares llegan al azar dentro de `llegada` segundos."""
    conteos: list[tuple[float, int]] = []
    muestras: list[tuple[float, float]] = []
    pestanas: list[Pestana] = []
    muestreo: asyncio.Task | None = None
    proyector = Pestana(url)

    def contar(texto: str, instante: float) -> None:
        if hallado := PAPELETAS.search(texto):
            conteos.append((instante, int(hallado[1])))

    proyector.observador = contar
    try:
        await proyector.abrir("proyector", f"taller={taller.votacion_id}")
        muestreo = asyncio.create_task(muestrear(pid, muestras))
        inicio, cpu_inicio, maquina_inicio = time.perf_counter(), _cpu_propio(), _cpu_de_la_maquina()
        servidor_inicio = cpu_de(pid)
        votos = await asyncio.gather(*(participar(url, taller, persona, azar.uniform(0, llegada), pensar,
                                                  random.Random(azar.random()), pestanas)
                                       for persona in taller.personas))
        recibos = sum(v.recibo is not None for v in votos)
        limite = time.perf_counter() + 10  # el proyector alcanza a mostrar la última papeleta
        while time.perf_counter() < limite and not (conteos and conteos[-1][1] >= recibos):
            await asyncio.sleep(0.2)
        duracion = time.perf_counter() - inicio
        cpu_simulador = 100 * (_cpu_propio() - cpu_inicio) / duracion
        cpu_maquina = 100 * (_cpu_de_la_maquina() - maquina_inicio) / duracion
        cpu_servidor_s = cpu_de(pid) - servidor_inicio
    finally:
        if muestreo:
            muestreo.cancel()
        await asyncio.gather(proyector.cerrar(), *(p.cerrar() for p in pestanas), return_exceptions=True)
    return {"votos": votos, "conteos": conteos, "muestras": muestras, "inicio": inicio,
            "cpu_simulador": cpu_simulador, "cpu_maquina": cpu_maquina, "cpu_servidor_s": cpu_servidor_s}


def _cpu_propio() -> float:
    tiempos = os.times()
    return tiempos.user + tiempos.system


def _cpu_de_la_maquina() -> float:
    """Segundos de CPU ocupados en todos los núcleos desde el arranque (/proc/stat): deja ver si otros procesos
    compitieron con el servidor durante la medición."""
    usuario, amable, sistema, _, _, irq, softirq, robado = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (usuario + amable + sistema + irq + softirq + robado) / os.sysconf("SC_CLK_TCK")


def pid_del_servidor(url: str) -> int:
    """El `streamlit run` que arrancó `navegador.servidor`: hijo de este proceso, escuchando en el puerto de `url`."""
    puerto = url.rsplit(":", 1)[1].encode()
    for estado in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            padre = int(estado.read_text().rsplit(")", 1)[1].split()[1])
            orden = (estado.parent / "cmdline").read_bytes().split(b"\0")
            if padre == os.getpid() and b"streamlit" in orden and puerto in orden:
                return int(estado.parent.name)
    raise RuntimeError(f"No se encontró el proceso del servidor de {url}.")


# --- correr y resumir --------------------------------------------------------------------------

def correr(participantes: int, *, semilla: int = 1, llegada: float = 60.0,
           pensar: tuple[float, float] = (2.0, 10.0), nucleo_servidor: int | None = None,
           perfil: Path | None = None) -> dict:
    """Un taller de `participantes` celulares contra un servidor nuevo; devuelve el resumen (ver `resumir`).

    `nucleo_servidor`: el servidor corre solo en ese núcleo y este simulador en los demás (así la cifra dice lo que
    sirve un núcleo de la laptop). `perfil`: muestrea el CPU del servidor con py-spy y deja ahí sus pilas
    (formato «colapsado»: una pila por línea con sus muestras; ver `funciones_del_perfil`)."""
    azar = random.Random(semilla)
    propios = os.sched_getaffinity(0)
    servidor_en = {nucleo_servidor} if nucleo_servidor is not None else None
    with tempfile.TemporaryDirectory() as carpeta:
        ruta, registro = Path(carpeta) / "taller.db", Path(carpeta) / "streamlit.log"
        taller = preparar_taller(ruta, participantes, azar)
        with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, registro, nucleos=servidor_en) as url:
            pid = pid_del_servidor(url)
            if servidor_en:
                os.sched_setaffinity(0, (propios - servidor_en) or propios)
            muestreador = _perfilar(pid, perfil, (propios - (servidor_en or set())) or propios) if perfil else None
            try:
                medido = asyncio.run(simular(url, pid, taller, llegada, pensar, azar))
            finally:
                os.sched_setaffinity(0, propios)
                if muestreador:
                    muestreador.send_signal(signal.SIGINT)
                    muestreador.wait(60)
        with contextlib.closing(nucleo.abrir(ruta)) as db:
            guardadas = almacen.vigentes(db, taller.votacion_id)
            cadena = servicios.verificar_cadena(db, taller.votacion_id)
        avisos = [linea for linea in registro.read_text().splitlines()
                  if re.search(r"Traceback|ERROR|WARNING|Exception", linea)]
    return resumir(participantes, medido, guardadas, cadena, avisos)


def _perfilar(pid: int, salida: Path, nucleos: set[int]) -> subprocess.Popen:
    """py-spy muestrea el servidor (sin detenerlo) 100 veces por segundo, fuera del núcleo del servidor."""
    return subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--format", "raw", "--output", str(salida),
                             "--rate", "100", "--nonblocking", "--threads"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=lambda: os.sched_setaffinity(0, nucleos))


def funciones_del_perfil(perfil: Path, cuantas: int = 25, propias: bool = False) -> list[tuple[str, float, float]]:
    """(función, % de las muestras en que está en la pila, % en que es la de arriba) de un perfil colapsado: las
    `cuantas` con más tiempo propio (arriba de la pila) o, con `propias`, las de la plataforma (no de Streamlit ni
    de Python) que más aparecen en la pila."""
    en_pila: collections.Counter[str] = collections.Counter()
    arriba: collections.Counter[str] = collections.Counter()
    total = 0
    for linea in perfil.read_text().splitlines():
        pila, _, muestras = linea.rpartition(" ")
        if not pila or not muestras.isdigit():
            continue
        n = int(muestras)
        marcos = [m for m in pila.split(";") if not m.startswith("thread (") and not m.startswith("process ")]
        total += n
        for marco in set(marcos):
            en_pila[marco] += n
        if marcos:
            arriba[marcos[-1]] += n
    if not total:
        return []
    if propias:
        nuestras = re.compile(r"\((paginas|votacion|propuestas|identidad|geo|nucleo)/|\(app\.py")
        orden = [f for f, _ in en_pila.most_common() if nuestras.search(f)][:cuantas]
    else:
        orden = [f for f, _ in arriba.most_common(cuantas)]
    return [(f, 100 * en_pila[f] / total, 100 * arriba[f] / total) for f in orden]


def resumir(participantes: int, medido: dict, guardadas: list[dict], cadena: list[str], avisos: list[str]) -> dict:
    """Papeletas guardadas y perdidas, tiempos (ms), demora del proyector, CPU y memoria del servidor.

    Una papeleta está perdida si la persona tocó «Votar» y en la base no hay una vigente suya con el recibo que le
    llegó y con lo que marcó. La demora del proyector para la papeleta k (en el orden en que llegaron los recibos) va
    del recibo al primer refresco que muestra k o más; es 0 si el proyector ya la mostraba."""
    votos: list[Voto] = medido["votos"]
    por_participante = {g["participante_id"]: g for g in guardadas}
    perdidas = [motivo for v in votos if (motivo := _perdida(v, por_participante.get(v.participante_id)))]
    con_recibo = sorted((v for v in votos if v.recibo_en is not None), key=lambda v: v.recibo_en)
    demoras = []
    for orden, voto in enumerate(con_recibo, start=1):
        visto = next((t for t, n in medido["conteos"] if n >= orden), None)
        if visto is not None:
            demoras.append(max(0.0, visto - voto.recibo_en) * 1000)
    tiempos = [(v.recibo_en - v.clic_en) * 1000 for v in con_recibo]
    cpu = [c for c, _ in medido["muestras"]] or [0.0]
    return {
        "participantes": participantes, "guardadas": len(guardadas), "con_recibo": len(con_recibo),
        "perdidas": perdidas, "errores": [v.error for v in votos if v.error], "proyector_vio": len(demoras),
        "votar_recibo_ms": {"p50": percentil(tiempos, 50), "p95": percentil(tiempos, 95),
                            "max": max(tiempos, default=None)},
        "proyector_ms": {"p50": percentil(demoras, 50), "p95": percentil(demoras, 95)},
        "total_s": con_recibo[-1].recibo_en - medido["inicio"] if con_recibo else None,
        "cpu_servidor": {"media": sum(cpu) / len(cpu), "max": max(cpu)},
        "rss_max_mb": max((m for _, m in medido["muestras"]), default=None),
        "cpu_simulador": medido["cpu_simulador"], "cpu_maquina": medido["cpu_maquina"], "cadena": cadena,
        "cpu_servidor_s": medido["cpu_servidor_s"],
        "avisos_servidor": avisos,
    }


def _perdida(voto: Voto, guardada: dict | None) -> str | None:
    """Por qué la papeleta de quien tocó «Votar» no está como debe; None si está bien o si no llegó a tocarlo."""
    if voto.clic_en is None:
        return None
    if guardada is None:
        return "tocó «Votar» y no se guardó" + (" (la página mostró un error)" if voto.error else "")
    if voto.recibo is None:
        return "se guardó, pero no le llegó el recibo"
    if guardada["recibo"] != voto.recibo:
        return "el recibo que le llegó no es el guardado"
    if sorted(guardada["contenido"]["elegidas"]) != sorted(voto.elegidas):
        return "lo guardado no es lo que marcó"
    return None


def percentil(valores: list[float], p: float) -> float | None:
    """Por rango más cercano: el menor valor que deja al menos el p % de los datos a su izquierda o en él."""
    if not valores:
        return None
    ordenados = sorted(valores)
    return ordenados[max(0, math.ceil(p / 100 * len(ordenados)) - 1)]
