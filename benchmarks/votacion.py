"""Velocidad de las reglas de conteo frente a pabutools, medida en la misma corrida.

    python benchmarks/votacion.py [--proyectos 200] [--votantes 10000] [--semilla 1]

Imprime el tiempo de greedy y MES (utilidades de costo) propios y de pabutools, y la razón. Con
`--votantes 100000` pabutools tarda más de un minuto en MES. También mide el recuento en vivo de un
taller de 200 participantes (lo que el proyector recalcula en cada refresco).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from votacion import pabulib, reglas  # noqa: E402


def sintetica(proyectos: int, votantes: int, semilla: int) -> pabulib.Eleccion:
    """Aprobación con popularidad desigual (como en las ciudades): cada votante elige de 1 a 10 proyectos."""
    azar = random.Random(semilla)
    ids = [str(j + 1) for j in range(proyectos)]
    pesos = [1 / (j + 1) ** 0.7 for j in range(proyectos)]
    costos = [azar.randint(5, 300) * 1000 for _ in ids]
    papeletas = []
    for _ in range(votantes):
        elegidos = set(azar.choices(ids, weights=pesos, k=azar.randint(1, 10)))
        papeletas.append(tuple(sorted(elegidos, key=int)))
    return pabulib.Eleccion({"budget": str(sum(costos) // 4), "vote_type": "approval"},
                            [pabulib.Proyecto(i, c) for i, c in zip(ids, costos)],
                            [str(v) for v in range(votantes)], papeletas)


def medir(funcion, repeticiones: int = 1) -> tuple[float, object]:
    mejor, valor = float("inf"), None
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        valor = funcion()
        mejor = min(mejor, time.perf_counter() - inicio)
    return mejor, valor


def main() -> None:
    analizador = argparse.ArgumentParser()
    analizador.add_argument("--proyectos", type=int, default=200)
    analizador.add_argument("--votantes", type=int, default=10_000)
    analizador.add_argument("--semilla", type=int, default=1)
    analizador.add_argument("--sin-pabutools", action="store_true")
    opciones = analizador.parse_args()
    eleccion = sintetica(opciones.proyectos, opciones.votantes, opciones.semilla)
    t_perfil, perfil = medir(lambda: reglas.perfil_de(eleccion))
    t_greedy, nuestro_greedy = medir(lambda: reglas.greedy(perfil), 3)
    t_mes, nuestro_mes = medir(lambda: reglas.mes(perfil), 3)
    print(f"{opciones.proyectos} proyectos × {opciones.votantes:,} votantes (aprobación)")
    print(f"  armar el perfil (numpy):   {t_perfil * 1000:9.1f} ms")
    print(f"  greedy propio:             {t_greedy * 1000:9.1f} ms")
    print(f"  MES propio:                {t_mes * 1000:9.1f} ms  ({len(nuestro_mes.elegidos)} financiados)")
    if not opciones.sin_pabutools:
        from pabutools.election import Cost_Sat
        from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

        from tests.test_votacion_reglas import a_pabutools
        instancia, perfil_pb, desempate = a_pabutools(eleccion)
        t_pg, suyo_greedy = medir(lambda: greedy_utilitarian_welfare(instancia, perfil_pb, sat_class=Cost_Sat,
                                                                      tie_breaking=desempate))
        t_pm, suyo_mes = medir(lambda: method_of_equal_shares(instancia, perfil_pb, sat_class=Cost_Sat,
                                                               tie_breaking=desempate))
        iguales = (sorted(nuestro_greedy.elegidos) == sorted(p.name for p in suyo_greedy)
                   and nuestro_mes.elegidos == [p.name for p in suyo_mes])
        print(f"  greedy pabutools:          {t_pg * 1000:9.1f} ms  → propio {t_pg / (t_perfil + t_greedy):,.0f}× "
              "más rápido (contando armar el perfil)")
        print(f"  MES pabutools:             {t_pm * 1000:9.1f} ms  → propio {t_pm / (t_perfil + t_mes):,.0f}× "
              "más rápido (contando armar el perfil)")
        print(f"  mismos resultados: {'sí' if iguales else 'NO'}")
    taller = sintetica(40, 200, opciones.semilla)
    t_vivo, _ = medir(lambda: (reglas.greedy(p := reglas.perfil_de(taller)), reglas.mes(p)), 20)
    print(f"Recuento en vivo, taller de 200 participantes × 40 propuestas (perfil + greedy + MES): "
          f"{t_vivo * 1000:.1f} ms")


if __name__ == "__main__":
    main()
