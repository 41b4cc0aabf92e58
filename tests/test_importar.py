"""Importar fichas de papel digitadas en CSV o Excel: revisión fila por fila, todo o nada, y la vuelta completa
exportar → importar → exportar que da las mismas propuestas."""
from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import ErrorAlmacen
from propuestas import hoja, importar
from propuestas import servicios as propuestas_servicios
from propuestas.ficha import leer_coordenada, leer_fecha
from propuestas.importar import ImportacionRechazada
from tests.ayudas import BUENA, como_csv, como_xlsx
from tests.bombas import filas_xml, xlsx_a_mano, xlsx_con_cadena_enorme
from tests.conftest import ADMIN, FACILITADORA, HOY_PRIORIZACION, HOY_REGISTRO, RAIZ, filas
from votacion import exportar

TABLA_TIEMPO = HOY_REGISTRO  # 5 de diciembre de 2026: fase de registro del proceso PP27






def revisar(db, contenido: bytes, nombre="fichas.csv", ahora=TABLA_TIEMPO):
    return importar.revisar(db, propuestas_servicios.proceso_actual(db).id, contenido, nombre, ahora=ahora)


def conteos(db) -> dict:
    return {t: filas(db, t) for t in ("propuestas", "transiciones", "eventos", "importaciones_de_propuestas")}


def test_una_ficha_buena_se_importa_con_todo_y_deja_rastro(db_proceso):
    db = db_proceso
    revision = revisar(db, como_csv([BUENA]))
    assert revision.es_importable, (revision.problemas, [f.problemas for f in revision.filas])
    fila = revision.filas[0]
    assert (fila.numero, fila.codigo, fila.lugar) == (2, "PP27-0001", "Caraz · COCHAMARCA")
    assert filas(db, "propuestas") == 0  # revisar no escribe
    importar.importar(db, propuestas_servicios.proceso_actual(db).id, como_csv([BUENA]), "fichas.csv",
                      actor=FACILITADORA, ahora=TABLA_TIEMPO)
    propuesta = propuestas_servicios.obtener(db, "PP27-0001", actor=PUBLICO).propuesta
    assert propuesta.estado.value == "registrada" and propuesta.costo_centimos == 123_450
    assert (propuesta.distrito, propuesta.centro_poblado, propuesta.eje) == (
        "Caraz", "COCHAMARCA", "Infraestructura: agua, saneamiento, vías y energía")
    assert (round(propuesta.lat, 4), round(propuesta.lon, 4)) == (-8.9914, -77.8008)  # el del centro poblado
    assert propuesta.beneficiarios["directos_mujeres"] == 40
    guardada = db.execute("SELECT referencia, fecha_ficha, fila_importada, importacion_id FROM propuestas").fetchone()
    assert guardada == ("F-001", "2026-12-03", 2, 1)
    assert db.execute("SELECT archivo, propuestas, actor FROM importaciones_de_propuestas").fetchone() == (
        "fichas.csv", 1, FACILITADORA.etiqueta)
    tipos = [t for (t,) in db.execute("SELECT accion FROM eventos WHERE accion LIKE 'importar_propuesta%' ORDER BY id")]
    assert tipos == ["importar_propuesta", "importar_propuestas"]
    assert "fila 2" in db.execute("SELECT motivo FROM transiciones").fetchone()[0]


def test_nombre_y_contacto_solo_con_el_consentimiento_de_la_ficha(db_proceso):
    """Ley 29733 en el papel: la columna «Consentimiento de datos personales» dice si la ficha lleva la cláusula
    firmada; sin «Sí», nombre y contacto van vacíos y la propuesta queda anónima."""
    consentimiento = "Consentimiento de datos personales"
    sin_si = revisar(db_proceso, como_csv([{**BUENA, consentimiento: "No"}]))
    assert any("no consta el consentimiento" in p for p in sin_si.filas[0].problemas) and not sin_si.es_importable
    dudoso = revisar(db_proceso, como_csv([{**BUENA, consentimiento: "quizás"}]))
    assert any("«quizás» no es «Sí» ni «No»" in p for p in dudoso.filas[0].problemas)
    anonima = {**BUENA, consentimiento: "", "Nombre de quien propone": "", "Contacto": "", "N.º de ficha": "F-002"}
    proceso_id = propuestas_servicios.proceso_actual(db_proceso).id
    importar.importar(db_proceso, proceso_id, como_csv([BUENA, anonima]), "fichas.csv", actor=FACILITADORA,
                      ahora=TABLA_TIEMPO)
    guardadas = db_proceso.execute("SELECT proponente_nombre, contacto, consentimiento_en IS NOT NULL FROM propuestas "
                                   "ORDER BY id").fetchall()
    assert guardadas == [("Ana Quispe", "987 654 321", 1), (None, None, 0)]


@pytest.mark.parametrize("costo", ["S/ 1,234.50", "1.234,50", "1234.5", "S/. 1 234,50", 1234.5],
                         ids=["soles_coma_miles", "punto_miles", "sin_miles", "espacio", "numero"])
def test_los_dos_habitos_de_escribir_soles_dan_lo_mismo(db_proceso, costo):
    revision = revisar(db_proceso, como_xlsx([{**BUENA, "Costo propuesto S/": costo}]), "fichas.xlsx")
    assert revision.es_importable, revision.filas[0].problemas
    assert revision.filas[0].registro["costo_centimos"] == 123_450


MALAS = [
    ({"Distrito": "Huaraz"}, "«Huaraz» no es un distrito de la provincia"),
    ({"Distrito": "Pueblo Libr"}, "¿Quiso decir «Pueblo Libre»?"),
    ({"Latitud": "-12.0464", "Longitud": "-77.0428"}, "fuera de los distritos"),
    ({"Latitud": "-77.8008", "Longitud": "-8.9914", "Distrito": ""}, "intercambiadas"),
    ({"Latitud": "8.9914", "Longitud": "77.8008", "Distrito": ""}, "signo menos"),
    ({"Latitud": "-9.1100", "Longitud": "-77.8139"}, "caen en el distrito Pueblo Libre, no en Caraz"),
    ({"Latitud": "-9.0485"}, "Falta la longitud"),
    ({"Latitud": "-9.0485", "Longitud": "-778.046"}, "La longitud -778.046 está fuera de rango"),
    ({"Latitud": "inf", "Longitud": "-77.8"}, "La latitud inf está fuera de rango"),
    ({"Plazo (meses)": "2.5"}, "Plazo (meses): «2.5» no es un número entero"),
    ({"Tipo de ficha": "Completa"}, "Objetivo: falta completarlo"),
    ({"Beneficiarios directos": "1e400"}, "no es un número entero de personas"),
    ({"Centro poblado": "Huanca", "Distrito": ""}, "hay 2 llamados «Huanca»"),
    ({"Centro poblado": "Huanca"}, "está en Pamparomás, Pueblo Libre, no en Caraz"),
    ({"Centro poblado": "Cochamarka"}, "¿Es «COCHAMARCA»?"),
    ({"Fecha de registro": "31/02/2026"}, "no es una fecha que exista"),
    ({"Fecha de registro": "12/25/2026"}, "parece mes/día/año"),
    ({"Fecha de registro": "ayer"}, "no es una fecha"),
    ({"Fecha de registro": "24/12/2026"}, "fecha futura"),
    ({"Costo propuesto S/": "mil soles"}, "no es un monto en soles"),
    ({"Costo propuesto S/": "1,23,4"}, "no es un monto claro"),
    ({"Tipo de proponente": "Empresa"}, "«Empresa» no es una opción"),
    ({"Eje del PDLC": "Cultura"}, "no corresponde a un solo objetivo o eje"),
    ({"Título": "Agua"}, "Título tiene 4 caracteres"),
    ({"Contacto": "12345"}, "no parece un celular"),
    ({"Beneficiarios directos": 90}, "dice 90, pero mujeres y hombres suman 75"),
    ({"Beneficiarias mujeres": "", "Beneficiarios hombres": "", "Beneficiarios directos": 90}, "sin desagregar"),
    ({"Distrito": "", "Centro poblado": ""}, "falta la ubicación"),
]


@pytest.mark.parametrize("cambio, mensaje", MALAS, ids=[m for _, m in MALAS])
def test_cada_fila_mala_dice_que_tiene_y_nada_se_importa(db_proceso, cambio, mensaje):
    db = db_proceso
    antes = conteos(db)
    buenas = [{**BUENA, "N.º de ficha": f"F-{n}", "Título": f"Agua potable para el barrio {n}"} for n in range(3)]
    contenido = como_csv([*buenas, {**BUENA, **cambio}])
    revision = revisar(db, contenido)
    mala = revision.filas[3]
    texto = " ".join(mala.problemas)
    assert mensaje in texto, mala.problemas
    assert not any(f.problemas for f in revision.filas[:3]) and not revision.es_importable
    with pytest.raises(ImportacionRechazada):
        importar.importar(db, propuestas_servicios.proceso_actual(db).id, contenido, "fichas.csv",
                          actor=FACILITADORA, ahora=TABLA_TIEMPO)
    assert conteos(db) == antes


def test_distrito_centro_y_opciones_sin_tildes_ni_mayusculas(db_proceso):
    fila = {**BUENA, "Distrito": "CÁRAZ", "Centro poblado": "choquechaca", "Tipo de proponente": "organización",
            "Organización": "Club de Madres", "Madurez (Invierte.pe)": "perfil", "Tipo de intervención": "ACTIVIDAD"}
    revision = revisar(db_proceso, como_csv([fila]))
    assert revision.es_importable, revision.filas[0].problemas
    registro = revision.filas[0].registro
    assert (registro["centro_poblado"], registro["proponente_tipo"], registro["madurez"], registro["tipo"]) == (
        "CHOQUECHACA (SHANGOL)", "organizacion", "ficha_perfil", "actividad")


def test_hoja_de_excel_con_bloque_encima_comas_en_los_textos_y_filas_numeradas_de_antemano(db_proceso):
    con_comas = {**BUENA, "Problema": "Sin agua, sin desagüe, sin posta, sin luz, sin pista, sin escuela, sin nada, "
                                      "ni siquiera un reservorio, ni canal, ni trocha, ni puente, ni losa, ni nada.",
                 "Beneficiarias mujeres": "1.000", "Beneficiarios hombres": "1,234", "Beneficiarios directos": "2.234"}
    encima = ["Distrito:;Caraz;Fecha:;05/12/2026", "Responsable:;Ana;Fecha de registro:;"]
    numeradas = [{"N.º de ficha": f"F-{n}"} for n in range(10, 14)]
    contenido = como_csv([con_comas, *numeradas], codificacion="cp1252", encima=encima)
    contenido += b"F-99;;;;;;;;;;;;;;;;;;dato suelto a la derecha\r\n"
    revision = revisar(db_proceso, contenido)
    assert revision.es_importable, (revision.problemas, [f.problemas for f in revision.filas])
    assert len(revision.filas) == 1 and revision.filas[0].numero == 4
    assert revision.filas[0].registro["beneficiarios"] == '{"directos_mujeres": 1000, "directos_hombres": 1234, ' \
        '"indirectos": 0, "edad_0_11": 0, "edad_12_17": 0, "edad_18_29": 0, "edad_30_59": 0, "edad_60_mas": 0}'
    assert any("Se ignoraron 5 fila(s) sin título" in a for a in revision.avisos)
    assert any("a la derecha de la última columna" in a for a in revision.avisos)


def test_encabezados_equivocados_dicen_que_falta_y_que_se_ignora(db_proceso):
    fila = {("Problemas" if k == "Problema" else k): v for k, v in BUENA.items()}
    revision = revisar(db_proceso, como_csv([{**fila, "Observaciones": "x", "Nombre del proyecto": "otro"}]))
    assert any("Falta la columna «Problema»" in p and "¿es «Problemas»?" in p for p in revision.problemas)
    assert any("«Observaciones»" in a for a in revision.avisos)
    assert any("«Nombre del proyecto» no se usa" in a for a in revision.avisos)  # «Título» manda
    assert not revision.es_importable
    revision = revisar(db_proceso, como_csv([{**BUENA, "TITULO": "dos veces"}]))
    assert any("La columna «Título» está más de una vez (columnas C, P)" in p for p in revision.problemas)


def test_sin_nombre_de_quien_propone_explica_la_exportacion_publica(db_proceso):
    sin_nombre = {k: v for k, v in BUENA.items() if k != "Nombre de quien propone"}
    revision = revisar(db_proceso, como_csv([sin_nombre]))
    assert any("exportación con datos personales" in p for p in revision.problemas)


def test_titulos_encima_del_encabezado_windows_1252_y_coma(db_proceso):
    contenido = como_csv([BUENA], separador=",", codificacion="cp1252",
                         encima=["FICHAS DEL TALLER DE CARAZ", "Digitadas por la MCLCP"])
    revision = revisar(db_proceso, contenido)
    assert revision.es_importable, [f.problemas for f in revision.filas]
    assert revision.filas[0].numero == 4 and revision.filas[0].titulo == "Agua potable para Cochamarca"
    assert any("Windows-1252" in a for a in revision.avisos)
    assert any("Se saltaron 2 fila(s)" in a for a in revision.avisos)


def test_celdas_combinadas_en_los_datos_y_en_el_encabezado(db_proceso):
    otra = {**BUENA, "N.º de ficha": "F-002", "Título": "Agua potable para el barrio alto"}

    def combinar_distrito(hoja):
        hoja.merge_cells("F2:F3")  # «Caraz» combinado en dos filas

    revision = revisar(db_proceso, como_xlsx([BUENA, otra], combinar_distrito), "fichas.xlsx")
    assert [bool(f.problemas) for f in revision.filas] == [True, True]
    assert "celdas combinadas (F2:F3)" in revision.filas[0].problemas[0]

    def combinar_encabezado(hoja):
        hoja.merge_cells("A1:B1")

    revision = revisar(db_proceso, como_xlsx([BUENA], combinar_encabezado), "fichas.xlsx")
    assert any("encabezado tiene celdas combinadas (A1:B1)" in p for p in revision.problemas)


def test_fechas_de_excel_y_como_texto(db_proceso):
    fechas = [dt.date(2026, 12, 3), "3/12/2026", "03-12-26", "2026-12-03", "3 de diciembre de 2026", "3 dic 2026",
              46_359]  # la última: número de serie de Excel
    filas_ = [{**BUENA, "N.º de ficha": f"F-{n}", "Título": f"Agua potable para el sector {n}", "Fecha de registro": f}
              for n, f in enumerate(fechas)]
    revision = revisar(db_proceso, como_xlsx(filas_), "fichas.xlsx")
    assert revision.es_importable, [f.problemas for f in revision.filas]
    assert {f.registro["fecha_ficha"] for f in revision.filas} == {"2026-12-03"}


@pytest.mark.parametrize("texto, esperado", [("-9.0485", -9.0485), ("-9,0485", -9.0485), ("9°02'54.6\"S", -9.0485),
                                             ("77° 48' 16.6\" W", -77.8046), (-77.8, -77.8), ("", None)])
def test_coordenadas_decimales_con_coma_o_en_grados(texto, esperado):
    valor = leer_coordenada(texto, "Latitud")
    assert valor == esperado if esperado is None else round(valor, 4) == esperado


def test_leer_fecha_rechaza_anteriores_al_2000():
    with pytest.raises(ValueError, match="anterior al año 2000"):
        leer_fecha("01/01/1999", dt.date(2026, 12, 5))


def test_codigos_y_fichas_repetidos_en_el_archivo_y_en_la_base(db_proceso):
    db = db_proceso
    proceso_id = propuestas_servicios.proceso_actual(db).id
    importar.importar(db, proceso_id, como_csv([BUENA]), "primera.csv", actor=FACILITADORA, ahora=TABLA_TIEMPO)
    filas_ = [
        {**BUENA, "Código": "PP27-0001", "N.º de ficha": "F-101"},                 # ya existe en la base
        {**BUENA, "Código": "PP27-0009", "N.º de ficha": "F-102", "Título": "Riego por aspersión en Cochamarca"},
        {**BUENA, "Código": "pp27-0009", "N.º de ficha": "F-103", "Título": "Riego tecnificado en el sector bajo"},
        {**BUENA, "N.º de ficha": "F-001", "Título": "Otra ficha con el mismo número"},  # ficha ya importada
        {**BUENA, "N.º de ficha": "F-104", "Título": "Otra con número repetido aquí"},
        {**BUENA, "N.º de ficha": "F-104", "Título": "Y su gemela con el mismo número"},
    ]
    revision = revisar(db, como_csv(filas_))
    problemas = [" ".join(f.problemas) for f in revision.filas]
    assert "PP27-0001 ya existe" in problemas[0]
    assert not problemas[1] and "PP27-0009 se repite en la fila 3" in problemas[2]
    assert "«F-001» ya se importó" in problemas[3]
    assert not problemas[4] and "«F-104» se repite en la fila 6" in problemas[5]
    assert not revision.es_importable


def test_el_mismo_archivo_dos_veces_se_rechaza(db_proceso):
    db = db_proceso
    proceso_id = propuestas_servicios.proceso_actual(db).id
    contenido = como_csv([{k: v for k, v in BUENA.items() if k != "N.º de ficha"}])
    importar.importar(db, proceso_id, contenido, "fichas.csv", actor=FACILITADORA, ahora=TABLA_TIEMPO)
    revision = revisar(db, contenido)
    assert any("Este mismo archivo ya se importó" in p for p in revision.problemas)
    assert any("Se parece a PP27-0001" in a for a in revision.filas[0].avisos)


def test_codigo_de_otro_proceso_queda_como_referencia_y_los_numeros_siguen_al_mayor(db_proceso):
    db = db_proceso
    proceso_id = propuestas_servicios.proceso_actual(db).id
    filas_ = [{**BUENA, "Código": "PP27-0040", "N.º de ficha": ""},
              {**BUENA, "Código": "PP26-0003", "N.º de ficha": "", "Título": "Propuesta del año pasado no financiada"},
              {**BUENA, "N.º de ficha": "F-9", "Título": "Ficha nueva sin código todavía"}]
    revision = importar.importar(db, proceso_id, como_csv(filas_), "fichas.csv", actor=FACILITADORA,
                                 ahora=TABLA_TIEMPO)
    assert [f.codigo for f in revision.filas] == ["PP27-0040", "PP27-0041", "PP27-0042"]
    assert "queda como referencia" in revision.filas[1].avisos[0]
    assert db.execute("SELECT referencia FROM propuestas WHERE codigo = 'PP27-0041'").fetchone() == ("PP26-0003",)
    proceso = propuestas_servicios.proceso_actual(db)
    assert propuestas_servicios.almacen.siguiente_codigo(db, proceso) == "PP27-0043"


def test_solo_distrito_va_a_la_capital_con_aviso(db_proceso):
    revision = revisar(db_proceso, como_csv([{**BUENA, "Distrito": "Mato", "Centro poblado": ""}]))
    assert revision.es_importable and revision.filas[0].lugar == "Mato · SUCRE"
    assert "capital del distrito (Sucre)" in revision.filas[0].avisos[0]


def test_una_falla_a_mitad_de_la_escritura_no_deja_nada(db_proceso, monkeypatch):
    db = db_proceso
    antes = conteos(db)
    llamadas = []
    original = importar.registrar_evento

    def falla_en_la_tercera(*argumentos, **nombrados):
        llamadas.append(1)
        if len(llamadas) == 3:
            raise sqlite3.OperationalError("disco lleno")
        return original(*argumentos, **nombrados)

    monkeypatch.setattr(importar, "registrar_evento", falla_en_la_tercera)
    filas_ = [{**BUENA, "N.º de ficha": f"F-{n}", "Título": f"Agua potable para el anexo {n}"} for n in range(4)]
    with pytest.raises(ErrorAlmacen, match="disco lleno"):
        importar.importar(db, propuestas_servicios.proceso_actual(db).id, como_csv(filas_), "fichas.csv",
                          actor=FACILITADORA, ahora=TABLA_TIEMPO)
    assert conteos(db) == antes


def test_permisos_y_fase(db_proceso):
    db = db_proceso
    proceso_id = propuestas_servicios.proceso_actual(db).id
    with pytest.raises(SinPermiso):
        importar.importar(db, proceso_id, como_csv([BUENA]), "f.csv", actor=PUBLICO, ahora=TABLA_TIEMPO)
    revision = revisar(db, como_csv([BUENA]), ahora=HOY_PRIORIZACION)
    assert any("la fase actual es «Priorización en taller»" in p for p in revision.problemas)
    with pytest.raises(propuestas_servicios.AccionFueraDeFase):
        importar.importar(db, proceso_id, como_csv([BUENA]), "f.csv", actor=FACILITADORA, ahora=HOY_PRIORIZACION)
    assert filas(db, "propuestas") == 0


@pytest.mark.parametrize("contenido, mensaje", [
    (b"", "está vacío"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "Excel antiguo (.xls)"),
    (b"PK\x03\x04roto", "no se pudo abrir como Excel"), (b"a;b;c\r\n1;2;3\r\n", "No se encontró la fila de encabezado"),
    ("xml_roto", "no se pudo abrir como Excel"),
], ids=["vacio", "xls", "zip_roto", "sin_encabezado", "xml_roto"])
def test_archivos_que_no_son_una_hoja(db_proceso, contenido, mensaje):
    if contenido == "xml_roto":  # un .xlsx cuya hoja tiene el XML cortado
        import zipfile
        entrada, salida = zipfile.ZipFile(io.BytesIO(como_xlsx([BUENA]))), io.BytesIO()
        with zipfile.ZipFile(salida, "w") as nuevo:
            for nombre in entrada.namelist():
                datos = entrada.read(nombre)
                nuevo.writestr(nombre, datos[: len(datos) // 2] if nombre.endswith("sheet1.xml") else datos)
        contenido = salida.getvalue()
    revision = revisar(db_proceso, contenido)
    assert any(mensaje in p for p in revision.problemas) and not revision.es_importable


def test_informe_csv_fila_por_fila_sin_formulas(db_proceso):
    malo = {**BUENA, "Título": "=HYPERLINK(\"http://malo.example\",\"clic\") agua", "Distrito": "Huaraz"}
    texto = importar.informe_csv(revisar(db_proceso, como_csv([BUENA, malo])))
    filas_ = list(csv.reader(io.StringIO(texto.lstrip("\ufeff")), delimiter=";"))
    assert filas_[0] == ["Fila", "Título", "Dónde", "Código", "Problemas", "Avisos"]
    assert filas_[2][1].startswith("'=HYPERLINK") and "Huaraz" in filas_[2][4]


# --- la vuelta completa ------------------------------------------------------------------------

DE_LA_PROPUESTA = ("codigo", "titulo", "distrito", "ubigeo", "centro_poblado", "lat", "lon", "eje",
                   "beneficiarios_directos", *exportar.DE_LA_FICHA, *exportar.PERSONALES)


@pytest.mark.parametrize("formato", ["xlsx", "csv"])
def test_exportar_e_importar_da_las_mismas_propuestas(db_viables, db_proceso, formato):
    origen, codigos = db_viables
    # una de las viables con la ficha completa (organización): que viajen también los campos largos
    eje = propuestas_servicios.proceso_actual(origen).ejes[2]
    origen.execute("UPDATE propuestas SET proponente_tipo = 'organizacion', organizacion = 'Comunidad de Huata', "
                   "profundidad = 'organizacion', costo_centimos = 31000000, eje = ?, "
                   "objetivo = 'Mejorar el acceso al agua de 120 familias del caserío.', tipo = 'proyecto_inversion', "
                   "madurez = 'ficha_perfil', cui = '2456789', costo_om_centimos = 1250000, plazo_meses = 8, "
                   "cofinanciamiento_centimos = 500000, servicio_publico = 'Agua potable', "
                   "beneficiarios = json_set(beneficiarios, '$.indirectos', 300, '$.edad_0_11', 45, "
                   "'$.directos_mujeres', 60, '$.directos_hombres', 55), "
                   "titulo = '=1+1 título que parece fórmula' WHERE codigo = ?", [eje, codigos[2]])
    lista = exportar.lista_priorizada(origen, propuestas_servicios.proceso_actual(origen).id, actor=ADMIN,
                                      con_datos_personales=True)
    archivo = exportar.exportar(lista, formato)
    destino = db_proceso
    proceso_id = propuestas_servicios.proceso_actual(destino).id
    revision = importar.importar(destino, proceso_id, archivo, f"lista.{formato}", actor=FACILITADORA,
                                 ahora=TABLA_TIEMPO)
    assert len(revision.filas) == len(codigos)
    vuelta = exportar.lista_priorizada(destino, proceso_id, actor=ADMIN, con_datos_personales=True)
    antes = {f["codigo"]: {k: f.get(k) for k in DE_LA_PROPUESTA} for f in lista.filas}
    despues = {f["codigo"]: {k: f.get(k) for k in DE_LA_PROPUESTA} for f in vuelta.filas}
    assert despues == antes
    assert despues[codigos[2]]["titulo"] == "=1+1 título que parece fórmula"  # el apóstrofo no se queda pegado
    assert despues[codigos[2]]["cui"] == "2456789" and despues[codigos[2]]["edad_0_11"] == 45
    assert despues[codigos[2]]["profundidad"] == "Completa"


PELIGROSOS = {"igual": "=1+1", "mas": "+1+1", "menos": "-1+1", "arroba": "@SUMA(A1)", "tabulacion": "\t=1",
              "retorno": "\r=1", "igual_ancho_completo": "＝HYPERLINK(\"http://malo.example\")",
              "mas_ancho_completo": "＋1", "menos_ancho_completo": "－1", "arroba_ancho_completo": "＠SUMA(A1)",
              "igual_pequeno": "﹦1", "ancho_cero": "\u200b=1+1", "union_ancho_cero": "\u200d\u2060=1",
              "bom": "\ufeff+1", "marca_de_direccion": "\u200e\u202e@A1", "espacio_delante": " =1",
              "ancho_cero_y_ancho_completo": "\u200b＝1"}


@pytest.mark.parametrize("texto", PELIGROSOS.values(), ids=PELIGROSOS.keys())
def test_toda_la_familia_de_formulas_se_neutraliza(texto):
    assert hoja.neutralizar(texto) == "'" + texto
    assert hoja.sin_apostrofo(hoja.neutralizar(texto)) == texto


@settings(max_examples=500, deadline=None)
@given(st.text() | st.text(alphabet="'=+-@ \t\r＝＋\u200b\ufeffAb", max_size=6)
       | st.tuples(st.text(alphabet="'", min_size=1, max_size=3), st.sampled_from(list(PELIGROSOS.values()))).map(
           "".join))
def test_neutralizar_y_quitar_el_apostrofo_es_ida_y_vuelta(texto):
    """También para lo que ya empieza con apóstrofo: «'=1» (un texto legítimo) vuelve como «'=1»."""
    neutralizado = hoja.neutralizar(texto)
    assert hoja.sin_apostrofo(neutralizado) == texto
    assert neutralizado == texto or neutralizado == "'" + texto


TITULOS_DIFICILES = ["＝HYPERLINK(\"http://malo.example\",\"clic\") agua", "\u200b=1+1 título con ancho cero",
                     "'=1' es como se escribe la fórmula", "'Agua para todos' en Huata", "'+ agua, + vida' campaña"]


@pytest.mark.parametrize("formato", ["xlsx", "csv"])
def test_formulas_disfrazadas_y_apostrofos_legitimos_sobreviven_exportar_e_importar(db_viables, db_proceso,
                                                                                     formato):
    origen, codigos = db_viables
    for codigo, titulo in zip(codigos, TITULOS_DIFICILES):
        origen.execute("UPDATE propuestas SET titulo = ? WHERE codigo = ?", [titulo, codigo])
    lista = exportar.lista_priorizada(origen, propuestas_servicios.proceso_actual(origen).id, actor=ADMIN,
                                      con_datos_personales=True)
    archivo = exportar.exportar(lista, formato)
    celdas = leer_exportacion(archivo, formato)
    for titulo in TITULOS_DIFICILES[:3]:
        assert "'" + titulo in celdas  # lo que parece fórmula sale con apóstrofo
    proceso_id = propuestas_servicios.proceso_actual(db_proceso).id
    importar.importar(db_proceso, proceso_id, archivo, f"lista.{formato}", actor=FACILITADORA, ahora=TABLA_TIEMPO)
    vuelta = exportar.lista_priorizada(db_proceso, proceso_id, actor=ADMIN, con_datos_personales=True)
    assert sorted(f["titulo"] for f in vuelta.filas if f["titulo"] in TITULOS_DIFICILES) == sorted(TITULOS_DIFICILES)


def leer_exportacion(contenido: bytes, formato: str) -> set:
    if formato == "csv":
        return {c for fila in csv.reader(io.StringIO(contenido.decode("utf-8-sig")), delimiter=";") for c in fila}
    from openpyxl import load_workbook
    return {c for fila in load_workbook(io.BytesIO(contenido)).worksheets[0].iter_rows(values_only=True) for c in fila}


# --- bombas (tests/bombas.py): archivos que se rechazan sin leerlos enteros ---------------------









LEER_EN_OTRO_PROCESO = """
from propuestas import hoja
try:
    tabla = hoja.leer(open({ruta!r}, "rb").read(), {nombre!r})
    print("LEÍDA", len(tabla.filas), "filas")
except hoja.HojaIlegible as error:
    print("RECHAZADA", error)
"""


@pytest.mark.parametrize("caracteres, mensaje", [
    (90_000_000, "tiene un texto de más de 32,767 caracteres (en las cadenas de texto del libro)"),
    (400_000_000, "descomprimido pasa de 400 MB; el máximo es 100 MB"),
], ids=["90_mb_se_corta_al_leer", "400_mb_por_el_tamano_descomprimido"])
def test_xlsx_con_una_cadena_compartida_enorme_se_rechaza_sin_cargarla(caracteres, mensaje, tmp_path,
                                                                       en_otro_proceso):
    ruta = tmp_path / "cadena.xlsx"
    ruta.write_bytes(xlsx_con_cadena_enorme(caracteres))
    assert ruta.stat().st_size < hoja.MAXIMO_BYTES
    salida, pico_mb = en_otro_proceso(LEER_EN_OTRO_PROCESO.format(ruta=str(ruta), nombre="cadena.xlsx"))
    assert salida.startswith("RECHAZADA «cadena.xlsx»") and mensaje in salida, salida
    assert pico_mb < 400


def test_xlsx_de_450_mil_filas_con_dimension_mentirosa_se_rechaza_sin_leerlas(tmp_path, en_otro_proceso):
    ruta = tmp_path / "filas.xlsx"
    ruta.write_bytes(xlsx_a_mano(filas_xml(2, 450_000), dimension=b"A1:C3"))  # dice 3 filas
    salida, pico_mb = en_otro_proceso(LEER_EN_OTRO_PROCESO.format(ruta=str(ruta), nombre="filas.xlsx"))
    assert "RECHAZADA La hoja «Fichas» de «filas.xlsx» tiene más de 6,000 filas" in salida, salida
    assert pico_mb < 400


def test_xlsx_deja_de_leerse_al_pasar_el_limite_de_filas(db_proceso):
    """Lo que viene después de la fila 6,001 ni se mira: ahí hay XML roto y el mensaje es el de las filas."""
    contenido = xlsx_a_mano(filas_xml(2, 20_000, basura_en=6_100), dimension=b"A1:C3")
    revision = revisar(db_proceso, contenido, "fichas.xlsx")
    assert revision.problemas == [hoja._demasiadas_filas("fichas.xlsx", "Fichas")]


@pytest.mark.parametrize("fila, mensaje", [
    (b'<row r="9000000"><c r="A9000000"><v>1</v></c></row>', "tiene más de 6,000 filas"),
    (b'<row r="2"><c r="XFD2"><v>1</v></c></row>', "llega a la columna 16,384"),
    (b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row>",
     "un texto de más de 32,767 caracteres (en la hoja «Fichas», fila 2)"),
    (b"".join(b'<row r="%d">' % n + b'<c t="n"><v>1</v></c>' * 200 + b"</row>" for n in range(2, 2_600)),
     "tiene más de 500,000 celdas"),
], ids=["numero_de_fila_enorme", "ultima_columna", "texto_en_linea", "demasiadas_celdas"])
def test_xlsx_acotado_en_filas_columnas_celdas_y_textos(db_proceso, fila, mensaje):
    revision = revisar(db_proceso, xlsx_a_mano([fila]), "fichas.xlsx")
    assert any(mensaje in p for p in revision.problemas), revision.problemas


def test_xlsx_con_entidades_xml_no_se_abre(db_proceso):
    risa = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "' + b"j" * 1000 + b'">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    import zipfile
    original, salida = zipfile.ZipFile(io.BytesIO(xlsx_a_mano([]))), io.BytesIO()
    with zipfile.ZipFile(salida, "w") as nuevo:
        for nombre in original.namelist():
            datos = original.read(nombre)
            nuevo.writestr(nombre, risa + datos.replace(b"<t></t>", b"<t>&b;</t>")
                           if nombre == "xl/sharedStrings.xml" else datos)
    revision = revisar(db_proceso, salida.getvalue(), "fichas.xlsx")
    assert any("declaración DOCTYPE" in p for p in revision.problemas), revision.problemas


@pytest.mark.parametrize("contenido, mensaje", [
    (b"T\xc3\xadtulo;Problema\n" + b"\n" * 9_000_000, "«lineas.csv» tiene más de 6,000 filas"),
    (b"T\xc3\xadtulo;Problema\n" + b"a;b\n" * 2_000_000, "«lineas.csv» tiene más de 6,000 filas"),
    (b"T\xc3\xadtulo;Problema\n" + b";" * 5_000_000 + b"\n", "llega a la columna 5,000,001"),
], ids=["lineas_vacias", "filas", "columnas"])
def test_csv_acotado_mientras_se_lee(contenido, mensaje, tmp_path, en_otro_proceso):
    ruta = tmp_path / "lineas.csv"
    ruta.write_bytes(contenido)
    salida, pico_mb = en_otro_proceso(LEER_EN_OTRO_PROCESO.format(ruta=str(ruta), nombre="lineas.csv"))
    assert salida.startswith("RECHAZADA") and mensaje in salida, salida
    assert pico_mb < 400


# --- plantilla y línea de comandos -------------------------------------------------------------

def test_la_plantilla_tiene_listas_y_llena_se_importa(db_proceso):
    from openpyxl import load_workbook

    db = db_proceso
    proceso = propuestas_servicios.proceso_actual(db)
    contenido = hoja.plantilla_xlsx(proceso, propuestas_servicios.territorio_servicios.cargar_territorio(db),
                                    propuestas_servicios.territorio_servicios.centros_poblados(db))
    libro = load_workbook(io.BytesIO(contenido))
    assert libro.sheetnames == ["Propuestas", "Listas", "Instrucciones", "Centros poblados"]
    propuestas = libro["Propuestas"]
    encabezados = [c.value for c in propuestas[1]]
    listas = {str(v.sqref).split(":")[0]: v.formula1 for v in propuestas.data_validations.dataValidation}
    columna_distrito = propuestas.cell(row=1, column=encabezados.index("Distrito") + 1).column_letter
    assert listas[f"{columna_distrito}2"].startswith("=Listas!$A$2:$A$11")  # los 10 distritos
    assert len(list(libro["Centros poblados"].iter_rows(min_row=2))) == 435
    for clave, valor in BUENA.items():
        propuestas.cell(row=2, column=encabezados.index(clave) + 1, value=valor)
    propuestas.cell(row=2, column=encabezados.index("Fecha de registro") + 1, value=dt.datetime(2026, 12, 3))
    salida = io.BytesIO()
    libro.save(salida)
    revision = revisar(db, salida.getvalue(), "plantilla.xlsx")
    assert revision.es_importable, (revision.problemas, revision.filas[0].problemas)
    assert revision.filas[0].registro["fecha_ficha"] == "2026-12-03"
    assert hoja.plantilla_csv().lstrip("\ufeff").split(";")[:3] == ["N.º de ficha", "Fecha de registro", "Título"]


def test_linea_de_comandos_revisa_y_solo_con_confirmar_importa(db_proceso, tmp_path):
    ruta_db = tmp_path / "plataforma.db"
    with sqlite3.connect(ruta_db) as copia:
        db_proceso.conn.backup(copia)
    # el proceso de la base está en registro del 1 al 30 de diciembre de 2026: la fecha del sistema puede ser otra
    with sqlite3.connect(ruta_db) as conexion:
        hoy = dt.date.today()
        fases = [{"fase": f, "inicio": str(hoy + dt.timedelta(days=d)), "fin": str(hoy + dt.timedelta(days=d + 9))}
                 for f, d in (("preparacion", -20), ("registro", -10), ("deliberacion", 0), ("evaluacion", 10),
                              ("priorizacion", 20), ("formalizacion", 30))]
        import json
        conexion.execute("UPDATE procesos SET fases = ?", [json.dumps(fases)])
    archivo = tmp_path / "fichas.csv"
    mala = {**BUENA, "Distrito": "Huaraz", "N.º de ficha": "F-2", "Fecha de registro": ""}
    archivo.write_bytes(como_csv([{**BUENA, "Fecha de registro": ""}, mala]))

    def correr(*argumentos):
        return subprocess.run([sys.executable, "-m", "propuestas", "importar", str(archivo), "--db", str(ruta_db),
                               *argumentos], capture_output=True, text=True, cwd=RAIZ, timeout=120)

    revision = correr("--informe", str(tmp_path / "informe.csv"))
    assert revision.returncode == 1 and "Fila 3" in revision.stdout and "«Huaraz» no es un distrito" in revision.stdout
    assert "Huaraz" in (tmp_path / "informe.csv").read_text(encoding="utf-8-sig")
    archivo.write_bytes(como_csv([{**BUENA, "Fecha de registro": ""}, {**mala, "Distrito": "Caraz"}]))
    assert correr().returncode == 0
    with sqlite3.connect(ruta_db) as conexion:
        assert conexion.execute("SELECT count(*) FROM propuestas").fetchone() == (0,)
    hecho = correr("--confirmar")
    assert hecho.returncode == 0, hecho.stderr
    assert "Importadas 2 propuestas" in hecho.stdout
    with sqlite3.connect(ruta_db) as conexion:
        assert conexion.execute("SELECT count(*) FROM propuestas").fetchone() == (2,)
    plantilla = subprocess.run([sys.executable, "-m", "propuestas", "plantilla", "--salida", str(tmp_path / "p.xlsx"),
                                "--db", str(ruta_db)], capture_output=True, text=True, cwd=RAIZ, timeout=120)
    assert plantilla.returncode == 0, plantilla.stderr
    from openpyxl import load_workbook
    assert load_workbook(tmp_path / "p.xlsx").sheetnames[0] == "Propuestas"
