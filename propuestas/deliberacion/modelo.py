"""Dominio de la deliberación: posturas, argumentos, reportes y las reglas que los validan.

Puro: sin E/S; la hora llega como argumento.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from geo.modelo import Problema
from nucleo.errores import DatosInvalidos
from nucleo.formato import limpiar
from propuestas.modelo import ErrorPropuestas


class Postura(enum.Enum):
    A_FAVOR = "a_favor"
    EN_CONTRA = "en_contra"
    OBSERVACION = "observacion"

    @property
    def etiqueta(self) -> str:
        return {"a_favor": "A favor", "en_contra": "En contra", "observacion": "Observación"}[self.value]


LARGO_MINIMO = 3
LARGO_MAXIMO = 3000
# Límites de publicación por persona: (cantidad, ventana en segundos).
LIMITES_PUBLICACION = ((5, 60), (40, 3600))
MOTIVOS_REPORTE = {
    "ofensivo": "Insulto, amenaza o lenguaje ofensivo",
    "datos_personales": "Expone datos personales de alguien",
    "spam": "Publicidad o mensajes repetidos",
    "falso": "Información falsa o engañosa",
    "otro": "Otro motivo",
}
LIMITE_REPORTES = (10, 3600)


class DemasiadosMensajes(ErrorPropuestas):
    """La persona publicó demasiado en poco tiempo; el texto dice cuánto esperar."""


class NoPermitido(ErrorPropuestas):
    """La acción no procede sobre ese objeto (oculto, fusionado, deliberación cerrada…); dice por qué."""


def validar_argumento(texto: str | None, postura: str | Postura | None) -> tuple[str, Postura]:
    """Texto limpio y postura; todos los problemas a la vez. Nada se recorta en silencio."""
    problemas = []
    limpio = limpiar(texto) if isinstance(texto, (str, type(None))) else ""
    if len(limpio) < LARGO_MINIMO:
        problemas.append(Problema("texto", "Escriba su argumento (al menos 3 caracteres)." if not limpio else
                                  f"El argumento tiene {len(limpio)} caracteres; escriba al menos {LARGO_MINIMO}."))
    elif len(limpio) > LARGO_MAXIMO:
        problemas.append(Problema("texto", f"El argumento tiene {len(limpio):,} caracteres; el máximo es "
                                           f"{LARGO_MAXIMO:,}. Resuma o divídalo en dos."))
    try:
        elegida = postura if isinstance(postura, Postura) else Postura(postura)
    except ValueError:
        problemas.append(Problema("postura", f"La postura {postura!r} no es válida; elija a favor, en contra u "
                                             "observación."))
        elegida = None
    if problemas:
        raise DatosInvalidos(problemas)
    return limpio, elegida


def validar_motivo(texto: str | None, *, campo: str = "motivo", minimo: int = 5, maximo: int = 500) -> str:
    limpio = limpiar(texto) if isinstance(texto, (str, type(None))) else ""
    if len(limpio) < minimo:
        raise DatosInvalidos([Problema(campo, f"Escriba el motivo (al menos {minimo} caracteres); "
                                              f"tiene {len(limpio)}.")])
    if len(limpio) > maximo:
        raise DatosInvalidos([Problema(campo, f"El motivo tiene {len(limpio):,} caracteres; el máximo es {maximo:,}.")])
    return limpio


def validar_reporte(categoria: str | None, detalle: str | None) -> tuple[str, str]:
    problemas = []
    if categoria not in MOTIVOS_REPORTE:
        problemas.append(Problema("categoria", f"El motivo {categoria!r} no es válido; elija uno de la lista."))
    limpio = limpiar(detalle) if isinstance(detalle, (str, type(None))) else ""
    if categoria == "otro" and len(limpio) < 5:
        problemas.append(Problema("detalle", "Con «Otro motivo» explique en pocas palabras qué pasa."))
    if len(limpio) > 500:
        problemas.append(Problema("detalle", f"El detalle tiene {len(limpio):,} caracteres; el máximo es 500."))
    if problemas:
        raise DatosInvalidos(problemas)
    return categoria, limpio


def espera_para_publicar(momentos: list[dt.datetime], ahora: dt.datetime,
                         limites: tuple[tuple[int, int], ...] = LIMITES_PUBLICACION) -> int:
    """Segundos que faltan para poder publicar otra vez (0: puede ya). `momentos`: sus publicaciones recientes."""
    espera = 0
    for cantidad, ventana in limites:
        dentro = sorted(m for m in momentos if (ahora - m).total_seconds() < ventana)
        if len(dentro) >= cantidad:
            libera = dentro[len(dentro) - cantidad] + dt.timedelta(seconds=ventana)
            espera = max(espera, int((libera - ahora).total_seconds()) + 1)
    return espera


def explicar_espera(segundos: int, cantidad_reciente: int) -> str:
    tiempo = f"{segundos} segundos" if segundos < 120 else f"{round(segundos / 60)} minutos"
    return (f"Publicó {cantidad_reciente} mensajes en poco tiempo. Para que todas las voces se lean, espere "
            f"{tiempo} antes de publicar otro; su texto sigue en el formulario.")


@dataclass
class Argumento:
    """Un comentario con postura; `texto` es None si está oculto y quien mira no puede verlo."""

    id: int
    propuesta: str
    padre_id: int | None
    postura: Postura
    texto: str | None
    autor: str
    creado_en: str
    apoyos: int = 0
    apoyado_por_mi: bool = False
    es_mio: bool = False
    oculto_en: str | None = None
    oculto_motivo: str | None = None
    respuestas: list["Argumento"] = field(default_factory=list)

    @property
    def esta_oculto(self) -> bool:
        return self.oculto_en is not None


def destacados(argumentos: list[Argumento], postura: Postura, cantidad: int = 3) -> list[Argumento]:
    """Los argumentos principales más apoyados de una postura (visibles); empate: el más antiguo."""
    candidatos = [a for a in argumentos if a.padre_id is None and a.postura == postura and not a.esta_oculto]
    return sorted(candidatos, key=lambda a: (-a.apoyos, a.creado_en, a.id))[:cantidad]


def contar_posturas(argumentos: list[Argumento]) -> dict[Postura, int]:
    """Argumentos visibles por postura, contando también las respuestas."""
    cuenta = {p: 0 for p in Postura}
    for argumento in _todos(argumentos):
        if not argumento.esta_oculto:
            cuenta[argumento.postura] += 1
    return cuenta


def _todos(argumentos: list[Argumento]):
    for argumento in argumentos:
        yield argumento
        yield from _todos(argumento.respuestas)


def equilibrio(a_favor: int, en_contra: int) -> float:
    """0 = todos de un lado; 1 = tantos argumentos a favor como en contra."""
    mayor = max(a_favor, en_contra)
    return min(a_favor, en_contra) / mayor if mayor else 0.0


MINIMO_POR_LADO_DESACUERDO = 2


def hay_desacuerdo(a_favor: int, en_contra: int) -> bool:
    """Desacuerdo fuerte: al menos 2 argumentos de cada lado y el lado menor con la mitad o más del mayor."""
    return min(a_favor, en_contra) >= MINIMO_POR_LADO_DESACUERDO and equilibrio(a_favor, en_contra) >= 0.5
