"""Arrastrar al proceso siguiente las propuestas viables que no se financiaron.

Una propuesta viable que ninguna votación priorizó no se pierde: administración la trae al proceso siguiente
mientras ese proceso está en registro. Se crea una propuesta nueva, «registrada» (el equipo del proceso nuevo
decide otra vez su admisión y la evalúa), con el mismo contenido, lugar y autoría, y un enlace a su origen: la
ficha de cada una muestra a la otra. La de origen no cambia de estado. Todas o ninguna.
"""
from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento
from nucleo.errores import DatosInvalidos
from propuestas import almacen
from propuestas.modelo import AccionFueraDeFase, Estado
from propuestas.servicios import fecha_local, obtener_proceso

# Lo que pasa a la propuesta nueva: su contenido, lugar y autoría (no su evaluación, estado ni fechas)
COPIADAS = ("profundidad", "titulo", "problema", "propuesta", "lat", "lon", "ubigeo", "distrito", "centro_poblado",
            "centro_poblado_codigo", "proponente_tipo", "proponente_nombre", "organizacion", "contacto", "objetivo",
            "tipo", "eje", "servicio_publico", "indicador_brecha", "beneficiarios", "costo_centimos",
            "costo_om_centimos", "plazo_meses", "cofinanciamiento_centimos", "madurez", "cui", "sostenibilidad",
            "participante_id", "consentimiento_en", "datos_borrados_en")


def candidatas(db: Database, proceso_destino_id: int) -> list[dict]:
    """Las viables no ocultas de otros procesos que aún no se arrastraron a este (código, título, proceso)."""
    cursor = db.execute("""
        SELECT p.codigo, p.titulo, p.distrito, p.costo_centimos, o.codigo AS proceso FROM propuestas p
        JOIN procesos o ON o.id = p.proceso_id
        WHERE p.estado = ? AND p.oculta_en IS NULL AND p.proceso_id != ?
          AND NOT EXISTS (SELECT 1 FROM propuestas n WHERE n.origen_id = p.id AND n.proceso_id = ?)
        ORDER BY p.codigo""", [Estado.VIABLE.value, proceso_destino_id, proceso_destino_id])
    return [dict(zip([d[0] for d in cursor.description], f)) for f in cursor.fetchall()]


def arrastrar(db: Database, codigos: list[str], proceso_destino_id: int, *, actor: Actor,
              ahora: dt.datetime) -> list[str]:
    """Crea en el proceso de destino una propuesta registrada por cada código; devuelve los códigos nuevos."""
    exigir(actor, Accion.ADMINISTRAR_PROCESOS)
    destino = obtener_proceso(db, proceso_destino_id)
    permiso = destino.permite(Accion.PROPONER, fecha_local(ahora))
    if not permiso:
        raise AccionFueraDeFase(f"{destino.codigo} no está en registro: {permiso.motivo}")
    codigos = list(dict.fromkeys(c.strip().upper() for c in codigos if c and c.strip()))
    if not codigos:
        raise DatosInvalidos([Problema("codigos", "Elija al menos una propuesta viable para traer.")])
    nuevos = []
    with sesiones.escritura_de(db, actor, ahora=ahora):
        libres = {c["codigo"] for c in candidatas(db, proceso_destino_id)}
        problemas = []
        filas = []
        for codigo in codigos:
            fila = almacen.obtener_por_codigo(db, codigo)
            if fila is None:
                problemas.append(Problema("codigos", f"{codigo} no existe."))
            elif fila["proceso_id"] == destino.id:
                problemas.append(Problema("codigos", f"{codigo} ya es de {destino.codigo}."))
            elif fila["estado"] != Estado.VIABLE.value or fila["oculta_en"]:
                estado = "oculta por moderación" if fila["oculta_en"] else Estado(fila["estado"]).etiqueta
                problemas.append(Problema("codigos", f"{codigo} está «{estado}»: solo se traen las viables que no "
                                                     "se financiaron."))
            elif codigo not in libres:
                problemas.append(Problema("codigos", f"{codigo} ya se trajo a {destino.codigo}."))
            else:
                filas.append(fila)
        if problemas:
            raise DatosInvalidos(problemas)
        for fila in filas:
            codigo = almacen.siguiente_codigo(db, destino)
            copia = {c: fila[c] for c in COPIADAS}
            nuevo_id = almacen.insertar_propuesta(db, {
                **copia, "codigo": codigo, "proceso_id": destino.id, "estado": Estado.REGISTRADA.value,
                "origen_id": fila["id"], "es_demo": int(destino.es_demo), "creada_en": marca(ahora),
                "actualizada_en": marca(ahora), "registrada_en": marca(ahora)})
            motivo = f"Viene de {fila['codigo']} (viable, no financiada): se trajo a {destino.codigo}."
            almacen.anotar_transicion(db, nuevo_id, Estado.BORRADOR.value, Estado.REGISTRADA.value,
                                      actor=actor.etiqueta, motivo=motivo, ocurrido_en=marca(ahora))
            registrar_evento(db, Evento(actor.etiqueta, "arrastrar_propuesta", "propuesta", fila["id"], None,
                                        {"a": codigo, "proceso": destino.codigo}), momento=ahora)
            registrar_evento(db, Evento(actor.etiqueta, "registrar_propuesta", "propuesta", nuevo_id, None,
                                        {"estado": "registrada", "codigo": codigo, "origen": fila["codigo"]}),
                             momento=ahora)
            nuevos.append(codigo)
    return nuevos
