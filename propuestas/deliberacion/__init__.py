"""Deliberación sobre las propuestas: argumentos con postura, apoyos, moderación, fusión y síntesis."""
from propuestas.deliberacion.modelo import MOTIVOS_REPORTE, Argumento, DemasiadosMensajes, NoPermitido, Postura
from propuestas.deliberacion.servicios import (
                                               ORDENES,
                                               Deliberacion,
                                               Pendiente,
                                               ResumenDeliberacion,
                                               anotar_cuentas,
                                               apoyar,
                                               apoyar_argumento,
                                               argumentar,
                                               cerrar_deliberacion,
                                               cola_de_moderacion,
                                               deliberacion,
                                               descartar_reportes,
                                               escribir_sintesis,
                                               fusionar,
                                               ocultar,
                                               reabrir_deliberacion,
                                               reportar,
                                               restablecer,
                                               resumen,
                                               retirar_apoyo,
                                               retirar_apoyo_argumento,
                                               version,
)

__all__ = ["MOTIVOS_REPORTE", "ORDENES", "anotar_cuentas", "version", "Argumento", "Deliberacion", "DemasiadosMensajes", "NoPermitido", "Pendiente", "Postura",
           "ResumenDeliberacion", "apoyar", "apoyar_argumento", "argumentar", "cerrar_deliberacion",
           "cola_de_moderacion", "deliberacion", "descartar_reportes", "escribir_sintesis", "fusionar", "ocultar",
           "reabrir_deliberacion", "reportar", "restablecer", "resumen", "retirar_apoyo", "retirar_apoyo_argumento"]
