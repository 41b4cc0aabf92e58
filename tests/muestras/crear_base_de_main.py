"""Crea `base_de_main.db` y `base_de_main.json` con el código de main ANTERIOR a la cadena anclada (c7d5550).

Así se prueba que una base real de esa versión (con `reemplazada_en` escrito, huellas de formato 1 y sin
sellos) sigue abriendo, migrando y dando el mismo resultado. Se corre con el código viejo, no con el de ahora:

    git archive c7d5550 | tar -x -C /tmp/main
    PYTHONPATH=/tmp/main python tests/muestras/crear_base_de_main.py tests/muestras

El .json guarda lo que ese código contaba: financiadas, recibos que cuentan y papeletas, por votación.
Sin territorio (para que pese poco): las propuestas se insertan con su distrito escrito.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import geo
from geo.acceso import Actor, Rol
from propuestas import participantes
from propuestas import servicios as propuestas_servicios
from votacion import almacen, servicios
from votacion.modelo import EstadoVotacion, Papeleta, TipoPapeleta

ADMIN = Actor(Rol.ADMINISTRADOR, "admin", cuenta_id=1)
HOY = dt.datetime(2027, 2, 14, 15, 0, tzinfo=dt.timezone.utc)  # en la priorización del proceso de abajo
SEGUNDO = dt.timedelta(seconds=1)
COSTOS = (300_000, 250_000, 200_000, 150_000, 120_000, 80_000)
DISTRITOS = ("021201", "021203", "021204", "021205", "021206", "021208")


def crear(carpeta: Path) -> None:
    ruta = carpeta / "base_de_main.db"
    ruta.unlink(missing_ok=True)
    db = geo.abrir(ruta)
    servicios.preparar(db)
    proceso = propuestas_servicios.crear_proceso(
        db, propuestas_servicios.proceso_sugerido("0212", dt.date(2026, 12, 1)), actor=ADMIN, ahora=HOY)
    db["propuestas"].insert_all([
        {"codigo": f"PP27-{j + 1:04d}", "proceso_id": proceso.id, "estado": "viable", "titulo": f"Obra número {j + 1}",
         "lat": -9.05, "lon": -77.8, "ubigeo": DISTRITOS[j], "distrito": f"Distrito {DISTRITOS[j]}",
         "costo_centimos": costo * 100, "puntaje_tecnico": 40 + 10 * j, "creada_en": "x", "actualizada_en": "x",
         "registrada_en": "x"} for j, costo in enumerate(COSTOS)])
    codigos = [f"PP27-{j + 1:04d}" for j in range(len(COSTOS))]
    personas = []
    for i in range(8):
        participante_id, _ = participantes.registrar_participante(
            db, proceso.id, {"nombre": f"Persona {i}", "tipo": "ciudadano", "consentimiento": True,
                             "ubigeo": DISTRITOS[i % 3]}, actor=ADMIN, ahora=HOY)
        personas.append(Actor(Rol.PARTICIPANTE, f"participante {participante_id}", participante_id=participante_id))
    esperado = {}
    for tipo, regla, cerrar in ((TipoPapeleta.APROBACION, "greedy", True), (TipoPapeleta.PUNTOS, "greedy", False)):
        votacion = servicios.crear_votacion(db, servicios.nueva_votacion(db, proceso.id, tipo=tipo, regla=regla,
                                                                         techo_centimos=60_000_000),
                                            codigos, actor=ADMIN, ahora=HOY)
        servicios.cambiar_estado(db, votacion.id, EstadoVotacion.ABIERTA, actor=ADMIN, ahora=HOY)
        for i, persona in enumerate(personas):
            elegidas = (codigos[i % 6], codigos[(i + 2) % 6])
            puntos = (6, 4) if tipo == TipoPapeleta.PUNTOS else None
            servicios.emitir(db, votacion.id, Papeleta(elegidas, puntos), actor=persona, ahora=HOY + i * SEGUNDO)
        for i in (1, 4):  # dos personas cambian su voto: quedan papeletas con `reemplazada_en`
            puntos = (10,) if tipo == TipoPapeleta.PUNTOS else None
            servicios.emitir(db, votacion.id, Papeleta((codigos[5],), puntos), actor=personas[i],
                             ahora=HOY + (20 + i) * SEGUNDO)
        papel = "N.º 1: 1=5, 4=5\nN.º 2: 6=10" if tipo == TipoPapeleta.PUNTOS else "N.º 1: 1, 4\nN.º 2: 6"
        servicios.digitar_papel(db, votacion.id, papel, actor=ADMIN, ahora=HOY + 30 * SEGUNDO)
        if cerrar:
            servicios.cambiar_estado(db, votacion.id, EstadoVotacion.CERRADA, actor=ADMIN, ahora=HOY + 40 * SEGUNDO)
        resultado = servicios.resultados(db, votacion.id, actor=ADMIN)
        assert servicios.verificar_cadena(db, votacion.id) == []
        esperado[str(votacion.id)] = {
            "estado": servicios.obtener(db, votacion.id).estado.value,
            "financiadas": resultado.oficial.elegidos,
            "recibos": [p["recibo"] for p in almacen.vigentes(db, votacion.id)],
            "papeletas": [p["contenido"] for p in almacen.vigentes(db, votacion.id)],
            "eslabones": db.execute("SELECT count(*) FROM papeletas WHERE votacion_id = ?",
                                    [votacion.id]).fetchone()[0],
            "reemplazadas": db.execute("SELECT count(*) FROM papeletas WHERE votacion_id = ? AND reemplazada_en IS NOT "
                                       "NULL", [votacion.id]).fetchone()[0]}
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("VACUUM")
    db.close()
    (carpeta / "base_de_main.json").write_text(json.dumps(esperado, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")


if __name__ == "__main__":
    crear(Path(sys.argv[1]))
