"""El ciclo completo de demostración, de punta a punta y por los casos de uso de verdad: un proceso DEMO de hace dos
años con sus propuestas viables, una votación en la que votan agentes participantes, su cierre (las financiadas
quedan priorizadas), el acta firmada (pasan a «en acta») y dos años de seguimiento. En una base nueva, marcada como
de demostración."""
from __future__ import annotations

import datetime as dt
import math
import random

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import participantes
from identidad.acceso import Actor, Rol
from nucleo.errores import DatosInvalidos
from propuestas import demo
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Estado, Fase
from propuestas.seguimiento import demo as seguimiento_demo
from votacion import servicios as votacion
from votacion import vigilancia
from votacion.modelo import EstadoVotacion, Papeleta

ACUERDOS = (("Publicar el avance de los proyectos priorizados cada trimestre", "Municipalidad Provincial",
             "cada trimestre"),
            ("Incluir los proyectos priorizados en el PIA del año siguiente", "Gerencia de Planeamiento", "diciembre"),
            ("Convocar al Comité de Vigilancia antes de cada cambio de PIM", "Gerencia de Infraestructura", "—"))
COMITE = (("Juana Cochachin", "Comité de regantes"), ("Pedro Alva", "Asociación juvenil"),
          ("Rosa Huamán", "Club de madres"))
VIGILANTE = Actor(Rol.VIGILANCIA, "comité demo", cuenta_id=0)  # sin sesión: como la línea de comandos
DIAS_ATRAS = 800  # el proceso empezó hace ~2 años y 2 meses: su acta se firmó hace ~2 años
POR_PAPELETA = 50


def crear_ciclo_completo(db: Database, *, proyectos: int, actualizaciones: int, semilla: int,
                         ahora: dt.datetime) -> dict:
    """Devuelve {proceso, votacion, en_acta, actualizaciones, hitos, votantes}."""
    if propuestas_servicios.listar_procesos(db):
        raise DatosInvalidos([Problema("base", "El ciclo completo se arma en una base nueva (esta ya tiene procesos): "
                                               "indique otro archivo en --db.")])
    inicio = ahora - dt.timedelta(days=DIAS_ATRAS)
    proceso = demo.crear_demo(db, cantidad=proyectos, semilla=semilla, ahora=inicio, estado=Estado.VIABLE)
    assert proceso.id is not None  # recién guardado
    priorizacion = next(p for p in proceso.fases if p.fase == Fase.PRIORIZACION)
    momento = dt.datetime.combine(priorizacion.inicio, dt.time(15, 0), tzinfo=dt.timezone.utc)
    codigos = propuestas_servicios.codigos_viables(db, proceso.id)
    costos = sum(int(f["costo_estimado_centimos"] or 0)
                 for f in propuestas_servicios.candidatas_a_papeleta(db, proceso.id))
    nueva = votacion.nueva_votacion(db, proceso.id, nombre=f"[DEMO] Priorización {proceso.nombre}"[:120],
                                    techo_centimos=max(costos, 1), regla="greedy", max_opciones=POR_PAPELETA,
                                    lugar="[DEMO] Local comunal de Caraz")
    creada = votacion.crear_votacion(db, nueva, codigos, actor=demo.DEMO, ahora=momento)
    assert creada.id is not None
    votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=demo.DEMO, ahora=momento)
    azar = random.Random(semilla)
    votantes = max(30, 2 * math.ceil(len(codigos) / POR_PAPELETA))
    ubigeos = sorted({f["ubigeo"] for f in propuestas_servicios.buscar(db, proceso.id)})
    for numero in range(votantes):
        datos = {"nombre": f"[DEMO] Votante {numero + 1:03d}", "tipo": "joven", "consentimiento": True,
                 "ubigeo": azar.choice(ubigeos)}
        participante_id, _ = participantes.registrar_participante(db, proceso.id, datos, actor=demo.DEMO,
                                                                  ahora=momento)
        actor = Actor(Rol.PARTICIPANTE, f"participante {participante_id}", participante_id=participante_id)
        # de dos en dos votantes se recorre la lista entera: cada propuesta tiene al menos un voto
        tramo = codigos[(numero // 2 * POR_PAPELETA) % len(codigos):][:POR_PAPELETA] or codigos[:POR_PAPELETA]
        votacion.emitir(db, creada.id, Papeleta(tuple(tramo)), actor=actor,
                        ahora=momento + dt.timedelta(seconds=numero + 1))
    votacion.cambiar_estado(db, creada.id, EstadoVotacion.CERRADA, actor=demo.DEMO,
                            ahora=momento + dt.timedelta(hours=2))
    acuerdos = [votacion.anotar_acuerdo(db, creada.id, f"[DEMO] {texto}", responsable, plazo, actor=demo.DEMO,
                                        ahora=momento + dt.timedelta(hours=2, minutes=5))
                for texto, responsable, plazo in ACUERDOS]
    for nombre, organizacion in COMITE:
        vigilancia.anotar_miembro(db, creada.id, nombre=f"[DEMO] {nombre}", organizacion=organizacion,
                                  ubigeo=azar.choice(ubigeos), actor=demo.DEMO,
                                  ahora=momento + dt.timedelta(hours=2, minutes=10))
    firma = momento + dt.timedelta(days=1)
    acta = votacion.firmar_acta(db, creada.id, firmada_el=propuestas_servicios.fecha_local(firma),
                                lugar="[DEMO] Local comunal de Caraz",
                                firmada=True, actor=demo.DEMO, ahora=firma)
    llenado = seguimiento_demo.llenar(db, desde=propuestas_servicios.fecha_local(firma),
                                      hasta=propuestas_servicios.fecha_local(ahora), actualizaciones=actualizaciones, semilla=semilla, ahora=ahora)
    _vigilar(db, proceso.id, acuerdos, azar, desde=firma, hasta=ahora)
    return {"proceso": proceso.nombre, "votacion": creada.id, "en_acta": len(acta["en_acta"]),
            "votantes": votantes, **llenado}


def _vigilar(db: Database, proceso_id: int, acuerdos: list[int], azar: random.Random, *, desde: dt.datetime,
             hasta: dt.datetime) -> None:
    """El comité observa algunos proyectos (el equipo responde la mayoría) y el equipo dice en qué va cada acuerdo."""
    proyectos = [p for p in propuestas_servicios.priorizadas(db, proceso_id) if p["estado"] == "en_acta"]
    dias = max(2, (hasta - desde).days)
    for numero, proyecto in enumerate(azar.sample(proyectos, min(6, len(proyectos))), start=1):
        cuando = desde + dt.timedelta(days=azar.randrange(1, dias))
        observacion = vigilancia.observar(db, proceso_id, f"[DEMO] Observación n.º {numero}: la obra no muestra "
                                          "avance en el terreno y el cartel no dice el plazo.",
                                          codigo=proyecto["codigo"], actor=VIGILANTE, ahora=cuando)
        if numero % 3:
            vigilancia.responder(db, observacion, "[DEMO] Se verificó en campo; el contratista repone el cartel y "
                                 "el avance se informa en la próxima actualización.", actor=demo.DEMO,
                                 ahora=min(hasta, cuando + dt.timedelta(days=10)))
    for acuerdo_id, (estado, motivo) in zip(acuerdos, (
            ("cumplido", "[DEMO] Se publicaron los cuatro informes trimestrales."),
            ("en_curso", "[DEMO] Entraron al PIA la mitad de los proyectos; el resto, el año siguiente."),
            ("incumplido", "[DEMO] No se convocó al comité antes de la última modificación del PIM."))):
        vigilancia.cambiar_estado_acuerdo(db, acuerdo_id, estado, motivo, actor=demo.DEMO,
                                          ahora=desde + dt.timedelta(days=dias // 2))

