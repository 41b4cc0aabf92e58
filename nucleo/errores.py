"""La raíz de los errores de la plataforma: todo error que una persona debe leer es un `ErrorPlataforma`.

Su texto es el mensaje para la persona (en castellano, sin rutas del servidor) y `problemas` trae, si los hay,
los campos que corregir. Las páginas lo convierten en un aviso en un solo lugar (`paginas.texto.mostrar_error`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mensaje:
    """Un texto para la persona que la página puede mostrar en otro idioma: la plantilla, un texto literal en
    castellano con sus {marcadores} (entra al catálogo de textos, ver paginas/traduccion.py), y sus datos. `str()` da
    el castellano. El valor `etiqueta` (el nombre de un campo) también se traduce."""

    plantilla: str
    valores: tuple[tuple[str, object], ...] = ()

    @classmethod
    def con(cls, plantilla: str, **valores) -> Mensaje:
        return cls(plantilla, tuple(valores.items()))

    def __str__(self) -> str:
        return self.plantilla.format(**dict(self.valores)) if self.valores else self.plantilla


@dataclass(frozen=True)
class Problema:
    """Un problema de un dato: en qué elemento (distrito, fila), qué campo y qué pasa."""

    campo: str
    mensaje: str
    elemento: str = ""
    plantilla: str = ""                            # el mensaje con sus {marcadores}, para traducirlo en la página
    valores: tuple[tuple[str, object], ...] = ()   # los datos de los marcadores

    @classmethod
    def de(cls, campo: str, plantilla: str, **valores) -> Problema:
        """Un problema cuyo mensaje la página puede mostrar en otro idioma (ver `Mensaje`); `mensaje` queda en
        castellano, como siempre."""
        return cls(campo, plantilla.format(**valores), plantilla=plantilla, valores=tuple(valores.items()))

    @property
    def traducible(self) -> Mensaje | None:
        return Mensaje(self.plantilla, self.valores) if self.plantilla else None

    def __str__(self) -> str:
        prefijo = f"{self.elemento} · " if self.elemento else ""
        return f"{prefijo}{self.campo}: {self.mensaje}"


class ErrorPlataforma(Exception):
    """Base de los errores para la persona usuaria; `problemas` lista los campos que corregir (puede ir vacía)."""

    def __init__(self, mensaje: str = "", problemas: list[Problema] | None = None):
        super().__init__(mensaje)
        self.problemas: list[Problema] = list(problemas or [])


class DatosInvalidos(ErrorPlataforma):
    """Uno o más campos no son válidos; `problemas` los trae todos, cada uno con su campo."""

    def __init__(self, problemas: list[Problema]):
        super().__init__("Revise los datos:\n" + "\n".join(f"- {p}" for p in problemas), problemas)


class NoEncontrada(ErrorPlataforma):
    """No existe lo pedido: el proceso, la propuesta, el borrador, la votación o el agente participante."""


def explicar(error: ErrorPlataforma) -> str:
    """El texto para la persona: el mensaje y, debajo, cada problema que el mensaje no diga ya."""
    texto = str(error)
    faltan = [f"- {p}" for p in error.problemas if str(p) not in texto]
    return "\n".join([texto, *faltan])
