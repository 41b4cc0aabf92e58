"""La papeleta como la marca una persona en una página: un campo por tarjeta (casilla o semillas) o por puesto del
ranking, y lo que se le dice mientras marca. Puro: la página guarda los valores, aquí se decide qué significan.

El tipo de papeleta se mira solo aquí (y al validar, en `votacion.modelo`): la página de votar no se ramifica.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from nucleo.formato import formatear_soles
from votacion.modelo import Papeleta, TipoPapeleta, Votacion

NINGUNA = "—"  # el valor de un puesto del ranking sin propuesta


def es_ranking(votacion: Votacion) -> bool:
    return votacion.tipo == TipoPapeleta.RANKING


def control(votacion: Votacion) -> str:
    """Cómo se marca cada campo: «puesto» (elegir la propuesta de un lugar), «semillas» (un número) o «casilla»."""
    return "puesto" if es_ranking(votacion) else "semillas" if votacion.tipo == TipoPapeleta.PUNTOS else "casilla"


def campos(votacion: Votacion, codigos: list[str]) -> list[str]:
    """Los nombres de los campos de la papeleta: `puesto_0…` en un ranking; si no, el código de cada propuesta."""
    if es_ranking(votacion):
        return [f"puesto_{p}" for p in range(votacion.max_opciones)]
    return list(codigos)


def valores_iniciales(votacion: Votacion, codigos: list[str], anterior: Papeleta | None) -> dict[str, object]:
    """Los valores con que se abre la papeleta: los del voto vigente (sin las propuestas retiradas) o vacíos."""
    elegidas = [c for c in (anterior.elegidas if anterior else ()) if c in codigos]
    if es_ranking(votacion):
        return {f"puesto_{p}": elegidas[p] if p < len(elegidas) else NINGUNA for p in range(votacion.max_opciones)}
    if votacion.tipo == TipoPapeleta.PUNTOS:
        puntos = dict(zip(anterior.elegidas, anterior.puntos or ())) if anterior else {}
        return {c: puntos.get(c, 0) for c in codigos}
    return {c: c in elegidas for c in codigos}


def papeleta_de(votacion: Votacion, codigos: list[str], valores: Mapping[str, object]) -> Papeleta:
    """La papeleta que dicen los valores de la página (sin validar: eso lo hace el servidor al emitir)."""
    if es_ranking(votacion):
        puestos = (valores.get(campo, NINGUNA) for campo in campos(votacion, codigos))
        return Papeleta(tuple(str(c) for c in puestos if c not in (NINGUNA, None)))
    if votacion.tipo == TipoPapeleta.PUNTOS:
        puntos = {c: _entero(valores.get(c)) for c in codigos}
        return Papeleta(tuple(c for c, p in puntos.items() if p), tuple(p for p in puntos.values() if p))
    return Papeleta(tuple(c for c in codigos if valores.get(c)))


@dataclass(frozen=True)
class Resumen:
    """Lo que la papeleta dice arriba mientras se marca: un texto (Markdown sin texto de usuario), si es un aviso,
    la fracción del techo usada (papeleta de presupuesto) y la cuenta corta que se repite junto al botón."""

    texto: str
    aviso: bool = False
    fraccion: float | None = None
    junto_al_boton: str | None = None


def resumen(votacion: Votacion, papeleta: Papeleta, costos: Mapping[str, int]) -> Resumen:
    elegidas = len(papeleta.elegidas)
    if votacion.tipo == TipoPapeleta.PUNTOS:
        usadas = sum(papeleta.puntos or ())
        return Resumen(f"Semillas repartidas: **{usadas} de {votacion.puntos_total}** · le quedan "
                       f"{max(votacion.puntos_total - usadas, 0)}",
                       junto_al_boton=f"Elegidas: {elegidas} · semillas {usadas} de {votacion.puntos_total}")
    if votacion.tipo == TipoPapeleta.PRESUPUESTO:
        total = sum(costos[c] for c in papeleta.elegidas)
        return Resumen(f"Usa {formatear_soles(total)} de {formatear_soles(votacion.techo_centimos)}",
                       fraccion=min(total / votacion.techo_centimos, 1.0))
    if es_ranking(votacion):
        return Resumen("")  # los puestos ya dicen cuántas van
    if elegidas > votacion.max_opciones:
        return Resumen(f"Elegidas: **{elegidas} de {votacion.max_opciones}**: quite {elegidas - votacion.max_opciones} "
                       "antes de votar.", aviso=True, junto_al_boton=f"Elegidas: {elegidas} de {votacion.max_opciones}")
    return Resumen(f"Elegidas: **{elegidas} de {votacion.max_opciones}**",
                   junto_al_boton=f"Elegidas: {elegidas} de {votacion.max_opciones}")


def _entero(valor: object) -> int:
    """Las semillas de un campo: lo que la página guardó (número o texto), o 0 si está vacío."""
    return int(valor) if isinstance(valor, (int, float, str)) and str(valor).strip() else 0
