"""Fotos de propuestas: validadas por su contenido (no por la extensión), sin metadatos (EXIF/GPS).

Las sube el público sin cuenta, así que la foto se acota antes de decodificarla: Pillow lee solo la cabecera
al abrir, y el decodificador reserva memoria para el ancho × alto de esa cabecera (nunca más, aunque los datos
sigan: lo que sobra se ignora). Se rechaza por encima de `PIXELES_MAXIMOS` antes de `load()`. Un JPEG grande
(una cámara de 50 megapíxeles) se decodifica ya reducido a 1/2, 1/4 u 1/8 (`draft`), y el límite se aplica a
ese tamaño reducido.
"""
from __future__ import annotations

import io
import warnings

from geo.modelo import Problema
from nucleo.errores import DatosInvalidos

MAXIMO_MB = 8
LADO_MAXIMO = 1600
PIXELES_MAXIMOS = 25_000_000  # decodificados: 100 MB como mucho (4 bytes por píxel); un celular da 12 a 50 Mpx
FORMATOS_PILLOW = ("JPEG", "PNG", "GIF", "WEBP")  # JPEG incluye el MPO de algunos celulares
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
        with warnings.catch_warnings():  # el aviso de Pillow sobra: el tamaño se revisa aquí mismo
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            imagen = Image.open(io.BytesIO(contenido), formats=FORMATOS_PILLOW)
        with imagen:
            declarado = imagen.size
            imagen.draft(imagen.mode, (LADO_MAXIMO, LADO_MAXIMO))  # solo JPEG: decodifica ya reducido
            if imagen.width * imagen.height > PIXELES_MAXIMOS:
                raise _demasiado_grande(nombre, *declarado)
            imagen.load()
            imagen.thumbnail((LADO_MAXIMO, LADO_MAXIMO))  # antes de girar: girar copia la imagen entera
            imagen = ImageOps.exif_transpose(imagen)
            salida = io.BytesIO()
            imagen.convert("RGB").save(salida, "JPEG", quality=82, optimize=True)
            return salida.getvalue(), imagen.width, imagen.height
    except Image.DecompressionBombError:
        raise _demasiado_grande(nombre) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _invalida(f"«{nombre}» parece {formato} pero está dañada ({error}).") from error


def _demasiado_grande(nombre: str, ancho: int | None = None, alto: int | None = None) -> DatosInvalidos:
    medida = f"mide {ancho:,} × {alto:,} píxeles ({ancho * alto / 1e6:,.0f} megapíxeles)" if ancho else \
        "es enorme (más de 178 megapíxeles)"
    return _invalida(f"«{nombre}» {medida}; el máximo es {PIXELES_MAXIMOS / 1e6:.0f} megapíxeles. Tómela con "
                     "menos resolución o redúzcala (p. ej. a 4000 × 3000) y vuelva a subirla.")


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
