"""La prueba de carga del taller sigue andando: tres celulares y el proyector contra un `streamlit run` real."""
from tests import carga


def test_tres_celulares_votan_por_el_websocket_y_ninguna_papeleta_se_pierde():
    resultado = carga.correr(3, llegada=2, pensar=(0.5, 1))

    assert resultado["errores"] == []
    assert resultado["guardadas"] == 3
    assert resultado["con_recibo"] == 3
    assert resultado["perdidas"] == []  # cada recibo está en la base con lo que ese celular marcó
    assert resultado["cadena"] == []
    assert resultado["proyector_vio"] == 3  # el fragmento del proyector se refrescó solo hasta mostrar las tres
    assert resultado["votar_recibo_ms"]["max"] > 0
    assert resultado["rss_max_mb"] > 0
