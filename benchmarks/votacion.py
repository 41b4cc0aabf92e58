"""Velocidad de las reglas de conteo frente a pabutools, medida en la misma corrida.

    python benchmarks/votacion.py [--proyectos 200] [--votantes 10000] [--semilla 1]

Imprime el tiempo de greedy y MES (utilidades de costo) propios y de pabutools, y la razón. Con
`--votantes 100000` pabutools tarda más de un minuto en MES. También mide: MES+add1 en una elección
del tamaño de Wieliczka 2023 frente a UNA corrida de MES de pabutools, y el recuento en vivo de un
taller de 200 participantes (lo que el proyector recalcula en cada refresco), también desde la base.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nucleo
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

        from tests.ayudas import a_pabutools
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
    wieliczka(opciones.semilla, not opciones.sin_pabutools)
    taller_en_la_base(opciones.semilla)


def wieliczka(semilla: int, con_pabutools: bool) -> None:
    """MES + add1 en una elección del tamaño de Wieliczka 2023 (64 proyectos × 6,586 votantes; el archivo real
    no está en ../shared) frente a UNA corrida de MES simple de pabutools."""
    eleccion = sintetica(64, 6_586, semilla)
    t_perfil, perfil = medir(lambda: reglas.perfil_de(eleccion))
    t_add1, resultado = medir(lambda: reglas.mes_add1(perfil), 3)
    print(f"Tamaño Wieliczka 2023 (64 × 6,586, sintética): MES+add1 propio {(t_perfil + t_add1) * 1000:,.0f} ms "
          f"({resultado.detalle['rondas_add1']} rondas, {len(resultado.elegidos)} financiados)")
    if con_pabutools:
        from pabutools.election import Cost_Sat
        from pabutools.rules import method_of_equal_shares

        from tests.ayudas import a_pabutools
        instancia, perfil_pb, desempate = a_pabutools(eleccion)
        t_pm, _ = medir(lambda: method_of_equal_shares(instancia, perfil_pb, sat_class=Cost_Sat,
                                                        tie_breaking=desempate))
        print(f"  una corrida de MES simple en pabutools: {t_pm * 1000:,.0f} ms → MES+add1 propio "
              f"{t_pm / (t_perfil + t_add1):,.1f}× más rápido que UNA corrida suya")


def taller_en_la_base(semilla: int) -> None:
    """Lo que recalcula el proyector: `servicios.resultados` desde SQLite (regla oficial, MES+add1 de comparación,
    equidad por distrito) con 200 papeletas sobre 40 propuestas y un techo de S/ 1,000,000."""
    import datetime as dt
    import tempfile

    from geo import servicios as territorio
    from identidad import participantes
    from identidad.acceso import Actor, Rol
    from propuestas import servicios as propuestas_servicios
    from votacion import servicios
    from votacion.modelo import EstadoVotacion, Papeleta

    compartido = Path(__file__).resolve().parent.parent.parent / "shared" / "geo"
    admin = Actor(Rol.ADMINISTRADOR, "benchmark", cuenta_id=1)
    azar = random.Random(semilla)
    with tempfile.TemporaryDirectory() as carpeta:
        db = nucleo.abrir(Path(carpeta) / "taller.db")
        servicios.preparar(db)
        ahora = dt.datetime(2026, 12, 1, 15, tzinfo=dt.timezone.utc)
        for archivo in ("huaylas_distritos.geojson", "huaylas_distritos_datos.csv", "huaylas_centros_poblados.csv"):
            territorio.importar(db, compartido / archivo, actor=admin, ahora=ahora)
        proceso = propuestas_servicios.crear_proceso(
            db, propuestas_servicios.proceso_sugerido("0212", ahora.date() - dt.timedelta(days=72)), actor=admin,
            ahora=ahora)
        centros = territorio.centros_poblados(db)
        filas = []
        for j in range(40):
            centro = centros[azar.randrange(len(centros))]
            filas.append({"codigo": f"PP27-{j + 1:04d}", "proceso_id": proceso.id, "estado": "viable",
                          "titulo": f"Propuesta {j + 1}", "lat": centro.lat, "lon": centro.lon,
                          "ubigeo": centro.ubigeo, "distrito": centro.ubigeo, "costo_centimos": azar.randint(2, 30) * 1_000_000,
                          "puntaje_tecnico": azar.randint(20, 100), "creada_en": "x", "actualizada_en": "x",
                          "registrada_en": "x"})
        db["propuestas"].insert_all(filas)
        votacion = servicios.crear_votacion(db, servicios.nueva_votacion(db, proceso.id, techo_centimos=100_000_000),
                                            actor=admin, ahora=ahora)
        servicios.cambiar_estado(db, votacion.id, EstadoVotacion.ABIERTA, actor=admin, ahora=ahora)
        codigos = [f["codigo"] for f in filas]
        pesos = [1 / (j + 1) ** 0.7 for j in range(40)]
        t_inicio = time.perf_counter()
        for i in range(200):
            pid, _ = participantes.registrar_participante(
                db, proceso.id, {"nombre": f"Participante {i:03d}", "tipo": "ciudadano", "consentimiento": True,
                                 "ubigeo": centros[azar.randrange(len(centros))].ubigeo}, actor=admin, ahora=ahora)
            elegidas = tuple(dict.fromkeys(azar.choices(codigos, weights=pesos, k=azar.randint(1, 5))))
            servicios.emitir(db, votacion.id, Papeleta(elegidas),
                             actor=Actor(Rol.PARTICIPANTE, "p", participante_id=pid), ahora=ahora)
        t_emitir = (time.perf_counter() - t_inicio) / 200
        t_resultados, resultado = medir(lambda: servicios.resultados(db, votacion.id, actor=admin), 10)
        t_vivo, _ = medir(lambda: servicios.resultados(db, votacion.id, actor=admin, comparar=False), 10)
        db.close()
    print(f"Taller en la base (200 papeletas × 40 propuestas, techo S/ 1,000,000): registrar + emitir "
          f"{t_emitir * 1000:.1f} ms por papeleta; recuento completo para el proyector (SQLite → regla oficial + "
          f"MES add1 con {resultado.comparacion.detalle.get('rondas_add1', 0):,} rondas + equidad): "
          f"{t_resultados * 1000:.1f} ms; solo la regla oficial (el proyector en vivo): {t_vivo * 1000:.1f} ms")


if __name__ == "__main__":
    main()
