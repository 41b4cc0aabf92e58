"""Territorio: límites distritales, indicadores, centros poblados, punto-en-distrito y mapas."""
from geo.modelo import (
                        TOLERANCIA_M,
                        CentroPoblado,
                        Distrito,
                        ErrorGeo,
                        ImportacionInvalida,
                        Punto,
                        PuntoFuera,
                        PuntoInvalido,
                        SinTerritorio,
                        Territorio,
                        centro_mas_cercano,
)

__all__ = [
    "TOLERANCIA_M", "CentroPoblado", "Distrito", "ErrorGeo", "ImportacionInvalida", "Punto", "PuntoFuera",
    "PuntoInvalido", "SinTerritorio", "Territorio", "centro_mas_cercano",
]
