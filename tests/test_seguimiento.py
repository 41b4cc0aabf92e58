"""Seguimiento de lo que entró al acta: actualizaciones que solo se agregan, correcciones, hitos, alertas,
evidencias, la hoja (exportar → editar → importar) y la línea de tiempo."""
import datetime as dt
import io
import sqlite3

import pytest

import nucleo
from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos, NoEncontrada
from propuestas import seguimiento
from propuestas.seguimiento import hoja as hoja_seguimiento
from propuestas.seguimiento.modelo import Cambios, Fase, leer_porcentaje
from propuestas.servicios import fecha_local
from tests.ayudas import AHORA_VOTO, como_csv, como_xlsx, en_acta
from tests.conftest import ADMIN, EVALUADORA, FACILITADORA, filas

DIA = dt.timedelta(days=1)
LUEGO = AHORA_VOTO + 30 * DIA  # un mes después del acta


@pytest.fixture
def con_acta(db_viables):
    db, codigos = db_viables
    _, en_el_acta = en_acta(db, codigos)
    return db, en_el_acta, [c for c in codigos if c not in en_el_acta]


def _registrar(db, codigo, cambios=Cambios(), *, dias=30, nota="", actor=EVALUADORA, **extra):
    ahora = AHORA_VOTO + dias * DIA
    return seguimiento.registrar_actualizacion(db, codigo, cambios, fecha=ahora.date(), nota=nota, actor=actor,
                                               ahora=ahora, **extra)


def _problemas(error) -> dict:
    return {p.campo: p.mensaje for p in error.value.problemas}


def test_la_situacion_es_lo_ultimo_de_cada_actualizacion_y_nada_se_edita(con_acta):
    db, (uno, _), _ = con_acta
    _registrar(db, uno, Cambios(fase=Fase.FORMULACION, responsable_entidad="Municipalidad Provincial de Huaylas",
                                anio_pia=2027, pia_centimos=30_000_000), nota="Se asignó a la Gerencia")
    _registrar(db, uno, Cambios(fase=Fase.EJECUCION, cui="2512345", pim_centimos=35_000_000,
                                devengado_centimos=10_000_000, avance_fisico=40), dias=60)
    proyecto = seguimiento.proyecto(db, uno, hoy=(AHORA_VOTO + 61 * DIA).date())
    s = proyecto.situacion
    assert (s.fase, s.cui, s.anio_pia, s.pia_centimos, s.pim_centimos, s.devengado_centimos, s.avance_fisico) == \
        (Fase.EJECUCION, "2512345", 2027, 30_000_000, 35_000_000, 10_000_000, 40)
    assert s.responsable_entidad == "Municipalidad Provincial de Huaylas" and s.actualizaciones == 2
    assert s.ultima_fecha == (AHORA_VOTO + 60 * DIA).date() and not proyecto.alertas
    eventos = [e for e in listar_eventos(db, objeto_tipo="propuesta") if e["accion"] == "actualizar_seguimiento"]
    assert len(eventos) == 2 and eventos[0]["actor"] == EVALUADORA.etiqueta
    for orden in ("UPDATE seguimiento_actualizaciones SET nota = 'otra'", "DELETE FROM seguimiento_actualizaciones"):
        with pytest.raises(sqlite3.IntegrityError, match="se registra una actualización que corrige"):
            db.execute(orden)


def test_una_correccion_es_otra_actualizacion_que_dice_cual_corrige(con_acta):
    db, (uno, dos), _ = con_acta
    errada = _registrar(db, uno, Cambios(pim_centimos=3_500_000_000))
    with pytest.raises(DatosInvalidos) as error:
        _registrar(db, uno, Cambios(pim_centimos=35_000_000), corrige_id=errada, dias=31)
    assert "qué corrige" in _problemas(error)["nota"]
    otra = _registrar(db, dos, Cambios(avance_fisico=5))
    with pytest.raises(DatosInvalidos) as error:
        _registrar(db, uno, Cambios(pim_centimos=35_000_000), corrige_id=otra, nota="Un cero de más", dias=31)
    assert f"n.º {otra} no es de {uno}" in _problemas(error)["corrige_id"]
    buena = _registrar(db, uno, Cambios(pim_centimos=35_000_000), corrige_id=errada, nota="Un cero de más", dias=31)
    assert seguimiento.proyecto(db, uno, hoy=LUEGO.date()).situacion.pim_centimos == 35_000_000
    historia = {f["id"]: f for f in seguimiento.actualizaciones(db, uno)}
    assert historia[errada]["corregida_por"] == buena and historia[buena]["corrige_id"] == errada
    assert historia[errada]["cambios"] == ["PIM: S/ 35,000,000.00"]  # lo errado sigue a la vista
    titulos = [m.titulo for m in seguimiento.linea_de_tiempo(db, uno, hoy=(AHORA_VOTO + 40 * DIA).date())]
    assert f"Actualización n.º {errada} — corregida por la n.º {buena}" in titulos
    assert f"Actualización n.º {buena} (corrige la n.º {errada})" in titulos


@pytest.mark.parametrize(("cambios", "campo", "mensaje"), [
    (Cambios(cui="251234"), "cui", "«251234» tiene 6 dígitos; el Código Único de Inversiones tiene 7"),
    (Cambios(pim_centimos=10_000_000, devengado_centimos=12_000_000), "devengado_centimos",
     "El devengado (S/ 120,000.00) supera el PIM (S/ 100,000.00)."),
    (Cambios(fase=Fase.NO_SE_EJECUTARA), "motivo_fase", "necesita el motivo"),
    (Cambios(avance_fisico=120), "avance_fisico", "120 %; debe estar entre 0 y 100 %"),
    (Cambios(anio_pia=1999), "anio_pia", "1999 no es válido"),
    (Cambios(), "nota", "no cambia ningún dato"),
], ids=["cui-de-6", "devengado-sobre-pim", "sin-motivo", "avance-120", "anio-1999", "nada"])
def test_lo_invalido_se_dice_por_campo_y_no_se_escribe_nada(con_acta, cambios, campo, mensaje):
    db, (uno, _), _ = con_acta
    antes = filas(db, "seguimiento_actualizaciones"), filas(db, "eventos")
    with pytest.raises(DatosInvalidos) as error:
        _registrar(db, uno, cambios)
    assert mensaje in _problemas(error)[campo]
    assert (filas(db, "seguimiento_actualizaciones"), filas(db, "eventos")) == antes


def test_solo_se_sigue_lo_que_entro_al_acta_y_solo_el_equipo_lo_registra(con_acta):
    db, (uno, _), fuera = con_acta
    with pytest.raises(DatosInvalidos, match="solo se sigue lo que entró al acta"):
        _registrar(db, fuera[0], Cambios(avance_fisico=10))
    with pytest.raises(NoEncontrada):
        _registrar(db, "NO-EXISTE", Cambios(avance_fisico=10))
    for actor in (PUBLICO, FACILITADORA):
        with pytest.raises(SinPermiso, match="registrar el seguimiento"):
            _registrar(db, uno, Cambios(avance_fisico=10), actor=actor)
    _registrar(db, uno, Cambios(avance_fisico=10), actor=ADMIN)


def test_el_futuro_no_es_un_dato(con_acta):
    db, (uno, _), _ = con_acta
    with pytest.raises(DatosInvalidos) as error:
        seguimiento.registrar_actualizacion(db, uno, Cambios(avance_fisico=10), fecha=(LUEGO + DIA).date(),
                                            actor=EVALUADORA, ahora=LUEGO)
    assert "es futura" in _problemas(error)["fecha"]


def _pdf(bytes_: int) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (bytes_ - 9)


def test_la_evidencia_es_una_foto_o_un_pdf_de_hasta_5_mb(con_acta, tmp_path):
    from PIL import Image

    db, (uno, _), _ = con_acta
    with pytest.raises(DatosInvalidos) as error:
        _registrar(db, uno, nota="Informe de obra", evidencia=(_pdf(30 * 1024 * 1024), "informe.pdf"))
    assert "«informe.pdf» pesa 30.0 MB; el máximo para un PDF es 5 MB" in _problemas(error)["evidencia"]
    with pytest.raises(DatosInvalidos) as error:
        _registrar(db, uno, nota="Planilla", evidencia=(b"PK\x03\x04 un zip", "planilla.xlsx"))
    assert "no una foto" in _problemas(error)["evidencia"]
    assert filas(db, "seguimiento_evidencias") == 0
    foto = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(foto, "PNG")
    _registrar(db, uno, Cambios(avance_fisico=20), evidencia=(foto.getvalue(), "obra.png"))
    _registrar(db, uno, nota="Informe mensual", evidencia=(_pdf(2_000), "informe.pdf"), dias=31)
    guardadas = [seguimiento.evidencia(db, f["evidencia_id"]) for f in seguimiento.actualizaciones(db, uno)]
    assert [(e["tipo"], e["contenido"][:4]) for e in guardadas] == [("pdf", b"%PDF"), ("foto", b"\xff\xd8\xff\xe0")]


def test_hitos_vencidos_y_noventa_dias_sin_noticias_son_alertas(con_acta):
    db, (uno, dos), _ = con_acta
    hoy = AHORA_VOTO.date() + 200 * DIA
    hito = seguimiento.agregar_hito(db, uno, "Expediente técnico aprobado", AHORA_VOTO.date() + 120 * DIA,
                                    actor=EVALUADORA, ahora=LUEGO)
    seguimiento.agregar_hito(db, uno, "Inicio de obra", hoy + 30 * DIA, actor=EVALUADORA, ahora=LUEGO)
    _registrar(db, uno, Cambios(fase=Fase.EXPEDIENTE), dias=150)
    proyectos = {p.codigo: p for p in seguimiento.proyectos(db, hoy=hoy)}
    assert proyectos[uno].alertas.textos() == [
        "Hito vencido: «Expediente técnico aprobado» (previsto para el 14 de junio de 2027)"]
    assert proyectos[dos].alertas.textos() == ["Sin actualización hace 200 días"]  # desde el acta, sin ninguna
    _registrar(db, uno, hito_id=hito, hito_fecha_real=AHORA_VOTO.date() + 160 * DIA, dias=190)
    assert not seguimiento.proyecto(db, uno, hoy=hoy).alertas
    linea = seguimiento.linea_de_tiempo(db, uno, hoy=hoy)
    assert [m.tipo for m in linea] == ["votacion", "acta", "actualizacion", "hito", "actualizacion", "hito"]
    assert linea[3].titulo == "Hito cumplido: Expediente técnico aprobado"
    assert linea[-1].titulo == "Hito previsto: Inicio de obra" and not linea[-1].alerta


@pytest.mark.parametrize(("valor", "esperado"), [
    ("80 %", 80.0), ("80%", 80.0), ("45,5 %", 45.5), (80, 80.0), ("0", 0.0), ("100", 100.0), ("0.5 %", 0.5),
    (None, None), ("", None)])
def test_porcentajes_que_se_entienden(valor, esperado):
    assert leer_porcentaje(valor) == esperado


@pytest.mark.parametrize(("valor", "mensaje"), [
    ("0.8", "ambiguo: ¿80 % o 0.8 %?"), (0.8, "ambiguo"), ("150", "fuera de 0 a 100"), ("mucho", "no es un porcentaje")])
def test_porcentajes_que_no(valor, mensaje):
    with pytest.raises(ValueError, match=mensaje):
        leer_porcentaje(valor)


def test_exportar_y_volver_a_importar_no_cambia_nada(con_acta):
    db, (uno, dos), _ = con_acta
    _registrar(db, uno, Cambios(fase=Fase.EJECUCION, cui="2512345", responsable_entidad="=HYPERLINK(\"x\")",
                                anio_pia=2027, pia_centimos=30_000_050, pim_centimos=35_000_000,
                                devengado_centimos=12_345_678, avance_fisico=0.5, avance_financiero=35.27))
    _registrar(db, dos, Cambios(fase=Fase.NO_SE_EJECUTARA, motivo_fase="El terreno no fue saneado"))
    hoy = (LUEGO + DIA).date()
    exportadas = hoja_seguimiento.filas(db, None, hoy=hoy)
    assert {f["Código"] for f in exportadas} == {uno, dos}
    csv_ = hoja_seguimiento.como_csv(exportadas)
    assert '"\'=HYPERLINK(""x"")"' in csv_  # una fórmula no se ejecuta al abrir la hoja
    for contenido, nombre in ((csv_.encode("utf-8"), "seguimiento.csv"),
                              (hoja_seguimiento.como_xlsx(exportadas), "seguimiento.xlsx")):
        revision = hoja_seguimiento.revisar(db, contenido, nombre, hoy=hoy)
        assert revision.es_importable and revision.con_cambios == [], [f.problemas for f in revision.filas]
    antes = filas(db, "seguimiento_actualizaciones")
    assert hoja_seguimiento.importar(db, hoja_seguimiento.como_xlsx(exportadas), "s.xlsx", actor=EVALUADORA,
                                     ahora=LUEGO + DIA) == {"actualizaciones": 0, "sin_cambios": 2}
    assert filas(db, "seguimiento_actualizaciones") == antes


def test_lo_editado_en_la_hoja_se_vuelve_actualizacion_con_su_origen(con_acta):
    db, (uno, dos), _ = con_acta
    hoy = (LUEGO + DIA).date()
    exportadas = hoja_seguimiento.filas(db, None, hoy=hoy)
    por_codigo = {f["Código"]: f for f in exportadas}
    por_codigo[uno].update({"Fase de inversión": "expediente tecnico", "PIM (S/)": "S/ 350,000.00",
                            "Avance físico (%)": "15 %", "Fecha del dato": "20/02/2027", "Nota": "Según el SIAF"})
    por_codigo[dos].update({"CUI": 2498765, "Fecha del dato": 46440})  # número y fecha como los da Excel
    resultado = hoja_seguimiento.importar(db, como_xlsx(exportadas), "municipio.xlsx", actor=EVALUADORA,
                                          ahora=LUEGO + DIA)
    assert resultado == {"actualizaciones": 2, "sin_cambios": 0}
    ultima = seguimiento.actualizaciones(db, uno)[0]
    assert ultima["origen"] == f"hoja «municipio.xlsx», fila {2 + [f['Código'] for f in exportadas].index(uno)}"
    assert (ultima["fase"], ultima["pim_centimos"], ultima["avance_fisico"], ultima["fecha"], ultima["nota"]) == \
        ("expediente", 35_000_000, 15.0, "2027-02-20", "Según el SIAF")
    otra = seguimiento.actualizaciones(db, dos)[0]
    assert (otra["cui"], otra["fecha"]) == ("2498765", "2027-02-22")
    importacion = next(e for e in listar_eventos(db, objeto_tipo="seguimiento"))
    assert importacion["despues"]["archivo"] == "municipio.xlsx" and importacion["despues"]["actualizaciones"] == 2


def test_una_hoja_con_problemas_los_dice_por_fila_y_columna_y_no_escribe_nada(con_acta):
    db, (uno, dos), fuera = con_acta
    _registrar(db, dos, Cambios(pim_centimos=10_000_000))
    hoy = (LUEGO + DIA).date()
    filas_ = [
        {"Código": uno, "CUI": "251234", "Avance físico (%)": "0.8", "Fecha del dato": "2027-02-20",
         "Fase de inversión": "No se ejecutará"},
        {"Código": dos, "Devengado (S/)": "120000", "Fecha del dato": "31/02/2027"},
        {"Código": fuera[0], "Avance físico (%)": "10"},
        {"Código": uno, "Nota": "repetida"},
        {"Código": dos.lower(), "Nota": "el código en minúsculas es el mismo"},
    ]
    revision = hoja_seguimiento.revisar(db, como_csv(filas_), "mala.csv", hoy=hoy)
    problemas = {f.numero: " | ".join(f.problemas) for f in revision.filas}
    assert "«CUI»: El CUI «251234» tiene 6 dígitos" in problemas[2]
    assert "«Avance físico (%)»: «0.8» es ambiguo" in problemas[2]
    assert "«Fecha del dato»: «31/02/2027» no es una fecha que exista" in problemas[3]
    assert "«Devengado (S/)»: El devengado (S/ 120,000.00) supera el PIM (S/ 100,000.00)" in problemas[3]
    assert f"{fuera[0]} está «viable»; solo se sigue lo que entró al acta" in problemas[4]
    assert f"{uno} ya está en la fila 2" in problemas[5]
    assert "necesita el motivo" in problemas[2]
    assert f"{dos} ya está en la fila 3" in problemas[6]
    antes = filas(db, "seguimiento_actualizaciones"), filas(db, "eventos")
    with pytest.raises(DatosInvalidos) as error:
        hoja_seguimiento.importar(db, como_csv(filas_), "mala.csv", actor=EVALUADORA, ahora=LUEGO + DIA)
    assert any(p.mensaje.startswith("Fila 4: ") for p in error.value.problemas)
    assert (filas(db, "seguimiento_actualizaciones"), filas(db, "eventos")) == antes


def test_la_linea_de_comandos_arma_el_ciclo_completo_exporta_e_importa(tmp_path):
    import subprocess
    import sys

    from openpyxl import load_workbook

    from tests.conftest import CENTROS, LIMITES, RAIZ

    base = tmp_path / "ciclo.db"

    def correr(*argumentos):
        return subprocess.run([sys.executable, "-m", "propuestas", *argumentos], capture_output=True, text=True,
                              cwd=RAIZ)

    corrida = correr("demo", "--db", str(base), "--propuestas", "12", "--limites", str(LIMITES), "--centros",
                     str(CENTROS), "--ciclo-completo", "--actualizaciones", "6")
    assert corrida.returncode == 0, corrida.stderr
    assert "12 proyectos en acta" in corrida.stdout
    with nucleo.abrir(base) as db:
        hoy = fecha_local(nucleo.ahora())
        proyectos = seguimiento.proyectos(db, hoy=hoy)
        assert len(proyectos) == 12 and all(p.en_seguimiento and p.es_demo for p in proyectos)
        primera = min(dt.date.fromisoformat(f["fecha"]) for f in db["seguimiento_actualizaciones"].rows)
        assert (hoy - primera).days > 700  # dos años de seguimiento
        assert all(p.situacion.actualizaciones >= 6 for p in proyectos)
    assert correr("demo", "--db", str(base), "--ciclo-completo").returncode == 1  # solo en una base nueva
    hoja_ = tmp_path / "seguimiento.xlsx"
    corrida = correr("seguimiento", "exportar", "--salida", str(hoja_), "--db", str(base))
    assert corrida.returncode == 0 and "12 proyectos en acta" in corrida.stdout
    corrida = correr("seguimiento", "importar", str(hoja_), "--db", str(base))
    assert corrida.returncode == 0 and "0 actualizaciones registradas; 12 filas sin cambios." in corrida.stdout
    libro = load_workbook(hoja_)
    libro.active["F2"] = "123"  # un CUI de 3 dígitos
    libro.save(hoja_)
    corrida = correr("seguimiento", "importar", str(hoja_), "--db", str(base))
    assert corrida.returncode == 1 and "Fila 2: «CUI»: El CUI «123» tiene 3 dígitos" in corrida.stdout
    assert "No se importó nada" in corrida.stderr


def test_cada_fase_tiene_su_color_legible_con_letra_blanca():
    from geo.dibujo import contraste
    from propuestas.seguimiento.modelo import COLOR_SIN_FASE, COLORES_FASE

    colores = [*COLORES_FASE.values(), COLOR_SIN_FASE]
    assert len(set(colores)) == len(colores) == len(Fase) + 1
    assert [c for c in colores if contraste(c, "#ffffff") < 4.5] == []  # WCAG AA
