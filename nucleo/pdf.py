"""Piezas comunes de los PDF (acta del taller, lista priorizada, tarjetas): fuente con tildes, títulos, párrafos y
tablas. Deterministas: la fecha del documento la pone quien lo arma. El mapa de distritos de un PDF lo agrega
`geo.pdf.Documento`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

FUENTES = Path("/usr/share/fonts/truetype/dejavu")
AZUL = (11, 79, 138)
ROJO = (200, 40, 40)


class Documento:
    """Un A4 vertical con márgenes de 15 mm y DejaVu Sans si está instalada (si no, Helvetica en Latin-1)."""

    def __init__(self, titulo: str, fecha: dt.datetime, *, autor: str):
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_creation_date(fecha)
        self.pdf.set_title(titulo)
        self.pdf.set_author(autor)
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

    def _renglones(self, alto: float, valor) -> list[str]:
        """Los renglones en que se partiría `valor` a lo ancho de la página (sin escribir nada)."""
        renglones = self.pdf.multi_cell(0, alto, self.texto(valor), dry_run=True, output="LINES")
        return list(renglones) if isinstance(renglones, list) else []

    def seccion_junta(self, titulo: str, partes: list[tuple[str, str]]) -> None:
        """Una sección que va entera en una página (si no cabe en esta, empieza en la siguiente): `partes` son
        («parrafo», texto) o («maquina», texto en una línea de letra de máquina, como una huella)."""
        alto = 2 + 7 + sum(5.0 if tipo == "maquina" else
                           4.6 * len(self._renglones(4.6, texto))
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

    def titulo(self, valor: str, reserva: float = 20) -> None:
        """Un título de sección que nunca queda solo al pie: con él van `reserva` mm de lo que sigue (tres
        renglones o el comienzo de una tabla)."""
        self.asegurar(2 + 7 + reserva)
        self.pdf.ln(2)
        self.pdf.set_font(self.familia, "B", 11)
        self.pdf.set_text_color(*AZUL)
        self.pdf.cell(0, 7, self.texto(valor), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0)
        self.pdf.set_font(self.familia, "", 9)

    def parrafo(self, valor: str, alto: float = 4.6) -> None:
        """Un párrafo que, si se parte entre dos páginas, deja al menos dos renglones en cada una (nunca una
        página que empiece o termine con un renglón suelto)."""
        renglones = len(self._renglones(alto, valor))
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

    def salida(self) -> bytes:
        return bytes(self.pdf.output())

