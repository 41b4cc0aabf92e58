"""pabutools como oráculo, llamado de verdad: el orden del greedy (no solo el conjunto), papeletas de puntos y de
presupuesto (knapsack), y la compleción de MES por incrementos (`voter_budget_increment`) frente a nuestro add1."""
import random

import pytest

from tests.ayudas import a_pabutools, eleccion_al_azar
from votacion import pabulib, reglas


@pytest.mark.parametrize("semilla", range(60))
def test_el_greedy_elige_en_el_mismo_orden_que_pabutools(semilla):
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare

    eleccion = eleccion_al_azar(random.Random(20_000 + semilla))
    instancia, perfil, desempate = a_pabutools(eleccion)
    suyo = greedy_utilitarian_welfare(instancia, perfil, sat_class=Cost_Sat, tie_breaking=desempate)
    assert reglas.contar(eleccion, "greedy").elegidos == [p.name for p in suyo]


def _con_puntos(eleccion: pabulib.Eleccion, azar: random.Random) -> pabulib.Eleccion:
    """La misma elección con papeletas de puntos (semillas de 1 a 5 a cada propuesta marcada)."""
    puntos = [tuple(azar.randint(1, 5) for _ in papeleta) for papeleta in eleccion.papeletas]
    return pabulib.Eleccion({**eleccion.meta, "vote_type": "cumulative"}, eleccion.proyectos, eleccion.votantes,
                            eleccion.papeletas, puntos)


@pytest.mark.parametrize("semilla", range(60))
def test_el_greedy_por_semillas_es_el_de_pabutools_con_papeletas_acumulativas(semilla):
    """Papeletas de puntos: el greedy ordena por semillas recibidas. En pabutools, greedy con una satisfacción
    aditiva «semillas × costo» (su greedy ordena por satisfacción / costo, o sea por semillas)."""
    from pabutools.election import AdditiveSatisfaction, CumulativeBallot, CumulativeProfile
    from pabutools.rules import greedy_utilitarian_welfare

    azar = random.Random(30_000 + semilla)
    eleccion = _con_puntos(eleccion_al_azar(azar), azar)
    instancia, _, desempate = a_pabutools(eleccion)
    proyectos = {p.name: p for p in instancia}
    perfil = CumulativeProfile([CumulativeBallot({proyectos[c]: s for c, s in zip(papeleta, puntos)})
                                for papeleta, puntos in zip(eleccion.papeletas, eleccion.puntos)], instance=instancia)

    class SemillasPorCosto(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, lambda _i, _p, b, proyecto, _c: b.get(proyecto, 0) * proyecto.cost)

    suyo = greedy_utilitarian_welfare(instancia, perfil, sat_class=SemillasPorCosto, tie_breaking=desempate)
    assert reglas.contar(eleccion, "greedy").elegidos == [p.name for p in suyo]


@pytest.mark.parametrize("semilla", range(60))
def test_papeletas_de_presupuesto_cuentan_como_aprobacion_igual_que_en_pabutools(semilla):
    """Papeletas de presupuesto (knapsack): cada una elige lo que cabe en el techo; se cuentan como aprobación."""
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    azar = random.Random(40_000 + semilla)
    base = eleccion_al_azar(azar)
    costos = {p.id: p.costo for p in base.proyectos}
    papeletas = []
    for papeleta in base.papeletas:
        elegidas, gastado = [], 0
        for codigo in papeleta:
            if gastado + costos[codigo] <= base.presupuesto:
                elegidas.append(codigo)
                gastado += costos[codigo]
        papeletas.append(tuple(elegidas))
    votados = {c for p in papeletas for c in p}
    proyectos = [p for p in base.proyectos if p.id in votados]
    eleccion = pabulib.Eleccion(base.meta, proyectos, base.votantes, papeletas)
    instancia, perfil, desempate = a_pabutools(eleccion)
    assert reglas.contar(eleccion, "greedy").elegidos == [
        p.name for p in greedy_utilitarian_welfare(instancia, perfil, sat_class=Cost_Sat, tie_breaking=desempate)]
    assert reglas.contar(eleccion, "mes").elegidos == [
        p.name for p in method_of_equal_shares(instancia, perfil, sat_class=Cost_Sat, tie_breaking=desempate)]


def _mes_por_incrementos(perfil: reglas.Perfil) -> list[str]:
    """La compleción de pabutools con nuestro MES: desde B/n, subir 1 a cada votante hasta que lo elegido agote el
    presupuesto (nada más cabe: se queda con eso) o se pase (se queda con lo anterior)."""
    por_votante, anterior = perfil.presupuesto / perfil.votantes, None
    while True:
        resultado = reglas.mes(perfil, presupuesto_por_votante=por_votante)
        if resultado.costo_total > perfil.presupuesto * (1 + reglas.TOLERANCIA):
            return anterior.elegidos
        sobra = perfil.presupuesto - resultado.costo_total
        if all(perfil.ids[j] in resultado.elegidos or perfil.costos[j] > sobra for j in range(len(perfil.ids))):
            return resultado.elegidos
        anterior, por_votante = resultado, por_votante + 1


def test_la_complecion_de_pabutools_es_nuestro_mes_paso_a_paso_y_coincide_con_add1_donde_deben():
    """Las definiciones difieren en dos cosas: pabutools (`voter_budget_increment=1`) sube desde B/n y para en la
    primera asignación exhaustiva (nada más cabe); add1 de pabulib sube desde floor(B/n)+1 y sigue mientras no esté
    todo financiado, aunque ya nada quepa. Por eso: (1) nuestro MES recorriendo la definición de pabutools da su
    resultado en toda instancia; (2) cuando B/n es entero y pabutools paró por pasarse del presupuesto (su resultado
    no es exhaustivo), nuestro add1 da lo mismo."""
    from pabutools.election import Cost_Sat
    from pabutools.rules import method_of_equal_shares

    comparadas_con_add1 = 0
    for semilla in range(600):
        azar = random.Random(50_000 + semilla)
        eleccion = eleccion_al_azar(azar)
        n = len(eleccion.papeletas)
        if semilla % 2:  # la mitad con B divisible entre n: la misma escalera que add1
            eleccion = pabulib.Eleccion({**eleccion.meta, "budget": str(n * max(1, int(eleccion.presupuesto) // n))},
                                        eleccion.proyectos, eleccion.votantes, eleccion.papeletas)
        instancia, perfil_suyo, desempate = a_pabutools(eleccion)
        suyo = [p.name for p in method_of_equal_shares(instancia, perfil_suyo, sat_class=Cost_Sat,
                                                       tie_breaking=desempate, voter_budget_increment=1)]
        perfil = reglas.perfil_de(eleccion)
        assert _mes_por_incrementos(perfil) == suyo, semilla
        costo = sum(perfil.costos[perfil.ids.index(c)] for c in suyo)
        exhaustivo = all(c in suyo or perfil.costos[j] > perfil.presupuesto - costo for j, c in enumerate(perfil.ids))
        if perfil.presupuesto % n == 0 and not exhaustivo:
            assert reglas.mes_add1(perfil).elegidos == suyo, semilla
            comparadas_con_add1 += 1
    assert comparadas_con_add1 >= 5  # la comparación con add1 no es vacía
