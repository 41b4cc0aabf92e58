"""El PDF con el mapa de distritos dibujado con polígonos (sin teselas ni internet): el `Documento` del núcleo
más `mapa`, con la proyección, los rótulos y la escala de colores de `geo.dibujo`."""
from __future__ import annotations

from collections.abc import Sequence

from geo.dibujo import Pedido, colocar_rotulos, color_de, dibujo_de, texto_sobre
from geo.modelo import Territorio
from nucleo.pdf import ROJO
from nucleo.pdf import Documento as DocumentoBase


class Documento(DocumentoBase):
    """Un `nucleo.pdf.Documento` que además sabe dibujar el mapa de los distritos."""

    def mapa(self, territorio: Territorio, valores: dict[str, float], *, texto_valor, nota: str, titulo: str,
             puntos: Sequence[tuple[float, float, str]] = (), alto_mm: float = 110.0) -> None:
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


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
