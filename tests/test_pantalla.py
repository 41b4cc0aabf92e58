"""Piezas del proyector: la dirección del QR, el mapa SVG y el ranking, con el texto de usuario escapado."""
import base64
import re
from types import SimpleNamespace

import shapely

from geo.dibujo import ESCALA, SIN_DATOS, dibujo_de
from geo.modelo import Distrito, Territorio
from paginas import pantalla
from paginas.comun import url_para_celulares

MALICIOSO = '<script>alert(1)</script> & "Riego"'


def test_el_qr_lleva_la_ip_de_la_red_y_no_localhost():
    assert url_para_celulares("http://localhost:8501/proyector?taller=3", configurada=None,
                              ip="192.168.1.20") == "http://192.168.1.20:8501"
    assert url_para_celulares("http://127.0.0.1:8599/", configurada=None, ip="10.0.0.7",
                              base="/mclcp/") == "http://10.0.0.7:8599/mclcp"
    # abierta ya por la IP (u otro nombre), se respeta; la configurada manda siempre
    assert url_para_celulares("http://192.168.0.5:8501/x", configurada=None, ip="10.0.0.7") == "http://192.168.0.5:8501"
    assert url_para_celulares("http://localhost:8501/", configurada="https://taller.local/", ip="10.0.0.7") == \
        "https://taller.local"
    assert url_para_celulares("http://localhost:8501/", configurada=None, ip=None) == "http://localhost:8501"


def _svg_de(imagen: str) -> str:
    return base64.b64decode(re.search(r"base64,([^\"]+)", imagen).group(1)).decode()


def test_mapa_svg_colorea_por_valor_y_escapa_los_nombres():
    cuadrado = shapely.box(-77.8, -9.1, -77.7, -9.0)
    territorio = Territorio("0212", [Distrito("021201", MALICIOSO, "Huaylas", "Áncash", cuadrado),
                                     Distrito("021202", "Huata", "Huaylas", "Áncash",
                                              shapely.box(-77.7, -9.1, -77.6, -9.0))])
    formas = dibujo_de(territorio)
    imagen = pantalla.mapa_svg(formas, {"021201": 10, "021202": 0}, texto_valor=lambda v: f"{v or 0} votos",
                               titulo=MALICIOSO)
    svg = _svg_de(imagen)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'alt="&lt;script&gt;' in imagen
    assert f'fill="{ESCALA[-1]}"' in svg and f'fill="{SIN_DATOS}"' in svg
    assert formas.alto < formas.ancho  # la latitud se corrige con el coseno: 0,1° de lon es más angosto


def test_ranking_y_barra_escapan_el_titulo():
    votacion = SimpleNamespace(techo_centimos=100_000, regla="greedy")
    filas = [{"rango": 1, "codigo": "PP27-0001", "titulo": MALICIOSO, "costo_centimos": 60_000, "puntaje": 3.0,
              "combinado": 50.0, "financiada": True},
             {"rango": 2, "codigo": "PP27-0002", "titulo": "Losa", "costo_centimos": 60_000, "puntaje": 1.0,
              "combinado": 20.0, "financiada": False}]
    resultado = SimpleNamespace(votacion=votacion, filas=filas, sobrante_centimos=40_000)
    html_ranking = pantalla.barras_ranking(resultado, filas=1, etiqueta_puntaje="Votos")
    html_barra = pantalla.barra_del_techo(resultado)
    for texto in (html_ranking, html_barra):
        assert "<script>" not in texto and "&lt;script&gt;" in texto
    assert "… y 1 más" in html_ranking and "pz-financiada" in html_ranking
    assert pantalla.reloj(125) == '<div class="pz-reloj" role="timer">02:05</div>'
    assert "pz-reloj-fin" in pantalla.reloj(0) and pantalla.reloj(None) == ""
