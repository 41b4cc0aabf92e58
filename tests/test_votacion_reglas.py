"""Reglas de conteo: instancias reales de pabulib (ganadores conocidos) y pabutools como oráculo."""
import math
import random
import subprocess
import sys

import numpy as np
import pytest

from tests.ayudas import INSTANCIAS, PABULIB, a_pabutools, eleccion_al_azar
from tests.conftest import RAIZ
from votacion import pabulib, reglas


def ganadores_reales(eleccion: pabulib.Eleccion) -> set[str]:
    return {p.id for p in eleccion.proyectos if p.datos.get("selected") == "1"}


def test_hay_instancias_compartidas():
    assert len(INSTANCIAS) == 6


@pytest.mark.parametrize("ruta", INSTANCIAS, ids=lambda r: r.stem)
def test_reproduce_los_ganadores_reales_con_la_regla_declarada(ruta):
    eleccion = pabulib.leer(ruta)
    resultado = reglas.contar(eleccion)
    assert set(resultado.elegidos) == ganadores_reales(eleccion)
    assert len(resultado.elegidos) == len(set(resultado.elegidos))
    assert resultado.costo_total <= eleccion.presupuesto


def test_la_linea_de_comandos_imprime_los_financiados_en_orden():
    ruta = PABULIB / "Poland_Warszawa_2023_Praga-Polnoc.pb"
    salida = subprocess.run([sys.executable, "-m", "votacion", "contar", str(ruta)], capture_output=True, text=True,
                            cwd=RAIZ, check=True).stdout.split()
    assert salida == ["1935", "14", "61", "1937", "1919", "340", "1356", "338", "70", "1062"]


def test_la_linea_de_comandos_informa_los_empates_aparte():
    ruta = PABULIB / "Netherlands_Assen_2024.pb"
    proceso = subprocess.run([sys.executable, "-m", "votacion", "contar", str(ruta), "--regla", "greedy"],
                             capture_output=True, text=True, cwd=RAIZ, check=True)
    assert set(proceso.stdout.split()) == {"3", "9", "8", "11", "2", "13", "14"}  # README: greedy por votos
    assert "empate entre 11, 2: se eligió 2 (menor costo)" in proceso.stderr or \
        "empate entre 2, 11: se eligió 2 (menor costo)" in proceso.stderr


@pytest.mark.parametrize("archivo, esperados", [
    ("Netherlands_Assen_2024.pb", {"3", "9", "11", "2", "13", "14", "12"}),
    ("Poland_Gdynia_2020_Leszczynki__small.pb", {"3"}),
    ("Poland_Warszawa_2017_ZielonaGrzybowa.pb", {"1361", "1356", "452", "957", "1634"}),
    ("Poland_Warszawa_2023_Praga-Polnoc.pb", set("1935 61 1919 340 1934 1062 362 890 892 1939 8 1943 1528 1490 1938 "
                                                 "1754 1918 943 1430 828 956 334 1352 1035 957 1509 821 891".split())),
], ids=lambda v: v if isinstance(v, str) else "")
def test_mes_sin_completar_coincide_con_pabutools_en_datos_reales(archivo, esperados):
    """El resultado conocido de cada instancia real, y pabutools corrido sobre el mismo archivo, dan lo nuestro."""
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares

    nuestro = set(reglas.contar(pabulib.leer(PABULIB / archivo), "mes").elegidos)
    instancia, perfil = parse_pabulib(str(PABULIB / archivo))
    assert nuestro == {p.name for p in method_of_equal_shares(instancia, perfil, sat_class=Cost_Sat)} == esperados


@pytest.mark.parametrize("regla", list(reglas.REGLAS_PB))
def test_toda_regla_respeta_el_presupuesto(regla):
    for ruta in INSTANCIAS:
        eleccion = pabulib.leer(ruta)
        resultado = reglas.contar(eleccion, regla)
        assert resultado.costo_total <= eleccion.presupuesto + 1e-6, ruta.name


def test_regla_desconocida():
    with pytest.raises(reglas.ReglaDesconocida, match="no existe"):
        reglas.contar(pabulib.leer(INSTANCIAS[0]), "borda-pb")


# --- pabutools como oráculo en instancias al azar -------------------------------------------





@pytest.mark.parametrize("semilla", range(150))
def test_greedy_y_mes_iguales_a_pabutools(semilla):
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    eleccion = eleccion_al_azar(random.Random(semilla))
    instancia, perfil, desempate = a_pabutools(eleccion)
    nuestro_greedy = reglas.contar(eleccion, "greedy").elegidos
    suyo = greedy_utilitarian_welfare(instancia, perfil, sat_class=Cost_Sat, tie_breaking=desempate)
    assert sorted(nuestro_greedy) == sorted(p.name for p in suyo)
    nuestro_mes = reglas.contar(eleccion, "mes").elegidos
    suyo = method_of_equal_shares(instancia, perfil, sat_class=Cost_Sat, tie_breaking=desempate)
    assert nuestro_mes == [p.name for p in suyo]


@pytest.mark.parametrize("semilla", range(40))
def test_add1_es_mes_con_presupuesto_por_votante_subido(semilla):
    """add1 vale el último MES que cabe; lo comprobamos contra pabutools con el mismo presupuesto."""
    from fractions import Fraction

    from pabutools.election import Cost_Sat, Instance
    from pabutools.rules import method_of_equal_shares

    eleccion = eleccion_al_azar(random.Random(1000 + semilla))
    resultado = reglas.contar(eleccion, "equalshares/add1")
    por_votante = resultado.detalle["presupuesto_por_votante"]
    instancia, perfil, desempate = a_pabutools(eleccion)
    ampliada = Instance(instancia, budget_limit=Fraction(por_votante).limit_denominator(10**6) * len(eleccion.papeletas))
    suyo = method_of_equal_shares(ampliada, perfil, sat_class=Cost_Sat, tie_breaking=desempate)
    assert resultado.elegidos == [p.name for p in suyo]
    assert resultado.costo_total <= eleccion.presupuesto
    perfil_nuestro = reglas.perfil_de(eleccion)
    if resultado.detalle["rondas_add1"]:
        siguiente = reglas.mes(perfil_nuestro, presupuesto_por_votante=por_votante + 1)
        todos = sum(1 for v in perfil_nuestro.votos if v > 0)
        assert siguiente.costo_total > eleccion.presupuesto or len(resultado.elegidos) == todos


def _add1_de_uno_en_uno(perfil):
    """La definición literal de pabulib: subir 1 y volver a correr MES hasta que se pase."""
    resultado = reglas.mes(perfil)
    elegibles = int(((perfil.votos > 0) & (perfil.costos > 0)).sum())
    por_votante = math.floor(perfil.presupuesto / perfil.votantes) + 1
    while len(resultado.elegidos) < elegibles:
        intento = reglas.mes(perfil, presupuesto_por_votante=por_votante)
        if intento.costo_total > perfil.presupuesto * (1 + reglas.TOLERANCIA):
            break
        resultado, por_votante = intento, por_votante + 1
    return resultado


@pytest.mark.parametrize("semilla", range(60))
def test_mes_por_lotes_es_el_mismo_mes(semilla):
    """Los K presupuestos por votante evaluados a la vez dan lo mismo que K corridas de MES."""
    azar = random.Random(5000 + semilla)
    perfil = reglas.perfil_de(eleccion_al_azar(azar))
    base = perfil.presupuesto / perfil.votantes
    presupuestos = np.array([base * azar.uniform(0.5, 4) for _ in range(12)] + [math.floor(base) + i for i in range(12)])
    costos, cantidades = reglas._mes_por_lotes(perfil, presupuestos)
    for b, costo, cantidad in zip(presupuestos, costos, cantidades):
        uno = reglas.mes(perfil, presupuesto_por_votante=float(b))
        assert (costo, cantidad) == (pytest.approx(uno.costo_total), len(uno.elegidos)), b


@pytest.mark.parametrize("semilla", range(40))
def test_add1_por_bloques_es_el_recorrido_de_uno_en_uno(semilla):
    """Con costos grandes (miles de rondas) el add1 por bloques elige lo mismo que subir de a 1."""
    azar = random.Random(9000 + semilla)
    eleccion = eleccion_al_azar(azar)
    escala = azar.choice([1, 37, 1000])
    eleccion = pabulib.Eleccion({**eleccion.meta, "budget": str(int(eleccion.presupuesto) * escala)},
                                [pabulib.Proyecto(p.id, p.costo * escala) for p in eleccion.proyectos],
                                eleccion.votantes, eleccion.papeletas)
    perfil = reglas.perfil_de(eleccion)
    literal = _add1_de_uno_en_uno(perfil)
    rapido = reglas.mes_add1(perfil)
    assert rapido.elegidos == literal.elegidos
    assert rapido.detalle["presupuesto_por_votante"] == literal.detalle["presupuesto_por_votante"]
