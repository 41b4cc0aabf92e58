"""Casos de uso del territorio: importar en una transacción, eventos, y fallas que no tocan nada."""
import pytest

from geo import servicios
from geo.modelo import ImportacionInvalida, Punto, SinTerritorio
from nucleo.db import listar_eventos
from tests.conftest import ADMIN, AHORA, CENTROS, INDICADORES, LIMITES, PERU, filas

TABLAS = ("importaciones", "distritos", "indicadores", "centros_poblados", "eventos")


def _foto(db):
    return {t: filas(db, t) for t in TABLAS}


def test_importar_limites_guarda_territorio_y_evento(db):
    registro = servicios.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
    territorio = servicios.exigir_territorio(db)
    assert registro["tipo"] == "limites" and len(territorio.distritos) == 10
    assert territorio.ubicar(Punto(-9.0485, -77.8046)).nombre == "Caraz"
    evento = listar_eventos(db)[0]
    assert (evento["actor"], evento["accion"], evento["objeto_id"]) == ("administrador:admin", "importar_limites", "0212")
    assert evento["antes"] is None and evento["despues"]["aceptados"] == 10


def test_reimportar_no_borra_y_la_ultima_queda_vigente(db):
    servicios.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
    servicios.importar(db, PERU, actor=ADMIN, ahora=AHORA)
    assert filas(db, "distritos") == 20 and filas(db, "importaciones") == 2
    vigente = servicios.estado_territorio(db)["limites"]
    assert vigente["archivo"] == "peru_distritos.geojson"
    assert listar_eventos(db)[0]["antes"]["archivo"] == "huaylas_distritos.geojson"


def _puntos_en_vez_de_poligonos(ruta):
    import geopandas as gpd
    capa = gpd.read_file(LIMITES)
    capa["geometry"] = capa.geometry.representative_point()
    ruta.write_text(capa.to_json())


def _shapefile_sin_prj_en_utm(ruta):
    import zipfile

    import geopandas as gpd
    carpeta = ruta.parent / "shp"
    carpeta.mkdir()
    gpd.read_file(LIMITES)[["ubigeo", "distrito", "geometry"]].to_crs(32718).to_file(carpeta / "d.shp")
    with zipfile.ZipFile(ruta, "w") as comprimido:
        for parte in carpeta.glob("d.*"):
            if parte.suffix != ".prj":
                comprimido.write(parte, parte.name)


def _enorme(ruta):
    with open(ruta, "wb") as archivo:
        archivo.write(b"{")
        archivo.truncate(50 * 1024 * 1024)


def _geojson_cambiado(cambio):
    """El GeoJSON real de Huaylas con un cambio en su texto o en su JSON (para los archivos malos)."""
    import json

    def preparar(ruta):
        datos = json.loads(LIMITES.read_text(encoding="utf-8"))
        ruta.write_text(cambio(datos) if callable(cambio) else cambio, encoding="utf-8")
    return preparar


def _en_utm_sin_crs(datos):
    import json

    import geopandas as gpd
    utm = json.loads(gpd.read_file(LIMITES).to_crs(32718).to_json())
    utm.pop("crs")  # lo que deja un programa que exporta en metros sin declarar el sistema
    return json.dumps(utm)


def _con_vertice(x, y):
    def cambio(datos):
        import json
        datos["features"][0]["geometry"]["coordinates"][0][3] = [x, y]
        return json.dumps(datos).replace('"__NaN__"', "NaN")
    return cambio


def _anidado(datos):
    return '{"type": "FeatureCollection", "features": [' + "[" * 100_000 + "]" * 100_000 + "]}"


@pytest.mark.parametrize("nombre, preparar, mensaje", [
    ("malo.geojson", lambda r: r.write_text('{"type": "FeatureCollection", "features": ['), "No es JSON válido"),
    ("vacio.geojson", lambda r: r.write_bytes(b""), "vacío"),
    ("kml.geojson", lambda r: r.write_text('<?xml version="1.0"?><kml></kml>'), "es KML"),
    ("puntos.geojson", _puntos_en_vez_de_poligonos, "se esperan polígonos"),
    ("sin_prj.zip", _shapefile_sin_prj_en_utm, "no declara sistema de coordenadas"),
    ("enorme.geojson", _enorme, "el máximo es 30 MB"),
    ("utm.geojson", _geojson_cambiado(_en_utm_sin_crs), "no son grados.* Parecen estar en EPSG:32718"),
    ("vertice.geojson", _geojson_cambiado(_con_vertice(1e300, -8.95)),
     r"elemento 1 \(Caraz\) · coordenadas: Tiene un vértice en \(1e\+300, -8.95\)"),
    ("nan.geojson", _geojson_cambiado(_con_vertice("__NaN__", -8.95)), "tiene «NaN» donde va un número"),
    ("anidado.geojson", _geojson_cambiado(_anidado), "anidados cientos de niveles"),
], ids=["json-roto", "vacio", "kml", "puntos", "shp-sin-prj", "50-mb", "utm-sin-crs", "vertice-1e300", "nan",
        "anidado"])
def test_importacion_fallida_deja_la_base_igual(db, tmp_path, nombre, preparar, mensaje):
    servicios.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
    antes = _foto(db)
    malo = tmp_path / nombre
    preparar(malo)
    with pytest.raises(ImportacionInvalida, match=mensaje) as error:
        servicios.importar(db, malo, actor=ADMIN, ahora=AHORA)
    assert nombre in str(error.value) and "el territorio anterior sigue igual" in str(error.value)
    assert _foto(db) == antes
    assert servicios.estado_territorio(db)["limites"]["archivo"] == "huaylas_distritos.geojson"


def test_falla_al_escribir_revierte_todo(db, monkeypatch):
    servicios.importar(db, LIMITES, actor=ADMIN, ahora=AHORA)
    antes = _foto(db)

    def fallar(*_):
        raise RuntimeError("disco lleno simulado")

    monkeypatch.setattr(servicios.almacen, "guardar_distritos", fallar)
    with pytest.raises(RuntimeError):
        servicios.importar(db, PERU, actor=ADMIN, ahora=AHORA)
    assert _foto(db) == antes


def test_indicadores_y_centros_requieren_territorio(db):
    with pytest.raises(SinTerritorio, match="python -m geo importar"):
        servicios.importar(db, CENTROS, actor=ADMIN, ahora=AHORA)
    with pytest.raises(SinTerritorio):
        servicios.importar(db, INDICADORES, actor=ADMIN, ahora=AHORA)
    assert _foto(db) == dict.fromkeys(TABLAS, 0)


def test_tipo_se_deduce_del_archivo():
    assert servicios.detectar_tipo(LIMITES) == "limites"
    assert servicios.detectar_tipo(INDICADORES) == "indicadores"
    assert servicios.detectar_tipo(CENTROS) == "centros_poblados"


def test_centros_poblados_se_ubican_por_el_punto(db_con_territorio, tmp_path):
    centros = servicios.centros_poblados(db_con_territorio)
    assert len(centros) == 435
    assert {c.ubigeo for c in centros if c.nombre == "MAYUCAYAN"} == {"021202"}
    ruta = tmp_path / "ccpp.csv"
    ruta.write_text("codigo,nombre,lat,lon\n1,ADENTRO,-9.0485,-77.8046\n2,LIMA,-12.04,-77.04\n", encoding="utf-8")
    servicios.importar(db_con_territorio, ruta, actor=ADMIN, ahora=AHORA)
    registro = servicios.estado_territorio(db_con_territorio)["centros_poblados"]
    assert registro["informe"]["aceptados"] == 1 and registro["informe"]["fuera_de_provincia"] == 1
    assert "LIMA" in registro["informe"]["avisos"][0]


def test_datos_de_distritos(db_con_territorio):
    datos = servicios.datos_de_distritos(db_con_territorio)
    assert set(datos) == {f"0212{i:02d}" for i in range(1, 11)}
    assert datos["021206"]["distrito"] == "Pamparomás"


def test_importar_al_iniciar_solo_la_primera_vez(db):
    assert servicios.importar_al_iniciar(db, str(LIMITES), provincia="0212", ahora=AHORA)["tipo"] == "limites"
    assert servicios.importar_al_iniciar(db, str(PERU), provincia="0212", ahora=AHORA) is None
    assert filas(db, "importaciones") == 1


def test_provincia_configurada(monkeypatch):
    monkeypatch.delenv("PLATAFORMA_PROVINCIA", raising=False)
    assert servicios.provincia_configurada() == "0212"
    monkeypatch.setenv("PLATAFORMA_PROVINCIA", "0201")
    assert servicios.provincia_configurada() == "0201"
