"""Quién participa en cada etapa de un proceso: las actividades (talleres y eventos públicos) con su asistencia, y
el conteo de personas por etapa × sexo × franja de edad × distrito × tipo de participante, sin que nadie sea
identificable.

La etapa de priorización suma, además de sus actividades, a quienes se unieron, asistieron o votaron con su código
en una votación del proceso (el taller en vivo). Una celda con 1 a 4 personas no se muestra ni se exporta: dice
«menos de 5» (`UMBRAL`). Los totales de cada etapa se muestran si llegan al umbral; para que una celda chica no se
deduzca restando del total, se reservan también las celdas visibles más chicas que hagan falta (dicen «reservado»).
Se cuentan personas (una vez por etapa, aunque fueran a dos talleres de esa etapa).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from sqlite_utils import Database

from identidad import participantes, sesiones
from identidad.acceso import Accion, Actor, SinPermiso, exigir
from nucleo.db import Evento, insertar, lectura, marca, registrar_evento
from nucleo.errores import DatosInvalidos, NoEncontrada, Problema
from nucleo.formato import formatear_fecha, limpiar_linea
from propuestas import almacen as propuestas_almacen
from propuestas import servicios as propuestas_servicios

ETAPAS = {"diagnostico": "Diagnóstico", "deliberacion": "Deliberación", "priorizacion": "Priorización",
          "rendicion": "Rendición de cuentas"}
PROPUESTAS = "propuestas"  # en el informe, quienes presentaron propuestas (no es una etapa con actividades)
EN_EL_INFORME = {**ETAPAS, PROPUESTAS: "Presentaron propuestas"}
DIMENSIONES = {"sexo": "Sexo", "franja_edad": "Edad", "ubigeo": "Distrito", "tipo": "Tipo de participante"}
UMBRAL = 5
MENOS = f"menos de {UMBRAL}"
RESERVADO = "reservado"  # una celda de 5 o más que se oculta para que otra chica no se deduzca restando del total
SIN_DATO = "sin dato"


def crear_actividad(db: Database, proceso_id: int, datos: dict, *, actor: Actor, ahora: dt.datetime) -> int:
    """Una actividad del proceso: etapa, nombre (3 a 200), fecha (AAAA-MM-DD o date) y lugar (opcional)."""
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    problemas = []
    etapa = datos.get("etapa")
    if etapa not in ETAPAS:
        problemas.append(Problema("etapa", f"Etapa: «{etapa}» no es una opción; elija {', '.join(ETAPAS.values())}."))
    nombre = limpiar_linea(datos.get("nombre") if isinstance(datos.get("nombre"), str) else "")
    if not 3 <= len(nombre) <= 200:
        problemas.append(Problema("nombre", f"Nombre: tiene {len(nombre)} caracteres; debe tener entre 3 y 200."))
    escrita = datos.get("fecha")
    fecha = dt.date.min
    try:
        fecha = escrita if isinstance(escrita, dt.date) else dt.date.fromisoformat(str(escrita))
    except ValueError:
        problemas.append(Problema("fecha", f"Fecha: «{escrita}» no es una fecha (AAAA-MM-DD)."))
    lugar = limpiar_linea(datos.get("lugar") if isinstance(datos.get("lugar"), str) else "") or None
    if problemas:
        raise DatosInvalidos(problemas)
    propuestas_servicios.obtener_proceso(db, proceso_id)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        actividad_id = insertar(db, "actividades", {
            "proceso_id": proceso_id, "etapa": etapa, "nombre": nombre, "fecha": fecha.isoformat(), "lugar": lugar,
            "creada_en": marca(ahora), "creada_por": actor.etiqueta})
        registrar_evento(db, Evento(actor.etiqueta, "crear_actividad", "actividad", actividad_id, None,
                                    {"proceso_id": proceso_id, "etapa": etapa, "fecha": fecha.isoformat()}),
                         momento=ahora)
    return actividad_id


def actividades(db: Database, proceso_id: int) -> list[dict]:
    """Las actividades del proceso, la más reciente primero, con cuántas personas asistieron."""
    cursor = db.execute("""SELECT a.id, a.etapa, a.nombre, a.fecha, a.lugar,
                                  (SELECT count(*) FROM asistencias_actividad s WHERE s.actividad_id = a.id) AS asistentes
                           FROM actividades a WHERE a.proceso_id = ? ORDER BY a.fecha DESC, a.id DESC""", [proceso_id])
    return [dict(zip([d[0] for d in cursor.description], fila)) for fila in cursor.fetchall()]


def anotar_asistencia(db: Database, actividad_id: int, participante_ids: list[int], *, actor: Actor,
                      ahora: dt.datetime) -> int:
    """Anota que esas personas (del mismo proceso) asistieron; devuelve cuántas eran nuevas (anotar dos veces a la
    misma no cuenta doble)."""
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    if not participante_ids:
        raise DatosInvalidos([Problema("participantes", "Elija al menos una persona.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = db.execute("SELECT proceso_id FROM actividades WHERE id = ?", [actividad_id]).fetchone()
        if fila is None:
            raise NoEncontrada(f"No existe la actividad n.º {actividad_id}.")
        nuevas = 0
        for participante_id in participante_ids:
            participantes.exigir_del_proceso(db, participante_id, fila[0],
                                             f"La persona n.º {participante_id} no es de este proceso.")
            nuevas += db.execute("INSERT OR IGNORE INTO asistencias_actividad (actividad_id, participante_id, "
                                 "registrada_en, registrada_por) VALUES (?, ?, ?, ?)",
                                 [actividad_id, participante_id, marca(ahora), actor.etiqueta]).rowcount
        registrar_evento(db, Evento(actor.etiqueta, "anotar_asistencia", "actividad", actividad_id, None,
                                    {"personas": len(participante_ids), "nuevas": nuevas}), momento=ahora)
    return nuevas


def marcar_mi_asistencia(db: Database, actividad_id: int, *, actor: Actor, ahora: dt.datetime) -> tuple[bool, str]:
    """El QR de la puerta: la persona, con la sesión de su código, anota su propia asistencia, el día de la actividad.
    Devuelve (si era nueva, el nombre de la actividad); dos veces no cuenta doble."""
    if actor.participante_id is None:
        raise SinPermiso("Para anotar su asistencia, entre con el código de acceso de su tarjeta.")
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = db.execute("SELECT proceso_id, nombre, fecha FROM actividades WHERE id = ?", [actividad_id]).fetchone()
        if fila is None:
            raise NoEncontrada(f"No existe la actividad n.º {actividad_id}; revise el QR.")
        proceso_id, nombre, fecha = fila
        if fecha != propuestas_servicios.fecha_local(ahora).isoformat():
            raise DatosInvalidos([Problema("actividad", (
                f"«{nombre}» es del {formatear_fecha(dt.date.fromisoformat(fecha))}: por el QR, la asistencia se anota "
                "ese día. Si asistió, pídale a la facilitación que la anote."))])
        participantes.exigir_del_proceso(db, actor.participante_id, proceso_id,
                                         f"Su código es de otro proceso; «{nombre}» no es de ese proceso.")
        nueva = db.execute("INSERT OR IGNORE INTO asistencias_actividad (actividad_id, participante_id, registrada_en, "
                           "registrada_por) VALUES (?, ?, ?, ?)",
                           [actividad_id, actor.participante_id, marca(ahora), actor.etiqueta]).rowcount > 0
        if nueva:
            registrar_evento(db, Evento(actor.etiqueta, "marcar_asistencia", "actividad", actividad_id, None,
                                        {"por": "qr"}), momento=ahora)
    return nueva, nombre


def _personas_por_etapa(db: Database, proceso_id: int) -> dict[str, list[dict]]:
    """etapa → cada persona que participó en ella, una vez (con su sexo, franja, distrito y tipo)."""
    columnas = "p.id, p.sexo, p.franja_edad, p.ubigeo, p.tipo"
    por_etapa: dict[str, list[dict]] = {}
    for etapa in ETAPAS:
        consultas = [f"SELECT DISTINCT {columnas} FROM participantes p JOIN asistencias_actividad s ON s.participante_id = p.id "
                     "JOIN actividades a ON a.id = s.actividad_id WHERE a.proceso_id = ? AND a.etapa = ?"]
        parametros: list = [proceso_id, etapa]
        if etapa == "priorizacion":  # el taller en vivo: quienes se unieron, asistieron o votaron con su código
            for tabla in ("presencias", "asistencias", "papeletas"):
                consultas.append(f"SELECT {columnas} FROM participantes p JOIN {tabla} x ON x.participante_id = p.id "
                                 "JOIN votaciones v ON v.id = x.votacion_id WHERE v.proceso_id = ?")
                parametros.append(proceso_id)
        cursor = db.execute(" UNION ".join(consultas), parametros)
        por_etapa[etapa] = [dict(zip(("id", "sexo", "franja_edad", "ubigeo", "tipo"), f)) for f in cursor.fetchall()]
    return por_etapa


def personas_por_etapa(db: Database, proceso_id: int, *, actor: Actor) -> dict[str, list[dict]]:
    """etapa → cada persona que participó en ella, una vez (sexo, franja, distrito, tipo): una sola lectura, que
    `contar` agrupa como haga falta."""
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    with lectura(db):
        return _personas_por_etapa(db, proceso_id)


def proponentes(db: Database, proceso_id: int, *, actor: Actor) -> list[dict]:
    """Quienes presentaron propuestas en el proceso (con cuenta: una vez; sin cuenta: una por propuesta, que es lo
    único que se sabe de ellas), con su sexo y franja si los dieron."""
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    return propuestas_almacen.proponentes_del_proceso(db, proceso_id)


def contar(por_etapa: dict[str, list[dict]], dimensiones: tuple[str, ...]) -> list[dict]:
    """Personas por etapa y por `dimensiones` (de `DIMENSIONES`), con las celdas de 1 a 4 suprimidas: cada fila
    trae `personas` (None si se suprimió) y `texto` («12» o «menos de 5»). Puro."""
    desconocidas = [d for d in dimensiones if d not in DIMENSIONES]
    if desconocidas:
        raise DatosInvalidos([Problema("dimensiones", f"No se cuenta por {', '.join(desconocidas)}.")])
    filas = []
    for etapa, personas in por_etapa.items():
        cuenta = sorted(Counter(tuple(p[d] or SIN_DATO for d in dimensiones) for p in personas).items(),
                        key=lambda c: (-c[1], c[0]))
        reservadas = _reservadas([n for _, n in cuenta])
        for indice, (claves, personas_en_celda) in enumerate(cuenta):
            visible = personas_en_celda >= UMBRAL and indice not in reservadas
            filas.append({"etapa": etapa, **dict(zip(dimensiones, claves)),
                          "personas": personas_en_celda if visible else None,
                          "texto": f"{personas_en_celda:,}" if visible else
                          (RESERVADO if personas_en_celda >= UMBRAL else MENOS)})
    return filas


def _reservadas(cuentas: list[int]) -> set[int]:
    """Supresión complementaria dentro de una etapa: el total de la etapa se publica, así que una sola celda
    suprimida, o varias que juntas suman menos que el umbral, se deducirían restando. Se reservan además las celdas
    visibles más chicas hasta que lo oculto sean dos celdas o más y sume al menos `UMBRAL`. Índices de `cuentas`."""
    ocultas = sum(1 for n in cuentas if n < UMBRAL)
    suma = sum(n for n in cuentas if n < UMBRAL)
    visibles = sorted((n, -i) for i, n in enumerate(cuentas) if n >= UMBRAL)  # la más chica, la de más abajo
    reservadas: set[int] = set()
    while ocultas and visibles and (ocultas == 1 or suma < UMBRAL):
        n, menos_indice = visibles.pop(0)
        reservadas.add(-menos_indice)
        ocultas, suma = ocultas + 1, suma + n
    return reservadas


def conteos(db: Database, proceso_id: int, dimensiones: tuple[str, ...], *, actor: Actor) -> list[dict]:
    """`contar` sobre `personas_por_etapa`."""
    return contar(personas_por_etapa(db, proceso_id, actor=actor), dimensiones)


def totales(db: Database, proceso_id: int, *, actor: Actor) -> dict[str, str]:
    """etapa → personas que participaron (con la misma supresión)."""
    return {fila["etapa"]: fila["texto"] for fila in conteos(db, proceso_id, (), actor=actor)}


def como_csv(filas: list[dict], dimensiones: tuple[str, ...], etiquetas: dict[str, dict[str, str]]) -> str:
    """La tabla para la hoja de cálculo, con las etiquetas en castellano; lo suprimido dice «menos de 5»."""
    salida = io.StringIO()
    escritor = csv.writer(salida)
    escritor.writerow(["Etapa", *(DIMENSIONES[d] for d in dimensiones), "Personas"])
    for fila in filas:
        escritor.writerow([EN_EL_INFORME[fila["etapa"]], *(etiquetas.get(d, {}).get(fila[d], fila[d]) for d in dimensiones),
                           fila["texto"]])
    return salida.getvalue()
