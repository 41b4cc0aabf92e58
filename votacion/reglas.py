"""Reglas de conteo de presupuesto participativo, con numpy: la familia greedy de pabulib y el
Método de Partes Iguales (MES) con utilidades de costo, su completado `add1`, `add1-comparison`
y MES completado con greedy.

También la **prioridad combinada** del proceso peruano: puntaje de participación (normalizado a 0–100)
y puntaje técnico (0–100) ponderados, financiando de mayor a menor lo que cabe.

Empates: nunca en silencio. Cada regla devuelve los empates que hubo y cómo se resolvieron:
primero el menor costo, luego más votos, luego el orden del archivo.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from nucleo.errores import ErrorPlataforma
from votacion.pabulib import Eleccion

TOLERANCIA = 1e-9  # relativa: dos ρ (o dos puntajes) más cerca que esto son un empate


class ReglaDesconocida(ErrorPlataforma, ValueError):
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
    tecnico: np.ndarray | None = None   # (m,) puntaje técnico 0–100 (columna `puntaje_tecnico`), para la combinada
    pesos: tuple[float, float] = (100.0, 0.0)  # participación, técnico (META `peso_participacion`, `peso_tecnico`)

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
        valores = np.array([p for puntos in eleccion.puntos or () for p in puntos], dtype=float)
        puntajes = np.bincount(columnas, weights=valores, minlength=m)
    elif eleccion.tipo == "ordinal":
        largo_maximo = int(eleccion.meta_numero("max_length") or (largos.max() if n else 0))
        posicion = np.arange(len(columnas)) - np.repeat(np.cumsum(largos) - largos, largos)
        puntajes = np.bincount(columnas, weights=(largo_maximo - posicion).astype(float), minlength=m)
    else:
        puntajes = votos.astype(float)
    costos = np.array([float(p.costo) for p in eleccion.proyectos])
    tecnico = np.array([_numero_o_cero(p.datos.get("puntaje_tecnico")) for p in eleccion.proyectos])
    pesos = (eleccion.meta_numero("peso_participacion"), eleccion.meta_numero("peso_tecnico"))
    return Perfil(ids, costos, float(eleccion.presupuesto), apoyantes, votos, puntajes, n,
                  eleccion.meta_numero("min_project_score_threshold"), tecnico,
                  (100.0, 0.0) if pesos[0] is None and pesos[1] is None else (pesos[0] or 0.0, pesos[1] or 0.0))


def _numero_o_cero(texto: str | None) -> float:
    try:
        return float(texto) if texto not in (None, "") else 0.0
    except ValueError:
        return 0.0


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

def greedy(perfil: Perfil, *, saltar: bool = True, umbral: float | None = None, regla: str = "greedy",
           solo_con_votos: bool = True) -> Resultado:
    """Por puntaje de mayor a menor: se financia lo que cabe (`saltar`) o se para en el primero que no cabe.

    Un proyecto sin ningún voto no se financia nunca (con `solo_con_votos=False`, el de puntaje 0);
    con `umbral`, tampoco el de puntaje menor.
    """
    orden = sorted((j for j in range(len(perfil.ids))
                    if (perfil.votos[j] > 0 if solo_con_votos else perfil.puntajes[j] > 0)
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
    saldo = np.array([por_votante])  # saldo de cada clase
    previo = {j: 0.0 for j in range(m) if perfil.votos[j] > 0 and perfil.costos[j] > 0}
    elegidos, empates, gastado = [], [], 0.0
    while previo:
        saldos = saldo
        mejor_rho: float = math.inf
        mejores: list[tuple[int, float]] = []
        for j in sorted(previo, key=lambda k: previo[k]):
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
        saldo = _pagar(clase, saldo, perfil.apoyantes[j], pago)
        del previo[j]
        elegidos.append(j)
        gastado += perfil.costos[j]
    saldos = saldo
    return Resultado(regla, [perfil.ids[j] for j in elegidos], gastado, empates,
                     {"presupuesto_por_votante": por_votante, "saldo_sin_usar": _saldo_total(clase, saldo),
                      # lo que juntaban al final los apoyantes de cada proyecto (explica por qué no se financió)
                      "saldo_apoyantes": {perfil.ids[j]: float(saldos[clase[perfil.apoyantes[j]]].sum())
                                          for j in range(m)}})


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


def _pagar(clase: np.ndarray, saldo: np.ndarray, apoyantes: np.ndarray, pago: float) -> np.ndarray:
    """Cada apoyante paga `pago` o lo que le quede; los que quedan con el mismo saldo forman una sola clase
    nueva (todos los que se quedan en cero, por ejemplo). Devuelve los saldos de las clases, ampliados."""
    viejas, inversa = np.unique(clase[apoyantes], return_inverse=True)
    nuevos = np.maximum(0.0, saldo[viejas] - np.minimum(saldo[viejas], pago))
    valores, agrupadas = np.unique(nuevos, return_inverse=True)
    clase[apoyantes] = len(saldo) + agrupadas[inversa]
    return np.concatenate((saldo, valores))


def _saldo_total(clase: np.ndarray, saldo: np.ndarray) -> float:
    return float(np.bincount(clase, minlength=len(saldo)) @ saldo)


def mes_add1(perfil: Perfil, *, regla: str = "equalshares/add1") -> Resultado:
    """MES y luego «add1» de pabulib: subir 1 unidad el presupuesto de cada votante (desde floor(B/n)+1)
    y repetir MES mientras el resultado quepa en el presupuesto real; vale el último que cupo.

    Es exactamente ese recorrido de uno en uno, pero las rondas se evalúan de a bloques: muchos
    presupuestos por votante a la vez, con numpy (`_mes_por_lotes`). Importa en las ciudades (Wieliczka
    2023 pide cientos de rondas) y más en los talleres: 30 personas con un techo de un millón de soles
    piden decenas de miles.
    """
    resultado = mes(perfil)
    elegibles = sum(1 for j in range(len(perfil.ids)) if perfil.votos[j] > 0 and perfil.costos[j] > 0)
    por_votante = math.floor(perfil.presupuesto / perfil.votantes) + 1
    rondas, bloque, ultimo_que_cabe = 0, 1, None
    tope = perfil.presupuesto * (1 + TOLERANCIA)
    while len(resultado.elegidos) < elegibles:
        # bloques de 4, 16, 64… hasta ~450 mil saldos (K × n): más grandes salen de la caché
        bloque = min(bloque * 4, max(16, 450_000 // max(perfil.votantes, 1)), 4096)
        presupuestos = por_votante + np.arange(bloque, dtype=float)
        costos, cantidades = _mes_por_lotes(perfil, presupuestos)
        # la primera ronda que se pasa del presupuesto, o la que sigue a una que ya financió todo
        pasa = costos > tope
        completa = np.concatenate(([False], cantidades[:-1] >= elegibles))
        paradas = np.nonzero(pasa | completa)[0]
        ultima = int(paradas[0]) if len(paradas) else bloque
        rondas += ultima + (1 if len(paradas) and pasa[ultima] else 0)
        if ultima > 0:
            ultimo_que_cabe = float(presupuestos[ultima - 1])
        if len(paradas):
            break
        por_votante += bloque
    if ultimo_que_cabe is not None:  # el detalle (empates, saldos) sale de una corrida de `mes` con ese presupuesto
        resultado = mes(perfil, presupuesto_por_votante=ultimo_que_cabe)
    resultado.regla = regla
    resultado.detalle["rondas_add1"] = rondas
    return resultado


def _mes_por_lotes(perfil: Perfil, presupuestos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MES para K presupuestos por votante a la vez: (costo financiado, cantidad financiada) de cada uno.

    Mismo cálculo que `mes`, con los saldos de los K escenarios en una matriz n × K: en cada paso cada
    escenario evalúa sus proyectos en orden de ρ anterior (ρ solo sube) y se detiene como `mes` cuando el
    siguiente ya no puede ganar; un proyecto que algún escenario necesita se evalúa en todos a la vez.
    Empates dentro de TOLERANCIA, desempate por menor costo, más votos y orden del archivo.
    """
    k, m = len(presupuestos), len(perfil.ids)
    saldos = np.repeat(presupuestos[None, :], perfil.votantes, axis=0)  # n × K: un apoyante trae sus K saldos juntos
    activos = np.array([perfil.votos[j] > 0 and perfil.costos[j] > 0 for j in range(m)])[None, :].repeat(k, axis=0)
    previo = np.where(activos, 0.0, np.inf)  # cota inferior de ρ de cada proyecto en cada escenario
    rango = np.empty(m, dtype=np.int64)  # posición de cada proyecto en el orden de desempate
    rango[sorted(range(m), key=lambda j: (perfil.costos[j], -perfil.votos[j], j))] = np.arange(m)
    costo_total, cantidad = np.zeros(k), np.zeros(k, dtype=np.int64)
    while activos.any():
        mejor = np.full(k, np.inf)
        rho = np.full((k, m), np.inf)  # ρ exacto de lo evaluado en este paso
        evaluado = ~activos
        while True:
            limite = np.where(np.isinf(mejor), np.inf, mejor + TOLERANCIA * np.maximum(mejor, 1.0))
            candidatos = ~evaluado & (previo <= limite[:, None])
            filas = np.nonzero(candidatos.any(axis=1))[0]
            if not len(filas):
                break
            siguiente = np.argmin(np.where(candidatos[filas], previo[filas], np.inf), axis=1)
            for j in np.unique(siguiente):
                # se evalúa en todos los escenarios donde sigue en juego (no solo donde toca ahora): los
                # escenarios se parecen, lo van a necesitar, y así la copia de saldos es de filas enteras
                cuales = np.nonzero(~evaluado[:, j])[0]
                alcanza, pago = _pago_por_apoyante(_columnas(saldos, perfil.apoyantes[j], cuales, k),
                                                   perfil.costos[j])
                evaluado[cuales, j] = True
                activos[cuales[~alcanza], j] = False
                previo[cuales, j] = np.where(alcanza, pago / perfil.costos[j], np.inf)
                rho[cuales, j] = previo[cuales, j]
                mejor[cuales] = np.minimum(mejor[cuales], previo[cuales, j])
        hay = np.isfinite(mejor)
        if not hay.any():
            break
        finito, base = np.isfinite(rho), np.where(hay, mejor, 0.0)[:, None]
        valor = np.where(finito, rho, 0.0)
        cerca = finito & (np.abs(valor - base) <= TOLERANCIA * np.maximum(valor, np.maximum(base, 1.0)))
        elegido = np.argmin(np.where(cerca, rango[None, :], m), axis=1)
        for j in np.unique(elegido[hay]):
            cuales = np.nonzero(hay & (elegido == j))[0]
            bloque = _columnas(saldos, perfil.apoyantes[j], cuales, k)
            pago = rho[cuales, j][None, :] * perfil.costos[j]
            nuevo = np.maximum(bloque - pago, 0.0)  # = saldo − min(saldo, pago), como `_pagar`
            if len(cuales) == k:
                saldos[perfil.apoyantes[j]] = nuevo
            else:
                saldos[np.ix_(perfil.apoyantes[j], cuales)] = nuevo
            activos[cuales, j] = False
            previo[cuales, j] = np.inf
            costo_total[cuales] += perfil.costos[j]
            cantidad[cuales] += 1
    return costo_total, cantidad


def _columnas(saldos: np.ndarray, apoyantes: np.ndarray, cuales: np.ndarray, k: int) -> np.ndarray:
    """Saldos de los `apoyantes` (filas) en los escenarios `cuales` (columnas); todos: una sola copia de filas."""
    return saldos[apoyantes] if len(cuales) == k else saldos[np.ix_(apoyantes, cuales)]


def _pago_por_apoyante(montos: np.ndarray, costo: float) -> tuple[np.ndarray, np.ndarray]:
    """Para cada escenario (columna de saldos de los apoyantes): si juntan `costo` y el pago x con
    Σ min(saldo, x) = costo.

    Sin ordenar: si hasta el saldo menor alcanza para costo / apoyantes, ese es el pago (lo común al
    principio); si no, se repite x = (costo − lo de quienes no llegan a x) / los que sí llegan: x solo sube
    y para cuando nadie más deja de llegar (pocas vueltas).
    """
    personas = montos.shape[0]
    pago = np.full(montos.shape[1], costo / personas)
    alcanza = montos.min(axis=0) * (1 + TOLERANCIA) >= pago
    dificiles = np.nonzero(~alcanza)[0]
    if len(dificiles):
        resto = montos[:, dificiles]
        juntan = resto.sum(axis=0) >= costo * (1 - TOLERANCIA)
        resto, dificiles = resto[:, juntan], dificiles[juntan]
        pago_resto = pago[dificiles]
        no_llegan = np.zeros(len(dificiles), dtype=np.int64)
        while len(dificiles):
            debajo = resto < pago_resto / (1 + TOLERANCIA)
            cuantos = debajo.sum(axis=0)
            if np.array_equal(cuantos, no_llegan):
                break
            no_llegan = cuantos
            pago_resto = (costo - (resto * debajo).sum(axis=0)) / (personas - cuantos)
        alcanza[dificiles] = True
        pago[dificiles] = pago_resto
    pago[~alcanza] = np.inf
    return alcanza, pago


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


# --- prioridad combinada (participación + técnico) ------------------------------------------

def puntaje_combinado(perfil: Perfil) -> tuple[np.ndarray, np.ndarray]:
    """(participación 0–100, combinado 0–100). Participación = 100 × puntaje / el mayor puntaje;
    combinado = (p·participación + t·técnico) / (p + t) con los pesos del perfil."""
    maximo = float(perfil.puntajes.max()) if len(perfil.puntajes) else 0.0
    participacion = 100 * perfil.puntajes / maximo if maximo > 0 else np.zeros(len(perfil.ids))
    tecnico = perfil.tecnico if perfil.tecnico is not None else np.zeros(len(perfil.ids))
    peso_p, peso_t = perfil.pesos
    if peso_p + peso_t <= 0:
        raise ReglaDesconocida("Los pesos de participación y técnico no pueden sumar 0.")
    return participacion, (peso_p * participacion + peso_t * tecnico) / (peso_p + peso_t)


def prioridad_combinada(perfil: Perfil) -> Resultado:
    """Greedy por puntaje combinado: de mayor a menor se financia lo que cabe; puntaje 0 no se financia.

    Con peso técnico 0 es exactamente `greedy` por votos (o puntos).
    """
    participacion, combinado = puntaje_combinado(perfil)
    resultado = greedy(replace(perfil, puntajes=combinado), regla="prioridad-combinada",
                       solo_con_votos=perfil.pesos[1] == 0)
    resultado.detalle.update({"participacion": dict(zip(perfil.ids, participacion.tolist())),
                              "combinado": dict(zip(perfil.ids, combinado.tolist())),
                              "pesos": perfil.pesos})
    return resultado


REGLAS_PB = {
    "greedy": lambda p: greedy(p),
    "greedy-threshold": lambda p: greedy(p, umbral=p.umbral, regla="greedy-threshold"),
    "greedy-no-skip": lambda p: greedy(p, saltar=False, umbral=p.umbral, regla="greedy-no-skip"),
    "equalshares/add1": mes_add1,
    "equalshares/add1-comparison": mes_add1_comparacion,
    "mes": mes,
    "mes+greedy": mes_greedy,
    "prioridad-combinada": prioridad_combinada,
}


def contar(eleccion: Eleccion, regla: str | None = None) -> Resultado:
    """Aplica `regla` (o la de META `rule`) a la elección."""
    nombre = regla or eleccion.meta.get("rule")
    if nombre not in REGLAS_PB:
        raise ReglaDesconocida(f"La regla {nombre!r} no existe; use una de: {', '.join(REGLAS_PB)}.")
    return REGLAS_PB[nombre](perfil_de(eleccion))
