"""Territorio: límites distritales, indicadores, centros poblados, punto-en-distrito y mapas.

También aloja la base de almacenamiento compartida (`geo.db`), porque `geo` es el primer
eslabón de la cadena de dependencias.
"""
from geo.db import (ErrorAlmacen, Evento, abrir, ahora, escritura, mantener_abierta, registrar_evento,
                    ruta_configurada)
from geo.modelo import (TOLERANCIA_M, CentroPoblado, Distrito, ErrorGeo, ImportacionInvalida, Problema,
                        Punto, PuntoFuera, PuntoInvalido, SinTerritorio, Territorio, centro_mas_cercano)

__all__ = [
    "TOLERANCIA_M", "CentroPoblado", "Distrito", "ErrorAlmacen", "ErrorGeo", "Evento", "ImportacionInvalida",
    "Problema", "Punto", "PuntoFuera", "PuntoInvalido", "SinTerritorio", "Territorio", "abrir", "ahora",
    "centro_mas_cercano", "escritura", "mantener_abierta", "registrar_evento", "ruta_configurada",
]
