"""La base común de la plataforma, sin territorio ni propuestas: la base de datos SQLite (conexión, la única vía
de escritura, migraciones compartidas, eventos de solo agregar, respaldo y restauración, el secreto de los
códigos), la hora, el dinero y las fechas dichos para una persona, los errores y las piezas de los PDF.

Es el primer piso: no importa ningún otro paquete de la plataforma (nucleo ← identidad ← geo ← propuestas ←
votacion ← paginas).
"""
from nucleo.db import (
                       ErrorAlmacen,
                       Evento,
                       abrir,
                       ahora,
                       escritura,
                       mantener_abierta,
                       registrar_evento,
                       ruta_configurada,
)
from nucleo.errores import ErrorPlataforma, Problema

__all__ = ["ErrorAlmacen", "ErrorPlataforma", "Evento", "Problema", "abrir", "ahora", "escritura",
           "mantener_abierta", "registrar_evento", "ruta_configurada"]
