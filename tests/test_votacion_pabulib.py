"""Archivos pabulib: lectura estricta (con número de línea), BOM, CRLF, tamaño, y escritura de ida y vuelta."""
import pytest

from tests.ayudas import INSTANCIAS
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


# --- ida y vuelta de cualquier texto, y `contar` sin trazas ante archivos malformados --------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from votacion.__main__ import main  # noqa: E402

CUALQUIER_TEXTO = st.one_of(st.text(), st.sampled_from(
    ["Losa\nde Caraz", "Losa\rde Caraz", "Losa\r\nde Caraz", "\r", "\n", "\"", "\";\"", ";", "  con espacios  ",
     "META", "VOTES", "\u2028separador\u2029", "\x00nul", "\ufeffbom", "'=1+1", "＝HYPERLINK()"]))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(nombres=st.lists(CUALQUIER_TEXTO, min_size=1, max_size=4), descripcion=CUALQUIER_TEXTO,
       distrito=CUALQUIER_TEXTO, taller=CUALQUIER_TEXTO)
def test_escribir_y_leer_es_ida_y_vuelta_para_cualquier_texto(nombres, descripcion, distrito, taller):
    proyectos = [pabulib.Proyecto(f"P{i}", 10 + i, nombre, {"district": distrito}) for i, nombre in enumerate(nombres)]
    eleccion = pabulib.Eleccion({"description": descripcion, "budget": "100", "vote_type": "approval",
                                 "rule": "greedy", "subunit": distrito}, proyectos, ["v1", "v2"],
                                [("P0",), tuple(p.id for p in proyectos)], None,
                                [{"taller": taller}, {"taller": distrito}])
    leida = pabulib.leer_texto(pabulib.escribir(eleccion))
    assert leida.meta == eleccion.meta
    assert [(p.id, p.costo, p.nombre, p.datos) for p in leida.proyectos] == \
        [(p.id, p.costo, p.nombre, p.datos) for p in eleccion.proyectos]
    assert (leida.votantes, leida.papeletas, leida.datos_votos) == \
        (eleccion.votantes, eleccion.papeletas, eleccion.datos_votos)


def test_titulo_con_salto_de_linea_se_publica_y_se_recuenta(tmp_path):
    eleccion = pabulib.leer_texto(BUENO)
    eleccion.proyectos[0].nombre = "Losa\ren Caraz\ny Huaylas"
    archivo = tmp_path / "salto.pb"
    archivo.write_text(pabulib.escribir(eleccion), encoding="utf-8")
    assert pabulib.leer(archivo).proyectos[0].nombre == "Losa\ren Caraz\ny Huaylas"
    assert main(["contar", str(archivo)]) == 0


def test_las_lineas_de_los_errores_cuentan_los_campos_de_varias_lineas():
    texto = BUENO.replace("a;60;Losa", 'a;60;"Losa\nde\nCaraz"').replace("3;b,c;", "3;b,z;")
    with pytest.raises(pabulib.ArchivoInvalido) as error:
        pabulib.leer_texto(texto)
    assert error.value.linea == 17


MALFORMADOS = {
    "umbral_nan": lambda t: t.replace("rule;greedy", "rule;greedy\nmin_project_score_threshold;nan"),
    "peso_infinito": lambda t: t.replace("rule;greedy", "rule;greedy\npeso_tecnico;1e309"),
    "peso_texto": lambda t: t.replace("rule;greedy", "rule;greedy\npeso_participacion;mucho"),
    "max_length_enorme": lambda t: t.replace("vote_type;approval", "vote_type;ordinal")
                                    .replace("rule;greedy", "rule;greedy\nmax_length;" + "9" * 30),
    "presupuesto_enorme": lambda t: t.replace("budget;100", "budget;" + "9" * 400),
    "costo_1e300": lambda t: t.replace("a;60;Losa", "a;1e300;Losa"),
    "campo_de_50_mb": lambda t: t.replace("a;60;Losa", "a;60;" + "x" * 50_000_000),
    "comillas_sin_cerrar": lambda t: t.replace("a;60;Losa", 'a;60;"Losa' + "x" * 200_000),
    "puntaje_tecnico_nan": lambda t: t.replace("project_id;cost;name", "project_id;cost;name;puntaje_tecnico")
                                      .replace("a;60;Losa", "a;60;Losa;nan").replace("b;50;Canal", "b;50;Canal;1")
                                      .replace("c;40;Posta", "c;40;Posta;1"),
}


@pytest.mark.parametrize("cambio", MALFORMADOS.values(), ids=MALFORMADOS.keys())
def test_contar_un_archivo_malformado_da_mensaje_y_codigo_distinto_de_cero(cambio, tmp_path, capsys):
    archivo = tmp_path / "malo.pb"
    archivo.write_text(cambio(BUENO), encoding="utf-8")
    assert main(["contar", str(archivo)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Error: malo.pb, línea ") and len(error) < 500


VALORES_RAROS = st.one_of(st.sampled_from(["nan", "-nan", "inf", "-inf", "1e309", "1e300", "9" * 400, "-1", "0",
                                           "", " ", "\"", "a,a", "1,", ",", ";", "\r", "\n", "1e-320", "2.5",
                                           "greedy", "ordinal", "cumulative", "mes", "schulze"]),
                          st.text(max_size=20), st.integers(-10**30, 10**30).map(str))
CLAVES_RARAS = st.sampled_from(["budget", "vote_type", "rule", "max_length", "max_sum_points", "max_points",
                                "min_project_score_threshold", "peso_participacion", "peso_tecnico"])


@FUZZ
@given(datos=st.data())
def test_contar_nunca_termina_en_una_traza(datos, tmp_path_factory):
    lineas = BUENO.replace("vote_type;approval", "vote_type;" + datos.draw(
        st.sampled_from(["approval", "ordinal", "cumulative"]))).splitlines()
    lineas.insert(2, f"{datos.draw(CLAVES_RARAS)};{datos.draw(VALORES_RAROS)}")
    numero = datos.draw(st.integers(3, len(lineas) - 1))
    if ";" in lineas[numero]:
        campos = lineas[numero].split(";")
        campos[datos.draw(st.integers(0, len(campos) - 1))] = datos.draw(VALORES_RAROS)
        lineas[numero] = ";".join(campos)
    archivo = tmp_path_factory.mktemp("pb") / "raro.pb"
    archivo.write_text("\n".join(lineas) + "\n", encoding="utf-8")
    regla = datos.draw(st.sampled_from([None, "greedy", "mes", "prioridad-combinada", "schulze", "borda", "irv"]))
    assert main(["contar", str(archivo), *(["--regla", regla] if regla else [])]) in (0, 1)
