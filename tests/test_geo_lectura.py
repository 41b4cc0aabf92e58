"""Lectura de límites y tablas: formatos, campos INEI, CRS, geometrías y archivos malos."""
import json
import zipfile

import geopandas as gpd
import pytest
import shapely

from geo.lectura import MAXIMO_BYTES, leer_centros_poblados, leer_indicadores, leer_limites, validar_provincia
from geo.modelo import ImportacionInvalida
from tests.conftest import ANCASH, CENTROS, INDICADORES, LIMITES, PERU

DIEZ = ["Caraz", "Huallanca", "Huata", "Huaylas", "Mato", "Pamparomás", "Pueblo Libre", "Santa Cruz",
        "Santo Toribio", "Yuracmarca"]


@pytest.fixture(scope="module")
def huaylas():
    return gpd.read_file(LIMITES)


def _mensajes(error):
    return " | ".join(str(p) for p in error.value.problemas)


def _shapefile_zip(capa, carpeta, nombre="distritos", sin_prj=False):
    capa.to_file(carpeta / f"{nombre}.shp")
    ruta = carpeta / f"{nombre}.zip"
    with zipfile.ZipFile(ruta, "w") as comprimido:
        for archivo in carpeta.glob(f"{nombre}.*"):
            if archivo.suffix != ".zip" and not (sin_prj and archivo.suffix == ".prj"):
                comprimido.write(archivo, archivo.name)
    return ruta


def _como_inei(capa):
    """Campos como en los archivos del INEI: IDDIST, NOMBDIST, NOMBPROV, NOMBDEP."""
    return capa.rename(columns={"ubigeo": "IDDIST", "distrito": "NOMBDIST", "provincia": "NOMBPROV",
                                "departamento": "NOMBDEP"})[["IDDIST", "NOMBDIST", "NOMBPROV", "NOMBDEP", "geometry"]]


def test_lee_los_diez_distritos_de_huaylas():
    leida = leer_limites(LIMITES)
    assert [d.nombre for d in leida.distritos] == DIEZ
    assert leida.distritos[0].ubigeo == "021201" and leida.distritos[0].provincia == "Huaylas"
    assert leida.campos == {"ubigeo": "ubigeo", "nombre": "distrito", "provincia": "provincia",
                            "departamento": "departamento"}
    assert leida.avisos == [] and leida.fuera_de_provincia == 0


@pytest.mark.parametrize("ruta, fuera", [(PERU, 1816), (ANCASH, 155)], ids=["peru", "ancash"])
def test_archivo_nacional_se_filtra_a_la_provincia(ruta, fuera):
    leida = leer_limites(ruta, provincia="0212")
    assert [d.ubigeo for d in leida.distritos] == [f"0212{i:02d}" for i in range(1, 11)]
    assert leida.fuera_de_provincia == fuera


def test_otra_provincia_configurada_huaraz():
    leida = leer_limites(ANCASH, provincia="0201")
    assert leida.distritos[0].nombre == "Huaraz" and all(d.ubigeo.startswith("0201") for d in leida.distritos)


def test_shapefile_zip_en_utm_18s_con_campos_inei_se_reproyecta(huaylas, tmp_path):
    ruta = _shapefile_zip(_como_inei(huaylas).to_crs(32718), tmp_path)
    leida = leer_limites(ruta)
    assert [d.nombre for d in leida.distritos] == DIEZ
    assert leida.campos["ubigeo"] == "IDDIST" and leida.campos["nombre"] == "NOMBDIST"
    assert "EPSG:32718" in leida.crs_origen and any("reproyectó" in a.mensaje for a in leida.avisos)
    original = huaylas.geometry[0]
    assert shapely.hausdorff_distance(leida.distritos[0].geometria, original) < 1e-6


def test_geopackage_en_utm(huaylas, tmp_path):
    ruta = tmp_path / "limites.gpkg"
    huaylas.to_crs(32718).to_file(ruta, layer="distritos", driver="GPKG")
    assert [d.nombre for d in leer_limites(ruta).distritos] == DIEZ


def test_ubigeo_numerico_sin_cero_inicial_se_completa(huaylas, tmp_path):
    capa = _como_inei(huaylas)
    capa["IDDIST"] = capa["IDDIST"].astype(int)
    ruta = _shapefile_zip(capa, tmp_path)
    leida = leer_limites(ruta)
    assert leida.distritos[0].ubigeo == "021201" and any("cero inicial" in a.mensaje for a in leida.avisos)


def test_shapefile_sin_prj_en_metros_se_rechaza_y_con_crs_indicado_se_acepta(huaylas, tmp_path):
    ruta = _shapefile_zip(_como_inei(huaylas).to_crs(32718), tmp_path, sin_prj=True)
    with pytest.raises(ImportacionInvalida, match="no declara sistema de coordenadas") as error:
        leer_limites(ruta)
    assert "EPSG:32718" in _mensajes(error) and error.value.archivo == "distritos.zip"
    assert len(leer_limites(ruta, crs="EPSG:32718").distritos) == 10


def test_shapefile_sin_prj_en_grados_asume_wgs84_con_aviso(huaylas, tmp_path):
    ruta = _shapefile_zip(_como_inei(huaylas), tmp_path, sin_prj=True)
    leida = leer_limites(ruta)
    assert len(leida.distritos) == 10 and any("se asumió WGS84" in a.mensaje for a in leida.avisos)


def test_crs_indicado_desconocido(huaylas, tmp_path):
    ruta = _shapefile_zip(_como_inei(huaylas).to_crs(32718), tmp_path, sin_prj=True)
    with pytest.raises(ImportacionInvalida, match="no se reconoce"):
        leer_limites(ruta, crs="EPSG:99999999")


def _geojson(tmp_path, capa, nombre="limites.geojson"):
    ruta = tmp_path / nombre
    ruta.write_text(capa.to_json(), encoding="utf-8")
    return ruta


def test_geometria_invalida_reparable_se_repara_y_avisa_con_el_distrito(huaylas, tmp_path):
    capa = huaylas.copy()
    oeste, sur, este, norte = capa.geometry[2].bounds
    capa.loc[2, "geometry"] = shapely.Polygon([(oeste, sur), (este, norte), (este, sur), (oeste, norte)])
    leida = leer_limites(_geojson(tmp_path, capa))
    aviso = next(a for a in leida.avisos if a.campo == "geometría")
    assert "Huata (021203)" in aviso.elemento and "Self-intersection" in aviso.mensaje
    assert leida.distritos[2].geometria.is_valid


def test_ubigeo_repetido_y_malformado_se_rechazan_nombrando_el_elemento(huaylas, tmp_path):
    capa = huaylas.copy()
    capa.loc[1, "ubigeo"] = "021201"
    capa.loc[3, "ubigeo"] = "02120X"
    with pytest.raises(ImportacionInvalida) as error:
        leer_limites(_geojson(tmp_path, capa))
    mensajes = _mensajes(error)
    assert "Huallanca (021201)" in mensajes and "ubigeo repetido" in mensajes and "«Caraz»" in mensajes
    assert "'02120X' no es válido; se esperan 6 dígitos" in mensajes and "(Huaylas)" in mensajes


def test_nombre_vacio_y_sin_geometria(huaylas, tmp_path):
    datos = json.loads(huaylas.to_json())
    datos["features"][0]["properties"]["distrito"] = " "
    datos["features"][1]["geometry"] = None
    ruta = tmp_path / "x.geojson"
    ruta.write_text(json.dumps(datos))
    with pytest.raises(ImportacionInvalida) as error:
        leer_limites(ruta)
    assert "sin nombre (021201) · distrito: El distrito no tiene nombre." in _mensajes(error)
    assert "Huallanca (021202) · geometría: El distrito no tiene geometría." in _mensajes(error)


def test_puntos_en_vez_de_poligonos(huaylas, tmp_path):
    capa = huaylas.copy()
    capa["geometry"] = capa.geometry.representative_point()
    with pytest.raises(ImportacionInvalida, match="geometrías de tipo Point; se esperan polígonos"):
        leer_limites(_geojson(tmp_path, capa))


def test_sin_distritos_de_la_provincia(huaylas, tmp_path):
    with pytest.raises(ImportacionInvalida, match="Ningún distrito pertenece a la provincia 0201"):
        leer_limites(_geojson(tmp_path, huaylas), provincia="0201")


def test_sin_campo_de_ubigeo_lista_los_campos(huaylas, tmp_path):
    capa = huaylas.rename(columns={"ubigeo": "codigo_raro"})
    with pytest.raises(ImportacionInvalida, match="No se encontró el campo del ubigeo") as error:
        leer_limites(_geojson(tmp_path, capa))
    assert "codigo_raro" in _mensajes(error)


@pytest.mark.parametrize("contenido, mensaje", [
    (b"", "está vacío"),
    (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>', "es KML"),
    (b'{"type": "FeatureCollection", "features": [', "No es JSON válido"),
    (b'{"type": "FeatureCollection", "features": []}', "no tiene ningún elemento"),
    (b'{"type": "Point", "coordinates": [1, 2]}', "es de tipo 'Point'"),
    (b"ubigeo,nombre\n021201,Caraz\n", "No se reconoce el formato"),
    (b"PK\x03\x04basura", "dañado"),
], ids=["vacio", "kml", "json-roto", "sin-elementos", "geometria-suelta", "csv", "zip-roto"])
def test_archivos_malos_dan_mensaje_claro(tmp_path, contenido, mensaje):
    ruta = tmp_path / "limites.geojson"
    ruta.write_bytes(contenido)
    with pytest.raises(ImportacionInvalida, match=mensaje) as error:
        leer_limites(ruta)
    assert "limites.geojson" in str(error.value)


def test_archivo_de_50_mb_se_rechaza_sin_leerlo(tmp_path):
    ruta = tmp_path / "enorme.geojson"
    with open(ruta, "wb") as archivo:
        archivo.write(b"{")
        archivo.truncate(50 * 1024 * 1024)
    assert ruta.stat().st_size > MAXIMO_BYTES
    with pytest.raises(ImportacionInvalida, match=r"pesa 50\.0 MB; el máximo es 30 MB"):
        leer_limites(ruta)


def test_zip_sin_shp_y_con_dos_capas(huaylas, tmp_path):
    vacio = tmp_path / "vacio.zip"
    with zipfile.ZipFile(vacio, "w") as comprimido:
        comprimido.writestr("leeme.txt", "hola")
    with pytest.raises(ImportacionInvalida, match="no contiene ningún .shp"):
        leer_limites(vacio)
    (tmp_path / "a").mkdir()
    doble = _shapefile_zip(_como_inei(huaylas), tmp_path / "a")
    with zipfile.ZipFile(doble, "a") as comprimido:
        comprimido.writestr("otra.shp", b"x")
    with pytest.raises(ImportacionInvalida, match="contiene 2 capas"):
        leer_limites(doble)


@pytest.mark.parametrize("provincia", ["212", "02120", "02a2", ""], ids=["corto", "largo", "letra", "vacio"])
def test_codigo_de_provincia_invalido(provincia):
    with pytest.raises(ImportacionInvalida, match="se esperan 4 dígitos"):
        validar_provincia(provincia)


def test_indicadores_reales():
    leida = leer_indicadores(INDICADORES)
    caraz = leida.filas[0]
    assert caraz["ubigeo"] == "021201" and caraz["capital"] == "Caraz"
    assert caraz["pobreza_total_pct_2018"] == pytest.approx(24.847898) and caraz["poblacion_proyectada_2025"] == 27501


def test_indicadores_con_punto_y_coma_y_ubigeo_sin_cero(tmp_path):
    ruta = tmp_path / "ind.csv"
    ruta.write_text("UBIGEO;idh\n21201;0,5\n21202;0.53\n150101;0.7\n", encoding="utf-8")
    leida = leer_indicadores(ruta)
    assert [f["ubigeo"] for f in leida.filas] == ["021201", "021202"] and leida.fuera_de_provincia == 1
    assert leida.filas[0]["idh"] == "0,5" and leida.filas[1]["idh"] == 0.53
    assert any("cero inicial" in a.mensaje for a in leida.avisos)


def test_indicadores_con_ubigeo_malo_y_repetido(tmp_path):
    ruta = tmp_path / "ind.csv"
    ruta.write_text("ubigeo,idh\n021201,0.5\n021201,0.6\nabc,1\n", encoding="utf-8")
    with pytest.raises(ImportacionInvalida) as error:
        leer_indicadores(ruta)
    assert "fila 3 · ubigeo: ubigeo 021201 repetido." in _mensajes(error)
    assert "fila 4 · ubigeo: El ubigeo 'abc' no es válido" in _mensajes(error)


def test_centros_poblados_reales():
    leida = leer_centros_poblados(CENTROS)
    assert len(leida.filas) == 435 and leida.filas[0]["nombre"] == "CARAZ"


def test_centros_poblados_con_filas_malas(tmp_path):
    ruta = tmp_path / "ccpp.csv"
    ruta.write_text("codigo_ccpp,nombre,lat,lon\n1,UNO,-9.0,-77.8\n1,DOS,-9.0,-77.8\n3,TRES,abc,-77.8\n"
                    "4,CUATRO,-99,-77.8\n5,,-9,-77.8\n", encoding="utf-8")
    with pytest.raises(ImportacionInvalida) as error:
        leer_centros_poblados(ruta)
    mensajes = _mensajes(error)
    assert "código 1 repetido" in mensajes and "'abc' no es un número" in mensajes
    assert "latitud -99.0 está fuera de rango" in mensajes and "fila 6" in mensajes


def test_centros_poblados_sin_columnas(tmp_path):
    ruta = tmp_path / "ccpp.csv"
    ruta.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportacionInvalida, match="Falta la columna codigo") as error:
        leer_centros_poblados(ruta)
    assert "Falta la columna lat" in _mensajes(error)


# --- coordenadas que no son del Perú -----------------------------------------------------------------

def test_geojson_en_utm_sin_crs_se_rechaza_y_con_el_crs_sugerido_se_acepta(huaylas, tmp_path):
    datos = json.loads(huaylas.to_crs(32718).to_json())
    datos.pop("crs")
    ruta = tmp_path / "utm.geojson"
    ruta.write_text(json.dumps(datos))
    with pytest.raises(ImportacionInvalida, match="no son grados") as error:
        leer_limites(ruta)
    assert "Parecen estar en EPSG:32718 (WGS 84 / UTM zona 18 Sur)" in _mensajes(error)
    leida = leer_limites(ruta, crs="EPSG:32718")
    assert [d.nombre for d in leida.distritos] == DIEZ
    assert shapely.hausdorff_distance(leida.distritos[0].geometria, huaylas.geometry[0]) < 1e-6


def test_geojson_con_crs_declarado_en_utm_se_reproyecta(huaylas, tmp_path):
    assert [d.nombre for d in leer_limites(_geojson(tmp_path, huaylas.to_crs(32718))).distritos] == DIEZ


@pytest.mark.parametrize("mover, mensaje", [
    (lambda x, y: (x + 100, y + 50), "caen fuera del Perú"),
    (lambda x, y: (y, x), "La latitud y la longitud parecen intercambiadas"),
    (lambda x, y: (x * 1e5, y * 1e5), "no son grados"),
], ids=["otro_pais", "lat_lon_intercambiadas", "ni_grados"])
def test_coordenadas_fuera_del_peru_se_rechazan(huaylas, tmp_path, mover, mensaje):
    capa = huaylas.copy()
    capa["geometry"] = capa.geometry.transform(lambda puntos: [mover(x, y) for x, y in puntos])
    with pytest.raises(ImportacionInvalida, match=mensaje) as error:
        leer_limites(_geojson(tmp_path, capa))
    assert "Se esperan grados del Perú" in _mensajes(error)


def test_crs_declarado_equivocado_cae_fuera_del_peru(huaylas, tmp_path):
    capa = huaylas.to_crs(32718).set_crs(32618, allow_override=True)  # zona 18 Norte en vez de Sur
    with pytest.raises(ImportacionInvalida, match=r"Con el sistema que declara \(EPSG:32618\).*fuera del Perú"):
        leer_limites(_geojson(tmp_path, capa))


def test_vertice_desmesurado_en_utm_se_rechaza_nombrando_el_distrito(huaylas, tmp_path):
    datos = json.loads(huaylas.to_crs(32718).to_json())
    datos["features"][2]["geometry"]["coordinates"][0][3] = [1e300, 9_000_000.0]
    ruta = tmp_path / "utm.geojson"
    ruta.write_text(json.dumps(datos))
    with pytest.raises(ImportacionInvalida, match="no es un número finito") as error:
        leer_limites(ruta)
    assert "elemento 3 (Huata)" in _mensajes(error)
