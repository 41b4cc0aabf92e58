"""Dominio de propuestas: fases, transiciones, validación del formulario, dinero, puntajes."""
import datetime as dt

import pytest

from identidad.acceso import Accion
from nucleo.errores import DatosInvalidos
from nucleo.formato import soles_a_centimos
from propuestas.modelo import (
    CRITERIOS_POR_DEFECTO,
    TRANSICIONES,
    Estado,
    Fase,
    PeriodoFase,
    Proceso,
    ProcesoInvalido,
    PropuestaInvalida,
    TransicionNoPermitida,
    puntaje_ponderado,
    similitud,
    sugerir_puntaje_brecha,
    validar_formulario,
    validar_proceso,
    validar_transicion,
)
from propuestas.servicios import proceso_sugerido
from tests.conftest import DATOS_JOVEN

EJES = ("Infraestructura: agua, saneamiento, vías y energía",)


def _proceso(**cambios):
    base = proceso_sugerido("0212", dt.date(2026, 12, 1))
    return Proceso(**{**base.__dict__, **cambios})


@pytest.mark.parametrize("fecha, accion, permitido", [
    (dt.date(2026, 12, 5), Accion.PROPONER, True),
    (dt.date(2026, 12, 5), Accion.EVALUAR, False),
    (dt.date(2027, 1, 5), Accion.PROPONER, False),
    (dt.date(2027, 1, 5), Accion.COMENTAR, True),
    (dt.date(2027, 1, 25), Accion.EVALUAR, True),
    (dt.date(2027, 2, 14), Accion.VOTAR, True),
    (dt.date(2030, 1, 1), Accion.PROPONER, False),
], ids=["registro-proponer", "registro-evaluar", "deliberacion-proponer", "deliberacion-comentar",
        "evaluacion-evaluar", "priorizacion-votar", "terminado"])
def test_lo_que_permite_cada_fase(fecha, accion, permitido):
    assert bool(_proceso().permite(accion, fecha)) is permitido


def test_el_motivo_dice_por_que_y_hasta_cuando():
    motivo = _proceso().permite(Accion.EVALUAR, dt.date(2026, 12, 5)).motivo
    assert motivo == ("No se pueden evaluar propuestas: la fase actual es «Registro de propuestas». "
                      "Se podrá del 21 de enero de 2027 al 10 de febrero de 2027.")
    assert "ya no habrá otra fase" in _proceso().permite(Accion.PROPONER, dt.date(2030, 1, 1)).motivo


def test_proceso_con_fechas_superpuestas_y_pesos_que_no_suman_100():
    fases = list(_proceso().fases)
    fases[2] = PeriodoFase(Fase.DELIBERACION, fases[1].fin, fases[2].fin)
    criterios = CRITERIOS_POR_DEFECTO[:-1]
    with pytest.raises(ProcesoInvalido) as error:
        validar_proceso(_proceso(fases=tuple(fases), criterios=criterios, nombre="PP", codigo="pp 27"))
    campos = {p.campo for p in error.value.problemas}
    assert campos == {"fase_deliberacion", "criterios", "nombre", "codigo"}
    assert "Los pesos suman 90" in str(error.value)


# Los pasos permitidos, escritos a mano (no leídos de TRANSICIONES: una tabla cambiada por error debe fallar aquí).
PASOS_PERMITIDOS = {
    ("borrador", "registrada"), ("borrador", "retirada"),
    ("registrada", "admitida"), ("registrada", "no_admitida"), ("registrada", "fusionada"), ("registrada", "retirada"),
    ("admitida", "en_evaluacion"), ("admitida", "fusionada"), ("admitida", "retirada"),
    ("en_evaluacion", "viable"), ("en_evaluacion", "no_viable"), ("en_evaluacion", "fusionada"),
    ("en_evaluacion", "retirada"),
    ("viable", "priorizada"), ("viable", "fusionada"), ("viable", "retirada"),
    ("priorizada", "en_acta"), ("priorizada", "viable"),  # viable: se reabrió la votación antes del acta
    ("no_admitida", "registrada"),
}


def test_la_tabla_de_transiciones_es_la_escrita_a_mano():
    assert {(desde.value, hacia.value) for desde, destinos in TRANSICIONES.items() for hacia in destinos} \
        == PASOS_PERMITIDOS


@pytest.mark.parametrize("desde", list(Estado), ids=lambda e: e.value)
@pytest.mark.parametrize("hacia", list(Estado), ids=lambda e: e.value)
def test_cada_par_de_estados_sigue_la_tabla(desde, hacia):
    permitido = (desde.value, hacia.value) in PASOS_PERMITIDOS
    if permitido:
        assert validar_transicion(desde, hacia, "motivo suficiente", "PP27-0001") == "motivo suficiente"
    else:
        with pytest.raises(TransicionNoPermitida):
            validar_transicion(desde, hacia, "motivo suficiente", "PP27-0001")


@pytest.mark.parametrize("hacia", [Estado.NO_ADMITIDA, Estado.RETIRADA, Estado.FUSIONADA], ids=lambda e: e.value)
def test_las_transiciones_negativas_requieren_motivo(hacia):
    with pytest.raises(DatosInvalidos, match="requiere un motivo"):
        validar_transicion(Estado.REGISTRADA, hacia, " ", "PP27-0001")


def test_reabrir_una_no_admitida_vuelve_a_registrada_y_requiere_motivo():
    assert validar_transicion(Estado.NO_ADMITIDA, Estado.REGISTRADA, " Clic equivocado ", None) == "Clic equivocado"
    with pytest.raises(DatosInvalidos, match="de «no admitida» a «registrada» requiere un motivo"):
        validar_transicion(Estado.NO_ADMITIDA, Estado.REGISTRADA, "", None)
    with pytest.raises(TransicionNoPermitida, match="puede pasar a: registrada"):
        validar_transicion(Estado.NO_ADMITIDA, Estado.ADMITIDA, "Clic equivocado", None)  # se decide de nuevo


def test_fusionar_requiere_la_sobreviviente():
    with pytest.raises(DatosInvalidos, match="sobrevive"):
        validar_transicion(Estado.REGISTRADA, Estado.FUSIONADA, "Son la misma losa", None)


def test_formulario_joven_valido():
    limpio = validar_formulario(DATOS_JOVEN, ejes=EJES, consentimiento_previo=False)
    assert limpio["titulo"] == "Losa deportiva para Cashapampa" and limpio["costo_centimos"] is None


def test_formulario_junta_todos_los_problemas_con_lo_recibido():
    datos = {**DATOS_JOVEN, "titulo": "Losa", "problema": "x" * 50_000, "contacto": "hola",
             "costo": "mil soles", "proponente_tipo": "organizacion", "cui": "12"}
    with pytest.raises(PropuestaInvalida) as error:
        validar_formulario(datos, ejes=EJES, consentimiento_previo=False)
    mensajes = {p.campo: p.mensaje for p in error.value.problemas}
    assert mensajes["titulo"] == "Título tiene 4 caracteres; debe tener entre 10 y 120."
    assert mensajes["problema"] == "El problema tiene 50,000 caracteres; debe tener entre 20 y 3,000."
    assert "«hola» no parece un celular" in mensajes["contacto"]
    assert "«mil soles» no es un monto en soles" in mensajes["costo"]
    assert "nombre de la organización" in mensajes["organizacion"]
    assert "7 dígitos" in mensajes["cui"]


def test_formulario_completo_de_organizacion_exige_campos_del_planificador():
    with pytest.raises(PropuestaInvalida) as error:
        validar_formulario({**DATOS_JOVEN, "profundidad": "organizacion"}, ejes=EJES, consentimiento_previo=False)
    assert {p.campo for p in error.value.problemas} == {"objetivo", "tipo", "eje", "costo", "madurez",
                                                        "directos_mujeres"}


def test_quechua_emojis_y_html_se_guardan_tal_cual():
    datos = {**DATOS_JOVEN, "titulo": "Qocha para Ch'uspi 💧 <script>alert(1)</script>"}
    assert validar_formulario(datos, ejes=EJES, consentimiento_previo=False)["titulo"] == datos["titulo"]


@pytest.mark.parametrize("texto, centimos", [
    ("S/ 1,234.50", 123450), ("1.234,50", 123450), ("S/. 15000", 1500000), ("2 500", 250000),
    ("1,234", 123400), ("1.234.567", 123456700), ("12,5", 1250), ("0.99", 99), ("", None), (1500, 150000),
], ids=lambda v: repr(v))
def test_soles_a_centimos(texto, centimos):
    assert soles_a_centimos(texto) == centimos


@pytest.mark.parametrize("texto", ["mil soles", "-500", "1,23,4", "1.234,5.6", "S/", "12e3"])
def test_montos_ilegibles(texto):
    with pytest.raises(ValueError, match="monto"):
        soles_a_centimos(texto)


def test_puntaje_ponderado_y_sus_errores():
    todos_tres = {c.clave: 3 for c in CRITERIOS_POR_DEFECTO}
    assert puntaje_ponderado(CRITERIOS_POR_DEFECTO, todos_tres) == 100
    mixtos = {**todos_tres, "alineamiento": 0, "equidad": 1}
    assert puntaje_ponderado(CRITERIOS_POR_DEFECTO, mixtos) == pytest.approx(100 - 25 - 10 * 2 / 3, abs=0.01)
    with pytest.raises(DatosInvalidos, match="Madurez técnica: el puntaje 4"):
        puntaje_ponderado(CRITERIOS_POR_DEFECTO, {**todos_tres, "madurez": 4})


def test_sugerir_puntaje_de_brecha_por_cuartil():
    valores = [10, 20, 30, 40, 50, 60, 70, 80]
    assert [sugerir_puntaje_brecha(v, valores) for v in (10, 30, 50, 80)] == [0, 1, 2, 3]
    assert sugerir_puntaje_brecha(None, valores) is None


def test_similitud_ignora_tildes_y_palabras_vacias():
    assert similitud("Losa deportiva en Cashapampa", "LOSA DEPORTIVA DE CASHAPAMPA") == 1
    assert similitud("Agua potable para Huata", "Losa deportiva") == 0


@pytest.mark.parametrize("centimos, texto", [(None, ""), (0, ""), (80_000, "S/ 800"), (35_000_000, "S/ 350 mil"),
                                             (120_000_000, "S/ 1.2 M")])
def test_soles_cortos_para_los_mapas(centimos, texto):
    from nucleo.formato import formatear_soles_corto

    assert formatear_soles_corto(centimos) == texto


# --- campos de una línea ------------------------------------------------------------------------

SALTOS = {"salto": "\n", "crlf": "\r\n", "retorno": "\r", "tabulacion": "\t", "vertical": "\v", "pagina": "\f",
          "nel": "\x85", "separador_de_linea": "\u2028", "separador_de_parrafo": "\u2029", "separador_de_archivo": "\x1c",
          "varios": " \n\t\u2028 "}


@pytest.mark.parametrize("salto", SALTOS.values(), ids=SALTOS.keys())
def test_campos_de_una_linea_quedan_en_una_linea(salto):
    from propuestas.modelo import UNA_LINEA

    datos = {**DATOS_JOVEN, "titulo": f"Losa deportiva{salto}para{salto}Cashapampa{salto}",
             "proponente_nombre": f"Rosa{salto}Huamán", "proponente_tipo": "organizacion",
             "organizacion": f"Club{salto}Juvenil", "servicio_publico": f"Deporte{salto}y recreación",
             "problema": "Los jóvenes no tienen dónde jugar.\nLos niños juegan en la carretera."}
    limpio = validar_formulario(datos, ejes=("Eje",), consentimiento_previo=False)
    assert limpio["titulo"] == "Losa deportiva para Cashapampa"
    assert limpio["proponente_nombre"] == "Rosa Huamán" and limpio["organizacion"] == "Club Juvenil"
    assert all(c.isprintable() for campo in UNA_LINEA if limpio.get(campo) for c in limpio[campo])
    assert "\n" in limpio["problema"]  # los textos largos conservan sus párrafos


def test_nombre_de_participante_y_de_proceso_en_una_linea():
    import dataclasses

    from identidad import participantes

    limpio = participantes.validar_participante({"nombre": "Rosa\u2028Huamán\r\nTorres", "tipo": "organizacion",
                                                 "organizacion": "Junta\nvecinal", "consentimiento": True})
    assert (limpio["nombre"], limpio["organizacion"]) == ("Rosa Huamán Torres", "Junta vecinal")
    proceso = validar_proceso(dataclasses.replace(proceso_sugerido("0212", dt.date(2026, 12, 1)),
                                                  nombre="Presupuesto\nParticipativo 2027",
                                                  ejes=("Agua\ny saneamiento",)))
    assert (proceso.nombre, proceso.ejes) == ("Presupuesto Participativo 2027", ("Agua y saneamiento",))
