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


def test_cincuenta_celulares_a_la_vez_no_pierden_nada_ni_ven_errores():
    """50 celulares que llegan en 10 s y votan casi a la vez (piensan 1 a 3 s): todas las papeletas en la base
    con su recibo y lo marcado, ningún celular ve un error («ocupada» u otro), la cadena íntegra, el proyector
    las cuenta todas y el servidor no anotó ningún error. Comportamiento, no tiempos: los tiempos son de
    benchmarks/carga_taller.py."""
    resultado = carga.correr(50, llegada=10, pensar=(1, 3), semilla=7)

    assert resultado["errores"] == []
    assert resultado["perdidas"] == []
    assert resultado["guardadas"] == resultado["con_recibo"] == 50
    assert resultado["cadena"] == []
    assert resultado["proyector_vio"] == 50
    assert resultado["avisos_servidor"] == []
