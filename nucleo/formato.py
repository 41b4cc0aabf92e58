"""Cómo se dicen para una persona las fechas, las horas, el dinero y el texto que escribe: puro, sin E/S.

Las marcas `*_en` se guardan en UTC y se muestran en hora del Perú; el dinero se guarda en céntimos (entero) y se
muestra en soles; el texto que llega de una persona se limpia (NFC, sin caracteres de control) antes de guardarse.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from nucleo.errores import ErrorPlataforma


class MontoInvalido(ErrorPlataforma, ValueError):
    """El texto no es un monto en soles claro; el mensaje dice cómo escribirlo."""


# --- fechas y horas -------------------------------------------------------------------------

MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre")


def formatear_fecha(fecha: dt.date) -> str:
    return f"{fecha.day} de {MESES[fecha.month - 1]} de {fecha.year}"


HORA_PERU = dt.timezone(dt.timedelta(hours=-5), "PET")
"""El Perú: UTC−5 todo el año (sin horario de verano). Las marcas `*_en` se guardan en UTC; se muestran en esta."""


def hora_local(momento: str | dt.datetime) -> dt.datetime:
    """Una marca `*_en` (texto ISO con zona) o una hora con zona, pasada a la hora del Perú."""
    return (dt.datetime.fromisoformat(momento) if isinstance(momento, str) else momento).astimezone(HORA_PERU)


def formatear_momento(momento: str | dt.datetime) -> str:
    """En hora del Perú, corta: «5 dic 2026, 10:00»."""
    local = hora_local(momento)
    return f"{local.day} {MESES[local.month - 1][:3]} {local.year}, {local:%H:%M}"


def formatear_fecha_y_hora(momento: str | dt.datetime) -> str:
    """En hora del Perú, en una frase: «5 de diciembre de 2026 a las 10:00»."""
    local = hora_local(momento)
    return f"{formatear_fecha(local.date())} a las {local:%H:%M}"


# --- texto y dinero -------------------------------------------------------------------------

def limpiar(texto: str | None) -> str:
    """NFC, sin espacios en los extremos y sin caracteres de control (salvo saltos de línea)."""
    texto = unicodedata.normalize("NFC", str(texto or ""))
    return "".join(c for c in texto if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def limpiar_linea(texto: str | None) -> str:
    """Para los campos de una sola línea (título, nombre, organización, contacto…): como `limpiar`, pero todo
    salto de línea, tabulación, carácter de control o separador de línea o de párrafo (U+2028, U+2029, U+0085)
    se vuelve un espacio, y varios espacios seguidos, uno. Un título pegado con saltos desde un documento queda
    en una línea, como se verá en la papeleta, el proyector, el acta y el archivo .pb."""
    texto = unicodedata.normalize("NFC", str(texto or ""))
    return " ".join("".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in texto).split())


MONTO_MAXIMO_SOLES = 100_000_000_000


def soles_a_centimos(texto: str | int | float | None) -> int | None:
    """Convierte «S/ 1,234.50», «1.234,50», «1234.5» o «2 500» a céntimos (entero).

    Regla documentada: si hay punto y coma, el separador decimal es el que va último. Si hay
    un solo tipo de separador y le siguen exactamente 3 dígitos (una o más veces), son miles;
    si le siguen 1 o 2 dígitos, es decimal. Lanza `MontoInvalido` con el mensaje para la persona.
    """
    if texto is None or (isinstance(texto, str) and not texto.strip()):
        return None
    if isinstance(texto, bool) or not isinstance(texto, (int, float, str)):
        raise MontoInvalido(f"{texto!r} no es un monto.")
    if isinstance(texto, (int, float)):
        if not 0 <= texto <= MONTO_MAXIMO_SOLES:
            raise MontoInvalido(f"El monto {texto} no es válido; debe estar entre 0 y {MONTO_MAXIMO_SOLES:,}.")
        return round(texto * 100)
    original = texto
    limpio = re.sub(r"(?i)^\s*(s/\.?|pen)\s*", "", texto.strip()).replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"\d[\d.,]*", limpio):
        raise MontoInvalido(f"«{original}» no es un monto en soles; escriba solo números, p. ej. 15000 o 15,000.50.")
    if "." in limpio and "," in limpio:
        decimal = "." if limpio.rfind(".") > limpio.rfind(",") else ","
        miles = "," if decimal == "." else "."
        entero, _, fraccion = limpio.rpartition(decimal)
        if not re.fullmatch(r"\d{1,3}(\%s\d{3})*" % miles, entero) or not re.fullmatch(r"\d{1,2}", fraccion):
            raise MontoInvalido(f"«{original}» no es un monto claro; use p. ej. 1,234.50.")
        entero = entero.replace(miles, "")
    else:
        separador = "." if "." in limpio else ("," if "," in limpio else None)
        if separador is None:
            entero, fraccion = limpio, ""
        elif re.fullmatch(r"\d{1,3}(\%s\d{3})+" % separador, limpio):
            entero, fraccion = limpio.replace(separador, ""), ""
        elif re.fullmatch(r"\d+\%s\d{1,2}" % separador, limpio):
            entero, _, fraccion = limpio.partition(separador)
        else:
            raise MontoInvalido(f"«{original}» no es un monto claro; use p. ej. 15000 o 15,000.50.")
    if len(entero) > 12:
        raise MontoInvalido(f"«{original}» es un monto desmesurado; el máximo es {MONTO_MAXIMO_SOLES:,} soles.")
    return int(entero) * 100 + int((fraccion + "00")[:2])


def formatear_soles(centimos: int | None) -> str:
    if centimos is None:
        return "—"
    return f"S/ {centimos // 100:,}.{centimos % 100:02d}"


def formatear_soles_corto(centimos: float | None) -> str:
    """Para etiquetas de mapas: «S/ 1.2 M», «S/ 350 mil», «S/ 800»; vacío si no hay monto."""
    soles = (centimos or 0) / 100
    if not soles:
        return ""
    if soles >= 1_000_000:
        return f"S/ {soles / 1_000_000:,.1f} M"
    if soles >= 1_000:
        return f"S/ {soles / 1_000:,.0f} mil"
    return f"S/ {soles:,.0f}"


