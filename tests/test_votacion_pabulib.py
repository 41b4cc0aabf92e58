"""Archivos pabulib: lectura estricta (con número de línea), BOM, CRLF, tamaño, y escritura de ida y vuelta."""
import pytest

from tests.test_votacion_reglas import INSTANCIAS
from votacion import pabulib, reglas

BUENO = """META
key;value
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
a;60;Losa
b;50;Canal
c;40;Posta
VOTES
voter_id;vote;distrito;taller
1;a,b;021201;T1
2;b;021202;T1
3;b,c;021201;papel
"""


def test_lee_un_archivo_bueno():
    eleccion = pabulib.leer_texto(BUENO)
    assert [p.id for p in eleccion.proyectos] == ["a", "b", "c"]
    assert eleccion.papeletas == [("a", "b"), ("b",), ("b", "c")]
    assert eleccion.datos_votos[2] == {"distrito": "021201", "taller": "papel"}
    assert reglas.contar(eleccion).elegidos == ["b", "c"]


@pytest.mark.parametrize("cambio, linea, mensaje", [
    (lambda t: t.split("PROJECTS")[0] + "VOTES" + t.split("VOTES")[1] + "PROJECTS" + t.split("PROJECTS")[1].split("VOTES")[0],
     6, "sección VOTES fuera de orden; se esperaba PROJECTS"),
    (lambda t: t.replace("3;b,c", "3;b,z"), 15, "proyecto z, que no está en PROJECTS"),
    (lambda t: t.replace("a;60;Losa", "a;-60;Losa"), 8, "costo del proyecto a es negativo"),
    (lambda t: t.replace("a;60;Losa", "a;sesenta;Losa"), 8, "«sesenta» del proyecto a no es un número"),
    (lambda t: t.replace("2;b;", "1;b;"), 14, "votante 1 aparece dos veces"),
    (lambda t: t.replace("1;a,b;", "1;a,a;"), 13, "repite un proyecto"),
    (lambda t: t.replace("c;40;Posta", "c;40"), 10, "2 campos y la cabecera de PROJECTS 3"),
    (lambda t: "PROJECTS\n" + t, 1, "sección PROJECTS fuera de orden; se esperaba META"),
    (lambda t: t.split("VOTES")[0], None, "termina sin la sección VOTES"),
], ids=["orden", "desconocido", "negativo", "no_numero", "votante_doble", "repetido", "campos", "empieza_mal", "sin_votos"])
def test_archivo_malo_dice_la_linea(cambio, linea, mensaje):
    with pytest.raises(pabulib.ArchivoInvalido, match=mensaje) as error:
        pabulib.leer_texto(cambio(BUENO), nombre="malo.pb")
    if linea:
        assert error.value.linea == linea and f"malo.pb, línea {linea}:" in str(error.value)


def test_puntos_por_encima_del_maximo():
    texto = BUENO.replace("rule;greedy", "rule;greedy\nmax_sum_points;10").replace("vote_type;approval",
                                                                                 "vote_type;cumulative")
    texto = texto.replace("voter_id;vote;distrito;taller", "voter_id;vote;points;distrito;taller")
    texto = texto.replace("1;a,b;021201", "1;a,b;5,6;021201").replace("2;b;021202", "2;b;3;021202")
    texto = texto.replace("3;b,c;021201", "3;b,c;1,1;021201")
    with pytest.raises(pabulib.ArchivoInvalido, match="reparte 11 puntos; el máximo .* es 10") as error:
        pabulib.leer_texto(texto)
    assert error.value.linea == 14
    por_proyecto = texto.replace("1;a,b;5,6;", "1;a,b;4,6;").replace("max_sum_points;10", "max_sum_points;10\nmax_points;5")
    with pytest.raises(pabulib.ArchivoInvalido, match="da 6 puntos a un proyecto; el máximo por proyecto") as error:
        pabulib.leer_texto(por_proyecto)
    assert error.value.linea == 15


def test_bom_y_fines_de_linea_de_windows(tmp_path):
    ruta = tmp_path / "windows.pb"
    ruta.write_bytes(b"\xef\xbb\xbf" + BUENO.replace("\n", "\r\n").encode())
    assert pabulib.leer(ruta).papeletas == pabulib.leer_texto(BUENO).papeletas


def test_archivo_de_2_gb_se_rechaza_sin_leerlo(tmp_path):
    ruta = tmp_path / "enorme.pb"
    with open(ruta, "wb") as archivo:
        archivo.truncate(2 * 1024**3)  # disperso: no ocupa disco
    with pytest.raises(pabulib.ArchivoInvalido, match="pesa 2.0 GB; el máximo es 512 MB"):
        pabulib.leer(ruta)


def test_archivo_que_no_es_utf8(tmp_path):
    ruta = tmp_path / "latin1.pb"
    ruta.write_bytes(BUENO.replace("Losa", "Año").encode("latin-1"))
    with pytest.raises(pabulib.ArchivoInvalido, match="no es texto UTF-8"):
        pabulib.leer(ruta)


@pytest.mark.parametrize("ruta", INSTANCIAS, ids=lambda r: r.stem)
def test_escribir_y_leer_da_lo_mismo_y_el_mismo_conteo(ruta, tmp_path):
    original = pabulib.leer(ruta)
    copia = tmp_path / ruta.name
    copia.write_text(pabulib.escribir(original), encoding="utf-8")
    leida = pabulib.leer(copia)
    assert (leida.meta, leida.papeletas, leida.puntos, leida.votantes) == \
        (original.meta, original.papeletas, original.puntos, original.votantes)
    assert [(p.id, p.costo, p.nombre) for p in leida.proyectos] == \
        [(p.id, p.costo, p.nombre) for p in original.proyectos]
    assert reglas.contar(leida).elegidos == reglas.contar(original).elegidos


def test_los_metadatos_de_cada_voto_sobreviven_con_punto_y_coma():
    eleccion = pabulib.leer_texto(BUENO)
    eleccion.datos_votos[0]["taller"] = 'Taller "Caraz; centro"'
    assert pabulib.leer_texto(pabulib.escribir(eleccion)).datos_votos[0]["taller"] == 'Taller "Caraz; centro"'
