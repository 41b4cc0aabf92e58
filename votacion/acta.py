"""Acta del taller de priorización en PDF, hecha solo con lo que hay en la base.

Proceso y votación, fecha y lugar, facilitación, asistencia por organización y por distrito, método y regla
con sus parámetros, tabla de resultados y barra del techo, mapa del monto financiado por distrito, empates y
cómo se resolvieron, las propuestas retiradas de la votación (con su motivo), cada reapertura tras un cierre (con
su motivo y hora), el Comité de Vigilancia elegido, acuerdos y compromisos, espacio para las firmas de los agentes participantes y un bloque de
verificación: huella SHA-256 del archivo de papeletas, el ancla de la cadena (cabeza y eslabones anotados al
cierre) y cómo recontarlo.

Volver a generarla da el mismo archivo, byte por byte: la fecha del PDF es la del cierre (o la apertura) de la
votación, no la de hoy.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.dibujo import texto_sobre
from geo.pdf import Documento
from identidad import cuentas
from identidad.acceso import Actor
from nucleo.formato import formatear_fecha_y_hora, formatear_soles, formatear_soles_corto
from propuestas import servicios as propuestas_servicios
from votacion import almacen
from votacion.conteo import ancla_de, contar_votacion, exigir_resultados
from votacion.modelo import REGLAS, EstadoVotacion
from votacion.organizar import obtener
from votacion.papeletas import reaperturas as reaperturas_de
from votacion.papeletas import retiradas as retiradas_de
from votacion.publicar import archivo_pb as archivo_pb_de
from votacion.taller import acuerdos as acuerdos_de
from votacion.taller import contar_asistencia

VERDES = ((27, 94, 32), (46, 125, 50), (56, 142, 60), (67, 160, 71), (76, 175, 80), (102, 187, 106))
FIRMAS = 12


def acta_pdf(db: Database, votacion_id: int, *, actor: Actor) -> bytes:
    """El acta, si `actor` puede ver los resultados de la votación (cerrada, revelados o la facilitación)."""
    exigir_resultados(db, votacion_id, actor=actor)
    return armar_acta(db, votacion_id)


def armar_acta(db: Database, votacion_id: int) -> bytes:
    """El cómputo de `acta_pdf`, sin preguntar permiso: lo que la consola cachea tras `exigir_resultados`."""
    votacion = obtener(db, votacion_id)
    proceso = propuestas_servicios.obtener_proceso(db, votacion.proceso_id)
    resultado = contar_votacion(db, votacion_id, comparar=False)
    asistencia = contar_asistencia(db, votacion_id)
    acuerdos = acuerdos_de(db, votacion_id)
    archivo_pb = archivo_pb_de(db, votacion_id)
    ancla = ancla_de(resultado.eleccion)
    retiradas = retiradas_de(db, votacion_id)
    reaperturas = reaperturas_de(db, votacion_id)
    cierres = almacen.cierres(db, votacion_id) if votacion.estado == EstadoVotacion.CERRADA else []
    territorio = territorio_servicios.cargar_territorio(db)
    usuarios = sorted({actor.split(":", 1)[1] for (actor,) in db.execute(
        "SELECT DISTINCT actor FROM eventos WHERE objeto_tipo = 'votacion' AND objeto_id = ?", [str(votacion_id)])
        if actor.startswith(("facilitador:", "administrador:"))})
    nombres = cuentas.nombres_de_usuarios(db, usuarios)  # el acta nombra a personas, no a usuarios
    facilitacion = sorted(nombres.get(u, u) for u in usuarios)
    momento = dt.datetime.fromisoformat(votacion.cerrada_en or _abierta_en(db, votacion_id)
                                        or "2000-01-01T00:00:00+00:00")

    doc = Documento("Acta del taller de priorización", momento,
                    autor=territorio_servicios.mesa_de(territorio.nombre_provincia() if territorio else None))
    doc.parrafo(f"Mesa de Concertación para la Lucha contra la Pobreza — {proceso.nombre}")
    estado = ("cerrada el " if votacion.estado == EstadoVotacion.CERRADA else
              f"{votacion.estado.etiqueta.lower()} (resultados parciales); abierta el ")
    doc.parrafo(f"Votación: {votacion.nombre} (n.º {votacion.id}), {estado}"
                f"{formatear_fecha_y_hora(momento)}. Lugar: {votacion.lugar or 'no indicado'}.")
    doc.parrafo("Facilitación: " + (", ".join(facilitacion) or "no registrada") + ".")

    doc.titulo("Asistencia")
    doc.parrafo(f"{asistencia['personas']} agentes participantes en el taller (anotados en la mesa o unidos desde su "
                f"celular); {asistencia['votaron']} votaron desde su celular; papeletas vigentes en total: "
                f"{resultado.votantes} ({', '.join(f'{n} por {c}' for c, n in sorted(resultado.por_canal.items()))}).")
    for grupo, clave in (("Organización", "por_organizacion"), ("Distrito", "por_distrito")):
        if asistencia[clave]:
            doc.tabla([grupo, "Personas", "Votaron"],
                      [[o, d["personas"], d["votaron"]] for o, d in asistencia[clave].items()], (110, 35, 35))

    doc.titulo("Método")
    doc.parrafo(f"Papeleta: {votacion.tipo.etiqueta}; {votacion.instrucciones()} Regla oficial: "
                f"{REGLAS.get(votacion.regla, votacion.regla)} ({votacion.regla}). Puntaje combinado = "
                f"{votacion.peso_participacion} % votación + {votacion.peso_tecnico} % puntaje técnico. Techo "
                f"presupuestal: {formatear_soles(votacion.techo_centimos)}.")

    doc.titulo("Resultados")
    _barra(doc, resultado)
    doc.pdf.ln(2)
    doc.tabla(["N.º", "Propuesta", "Distrito", "Costo S/", "Votos", "Comb.", "Financiada"], [
        [f["rango"], f"{f['codigo']} {f['titulo']}", f["distrito"], f"{f['costo_centimos'] / 100:,.2f}", f["votos"],
         f"{f['combinado']:.1f}", "sí" if f["financiada"] else "no"] for f in resultado.filas],
        (10, 66, 28, 26, 14, 14, 22))
    primera = resultado.primera_no_financiada
    if primera and primera.get("motivo"):
        doc.parrafo(f"Primera sin financiar: {primera['codigo']} — {primera['motivo']}")
    doc.parrafo("Empates: " + _empates(resultado.oficial.empates))
    if retiradas:
        doc.parrafo("Propuestas retiradas de la votación (sus marcas no cuentan; cada papeleta vale para las demás): "
                    + "; ".join(f"{r['codigo']} {r['titulo']}, el {formatear_fecha_y_hora(r['retirada_en'])} — motivo: {r['motivo']}"
                                for r in retiradas) + ".")
    if reaperturas:
        doc.parrafo("Reaperturas después del cierre: " + "; ".join(
            f"el {formatear_fecha_y_hora(r['reabierta_en'])} se reabrió para "
            f"{'contar papel' if r['hacia'] == EstadoVotacion.CONTEO.value else 'votar por celular'} — motivo: "
            f"{r['motivo']}" for r in reaperturas) + ".")
    if territorio and territorio.distritos:
        montos: dict[str, float] = {}
        for fila in resultado.filas:
            if fila["financiada"]:
                montos[fila["ubigeo"]] = montos.get(fila["ubigeo"], 0) + fila["costo_centimos"]
        doc.mapa(territorio, montos, texto_valor=formatear_soles_corto, titulo="Monto financiado por distrito",
                 nota="Más oscuro, más monto financiado en el distrito de la propuesta; gris: nada.")

    miembros = almacen.comite(db, votacion_id)
    doc.titulo("Comité de Vigilancia")
    if miembros:
        doc.tabla(["N.º", "Nombre", "Organización", "Distrito"],
                  [[i, m["nombre"], m["organizacion"], m["distrito"]] for i, m in enumerate(miembros, start=1)],
                  (10, 60, 80, 30))
    else:
        doc.parrafo("No se anotaron miembros del Comité de Vigilancia.")
    doc.titulo("Acuerdos y compromisos")
    if acuerdos:
        doc.tabla(["N.º", "Acuerdo", "Responsable", "Plazo"],
                  [[i, a["texto"], a["responsable"], a["plazo"]] for i, a in enumerate(acuerdos, start=1)],
                  (10, 100, 45, 25))
    else:
        doc.parrafo("No se registraron acuerdos.")

    doc.titulo("Firmas de los agentes participantes", reserva=3 * 9 + 2)  # con el encabezado y dos filas
    doc.tabla(["Nombre", "Organización", "DNI", "Firma"], [["", "", "", ""]] * FIRMAS, (55, 55, 25, 45), alto=9)

    huella = hashlib.sha256(archivo_pb.encode("utf-8")).hexdigest()
    verificacion = [
        ("parrafo", f"Archivo de papeletas publicado: votacion_{votacion.id}.pb (formato pabulib), SHA-256:"),
        ("maquina", huella),
        ("parrafo", ("Cadena de papeletas anotada al cierre" if cierres else "Cadena de papeletas ahora (parcial)")
         + f": {ancla.eslabones} eslabones (incluidas las papeletas reemplazadas); cabeza:"),
        ("maquina", ancla.cabeza)]
    if cierres:
        problemas = json.loads(cierres[-1]["problemas"])
        verificacion.append(("parrafo", "Al cierre se verificó la cadena (huellas, sellos y registro de eventos): "
                             + ("íntegra." if not problemas else "¡NO cuadraba! " + " ".join(problemas))))
    verificacion.append(("parrafo", "Cualquiera puede recontar: descargue el .pb de «Resultados de la votación» (o: "
                         f"python -m votacion exportar --votacion {votacion.id} --formato pb --salida "
                         f"votacion_{votacion.id}.pb), compruebe la huella (sha256sum votacion_{votacion.id}.pb) y "
                         f"cuente con: python -m votacion contar votacion_{votacion.id}.pb — recalcula la cadena con "
                         "solo ese archivo, dice su cabeza (debe ser la de arriba y la que mostró el proyector) e "
                         "imprime las propuestas financiadas en orden. Cada papeleta figura con su recibo."))
    doc.seccion_junta("Verificación", verificacion)  # se fotografía y se copia: en una sola página
    return doc.salida()


def _abierta_en(db: Database, votacion_id: int) -> str | None:
    fila = db.execute("SELECT abierta_en FROM votaciones WHERE id = ?", [votacion_id]).fetchone()
    return fila[0] if fila else None


def _barra(doc: Documento, resultado) -> None:
    """La barra del techo: cada financiada en su color, en el orden de la regla; lo que sobra en gris."""
    pdf = doc.pdf
    x, y, ancho, alto = pdf.l_margin, pdf.get_y(), pdf.epw, 8
    techo = resultado.votacion.techo_centimos
    pdf.set_font(doc.familia, "", 6)
    for i, fila in enumerate(f for f in resultado.filas if f["financiada"]):
        parte = ancho * fila["costo_centimos"] / techo
        verde = VERDES[i % len(VERDES)]
        pdf.set_fill_color(*verde)
        pdf.set_draw_color(255)
        pdf.rect(x, y, parte, alto, style="DF")
        if parte > 14:
            pdf.set_text_color(0 if texto_sobre(verde) == "#000000" else 255)  # 4.5 a 1 o más con su verde
            pdf.set_xy(x, y)
            pdf.cell(parte, alto, doc.texto(fila["codigo"]), align="C")
        x += parte
    if resultado.sobrante_centimos > 0:
        pdf.set_fill_color(224)
        pdf.rect(x, y, ancho * resultado.sobrante_centimos / techo, alto, style="F")
    pdf.set_draw_color(0)
    pdf.rect(pdf.l_margin, y, ancho, alto)
    pdf.set_text_color(0)
    pdf.set_xy(pdf.l_margin, y + alto + 1)
    pdf.set_font(doc.familia, "", 8)
    usado = techo - resultado.sobrante_centimos
    pdf.cell(0, 4, doc.texto(f"Financiado {formatear_soles(usado)} de {formatear_soles(techo)}; sobran "
                             f"{formatear_soles(resultado.sobrante_centimos)}."), new_x="LMARGIN", new_y="NEXT")


EMPATES_EN_EL_ACTA = 12
CODIGOS_POR_EMPATE = 8


def _empates(empates) -> str:
    """Los empates y cómo se rompieron; con cientos de propuestas (cientos de empates, de cientos cada uno) el acta
    nombra los primeros y dice cuántos más hay: el detalle completo está en el conteo (.pb y CSV)."""
    if not empates:
        return "no hubo."
    partes = []
    for empate in empates[:EMPATES_EN_EL_ACTA]:
        entre = ", ".join(empate.entre[:CODIGOS_POR_EMPATE])
        if len(empate.entre) > CODIGOS_POR_EMPATE:
            entre += f" y {len(empate.entre) - CODIGOS_POR_EMPATE} más"
        partes.append(f"entre {entre} se eligió {empate.elegido} ({empate.criterio})")
    texto = "; ".join(partes)
    if len(empates) > EMPATES_EN_EL_ACTA:
        texto += (f"; y {len(empates) - EMPATES_EN_EL_ACTA} empates más, resueltos con el mismo criterio (el detalle, "
                  "en el conteo publicado: .pb y CSV)")
    return texto + "."

