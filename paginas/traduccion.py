"""El idioma de las páginas de participantes: `t("…")`, el selector de idioma y el catálogo de textos.

Las páginas de participantes escriben su texto en castellano dentro de `comun.t("…")`, siempre un texto literal
(los datos van como marcadores: `t("{n} propuestas", n=cantidad)`; el texto de usuario, ya pasado por
`texto_plano`). En castellano `t` devuelve el mismo texto; en quechua, la traducción guardada si la hay y, si no, el
castellano: nunca una clave ni un marcador sin llenar. Las etiquetas que vienen de listas fijas (fases, estados, el
menú) pasan por `t_etiqueta` y se declaran en `ETIQUETAS`, para que también estén en el catálogo.

El idioma elegido vive en la sesión y en una cookie del navegador (`plataforma_idioma`, un año, legible por
JavaScript: no es secreta), que la próxima visita lee del saludo del websocket; el middleware de paginas/idioma.py la
lee también para declarar `<html lang>`. Ver propuestas/traducciones.py para el catálogo y su hoja.
"""
from __future__ import annotations

import functools
import json
import threading
import time
from pathlib import Path

import streamlit as st

from identidad.acceso import PUBLICO_POR_ROL, Rol
from nucleo.errores import Mensaje, Problema
from paginas.idioma import COOKIE_IDIOMA
from propuestas import deliberacion, formulario, modelo, traducciones
from propuestas.modelo import PROFUNDIDADES, Estado, Fase
from propuestas.seguimiento import modelo as seguimiento_modelo
from propuestas.traducciones import FUENTE, IDIOMAS
from votacion.modelo import EstadoVotacion, TipoPapeleta

CLAVE = "idioma"
CLAVE_SELECTOR = "idioma_selector"
COOKIE = COOKIE_IDIOMA
VIDA_DE_LA_COOKIE = 365 * 24 * 3600
VIGENCIA = 10.0  # segundos que una ejecución usa las traducciones leídas por otra (importar las renueva al momento)
RAIZ = Path(__file__).resolve().parent.parent

# Página del catálogo → archivos cuyo texto `t("…")` ve quien participa en esa página.
PAGINAS = {
    "Varias páginas": ["paginas/traduccion.py", "paginas/texto.py", "paginas/comun.py", "app.py"],
    "Inicio": ["paginas/inicio.py"],
    "Proponer": ["paginas/proponer.py", "paginas/piezas_proponer.py", "propuestas/modelo.py"],
    "Propuestas": ["paginas/propuestas.py"],
    "Ficha de una propuesta": ["paginas/ficha.py"],
    "Votar": ["paginas/votar.py", "paginas/piezas_votar.py", "votacion/modelo.py"],
    "Proyector": ["paginas/proyector.py", "paginas/piezas_proyector.py", "paginas/pantalla.py"],
    "¿Qué pasó con lo priorizado?": ["paginas/priorizado.py", "paginas/piezas_seguimiento.py",
                                     "propuestas/seguimiento/modelo.py"],
}
# Los títulos del menú que ve quien participa (app.py los pasa por `t_etiqueta`).
MENU_PARTICIPAR = ("Participar", "Cuenta", "Inicio", "Proponer", "Propuestas", "Deliberación", "Votar", "Resultados de la votación",
                   "¿Qué pasó con lo priorizado?", "Mapa del territorio", "Proyector del taller", "Entrar / mi cuenta")


def etiquetas() -> dict[str, list[str]]:
    """Página del catálogo → textos que llegan a `t_etiqueta` desde listas fijas del dominio."""
    preguntas = formulario.PREGUNTAS
    return {
        "Varias páginas": [*MENU_PARTICIPAR, *(f.etiqueta for f in Fase), *(e.etiqueta for e in Estado)],
        "Proponer": [*(formulario.titulo_de(s, completa=c) for s in formulario.SECCIONES for c in (True, False)),
                     *(p.etiqueta_en(c) for p in preguntas for c in (True, False)),
                     *(p.ayuda for p in preguntas if p.ayuda), *(p.fila for p in preguntas if p.fila),
                     *(o for p in preguntas for o in p.opciones.values()), formulario.AVISO_DATOS,
                     *PROFUNDIDADES.values(), *modelo.ETIQUETAS_CAMPO.values()],
        "Propuestas": [*deliberacion.ORDENES.values(), *modelo.EJES_POR_DEFECTO],
        "Ficha de una propuesta": [*modelo.TIPOS_PROPONENTE.values(), *modelo.TIPOS_INTERVENCION.values(),
                                   *modelo.MADUREZ.values(), *modelo.FRANJAS_EDAD.values(),
                                   *(c.nombre for c in modelo.CRITERIOS_POR_DEFECTO), *PUBLICO_POR_ROL.values()],
        "Votar": [*(e.etiqueta for e in EstadoVotacion), *(r.etiqueta for r in Rol)],
        "Proyector": [*(e.etiqueta for e in EstadoVotacion),
                      *(p.etiqueta_puntaje for p in TipoPapeleta if p.etiqueta_puntaje)],
        "¿Qué pasó con lo priorizado?": [*(f.etiqueta for f in seguimiento_modelo.Fase), seguimiento_modelo.SIN_FASE],
    }


@functools.cache
def catalogo() -> list[traducciones.Entrada]:
    """Las entradas del catálogo de esta versión del código (se leen del código fuente, sin ejecutarlo, una vez por
    proceso: el código no cambia mientras la app corre)."""
    return traducciones.catalogo({p: [RAIZ / a for a in archivos] for p, archivos in PAGINAS.items()}, etiquetas())


# --- el idioma de esta sesión -----------------------------------------------------------------

def elegir_al_empezar() -> str:
    """Al empezar cada ejecución (el marco, app.py): el idioma pedido en la dirección (`?idioma=qwh`, p. ej. el
    proyector o un QR), el elegido en esta sesión o, la primera vez, el que recuerda la cookie del navegador."""
    pedido = st.query_params.get("idioma")
    if pedido in IDIOMAS:
        st.session_state[CLAVE] = pedido
    elif CLAVE not in st.session_state:
        recordado = st.context.cookies.get(COOKIE)
        st.session_state[CLAVE] = recordado if recordado in IDIOMAS else FUENTE
    return st.session_state[CLAVE]


def actual() -> str:
    """«es» o «qwh», el de esta sesión (lo fija `elegir_al_empezar`; `t` lo pregunta en cada texto: solo lee)."""
    idioma = st.session_state.get(CLAVE)
    return idioma if idioma is not None else elegir_al_empezar()


_candado = threading.Lock()
_leidas: dict[tuple[str, str], tuple[float, dict[str, tuple[str, str]]]] = {}


def _traducciones(idioma: str) -> dict[str, tuple[str, str]]:
    from paginas.base import conexion, ruta_db

    clave = (str(ruta_db()), idioma)
    with _candado:
        leidas = _leidas.get(clave)
    if leidas and time.monotonic() - leidas[0] < VIGENCIA:
        return leidas[1]
    with conexion() as db:
        datos = traducciones.cargar(db, idioma)
    with _candado:
        _leidas[clave] = (time.monotonic(), datos)
    return datos


def olvidar() -> None:
    """Tras importar o aprobar: la próxima ejecución lee las traducciones de la base."""
    with _candado:
        _leidas.clear()


def t(texto: str, **valores) -> str:
    """El texto (castellano literal, con `{marcadores}`) en el idioma de esta sesión, con los marcadores llenos."""
    return _en_el_idioma(texto, valores)


def t_etiqueta(texto: str) -> str:
    """Una etiqueta de una lista fija (declarada en `etiquetas()`), en el idioma de esta sesión."""
    return _en_el_idioma(texto, {})


def t_mensaje(mensaje: Mensaje) -> str:
    """Un `Mensaje` del dominio en el idioma de esta sesión: su plantilla traducida, con el nombre del campo
    (`etiqueta`) también traducido."""
    valores = dict(mensaje.valores)
    if "etiqueta" in valores:
        valores["etiqueta"] = _en_el_idioma(str(valores["etiqueta"]), {})
    return _en_el_idioma(mensaje.plantilla, valores)


def t_problema(problema: Problema | str) -> str:
    """El mensaje de un problema del dominio en el idioma de esta sesión (`Problema.de`); un problema sin plantilla
    (o un texto), tal cual en castellano."""
    if isinstance(problema, str):
        return problema
    return t_mensaje(problema.traducible) if problema.traducible else problema.mensaje


def _en_el_idioma(texto: str, valores: dict) -> str:
    idioma = actual()
    if idioma == FUENTE:
        return texto.format(**valores) if valores else texto
    guardada = _traducciones(idioma).get(traducciones.codigo(texto))
    return traducciones.traducir(texto, guardada[0] if guardada else None, valores)


# --- el selector ------------------------------------------------------------------------------

RECORDAR = """<script>
// Recuerda el idioma elegido en este navegador y lo declara a los lectores de pantalla.
document.cookie = %s;
try { window.parent.document.documentElement.lang = %s; } catch (e) {}
</script>"""


def _al_elegir() -> None:
    elegido = st.session_state.get(CLAVE_SELECTOR)
    if elegido in IDIOMAS:
        st.session_state[CLAVE] = elegido
        if "idioma" in st.query_params:  # lo elegido manda sobre lo que pedía la dirección
            del st.query_params["idioma"]


def selector() -> None:
    """Castellano | Quechua, arriba de la página. Cambia el texto al momento y lo recuerda en el navegador."""
    idioma = actual()
    st.session_state[CLAVE_SELECTOR] = idioma  # también si se deseleccionó: siempre hay un idioma elegido
    st.segmented_control(t("Idioma de la página"), list(IDIOMAS), format_func=IDIOMAS.get, key=CLAVE_SELECTOR,
                         on_change=_al_elegir, label_visibility="collapsed")
    if idioma != FUENTE:
        guardadas = _traducciones(idioma)
        hechos = sum(1 for e in catalogo() if e.codigo in guardadas)
        if hechos < len(catalogo()):
            st.caption(t("Traducción en curso: {hechos} de {total} textos están en quechua; lo que falta se ve en "
                         "castellano.", hechos=hechos, total=len(catalogo())))
    if st.context.cookies.get(COOKIE, FUENTE) != idioma:
        base = (st.get_option("server.baseUrlPath") or "").strip("/")
        cookie = f"{COOKIE}={idioma}; path=/{base}; max-age={VIDA_DE_LA_COOKIE}; samesite=lax"
        st.iframe(RECORDAR % (json.dumps(cookie), json.dumps(idioma)), height=1)
