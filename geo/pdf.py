"""Piezas comunes de los PDF (acta del taller, lista priorizada): fuente con tildes, títulos, párrafos, tablas y
el mapa de distritos dibujado con polígonos (sin teselas ni internet). Deterministas: la fecha del documento
la pone quien lo arma."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from geo.dibujo import color_de, dibujo_de, oscuro
from geo.modelo import Territorio

FUENTES = Path("/usr/share/fonts/truetype/dejavu")
AZUL = (11, 79, 138)


class Documento:
    """Un A4 vertical con márgenes de 15 mm y DejaVu Sans si está instalada (si no, Helvetica en Latin-1)."""

    def __init__(self, titulo: str, fecha: dt.datetime):
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_creation_date(fecha)
        self.pdf.set_title(titulo)
        self.pdf.set_author("MCLCP Huaylas")
        self.unicode = (FUENTES / "DejaVuSans.ttf").exists() and (FUENTES / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.pdf.add_font("dejavu", "", str(FUENTES / "DejaVuSans.ttf"))
            self.pdf.add_font("dejavu", "B", str(FUENTES / "DejaVuSans-Bold.ttf"))
        self.familia = "dejavu" if self.unicode else "helvetica"
        self.pdf.set_margins(15, 15, 15)
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.add_page()
        self.pdf.set_font(self.familia, "B", 15)
        self.pdf.multi_cell(0, 7, self.texto(titulo), new_x="LMARGIN", new_y="NEXT", align="L")
        self.pdf.set_font(self.familia, "", 10)

    def texto(self, valor) -> str:
        valor = "" if valor is None else str(valor)
        return valor if self.unicode else valor.encode("latin-1", "replace").decode("latin-1")

    def espacio(self) -> float:
        """Lo que queda de la página actual, en mm."""
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def asegurar(self, alto_mm: float) -> None:
        """Si no quedan `alto_mm` en esta página, pasa a la siguiente (un título no queda solo al pie)."""
        if self.espacio() < alto_mm:
            self.pdf.add_page()

    def seccion_junta(self, titulo: str, partes: list[tuple[str, str]]) -> None:
        """Una sección que va entera en una página (si no cabe en esta, empieza en la siguiente): `partes` son
        («parrafo», texto) o («maquina», texto en una línea de letra de máquina, como una huella)."""
        alto = 2 + 7 + sum(5 if tipo == "maquina" else
                           4.6 * len(self.pdf.multi_cell(0, 4.6, self.texto(texto), dry_run=True, output="LINES"))
                           for tipo, texto in partes)
        self.asegurar(alto)
        self.titulo(titulo)
        for tipo, texto in partes:
            if tipo == "maquina":
                self.pdf.set_font("courier", "", 8)
                self.pdf.cell(0, 5, self.texto(texto), new_x="LMARGIN", new_y="NEXT")
                self.pdf.set_font(self.familia, "", 9)
            else:
                self.pdf.multi_cell(0, 4.6, self.texto(texto), new_x="LMARGIN", new_y="NEXT", align="L")

    def titulo(self, valor: str) -> None:
        self.asegurar(2 + 7 + 20)  # el título y el comienzo de lo que sigue (tres renglones o una tabla)
        self.pdf.ln(2)
        self.pdf.set_font(self.familia, "B", 11)
        self.pdf.set_text_color(*AZUL)
        self.pdf.cell(0, 7, self.texto(valor), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0)
        self.pdf.set_font(self.familia, "", 9)

    def parrafo(self, valor: str, alto: float = 4.6) -> None:
        """Un párrafo que, si se parte entre dos páginas, deja al menos dos renglones en cada una (nunca una
        página que empiece o termine con un renglón suelto)."""
        renglones = len(self.pdf.multi_cell(0, alto, self.texto(valor), dry_run=True, output="LINES"))
        caben = int(self.espacio() // alto)
        if renglones > caben and (caben < 2 or renglones - caben < 2):
            self.pdf.add_page()
        self.pdf.multi_cell(0, alto, self.texto(valor), new_x="LMARGIN", new_y="NEXT", align="L")

    def tabla(self, encabezados: list[str], filas: list[list], anchos: tuple, alto: float = 5.5) -> None:
        from fpdf.fonts import FontFace

        self.asegurar(3 * alto + 2)  # el encabezado no queda solo al pie de la página
        self.pdf.set_font(self.familia, "", 8)
        encabezado = FontFace(family=self.familia, emphasis="BOLD", color=255, fill_color=AZUL)
        with self.pdf.table(col_widths=anchos, width=sum(anchos), align="LEFT", line_height=alto,
                            headings_style=encabezado, text_align="LEFT") as tabla:
            fila = tabla.row()
            for valor in encabezados:
                fila.cell(self.texto(valor))
            for valores in filas:
                fila = tabla.row()
                for valor in valores:
                    fila.cell(self.texto(valor))
        self.pdf.set_font(self.familia, "", 9)
        self.pdf.ln(1)

    def mapa(self, territorio: Territorio, valores: dict[str, float], *, texto_valor, nota: str,
             puntos: list[tuple[float, float, str]] = (), alto_mm: float = 85.0) -> None:
        """Distritos como polígonos, en azul según `valores` (más oscuro, más; la escala del proyector);
        `puntos` (lat, lon, etiqueta) encima, como círculos rojos con su etiqueta."""
        pdf = self.pdf
        dibujo = dibujo_de(territorio)
        maximo = max(valores.values(), default=0)
        escala = min(alto_mm / dibujo.alto, pdf.epw / dibujo.ancho)  # mm por unidad del dibujo
        if pdf.get_y() + alto_mm + 10 > pdf.h - pdf.b_margin:
            pdf.add_page()
        x0, y0 = pdf.l_margin, pdf.get_y()

        def en_mm(x: float, y: float) -> tuple[float, float]:
            return x0 + x * escala, y0 + y * escala

        pdf.set_draw_color(60)
        pdf.set_line_width(0.2)
        for ubigeo, anillos in dibujo.anillos.items():
            pdf.set_fill_color(*_rgb(color_de(valores.get(ubigeo), maximo)))
            for anillo in anillos:
                pdf.polygon([en_mm(x, y) for x, y in anillo], style="DF")
        pdf.set_font(self.familia, "B", 6)
        for ubigeo, (x, y) in dibujo.etiquetas.items():
            x, y = en_mm(x, y)
            valor = valores.get(ubigeo)
            pdf.set_text_color(255 if oscuro(color_de(valor, maximo)) else 0)
            for renglon, linea in enumerate(filter(None, (dibujo.nombres[ubigeo], texto_valor(valor)))):
                linea = self.texto(linea)
                pdf.text(x - pdf.get_string_width(linea) / 2, y + 3 * renglon, linea)
        pdf.set_font(self.familia, "B", 5)
        pdf.set_text_color(0)
        for lat, lon, etiqueta in puntos:
            x, y = en_mm(*dibujo.punto(lon, lat))
            pdf.set_fill_color(200, 40, 40)
            pdf.set_draw_color(255)
            pdf.circle(x, y, 1.4, style="DF")
            pdf.text(x + 1.8, y + 1, self.texto(etiqueta))
        pdf.set_draw_color(0)
        pdf.set_y(y0 + alto_mm + 3)
        pdf.set_font(self.familia, "", 8)
        pdf.cell(0, 4, self.texto(nota), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(self.familia, "", 9)

    def salida(self) -> bytes:
        return bytes(self.pdf.output())


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
