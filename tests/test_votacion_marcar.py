"""La papeleta marcada en la página (votacion.marcar): abrir con el voto vigente, volver a leerla y el resumen."""
import dataclasses

import pytest

from votacion import marcar
from votacion.modelo import Papeleta, TipoPapeleta, Votacion

CODIGOS = ["PP27-0001", "PP27-0002", "PP27-0003", "PP27-0004"]
BASE = Votacion(id=1, proceso_id=1, nombre="Priorización PP27", tipo=TipoPapeleta.APROBACION, techo_centimos=50_000_00,
                max_opciones=2, puntos_total=10, puntos_maximo=6, regla="greedy")


def _de(tipo, **cambios):
    return dataclasses.replace(BASE, tipo=tipo, **cambios)


@pytest.mark.parametrize("tipo, anterior", [
    (TipoPapeleta.APROBACION, Papeleta(("PP27-0002", "PP27-0004"))),
    (TipoPapeleta.PRESUPUESTO, Papeleta(("PP27-0001",))),
    (TipoPapeleta.PUNTOS, Papeleta(("PP27-0001", "PP27-0003"), (4, 6))),
    (TipoPapeleta.RANKING, Papeleta(("PP27-0003", "PP27-0001"))),
])
def test_abrir_con_el_voto_vigente_y_volver_a_leerlo_da_el_mismo_voto(tipo, anterior):
    votacion = _de(tipo)
    valores = marcar.valores_iniciales(votacion, CODIGOS, anterior)
    assert set(valores) == set(marcar.campos(votacion, CODIGOS))
    assert marcar.papeleta_de(votacion, CODIGOS, valores) == anterior


def test_sin_voto_la_papeleta_abre_vacia_en_cada_tipo():
    for tipo in TipoPapeleta:
        votacion = _de(tipo)
        vacia = marcar.papeleta_de(votacion, CODIGOS, marcar.valores_iniciales(votacion, CODIGOS, None))
        assert vacia.elegidas == ()


def test_una_propuesta_retirada_no_vuelve_a_la_papeleta():
    ranking = _de(TipoPapeleta.RANKING, max_opciones=3)
    valores = marcar.valores_iniciales(ranking, ["PP27-0001", "PP27-0003"], Papeleta(("PP27-0002", "PP27-0003")))
    assert valores == {"puesto_0": "PP27-0003", "puesto_1": marcar.NINGUNA, "puesto_2": marcar.NINGUNA}
    puntos = _de(TipoPapeleta.PUNTOS)
    leida = marcar.papeleta_de(puntos, CODIGOS, {"PP27-0001": 3, "PP27-0002": 0, "PP27-0003": None})
    assert leida == Papeleta(("PP27-0001",), (3,))


def test_el_resumen_de_cada_tipo_dice_lo_que_falta():
    costos = {c: 20_000_00 for c in CODIGOS}
    de_mas = marcar.resumen(_de(TipoPapeleta.APROBACION), Papeleta(tuple(CODIGOS[:3])), costos)
    assert de_mas.aviso and "quite 1 antes de votar" in de_mas.texto and de_mas.junto_al_boton == "Elegidas: 3 de 2"
    semillas = marcar.resumen(_de(TipoPapeleta.PUNTOS), Papeleta(("PP27-0001",), (4,)), costos)
    assert semillas.texto == "Semillas repartidas: **4 de 10** · le quedan 6"
    presupuesto = marcar.resumen(_de(TipoPapeleta.PRESUPUESTO), Papeleta(tuple(CODIGOS[:3])), costos)
    assert presupuesto.fraccion == 1.0 and presupuesto.texto == "Usa S/ 60,000.00 de S/ 50,000.00"
    assert marcar.resumen(_de(TipoPapeleta.RANKING), Papeleta(()), costos).texto == ""
