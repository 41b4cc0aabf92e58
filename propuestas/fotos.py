"""Fotos de propuestas: validadas por su contenido (no por la extensión), sin metadatos (EXIF/GPS)."""
from __future__ import annotations

import io

from geo.modelo import Problema
from propuestas.modelo import DatosInvalidos

MAXIMO_MB = 8
LADO_MAXIMO = 1600
FIRMAS = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"GIF87a": "GIF", b"GIF89a": "GIF"}
OTROS = {b"%PDF": "un PDF", b"PK\x03\x04": "un archivo comprimido (ZIP/Office)", b"MZ": "un programa"}


def preparar_foto(contenido: bytes, nombre: str) -> tuple[bytes, int, int]:
    """Devuelve (JPEG re-codificado sin metadatos, ancho, alto) o lanza DatosInvalidos."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not contenido:
        raise _invalida(f"«{nombre}» está vacío.")
    if len(contenido) > MAXIMO_MB * 1024 * 1024:
        raise _invalida(f"«{nombre}» pesa {len(contenido) / 1024 / 1024:.1f} MB; el máximo es {MAXIMO_MB} MB.")
    formato = _formato(contenido)
    if formato is None:
        otro = next((t for firma, t in OTROS.items() if contenido.startswith(firma)), "otro tipo de archivo")
        raise _invalida(f"«{nombre}» es {otro}, no una foto; suba una imagen JPEG, PNG, WEBP o GIF.")
    try:
        with Image.open(io.BytesIO(contenido)) as imagen:
            imagen.load()
            imagen = ImageOps.exif_transpose(imagen)
            imagen.thumbnail((LADO_MAXIMO, LADO_MAXIMO))
            salida = io.BytesIO()
            imagen.convert("RGB").save(salida, "JPEG", quality=82, optimize=True)
            return salida.getvalue(), imagen.width, imagen.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _invalida(f"«{nombre}» parece {formato} pero está dañada ({error}).") from error


def miniatura(contenido: bytes, lado: int = 480) -> bytes:
    """JPEG chico para las tarjetas de la papeleta (60 celulares en el Wi-Fi del taller no bajan fotos de 1600 px)."""
    from PIL import Image

    with Image.open(io.BytesIO(contenido)) as imagen:
        imagen.thumbnail((lado, lado))
        salida = io.BytesIO()
        imagen.convert("RGB").save(salida, "JPEG", quality=72, optimize=True)
        return salida.getvalue()


def _formato(contenido: bytes) -> str | None:
    if contenido[:4] == b"RIFF" and contenido[8:12] == b"WEBP":
        return "WEBP"
    return next((f for firma, f in FIRMAS.items() if contenido.startswith(firma)), None)


def _invalida(mensaje: str) -> DatosInvalidos:
    return DatosInvalidos([Problema("foto", mensaje)])
