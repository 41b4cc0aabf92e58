"""Seguimiento de demostración: para cada proyecto en acta de una base de demostración, años de actualizaciones
verosímiles (fases que avanzan, PIA/PIM/devengado, avances, hitos), marcadas «[DEMO]». Para mostrar la plataforma
a una municipalidad y para medir con miles de proyectos. Escribe en bloque, en una transacción."""
from __future__ import annotations

import datetime as dt
import random

from sqlite_utils import Database

from geo.modelo import Problema
from identidad.acceso import Actor, Rol
from nucleo.db import Evento, escritura, marca, registrar_evento
from nucleo.errores import DatosInvalidos
from propuestas import servicios as propuestas_servicios
from propuestas.seguimiento.modelo import Fase

DEMO = Actor(Rol.ADMINISTRADOR, "demo")
AVANCE = (Fase.IDEA, Fase.FORMULACION, Fase.EXPEDIENTE, Fase.EJECUCION, Fase.CULMINADO, Fase.EN_FUNCIONAMIENTO)
ENTIDADES = ("Municipalidad Provincial de Huaylas", "Municipalidad Distrital", "Gobierno Regional de Áncash")
AREAS = ("Gerencia de Infraestructura", "Gerencia de Desarrollo Social", "Gerencia de Desarrollo Económico")
HITOS = (("Expediente técnico aprobado", 0.3), ("Inicio de obra", 0.45), ("Fin de obra", 0.8))


def llenar(db: Database, *, desde: dt.date, hasta: dt.date, actualizaciones: int, semilla: int,
           ahora: dt.datetime) -> dict:
    """`actualizaciones` por proyecto entre `desde` y `hasta`. Uno de cada diez queda sin noticias hace más de 90
    días y algunos que no pasaron del expediente «no se ejecutarán»: la página pública muestra alertas de verdad."""
    if not propuestas_servicios.es_base_demo(db):
        raise DatosInvalidos([Problema("base", "El seguimiento de demostración solo va en una base de demostración.")])
    proyectos = [p for p in propuestas_servicios.priorizadas(db) if p["estado"] == "en_acta" and p["es_demo"]]
    azar = random.Random(semilla)
    dias = (hasta - desde).days
    filas, cuantos_hitos = [], 0
    with escritura(db):
        for proyecto in proyectos:
            destino = azar.choices(range(len(AVANCE)), weights=(1, 2, 3, 5, 4, 5))[0]
            descartado = destino <= 2 and azar.random() < 0.15  # se descarta antes de la obra, no después
            callado = azar.random() < 0.1
            ultimo_dia = dias - (120 if callado else azar.randrange(0, 60))
            fechas = sorted(desde + dt.timedelta(days=azar.randrange(1, max(2, ultimo_dia)))
                            for _ in range(actualizaciones))
            costo = proyecto["costo_centimos"] or 10_000_000
            pim = int(costo * azar.uniform(0.9, 1.25))
            hitos = []
            for nombre, parte in HITOS:
                prevista = desde + dt.timedelta(days=int(dias * parte))
                hitos.append((int(db.table("seguimiento_hitos").insert({
                    "propuesta_id": proyecto["id"], "nombre": f"[DEMO] {nombre}", "fecha_prevista": prevista.isoformat(),
                    "creado_en": marca(ahora), "creado_por": DEMO.etiqueta}).last_pk or 0), prevista, parte))
            cuantos_hitos += len(hitos)
            cumplidos: set[int] = set()
            for numero, fecha in enumerate(fechas, start=1):
                parte = numero / len(fechas)
                fila = {"propuesta_id": proyecto["id"], "fecha": fecha.isoformat(),
                        "nota": f"[DEMO] Informe de avance n.º {numero}", "origen": "demostración",
                        "registrada_en": marca(ahora), "registrada_por": DEMO.etiqueta,
                        "fase": AVANCE[min(destino, int(parte * (destino + 1)))].value}
                if numero == 1:
                    fila.update({"responsable_entidad": azar.choice(ENTIDADES), "responsable_area": azar.choice(AREAS),
                                 "anio_pia": desde.year + 1, "pia_centimos": costo})
                if fila["fase"] in ("expediente", "ejecucion", "culminado", "en_funcionamiento"):
                    fila["cui"] = f"{2_400_000 + proyecto['id'] % 600_000:07d}"
                    ejecutado = min(1.0, parte * destino / 4)
                    fila.update({"pim_centimos": pim, "devengado_centimos": int(pim * ejecutado * 0.95),
                                 "avance_financiero": round(ejecutado * 95, 1),
                                 "avance_fisico": round(min(100.0, ejecutado * 100), 1)})
                cumplido = next((h for h in hitos if h[0] not in cumplidos and h[2] <= parte * destino / 5), None)
                if cumplido:
                    cumplidos.add(cumplido[0])
                    fila.update({"hito_id": cumplido[0], "hito_fecha_real": fecha.isoformat()})
                filas.append(fila)
            if descartado:
                filas.append({"propuesta_id": proyecto["id"], "fecha": (fechas[-1]).isoformat(), "nota": "[DEMO]",
                              "fase": Fase.NO_SE_EJECUTARA.value,
                              "motivo_fase": "[DEMO] El terreno no se pudo sanear a tiempo.",
                              "origen": "demostración", "registrada_en": marca(ahora), "registrada_por": DEMO.etiqueta})
        db.table("seguimiento_actualizaciones").insert_all(filas, batch_size=2_000)
        registrar_evento(db, Evento(DEMO.etiqueta, "crear_seguimiento_demo", "seguimiento", "demo", None,
                                    {"proyectos": len(proyectos), "actualizaciones": len(filas),
                                     "hitos": cuantos_hitos, "semilla": semilla}), momento=ahora)
    return {"proyectos": len(proyectos), "actualizaciones": len(filas), "hitos": cuantos_hitos}
