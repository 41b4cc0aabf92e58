"""Datos de demostración: propuestas verosímiles, marcadas como DEMO, en una base aparte.

Nunca se mezclan con datos reales: la base queda marcada como de demostración y los casos de
uso se niegan a crear procesos reales en ella (y a la inversa).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import random

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.modelo import Problema, Punto
from identidad.acceso import Actor, Rol
from nucleo.db import Evento, escritura, marca, registrar_evento
from nucleo.errores import DatosInvalidos
from propuestas import almacen, servicios
from propuestas.modelo import CRITERIOS_POR_DEFECTO, Estado, Proceso, puntaje_ponderado, validar_formulario

DEMO = Actor(Rol.ADMINISTRADOR, "demo")
OBRAS = [
    ("Mejoramiento del sistema de agua potable", "Infraestructura: agua, saneamiento, vías y energía",
     "Las familias reciben agua solo dos horas al día y no es segura para tomar."),
    ("Losa deportiva multiusos", "Desarrollo social: salud, educación y nutrición",
     "Los jóvenes no tienen un espacio seguro para hacer deporte."),
    ("Canal de riego revestido", "Desarrollo económico: agricultura, ganadería y turismo",
     "El canal de tierra pierde la mitad del agua antes de llegar a las chacras."),
    ("Módulo de atención a la primera infancia", "Desarrollo social: salud, educación y nutrición",
     "Hay anemia en los niños menores de tres años y no hay dónde atenderlos."),
    ("Mirador turístico y señalización", "Desarrollo económico: agricultura, ganadería y turismo",
     "Los visitantes pasan de largo porque no hay información ni servicios."),
    ("Defensa ribereña con gaviones", "Ambiente y gestión de riesgos",
     "En temporada de lluvias el río se lleva terrenos y amenaza viviendas."),
    ("Taller de liderazgo juvenil", "Gobernanza, participación y seguridad ciudadana",
     "Los jóvenes no participan en las decisiones de su comunidad."),
    ("Alumbrado público en la trocha", "Infraestructura: agua, saneamiento, vías y energía",
     "De noche el camino al colegio es oscuro e inseguro."),
]
NOMBRES = ["Rosa Huamán", "Julio Ramírez", "Elena Cadillo", "Wilder Sánchez", "Yeni Vásquez", "Ñaupa Quispe",
           "Marleni Ch'uspi", "Edwin Alvarado"]
ORGANIZACIONES = ["Junta de Usuarios de Riego", "Vaso de Leche", "Comunidad Campesina", "Red de Jóvenes",
                  "Asociación de Productores de Palta", "Club de Madres"]
ESTADOS_DEMO = [(Estado.REGISTRADA, 30), (Estado.ADMITIDA, 20), (Estado.EN_EVALUACION, 15), (Estado.VIABLE, 20),
                (Estado.NO_VIABLE, 5), (Estado.NO_ADMITIDA, 5), (Estado.RETIRADA, 5)]
CAMINOS = {
    Estado.REGISTRADA: [], Estado.ADMITIDA: [Estado.ADMITIDA], Estado.NO_ADMITIDA: [Estado.NO_ADMITIDA],
    Estado.EN_EVALUACION: [Estado.ADMITIDA, Estado.EN_EVALUACION],
    Estado.VIABLE: [Estado.ADMITIDA, Estado.EN_EVALUACION, Estado.VIABLE],
    Estado.NO_VIABLE: [Estado.ADMITIDA, Estado.EN_EVALUACION, Estado.NO_VIABLE], Estado.RETIRADA: [Estado.RETIRADA],
}


def crear_demo(db: Database, *, cantidad: int, semilla: int, ahora: dt.datetime, estado: Estado | None = None) -> Proceso:
    """Crea (o reutiliza) el proceso DEMO y le agrega `cantidad` propuestas de demostración (en estados al azar, o
    todas en `estado`, p. ej. viables para una votación)."""
    territorio = territorio_servicios.exigir_territorio(db)
    centros = territorio_servicios.centros_poblados(db)
    if not centros:
        raise DatosInvalidos([Problema("centros_poblados", "La demostración reparte propuestas por los centros "
                                                           "poblados: impórtelos primero (python -m geo importar).")])
    proceso = _proceso_demo(db, territorio.provincia, ahora)
    azar = random.Random(semilla)
    with escritura(db):
        primero = db.execute("SELECT count(*) FROM propuestas WHERE proceso_id = ? AND codigo IS NOT NULL",
                             [proceso.id]).fetchone()[0]
        filas, pasos = [], []
        for numero in range(primero + 1, primero + cantidad + 1):
            centro = azar.choice(centros)
            punto = _cerca(azar, centro, territorio)
            distrito = territorio.ubicar(punto)
            datos = _datos(azar, centro.nombre.title(), distrito.nombre, punto)
            limpio = validar_formulario(datos, ejes=proceso.ejes, consentimiento_previo=True)  # nombres inventados
            limpio.pop("consentimiento")
            elegido = estado or azar.choices([e for e, _ in ESTADOS_DEMO], weights=[p for _, p in ESTADOS_DEMO])[0]
            registrada = ahora - dt.timedelta(minutes=cantidad - numero + primero)
            filas.append({**{k: v for k, v in limpio.items() if k != "beneficiarios"},
                          "beneficiarios": json.dumps(limpio["beneficiarios"]), "codigo": f"DEMO-{numero:05d}",
                          "proceso_id": proceso.id, "estado": elegido.value, "lat": punto.lat, "lon": punto.lon,
                          "ubigeo": distrito.ubigeo, "distrito": distrito.nombre, "centro_poblado": centro.nombre,
                          "centro_poblado_codigo": centro.codigo, "es_demo": 1, "creada_en": marca(registrada),
                          "actualizada_en": marca(ahora), "registrada_en": marca(registrada),
                          **_marcas(elegido, ahora), "motivo_estado": _motivo(elegido)})
            pasos.append((elegido, _puntajes(azar) if elegido in (Estado.EN_EVALUACION, Estado.VIABLE,
                                                                  Estado.NO_VIABLE) else None))
        almacen.insertar_propuestas(db, filas)
        ids = dict(db.execute("SELECT codigo, id FROM propuestas WHERE proceso_id = ? AND codigo >= ?",
                              [proceso.id, filas[0]["codigo"] if filas else ""]).fetchall())
        almacen.anotar_transiciones(db, _transiciones(filas, pasos, ids, ahora))
        db.table("evaluaciones").insert_all(_evaluaciones(filas, pasos, ids, ahora), batch_size=1000)
        almacen.puntaje_tecnico_desde_evaluaciones(db, proceso.id)
        registrar_evento(db, Evento(DEMO.etiqueta, "crear_propuestas_demo", "proceso", proceso.id, None,
                                    {"cantidad": cantidad, "semilla": semilla}), momento=ahora)
    return proceso


def _proceso_demo(db: Database, provincia: str, ahora: dt.datetime) -> Proceso:
    """El proceso DEMO de la base; crearlo marca la base como de demostración (o falla si hay reales)."""
    existente = next((p for p in almacen.listar_procesos(db) if p.codigo == "DEMO"), None)
    if existente:
        return existente
    sugerido = servicios.proceso_sugerido(provincia, servicios.fecha_local(ahora))
    demo = Proceso(**{**sugerido.__dict__, "nombre": "DEMOSTRACIÓN — Presupuesto Participativo", "codigo": "DEMO",
                      "es_demo": True})
    return servicios.crear_proceso(db, demo, actor=DEMO, ahora=ahora)


def _cerca(azar: random.Random, centro, territorio) -> Punto:
    """Un punto a menos de ~400 m del centro poblado que siga dentro de la provincia."""
    for _ in range(10):
        angulo, metros = azar.uniform(0, 2 * math.pi), azar.uniform(0, 400)
        punto = Punto(centro.lat + metros * math.sin(angulo) / 110_574,
                      centro.lon + metros * math.cos(angulo) / (111_320 * math.cos(math.radians(centro.lat))))
        if territorio.ubicar(punto) is not None:
            return punto
    return centro.punto


def _datos(azar: random.Random, centro: str, distrito: str, punto: Punto) -> dict:
    obra, eje, problema = azar.choice(OBRAS)
    joven = azar.random() < 0.3
    organizacion = not joven and azar.random() < 0.6
    datos = {
        "profundidad": "organizacion" if organizacion else "joven",
        "titulo": f"[DEMO] {obra} en {centro}"[:120],
        "problema": f"{problema} (Centro poblado {centro}, distrito de {distrito}.)",
        "propuesta": f"{obra} para las familias de {centro}, con mano de obra local y faena comunal.",
        "proponente_tipo": "joven" if joven else ("organizacion" if organizacion else "individual"),
        "proponente_nombre": azar.choice(NOMBRES), "eje": eje, "lat": punto.lat, "lon": punto.lon,
        "costo": str(azar.randrange(20, 900) * 1000),
    }
    if organizacion:
        datos.update({
            "organizacion": f"{azar.choice(ORGANIZACIONES)} de {centro}",
            "objetivo": f"Las familias de {centro} cuentan con {obra.lower()} en buen estado.",
            "tipo": azar.choice(["proyecto_inversion", "actividad", "gestion"]), "madurez": azar.choice(
                ["sin_idea", "idea", "ficha_perfil", "expediente"]),
            "directos_mujeres": azar.randrange(10, 400), "directos_hombres": azar.randrange(10, 400),
            "indirectos": azar.randrange(0, 2000), "plazo_meses": azar.randrange(2, 18),
            "cofinanciamiento": str(azar.randrange(0, 20) * 1000),
        })
    return datos


def _marcas(estado: Estado, ahora: dt.datetime) -> dict:
    return {f"{paso.value}_en": marca(ahora) for paso in CAMINOS[estado]}


def _motivo(estado: Estado) -> str | None:
    return {Estado.NO_ADMITIDA: "[DEMO] No corresponde a competencias municipales.",
            Estado.NO_VIABLE: "[DEMO] El terreno no está saneado.",
            Estado.RETIRADA: "[DEMO] Retirada por sus autores."}.get(estado)


def _puntajes(azar: random.Random) -> dict[str, int]:
    return {c.clave: azar.randrange(0, 4) for c in CRITERIOS_POR_DEFECTO}


def _transiciones(filas, pasos, ids, ahora):
    for fila, (estado, _) in zip(filas, pasos):
        desde = Estado.BORRADOR
        for hacia in [Estado.REGISTRADA, *CAMINOS[estado]]:
            yield {"propuesta_id": ids[fila["codigo"]], "desde": desde.value, "hacia": hacia.value, "actor": DEMO.etiqueta,
                   "motivo": _motivo(hacia), "ocurrido_en": marca(ahora)}
            desde = hacia


def _evaluaciones(filas, pasos, ids, ahora):
    for fila, (estado, puntajes) in zip(filas, pasos):
        if puntajes:
            yield {"propuesta_id": ids[fila["codigo"]], "evaluador": DEMO.nombre, "puntajes": json.dumps(puntajes),
                   "puntaje": puntaje_ponderado(CRITERIOS_POR_DEFECTO, puntajes),
                   "costo_validado_centimos": fila["costo_centimos"],
                   "viable": {Estado.VIABLE: 1, Estado.NO_VIABLE: 0}.get(estado), "notas": _motivo(estado),
                   "creada_en": marca(ahora)}
