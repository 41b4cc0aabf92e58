"""Los derechos de cada persona sobre sus datos (Ley 29733): encontrarla, ver todo lo que la plataforma guarda de
ella (acceso), corregirlo (rectificación, en «Participantes») y borrarlo (supresión).

Una persona puede estar en varios lugares: registrada como participante de uno o más procesos (nombre, DNI,
celular; sus argumentos y apoyos cuelgan de ese registro) o solo como quien envió una propuesta desde el formulario
público o en una ficha de papel (nombre y celular o correo). `buscar` la encuentra por nombre (sin tildes ni
mayúsculas), celular, correo o DNI en todos ellos; `exportar` junta lo que hay de los registros elegidos (JSON y
un PDF legible); `borrar` reemplaza los datos personales por «dato eliminado» (o el seudónimo «Participante N»)
y deja el contenido público de las propuestas, que es participación en un asunto público. Si la persona es además
una cuenta activa del equipo, no se borra nada: primero se desactiva la cuenta (lo que hizo como equipo queda en el
registro de eventos).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlite_utils import Database

from identidad import cuentas, participantes, sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento
from nucleo.errores import DatosInvalidos, Problema
from nucleo.formato import formatear_fecha_y_hora
from nucleo.pdf import Documento
from propuestas import almacen
from propuestas.hoja import normalizar
from propuestas.modelo import DATO_ELIMINADO

CLASES = {"participante": "Participante registrado", "propuesta": "Quien envió una propuesta"}


@dataclass(frozen=True)
class Registro:
    """Un lugar donde la plataforma guarda datos de una persona."""

    clase: str                 # «participante» o «propuesta»
    id: int
    proceso: str               # código del proceso
    nombre: str | None
    contacto: str | None       # celular o correo (de un participante: su celular)
    descripcion: str
    borrado_en: str | None

    @property
    def clave(self) -> str:
        return f"{self.clase}:{self.id}"


@dataclass(frozen=True)
class Busqueda:
    registros: list[Registro]
    cuentas: list[dict]        # cuentas del equipo con el mismo nombre (usuario, nombre, rol, desactivada_en)


def buscar(db: Database, texto: str, *, actor: Actor) -> Busqueda:
    """Dónde aparece una persona: por nombre (todas sus palabras, sin tildes ni mayúsculas), celular (6 cifras o
    más, con o sin +51), correo o DNI."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    buscado = (texto or "").strip()
    if len(buscado) < 3:
        raise DatosInvalidos([Problema("buscar", "Escriba al menos 3 letras del nombre, o el celular, el correo o "
                                                 "el DNI de la persona.")])
    coincide = _comparador(buscado)
    procesos = {p.id: p.codigo for p in almacen.listar_procesos(db)}
    registros = []
    for fila in participantes.para_buscar(db):
        if coincide(fila["nombre"], fila["telefono"], fila["dni"]):
            registros.append(Registro(
                "participante", fila["id"], procesos.get(fila["proceso_id"], "?"), fila["nombre"], fila["telefono"],
                f"Participante ({fila['tipo']}) registrado el {formatear_fecha_y_hora(fila['registrado_en'])}"
                + (f", DNI {fila['dni']}" if fila["dni"] else ""), fila["datos_borrados_en"]))
    for fila in almacen.proponentes_para_buscar(db):
        nombre, contacto = fila["proponente_nombre"], fila["contacto"]
        if fila["estado"] == "borrador":  # lo escrito en un borrador aún no está en las columnas
            escrito = json.loads(fila["borrador"] or "{}")
            nombre, contacto = escrito.get("proponente_nombre") or nombre, escrito.get("contacto") or contacto
            fila["titulo"] = fila["titulo"] or escrito.get("titulo")
        if (nombre or contacto) and coincide(nombre, contacto, None):
            que = (f"Propuesta {fila['codigo']} «{fila['titulo']}»" if fila["codigo"]
                   else f"Borrador sin enviar «{fila['titulo'] or 'sin título'}»")
            registros.append(Registro("propuesta", fila["id"], procesos.get(fila["proceso_id"], "?"), nombre, contacto, que,
                                      fila["datos_borrados_en"]))
    nombres = {normalizar(r.nombre) for r in registros if r.nombre}
    del_equipo = [c for c in cuentas.para_buscar(db)
                  if normalizar(c["nombre"]) in nombres or coincide(c["nombre"], None, None)]
    return Busqueda(registros, del_equipo)


def _comparador(buscado: str):
    cifras = re.sub(r"\D", "", buscado)
    es_numero = len(cifras) >= 6 and not re.search(r"[^\d\s+()-]", buscado)
    if es_numero:
        cifras = cifras.removeprefix("51") if len(cifras) == 11 else cifras

        def por_numero(_nombre, contacto, dni) -> bool:
            return any(cifras in re.sub(r"\D", "", v or "") for v in (contacto, dni))
        return por_numero
    if "@" in buscado:
        correo = buscado.lower()
        return lambda _n, contacto, _d: bool(contacto) and correo in contacto.lower()
    palabras = normalizar(buscado).split()
    return lambda nombre, _c, _d: bool(nombre) and all(p in normalizar(nombre) for p in palabras)


def _separar(claves: list[str]) -> tuple[list[int], list[int]]:
    ids: dict[str, list[int]] = {"participante": [], "propuesta": []}
    for clave in claves:
        clase, _, numero = clave.partition(":")
        if clase not in ids or not numero.isdigit():
            raise DatosInvalidos([Problema("registros", f"«{clave}» no es un registro de datos personales.")])
        ids[clase].append(int(numero))
    if not claves:
        raise DatosInvalidos([Problema("registros", "Elija al menos un registro de la persona.")])
    return ids["participante"], ids["propuesta"]


def exportar(db: Database, claves: list[str], *, actor: Actor, ahora: dt.datetime) -> dict:
    """Todo lo que la plataforma guarda en esos registros (derecho de acceso): cada participante con sus códigos
    (sin el código en claro), sus propuestas, sus argumentos y cuántos apoyos dio; cada propuesta con su contacto y
    su borrador. La papeleta de una votación es secreta y no sale aquí. Deja constancia de quién lo pidió."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    ids_participantes, ids_propuestas = _separar(claves)
    datos: dict = {"generado_en": marca(ahora), "ley": "Ley 29733, de Protección de Datos Personales",
                   "participantes": [], "propuestas": []}
    for participante_id in ids_participantes:
        guardado = participantes.datos_de(db, participante_id)
        datos["participantes"].append({
            **guardado, "propuestas": almacen.propuestas_de_participante(db, participante_id),
            "argumentos": almacen.argumentos_de_participante(db, participante_id),
            "apoyos_dados": almacen.apoyos_de_participante(db, participante_id)})
    for propuesta_id in ids_propuestas:
        datos["propuestas"].append(almacen.datos_de_proponente(db, propuesta_id))
    with sesiones.escritura_de(db, actor, ahora=ahora):
        registrar_evento(db, Evento(actor.etiqueta, "exportar_datos_personales", "persona", claves[0], None,
                                    {"registros": claves}), momento=ahora)
    return datos


def como_json(datos: dict) -> bytes:
    return json.dumps(datos, ensure_ascii=False, indent=2, default=str).encode()


def como_pdf(datos: dict, *, autor: str) -> bytes:
    """Lo mismo que el JSON, para leer: una sección por registro."""
    documento = Documento("Datos personales que guarda la plataforma", dt.datetime.fromisoformat(datos["generado_en"]),
                          autor=autor)
    documento.parrafo(f"Generado el {formatear_fecha_y_hora(datos['generado_en'])} a pedido de la persona titular "
                      f"({datos['ley']}). La papeleta de una votación es secreta y no figura aquí.")
    for registro in datos["participantes"]:
        persona = registro["participante"]
        documento.titulo(f"Participante n.º {persona['id']}")
        documento.tabla(["Dato", "Valor"], [[campo, "" if valor is None else valor] for campo, valor in persona.items()],
                        (60, 120))
        if registro["codigos_de_acceso"]:
            documento.tabla(["Código emitido", "Revocado"], [[c["emitido_en"], c["revocado_en"] or ""]
                                                             for c in registro["codigos_de_acceso"]], (90, 90))
        if registro["propuestas"]:
            documento.tabla(["Propuesta", "Título", "Estado", "Contacto"],
                            [[p["codigo"], p["titulo"], p["estado"], p["contacto"] or ""]
                             for p in registro["propuestas"]], (25, 95, 25, 35))
        for argumento in registro["argumentos"]:
            documento.parrafo(f"Argumento en {argumento['propuesta']} ({argumento['creado_en']}): {argumento['texto']}")
        documento.parrafo(f"Apoyos dados: {registro['apoyos_dados']}.")
    for propuesta in datos["propuestas"]:
        documento.titulo(f"Propuesta {propuesta['codigo'] or '(borrador sin enviar)'}")
        documento.tabla(["Dato", "Valor"], [[campo, "" if valor is None else valor]
                                            for campo, valor in propuesta.items()], (60, 120))
    return documento.salida()


def borrar(db: Database, claves: list[str], *, motivo: str, actor: Actor, ahora: dt.datetime) -> int:
    """Derecho de supresión: en cada registro, nombre, DNI, celular y correo pasan a «dato eliminado» (o al
    seudónimo «Participante N»), el borrador se vacía y los códigos y sesiones de un participante terminan. El
    contenido público de sus propuestas y argumentos se queda. Devuelve cuántos registros se borraron.

    Si la persona es también una cuenta activa del equipo, no borra nada y dice qué hacer."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    motivo = " ".join((motivo or "").split())
    if len(motivo) < 5:
        raise DatosInvalidos([Problema("motivo", "Escriba el motivo del borrado (p. ej. «a pedido de la persona, "
                                                 "carta del 3/12/2026»).")])
    ids_participantes, ids_propuestas = _separar(claves)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        nombres = {normalizar(n) for n in (*participantes.nombres_de(db, ids_participantes),
                                           *almacen.nombres_de_proponentes(db, ids_propuestas)) if n}
        activas = [c for c in cuentas.para_buscar(db)
                   if normalizar(c["nombre"]) in nombres and not c["desactivada_en"]]
        if activas:
            cuenta = activas[0]
            raise DatosInvalidos([Problema("registros", (
                f"{cuenta['nombre']} es también una cuenta activa del equipo (usuario «{cuenta['usuario']}»). No se "
                "borró nada: primero desactive esa cuenta en «Cuentas del equipo» y vuelva a pedir el borrado. Lo "
                "que hizo como equipo queda en el registro de eventos, que la ley permite conservar."))])
        for participante_id in ids_participantes:
            seudonimo = f"Participante {participante_id}"
            participantes.seudonimizar(db, participante_id, seudonimo, ahora=ahora)
            almacen.seudonimizar_propuestas(db, participante_id, seudonimo)
            registrar_evento(db, Evento(actor.etiqueta, "borrar_datos_personales", "participante", participante_id,
                                        None, {"seudonimo": seudonimo, "motivo": motivo}), momento=ahora)
        for propuesta_id in ids_propuestas:
            almacen.borrar_datos_de_proponente(db, propuesta_id, DATO_ELIMINADO, ahora=marca(ahora))
            registrar_evento(db, Evento(actor.etiqueta, "borrar_datos_personales", "propuesta", propuesta_id, None,
                                        {"motivo": motivo}), momento=ahora)
    almacen.olvidar_paginas_viejas(db)
    return len(ids_participantes) + len(ids_propuestas)


# --- regla de conservación (la aplica `votacion.conservacion`, que sabe cuándo se firmó el acta) ----------------

MAXIMO_MESES = 120


def fijar_conservacion(db: Database, proceso_id: int, meses: int | None, *, actor: Actor, ahora: dt.datetime) -> None:
    """Cuántos meses después del acta se guardan celulares, correos, DNI y borradores del proceso (None: sin regla)."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    if meses is not None and not (isinstance(meses, int) and 1 <= meses <= MAXIMO_MESES):
        raise DatosInvalidos([Problema("meses", f"Meses: «{meses}» no vale; escriba de 1 a {MAXIMO_MESES} (o deje "
                                                "el proceso sin regla).")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        reglas = almacen.conservacion_de_procesos(db)
        if proceso_id not in reglas:
            raise DatosInvalidos([Problema("proceso", f"No existe el proceso n.º {proceso_id}.")])
        antes = reglas[proceso_id]
        almacen.fijar_conservacion(db, proceso_id, meses)
        registrar_evento(db, Evento(actor.etiqueta, "fijar_conservacion", "proceso", proceso_id,
                                    {"meses": antes}, {"meses": meses}), momento=ahora)


def contactos_pendientes(db: Database, proceso_id: int) -> int:
    """Cuántos registros del proceso guardan aún un celular, un correo, un DNI o un borrador."""
    return participantes.contactos_pendientes(db, proceso_id) + almacen.contactos_pendientes(db, proceso_id)


def borrar_contactos(db: Database, proceso_id: int, *, motivo: str, actor: Actor, ahora: dt.datetime) -> int:
    """Borra celulares, correos, DNI y borradores de todo el proceso (los nombres publicados quedan); devuelve
    cuántos registros cambiaron."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        cuantos = (participantes.borrar_contactos_de_proceso(db, proceso_id)
                   + almacen.borrar_contactos_de_proceso(db, proceso_id, ahora=marca(ahora)))
        registrar_evento(db, Evento(actor.etiqueta, "borrar_contactos_del_proceso", "proceso", proceso_id, None,
                                    {"registros": cuantos, "motivo": motivo}), momento=ahora)
    almacen.olvidar_paginas_viejas(db)
    return cuantos


# --- lo de antes, para un participante (lo usan «Participantes» y las pruebas de acceso) ------------------

def exportar_datos_personales(db: Database, participante_id: int, *, actor: Actor) -> dict:
    """Todo lo que la plataforma guarda de un participante (derecho de acceso, Ley 29733)."""
    exigir(actor, Accion.VER_DATOS_PERSONALES)
    datos = participantes.datos_de(db, participante_id)
    return {"participante": datos["participante"], "propuestas": almacen.propuestas_de_participante(db, participante_id),
            "codigos_de_acceso": datos["codigos_de_acceso"]}


def borrar_datos_personales(db: Database, participante_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    """Borra nombre, DNI y celular de un participante (derecho de supresión); sus propuestas quedan, seudonimizadas."""
    borrar(db, [f"participante:{participante_id}"], motivo="A pedido de la persona.", actor=actor, ahora=ahora)


__all__ = ["CLASES", "MAXIMO_MESES", "Busqueda", "Registro", "borrar", "borrar_contactos", "contactos_pendientes",
           "fijar_conservacion", "borrar_datos_personales", "buscar", "como_json",
           "como_pdf", "exportar", "exportar_datos_personales"]
