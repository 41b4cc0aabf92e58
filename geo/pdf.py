"""Piezas comunes de los PDF (acta del taller, lista priorizada): fuente con tildes, títulos, párrafos, tablas y
el mapa de distritos dibujado con polígonos (sin teselas ni internet). Deterministas: la fecha del documento
la pone quien lo arma."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from geo.dibujo import Pedido, color_de, colocar_rotulos, dibujo_de, texto_sobre
from geo.modelo import Territorio

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

    def mapa(self, territorio: Territorio, valores: dict[str, float], *, texto_valor, nota: str, titulo: str,
             puntos: list[tuple[float, float, str]] = (), alto_mm: float = 110.0) -> None:
        """Distritos como polígonos, en azul según `valores` (más oscuro, más; la escala del proyector), con su
        nombre y su valor; `puntos` (lat, lon, etiqueta) encima, como círculos rojos con la etiqueta en blanco.

        Nada se pisa (`colocar_rotulos`): un nombre que no cabe en su distrito sale al margen con una línea guía y
        un fondo blanco; un círculo que caería sobre otro se aparta con una línea al lugar exacto. Todo texto
        contrasta con su fondo al menos 4.5 a 1 (WCAG AA)."""
        pdf = self.pdf
        dibujo = dibujo_de(territorio)
        maximo = max(valores.values(), default=0)
        escala = min(alto_mm / dibujo.alto, 0.6 * pdf.epw / dibujo.ancho)  # mm por unidad del dibujo
        self.asegurar(2 + 7 + alto_mm + 12)  # el título va con su mapa
        self.titulo(titulo)
        x0 = pdf.l_margin + (pdf.epw - dibujo.ancho * escala) / 2
        y0 = pdf.get_y() + 2
        limites = (-(x0 - pdf.l_margin) / escala, -2 / escala, (pdf.l_margin + pdf.epw - x0) / escala,
                   dibujo.alto + 2 / escala)

        def en_mm(x: float, y: float) -> tuple[float, float]:
            return x0 + x * escala, y0 + y * escala

        radio, letra_punto, letra = 2.3, 6, 7
        pedidos = [Pedido(f"punto {i}", dibujo.punto(lon, lat), 2 * radio / escala + 0.4 / escala,
                          2 * radio / escala + 0.4 / escala) for i, (lat, lon, _) in enumerate(puntos)]
        pdf.set_font(self.familia, "B", letra)
        textos = {}
        for ubigeo in sorted(dibujo.formas, key=lambda u: -dibujo.formas[u].area):
            textos[ubigeo] = [self.texto(t) for t in (dibujo.nombres[ubigeo], texto_valor(valores.get(ubigeo))) if t]
            ancho = max(pdf.get_string_width(t) for t in textos[ubigeo]) + 1.6
            pedidos.append(Pedido(ubigeo, dibujo.etiquetas[ubigeo], ancho / escala,
                                  (3.0 * len(textos[ubigeo]) + 0.8) / escala, distrito=ubigeo))
        rotulos = colocar_rotulos(dibujo, pedidos, limites=limites, separacion=0.6 / escala)

        pdf.set_draw_color(60)
        pdf.set_line_width(0.2)
        for ubigeo, anillos in dibujo.anillos.items():
            pdf.set_fill_color(*_rgb(color_de(valores.get(ubigeo), maximo)))
            for anillo in anillos:
                pdf.polygon([en_mm(x, y) for x, y in anillo], style="DF")
        pdf.set_draw_color(40)
        pdf.set_line_width(0.25)
        for rotulo in rotulos:
            if rotulo.apartado:
                (ax, ay), (bx, by) = rotulo.guia()
                pdf.line(*en_mm(ax, ay), *en_mm(bx, by))
                if rotulo.pedido.distrito is None:  # el lugar exacto del punto apartado
                    pdf.set_fill_color(40)
                    pdf.circle(*en_mm(ax, ay), 0.5, style="F")
        for rotulo in rotulos:
            x, y = en_mm(rotulo.x, rotulo.y)
            if rotulo.pedido.distrito is None:
                numero = self.texto(puntos[int(rotulo.pedido.clave.split()[1])][2])
                pdf.set_fill_color(*ROJO)
                pdf.set_draw_color(255)
                pdf.circle(x, y, radio, style="DF")
                pdf.set_font(self.familia, "B", letra_punto if len(numero) < 3 else letra_punto - 1.5)
                pdf.set_text_color(255)  # blanco sobre el rojo: 5.5 a 1
                pdf.text(x - pdf.get_string_width(numero) / 2, y + 0.75, numero)
                continue
            lineas = textos[rotulo.pedido.distrito]
            fondo = color_de(valores.get(rotulo.pedido.distrito), maximo)
            if rotulo.apartado:  # fuera de su distrito: sobre blanco, con borde
                ancho_mm, alto_mm_caja = rotulo.pedido.ancho * escala, rotulo.pedido.alto * escala
                pdf.set_fill_color(255)
                pdf.set_draw_color(120)
                pdf.set_line_width(0.15)
                pdf.rect(x - ancho_mm / 2, y - alto_mm_caja / 2, ancho_mm, alto_mm_caja, style="DF")
                fondo = "#ffffff"
            pdf.set_font(self.familia, "B", letra)
            pdf.set_text_color(*_rgb(texto_sobre(fondo)))
            arriba = y - 1.5 * (len(lineas) - 1) + 0.9
            for renglon, linea in enumerate(lineas):
                pdf.text(x - pdf.get_string_width(linea) / 2, arriba + 3.0 * renglon, linea)
        pdf.set_text_color(0)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.2)
        pdf.set_y(y0 + dibujo.alto * escala + 3)
        pdf.set_font(self.familia, "", 8)
        pdf.multi_cell(0, 4, self.texto(nota), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(self.familia, "", 9)

    def salida(self) -> bytes:
        return bytes(self.pdf.output())


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
