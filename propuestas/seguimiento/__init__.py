"""Seguimiento de lo priorizado: cada proyecto en acta, su fase de inversión (Invierte.pe), montos PIA / PIM /
devengado, avances, hitos y actualizaciones fechadas con evidencia; la hoja para exportar e importar; la línea de
tiempo pública. Solo se agrega: una corrección es otra actualización."""
from propuestas.seguimiento.modelo import (
    CAMPOS,
    DIAS_SIN_NOTICIAS,
    ETIQUETAS,
    ETIQUETAS_FASE,
    SIN_FASE,
    Alertas,
    Cambios,
    Fase,
    Hito,
    Situacion,
    leer_porcentaje,
)
from propuestas.seguimiento.servicios import (
    MAXIMO_PDF_MB,
    Momento,
    Proyecto,
    actualizaciones,
    agregar_hito,
    describir,
    evidencia,
    linea_de_tiempo,
    preparar,
    preparar_evidencia,
    proyecto,
    proyectos,
    registrar_actualizacion,
    version,
)

__all__ = ["Alertas", "CAMPOS", "Cambios", "DIAS_SIN_NOTICIAS", "ETIQUETAS", "ETIQUETAS_FASE", "Fase", "Hito",
           "MAXIMO_PDF_MB", "Momento", "Proyecto", "SIN_FASE", "Situacion", "actualizaciones", "agregar_hito",
           "describir", "evidencia", "leer_porcentaje", "linea_de_tiempo", "preparar", "preparar_evidencia",
           "proyecto", "proyectos", "registrar_actualizacion", "version"]
