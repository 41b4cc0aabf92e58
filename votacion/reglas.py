"""Reglas de conteo de presupuesto participativo, con numpy: la familia greedy de pabulib y el
Método de Partes Iguales (MES) con utilidades de costo, su completado `add1`, `add1-comparison`
y MES completado con greedy.

Empates: nunca en silencio. Cada regla devuelve los empates que hubo y cómo se resolvieron:
primero el menor costo, luego más votos, luego el orden del archivo.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from votacion.pabulib import Eleccion

TOLERANCIA = 1e-9  # relativa: dos ρ (o dos puntajes) más cerca que esto son un empate


class ReglaDesconocida(ValueError):
    pass


@dataclass
class Perfil:
    """La elección en arreglos: costos, a quién apoya cada votante y el puntaje de cada proyecto."""

    ids: list[str]
    costos: np.ndarray          # (m,) float
    presupuesto: float
    apoyantes: list[np.ndarray]  # por proyecto: índices de votantes que lo eligieron
    votos: np.ndarray           # (m,) int: votantes que lo eligieron
    puntajes: np.ndarray        # (m,) float: votos (aprobación), puntos (acumulativo) o posicionales (ordinal)
    votantes: int
    umbral: float | None = None

    def apoyos_por_votante(self, elegidos: list[int]) -> np.ndarray:
        """Cuántos de los proyectos `elegidos` apoya cada votante."""
        cuenta = np.zeros(self.votantes, dtype=np.int64)
        for j in elegidos:
            cuenta[self.apoyantes[j]] += 1
        return cuenta


def perfil_de(eleccion: Eleccion) -> Perfil:
    ids = [p.id for p in eleccion.proyectos]
    indice = {pid: j for j, pid in enumerate(ids)}
    m, n = len(ids), len(eleccion.papeletas)
    largos = np.fromiter((len(p) for p in eleccion.papeletas), dtype=np.int64, count=n)
    filas = np.repeat(np.arange(n), largos)
    columnas = np.fromiter((indice[pid] for papeleta in eleccion.papeletas for pid in papeleta), dtype=np.int64,
                           count=int(largos.sum()))
    orden = np.argsort(columnas, kind="stable")
    limites = np.searchsorted(columnas[orden], np.arange(m + 1))
    apoyantes = [filas[orden[limites[j]:limites[j + 1]]] for j in range(m)]
    votos = np.diff(limites)
    if eleccion.tipo == "cumulative":
        valores = np.fromiter((p for puntos in eleccion.puntos for p in puntos), dtype=float, count=len(columnas))
        puntajes = np.bincount(columnas, weights=valores, minlength=m)
    elif eleccion.tipo == "ordinal":
        largo_maximo = int(eleccion.meta_numero("max_length") or (largos.max() if n else 0))
        posicion = np.arange(len(columnas)) - np.repeat(np.cumsum(largos) - largos, largos)
        puntajes = np.bincount(columnas, weights=(largo_maximo - posicion).astype(float), minlength=m)
    else:
        puntajes = votos.astype(float)
    costos = np.array([float(p.costo) for p in eleccion.proyectos])
    return Perfil(ids, costos, float(eleccion.presupuesto), apoyantes, votos, puntajes, n,
                  eleccion.meta_numero("min_project_score_threshold"))


@dataclass(frozen=True)
class Empate:
    """Proyectos empatados en un paso, el que se eligió y por qué."""

    entre: tuple[str, ...]
    elegido: str
    criterio: str


@dataclass
class Resultado:
    regla: str
    elegidos: list[str]
    costo_total: float
    empates: list[Empate] = field(default_factory=list)
    detalle: dict = field(default_factory=dict)


def _desempatar(perfil: Perfil, candidatos: list[int]) -> tuple[int, str]:
    """Menor costo, luego más votos, luego el orden del archivo."""
    if len(candidatos) == 1:
        return candidatos[0], ""
    elegido = min(candidatos, key=lambda j: (perfil.costos[j], -perfil.votos[j], j))
    costos = {perfil.costos[j] for j in candidatos}
    if len(costos) > 1 and sum(perfil.costos[j] == perfil.costos[elegido] for j in candidatos) == 1:
        return elegido, "menor costo"
    empatados = [j for j in candidatos if perfil.costos[j] == perfil.costos[elegido]]
    if sum(perfil.votos[j] == perfil.votos[elegido] for j in empatados) == 1:
        return elegido, "mismo costo; más votos"
    return elegido, "mismo costo y votos; orden del archivo"


def _cerca(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCIA * max(abs(a), abs(b), 1.0)


# --- greedy ---------------------------------------------------------------------------------

def greedy(perfil: Perfil, *, saltar: bool = True, umbral: float | None = None, regla: str = "greedy") -> Resultado:
    """Por puntaje de mayor a menor: se financia lo que cabe (`saltar`) o se para en el primero que no cabe.

    Un proyecto sin ningún voto no se financia nunca; con `umbral`, tampoco el de puntaje menor.
    """
    orden = sorted((j for j in range(len(perfil.ids)) if perfil.votos[j] > 0
                    and (umbral is None or perfil.puntajes[j] >= umbral)),
                   key=lambda j: (-perfil.puntajes[j], perfil.costos[j], -perfil.votos[j], j))
    grupos: dict[float, list[int]] = {}
    for j in orden:  # proyectos con el mismo puntaje, en el orden de desempate
        grupos.setdefault(float(perfil.puntajes[j]), []).append(j)
    elegidos, gastado, empates = [], 0.0, []
    for j in orden:
        grupo = grupos[float(perfil.puntajes[j])]
        if perfil.costos[j] <= perfil.presupuesto - gastado + TOLERANCIA * perfil.presupuesto:
            if len(grupo) > 1 and grupo[-1] != j:  # quedaban empatados detrás: el desempate decidió
                _, criterio = _desempatar(perfil, grupo)
                empates.append(Empate(tuple(perfil.ids[k] for k in sorted(grupo)), perfil.ids[j], criterio))
            elegidos.append(j)
            gastado += perfil.costos[j]
        elif not saltar:
            break
    return Resultado(regla, [perfil.ids[j] for j in elegidos], gastado, empates,
                     {"orden_por_puntaje": [perfil.ids[j] for j in orden]})


# --- Método de Partes Iguales (MES), utilidades de costo ------------------------------------

def mes(perfil: Perfil, *, presupuesto_por_votante: float | None = None, regla: str = "mes") -> Resultado:
    """MES con utilidades de costo: cada votante recibe presupuesto/n; en cada paso se financia el proyecto
    con menor ρ (lo máximo que paga cada apoyante por sol de costo), y sus apoyantes pagan por igual
    hasta donde les alcance.

    Los votantes con el mismo saldo forman una clase; así cada paso cuenta clases con `bincount`
    en vez de ordenar a todos los votantes.
    """
    n, m = perfil.votantes, len(perfil.ids)
    por_votante = perfil.presupuesto / n if presupuesto_por_votante is None else presupuesto_por_votante
    clase = np.zeros(n, dtype=np.int64)
    saldo = [por_votante]  # saldo de cada clase
    previo = {j: 0.0 for j in range(m) if perfil.votos[j] > 0 and perfil.costos[j] > 0}
    elegidos, empates, gastado = [], [], 0.0
    while previo:
        saldos = np.array(saldo)
        mejor_rho, mejores = math.inf, []
        for j in sorted(previo, key=previo.get):
            if previo[j] > mejor_rho and not _cerca(previo[j], mejor_rho):
                break  # ρ solo sube: ninguno de los siguientes puede ganar
            rho, pago = _rho(perfil.costos[j], np.bincount(clase[perfil.apoyantes[j]], minlength=len(saldo)), saldos)
            if rho is None:
                del previo[j]
                continue
            previo[j] = rho
            if mejores and _cerca(rho, mejor_rho):
                mejores.append((j, pago))
            elif rho < mejor_rho:
                mejor_rho, mejores = rho, [(j, pago)]
        if not mejores:
            break
        j, criterio = _desempatar(perfil, [k for k, _ in mejores])
        if criterio:
            empates.append(Empate(tuple(perfil.ids[k] for k, _ in sorted(mejores)), perfil.ids[j], criterio))
        pago = dict(mejores)[j]
        _pagar(clase, saldo, perfil.apoyantes[j], pago)
        del previo[j]
        elegidos.append(j)
        gastado += perfil.costos[j]
    return Resultado(regla, [perfil.ids[j] for j in elegidos], gastado, empates,
                     {"presupuesto_por_votante": por_votante, "saldo_sin_usar": _saldo_total(clase, saldo)})


def _rho(costo: float, cuenta: np.ndarray, saldos: np.ndarray) -> tuple[float | None, float]:
    """ρ del proyecto (None si sus apoyantes no juntan el costo) y el pago máximo por apoyante."""
    presentes = np.nonzero(cuenta)[0]
    if not len(presentes):
        return None, 0.0
    orden = presentes[np.argsort(saldos[presentes], kind="stable")]
    montos, personas = saldos[orden], cuenta[orden].astype(float)
    if float(montos @ personas) < costo * (1 - TOLERANCIA):
        return None, 0.0
    pagado_antes = np.concatenate(([0.0], np.cumsum(montos * personas)[:-1]))
    quedan = personas[::-1].cumsum()[::-1]
    pago = (costo - pagado_antes) / quedan
    k = int(np.argmax(pago <= montos * (1 + TOLERANCIA)))
    return pago[k] / costo, float(pago[k])


def _pagar(clase: np.ndarray, saldo: list[float], apoyantes: np.ndarray, pago: float) -> None:
    viejas, inversa = np.unique(clase[apoyantes], return_inverse=True)
    base = len(saldo)
    for vieja in viejas:
        saldo.append(max(0.0, saldo[vieja] - min(saldo[vieja], pago)))
    clase[apoyantes] = base + inversa


def _saldo_total(clase: np.ndarray, saldo: list[float]) -> float:
    return float(np.bincount(clase, minlength=len(saldo)) @ np.array(saldo))


def mes_add1(perfil: Perfil, *, regla: str = "equalshares/add1") -> Resultado:
    """MES y luego «add1» de pabulib: subir 1 unidad el presupuesto de cada votante (desde floor(B/n)+1)
    y repetir MES mientras el resultado quepa en el presupuesto real; vale el último que cupo."""
    resultado = mes(perfil)
    elegibles = sum(1 for j in range(len(perfil.ids)) if perfil.votos[j] > 0 and perfil.costos[j] > 0)
    por_votante = math.floor(perfil.presupuesto / perfil.votantes) + 1
    rondas = 0
    while len(resultado.elegidos) < elegibles:
        intento = mes(perfil, presupuesto_por_votante=por_votante)
        rondas += 1
        if intento.costo_total > perfil.presupuesto * (1 + TOLERANCIA):
            break
        resultado = intento
        por_votante += 1
    resultado.regla = regla
    resultado.detalle["rondas_add1"] = rondas
    return resultado


def mes_add1_comparacion(perfil: Perfil) -> Resultado:
    """`equalshares/add1-comparison`: MES+add1 salvo que más votantes prefieran el greedy por votos."""
    con_mes = mes_add1(perfil)
    por_votos = greedy(replace(perfil, puntajes=perfil.votos.astype(float)), regla="greedy")
    indice = {pid: j for j, pid in enumerate(perfil.ids)}
    en_mes = perfil.apoyos_por_votante([indice[p] for p in con_mes.elegidos])
    en_greedy = perfil.apoyos_por_votante([indice[p] for p in por_votos.elegidos])
    prefieren_greedy, prefieren_mes = int((en_greedy > en_mes).sum()), int((en_mes > en_greedy).sum())
    ganador = por_votos if prefieren_greedy > prefieren_mes else con_mes
    ganador.regla = "equalshares/add1-comparison"
    ganador.detalle.update({"prefieren_greedy": prefieren_greedy, "prefieren_mes": prefieren_mes})
    return ganador


def mes_greedy(perfil: Perfil) -> Resultado:
    """MES y, con lo que sobra del presupuesto real, greedy por puntaje entre los no financiados."""
    resultado = mes(perfil, regla="mes+greedy")
    indice = {pid: j for j, pid in enumerate(perfil.ids)}
    sin_financiar = perfil.votos.copy()
    sin_financiar[[indice[p] for p in resultado.elegidos]] = 0  # greedy no vuelve a elegir lo ya financiado
    completado = greedy(replace(perfil, presupuesto=perfil.presupuesto - resultado.costo_total, votos=sin_financiar))
    resultado.elegidos += completado.elegidos
    resultado.costo_total += completado.costo_total
    resultado.empates += completado.empates
    resultado.detalle["completado_con_greedy"] = completado.elegidos
    return resultado


REGLAS_PB = {
    "greedy": lambda p: greedy(p),
    "greedy-threshold": lambda p: greedy(p, umbral=p.umbral, regla="greedy-threshold"),
    "greedy-no-skip": lambda p: greedy(p, saltar=False, umbral=p.umbral, regla="greedy-no-skip"),
    "equalshares/add1": mes_add1,
    "equalshares/add1-comparison": mes_add1_comparacion,
    "mes": mes,
    "mes+greedy": mes_greedy,
}


def contar(eleccion: Eleccion, regla: str | None = None) -> Resultado:
    """Aplica `regla` (o la de META `rule`) a la elección."""
    nombre = regla or eleccion.meta.get("rule")
    if nombre not in REGLAS_PB:
        raise ReglaDesconocida(f"La regla {nombre!r} no existe; use una de: {', '.join(REGLAS_PB)}.")
    return REGLAS_PB[nombre](perfil_de(eleccion))
