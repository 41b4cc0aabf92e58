"""Del resultado al acta: el cierre prioriza lo financiado, reabrir lo devuelve a viable, el acta firmada lo pasa a
«en acta» (con su PDF y su SHA-256) y desde ahí la votación no se reabre."""
import datetime as dt
import hashlib
import sqlite3

import pytest

from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import listar_eventos
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Estado
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, participante, votar_muchos
from tests.conftest import ADMIN, EVALUADORA, FACILITADORA, filas
from votacion import exportar
from votacion import servicios as votacion
from votacion.acta import armar_acta
from votacion.modelo import EstadoVotacion, VotacionInvalida

MOTIVO = "Faltaban 3 papeletas de papel de la mesa de Mato sin contar"
FIRMA = AHORA_VOTO.date()


def _estados(db, codigos):
    return {c: propuestas_servicios.obtener(db, c, actor=ADMIN).propuesta.estado for c in codigos}


def _cerrada(db, codigos):
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy", lugar="Local comunal de Caraz")
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO + 60 * SEGUNDO)
    return abierta.id


def _historia(db, codigo):
    return [(t["desde"], t["hacia"], t["motivo"]) for t in
            propuestas_servicios.obtener(db, codigo, actor=ADMIN).historial]


def test_al_cerrar_las_financiadas_quedan_priorizadas_y_las_demas_viables(db_viables):
    db, codigos = db_viables
    votacion_id = _cerrada(db, codigos)
    financiadas = votacion.resultados(db, votacion_id, actor=PUBLICO).oficial.elegidos
    assert financiadas == [codigos[1], codigos[0]]
    estados = _estados(db, codigos)
    assert {c for c, e in estados.items() if e == Estado.PRIORIZADA} == set(financiadas)
    assert {c for c, e in estados.items() if e == Estado.VIABLE} == set(codigos) - set(financiadas)
    desde, hacia, motivo = _historia(db, codigos[1])[-1]
    assert (desde, hacia) == ("viable", "priorizada")
    assert f"(n.º {votacion_id}): puesto 1 de 2 con la regla greedy" in motivo
    assert "puesto 2 de 2" in _historia(db, codigos[0])[-1][2]
    cierre = next(e for e in listar_eventos(db, objeto_tipo="votacion") if e["accion"] == "votacion_cerrada")
    assert cierre["despues"]["priorizadas"] == financiadas and cierre["despues"]["sin_cambio"] == []
    # la lista priorizada que va al plan dice el estado real
    lista = exportar.lista_priorizada(db, propuestas_servicios.proceso_actual(db).id, votacion_id=votacion_id,
                                      actor=FACILITADORA)
    por_codigo = {f["codigo"]: f for f in lista.filas}
    assert [por_codigo[c]["estado"] for c in financiadas] == ["priorizada", "priorizada"]
    assert por_codigo[codigos[5]]["estado"] == "viable"


def test_reabrir_antes_del_acta_devuelve_a_viable_y_el_nuevo_cierre_prioriza_de_nuevo(db_viables):
    db, codigos = db_viables
    votacion_id = _cerrada(db, codigos)
    votacion.cambiar_estado(db, votacion_id, EstadoVotacion.CONTEO, actor=FACILITADORA,
                            ahora=AHORA_VOTO + 120 * SEGUNDO, motivo=MOTIVO)
    assert set(_estados(db, codigos).values()) == {Estado.VIABLE}
    desde, hacia, motivo = _historia(db, codigos[1])[-1]
    assert (desde, hacia) == ("priorizada", "viable") and MOTIVO in motivo and "Se reabrió la votación" in motivo
    assert [(f["deshecha_motivo"]) for f in db["priorizaciones"].rows] == [MOTIVO, MOTIVO]
    # el papel que faltaba cambia el resultado: el nuevo cierre prioriza lo que financia ahora
    votacion.digitar_papel(db, votacion_id, "N.º 1: 4, 6\nN.º 2: 4, 6\nN.º 3: 4, 6\nN.º 4: 4, 6\nN.º 5: 4, 6",
                           actor=FACILITADORA, ahora=AHORA_VOTO + 150 * SEGUNDO)
    votacion.cambiar_estado(db, votacion_id, EstadoVotacion.CERRADA, actor=FACILITADORA,
                            ahora=AHORA_VOTO + 180 * SEGUNDO)
    financiadas = votacion.resultados(db, votacion_id, actor=PUBLICO).oficial.elegidos
    assert {c for c, e in _estados(db, codigos).items() if e == Estado.PRIORIZADA} == set(financiadas)
    assert filas(db, "priorizaciones") == 2 + len(financiadas)  # las deshechas siguen ahí
    with pytest.raises(sqlite3.IntegrityError, match="solo se deshace"):
        db.execute("UPDATE priorizaciones SET deshecha_motivo = 'otra cosa' WHERE deshecha_en IS NOT NULL")
    with pytest.raises(sqlite3.IntegrityError, match="no se borran"):
        db.execute("DELETE FROM priorizaciones")


def test_el_acta_firmada_pasa_a_en_acta_guarda_su_pdf_y_cierra_la_puerta(db_viables):
    db, codigos = db_viables
    votacion_id = _cerrada(db, codigos)
    pdf_antes = armar_acta(db, votacion_id)
    acta = votacion.firmar_acta(db, votacion_id, firmada_el=FIRMA, lugar="  Local comunal   de Caraz ",
                                firmada=True, actor=FACILITADORA, ahora=AHORA_VOTO + 600 * SEGUNDO)
    assert acta["en_acta"] == [codigos[1], codigos[0]] and acta["lugar"] == "Local comunal de Caraz"
    guardado = votacion.pdf_del_acta_firmada(db, votacion_id, actor=PUBLICO)
    assert guardado == pdf_antes and acta["sha256"] == hashlib.sha256(guardado).hexdigest()
    estados = _estados(db, codigos)
    assert [estados[c] for c in (codigos[1], codigos[0])] == [Estado.EN_ACTA, Estado.EN_ACTA]
    desde, hacia, motivo = _historia(db, codigos[0])[-1]
    assert (desde, hacia) == ("priorizada", "en_acta") and acta["sha256"][:16] in motivo and "Caraz" in motivo
    evento = next(e for e in listar_eventos(db, objeto_tipo="votacion") if e["accion"] == "firmar_acta")
    assert evento["despues"]["sha256"] == acta["sha256"] and evento["actor"] == FACILITADORA.etiqueta
    # desde aquí no se reabre, no se firma dos veces, y el acta anotada no cambia ni se borra
    with pytest.raises(VotacionInvalida, match="ya no se reabre"):
        votacion.cambiar_estado(db, votacion_id, EstadoVotacion.CONTEO, actor=FACILITADORA,
                                ahora=AHORA_VOTO + 700 * SEGUNDO, motivo=MOTIVO)
    with pytest.raises(VotacionInvalida, match="ya se anotó como firmada"):
        votacion.firmar_acta(db, votacion_id, firmada_el=FIRMA, lugar="Otra vez", firmada=True, actor=FACILITADORA,
                             ahora=AHORA_VOTO + 800 * SEGUNDO)
    with pytest.raises(sqlite3.IntegrityError, match="no cambia"):
        db.execute("UPDATE actas_firmadas SET lugar = 'Huaraz'")
    with pytest.raises(sqlite3.IntegrityError, match="no se borra"):
        db.execute("DELETE FROM actas_firmadas")
    assert votacion.obtener(db, votacion_id).estado == EstadoVotacion.CERRADA


@pytest.mark.parametrize("cambios, campo, mensaje", [
    ({"firmada": False}, "firmada", "Marque que el acta impresa fue firmada"),
    ({"lugar": " a "}, "lugar", "de 3 a 200 caracteres; tiene 1"),
    ({"firmada_el": FIRMA + dt.timedelta(days=1)}, "firmada_el", "es posterior a hoy"),
    ({"firmada_el": FIRMA - dt.timedelta(days=1)}, "firmada_el", "es anterior al cierre"),
])
def test_firmar_con_datos_malos_dice_que_corregir_y_no_escribe_nada(db_viables, cambios, campo, mensaje):
    db, codigos = db_viables
    votacion_id = _cerrada(db, codigos)
    eventos = len(listar_eventos(db, limite=10_000))
    datos = {"firmada_el": FIRMA, "lugar": "Local comunal de Caraz", "firmada": True, **cambios}
    with pytest.raises(VotacionInvalida) as error:
        votacion.firmar_acta(db, votacion_id, **datos, actor=FACILITADORA, ahora=AHORA_VOTO + 600 * SEGUNDO)
    assert [p.campo for p in error.value.problemas] == [campo] and mensaje in error.value.problemas[0].mensaje
    assert filas(db, "actas_firmadas") == 0 and len(listar_eventos(db, limite=10_000)) == eventos
    assert Estado.EN_ACTA not in _estados(db, codigos).values()


def test_solo_se_firma_una_votacion_cerrada_y_solo_quien_gestiona_votaciones(db_viables):
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    with pytest.raises(VotacionInvalida, match="Primero haga el cierre definitivo"):
        votacion.firmar_acta(db, abierta.id, firmada_el=FIRMA, lugar="Caraz", firmada=True, actor=FACILITADORA,
                             ahora=AHORA_VOTO)
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO + SEGUNDO)
    for quien in (EVALUADORA, PUBLICO, participante(db, "Ana Soto")):
        with pytest.raises(SinPermiso):
            votacion.firmar_acta(db, abierta.id, firmada_el=FIRMA, lugar="Caraz", firmada=True, actor=quien,
                                 ahora=AHORA_VOTO + 2 * SEGUNDO)
    assert filas(db, "actas_firmadas") == 0
