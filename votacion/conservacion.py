"""La regla de conservación de cada proceso (Ley 29733: los datos se guardan solo mientras sirven): N meses
después de la última acta firmada del proceso se borran celulares, correos, DNI y borradores; los nombres que se
publicaron con las propuestas y el registro de participación quedan. Aparte, las direcciones de red (intentos de
acceso, reportes de quien no entró) se olvidan a los `DIAS_DIRECCIONES` días. Las corre administración desde
«Datos personales» o `python -m propuestas conservacion --aplicar` (p. ej. una vez al mes, con cron o el
Programador de tareas de Windows).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from identidad import cuentas, sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento
from propuestas import almacen as propuestas_almacen
from propuestas import datos_personales
from propuestas.deliberacion import almacen as deliberacion_almacen
from propuestas.servicios import fecha_local
from votacion import almacen

DIAS_DIRECCIONES = 90  # las direcciones de red (intentos de acceso, reportes sin entrar) se guardan este tiempo


@dataclass(frozen=True)
class Regla:
    proceso_id: int
    proceso: str
    meses: int | None
    acta: dt.date | None       # la última acta firmada del proceso
    pendientes: int            # registros que aún guardan un contacto, un DNI o un borrador

    @property
    def vence(self) -> dt.date | None:
        return sumar_meses(self.acta, self.meses) if self.acta and self.meses else None

    def vencida(self, hoy: dt.date) -> bool:
        return self.vence is not None and hoy >= self.vence and self.pendientes > 0

    def estado(self, hoy: dt.date) -> str:
        if not self.meses:
            return "Sin regla"
        if not self.acta:
            return "Espera el acta firmada"
        if not self.pendientes:
            return "Nada que borrar"
        return "Vencida: aplicar" if self.vencida(hoy) else "Al día"


def sumar_meses(fecha: dt.date, meses: int) -> dt.date:
    """El mismo día N meses después (o el último del mes, si ese no existe: 31/01 + 1 = 28/02)."""
    mes = fecha.month - 1 + meses
    anio, mes = fecha.year + mes // 12, mes % 12 + 1
    return dt.date(anio, mes, min(fecha.day, calendar.monthrange(anio, mes)[1]))


def reglas(db: Database, *, actor: Actor) -> list[Regla]:
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    actas = almacen.ultimas_actas_firmadas(db)
    meses = propuestas_almacen.conservacion_de_procesos(db)
    resultado = []
    for proceso in propuestas_almacen.listar_procesos(db):
        numero = int(proceso.id or 0)  # guardado: siempre tiene número
        resultado.append(Regla(numero, proceso.codigo, meses.get(numero),
                               dt.date.fromisoformat(actas[numero]) if numero in actas else None,
                               datos_personales.contactos_pendientes(db, numero)))
    return resultado


def aplicar(db: Database, *, actor: Actor, ahora: dt.datetime) -> list[tuple[Regla, int]]:
    """Borra los contactos de cada proceso cuya regla venció; devuelve (regla, registros que cambiaron)."""
    hoy = fecha_local(ahora)
    hechas = []
    for regla in reglas(db, actor=actor):
        if regla.vencida(hoy):
            motivo = (f"Regla de conservación del proceso {regla.proceso}: {regla.meses} meses después del acta "
                      f"del {regla.acta:%d/%m/%Y}.")
            hechas.append((regla, datos_personales.borrar_contactos(db, regla.proceso_id, motivo=motivo, actor=actor,
                                                                     ahora=ahora)))
    return hechas


def olvidar_direcciones(db: Database, *, actor: Actor, ahora: dt.datetime) -> int:
    """Las direcciones de red de más de `DIAS_DIRECCIONES` días (intentos de acceso y reportes de quien no entró)
    se reemplazan por «olvidado»: solo servían para frenar el abuso mientras era reciente. Devuelve cuántas."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    antes_de = ahora - dt.timedelta(days=DIAS_DIRECCIONES)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        cuantas = cuentas.olvidar_origenes(db, antes_de)
        cuantas += deliberacion_almacen.olvidar_origenes_de_reportes(db, marca(antes_de))
        if cuantas:
            registrar_evento(db, Evento(actor.etiqueta, "olvidar_direcciones", "conservacion", "direcciones", None,
                                        {"registros": cuantas, "anteriores_a": marca(antes_de)}), momento=ahora)
    return cuantas
