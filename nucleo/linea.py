"""Piezas que comparten las líneas de comandos (`python -m geo|propuestas|votacion`): leer lo que la persona
escribe como la app lo muestra, y decir el error en castellano."""
from __future__ import annotations

import argparse


def numero_de_votacion(texto: str) -> int:
    """`--votacion`: el número que muestra la app (`3`, también `n.º 3`); si no es un número, lo dice en castellano."""
    limpio = texto.strip().lower().removeprefix("n.º").removeprefix("nº").strip()
    if not limpio.isdigit() or len(limpio) > 9:
        raise argparse.ArgumentTypeError(f"se espera el número de la votación (el «n.º» que muestra «Votaciones y "
                                         f"papeletas»), no «{texto}»")
    return int(limpio)
