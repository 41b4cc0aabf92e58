"""Archivos PrefLib: lectura estricta con número de línea, formato antiguo, preflibtools como oráculo, CLI."""
import random
import subprocess
import sys

import pytest

from tests.ayudas import perfil_al_azar
from tests.conftest import RAIZ
from votacion import ordinales, pabulib, preflib
from votacion.__main__ import main

CABECERA = """# FILE NAME: 00001-00000001.toi
# TITLE: Obras de Caraz: priorización
# DESCRIPTION:
# DATA TYPE: toi
# MODIFICATION TYPE: original
# RELATES TO:
# RELATED FILES:
# PUBLICATION DATE: 2026-11-24
# MODIFICATION DATE: 2026-11-24
# NUMBER ALTERNATIVES: 4
# NUMBER VOTERS: 10
# NUMBER UNIQUE ORDERS: 4
# ALTERNATIVE NAME 1: Losa deportiva
# ALTERNATIVE NAME 2: Canal de riego
# ALTERNATIVE NAME 3: Posta médica
# ALTERNATIVE NAME 4: Puente peatonal
"""
TOI = CABECERA + """4: 1,2,{3,4}
3: 2,{1,3}
2: {3,4},1
1: 4
"""  # órdenes en las líneas 17 a 20
TOC = CABECERA.replace("toi", "toc") + """4: 1,2,{3,4}
3: 2,{1,3},4
2: {3,4},1,2
1: 4,{1,2,3}
"""
SOI = CABECERA.replace("toi", "soi") + """4: 1,2,3,4
3: 2,1
2: 3,4,1
1: 4
"""
SOC = CABECERA.replace("toi", "soc") + """4: 1,2,3,4
3: 2,1,3,4
2: 3,4,1,2
1: 4,3,2,1
"""
ANTIGUO = """4
1,Losa deportiva
2,Canal de riego
3,Posta médica
4,Puente peatonal
10,10,4
4,1,2,{3,4}
3,2,{1,3}
2,{3,4},1
1,4
"""


def test_lee_un_toi():
    datos = preflib.leer_texto(TOI, nombre="caraz.toi")
    assert datos.tipo == "toi" and datos.votantes == 10
    assert datos.alternativas == {"1": "Losa deportiva", "2": "Canal de riego", "3": "Posta médica",
                                  "4": "Puente peatonal"}
    assert datos.ordenes == [(("1",), ("2",), ("3", "4")), (("2",), ("1", "3")), (("3", "4"), ("1",)), (("4",),)]
    assert datos.cantidades == [4, 3, 2, 1]
    assert datos.meta["TITLE"] == "Obras de Caraz: priorización" and datos.meta["DESCRIPTION"] == ""


@pytest.mark.parametrize("texto, nombre", [(TOI, "a.toi"), (TOC, "a.toc"), (SOI, "a.soi"), (SOC, "a.soc"),
                                           (ANTIGUO, "a.toi")], ids=["toi", "toc", "soi", "soc", "antiguo"])
def test_igual_que_preflibtools(texto, nombre):
    from preflibtools.instances import OrdinalInstance

    datos = preflib.leer_texto(texto, nombre=nombre)
    suyo = OrdinalInstance()
    if texto is ANTIGUO:
        suyo.data_type = "toi"
        suyo.parse_old(texto.splitlines())
    else:
        suyo.parse_str(texto, nombre[-3:])
    assert [tuple(tuple(int(a) for a in g) for g in o) for o in datos.ordenes] == suyo.orders
    assert datos.cantidades == [suyo.multiplicity[o] for o in suyo.orders]
    assert {int(k): v for k, v in datos.alternativas.items()} == suyo.alternatives_name


def test_el_formato_antiguo_da_lo_mismo_que_el_2022():
    antiguo, nuevo = preflib.leer_texto(ANTIGUO, nombre="a.toi"), preflib.leer_texto(TOI, nombre="a.toi")
    assert (antiguo.alternativas, antiguo.ordenes, antiguo.cantidades) == \
        (nuevo.alternativas, nuevo.ordenes, nuevo.cantidades)


@pytest.mark.parametrize("semilla", range(40))
def test_lee_lo_que_escribe_preflibtools(semilla, tmp_path):
    from preflibtools.instances import OrdinalInstance

    azar = random.Random(semilla)
    alternativas, lista, cantidades = perfil_al_azar(azar, ("mixtas", "estrictas", "completas")[semilla % 3])
    distintas = {}
    for papeleta, cantidad in zip(lista, cantidades):
        clave = tuple(tuple(sorted(int(a) for a in g)) for g in papeleta)
        distintas[clave] = distintas.get(clave, 0) + cantidad
    suyo = OrdinalInstance()
    suyo.data_type = ("toi", "soi", "toc")[semilla % 3]
    suyo.alternatives_name = {int(a): f"Obra {a}" for a in alternativas}
    suyo.num_alternatives, suyo.num_voters = len(alternativas), sum(cantidades)
    suyo.num_unique_orders, suyo.orders, suyo.multiplicity = len(distintas), list(distintas), distintas
    suyo.write(str(tmp_path / f"azar.{suyo.data_type}"))
    datos = preflib.leer(tmp_path / f"azar.{suyo.data_type}")
    assert {tuple(tuple(int(a) for a in g) for g in o): c for o, c in zip(datos.ordenes, datos.cantidades)} == distintas


@pytest.mark.parametrize("texto, nombre, linea, mensaje", [
    (TOI.replace("1: 4\n", "1: 5\n"), "a.toi", 20, "la alternativa 5 no está declarada"),
    (TOI.replace("3: 2,{1,3}", "3: 2,{1,2}"), "a.toi", 18, "la alternativa 2 aparece dos veces"),
    (SOI.replace("3: 2,1", "3: 2,{1,3}"), "a.soi", 18, r"empate \{1,3\}, pero un archivo soi no admite empates"),
    (SOC.replace("3: 2,1,3,4", "3: {2,1},3,4"), "a.soc", 18, "un archivo soc no admite empates"),
    (SOC.replace("3: 2,1,3,4", "3: 2,1,3"), "a.soc", 18, "nombra 3 de 4 alternativas, pero un archivo soc"),
    (TOC.replace("3: 2,{1,3},4", "3: 2,{1,3}"), "a.toc", 18, r"un archivo toc las ordena todas \(falta 4"),
    (TOI.replace("4: 1,2", "0: 1,2"), "a.toi", 17, "cantidad de votantes «0» no es un entero positivo"),
    (TOI.replace("4: 1,2", "-4: 1,2"), "a.toi", 17, "«-4» no es un entero positivo"),
    (TOI.replace("4: 1,2", "1.5: 1,2"), "a.toi", 17, "«1.5» no es un entero positivo"),
    (TOI.replace("# NUMBER VOTERS: 10", "# NUMBER VOTERS: 11"), "a.toi", 11, "suman 10 votantes y la cabecera dice 11"),
    (TOI.replace("ORDERS: 4", "ORDERS: 5"), "a.toi", 12, "hay 4 órdenes distintos y la cabecera dice 5"),
    (TOI.replace("2: {3,4},1", "2: {3,4,1"), "a.toi", 19, "falta cerrar una llave"),
    (TOI.replace("2: {3,4},1", "2: 3,4},1"), "a.toi", 19, "llave «}» sin su «{»"),
    (TOI.replace("2: {3,4},1", "2: {3,{4}},1"), "a.toi", 19, "dentro de otra"),
    (TOI.replace("2: {3,4},1", "2: {3,4}1"), "a.toi", 19, "falta una coma"),
    (TOI.replace("2: {3,4},1", "2: {},1"), "a.toi", 19, "llaves vacías"),
    (TOI.replace("4: 1,2,", "4: 1,,2,"), "a.toi", 17, "elemento vacío"),
    (TOI.replace("4: 1,2,", "4: 1,dos,"), "a.toi", 17, "«dos» no es un id de alternativa"),
    (TOI.replace("1: 4\n", "1: \n"), "a.toi", 20, "el orden está vacío"),
    (TOI.replace("4: 1,2,", "4 1,2,"), "a.toi", 17, "se esperaba «cantidad: orden»"),
    (TOI.replace("1: 4\n", "1: 2,{3,1}\n"), "a.toi", 20, "este orden ya apareció en la línea 18"),
    (TOI.replace("2: {3,4},1\n", "# NOTA: tarde\n2: {3,4},1\n"), "a.toi", 19, "cabecera .* después de los órdenes"),
    (TOI, "a.soi", 4, "se llama .soi pero DATA TYPE dice toi"),
    (TOI.replace("DATA TYPE: toi", "DATA TYPE: approval"), "a.toi", 4, "«approval» no es un tipo de órdenes"),
    (TOI.replace("ALTERNATIVES: 4", "ALTERNATIVES: 5"), "a.toi", 10, "dice 5 y hay 4 líneas ALTERNATIVE NAME"),
    (TOI.replace("# NUMBER VOTERS: 10\n", ""), "a.toi", 16, "le falta «# NUMBER VOTERS"),
    (TOI.replace("NAME 4:", "NAME 3:"), "a.toi", 16, "la alternativa 3 se declara dos veces"),
    (TOI.replace("# DESCRIPTION:", "# sin dos puntos"), "a.toi", 3, "no tiene la forma «# CLAVE: valor»"),
    (TOI.replace("# TITLE", "# DATA TYPE"), "a.toi", 4, "«DATA TYPE» aparece dos veces .*línea 2"),
    (ANTIGUO.replace("1,4\n", "1,7\n"), "a.toi", 10, "la alternativa 7 no está declarada"),
    (ANTIGUO.replace("10,10,4", "11,11,4"), "a.toi", 6, "suman 10 votantes y la cabecera dice 11"),
    (ANTIGUO.replace("10,10,4", "10,9,4"), "a.toi", 6, r"los votantes \(10\) y la suma de cantidades \(9\)"),
    (ANTIGUO.replace("3,Posta", "3;Posta"), "a.toi", 4, "se esperaba «id,nombre»"),
    (ANTIGUO, "a.txt", None, "el tipo sale de la extensión"),
    ("Hola\n", "a.toi", 1, "se esperaba «# CLAVE: valor» .* o el número de alternativas"),
], ids=["desconocida", "repetida", "empate_en_soi", "empate_en_soc", "incompleto_soc", "incompleto_toc",
        "cantidad_cero", "cantidad_negativa", "cantidad_decimal", "votantes_no_suman", "ordenes_no_cuadran",
        "llave_sin_cerrar", "llave_sin_abrir", "llaves_anidadas", "sin_coma", "llaves_vacias", "elemento_vacio",
        "no_es_numero", "orden_vacio", "sin_dos_puntos", "orden_repetido", "cabecera_tarde", "tipo_y_extension",
        "tipo_desconocido", "numero_de_alternativas", "falta_votantes", "alternativa_doble", "cabecera_mala",
        "clave_doble", "antiguo_desconocida", "antiguo_no_suman", "antiguo_suma", "antiguo_nombre",
        "antiguo_sin_tipo", "basura"])
def test_archivo_malo_dice_la_linea(texto, nombre, linea, mensaje):
    with pytest.raises(pabulib.ArchivoInvalido, match=mensaje) as error:
        preflib.leer_texto(texto, nombre=nombre)
    assert error.value.linea == linea
    if linea:
        assert str(error.value).startswith(f"{nombre}, línea {linea}: ")


def test_sin_data_type_vale_la_extension():
    sin_tipo = TOI.replace("# DATA TYPE: toi\n", "")
    assert preflib.leer_texto(sin_tipo, nombre="a.toi").tipo == "toi"
    with pytest.raises(pabulib.ArchivoInvalido, match="falta «# DATA TYPE"):
        preflib.leer_texto(sin_tipo)


def test_bom_y_fines_de_linea_de_windows(tmp_path):
    ruta = tmp_path / "windows.toi"
    ruta.write_bytes(b"\xef\xbb\xbf" + TOI.replace("\n", "\r\n").encode())
    leido = preflib.leer(ruta)
    original = preflib.leer_texto(TOI)
    assert (leido.ordenes, leido.alternativas) == (original.ordenes, original.alternativas)
    assert preflib.leer_texto("\ufeff" + TOI, nombre="a.toi").meta["FILE NAME"] == "00001-00000001.toi"


def test_archivo_de_2_gb_se_rechaza_sin_leerlo(tmp_path):
    ruta = tmp_path / "enorme.soi"
    with open(ruta, "wb") as archivo:
        archivo.truncate(2 * 1024**3)  # disperso: no ocupa disco
    with pytest.raises(pabulib.ArchivoInvalido, match="pesa 2.0 GB; el máximo es 512 MB"):
        preflib.leer(ruta)


def test_archivo_que_no_es_utf8_o_vacio(tmp_path):
    ruta = tmp_path / "latin1.toi"
    ruta.write_bytes(TOI.replace("Posta médica", "Posta señorial").encode("latin-1"))
    with pytest.raises(pabulib.ArchivoInvalido, match="no es texto UTF-8"):
        preflib.leer(ruta)
    ruta.write_text("\n\n")
    with pytest.raises(pabulib.ArchivoInvalido, match="vacío"):
        preflib.leer(ruta)
    with pytest.raises(pabulib.ArchivoInvalido, match="no tiene órdenes, solo la cabecera"):
        preflib.leer_texto(CABECERA, nombre="a.toi")


def test_perfil_de_preflib_y_borda_a_mano():
    """Borda con empates y truncadas, a mano: 1 → 19.5, 2 → 18, 3 → 12.5, 4 → 10 (suman 10 · 6)."""
    perfil = ordinales.perfil_de_preflib(preflib.leer_texto(TOI, nombre="a.toi"))
    assert ordinales.borda(perfil).puntajes == {"1": 19.5, "2": 18, "3": 12.5, "4": 10}


# --- línea de comandos ----------------------------------------------------------------------

@pytest.fixture
def caraz(tmp_path):
    ruta = tmp_path / "caraz.toi"
    ruta.write_text(TOI, encoding="utf-8")
    return ruta


def test_cli_imprime_el_orden_con_nombres_y_los_empates_aparte(caraz, capsys):
    """IRV: 1 4, 2 3, 3 1 (½ + ½ de {3,4}), 4 2 → sale 3; luego 2 y 4 con 3 salen juntas; gana 1."""
    assert main(["contar", str(caraz), "--regla", "irv"]) == 0
    salida = capsys.readouterr()
    assert salida.out == "1\tLosa deportiva\n2\tCanal de riego\n4\tPuente peatonal\n3\tPosta médica\n"
    assert salida.err == ("# empate entre 2, 4: se eligió 2 (eliminadas juntas en la misma ronda (mismo puntaje); "
                          "orden del archivo)\n")


@pytest.mark.parametrize("regla, primero", [("borda", "1"), ("copeland", "1"), ("schulze", "1")])
def test_cli_otras_reglas(caraz, capsys, regla, primero):
    assert main(["contar", str(caraz), "--regla", regla]) == 0
    lineas = capsys.readouterr().out.splitlines()
    assert len(lineas) == 4 and lineas[0].split("\t")[0] == primero


@pytest.mark.parametrize("argumentos, mensaje", [
    (["--regla", "greedy"], ("Error: la regla greedy reparte un presupuesto con costos (archivos pabulib .pb); "
                             "para ordenar alternativas use una de: schulze, borda, copeland, irv.")),
    ([], "Error: falta la regla; para ordenar alternativas use una de: schulze, borda, copeland, irv."),
], ids=["regla_de_presupuesto", "sin_regla"])
def test_cli_regla_que_no_sirve_para_preflib(caraz, capsys, argumentos, mensaje):
    assert main(["contar", str(caraz), *argumentos]) == 1
    assert capsys.readouterr().err.strip() == mensaje


def test_cli_archivo_malo_o_que_no_existe(tmp_path, capsys):
    malo = tmp_path / "malo.soi"
    malo.write_text(SOI.replace("3: 2,1", "3: 2,{1,3}"), encoding="utf-8")
    assert main(["contar", str(malo), "--regla", "borda"]) == 1
    assert capsys.readouterr().err.startswith("Error: malo.soi, línea 18: el orden tiene un empate {1,3}")
    assert main(["contar", str(tmp_path / "no.toi"), "--regla", "borda"]) == 1
    assert "no se pudo leer" in capsys.readouterr().err


def test_cli_por_subprocess(caraz):
    proceso = subprocess.run([sys.executable, "-m", "votacion", "contar", str(caraz), "--regla", "schulze"],
                             capture_output=True, text=True, cwd=RAIZ, check=True)
    assert [linea.split("\t")[0] for linea in proceso.stdout.splitlines()] == \
        ordinales.schulze(ordinales.perfil_de_preflib(preflib.leer(caraz))).orden
