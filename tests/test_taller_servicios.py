"""Taller en vivo en la base: unirse por el QR, contadores del proyector, asistencia por organización y
distrito, registro en el momento y cuenta regresiva."""
from __future__ import annotations

import datetime as dt

import pytest

from identidad import participantes
from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, participante
from tests.conftest import FACILITADORA, filas
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta, VotacionCerrada, VotacionInvalida


@pytest.fixture
def base(db_viables):
    return db_viables


def test_unirse_cuenta_una_vez_por_persona_y_queda_en_el_registro(base):
    db, _ = base
    creada = crear(db)
    rosa = participante(db)
    assert votacion.unirse(db, creada.id, actor=rosa, ahora=AHORA_VOTO) is True
    assert votacion.unirse(db, creada.id, actor=rosa, ahora=AHORA_VOTO + SEGUNDO) is False  # recargó la página
    assert votacion.en_vivo(db, creada.id)["unidos"] == 1
    eventos = [e for e in listar_eventos(db) if e["accion"] == "unirse_al_taller"]
    assert len(eventos) == 1
    with pytest.raises(SinPermiso):
        votacion.unirse(db, creada.id, actor=PUBLICO, ahora=AHORA_VOTO)
    with pytest.raises(Exception, match="no se borran"):
        db.execute("DELETE FROM presencias")


def test_contadores_del_proyector_por_canal_y_distrito_sin_contar_reemplazos(base):
    db, codigos = base
    creada = crear(db)
    rosa, juan, ana = (participante(db, n, u) for n, u in (("Rosa Huamán", "021201"), ("Juan Quispe", "021201"),
                                                           ("Ana Flores", "021205")))
    for persona in (rosa, juan, ana):
        votacion.unirse(db, creada.id, actor=persona, ahora=AHORA_VOTO)
    votacion.emitir(db, creada.id, Papeleta((codigos[0],)), actor=rosa, ahora=AHORA_VOTO)
    votacion.emitir(db, creada.id, Papeleta((codigos[1],)), actor=rosa, ahora=AHORA_VOTO + SEGUNDO)  # cambió
    votacion.emitir(db, creada.id, Papeleta((codigos[1],)), actor=ana, ahora=AHORA_VOTO + SEGUNDO)
    votacion.digitar_papel(db, creada.id, "1, 2", actor=FACILITADORA, ahora=AHORA_VOTO + 2 * SEGUNDO)
    vivo = votacion.en_vivo(db, creada.id)
    assert (vivo["unidos"], vivo["papeletas"], vivo["celular"], vivo["papel"]) == (3, 3, 2, 1)
    assert vivo["por_distrito"]["021201"] == {"unidos": 2, "papeletas": 1}
    assert vivo["por_distrito"]["021205"] == {"unidos": 1, "papeletas": 1}
    assert vivo["por_distrito"][""] == {"unidos": 0, "papeletas": 1}  # la de papel no tiene distrito


def test_asistencia_por_organizacion_y_distrito_solo_para_la_facilitacion(base):
    db, codigos = base
    creada = crear(db)
    proceso_id = creada.proceso_id
    datos = {"nombre": "Lucía Ramos", "tipo": "organizacion", "organizacion": "Comedor Popular Santa Rosa",
             "ubigeo": "021201", "consentimiento": True}
    lucia_id, _ = participantes.registrar_participante(db, proceso_id, datos, actor=FACILITADORA, ahora=AHORA_VOTO)
    votacion.registrar_asistencia(db, creada.id, lucia_id, actor=FACILITADORA, ahora=AHORA_VOTO)
    rosa = participante(db, ubigeo="021205")
    votacion.unirse(db, creada.id, actor=rosa, ahora=AHORA_VOTO)
    votacion.emitir(db, creada.id, Papeleta((codigos[0],)), actor=rosa, ahora=AHORA_VOTO)
    resumen = votacion.asistencia_del_taller(db, creada.id, actor=FACILITADORA)
    assert (resumen["personas"], resumen["votaron"]) == (2, 1)
    assert resumen["por_organizacion"] == {"(jóvenes sin organización)": {"personas": 1, "votaron": 1},
                                           "Comedor Popular Santa Rosa": {"personas": 1, "votaron": 0}}
    assert set(resumen["por_distrito"]) == {"Caraz", "Mato"}
    with pytest.raises(SinPermiso):
        votacion.asistencia_del_taller(db, creada.id, actor=rosa)


def test_registro_en_el_momento_da_codigo_y_asistencia_o_nada(base):
    db, codigos = base
    creada = crear(db, quien_vota="asistentes")
    datos = {"nombre": "Pedro Sánchez", "tipo": "ciudadano", "ubigeo": "021203", "consentimiento": True}
    pid, codigo = votacion.registrar_en_el_taller(db, creada.id, datos, actor=FACILITADORA, ahora=AHORA_VOTO)
    sesion = participantes.entrar_con_codigo(db, codigo, origen="prueba", ahora=AHORA_VOTO)
    assert sesion.actor.participante_id == pid
    votacion.emitir(db, creada.id, Papeleta((codigos[0],)), actor=sesion.actor, ahora=AHORA_VOTO)  # está en la asistencia
    antes = (filas(db, "participantes"), filas(db, "asistencias"))
    with pytest.raises(DatosInvalidos, match="consentimiento"):
        votacion.registrar_en_el_taller(db, creada.id, {**datos, "consentimiento": False}, actor=FACILITADORA,
                                        ahora=AHORA_VOTO)
    with pytest.raises(SinPermiso):
        votacion.registrar_en_el_taller(db, creada.id, datos, actor=sesion.actor, ahora=AHORA_VOTO)
    votacion.cambiar_estado(db, creada.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO)
    with pytest.raises(VotacionCerrada):
        votacion.registrar_en_el_taller(db, creada.id, datos, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert (filas(db, "participantes"), filas(db, "asistencias")) == antes


def test_cuenta_regresiva(base):
    db, _ = base
    creada = crear(db)
    assert votacion.segundos_restantes(creada, AHORA_VOTO) is None
    votacion.iniciar_cuenta_regresiva(db, creada.id, 5, actor=FACILITADORA, ahora=AHORA_VOTO)
    actual = votacion.obtener(db, creada.id)
    assert votacion.segundos_restantes(actual, AHORA_VOTO + dt.timedelta(seconds=61)) == 239
    assert votacion.segundos_restantes(actual, AHORA_VOTO + dt.timedelta(minutes=9)) == 0
    assert actual.estado == EstadoVotacion.ABIERTA  # solo se muestra: no cierra la votación
    for malo in (0, 181, "5"):
        with pytest.raises(VotacionInvalida, match="de 1 a 180 minutos"):
            votacion.iniciar_cuenta_regresiva(db, creada.id, malo, actor=FACILITADORA, ahora=AHORA_VOTO)
    with pytest.raises(SinPermiso):
        votacion.iniciar_cuenta_regresiva(db, creada.id, 5, actor=PUBLICO, ahora=AHORA_VOTO)
    votacion.detener_cuenta_regresiva(db, creada.id, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert votacion.obtener(db, creada.id).cuenta_hasta is None
    assert sum(e["accion"] == "cuenta_regresiva" for e in listar_eventos(db)) == 2
