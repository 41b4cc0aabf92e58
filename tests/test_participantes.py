"""Rectificar los datos de un participante: con motivo, la misma validación que al registrar, permisos en el
servidor, un evento con antes y después (sin datos personales en claro) y sin borrar nada."""
import json

import pytest

from identidad import participantes
from identidad.acceso import PUBLICO, Actor, Rol, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos, NoEncontrada
from propuestas import datos_personales, deliberacion
from tests.conftest import ADMIN, AHORA, EVALUADORA, FACILITADORA, HOY_REGISTRO, registrar_propuesta

ROSA = {"nombre": "Rosa Huamán", "tipo": "organizacion", "organizacion": "Comité de regantes", "ubigeo": "021201",
        "dni": "12345678", "telefono": "987654321", "consentimiento": True}
MOTIVO = "Se registró con la organización de otra persona."


@pytest.fixture
def rosa(db_proceso):
    participante_id, _ = participantes.registrar_participante(db_proceso, 1, ROSA, actor=FACILITADORA, ahora=AHORA)
    return db_proceso, participante_id


def _fila(db, participante_id) -> dict:
    return dict(next(db["participantes"].rows_where("id = ?", [participante_id])))


def test_rectificar_corrige_solo_lo_pedido_y_lo_anota_con_antes_y_despues(rosa):
    db, pid = rosa
    corregida = participantes.rectificar_participante(
        db, pid, {"organizacion": " Club de madres  ", "telefono": "912 345 678", "nombre": "Rosa Huamán Flores"},
        motivo=MOTIVO, actor=FACILITADORA, ahora=HOY_REGISTRO)
    fila = _fila(db, pid)
    assert corregida == fila
    assert (fila["nombre"], fila["organizacion"], fila["telefono"], fila["dni"], fila["tipo"], fila["ubigeo"]) == (
        "Rosa Huamán Flores", "Club de madres", "912345678", "12345678", "organizacion", "021201")
    assert fila["consentimiento_en"] and fila["registrado_en"]  # la misma persona: nada se borra ni se recrea
    evento = listar_eventos(db, objeto_tipo="participante", limite=1)[0]
    assert (evento["accion"], evento["actor"], evento["objeto_id"]) == ("rectificar_participante",
                                                                        "facilitador:facilitadora", str(pid))
    assert evento["antes"] == {"organizacion": "Comité de regantes", "telefono": "•" * 7 + "21", "nombre": "•" * 9 + "án"}
    assert evento["despues"] == {"organizacion": "Club de madres", "telefono": "•" * 7 + "78",
                                 "nombre": "•" * 16 + "es", "motivo": MOTIVO}
    eventos = json.dumps(listar_eventos(db), ensure_ascii=False)
    assert "912345678" not in eventos and "Rosa Huamán Flores" not in eventos and "12345678" not in eventos


def test_tras_rectificar_y_borrar_sus_datos_no_queda_su_nombre(rosa):
    db, pid = rosa
    participantes.rectificar_participante(db, pid, {"nombre": "Rosa Huamán Flores"}, motivo=MOTIVO, actor=ADMIN,
                                          ahora=HOY_REGISTRO)
    datos_personales.borrar_datos_personales(db, pid, actor=ADMIN, ahora=HOY_REGISTRO)
    volcado = "\n".join(db.conn.iterdump())
    assert "Rosa Huamán" not in volcado and "987654321" not in volcado


PARTICIPANTE = Actor(Rol.PARTICIPANTE, "participante 1", participante_id=1)


@pytest.mark.parametrize("cambios, motivo, actor, error, campos", [
    ({"organizacion": "Club de madres"}, "", FACILITADORA, DatosInvalidos, {"motivo"}),
    ({"organizacion": "Club de madres"}, "x" * 2001, FACILITADORA, DatosInvalidos, {"motivo"}),
    ({"dni": "1234", "telefono": "12"}, MOTIVO, FACILITADORA, DatosInvalidos, {"dni", "telefono"}),
    ({"organizacion": ""}, MOTIVO, FACILITADORA, DatosInvalidos, {"organizacion"}),  # tipo organización sin ella
    ({"nombre": "R"}, "", FACILITADORA, DatosInvalidos, {"nombre", "motivo"}),  # todos los problemas a la vez
    ({"tipo": "alcalde"}, MOTIVO, FACILITADORA, DatosInvalidos, {"tipo"}),
    ({"proceso_id": 2}, MOTIVO, FACILITADORA, DatosInvalidos, {"proceso_id"}),
    ({"organizacion": "Comité de regantes", "dni": "1234 5678"}, MOTIVO, FACILITADORA, DatosInvalidos, {"cambios"}),
    ({"organizacion": "Club de madres"}, MOTIVO, EVALUADORA, SinPermiso, None),
    ({"organizacion": "Club de madres"}, MOTIVO, PARTICIPANTE, SinPermiso, None),
    ({"organizacion": "Club de madres"}, MOTIVO, PUBLICO, SinPermiso, None),
], ids=["sin-motivo", "motivo-largo", "dni-y-celular-invalidos", "organizacion-vacia", "varios-problemas",
        "tipo-desconocido", "campo-que-no-se-corrige", "sin-cambios", "equipo-tecnico", "participante", "publico"])
def test_rectificar_invalido_o_sin_permiso_no_cambia_nada(rosa, cambios, motivo, actor, error, campos):
    db, pid = rosa
    antes = list(db.conn.iterdump())
    with pytest.raises(error) as excepcion:
        participantes.rectificar_participante(db, pid, cambios, motivo=motivo, actor=actor, ahora=HOY_REGISTRO)
    if campos:
        assert {p.campo for p in excepcion.value.problemas} == campos
    assert list(db.conn.iterdump()) == antes


def test_no_se_rectifica_a_quien_no_existe_ni_a_quien_borro_sus_datos(rosa):
    db, pid = rosa
    with pytest.raises(NoEncontrada):
        participantes.rectificar_participante(db, 99, {"organizacion": "Club"}, motivo=MOTIVO, actor=ADMIN,
                                              ahora=HOY_REGISTRO)
    datos_personales.borrar_datos_personales(db, pid, actor=ADMIN, ahora=HOY_REGISTRO)
    antes = list(db.conn.iterdump())
    with pytest.raises(DatosInvalidos, match="se borraron"):
        participantes.rectificar_participante(db, pid, {"nombre": "Rosa"}, motivo=MOTIVO, actor=ADMIN,
                                              ahora=HOY_REGISTRO)
    assert list(db.conn.iterdump()) == antes


def test_la_organizacion_corregida_se_ve_junto_a_sus_argumentos(rosa):
    db, pid = rosa
    codigo = registrar_propuesta(db).codigo
    autora = Actor(Rol.PARTICIPANTE, f"participante {pid}", participante_id=pid)
    deliberacion.argumentar(db, codigo, "Hace falta: los niños juegan en la pista.", "a_favor", actor=autora,
                            ahora=HOY_REGISTRO)
    assert deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO).hilo[0].autor == \
        "Rosa H. · Comité de regantes"
    participantes.rectificar_participante(db, pid, {"tipo": "joven", "organizacion": ""}, motivo=MOTIVO,
                                          actor=FACILITADORA, ahora=HOY_REGISTRO)
    assert deliberacion.deliberacion(db, codigo, actor=PUBLICO, ahora=HOY_REGISTRO).hilo[0].autor == "Rosa H."
