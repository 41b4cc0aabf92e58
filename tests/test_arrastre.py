"""Las viables que no se financiaron siguen en el proceso siguiente: una propuesta nueva, registrada, enlazada a
su origen (y el origen a ella), todas o ninguna, solo mientras el proceso de destino está en registro."""
import dataclasses

import pytest

from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos
from propuestas import arrastre
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import AccionFueraDeFase, Estado
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, votar_muchos
from tests.conftest import ADMIN, EVALUADORA, FACILITADORA, filas
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion


@pytest.fixture
def dos_procesos(db_viables):
    """PP27 con su votación cerrada (dos priorizadas, cuatro viables) y un proceso nuevo en registro."""
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO + SEGUNDO)
    sugerido = propuestas_servicios.proceso_sugerido("0212", AHORA_VOTO.date())
    nuevo = propuestas_servicios.crear_proceso(db, dataclasses.replace(sugerido, codigo="PP29", nombre="PP 2029"),
                                               actor=ADMIN, ahora=AHORA_VOTO)
    return db, codigos, nuevo


def test_traer_una_viable_crea_una_registrada_enlazada_en_ambos_sentidos(dos_procesos):
    db, codigos, nuevo = dos_procesos
    assert [c["codigo"] for c in arrastre.candidatas(db, nuevo.id)] == [codigos[2], codigos[3], codigos[4], codigos[5]]
    nuevos = arrastre.arrastrar(db, [codigos[4].lower(), codigos[4]], nuevo.id, actor=ADMIN, ahora=AHORA_VOTO)
    assert nuevos == ["PP29-0001"]
    origen = propuestas_servicios.obtener(db, codigos[4], actor=PUBLICO)
    copia = propuestas_servicios.obtener(db, "PP29-0001", actor=PUBLICO)
    assert copia.propuesta.estado == Estado.REGISTRADA and copia.proceso.codigo == "PP29"
    assert (copia.propuesta.titulo, copia.propuesta.ubigeo, copia.propuesta.costo_centimos) == \
        (origen.propuesta.titulo, origen.propuesta.ubigeo, origen.propuesta.costo_centimos)
    assert copia.propuesta.puntaje_tecnico is None  # se evalúa de nuevo en su proceso
    assert copia.viene_de == codigos[4] and origen.sigue_en == ("PP29-0001",)
    assert origen.propuesta.estado == Estado.VIABLE  # el origen no cambia
    assert [(h["desde"], h["hacia"]) for h in copia.historial] == [("borrador", "registrada")]
    assert f"Viene de {codigos[4]}" in copia.historial[0]["motivo"]
    acciones = [e["accion"] for e in listar_eventos(db, objeto_tipo="propuesta", limite=5)]
    assert acciones[:2] == ["registrar_propuesta", "arrastrar_propuesta"]
    assert codigos[4] not in [c["codigo"] for c in arrastre.candidatas(db, nuevo.id)]


def test_todas_o_ninguna_con_un_mensaje_por_codigo(dos_procesos):
    db, codigos, nuevo = dos_procesos
    antes = filas(db, "propuestas")
    arrastre.arrastrar(db, [codigos[5]], nuevo.id, actor=ADMIN, ahora=AHORA_VOTO)
    with pytest.raises(DatosInvalidos) as error:
        arrastre.arrastrar(db, [codigos[2], codigos[0], codigos[5], "PP27-9999", "PP29-0001"], nuevo.id, actor=ADMIN,
                           ahora=AHORA_VOTO)
    mensajes = [p.mensaje for p in error.value.problemas]
    assert mensajes == [f"{codigos[0]} está «priorizada»: solo se traen las viables que no se financiaron.",
                        f"{codigos[5]} ya se trajo a PP29.", "PP27-9999 no existe.", "PP29-0001 ya es de PP29."]
    assert filas(db, "propuestas") == antes + 1  # la primera; de la segunda tanda, ninguna
    with pytest.raises(DatosInvalidos, match="Elija al menos una"):
        arrastre.arrastrar(db, [" "], nuevo.id, actor=ADMIN, ahora=AHORA_VOTO)


def test_solo_administracion_y_solo_en_registro(dos_procesos):
    db, codigos, nuevo = dos_procesos
    for quien in (FACILITADORA, EVALUADORA, PUBLICO):
        with pytest.raises(SinPermiso):
            arrastre.arrastrar(db, [codigos[2]], nuevo.id, actor=quien, ahora=AHORA_VOTO)
    pp27 = propuestas_servicios.obtener(db, codigos[2], actor=ADMIN).proceso
    with pytest.raises(AccionFueraDeFase, match="PP27 no está en registro"):
        arrastre.arrastrar(db, [codigos[2]], pp27.id, actor=ADMIN, ahora=AHORA_VOTO)
