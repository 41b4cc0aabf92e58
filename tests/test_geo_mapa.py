"""Mapas: activos locales (sin CDN), texto escapado, coropleta y lectura de clics."""
import re

import pytest
import shapely

from geo import mapa
from geo.modelo import Distrito, Punto, Territorio

MALICIOSO = '<img src=x onerror="alert(1)">'


def _enlaces_que_pide_st_folium(figura):
    """Los mismos enlaces JS/CSS que st_folium entrega al navegador (recorre los elementos)."""
    enlaces = []

    def recorrer(elemento):
        enlaces.extend(u for _, u in getattr(elemento, "default_js", []) + getattr(elemento, "default_css", []))
        for hijo in getattr(elemento, "_children", {}).values():
            recorrer(hijo)

    recorrer(figura)
    return enlaces


def test_el_mapa_no_pide_nada_a_internet(territorio):
    figura = mapa.mapa_distritos(territorio, datos={}, centros=[])
    html = figura.get_root().render()
    enlaces = _enlaces_que_pide_st_folium(figura)
    assert enlaces and all(u.startswith("/app/static/") for u in enlaces)
    scripts_externos = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    assert scripts_externos == []


def test_los_activos_se_copian_desde_xstatic(tmp_path):
    vendor = mapa.preparar_activos(tmp_path)
    urls = mapa.urls_activos("/app/static")
    for clave in ("leaflet_js", "leaflet_css"):
        relativo = urls[clave].removeprefix("/app/static/")
        assert (tmp_path / relativo).stat().st_size > 1000, relativo
    assert vendor == tmp_path / "vendor"


def test_prefijo_de_base_url():
    assert mapa.urls_activos("/plataforma/app/static")["leaflet_js"].startswith("/plataforma/app/static/vendor/")


def test_nombres_de_usuario_se_escapan_en_el_mapa():
    distrito = Distrito("021201", MALICIOSO, "P", "D", shapely.box(-77.8, -9.1, -77.7, -9.0))
    territorio = Territorio("0212", [distrito])
    from geo.modelo import CentroPoblado
    figura = mapa.mapa_distritos(territorio, datos={"021201": {"idh": 0.5}}, indicador="idh",
                                 centros=[CentroPoblado("1", MALICIOSO, "021201", -9.05, -77.75)])
    html = figura.get_root().render()
    decodificado = html.replace("\\u0026", "&").replace("\\u003c", "<").replace("\\u003e", ">").lower()
    assert "<img src=x" not in decodificado
    assert decodificado.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") == 3  # etiqueta, nombre, centro


def test_coropleta_por_cuantiles_y_leyenda(territorio):
    datos = {d.ubigeo: {"x": float(i)} for i, d in enumerate(territorio.distritos)}
    colores, clases = mapa.colorear(territorio, datos, "x")
    assert colores["021201"] == mapa.PALETA[0] and colores["021210"] == mapa.PALETA[-1]
    assert len(clases) == 5 and clases[0][1] == "0 – 1.0" and clases[-1][1].endswith("9.0")


def test_leyenda_sin_clases_solapadas_cuando_casi_todo_es_cero(territorio):
    datos = {d.ubigeo: {"x": 0.0} for d in territorio.distritos}
    datos["021201"]["x"], datos["021205"]["x"] = 0.036, 0.54
    _, clases = mapa.colorear(territorio, datos, "x")
    assert [rango for _, rango in clases] == ["0", "0.036 – 0.540"]


def test_coropleta_con_distrito_sin_dato(territorio):
    datos = {"021201": {"x": 1.0}, "021202": {"x": 2.0}}
    colores, clases = mapa.colorear(territorio, datos, "x")
    assert "021203" not in colores and clases[-1] == (mapa.COLOR_SIN_DATO, "Sin dato")


def test_indicadores_numericos_excluyen_textos_y_coordenadas():
    datos = {"021201": {"capital": "Caraz", "idh": 0.5, "lat_capital": -9.0, "vacio": None},
             "021202": {"capital": "Huallanca", "idh": None, "lat_capital": -8.8, "vacio": None}}
    assert mapa.indicadores_numericos(datos) == ["idh", "vacio"]


@pytest.mark.parametrize("valor, esperado", [
    ({"last_clicked": {"lat": -9.05, "lng": -77.8}}, Punto(-9.05, -77.8)),
    ({"last_clicked": None}, None),
    (None, None),
    ({"last_clicked": {"lat": "x", "lng": 1}}, None),
    ({"last_clicked": {"lat": 95, "lng": 1}}, None),
    ({}, None),
], ids=["clic", "sin-clic", "nada", "texto", "fuera-de-rango", "vacio"])
def test_punto_desde_clic(valor, esperado):
    assert mapa.punto_desde_clic(valor) == esperado


@pytest.mark.parametrize("valor, texto", [
    (None, "sin dato"), (27501.0, "27,501"), (0.498427, "0.498"), (24.847898, "24.8"), (7, "7"), ("Caraz", "Caraz"),
], ids=["nulo", "poblacion", "idh", "pobreza", "entero", "texto"])
def test_formatear(valor, texto):
    assert mapa.formatear(valor) == texto


def test_punto_desde_clic_en_un_marcador():
    valor = {"last_clicked": None, "last_object_clicked": {"lat": -9.05, "lng": -77.8}}
    assert mapa.punto_desde_clic(valor, "last_object_clicked") == Punto(-9.05, -77.8)
    assert mapa.punto_desde_clic(valor) is None
