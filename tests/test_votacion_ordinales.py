"""Reglas de orden: ejemplos hechos a mano, pref_voting como oráculo en perfiles al azar, presupuesto y CLI."""
import random
import subprocess
import sys
from collections import Counter

import pytest

from tests.ayudas import PABULIB, perfil_al_azar
from tests.conftest import RAIZ
from votacion import ordinales, pabulib, reglas
from votacion.__main__ import main

KRAKOW = PABULIB / "Poland_Krakow_2020_Zwierzyniec.pb"


def papeletas(*textos: str) -> list[tuple[tuple[str, ...], ...]]:
    """«a>b=c>d»: a primero, b y c empatadas, luego d; lo no nombrado queda debajo."""
    return [tuple(tuple(grupo.split("=")) for grupo in texto.split(">")) for texto in textos]


def perfil(alternativas: str, *pares: tuple[int, str]) -> ordinales.PerfilOrdinal:
    return ordinales.crear_perfil(list(alternativas), papeletas(*(t for _, t in pares)), [c for c, _ in pares])


# --- ejemplos hechos a mano -----------------------------------------------------------------

TENNESSEE = perfil("MNCK", (42, "M>N>C>K"), (26, "N>C>K>M"), (15, "C>K>N>M"), (17, "K>C>N>M"))


@pytest.mark.parametrize("regla, orden, puntajes", [
    ("irv", list("KMNC"), {"K": 58, "M": 42, "N": 26, "C": 15}),
    ("borda", list("NCMK"), {"M": 126, "N": 194, "C": 173, "K": 107}),  # 3, 2, 1, 0 puntos por puesto
    ("copeland", list("NCKM"), {"N": 3, "C": 2, "K": 1, "M": 0}),
    ("schulze", list("NCKM"), {"N": 3, "C": 2, "K": 1, "M": 0}),  # N gana a todas: ganadora de Condorcet
], ids=["irv", "borda", "copeland", "schulze"])
def test_la_capital_de_tennessee_segun_cada_regla(regla, orden, puntajes):
    """El ejemplo clásico: Memphis (42 %) no gana con ninguna; IRV elige Knoxville y las demás Nashville."""
    resultado = ordinales.ordenar(TENNESSEE, regla)
    assert resultado.orden == orden and resultado.ganadores == [orden[0]]
    assert resultado.puntajes == puntajes and resultado.empates == []


def test_irv_guarda_cada_ronda():
    rondas = ordinales.irv(TENNESSEE).detalle["rondas"]
    assert [r["eliminadas"] for r in rondas] == [["C"], ["N"], ["M"]]
    assert rondas[1]["puntajes"] == {"M": 42, "N": 26, "K": 32}


WIKIPEDIA = perfil("ABCDE", (5, "A>C>B>E>D"), (5, "A>D>E>C>B"), (8, "B>E>D>A>C"), (3, "C>A>B>E>D"),
                   (7, "C>A>E>B>D"), (2, "C>B>A>D>E"), (7, "D>C>E>B>A"), (8, "E>B>A>D>C"))


def test_schulze_en_el_ejemplo_de_wikipedia_con_ciclo():
    """45 votantes sin ganadora de Condorcet (A>C>B>E>A…); Schulze da E > A > C > B > D."""
    resultado = ordinales.schulze(WIKIPEDIA)
    assert resultado.orden == list("EACBD") and resultado.ganadores == ["E"] and not resultado.empates
    assert not any((fila > 0).sum() == 4 for fila in WIKIPEDIA.margenes)  # ninguna gana a todas
    votos_ganadores = [[0, 28, 28, 30, 24], [25, 0, 28, 33, 24], [25, 29, 0, 29, 24], [25, 28, 28, 0, 24],
                       [25, 28, 28, 31, 0]]  # caminos más fuertes con votos ganadores, como en Wikipedia
    assert resultado.detalle["caminos"].tolist() == [[2 * v - 45 if v else 0 for v in fila] for fila in votos_ganadores]


def test_ciclo_de_tres_y_empates_informados():
    """4 a>b>c, 3 b>c>a, 2 c>a>b: a>b por 3, b>c por 5, c>a por 1."""
    ciclo = perfil("abc", (4, "a>b>c"), (3, "b>c>a"), (2, "c>a>b"))
    assert ordinales.schulze(ciclo).orden == ["a", "b", "c"]  # se rompe el eslabón más débil, c>a
    con_borda = ordinales.borda(ciclo)
    assert con_borda.puntajes == {"a": 10, "b": 10, "c": 7} and con_borda.ganadores == ["a", "b"]
    assert con_borda.empates == [reglas.Empate(("a", "b"), "a", "mismo puntaje; orden del archivo")]
    con_copeland = ordinales.copeland(ciclo)
    assert con_copeland.ganadores == ["a", "b", "c"] and con_copeland.orden == ["a", "b", "c"]
    assert [e.entre for e in con_copeland.empates] == [("a", "b", "c"), ("b", "c")]


def test_irv_reparte_la_papeleta_cuyo_grupo_de_arriba_es_un_empate():
    """2 {a,b}>c, 2 c>a, 1 b: a 1, b 2, c 2 → sale a; luego b 3, c 2 → gana b."""
    resultado = ordinales.irv(perfil("abc", (2, "a=b>c"), (2, "c>a"), (1, "b")))
    assert resultado.detalle["rondas"][0]["puntajes"] == {"a": 1, "b": 2, "c": 2}
    assert resultado.orden == ["b", "c", "a"] and resultado.puntajes == {"a": 1, "b": 3, "c": 2}


def test_irv_elimina_juntas_a_las_empatadas_abajo_y_lo_informa():
    resultado = ordinales.irv(perfil("abcd", (3, "a"), (2, "d>b"), (1, "b"), (1, "c>b")))
    assert resultado.detalle["rondas"][0]["eliminadas"] == ["b", "c"]  # 1 y 1: salen juntas, sin sorteo
    assert resultado.orden == ["a", "d", "b", "c"] and resultado.ganadores == ["a"]
    assert resultado.empates == [reglas.Empate(("b", "c"), "b", "eliminadas juntas en la misma ronda (mismo "
                                                                "puntaje); orden del archivo")]


def test_todas_empatadas_son_todas_ganadoras_y_el_archivo_decide_el_orden():
    empate = perfil("xyz", (1, "x>y>z"), (1, "y>z>x"), (1, "z>x>y"))
    for regla in ordinales.REGLAS_ORDEN:
        resultado = ordinales.ordenar(empate, regla)
        assert resultado.ganadores == ["x", "y", "z"] and resultado.orden == ["x", "y", "z"], regla
        assert [(e.entre, e.elegido) for e in resultado.empates] == [(("x", "y", "z"), "x"), (("y", "z"), "y")]


def test_una_sola_alternativa():
    for regla in ordinales.REGLAS_ORDEN:
        resultado = ordinales.ordenar(ordinales.crear_perfil(["a"], [(("a",),)]), regla)
        assert (resultado.orden, resultado.ganadores, resultado.empates) == (["a"], ["a"], [])


def test_sin_papeletas_todas_empatan_y_no_se_financia_nada():
    for regla in ordinales.REGLAS_ORDEN:
        resultado = ordinales.ordenar(ordinales.crear_perfil(list("ab"), []), regla)
        assert resultado.ganadores == ["a", "b"] and len(resultado.empates) == 1, regla
    eleccion = pabulib.Eleccion({"budget": "100", "vote_type": "ordinal"}, [pabulib.Proyecto("a", 10)], [], [])
    assert ordinales.contar(eleccion, "irv").elegidos == []


def test_borda_con_papeleta_truncada_reparte_los_puestos_de_abajo():
    """m = 4, «a>b»: a 3, b 2, y c, d se reparten los puestos 3.º y 4.º (1 + 0) / 2."""
    assert ordinales.borda(perfil("abcd", (1, "a>b"))).puntajes == {"a": 3, "b": 2, "c": 0.5, "d": 0.5}
    assert ordinales.borda(perfil("abcd", (1, "a=b>c"))).puntajes == {"a": 2.5, "b": 2.5, "c": 1, "d": 0}


@pytest.mark.parametrize("alternativas, papeleta, mensaje", [
    (["a", "b"], (("a",), ("z",)), "nombra 'z', que no es una alternativa"),
    (["a", "b"], (("a",), ("b", "a")), "nombra 'a' dos veces"),
    (["a", "a"], (("a",),), "alternativas repetidas"),
    (["a", "b"], (("a",), ()), "grupo vacío"),
], ids=["desconocida", "repetida", "alternativas_repetidas", "grupo_vacio"])
def test_perfil_invalido(alternativas, papeleta, mensaje):
    with pytest.raises(ordinales.PerfilInvalido, match=mensaje):
        ordinales.crear_perfil(alternativas, [papeleta])


def test_cantidad_no_positiva():
    with pytest.raises(ordinales.PerfilInvalido, match="cantidad 0; debe ser un entero positivo"):
        ordinales.crear_perfil(["a"], [(("a",),)], [0])


def test_reglas_que_no_aplican_dicen_cuales_si():
    with pytest.raises(ordinales.ReglaNoAplicable, match="greedy reparte un presupuesto.*: schulze, borda, copeland"):
        ordinales.ordenar(TENNESSEE, "greedy")
    with pytest.raises(reglas.ReglaDesconocida, match="'kemeny' no existe"):
        ordinales.ordenar(TENNESSEE, "kemeny")
    with pytest.raises(ordinales.ReglaNoAplicable, match="vote_type ordinal.*es approval.*greedy"):
        ordinales.contar(pabulib.leer(PABULIB / "Netherlands_Assen_2024.pb"), "schulze")


# --- pref_voting como oráculo en perfiles al azar -------------------------------------------



def a_pref_voting(alternativas, lista, cantidades):
    from pref_voting.profiles_with_ties import ProfileWithTies

    indice = {a: j for j, a in enumerate(alternativas)}
    rankings = [{indice[a]: nivel + 1 for nivel, grupo in enumerate(p) for a in grupo} for p in lista]
    oraculo = ProfileWithTies(rankings, rcounts=cantidades, candidates=list(range(len(alternativas))))
    oraculo.use_extended_strict_preference()  # lo no nombrado queda debajo, como en nuestras reglas
    return oraculo


@pytest.mark.parametrize("semilla", range(300))
def test_ganadores_y_puntajes_iguales_a_pref_voting(semilla):
    from pref_voting.c1_methods import copeland
    from pref_voting.iterative_methods import split_irv
    from pref_voting.margin_based_methods import beat_path, beat_path_defeat
    from pref_voting.scoring_methods import borda_for_profile_with_ties, symmetric_borda_scores

    forma = ("mixtas", "estrictas", "completas")[semilla % 3]
    alternativas, lista, cantidades = perfil_al_azar(random.Random(semilla), forma)
    nuestro = ordinales.crear_perfil(alternativas, lista, cantidades)
    oraculo = a_pref_voting(alternativas, lista, cantidades)
    m, votantes = len(alternativas), sum(cantidades)

    def ids(candidatos):
        return [alternativas[c] for c in candidatos]

    con_borda = ordinales.borda(nuestro)
    simetrica = symmetric_borda_scores(oraculo)
    assert {a: 2 * p - votantes * (m - 1) for a, p in con_borda.puntajes.items()} == \
        {alternativas[j]: simetrica[j] for j in range(m)}
    assert con_borda.ganadores == ids(borda_for_profile_with_ties(oraculo))

    con_copeland = ordinales.copeland(nuestro)
    suyos = oraculo.copeland_scores(scores=(1, 0.5, 0))
    assert con_copeland.puntajes == {alternativas[j]: suyos[j] for j in range(m)}
    assert con_copeland.ganadores == ids(copeland(oraculo))

    con_schulze = ordinales.schulze(nuestro)
    assert con_schulze.ganadores == ids(beat_path(oraculo))
    posicion = {a: k for k, a in enumerate(con_schulze.orden)}
    for ganadora, vencida in beat_path_defeat(oraculo).edges:
        assert posicion[alternativas[ganadora]] < posicion[alternativas[vencida]]

    assert ordinales.irv(nuestro).ganadores == ids(split_irv(oraculo))

    for resultado in (con_borda, con_copeland, con_schulze, ordinales.irv(nuestro)):
        assert sorted(resultado.orden) == sorted(alternativas) and resultado.orden[0] in resultado.ganadores
        assert len(resultado.ganadores) == 1 or any(e.elegido == resultado.orden[0] for e in resultado.empates)


@pytest.mark.parametrize("semilla", range(60))
def test_orden_completo_de_irv_igual_al_de_pref_voting(semilla):
    """Con órdenes completos sin empates, pref_voting da el orden de IRV (eliminación al revés, empatadas juntas)."""
    from pref_voting.iterative_methods import instant_runoff_ranking
    from pref_voting.profiles import Profile

    alternativas, lista, cantidades = perfil_al_azar(random.Random(10_000 + semilla), "completas")
    lista = [tuple((a,) for grupo in p for a in grupo) for p in lista]
    resultado = ordinales.irv(ordinales.crear_perfil(alternativas, lista, cantidades))
    suyo = instant_runoff_ranking(Profile([[int(g[0]) - 1 for g in p] for p in lista], cantidades))
    suyo.normalize_ranks()
    grupos = [resultado.ganadores, *(r["eliminadas"] for r in reversed(resultado.detalle["rondas"]) if r["eliminadas"])]
    assert {a: k + 1 for k, grupo in enumerate(grupos) for a in grupo} == {str(c + 1): r for c, r in suyo.rmap.items()}


def test_datos_reales_de_cracovia_iguales_a_pref_voting():
    """1392 papeletas ordinales reales (3 proyectos cada una, 18 proyectos)."""
    from pref_voting.c1_methods import copeland
    from pref_voting.iterative_methods import split_irv
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.scoring_methods import borda_for_profile_with_ties

    eleccion = pabulib.leer(KRAKOW)
    alternativas = [p.id for p in eleccion.proyectos]
    distintas = Counter(tuple((p,) for p in papeleta) for papeleta in eleccion.papeletas)
    oraculo = a_pref_voting(alternativas, list(distintas), list(distintas.values()))
    nuestro = ordinales.perfil_de_pabulib(eleccion)
    for regla, funcion in [("borda", borda_for_profile_with_ties), ("copeland", copeland), ("schulze", beat_path),
                           ("irv", split_irv)]:
        assert ordinales.ordenar(nuestro, regla).ganadores == [alternativas[c] for c in funcion(oraculo)], regla


@pytest.mark.parametrize("bloque", [ordinales.ELEMENTOS_POR_BLOQUE, 2_000], ids=["bloque_normal", "bloques_chicos"])
def test_pares_iguales_a_contarlos_uno_por_uno(bloque, monkeypatch):
    """30 alternativas: papeletas cortas (≤ 10 nombradas, producto de matrices) y largas (comparación densa)."""
    monkeypatch.setattr(ordinales, "ELEMENTOS_POR_BLOQUE", bloque)
    azar = random.Random(7)
    alternativas = [f"p{j}" for j in range(30)]
    lista, cantidades = [], []
    for _ in range(300):
        nombradas = azar.sample(alternativas, azar.choice([1, 2, 5, 10, 11, 29, 30]))
        cortes = sorted(azar.sample(range(1, len(nombradas)), azar.randint(0, len(nombradas) - 1)))
        lista.append(tuple(tuple(nombradas[a:b]) for a, b in zip([0, *cortes], [*cortes, len(nombradas)])))
        cantidades.append(azar.randint(1, 3))
    esperado = [[0] * 30 for _ in alternativas]
    for papeleta, cantidad in zip(lista, cantidades):
        nivel = {a: k for k, grupo in enumerate(papeleta) for a in grupo}
        for i, a in enumerate(alternativas):
            for j, b in enumerate(alternativas):
                if nivel.get(a, 99) < nivel.get(b, 99):
                    esperado[i][j] += cantidad
    assert ordinales.crear_perfil(alternativas, lista, cantidades).apoyos.tolist() == esperado


def test_papeletas_iguales_se_juntan():
    juntas = ordinales.crear_perfil(list("abc"), papeletas("a>b", "c", "a>b", "b=c", "c=b"), [1, 2, 3, 1, 1])
    assert juntas.cantidades.tolist() == [4, 2, 2] and juntas.votantes == 8


# --- presupuesto ----------------------------------------------------------------------------

def test_financiar_en_orden_salta_lo_que_no_cabe_y_lo_que_nadie_voto():
    proyectos = [pabulib.Proyecto(p, costo) for p, costo in [("a", 60), ("b", 50), ("c", 30), ("d", 5)]]
    eleccion = pabulib.Eleccion({"budget": "100", "vote_type": "ordinal"}, proyectos, ["1", "2", "3"],
                                [("a", "b", "c"), ("b", "a"), ("a", "c")])
    resultado = ordinales.contar(eleccion, "borda")
    assert resultado.detalle["orden"] == ["a", "b", "c", "d"]
    assert resultado.elegidos == ["a", "c"] and resultado.costo_total == 90
    assert resultado.detalle["saltados"] == {"b": "cuesta 50 y quedaban 40", "d": "nadie lo puso en su papeleta"}


@pytest.mark.parametrize("regla", list(ordinales.REGLAS_ORDEN))
def test_cracovia_con_cada_regla_de_orden_respeta_el_presupuesto(regla):
    eleccion = pabulib.leer(KRAKOW)
    resultado = ordinales.contar(eleccion, regla)
    costos = {p.id: p.costo for p in eleccion.proyectos}
    assert sum(costos[p] for p in resultado.elegidos) == resultado.costo_total <= eleccion.presupuesto
    assert resultado.elegidos[0] == resultado.detalle["orden"][0]
    sin_motivo = [p for p in resultado.detalle["orden"]
                  if p not in resultado.elegidos and p not in resultado.detalle["saltados"]]
    assert sin_motivo == []


# --- línea de comandos ----------------------------------------------------------------------

def test_cli_con_regla_de_orden_en_un_pb_ordinal(capsys):
    assert main(["contar", str(KRAKOW), "--regla", "schulze"]) == 0
    esperado = ordinales.contar(pabulib.leer(KRAKOW), "schulze").elegidos
    assert capsys.readouterr().out.split() == esperado == ["6", "1", "7", "22", "2", "11", "30", "28"]


def test_cli_regla_de_orden_en_un_pb_de_aprobacion_es_un_error_claro(capsys):
    assert main(["contar", str(PABULIB / "Netherlands_Assen_2024.pb"), "--regla", "borda"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Error: la regla borda necesita votos ordenados") and "use una de: greedy" in error


def test_cli_por_subprocess_con_regla_de_orden():
    proceso = subprocess.run([sys.executable, "-m", "votacion", "contar", str(KRAKOW), "--regla", "irv"],
                             capture_output=True, text=True, cwd=RAIZ, check=True)
    assert proceso.stdout.split() == ordinales.contar(pabulib.leer(KRAKOW), "irv").elegidos
