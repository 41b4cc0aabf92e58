"""Publicar los resultados: el archivo pabulib `.pb` (con el ancla de la cadena en su META) y el CSV.
"""
from __future__ import annotations

import csv
import io

from sqlite_utils import Database

from identidad.acceso import Actor
from propuestas.hoja import neutralizar
from votacion import almacen, pabulib
from votacion.conteo import ResultadoVotacion, eleccion_de, exigir_resultados
from votacion.modelo import (
    EstadoVotacion,
)
from votacion.organizar import obtener


def exportar_pb(db: Database, votacion_id: int, *, actor: Actor) -> str:
    """El archivo .pb publicado: cualquiera lo recuenta con `python -m votacion contar ARCHIVO.pb`."""
    exigir_resultados(db, votacion_id, actor=actor)
    return archivo_pb(db, votacion_id)


def archivo_pb(db: Database, votacion_id: int) -> str:
    """El cómputo de `exportar_pb`, sin preguntar permiso: el congelado al cierre o, antes, el de ahora."""
    votacion = obtener(db, votacion_id)
    cierres = almacen.cierres(db, votacion_id) if votacion.estado == EstadoVotacion.CERRADA else []
    return cierres[-1]["archivo_pb"] if cierres else pabulib.escribir(eleccion_de(db, votacion))


CABECERA_CSV = ("rango", "codigo", "titulo", "distrito", "ubigeo", "costo_soles", "votos", "puntaje",
                "pct_votantes", "puntaje_tecnico", "puntaje_combinado", "financiada", "financiada_mes")


def exportar_csv(resultado: ResultadoVotacion) -> str:
    """Resultados en CSV (UTF-8 con BOM, separador `;`), a salvo de fórmulas en hojas de cálculo."""
    salida = io.StringIO()
    salida.write("\ufeff")
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow(CABECERA_CSV)
    for f in resultado.filas:
        escritor.writerow([f["rango"], neutralizar(f["codigo"]), neutralizar(f["titulo"]), neutralizar(f["distrito"]),
                           f["ubigeo"], f"{f['costo_centimos'] / 100:.2f}", f["votos"], f"{f['puntaje']:g}",
                           f"{f['pct_votantes']:.1f}", "" if f["puntaje_tecnico"] is None else f"{f['puntaje_tecnico']:g}",
                           f"{f['combinado']:.2f}", "sí" if f["financiada"] else "no",
                           "sí" if f["financiada_comparacion"] else "no"])
    return salida.getvalue()
