"""Comité de Vigilancia: sus miembros van al acta (y no se anotan después de firmarla); observa un proyecto o un
acuerdo y el equipo responde, todo a la vista y sin editar; el estado de cada acuerdo con su motivo; la línea de
tiempo pública y el informe de vigilancia en PDF."""
import datetime as dt
import sqlite3

import pytest

from identidad.acceso import PUBLICO, Actor, Rol, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos
from propuestas import seguimiento
from propuestas import servicios as propuestas_servicios
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, votar_muchos
from tests.conftest import ADMIN, EVALUADORA, FACILITADORA, filas, texto_de_pdf
from votacion import servicios as votacion
from votacion import vigilancia
from votacion.acta import armar_acta
from votacion.modelo import EstadoVotacion

VIGILANTE = Actor(Rol.VIGILANCIA, "juana", cuenta_id=9)
DIA = dt.timedelta(days=1)
LUEGO = AHORA_VOTO + 120 * DIA


@pytest.fixture
def taller(db_viables):
    """Votación cerrada con dos acuerdos y dos miembros del comité, y su acta firmada."""
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy", lugar="Local comunal de Caraz")
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO + 60 * SEGUNDO)
    acuerdos = [votacion.anotar_acuerdo(db, abierta.id, texto, "Municipalidad Provincial", "marzo de 2027",
                                        actor=FACILITADORA, ahora=AHORA_VOTO + 70 * SEGUNDO)
                for texto in ("Publicar el avance de obras cada trimestre", "Convocar al comité antes del PIA")]
    for nombre, organizacion, ubigeo in (("Juana Cochachin", "Comité de regantes de Mato", "021205"),
                                         ("Pedro Alva", "Asociación juvenil de Caraz", "021201")):
        vigilancia.anotar_miembro(db, abierta.id, nombre=nombre, organizacion=organizacion, ubigeo=ubigeo,
                                  actor=FACILITADORA, ahora=AHORA_VOTO + 80 * SEGUNDO)
    en_acta = votacion.firmar_acta(db, abierta.id, firmada_el=AHORA_VOTO.date(), lugar="Local comunal de Caraz",
                                   firmada=True, actor=FACILITADORA, ahora=AHORA_VOTO + 600 * SEGUNDO)["en_acta"]
    return db, abierta, acuerdos, en_acta


def test_el_comite_va_al_acta_y_no_se_anota_despues_de_firmarla(taller, tmp_path):
    db, abierta, _, _ = taller
    assert [m["nombre"] for m in vigilancia.comite(db, abierta.id)] == ["Juana Cochachin", "Pedro Alva"]
    texto = texto_de_pdf(armar_acta(db, abierta.id), tmp_path)
    assert "Comité de Vigilancia" in texto and "Juana Cochachin" in texto and "Comité de regantes de Mato" in texto
    with pytest.raises(Exception, match="se firmó"):
        vigilancia.anotar_miembro(db, abierta.id, nombre="Otra Persona", organizacion="Club de madres",
                                  ubigeo="021201", actor=FACILITADORA, ahora=LUEGO)


def test_un_miembro_se_valida_y_se_retira_con_motivo(db_viables):
    db, _ = db_viables
    abierta = crear(db)
    with pytest.raises(DatosInvalidos) as error:
        vigilancia.anotar_miembro(db, abierta.id, nombre="Jo", organizacion="", ubigeo="999999", actor=FACILITADORA,
                                  ahora=AHORA_VOTO)
    assert {p.campo for p in error.value.problemas} == {"nombre", "organizacion", "ubigeo"}
    with pytest.raises(SinPermiso):
        vigilancia.anotar_miembro(db, abierta.id, nombre="Rosa Huamán", organizacion="Vaso de leche",
                                  ubigeo="021201", actor=EVALUADORA, ahora=AHORA_VOTO)
    miembro = vigilancia.anotar_miembro(db, abierta.id, nombre="Rosa Huamán", organizacion="Vaso de leche",
                                        ubigeo="021201", actor=FACILITADORA, ahora=AHORA_VOTO)
    with pytest.raises(DatosInvalidos, match="por qué"):
        vigilancia.retirar_miembro(db, miembro, "", actor=FACILITADORA, ahora=AHORA_VOTO)
    vigilancia.retirar_miembro(db, miembro, "Se anotó dos veces", actor=FACILITADORA, ahora=AHORA_VOTO)
    assert vigilancia.comite(db, abierta.id) == [] and filas(db, "comite_vigilancia") == 1
    with pytest.raises(sqlite3.IntegrityError, match="no se borran"):
        db.execute("DELETE FROM comite_vigilancia")


def test_la_observacion_se_responde_y_las_dos_quedan_a_la_vista(taller):
    db, abierta, acuerdos, en_acta = taller
    proceso = abierta.proceso_id
    with pytest.raises(SinPermiso):
        vigilancia.observar(db, proceso, "La obra está parada desde junio", codigo=en_acta[0], actor=EVALUADORA,
                            ahora=LUEGO)
    with pytest.raises(SinPermiso):
        vigilancia.observar(db, proceso, "La obra está parada desde junio", codigo=en_acta[0], actor=PUBLICO,
                            ahora=LUEGO)
    with pytest.raises(DatosInvalidos) as error:
        vigilancia.observar(db, proceso, "corta", actor=VIGILANTE, ahora=LUEGO)
    assert {p.campo for p in error.value.problemas} == {"sobre", "texto"}
    fuera = next(c for c in propuestas_servicios.codigos_viables(db, proceso))
    with pytest.raises(DatosInvalidos, match="no es un proyecto priorizado"):
        vigilancia.observar(db, proceso, "Tampoco se hizo esta obra", codigo=fuera, actor=VIGILANTE, ahora=LUEGO)
    grande = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
    with pytest.raises(DatosInvalidos, match="el máximo para un PDF es 5 MB"):
        vigilancia.observar(db, proceso, "Adjunto el informe de la comunidad", codigo=en_acta[0],
                            evidencia=(grande, "informe.pdf"), actor=VIGILANTE, ahora=LUEGO)
    sobre_obra = vigilancia.observar(db, proceso, "La obra está parada desde junio <b>sin aviso</b>",
                                     codigo=en_acta[0], evidencia=(b"%PDF-1.4\nacta", "acta.pdf"), actor=VIGILANTE,
                                     ahora=LUEGO)
    sobre_acuerdo = vigilancia.observar(db, proceso, "No se publicó el avance del trimestre",
                                        acuerdo_id=acuerdos[0], actor=VIGILANTE, ahora=LUEGO + SEGUNDO)
    abiertas = {o.id: o for o in vigilancia.observaciones(db, proceso)}
    assert abiertas[sobre_obra].abierta and abiertas[sobre_obra].por == "Comité de Vigilancia"
    assert abiertas[sobre_acuerdo].sobre == f"Acuerdo n.º {acuerdos[0]}: Publicar el avance de obras cada trimestre"
    assert vigilancia.evidencia_de_observacion(db, sobre_obra)["tipo"] == "pdf"
    with pytest.raises(SinPermiso):
        vigilancia.responder(db, sobre_obra, "Se reanudó la obra el 3 de julio", actor=VIGILANTE, ahora=LUEGO)
    with pytest.raises(DatosInvalidos, match="qué se hizo o por qué"):
        vigilancia.responder(db, sobre_obra, "ok", actor=EVALUADORA, ahora=LUEGO)
    vigilancia.responder(db, sobre_obra, "El contratista paralizó por lluvias; se reanudó el 3 de julio.",
                         actor=EVALUADORA, ahora=LUEGO + 2 * DIA)
    respondida = next(o for o in vigilancia.observaciones(db, proceso) if o.id == sobre_obra)
    assert not respondida.abierta and respondida.texto.startswith("La obra está parada")
    assert respondida.respuestas[0]["por"] == "equipo técnico"
    linea = vigilancia.momentos(db, en_acta[0])
    assert [m.titulo for m in linea] == [f"Observación n.º {sobre_obra} del Comité de Vigilancia",
                                         f"Respuesta a la observación n.º {sobre_obra} (equipo técnico)"]
    for orden in ("UPDATE observaciones SET texto = 'otra cosa distinta'", "DELETE FROM respuestas_observacion"):
        with pytest.raises(sqlite3.IntegrityError, match="la vigilancia no se"):
            db.execute(orden)
    acciones = [e["accion"] for e in listar_eventos(db, objeto_tipo="proceso")]
    assert acciones.count("observar") == 2 and "responder_observacion" in acciones


def test_el_estado_de_un_acuerdo_lleva_motivo_y_guarda_su_historia(taller):
    db, abierta, acuerdos, _ = taller
    proceso = abierta.proceso_id
    assert [a["estado"] for a in vigilancia.acuerdos_del_proceso(db, proceso)] == ["pendiente", "pendiente"]
    with pytest.raises(DatosInvalidos) as error:
        vigilancia.cambiar_estado_acuerdo(db, acuerdos[0], "cumplido", "", actor=EVALUADORA, ahora=LUEGO)
    assert "Diga por qué" in error.value.problemas[0].mensaje
    with pytest.raises(DatosInvalidos, match="no es un estado"):
        vigilancia.cambiar_estado_acuerdo(db, acuerdos[0], "listo", "Se publicó en el portal", actor=ADMIN,
                                          ahora=LUEGO)
    with pytest.raises(SinPermiso):
        vigilancia.cambiar_estado_acuerdo(db, acuerdos[0], "cumplido", "Se publicó en el portal", actor=VIGILANTE,
                                          ahora=LUEGO)
    vigilancia.cambiar_estado_acuerdo(db, acuerdos[0], "en_curso", "Se publicó el primer trimestre",
                                      actor=EVALUADORA, ahora=LUEGO)
    vigilancia.cambiar_estado_acuerdo(db, acuerdos[0], "incumplido", "No se publicó el segundo trimestre",
                                      actor=ADMIN, ahora=LUEGO + 90 * DIA)
    primero = vigilancia.acuerdos_del_proceso(db, proceso)[0]
    assert (primero["estado"], primero["motivo"]) == ("incumplido", "No se publicó el segundo trimestre")
    assert [h["estado"] for h in primero["historia"]] == ["en_curso", "incumplido"]


def test_el_informe_de_vigilancia_dice_acuerdos_pia_retrasos_y_observaciones_abiertas(taller, tmp_path):
    db, abierta, acuerdos, en_acta = taller
    proceso = abierta.proceso_id
    seguimiento.registrar_actualizacion(db, en_acta[0], seguimiento.Cambios(
        fase=seguimiento.Fase.EJECUCION, anio_pia=2027, pim_centimos=35_000_000, devengado_centimos=10_000_000,
        avance_fisico=30), fecha=(AHORA_VOTO + 10 * DIA).date(), actor=EVALUADORA, ahora=AHORA_VOTO + 10 * DIA)
    vigilancia.cambiar_estado_acuerdo(db, acuerdos[1], "cumplido", "Reunión del 2 de marzo con el comité",
                                      actor=EVALUADORA, ahora=LUEGO)
    vigilancia.observar(db, proceso, "Nadie informó del expediente técnico", codigo=en_acta[1], actor=VIGILANTE,
                        ahora=LUEGO)
    pdf = vigilancia.informe_pdf(db, proceso, hoy=LUEGO.date(), ahora=LUEGO)
    texto = " ".join(texto_de_pdf(pdf, tmp_path).split())
    for esperado in ("Informe de vigilancia", "Juana Cochachin", "Convocar al comité antes del PIA", "Cumplido",
                     "Reunión del 2 de marzo", "Pendiente", "Ejecución", "S/ 350,000.00", "30 %",
                     "Sin actualización hace", "Nadie informó del expediente técnico", "observaciones sin responder: 1"):
        assert esperado in texto, esperado


def test_administracion_crea_la_cuenta_del_comite_y_entra_con_ella(db):
    from identidad import cuentas
    from identidad.acceso import LINEA_DE_COMANDOS, Accion, puede

    cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR,
                         contrasena="secretaria tecnica de la mesa", actor=LINEA_DE_COMANDOS, ahora=AHORA_VOTO)
    cuenta = cuentas.crear_cuenta(db, usuario="juana", nombre="Juana Cochachin", rol=Rol.VIGILANCIA,
                                  contrasena="regantes de mato vigilan la obra", actor=LINEA_DE_COMANDOS,
                                  ahora=AHORA_VOTO)
    sesion = cuentas.iniciar_sesion(db, usuario="juana", contrasena="regantes de mato vigilan la obra",
                                    origen="127.0.0.1", ahora=AHORA_VOTO)
    actor = sesion.actor
    assert actor.rol == Rol.VIGILANCIA and actor.etiqueta == "vigilancia:juana" and cuenta
    assert puede(actor, Accion.VIGILAR) and puede(actor, Accion.VER_VIGILANCIA)
    assert not puede(actor, Accion.SEGUIR_PROYECTOS) and not puede(actor, Accion.PROPONER)
