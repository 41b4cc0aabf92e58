"""Casos de uso de la votación: organizarla, emitir papeletas (celular y papel), contar y publicar.

Cada escritura es una transacción `BEGIN IMMEDIATE` (vía `nucleo.db.escritura`) que vuelve a leer el
estado de la votación adentro: cerrar y votar al mismo tiempo no deja pasar un voto tardío, y dos
celulares con el mismo código no dejan dos papeletas vigentes (cuenta la última de cada persona en la
cadena; un trigger exige que cada cambio de voto reemplace justo a esa última).

Ciclo: preparada → abierta ⇄ pausada → conteo de papel (celulares cerrados) → cerrada (definitiva). Al cerrar
se anotan el ancla de la cadena y el resultado congelado; después nada lo cambia salvo reabrir con motivo.

Este módulo es la fachada que usan las páginas y las líneas de comandos: los casos de uso viven en
`votacion.organizar`, `ciclo`, `taller`, `papeletas`, `conteo` y `publicar`.
"""
from __future__ import annotations

from sqlite_utils import Database

from geo import almacen as territorio_almacen
from identidad import almacen as identidad_almacen
from nucleo import esquema
from propuestas import almacen as propuestas_almacen
from propuestas import tablas_deliberacion
from propuestas.deliberacion import servicios as deliberacion
from propuestas.seguimiento import almacen as seguimiento_almacen
from votacion import almacen, cadena
from votacion.ciclo import cambiar_estado  # noqa: F401
from votacion.conteo import (  # noqa: F401
    ResultadoVotacion,
    ancla,
    ancla_de,
    contar_eleccion,
    contar_votacion,
    eleccion_de,
    eleccion_viva,
    eslabones,
    exigir_resultados,
    explicar_partes_iguales,
    motivos_partes_iguales,
    puede_ver_resultados,
    resultados,
    sello_del_cierre,
    verificar_cadena,
)
from votacion.formalizar import acta_firmada, firmar_acta, pdf_del_acta_firmada  # noqa: F401
from votacion.organizar import (  # noqa: F401
    abierta_para_votar,
    actualizar_votacion,
    candidatas,
    crear_votacion,
    elegibles,
    exigir_del_proceso,
    fotos_de_la_papeleta,
    listar,
    miniatura,
    mostrar_resultados,
    nueva_votacion,
    obtener,
    propuestas_viables,
    registrar_asistencia,
    version,
)
from votacion.papeletas import (  # noqa: F401
    Recibo,
    cuantas_por_canal,
    digitar_papel,
    emitir,
    mi_papeleta,
    ocultar_propuesta,
    por_que_no_se_vota,
    reaperturas,
    retiradas,
    retirar_propuesta,
    revisar_papel,
    votaciones_en_curso_con,
)
from votacion.publicar import CABECERA_CSV, archivo_pb, exportar_csv, exportar_pb  # noqa: F401
from votacion.taller import (  # noqa: F401
    MINUTOS_CUENTA_REGRESIVA,
    SIN_ORGANIZACION,
    acuerdos,
    anotar_acuerdo,
    asistencia_del_taller,
    contar_asistencia,
    detener_cuenta_regresiva,
    en_vivo,
    iniciar_cuenta_regresiva,
    registrar_en_el_taller,
    retirar_acuerdo,
    segundos_restantes,
    tablero_del_taller,
    unirse,
    version_del_acta,
)

ORIGEN_CADENA = cadena.ORIGEN
# Los conjuntos de migraciones de la plataforma, en el orden en que `preparar` los aplica: con ellos se arma el
# esquema de referencia contra el que se revisa un respaldo antes de restaurarlo.
MIGRACIONES = (esquema.migraciones, identidad_almacen.migraciones, territorio_almacen.migraciones,
               propuestas_almacen.migraciones, tablas_deliberacion.migraciones, almacen.migraciones,
               seguimiento_almacen.migraciones)


def preparar(db: Database) -> None:
    """Las migraciones de toda la plataforma (dos veces no hace nada)."""
    deliberacion.preparar(db)
    almacen.aplicar_migraciones(db)
    seguimiento_almacen.aplicar_migraciones(db)
