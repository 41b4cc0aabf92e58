"""Deliberación: argumentos, apoyos, reportes, moderación, fusión, síntesis, cierre y resumen."""
import datetime as dt

import pytest

from identidad import participantes
from identidad.acceso import PUBLICO, Actor, Rol, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos, NoEncontrada
from propuestas import deliberacion, servicios
from propuestas.deliberacion.modelo import (
    Argumento,
    Postura,
    destacados,
    equilibrio,
    espera_para_publicar,
    hay_desacuerdo,
    validar_argumento,
)
from propuestas.modelo import Estado
from tests.conftest import (
    ADMIN,
    DATOS_JOVEN,
    EVALUADORA,
    FACILITADORA,
    HOY_EVALUACION,
    HOY_REGISTRO,
    filas,
    registrar_propuesta,
)

MINUTO = dt.timedelta(minutes=1)


def participante(db, nombre="Rosa Huamán Torres", ubigeo="021201", **extra):
    proceso = servicios.proceso_actual(db)
    datos = {"nombre": nombre, "tipo": "joven", "ubigeo": ubigeo, "consentimiento": True, **extra}
    participante_id, _ = participantes.registrar_participante(db, proceso.id, datos, actor=FACILITADORA,
                                                              ahora=HOY_REGISTRO)
    return Actor(Rol.PARTICIPANTE, f"participante {participante_id}", participante_id=participante_id)


@pytest.fixture
def debate(db_proceso):
    propuesta = registrar_propuesta(db_proceso)
    return db_proceso, propuesta.codigo, participante(db_proceso), participante(db_proceso, "Juan Pérez", "021202")


# --- modelo puro ----------------------------------------------------------------------------

@pytest.mark.parametrize("texto, problema", [
    ("", "Escriba su argumento"), ("  \n ", "Escriba su argumento"), ("ok", "tiene 2 caracteres"),
    ("x" * 20_000, "20,000 caracteres; el máximo es 3,000"),
], ids=["vacio", "espacios", "corto", "veinte_mil"])
def test_argumento_invalido_dice_por_que(texto, problema):
    with pytest.raises(DatosInvalidos) as error:
        validar_argumento(texto, "a_favor")
    assert problema in str(error.value)


def test_postura_desconocida_y_texto_vacio_juntos():
    with pytest.raises(DatosInvalidos) as error:
        validar_argumento("", "quizas")
    assert {p.campo for p in error.value.problemas} == {"texto", "postura"}


def test_espera_para_publicar_cuenta_la_ventana():
    ahora = HOY_REGISTRO
    assert espera_para_publicar([ahora - dt.timedelta(seconds=s) for s in (1, 2, 3, 4)], ahora) == 0
    espera = espera_para_publicar([ahora - dt.timedelta(seconds=s) for s in (1, 2, 3, 4, 50)], ahora)
    assert espera == 11  # el de hace 50 s sale de la ventana de 60 s en 10 s (+1)
    hora = [ahora - dt.timedelta(minutes=m + 2) for m in range(40)]
    assert espera_para_publicar(hora, ahora) > 60


def test_destacados_por_apoyos_sin_ocultos_ni_respuestas():
    def arg(id_, postura, apoyos, padre=None, oculto=None):
        return Argumento(id_, "P", padre, postura, "t", "a", f"2026-12-0{id_}", apoyos=apoyos, oculto_en=oculto)
    lista = [arg(1, Postura.A_FAVOR, 1), arg(2, Postura.A_FAVOR, 5), arg(3, Postura.A_FAVOR, 9, oculto="x"),
             arg(4, Postura.EN_CONTRA, 2), arg(5, Postura.A_FAVOR, 7, padre=1)]
    assert [a.id for a in destacados(lista, Postura.A_FAVOR)] == [2, 1]
    assert [a.id for a in destacados(lista, Postura.EN_CONTRA)] == [4]


@pytest.mark.parametrize("a_favor, en_contra, esperado", [(0, 0, False), (5, 1, False), (2, 2, True), (6, 3, True),
                                                          (7, 3, False)], ids=str)
def test_desacuerdo_fuerte(a_favor, en_contra, esperado):
    assert hay_desacuerdo(a_favor, en_contra) is esperado
    assert 0 <= equilibrio(a_favor, en_contra) <= 1


# --- argumentar -----------------------------------------------------------------------------

def test_dos_participantes_argumentan_y_el_hilo_tiene_dos_niveles(debate):
    db, codigo, rosa, juan = debate
    a = deliberacion.argumentar(db, codigo, "Hace falta: los niños juegan en la pista.", "a_favor", actor=rosa,
                                ahora=HOY_REGISTRO)
    b = deliberacion.argumentar(db, codigo, "Ya hay una losa a 2 km.", "en_contra", actor=juan, ahora=HOY_REGISTRO)
    deliberacion.argumentar(db, codigo, "Esa losa está en ruinas.", "a_favor", actor=rosa, ahora=HOY_REGISTRO,
                            responde_a=b)
    vista = deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO)
    assert [x.id for x in vista.hilo] == [a, b]
    assert [x.texto for x in vista.hilo[1].respuestas] == ["Esa losa está en ruinas."]
    assert vista.por_postura == {Postura.A_FAVOR: 2, Postura.EN_CONTRA: 1, Postura.OBSERVACION: 0}
    assert vista.hilo[0].autor == "Rosa H."
    assert not vista.puede_argumentar and "código de acceso" in vista.puede_argumentar.motivo


def test_responder_a_una_respuesta_no_se_permite(debate):
    db, codigo, rosa, juan = debate
    a = deliberacion.argumentar(db, codigo, "Principal", "a_favor", actor=rosa, ahora=HOY_REGISTRO)
    r = deliberacion.argumentar(db, codigo, "Respuesta", "en_contra", actor=juan, ahora=HOY_REGISTRO, responde_a=a)
    antes = filas(db, "argumentos")
    with pytest.raises(deliberacion.NoPermitido, match="dos niveles"):
        deliberacion.argumentar(db, codigo, "Tercer nivel", "a_favor", actor=rosa, ahora=HOY_REGISTRO, responde_a=r)
    assert filas(db, "argumentos") == antes


def test_responder_a_argumento_oculto_no_se_permite(debate):
    db, codigo, rosa, juan = debate
    a = deliberacion.argumentar(db, codigo, "Son unos ladrones todos", "en_contra", actor=juan, ahora=HOY_REGISTRO)
    deliberacion.ocultar(db, "argumento", a, "Insulta a las autoridades", actor=FACILITADORA, ahora=HOY_REGISTRO)
    with pytest.raises(deliberacion.NoPermitido, match="ocultado por moderación"):
        deliberacion.argumentar(db, codigo, "Respondo", "a_favor", actor=rosa, ahora=HOY_REGISTRO, responde_a=a)


def test_html_y_markdown_se_guardan_tal_cual(debate):
    db, codigo, rosa, _ = debate
    texto = "<script>alert(1)</script> **negrita** [enlace](javascript:x)"
    deliberacion.argumentar(db, codigo, texto, "observacion", actor=rosa, ahora=HOY_REGISTRO)
    vista = deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO)
    assert vista.hilo[0].texto == texto  # se escapa al mostrar, no se altera al guardar


def test_rafaga_de_mensajes_se_frena_con_mensaje_claro(debate):
    db, codigo, rosa, juan = debate
    for i in range(5):
        deliberacion.argumentar(db, codigo, f"Argumento número {i}", "a_favor", actor=rosa,
                                ahora=HOY_REGISTRO + dt.timedelta(seconds=i))
    with pytest.raises(deliberacion.DemasiadosMensajes, match=r"espere \d+ segundos"):
        deliberacion.argumentar(db, codigo, "Uno más", "a_favor", actor=rosa, ahora=HOY_REGISTRO + dt.timedelta(seconds=10))
    # otra persona no queda frenada, y la misma puede seguir pasado el minuto
    deliberacion.argumentar(db, codigo, "Yo sí puedo", "en_contra", actor=juan, ahora=HOY_REGISTRO + dt.timedelta(seconds=10))
    deliberacion.argumentar(db, codigo, "Uno más", "a_favor", actor=rosa, ahora=HOY_REGISTRO + 2 * MINUTO)
    assert filas(db, "argumentos") == 7


def test_fuera_de_fase_dice_hasta_cuando(debate):
    db, codigo, rosa, _ = debate
    priorizacion = dt.datetime(2027, 2, 12, 15, tzinfo=dt.timezone.utc)
    with pytest.raises(deliberacion.NoPermitido, match="Priorización en taller.*ya no habrá"):
        deliberacion.argumentar(db, codigo, "Tarde", "a_favor", actor=rosa, ahora=priorizacion)
    # en evaluación técnica se puede argumentar pero no apoyar
    deliberacion.argumentar(db, codigo, "Aún a tiempo", "a_favor", actor=rosa, ahora=HOY_EVALUACION)
    with pytest.raises(deliberacion.NoPermitido, match="No se pueden apoyar propuestas"):
        deliberacion.apoyar(db, codigo, actor=rosa, ahora=HOY_EVALUACION)


@pytest.mark.parametrize("actor", [PUBLICO, EVALUADORA], ids=["publico", "evaluadora"])
def test_sin_rol_no_apoya(debate, actor):
    db, codigo, *_ = debate
    with pytest.raises(SinPermiso):
        deliberacion.apoyar(db, codigo, actor=actor, ahora=HOY_REGISTRO)
    assert filas(db, "apoyos") == 0


def test_publico_no_argumenta(debate):
    db, codigo, *_ = debate
    with pytest.raises(SinPermiso):
        deliberacion.argumentar(db, codigo, "Anónimo", "a_favor", actor=PUBLICO, ahora=HOY_REGISTRO)


# --- apoyos ---------------------------------------------------------------------------------

def test_apoyar_dos_veces_es_idempotente_y_se_puede_retirar(debate):
    db, codigo, rosa, juan = debate
    assert deliberacion.apoyar(db, codigo, actor=rosa, ahora=HOY_REGISTRO) is True
    assert deliberacion.apoyar(db, codigo, actor=rosa, ahora=HOY_REGISTRO) is False
    deliberacion.apoyar(db, codigo, actor=juan, ahora=HOY_REGISTRO)
    assert deliberacion.deliberacion(db, codigo, actor=rosa, ahora=HOY_REGISTRO).apoyos == 2
    assert deliberacion.retirar_apoyo(db, codigo, actor=rosa, ahora=HOY_REGISTRO) is True
    vista = deliberacion.deliberacion(db, codigo, actor=rosa, ahora=HOY_REGISTRO)
    assert (vista.apoyos, vista.apoyada_por_mi) == (1, False)
    deliberacion.apoyar(db, codigo, actor=rosa, ahora=HOY_REGISTRO + MINUTO)
    assert filas(db, "apoyos") == 2  # una fila por persona: se reactiva, no se duplica
    acciones = [e["accion"] for e in listar_eventos(db) if e["objeto_tipo"] == "propuesta"]
    assert acciones.count("apoyar_propuesta") == 3 and acciones.count("retirar_apoyo_propuesta") == 1


def test_argumentos_mas_apoyados_van_primero(debate):
    db, codigo, rosa, juan = debate
    ana = participante(db, "Ana Luz Ramos")
    a = deliberacion.argumentar(db, codigo, "Primer argumento", "a_favor", actor=rosa, ahora=HOY_REGISTRO)
    b = deliberacion.argumentar(db, codigo, "Segundo argumento", "a_favor", actor=ana, ahora=HOY_REGISTRO)
    deliberacion.apoyar_argumento(db, b, actor=juan, ahora=HOY_REGISTRO)
    deliberacion.apoyar_argumento(db, b, actor=rosa, ahora=HOY_REGISTRO)
    with pytest.raises(deliberacion.NoPermitido, match="propio"):
        deliberacion.apoyar_argumento(db, a, actor=rosa, ahora=HOY_REGISTRO)
    vista = deliberacion.deliberacion(db, codigo, actor=juan, ahora=HOY_REGISTRO)
    assert [x.id for x in vista.destacados[Postura.A_FAVOR]] == [b, a]
    assert vista.hilo[1].apoyado_por_mi and vista.hilo[1].apoyos == 2


def test_participante_de_otro_proceso_no_apoya(debate):
    db, codigo, *_ = debate
    otro = servicios.proceso_sugerido("0212", dt.date(2027, 12, 1))
    otro = servicios.crear_proceso(db, otro, actor=ADMIN, ahora=HOY_REGISTRO)
    pid, _ = participantes.registrar_participante(db, otro.id, {"nombre": "Otra Persona", "tipo": "joven",
                                                               "consentimiento": True},
                                                  actor=FACILITADORA, ahora=HOY_REGISTRO)
    with pytest.raises(deliberacion.NoPermitido, match="otro proceso"):
        deliberacion.apoyar(db, codigo, actor=Actor(Rol.PARTICIPANTE, "x", participante_id=pid), ahora=HOY_REGISTRO)


# --- moderación -----------------------------------------------------------------------------

def test_reportar_ocultar_y_quien_ve_que(debate):
    db, codigo, rosa, juan = debate
    a = deliberacion.argumentar(db, codigo, "Eres un ignorante", "en_contra", actor=juan, ahora=HOY_REGISTRO)
    assert deliberacion.reportar(db, "argumento", a, "ofensivo", actor=rosa, origen="x", ahora=HOY_REGISTRO)
    assert not deliberacion.reportar(db, "argumento", a, "ofensivo", actor=rosa, origen="x", ahora=HOY_REGISTRO)
    assert deliberacion.reportar(db, "argumento", a, "otro", "Me insulta", actor=PUBLICO, origen="ip:1",
                                 ahora=HOY_REGISTRO)
    pendientes, _ = deliberacion.cola_de_moderacion(db, servicios.proceso_actual(db).id, actor=FACILITADORA)
    assert [(p.objeto_id, p.reportes) for p in pendientes] == [(a, 2)]
    with pytest.raises(SinPermiso):
        deliberacion.ocultar(db, "argumento", a, "Insulto personal", actor=rosa, ahora=HOY_REGISTRO)
    deliberacion.ocultar(db, "argumento", a, "Insulto personal", actor=FACILITADORA, ahora=HOY_REGISTRO)
    publico = deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO).hilo[0]
    assert (publico.texto, publico.oculto_motivo) == (None, "Insulto personal")
    assert deliberacion.deliberacion(db, codigo, actor=juan, ahora=HOY_REGISTRO).hilo[0].texto == "Eres un ignorante"
    assert deliberacion.deliberacion(db, codigo, actor=FACILITADORA, ahora=HOY_REGISTRO).hilo[0].texto
    assert deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO).por_postura[Postura.EN_CONTRA] == 0
    pendientes, ocultos = deliberacion.cola_de_moderacion(db, servicios.proceso_actual(db).id, actor=FACILITADORA)
    assert pendientes == [] and [o["objeto_id"] for o in ocultos] == [a]
    assert filas(db, "argumentos") == 1 and filas(db, "reportes") == 2  # nada se borró
    deliberacion.restablecer(db, "argumento", a, "Revisado en asamblea", actor=FACILITADORA, ahora=HOY_REGISTRO)
    assert deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO).hilo[0].texto
    assert [m["accion"] for m in db["moderaciones"].rows] == ["ocultar", "restablecer"]


def test_ocultar_requiere_motivo_y_no_cambia_nada(debate):
    db, codigo, rosa, _ = debate
    a = deliberacion.argumentar(db, codigo, "Texto normal", "a_favor", actor=rosa, ahora=HOY_REGISTRO)
    with pytest.raises(DatosInvalidos, match="motivo"):
        deliberacion.ocultar(db, "argumento", a, " ", actor=FACILITADORA, ahora=HOY_REGISTRO)
    assert db["argumentos"].get(a)["oculto_en"] is None and filas(db, "moderaciones") == 0


def test_reportes_de_un_mismo_origen_se_limitan(debate):
    db, codigo, rosa, _ = debate
    ids = [deliberacion.argumentar(db, codigo, f"Argumento {i}", "a_favor", actor=rosa,
                                   ahora=HOY_REGISTRO + i * MINUTO) for i in range(11)]
    for i in ids[:10]:
        deliberacion.reportar(db, "argumento", i, "spam", actor=PUBLICO, origen="ip:9", ahora=HOY_REGISTRO)
    with pytest.raises(deliberacion.DemasiadosMensajes, match="10 reportes"):
        deliberacion.reportar(db, "argumento", ids[10], "spam", actor=PUBLICO, origen="ip:9", ahora=HOY_REGISTRO)


def test_propuesta_oculta_el_publico_ve_solo_el_motivo(debate):
    db, codigo, rosa, _ = debate
    propuesta = servicios.obtener(db, codigo, actor=PUBLICO).propuesta
    deliberacion.ocultar(db, "propuesta", propuesta.id, "Contiene datos personales de terceros",
                         actor=FACILITADORA, ahora=HOY_REGISTRO)
    publica = servicios.obtener(db, codigo, actor=PUBLICO).propuesta
    assert publica.titulo == "" and publica.oculta_motivo == "Contiene datos personales de terceros"
    assert servicios.obtener(db, codigo, actor=FACILITADORA).propuesta.titulo == DATOS_JOVEN["titulo"]
    assert servicios.buscar(db, propuesta.proceso_id) == []
    with pytest.raises(deliberacion.NoPermitido, match="ocultada"):
        deliberacion.argumentar(db, codigo, "Algo", "a_favor", actor=rosa, ahora=HOY_REGISTRO)


# --- fusión, síntesis, cierre ---------------------------------------------------------------

def test_fusion_suma_apoyos_distintos_y_argumentos(debate):
    db, codigo, rosa, juan = debate
    duplicada = registrar_propuesta(db, {**DATOS_JOVEN, "titulo": "Losa multiusos en Cashapampa"}).codigo
    deliberacion.apoyar(db, codigo, actor=rosa, ahora=HOY_REGISTRO)
    deliberacion.apoyar(db, duplicada, actor=rosa, ahora=HOY_REGISTRO)
    deliberacion.apoyar(db, duplicada, actor=juan, ahora=HOY_REGISTRO)
    a = deliberacion.argumentar(db, duplicada, "La necesitamos", "a_favor", actor=juan, ahora=HOY_REGISTRO)
    with pytest.raises(SinPermiso):
        deliberacion.fusionar(db, [duplicada], codigo, "Son la misma losa", actor=rosa, ahora=HOY_REGISTRO)
    deliberacion.fusionar(db, [duplicada], codigo, "Son la misma losa", actor=FACILITADORA, ahora=HOY_REGISTRO)
    vista = deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO)
    assert vista.apoyos == 2  # Rosa apoyó ambas: cuenta una vez
    assert [(x.id, x.propuesta) for x in vista.hilo] == [(a, duplicada)]
    assert servicios.obtener(db, codigo, actor=PUBLICO).fusionadas == [duplicada]
    assert servicios.obtener(db, duplicada, actor=PUBLICO).propuesta.estado == Estado.FUSIONADA
    # se puede responder desde la sobreviviente a un argumento que venía de la fusionada
    deliberacion.argumentar(db, codigo, "De acuerdo", "a_favor", actor=rosa, ahora=HOY_REGISTRO, responde_a=a)
    with pytest.raises(deliberacion.NoPermitido, match=f"continúe en {codigo}"):
        deliberacion.apoyar(db, duplicada, actor=rosa, ahora=HOY_REGISTRO)
    filas_lista = deliberacion.servicios.anotar_cuentas(db, vista_proceso(db), servicios.buscar(db, vista_proceso(db)))
    assert {f["codigo"]: (f["apoyos"], f["argumentos"]) for f in filas_lista}[codigo] == (2, 2)


def vista_proceso(db):
    return servicios.proceso_actual(db).id


def test_fusion_falla_entera_si_una_no_puede(debate):
    db, codigo, *_ = debate
    otra = registrar_propuesta(db).codigo
    antes = [dict(f) for f in db["propuestas"].rows]
    eventos = filas(db, "eventos")
    with pytest.raises(NoEncontrada, match="No existe la propuesta 'NO-EXISTE'"):
        deliberacion.fusionar(db, [otra, "NO-EXISTE"], codigo, "Duplicadas", actor=FACILITADORA, ahora=HOY_REGISTRO)
    assert [dict(f) for f in db["propuestas"].rows] == antes  # `otra` no quedó fusionada a medias
    assert filas(db, "eventos") == eventos


def test_sintesis_y_cierre_de_la_deliberacion(debate):
    db, codigo, rosa, _ = debate
    deliberacion.escribir_sintesis(db, codigo, "Primera versión de acuerdos", actor=FACILITADORA, ahora=HOY_REGISTRO)
    deliberacion.escribir_sintesis(db, codigo, "Acuerdo: se prioriza si hay terreno comunal.", actor=FACILITADORA,
                                   ahora=HOY_REGISTRO + MINUTO)
    deliberacion.cerrar_deliberacion(db, codigo, "Se cerró en el taller de Caraz", actor=FACILITADORA,
                                     ahora=HOY_REGISTRO)
    vista = deliberacion.deliberacion(db, codigo, actor=rosa, ahora=HOY_REGISTRO)
    assert vista.sintesis["texto"].startswith("Acuerdo:") and filas(db, "sintesis") == 2
    assert not vista.puede_argumentar and "taller de Caraz" in vista.puede_argumentar.motivo
    with pytest.raises(deliberacion.NoPermitido, match="cerró la deliberación"):
        deliberacion.argumentar(db, codigo, "Tarde", "a_favor", actor=rosa, ahora=HOY_REGISTRO)
    deliberacion.reabrir_deliberacion(db, codigo, "Faltó escuchar a Pamparomás", actor=FACILITADORA,
                                      ahora=HOY_REGISTRO)
    deliberacion.argumentar(db, codigo, "Ahora sí", "a_favor", actor=rosa, ahora=HOY_REGISTRO)


def test_no_se_puede_borrar_nada(debate):
    import sqlite3
    db, codigo, rosa, _ = debate
    deliberacion.argumentar(db, codigo, "Texto", "a_favor", actor=rosa, ahora=HOY_REGISTRO)
    deliberacion.apoyar(db, codigo, actor=rosa, ahora=HOY_REGISTRO)
    for tabla in ("argumentos", "apoyos"):
        with pytest.raises(sqlite3.IntegrityError, match="nada se borra"):
            db.execute(f"DELETE FROM {tabla}")


# --- resumen --------------------------------------------------------------------------------

def test_resumen_debatidas_desacuerdo_y_distritos(debate):
    db, codigo, rosa, juan = debate
    otra = registrar_propuesta(db, {**DATOS_JOVEN, "titulo": "Canal de riego en Huallanca", "lat": -8.82,
                                    "lon": -77.86}).codigo
    ana, luis = participante(db, "Ana Ramos", "021202"), participante(db, "Luis Soto", None)
    t = HOY_REGISTRO
    for i, (actor, postura) in enumerate([(rosa, "a_favor"), (juan, "en_contra"), (ana, "a_favor"),
                                          (luis, "en_contra"), (rosa, "observacion")]):
        deliberacion.argumentar(db, codigo, f"Argumento {i}", postura, actor=actor, ahora=t)
    deliberacion.argumentar(db, otra, "Bien", "a_favor", actor=ana, ahora=t)
    deliberacion.apoyar(db, otra, actor=juan, ahora=t)
    resumen = deliberacion.resumen(db, servicios.proceso_actual(db).id)
    assert [p["codigo"] for p in resumen.mas_debatidas] == [codigo, otra]
    assert [p["codigo"] for p in resumen.en_desacuerdo] == [codigo]
    caraz, huallanca = resumen.por_distrito["021201"], resumen.por_distrito["021202"]
    assert caraz["participantes"] == 1 and huallanca["participantes"] == 2  # Rosa; Juan y Ana
    assert resumen.por_distrito[""]["participantes"] == 1  # Luis no dio su distrito
    assert huallanca["argumentos"] == 1 and caraz["argumentos"] == 5
    assert caraz["participantes_por_mil"] == round(1000 / 27501, 3)
    assert resumen.totales == {"argumentos": 6, "apoyos": 1, "propuestas_con_debate": 2}


def test_la_historia_queda_en_eventos(debate):
    db, codigo, rosa, juan = debate
    a = deliberacion.argumentar(db, codigo, "A favor", "a_favor", actor=rosa, ahora=HOY_REGISTRO)
    deliberacion.apoyar(db, codigo, actor=juan, ahora=HOY_REGISTRO)
    deliberacion.reportar(db, "argumento", a, "spam", actor=juan, origen="x", ahora=HOY_REGISTRO)
    deliberacion.descartar_reportes(db, "argumento", a, "No es spam", actor=FACILITADORA, ahora=HOY_REGISTRO)
    acciones = [e["accion"] for e in reversed(listar_eventos(db))]
    assert acciones[-4:] == ["argumentar", "apoyar_propuesta", "reportar", "descartar_reportes"]
    assert db["reportes"].get(1)["resolucion"] == "descartado"
