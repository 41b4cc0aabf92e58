"""Punto-en-distrito: dentro, fuera, borde, rendijas, lat/lon invertidas, puntos inválidos."""
import csv
import math

import pytest
import shapely

from geo.modelo import (
    TOLERANCIA_M,
    CentroPoblado,
    Distrito,
    Punto,
    PuntoFuera,
    PuntoInvalido,
    Territorio,
    centro_mas_cercano,
)
from tests.conftest import CENTROS, INDICADORES


def _filas(ruta):
    with open(ruta, encoding="utf-8") as archivo:
        return list(csv.DictReader(archivo))


@pytest.mark.parametrize("fila", _filas(INDICADORES), ids=lambda f: f["distrito"])
def test_la_capital_de_cada_distrito_cae_en_su_distrito(territorio, fila):
    distrito = territorio.ubicar(Punto(float(fila["lat_capital"]), float(fila["lon_capital"])))
    assert (distrito.ubigeo, distrito.nombre) == (fila["ubigeo"], fila["distrito"])


def test_los_435_centros_poblados_caen_en_su_distrito(territorio):
    filas = _filas(CENTROS)
    asignados = [territorio.ubicar(Punto(float(f["lat"]), float(f["lon"]))) for f in filas]
    errados = [(f["nombre"], f["ubigeo"], d and d.ubigeo) for f, d in zip(filas, asignados)
               if d is None or d.ubigeo != f["ubigeo"]]
    assert len(filas) == 435 and errados == []


def test_mayucayan_a_10_m_del_limite_entra_por_la_tolerancia(territorio):
    fila = next(f for f in _filas(CENTROS) if f["nombre"] == "MAYUCAYAN")
    distrito, metros = territorio.ubicar_con_distancia(Punto(float(fila["lat"]), float(fila["lon"])))
    assert distrito.nombre == "Huallanca" and 0 < metros < TOLERANCIA_M


@pytest.mark.parametrize("lat, lon", [(-12.0464, -77.0428), (-9.5, -77.5), (-8.0, -78.0)],
                         ids=["lima", "huaraz", "norte"])
def test_punto_fuera_de_la_provincia(territorio, lat, lon):
    assert territorio.ubicar(Punto(lat, lon)) is None
    with pytest.raises(PuntoFuera, match=r"fuera de los distritos de la provincia Huaylas"):
        territorio.ubicar_o_fallar(Punto(lat, lon))


def test_lat_lon_invertidas_quedan_fuera_y_no_en_otro_distrito(territorio):
    assert territorio.ubicar(Punto(-9.0485, -77.8046)).nombre == "Caraz"
    assert territorio.ubicar(Punto(-77.8046, -9.0485)) is None


@pytest.mark.parametrize("lat, lon, mensaje", [
    (91, -77, "latitud 91 está fuera de rango"),
    (-9, 181, "longitud 181 está fuera de rango"),
    (math.nan, -77, "latitud nan"),
    ("-9", -77, "no es un número"),
    (True, -77, "no es un número"),
], ids=["lat-91", "lon-181", "nan", "texto", "booleano"])
def test_punto_invalido_con_mensaje(lat, lon, mensaje):
    with pytest.raises(PuntoInvalido, match=mensaje):
        Punto(lat, lon)


def _cuadrado(oeste, este, sur=-9.01, norte=-9.00):
    return shapely.box(oeste, sur, este, norte)


def _territorio(*cuadrados):
    return Territorio(provincia="0212", distritos=[
        Distrito(ubigeo=u, nombre=n, provincia="P", departamento="D", geometria=g) for u, n, g in cuadrados])


def test_punto_sobre_el_borde_comun_va_al_ubigeo_menor():
    t = _territorio(("021202", "B", _cuadrado(-77.79, -77.78)), ("021201", "A", _cuadrado(-77.80, -77.79)))
    assert t.ubicar(Punto(-9.005, -77.79)).nombre == "A"


def test_en_una_superposicion_gana_el_distrito_que_lo_contiene_mas_adentro():
    # B se mete ~55 m en A; el punto está a ~22 m del borde de A y a ~33 m del de B.
    t = _territorio(("021201", "A", _cuadrado(-77.80, -77.79)), ("021202", "B", _cuadrado(-77.7905, -77.78)))
    assert t.ubicar(Punto(-9.005, -77.7902)).nombre == "B"


def test_rendija_menor_que_la_tolerancia_va_al_distrito_mas_cercano():
    # Rendija de ~33 m entre A y B; el punto está más cerca de B.
    t = _territorio(("021201", "A", _cuadrado(-77.80, -77.7903)), ("021202", "B", _cuadrado(-77.79, -77.78)))
    distrito, metros = t.ubicar_con_distancia(Punto(-9.005, -77.79005))
    assert distrito.nombre == "B" and 4 < metros < 7


def test_mas_alla_de_la_tolerancia_esta_fuera():
    t = _territorio(("021201", "A", _cuadrado(-77.80, -77.79)))
    assert t.ubicar(Punto(-9.005, -77.7895)) is None  # ~55 m al este


def test_area_aproximada_del_distrito(territorio):
    # area_km2 del archivo: 243.65 (geodésica); la aproximación local debe quedar a < 1 %.
    assert territorio.area_km2("021201") == pytest.approx(243.65, rel=0.01)
    assert territorio.area_km2("999999") is None


def test_centro_poblado_mas_cercano():
    centros = [CentroPoblado("1", "LEJOS", "021201", -9.2, -77.9), CentroPoblado("2", "CERCA", "021201", -9.0, -77.8)]
    centro, metros = centro_mas_cercano(Punto(-9.001, -77.8), centros)
    assert centro.nombre == "CERCA" and metros == pytest.approx(111, abs=2)
    assert centro_mas_cercano(Punto(-9, -77), []) is None
