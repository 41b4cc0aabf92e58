"""Acta del taller de priorización en PDF, hecha solo con lo que hay en la base.

Proceso y votación, fecha y lugar, facilitación, asistencia por organización y por distrito, método y regla
con sus parámetros, tabla de resultados y barra del techo, mapa del monto financiado por distrito, empates y
cómo se resolvieron, acuerdos y compromisos, espacio para las firmas de los agentes participantes y un
bloque de verificación (huella SHA-256 del archivo de papeletas y cómo recontarlo).

Volver a generarla da el mismo archivo, byte por byte: la fecha del PDF es la del cierre (o la apertura) de la
votación, no la de hoy.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path

import shapely
from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.acceso import SISTEMA
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import formatear_fecha, formatear_soles
from votacion import servicios
from votacion.modelo import REGLAS, EstadoVotacion

FUENTES = Path("/usr/share/fonts/truetype/dejavu")
VERDES = ((27, 94, 32), (46, 125, 50), (56, 142, 60), (67, 160, 71), (76, 175, 80), (102, 187, 106))
AZULES = ((222, 235, 247), (158, 202, 225), (107, 174, 214), (49, 130, 189), (8, 81, 156))
FIRMAS = 12


def acta_pdf(db: Database, votacion_id: int) -> bytes:
    from fpdf import FPDF

    votacion = servicios.obtener(db, votacion_id)
    proceso = propuestas_servicios.obtener_proceso(db, votacion.proceso_id)
    resultado = servicios.resultados(db, votacion_id, actor=SISTEMA, comparar=False)
    asistencia = servicios.asistencia_del_taller(db, votacion_id, actor=SISTEMA)
    acuerdos = servicios.acuerdos(db, votacion_id)
    archivo_pb = servicios.exportar_pb(db, votacion_id, actor=SISTEMA)
    territorio = territorio_servicios.cargar_territorio(db)
    facilitacion = sorted({actor.split(":", 1)[1] for (actor,) in db.execute(
        "SELECT DISTINCT actor FROM eventos WHERE objeto_tipo = 'votacion' AND objeto_id = ?", [str(votacion_id)])
        if actor.startswith(("facilitador:", "administrador:"))})
    momento = dt.datetime.fromisoformat(votacion.cerrada_en or _abierta_en(db, votacion_id) or "2000-01-01T00:00:00+00:00")

    pdf = FPDF(format="A4")
    pdf.set_creation_date(momento)
    pdf.set_title(f"Acta — {votacion.nombre}")
    pdf.set_author("MCLCP Huaylas")
    unicode = (FUENTES / "DejaVuSans.ttf").exists() and (FUENTES / "DejaVuSans-Bold.ttf").exists()
    if unicode:
        pdf.add_font("dejavu", "", str(FUENTES / "DejaVuSans.ttf"))
        pdf.add_font("dejavu", "B", str(FUENTES / "DejaVuSans-Bold.ttf"))
    familia = "dejavu" if unicode else "helvetica"

    def texto(valor) -> str:
        valor = "" if valor is None else str(valor)
        return valor if unicode else valor.encode("latin-1", "replace").decode("latin-1")

    def titulo(valor: str) -> None:
        pdf.ln(2)
        pdf.set_font(familia, "B", 11)
        pdf.set_text_color(11, 79, 138)
        pdf.cell(0, 7, texto(valor), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.set_font(familia, "", 9)

    def parrafo(valor: str, alto: float = 4.6) -> None:
        pdf.multi_cell(0, alto, texto(valor), new_x="LMARGIN", new_y="NEXT", align="L")

    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(familia, "B", 15)
    pdf.multi_cell(0, 7, texto("Acta del taller de priorización"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(familia, "", 10)
    parrafo(f"Mesa de Concertación para la Lucha contra la Pobreza — {proceso.nombre}")
    local = momento.astimezone(propuestas_servicios.HORA_PERU)
    estado = ("cerrada el " if votacion.estado == EstadoVotacion.CERRADA else
              f"{votacion.estado.etiqueta.lower()} (resultados parciales); abierta el ")
    parrafo(f"Votación: {votacion.nombre} (n.º {votacion.id}), {estado}{formatear_fecha(local.date())} a las "
            f"{local:%H:%M}. Lugar: {votacion.lugar or 'no indicado'}.")
    parrafo("Facilitación: " + (", ".join(facilitacion) or "no registrada") + ".")

    titulo("Asistencia")
    parrafo(f"{asistencia['personas']} agentes participantes en el taller (anotados en la mesa o unidos desde su "
            f"celular); {asistencia['votaron']} votaron desde su celular; papeletas vigentes en total: "
            f"{resultado.votantes} ({', '.join(f'{n} por {c}' for c, n in sorted(resultado.por_canal.items()))}).")
    for grupo, clave in (("Organización", "por_organizacion"), ("Distrito", "por_distrito")):
        if asistencia[clave]:
            _tabla(pdf, texto, familia, [grupo, "Personas", "Votaron"],
                   [[o, d["personas"], d["votaron"]] for o, d in asistencia[clave].items()], (110, 35, 35))

    titulo("Método")
    parrafo(f"Papeleta: {votacion.tipo.etiqueta}; {votacion.instrucciones()} Regla oficial: "
            f"{REGLAS.get(votacion.regla, votacion.regla)} ({votacion.regla}). Puntaje combinado = "
            f"{votacion.peso_participacion} % votación + {votacion.peso_tecnico} % puntaje técnico. Techo "
            f"presupuestal: {formatear_soles(votacion.techo_centimos)}.")

    titulo("Resultados")
    _barra(pdf, texto, familia, resultado)
    pdf.ln(2)
    _tabla(pdf, texto, familia, ["N.º", "Propuesta", "Distrito", "Costo S/", "Votos", "Comb.", "Financiada"], [
        [f["rango"], f"{f['codigo']} {f['titulo']}", f["distrito"], f"{f['costo_centimos'] / 100:,.2f}", f["votos"],
         f"{f['combinado']:.1f}", "sí" if f["financiada"] else "no"] for f in resultado.filas],
        (10, 66, 28, 26, 14, 14, 22))
    primera = resultado.primera_no_financiada
    if primera and primera.get("motivo"):
        parrafo(f"Primera sin financiar: {primera['codigo']} — {primera['motivo']}")
    parrafo("Empates: " + ("; ".join(f"entre {', '.join(e.entre)} se eligió {e.elegido} ({e.criterio})"
                                     for e in resultado.oficial.empates) or "no hubo."))
    if territorio and territorio.distritos:
        titulo("Monto financiado por distrito")
        _mapa(pdf, texto, familia, territorio, resultado)

    titulo("Acuerdos y compromisos")
    if acuerdos:
        _tabla(pdf, texto, familia, ["N.º", "Acuerdo", "Responsable", "Plazo"],
               [[i, a["texto"], a["responsable"], a["plazo"]] for i, a in enumerate(acuerdos, start=1)],
               (10, 100, 45, 25))
    else:
        parrafo("No se registraron acuerdos.")

    titulo("Firmas de los agentes participantes")
    _tabla(pdf, texto, familia, ["Nombre", "Organización", "DNI", "Firma"], [["", "", "", ""]] * FIRMAS,
           (55, 55, 25, 45), alto=9)

    titulo("Verificación")
    huella = hashlib.sha256(archivo_pb.encode("utf-8")).hexdigest()
    parrafo(f"Archivo de papeletas publicado: votacion_{votacion.id}.pb (formato pabulib), SHA-256:")
    pdf.set_font("courier", "", 8)
    pdf.cell(0, 5, huella, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(familia, "", 9)
    parrafo("Cualquiera puede recontar: descargue el .pb de «Resultados de la votación» (o: python -m votacion "
            f"exportar --votacion {votacion.id} --formato pb --salida votacion_{votacion.id}.pb), compruebe la huella "
            f"(sha256sum votacion_{votacion.id}.pb) y cuente con: python -m votacion contar votacion_{votacion.id}.pb "
            "— imprime las propuestas financiadas en orden. Cada papeleta figura con su recibo.")
    return bytes(pdf.output())


def _abierta_en(db: Database, votacion_id: int) -> str | None:
    fila = db.execute("SELECT abierta_en FROM votaciones WHERE id = ?", [votacion_id]).fetchone()
    return fila[0] if fila else None


def _tabla(pdf, texto, familia: str, encabezados: list[str], filas: list[list], anchos: tuple, alto: float = 5.5):
    pdf.set_font(familia, "", 8)
    with pdf.table(col_widths=anchos, width=sum(anchos), align="LEFT", line_height=alto,
                   headings_style=_estilo_encabezado(familia), text_align="LEFT") as tabla:
        fila = tabla.row()
        for encabezado in encabezados:
            fila.cell(texto(encabezado))
        for valores in filas:
            fila = tabla.row()
            for valor in valores:
                fila.cell(texto(valor))
    pdf.set_font(familia, "", 9)
    pdf.ln(1)


def _estilo_encabezado(familia: str):
    from fpdf.fonts import FontFace

    return FontFace(family=familia, emphasis="BOLD", color=255, fill_color=(11, 79, 138))


def _barra(pdf, texto, familia: str, resultado) -> None:
    """La barra del techo: cada financiada en su color, en el orden de la regla; lo que sobra en gris."""
    x, y, ancho, alto = pdf.l_margin, pdf.get_y(), pdf.epw, 8
    techo = resultado.votacion.techo_centimos
    pdf.set_font(familia, "", 6)
    for i, fila in enumerate(f for f in resultado.filas if f["financiada"]):
        parte = ancho * fila["costo_centimos"] / techo
        pdf.set_fill_color(*VERDES[i % len(VERDES)])
        pdf.set_draw_color(255)
        pdf.rect(x, y, parte, alto, style="DF")
        if parte > 14:
            pdf.set_text_color(255)
            pdf.set_xy(x, y)
            pdf.cell(parte, alto, texto(fila["codigo"]), align="C")
        x += parte
    if resultado.sobrante_centimos > 0:
        pdf.set_fill_color(224)
        pdf.rect(x, y, ancho * resultado.sobrante_centimos / techo, alto, style="F")
    pdf.set_draw_color(0)
    pdf.rect(pdf.l_margin, y, ancho, alto)
    pdf.set_text_color(0)
    pdf.set_xy(pdf.l_margin, y + alto + 1)
    pdf.set_font(familia, "", 8)
    usado = techo - resultado.sobrante_centimos
    pdf.cell(0, 4, texto(f"Financiado {formatear_soles(usado)} de {formatear_soles(techo)}; sobran "
                         f"{formatear_soles(resultado.sobrante_centimos)}."), new_x="LMARGIN", new_y="NEXT")


def _mapa(pdf, texto, familia: str, territorio, resultado) -> None:
    """Los distritos dibujados como polígonos (equirectangular), en azul según el monto financiado."""
    montos: dict[str, float] = {}
    for fila in resultado.filas:
        if fila["financiada"]:
            montos[fila["ubigeo"]] = montos.get(fila["ubigeo"], 0) + fila["costo_centimos"]
    maximo = max(montos.values(), default=0)
    oeste, sur, este, norte = shapely.total_bounds([d.geometria for d in territorio.distritos])
    escala_x = math.cos(math.radians((sur + norte) / 2))
    alto_mm = 85.0
    escala = min(alto_mm / (norte - sur), pdf.epw / ((este - oeste) * escala_x))
    if pdf.get_y() + alto_mm + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y()

    def punto(lon: float, lat: float) -> tuple[float, float]:
        return x0 + (lon - oeste) * escala_x * escala, y0 + (norte - lat) * escala

    pdf.set_draw_color(60)
    pdf.set_line_width(0.2)
    for distrito in territorio.distritos:
        valor = montos.get(distrito.ubigeo, 0)
        color = (242, 242, 242) if not valor else AZULES[min(4, int(5 * valor / maximo - 1e-9))]
        pdf.set_fill_color(*color)
        simple = shapely.simplify(distrito.geometria, 0.002, preserve_topology=True)
        for poligono in getattr(simple, "geoms", [simple]):
            pdf.polygon([punto(x, y) for x, y in poligono.exterior.coords], style="DF")
    pdf.set_font(familia, "B", 6)
    for distrito in territorio.distritos:
        centro = distrito.geometria.representative_point()
        x, y = punto(centro.x, centro.y)
        valor = montos.get(distrito.ubigeo)
        pdf.set_text_color(255 if valor and valor / maximo > 0.6 else 0)
        pdf.text(x - pdf.get_string_width(texto(distrito.nombre)) / 2, y, texto(distrito.nombre))
        if valor:
            monto = f"S/ {valor / 100_000:,.0f} mil"
            pdf.text(x - pdf.get_string_width(monto) / 2, y + 3, monto)
    pdf.set_text_color(0)
    pdf.set_y(y0 + alto_mm + 3)
    pdf.set_font(familia, "", 8)
    pdf.cell(0, 4, texto("Más oscuro, más monto financiado en el distrito de la propuesta; gris: nada."),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(familia, "", 9)
