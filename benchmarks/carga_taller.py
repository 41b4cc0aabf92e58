"""Carga de un taller real: N celulares votan a la vez contra `streamlit run app.py` y un proyector los cuenta.

    python benchmarks/carga_taller.py [--participantes 60 120 200 300] [--semilla 1] [--llegada 60]
                                      [--nucleo-servidor 0] [--perfil CARPETA]

Medición justa: el servidor corre solo en un núcleo (`--nucleo-servidor`, por defecto el 0 si hay dos o más) y este
simulador en los otros, así la cifra dice lo que sirve un núcleo de una laptop; se imprime el CPU del simulador
para ver que no le faltó. Con `--perfil`, py-spy muestrea el servidor y se imprimen las funciones donde se va su CPU.

El simulador (cómo habla cada celular con el servidor, qué se mide) está en `tests/carga.py`; aquí, las metas y la
tabla que se imprime.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.carga import correr, funciones_del_perfil  # noqa: E402

META_SEGUNDOS, META_P95_MS = 120, 2000


def metas(resultado: dict) -> dict[str, bool]:
    """Las metas del pedido: todas votan en menos de 2 minutos, ninguna papeleta perdida, p95 Votar→recibo < 2 s."""
    p95, total = resultado["votar_recibo_ms"]["p95"], resultado["total_s"]
    return {f"todas votan en menos de {META_SEGUNDOS // 60} min": (
                resultado["con_recibo"] == resultado["participantes"] and total is not None
                and total < META_SEGUNDOS),
            "0 papeletas perdidas (ni celulares que fallen)": not resultado["perdidas"] and not resultado["errores"],
            f"p95 Votar→recibo < {META_P95_MS / 1000:.0f} s": p95 is not None and p95 < META_P95_MS}


COLUMNAS = ("N", "guardadas", "perdidas", "errores", "Votar→recibo p50/p95/máx ms", "proyector p50/p95 ms",
            "total s", "CPU servidor media/máx %", "CPU-s/celular", "RSS máx MB", "CPU simulador/máquina %")


def imprimir(resultados: list[dict]) -> None:
    filas = [COLUMNAS, *map(_fila, resultados)]
    anchos = [max(len(f[i]) for f in filas) for i in range(len(COLUMNAS))]
    for fila in filas:
        print("  ".join(valor.rjust(ancho) for valor, ancho in zip(fila, anchos, strict=True)))
    print(f"CPU: 100 % = un núcleo; esta máquina tiene {os.cpu_count()}. «máquina» suma todos los procesos.")
    for r in resultados:
        cumplidas = ", ".join(f"{meta}: {'sí' if ok else 'NO'}" for meta, ok in metas(r).items())
        print(f"N = {r['participantes']}: {cumplidas}")
        for motivo, veces in collections.Counter(r["perdidas"]).most_common():
            print(f"  {veces} perdidas: {motivo}")
        for error, veces in collections.Counter(r["errores"]).most_common(3):
            print(f"  {veces} celulares fallaron con: {error}")
        if r["cadena"]:
            print(f"  la cadena de huellas NO se verifica: {r['cadena'][0]}")
        if r["proyector_vio"] < r["con_recibo"]:
            print(f"  el proyector no llegó a mostrar {r['con_recibo'] - r['proyector_vio']} papeletas")
        if r["avisos_servidor"]:
            print(f"  {len(r['avisos_servidor'])} líneas de error o aviso en el registro del servidor; la primera: "
                  f"{r['avisos_servidor'][0]}")


def _fila(r: dict) -> list[str]:
    tiempos, proyector, cpu = r["votar_recibo_ms"], r["proyector_ms"], r["cpu_servidor"]
    return [str(r["participantes"]), str(r["guardadas"]), str(len(r["perdidas"])), str(len(r["errores"])),
            " / ".join(_numero(tiempos[k]) for k in ("p50", "p95", "max")),
            " / ".join(_numero(proyector[k]) for k in ("p50", "p95")), _numero(r["total_s"], 1),
            f"{cpu['media']:.0f} / {cpu['max']:.0f}", f"{r['cpu_servidor_s'] / r['participantes']:.2f}",
            _numero(r["rss_max_mb"]),
            f"{r['cpu_simulador']:.0f} / {r['cpu_maquina']:.0f}"]


def _numero(valor: float | None, decimales: int = 0) -> str:
    return "—" if valor is None else f"{valor:.{decimales}f}"


def main() -> None:
    analizador = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    analizador.add_argument("--participantes", type=int, nargs="+", default=[60, 120, 200, 300])
    analizador.add_argument("--semilla", type=int, default=1)
    analizador.add_argument("--llegada", type=float, default=60.0, help="segundos en que llegan todos (al azar)")
    analizador.add_argument("--nucleo-servidor", type=int, default=0 if (os.cpu_count() or 1) > 1 else None,
                            help="núcleo donde corre solo el servidor (-1: sin fijar)")
    analizador.add_argument("--perfil", type=Path, help="carpeta donde dejar el perfil de py-spy de cada N")
    opciones = analizador.parse_args()
    nucleo = None if opciones.nucleo_servidor in (None, -1) else opciones.nucleo_servidor
    resultados = []
    for cuantos in opciones.participantes:
        print(f"Taller de {cuantos} celulares (llegan en {opciones.llegada:.0f} s; servidor "
              f"{'en el núcleo ' + str(nucleo) if nucleo is not None else 'sin fijar'})…", flush=True)
        perfil = None
        if opciones.perfil:
            opciones.perfil.mkdir(parents=True, exist_ok=True)
            perfil = opciones.perfil / f"servidor_{cuantos}.txt"
        resultados.append(correr(cuantos, semilla=opciones.semilla, llegada=opciones.llegada, nucleo_servidor=nucleo,
                                 perfil=perfil))
        if perfil and perfil.exists():
            print(f"Dónde se va el CPU del servidor con {cuantos} celulares (% de las muestras en que la función está "
                  "en la pila / arriba de ella). Las de más tiempo propio:")
            for funcion, en_pila, arriba in funciones_del_perfil(perfil, 15):
                print(f"  {en_pila:5.1f} % {arriba:5.1f} %  {funcion}")
            print("Las de la plataforma:")
            for funcion, en_pila, arriba in funciones_del_perfil(perfil, 15, propias=True):
                print(f"  {en_pila:5.1f} % {arriba:5.1f} %  {funcion}")
        if resultados[-1]["perdidas"] or resultados[-1]["errores"]:
            print(f"Con {cuantos} se pierden papeletas o fallan celulares: no se prueba con más.")
            break
    imprimir(resultados)


if __name__ == "__main__":
    main()
