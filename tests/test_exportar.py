"""La lista priorizada en CSV, Excel y GeoJSON: orden de la votación, desglose técnico, sin datos personales en
lo público, fórmulas neutralizadas, y cada archivo abierto con lo que usaría un planificador (openpyxl,
geopandas) y por la línea de comandos."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys

import pytest

from identidad.acceso import PUBLICO, SinPermiso
from propuestas import servicios as propuestas_servicios
from tests.ayudas import AHORA_VOTO, crear, votar_muchos
from tests.conftest import ADMIN, FACILITADORA, RAIZ, texto_de_pdf
from votacion import exportar
from votacion import servicios as votacion
from votacion.modelo import REGLAS, EstadoVotacion

FORMULA = '=HYPERLINK("http://malo.example","clic")'


@pytest.fixture
def cerrada(db_viables):
    db, codigos = db_viables
    db.execute("UPDATE propuestas SET titulo = ?, contacto = '987654321' WHERE codigo = ?", [FORMULA, codigos[3]])
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO)
    return db, codigos, abierta


def test_orden_de_la_votacion_con_desglose_y_sin_datos_personales(cerrada):
    db, codigos, abierta = cerrada
    proceso = propuestas_servicios.proceso_actual(db)
    lista = exportar.lista_priorizada(db, proceso.id, actor=PUBLICO)
    resultado = votacion.resultados(db, abierta.id, actor=FACILITADORA, comparar=False)
    assert [f["codigo"] for f in lista.filas] == [f["codigo"] for f in resultado.filas]
    assert [f["rango"] for f in lista.filas] == list(range(1, len(lista.filas) + 1))
    primera = lista.filas[0]
    assert primera["financiada"] == "sí" and primera["votos"] == 6 and primera["ubigeo"]
    assert all(f"criterio_{c.clave}" in primera for c in proceso.criterios)  # desglose del puntaje técnico
    claves = [c for c, _ in lista.columnas]
    assert not {"proponente_nombre", "organizacion", "contacto"} & set(claves)
    assert not any("987654321" in json.dumps(f, default=str) for f in lista.filas)
    assert not any("Rosa Huamán" in json.dumps(f, default=str, ensure_ascii=False) for f in lista.filas)
    assert ("Regla oficial", f"greedy: {REGLAS['greedy']}") in lista.metodo
    with pytest.raises(SinPermiso):
        exportar.lista_priorizada(db, proceso.id, actor=FACILITADORA, con_datos_personales=True)
    privada = exportar.lista_priorizada(db, proceso.id, actor=ADMIN, con_datos_personales=True)
    assert any(f.get("contacto") == "987654321" for f in privada.filas)


def test_csv_con_bom_punto_y_coma_y_formulas_neutralizadas(cerrada):
    db, codigos, _ = cerrada
    texto = exportar.a_csv(exportar.lista_priorizada(db, propuestas_servicios.proceso_actual(db).id, actor=PUBLICO))
    assert texto.startswith("\ufeffRango;Código;Título;")
    filas = list(csv.reader(io.StringIO(texto.lstrip("\ufeff")), delimiter=";"))
    titulos = {f[1]: f[2] for f in filas[1:]}
    assert titulos[codigos[3]] == "'" + FORMULA
    def es_numero(celda: str) -> bool:
        try:
            float(celda)
        except ValueError:
            return False
        return True

    # latitud y longitud son negativas: números, no fórmulas; ningún texto empieza como fórmula
    assert not any(celda[:1] in "=+-@\t\r" for fila in filas for celda in fila if celda and not es_numero(celda))


def test_excel_se_abre_con_openpyxl_hojas_formato_y_sin_formulas(cerrada, tmp_path):
    from openpyxl import load_workbook

    db, codigos, _ = cerrada
    lista = exportar.lista_priorizada(db, propuestas_servicios.proceso_actual(db).id, actor=PUBLICO)
    ruta = tmp_path / "priorizadas.xlsx"
    ruta.write_bytes(exportar.a_xlsx(lista))
    libro = load_workbook(ruta)
    distritos = sorted({f["distrito"] for f in lista.filas})
    assert libro.sheetnames == ["Priorizadas", *distritos, "Criterios", "Método"]
    hoja = libro["Priorizadas"]
    assert hoja.freeze_panes == "A2" and hoja["A1"].font.bold
    encabezados = [c.value for c in hoja[1]]
    assert encabezados[:3] == ["Rango", "Código", "Título"]
    costo = hoja.cell(row=2, column=encabezados.index("Costo S/") + 1)
    assert costo.value == lista.filas[0]["costo_soles"] and costo.number_format == exportar.SOLES
    assert [c.value for c in hoja["B"][1:]] == [f["codigo"] for f in lista.filas]
    for nombre in libro.sheetnames:
        assert not any(c.data_type == "f" for fila in libro[nombre].iter_rows() for c in fila), nombre
    malo = next(fila for fila in hoja.iter_rows(min_row=2) if fila[1].value == codigos[3])
    assert malo[2].value == "'" + FORMULA
    assert sum(len(list(libro[d].iter_rows(min_row=2))) for d in distritos) == len(lista.filas)
    assert [c.value for c in libro["Criterios"]["C"][1:]] == [p for _, _, p in lista.criterios]


def test_geojson_se_abre_con_geopandas(cerrada, tmp_path):
    import geopandas

    db, _, _ = cerrada
    lista = exportar.lista_priorizada(db, propuestas_servicios.proceso_actual(db).id, actor=PUBLICO)
    ruta = tmp_path / "priorizadas.geojson"
    ruta.write_text(exportar.a_geojson(lista), encoding="utf-8")
    capa = geopandas.read_file(ruta)
    assert len(capa) == len(lista.filas)
    assert {"rango", "codigo", "ubigeo", "distrito", "centro_poblado", "estado", "puntaje_tecnico",
            "financiada"} <= set(capa.columns)
    primera = capa.sort_values("rango").iloc[0]
    assert (primera.geometry.x, primera.geometry.y) == (lista.filas[0]["lon"], lista.filas[0]["lat"])


def test_linea_de_comandos(cerrada, tmp_path):
    db, _, _ = cerrada
    proceso = propuestas_servicios.proceso_actual(db)
    ruta_db = str(tmp_path / "plataforma.db")
    with sqlite3.connect(ruta_db) as copia:
        db.conn.backup(copia)
    salida = tmp_path / "lista.xlsx"
    corrida = subprocess.run([sys.executable, "-m", "propuestas", "exportar", "--proceso", str(proceso.id),
                              "--formato", "xlsx", "--salida", str(salida), "--db", ruta_db],
                             cwd=RAIZ, capture_output=True, text=True, timeout=120)
    assert corrida.returncode == 0, corrida.stderr
    assert salida.read_bytes()[:2] == b"PK"
    csv_stdout = subprocess.run([sys.executable, "-m", "propuestas", "exportar", "--proceso", str(proceso.id),
                                 "--formato", "csv", "--db", ruta_db], cwd=RAIZ, capture_output=True, timeout=120)
    assert csv_stdout.returncode == 0 and csv_stdout.stdout.decode("utf-8").startswith("\ufeffRango;")
    mala = subprocess.run([sys.executable, "-m", "propuestas", "exportar", "--proceso", "999", "--formato", "csv",
                           "--db", ruta_db], cwd=RAIZ, capture_output=True, text=True, timeout=120)
    assert mala.returncode == 1 and "No existe el proceso 999" in mala.stderr


def test_informe_pdf_con_mapa_igual_al_regenerarlo(cerrada, tmp_path):
    from geo import servicios as territorio

    db, codigos, _ = cerrada
    lista = exportar.lista_priorizada(db, propuestas_servicios.proceso_actual(db).id, actor=PUBLICO)
    pdf = exportar.a_pdf(lista, territorio.cargar_territorio(db))
    assert pdf[:5] == b"%PDF-" and exportar.a_pdf(lista, territorio.cargar_territorio(db)) == pdf
    texto = texto_de_pdf(pdf, tmp_path)
    ruta = tmp_path / "documento.pdf"
    for esperado in ("Lista priorizada", "Regla oficial: greedy", "Dónde están", *codigos, "=HYPERLINK("):
        assert esperado in texto, esperado
    assert texto.index(lista.filas[0]["codigo"]) < texto.index(lista.filas[-1]["codigo"])
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(ruta), str(tmp_path / "p")], check=True)
    assert (tmp_path / "p-1.png").stat().st_size > 5_000


def _cli(*argumentos):
    return subprocess.run([sys.executable, *argumentos], cwd=RAIZ, capture_output=True, text=True, timeout=120)


def test_la_linea_de_comandos_acepta_el_codigo_del_proceso_que_muestra_la_app(cerrada, tmp_path):
    """Antes: `--proceso PP27` fallaba con «invalid int value» y el id no se veía en ninguna página."""
    db, _, votada = cerrada
    proceso = propuestas_servicios.proceso_actual(db)
    ruta_db = str(tmp_path / "plataforma.db")
    with sqlite3.connect(ruta_db) as copia:
        db.conn.backup(copia)
    por_codigo = _cli("-m", "propuestas", "exportar", "--proceso", "PP27", "--formato", "csv", "--db", ruta_db)
    por_numero = _cli("-m", "propuestas", "exportar", "--proceso", str(proceso.id), "--formato", "csv", "--db", ruta_db)
    minusculas = _cli("-m", "propuestas", "exportar", "--proceso", "pp27", "--votacion", f"n.º {votada.id}",
                      "--formato", "csv", "--db", ruta_db)
    assert proceso.codigo == "PP27"
    assert por_codigo.returncode == 0, por_codigo.stderr
    assert por_codigo.stdout == por_numero.stdout == minusculas.stdout and por_codigo.stdout.startswith("\ufeffRango;")
    falta = _cli("-m", "propuestas", "exportar", "--proceso", "PP99", "--formato", "csv", "--db", ruta_db)
    assert falta.returncode == 1 and "invalid" not in falta.stderr and "Traceback" not in falta.stderr
    assert f"No existe el proceso PP99. Procesos de esta base: PP27 (n.º {proceso.id}, el actual)." in falta.stderr
    letras = _cli("-m", "propuestas", "exportar", "--proceso", "PP27", "--votacion", "última", "--formato", "csv",
                  "--db", ruta_db)
    assert letras.returncode == 2 and "invalid int value" not in letras.stderr
    assert "se espera el número de la votación" in letras.stderr
    plantilla = tmp_path / "plantilla.xlsx"
    assert _cli("-m", "propuestas", "plantilla", "--proceso", "PP27", "--salida", str(plantilla), "--db",
                ruta_db).returncode == 0 and plantilla.read_bytes()[:2] == b"PK"
    otra = _cli("-m", "votacion", "exportar", "--votacion", "999", "--db", ruta_db)
    assert otra.returncode == 1 and f"n.º {votada.id} «{votada.nombre}» (PP27, cerrada)" in otra.stderr
    assert _cli("-m", "votacion", "exportar", "--votacion", f"n.º {votada.id}", "--formato", "csv", "--db",
                ruta_db).returncode == 0
