"""Del resultado al acta: la votación cerrada prioriza lo que financió, el acta firmada lo pasa a «en acta».

- Al **cierre definitivo**, cada propuesta financiada por la regla oficial que estaba «viable» pasa a
  «priorizada», con la votación, su puesto y la regla en el motivo de la transición; las demás quedan viables. Lo
  que no estaba viable (p. ej. una «admitida» que se puso en la papeleta) no cambia de estado y el evento del
  cierre lo dice.
- **Reabrir** una votación cerrada antes de firmar su acta devuelve esas propuestas a «viable», por la misma
  tabla de transiciones y con el motivo de la reapertura; la priorización queda anotada como deshecha, no se borra.
- **Firmar el acta**: la facilitación anota la fecha y el lugar y que el acta impresa se firmó; se guarda el PDF
  del acta de ese momento y su SHA-256, y las priorizadas pasan a «en acta». Desde ahí la votación no se reabre.

Todo dentro de la transacción de quien llama (el cierre o la reapertura de `votacion.ciclo`) o de la propia.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, insertar, marca, registrar_evento
from nucleo.formato import formatear_fecha, limpiar_linea
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Estado
from votacion import almacen
from votacion.acta import armar_acta
from votacion.conteo import contar_votacion, exigir_resultados
from votacion.modelo import EstadoVotacion, Votacion, VotacionInvalida
from votacion.organizar import obtener


def priorizar_al_cerrar(db: Database, votacion: Votacion, *, actor: Actor, ahora: dt.datetime) -> dict:
    """Dentro del cierre: las financiadas viables pasan a «priorizada». Devuelve {priorizadas, sin_cambio}."""
    votacion_id = _guardada(votacion)
    financiadas = [f["codigo"] for f in contar_votacion(db, votacion_id, comparar=False).filas if f["financiada"]]
    cierre_id = almacen.cierres(db, votacion_id)[-1]["id"]
    priorizadas, sin_cambio = [], []
    for puesto, codigo in enumerate(financiadas, start=1):
        propuesta = propuestas_servicios.para_papeleta(db, codigo)
        if propuesta is None or propuesta["estado"] != Estado.VIABLE.value:
            sin_cambio.append(f"{codigo} ({Estado(propuesta['estado']).etiqueta if propuesta else 'no existe'})")
            continue
        motivo = (f"Financiada en la votación «{votacion.nombre}» (n.º {votacion.id}): puesto {puesto} de "
                  f"{len(financiadas)} con la regla {votacion.regla}.")
        propuestas_servicios.transicionar(db, codigo, Estado.PRIORIZADA, actor=actor, motivo=motivo, ahora=ahora)
        insertar(db, "priorizaciones", {"votacion_id": votacion.id, "cierre_id": cierre_id,
                                        "propuesta_id": propuesta["id"], "puesto": puesto, "creada_en": marca(ahora)})
        priorizadas.append(codigo)
    return {"priorizadas": priorizadas, "sin_cambio": sin_cambio}


def exigir_sin_acta(db: Database, votacion_id: int) -> None:
    """Una votación con el acta firmada ya no se reabre: su resultado entró al plan."""
    firmada = almacen.acta_firmada(db, votacion_id)
    if firmada:
        raise VotacionInvalida([Problema("estado", f"El acta de esta votación se firmó el "
                                                   f"{formatear_fecha(dt.date.fromisoformat(firmada['firmada_el']))} "
                                                   "y sus propuestas están en acta: ya no se reabre.")])


def despriorizar_al_reabrir(db: Database, votacion: Votacion, motivo: str, *, actor: Actor,
                            ahora: dt.datetime) -> list[str]:
    """Dentro de la reapertura: lo que este cierre priorizó vuelve a «viable», con el motivo de la reapertura."""
    devueltas = []
    for fila in almacen.priorizaciones_vigentes(db, _guardada(votacion)):
        razon = f"Se reabrió la votación «{votacion.nombre}» (n.º {votacion.id}): {motivo}"
        propuestas_servicios.transicionar(db, fila["codigo"], Estado.VIABLE, actor=actor, motivo=razon, ahora=ahora)
        db.execute("UPDATE priorizaciones SET deshecha_en = ?, deshecha_motivo = ? WHERE id = ?",
                   [marca(ahora), motivo, fila["id"]])
        devueltas.append(fila["codigo"])
    return devueltas


def firmar_acta(db: Database, votacion_id: int, *, firmada_el: dt.date, lugar: str, firmada: bool, actor: Actor,
                ahora: dt.datetime) -> dict:
    """La facilitación anota que el acta impresa se firmó (fecha y lugar): se guarda ese PDF y su SHA-256, y las
    priorizadas de la votación pasan a «en acta». Devuelve el acta anotada (sin el PDF)."""
    exigir(actor, Accion.GESTIONAR_VOTACIONES)
    lugar = limpiar_linea(lugar)
    problemas = []
    if not firmada:
        problemas.append(Problema("firmada", "Marque que el acta impresa fue firmada: se anota un hecho, no un "
                                             "borrador."))
    if not 3 <= len(lugar) <= 200:
        problemas.append(Problema("lugar", f"Escriba dónde se firmó (de 3 a 200 caracteres; tiene {len(lugar)})."))
    hoy = propuestas_servicios.fecha_local(ahora)
    if firmada_el > hoy:
        problemas.append(Problema("firmada_el", f"La fecha de la firma ({formatear_fecha(firmada_el)}) es posterior "
                                                f"a hoy ({formatear_fecha(hoy)})."))
    with sesiones.escritura_de(db, actor, ahora=ahora):
        votacion = obtener(db, votacion_id)
        if votacion.estado != EstadoVotacion.CERRADA:
            problemas.append(Problema("estado", "Primero haga el cierre definitivo: el acta firmada es la del "
                                                "resultado que ya no cambia."))
        elif votacion.cerrada_en and firmada_el < propuestas_servicios.fecha_local(
                dt.datetime.fromisoformat(votacion.cerrada_en)):
            problemas.append(Problema("firmada_el", f"La fecha de la firma ({formatear_fecha(firmada_el)}) es "
                                                    "anterior al cierre de la votación."))
        if almacen.acta_firmada(db, votacion_id):
            problemas.append(Problema("estado", "El acta de esta votación ya se anotó como firmada."))
        if problemas:
            raise VotacionInvalida(problemas)
        pdf = armar_acta(db, votacion_id)
        huella = hashlib.sha256(pdf).hexdigest()
        cierre_id = almacen.cierres(db, votacion_id)[-1]["id"]
        insertar(db, "actas_firmadas", {"votacion_id": votacion_id, "cierre_id": cierre_id,
                                        "firmada_el": firmada_el.isoformat(), "lugar": lugar, "sha256": huella,
                                        "pdf": pdf, "registrada_en": marca(ahora), "registrada_por": actor.etiqueta})
        en_acta = []
        for fila in almacen.priorizaciones_vigentes(db, votacion_id):
            motivo = (f"Acta de la votación «{votacion.nombre}» firmada el {formatear_fecha(firmada_el)} en {lugar} "
                      f"(SHA-256 {huella[:16]}…).")
            propuestas_servicios.transicionar(db, fila["codigo"], Estado.EN_ACTA, actor=actor, motivo=motivo,
                                              ahora=ahora)
            en_acta.append(fila["codigo"])
        registrar_evento(db, Evento(actor.etiqueta, "firmar_acta", "votacion", votacion_id, None,
                                    {"firmada_el": firmada_el.isoformat(), "lugar": lugar, "sha256": huella,
                                     "en_acta": en_acta}), momento=ahora)
    return {**(almacen.acta_firmada(db, votacion_id) or {}), "en_acta": en_acta}


def _guardada(votacion: Votacion) -> int:
    if votacion.id is None:
        raise ValueError("La votación aún no está guardada.")
    return votacion.id


def acta_firmada(db: Database, votacion_id: int) -> dict | None:
    """El acta anotada como firmada (fecha, lugar, SHA-256, quién y cuándo), o None."""
    return almacen.acta_firmada(db, votacion_id)


def pdf_del_acta_firmada(db: Database, votacion_id: int, *, actor: Actor) -> bytes | None:
    """El PDF tal como estaba al firmarse (el del SHA-256 anotado), para quien puede ver el acta."""
    exigir_resultados(db, votacion_id, actor=actor)
    return almacen.pdf_del_acta_firmada(db, votacion_id)
