"""Piezas HTML/SVG del proyector y de los resultados: QR, mapa de distritos en SVG, barras del ranking, barra del
techo y contadores. Todo se arma aquí, en el servidor, sin internet (ni teselas ni CDN), y todo texto de usuario
pasa por `html.escape`.

El mapa del proyector es SVG y no Leaflet: se lee desde el fondo de la sala, sin teselas ni iframe que recargar.
"""
from __future__ import annotations

import base64
import html

import segno

from geo.dibujo import Dibujo, Pedido, colocar_rotulos, color_de, texto_sobre
from nucleo.formato import formatear_soles
from paginas.traduccion import t

COLORES = ("#1b5e20", "#2e7d32", "#388e3c", "#43a047", "#4caf50", "#66bb6a")


def barra_del_techo(resultado, *, alto: str = "32px", letra: str = "0.85rem") -> str:
    """La barra del techo presupuestal llenada en el orden de la regla; lo que sobra, en gris (HTML escapado).

    Cada tramo lleva el puesto de su propuesta en el ranking (no su código, que no cabe) y solo si cabe entero: un
    tramo angosto queda sin número (consulta de contenedor), nunca con «PP27-(». Sirve igual con 2 que con 30
    propuestas; el código y el título de cada tramo van en su `title`, y debajo se dice qué son los números."""
    techo = resultado.votacion.techo_centimos
    partes = []
    for i, fila in enumerate(f for f in resultado.filas if f["financiada"]):
        color = COLORES[i % len(COLORES)]
        puesto = str(fila["rango"])
        titulo = html.escape(t("Puesto {puesto}: {codigo} — {titulo}: {monto}", puesto=puesto, codigo=fila["codigo"],
                               titulo=fila["titulo"], monto=formatear_soles(fila["costo_centimos"])))
        partes.append(f'<div class="pz-tramo pz-d{min(len(puesto), 3)}" title="{titulo}" style="width:'
                      f'{100 * fila["costo_centimos"] / techo:.3f}%;background:{color};color:{texto_sobre(color)}">'
                      f"<span>{puesto}</span></div>")
    sobra = resultado.sobrante_centimos
    if sobra > 0:
        sin_asignar = html.escape(t("Sin asignar: {monto}", monto=formatear_soles(sobra)))
        partes.append(f'<div class="pz-tramo pz-sobra" title="{sin_asignar}" style="width:{100 * sobra / techo:.3f}%">'
                      "</div>")
    leyenda = (t("Números: puestos financiados del ranking · gris: sin asignar ({monto})",
                 monto=formatear_soles(sobra)) if sobra > 0 else t("Números: puestos financiados del ranking"))
    estilo = ("<style>.pz-techo{display:flex;width:100%;border:1px solid #999;border-radius:4px;overflow:hidden;"
              "margin:4px 0 2px} .pz-tramo{container-type:inline-size;overflow:hidden;border-right:2px solid #fff;"
              f"box-sizing:border-box;height:{alto};font-size:{letra};font-weight:700}} .pz-tramo span{{display:block;"
              f"text-align:center;white-space:nowrap;line-height:{alto}}} .pz-sobra{{background:#e0e0e0;border-right:0}}"
              " @container (max-width: 1.2em) { .pz-d1 > span { display:none } }"
              " @container (max-width: 1.8em) { .pz-d2 > span { display:none } }"
              " @container (max-width: 2.4em) { .pz-d3 > span { display:none } }"
              " .pz-leyenda{font-size:0.72em;color:#222;margin-bottom:6px}</style>")
    nombre = html.escape(t("Techo presupuestal y propuestas financiadas"))
    return (estilo + f'<div class="pz-techo" role="img" aria-label="{nombre}">' + "".join(partes)
            + f'</div><div class="pz-leyenda">{html.escape(leyenda)}</div>')


def qr_imagen(url: str) -> str:
    """QR (corrección M) como <img> con el SVG adentro (data URI): `st.html` no deja pasar <svg> en línea."""
    fuente = segno.make(url, error="m").svg_data_uri(scale=1, border=2, omitsize=True, dark="#000", light="#fff")
    return (f'<img class="pz-qr" alt="{html.escape(t("Código QR para unirse: {url}", url=url))}" src="{fuente}" '
            'style="width:100%;height:auto;display:block;margin:auto;image-rendering:pixelated">')


def imagen_svg(svg: str, alt: str, ancho: float) -> str:
    """Un SVG propio como <img> (data URI en base64), con su texto alternativo: `ancho` px de diseño a 1920 de
    ancho (en `vw`, así se escala con la pantalla como la letra del proyector), sin pasarse de su caja."""
    codificado = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img class="pz-mapa" alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{codificado}" '
            f'style="width:{ancho / 19.2:.2f}vw;max-width:100%;height:auto;display:block;margin:auto">')


def mapa_svg(dibujo: Dibujo, valores: dict[str, float], *, texto_valor, titulo: str, ancho: float = 1000,
             alto: float = 800, letra: float = 28) -> str:
    """Mapa coropleta (un <img> SVG de `ancho` × `alto` px de diseño, a 1920×1080; en otra pantalla se escala
    igual que todo el proyector): cada distrito con su color y su rótulo (nombre y valor ya formateado por
    `texto_valor`) en letra de `letra` px, que se lee desde el fondo de la sala.

    La provincia ocupa el centro y los rótulos no se pisan (`colocar_rotulos`): el que no cabe en su distrito va
    al margen, sobre blanco y con una línea guía. El texto va escapado para XML aunque sea una imagen."""
    maximo = max(valores.values(), default=0)
    escala = min(0.62 * ancho / dibujo.ancho, 0.9 * alto / dibujo.alto)  # px por unidad del dibujo
    dx, dy = (ancho - dibujo.ancho * escala) / 2, (alto - dibujo.alto * escala) / 2

    def en_px(x: float, y: float) -> tuple[float, float]:
        return dx + x * escala, dy + y * escala

    lineas = {u: [t for t in (dibujo.nombres[u], texto_valor(valores.get(u))) if t] for u in dibujo.formas}
    letras = {u: -(-max(map(len, lineas[u])) // 4) * 4 for u in dibujo.formas}  # a 4 letras: ver colocar_rotulos
    pedidos = [Pedido(u, dibujo.etiquetas[u], (letras[u] * 0.64 * letra + letra * 0.5) / escala,
                      (len(lineas[u]) * 1.15 * letra + letra * 0.3) / escala, distrito=u)
               for u in sorted(dibujo.formas, key=lambda u: -dibujo.formas[u].area)]
    rotulos = colocar_rotulos(dibujo, pedidos, limites=(-dx / escala, -dy / escala, (ancho - dx) / escala,
                                                        (alto - dy) / escala), separacion=letra * 0.25 / escala)
    partes = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {ancho:.0f} {alto:.0f}" '
              f'font-family="sans-serif" data-letra="{letra:.1f}">']
    for ubigeo, anillos in dibujo.anillos.items():
        trazo = "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (en_px(*p) for p in anillo)) + "Z"
                        for anillo in anillos)
        partes.append(f'<path d="{trazo}" fill="{color_de(valores.get(ubigeo), maximo)}" stroke="#333" '
                      f'stroke-width="1.5" fill-rule="evenodd"><title>{html.escape(dibujo.nombres[ubigeo])}</title>'
                      "</path>")
    for rotulo in (r for r in rotulos if r.apartado):  # las líneas guía primero: ninguna pasa sobre un rótulo
        (ax, ay), (bx, by) = (en_px(*p) for p in rotulo.guia())
        partes.append(f'<line x1="{ax:.0f}" y1="{ay:.0f}" x2="{bx:.0f}" y2="{by:.0f}" stroke="#222" '
                      f'stroke-width="{letra / 10:.1f}"/><circle cx="{ax:.0f}" cy="{ay:.0f}" r="{letra / 6:.1f}" '
                      'fill="#222"/>')
    for rotulo in rotulos:
        ubigeo = rotulo.pedido.distrito
        x, y = en_px(rotulo.x, rotulo.y)
        fondo = color_de(valores.get(ubigeo), maximo)
        if rotulo.apartado:  # fuera de su distrito: sobre blanco, con borde
            caja_ancho, caja_alto = rotulo.pedido.ancho * escala, rotulo.pedido.alto * escala
            partes.append(f'<rect x="{x - caja_ancho / 2:.0f}" y="{y - caja_alto / 2:.0f}" width="{caja_ancho:.0f}" '
                          f'height="{caja_alto:.0f}" rx="{letra / 5:.0f}" fill="#fff" stroke="#555" '
                          'stroke-width="1.5"/>')
            fondo = "#ffffff"
        renglones = lineas[ubigeo]
        arriba = y - (len(renglones) - 1) * 0.575 * letra + 0.36 * letra
        texto = "".join(f'<tspan x="{x:.0f}" y="{arriba + i * 1.15 * letra:.0f}">{html.escape(t)}</tspan>'
                        for i, t in enumerate(renglones))
        partes.append(f'<text text-anchor="middle" font-size="{letra:.0f}" font-weight="700" '
                      f'fill="{texto_sobre(fondo)}">{texto}</text>')
    partes.append("</svg>")
    return imagen_svg("".join(partes), titulo, ancho)


def barras_ranking(resultado, *, filas: int, etiqueta_puntaje: str) -> str:
    """Las primeras `filas` propuestas en el orden de la regla oficial, con una barra proporcional a su puntaje
    (el que usa la regla) y ✓ si se financia."""
    primeras = resultado.filas[:filas]
    clave = "combinado" if resultado.votacion.regla == "prioridad-combinada" else "puntaje"
    maximo = max((f[clave] for f in resultado.filas), default=0) or 1
    renglones = []
    for fila in primeras:
        ancho = max(0.0, 100 * fila[clave] / maximo)
        valor = f"{fila[clave]:.1f}" if clave == "combinado" else f"{fila[clave]:g}"
        marca = "✓" if fila["financiada"] else ""
        color = "#1b5e20" if fila["financiada"] else "#9e9e9e"
        renglones.append(
            f'<div class="pz-fila{" pz-financiada" if fila["financiada"] else ""}">'
            f'<div class="pz-rango">{fila["rango"]}</div>'
            f'<div class="pz-texto"><div class="pz-titulo">{html.escape(fila["codigo"])} · '
            f'{html.escape(fila["titulo"])}</div>'
            f'<div class="pz-barra"><div style="width:{ancho:.2f}%;background:{color}"></div></div></div>'
            f'<div class="pz-valor">{html.escape(valor)}<span class="pz-marca">{marca}</span></div></div>')
    restantes = len(resultado.filas) - len(primeras)
    pie = f'<div class="pz-pie">{html.escape(t("… y {n} más", n=restantes))}</div>' if restantes > 0 else ""
    return (f'<div class="pz-ranking" aria-label="{html.escape(t("Ranking"))}"><div class="pz-cabecera">'
            f'<span>{html.escape(t("Propuesta"))}</span>'
            f'<span>{html.escape(etiqueta_puntaje)}</span></div>' + "".join(renglones) + pie + "</div>")


def reloj(segundos: int | None) -> str:
    if segundos is None:
        return ""
    minutos, resto = divmod(segundos, 60)
    clase = "pz-reloj pz-reloj-fin" if segundos == 0 else "pz-reloj"
    return f'<div class="{clase}" role="timer">{minutos:02d}:{resto:02d}</div>'


# Todo en vw/vh: a 1920×1080 y a 1280×720 (y en cualquier 16:9) el proyector se ve igual, solo más grande o más
# chico, y cabe sin desplazarse. La letra base (2vw = 38 px a 1920) hace que la más chica (0.72em) sea 1/40 del alto.
ESTILO_PROYECTOR = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
.stMainBlockContainer, .block-container { padding: 1.2vh 1.2vw !important; max-width: 100% !important; }
.stMainBlockContainer [data-testid="stVerticalBlock"] { gap: 0.8vh; }
.pz { font-size: min(2vw, 3.5556vh); color: #000; line-height: 1.2; }
.pz-nombre { font-size: 1.3em; font-weight: 800; margin: 0; }
.pz-estado { display: inline-block; padding: 0.05em 0.5em; border-radius: 0.3em; font-weight: 800;
             color: #fff; margin-right: 0.5em; }
.pz-abierta { background: #1b5e20; } .pz-pausada { background: #8a5300; } .pz-cerrada { background: #8b0000; }
.pz-preparada { background: #37474f; } .pz-conteo { background: #4a148c; }
.pz-numeros { display: flex; gap: 0.6em; margin: 0.3em 0; }
.pz-numero { border: 0.12em solid #0b4f8a; border-radius: 0.4em; padding: 0.15em 0.5em; flex: 1; }
.pz-numero b { display: block; font-size: 2.4em; line-height: 1; color: #0b4f8a; }
.pz-reloj { font-size: 2.6em; font-weight: 800; font-variant-numeric: tabular-nums; color: #0b4f8a;
            text-align: right; } .pz-reloj-fin { color: #8b0000; }
.pz-url { font-size: 1.05em; font-weight: 800; word-break: break-all; text-align: center; }
.pz-unirse-grande img.pz-qr { max-width: 62vh; } .pz-unirse-chico img.pz-qr { max-width: 40vh; }
.pz-unirse-chico .pz-numero b { font-size: 1.6em; } .pz-unirse-chico .pz-url { font-size: 0.8em; }
.pz-ranking { width: 100%; } .pz-cabecera { display: flex; justify-content: space-between; font-size: 0.72em;
                             color: #222; border-bottom: 2px solid #333; }
.pz-fila { display: flex; align-items: center; gap: 0.4em; padding: 0.1em 0; border-bottom: 1px solid #ccc; }
.pz-rango { width: 1.6em; font-weight: 800; text-align: right; }
.pz-texto { flex: 1; min-width: 0; }
.pz-titulo { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 0.85em; }
.pz-financiada .pz-titulo { font-weight: 700; }
.pz-barra { height: 0.4em; background: #eee; } .pz-barra div { height: 100%; }
.pz-valor { width: 3.6em; text-align: right; font-weight: 800; font-variant-numeric: tabular-nums; }
.pz-marca { color: #1b5e20; display: inline-block; width: 1em; }
.pz-pie, .pz-nota { font-size: 0.72em; color: #222; }
.pz-motivo { font-size: 0.75em; margin-top: 0.3em; padding: 0.2em 0.4em; border-left: 0.25em solid #8b0000;
             background: #fff4f4; }
.pz-distritos { font-size: 0.75em; width: 100%; border-collapse: collapse; }
.pz-distritos td { padding: 0.05em 0.3em; border-bottom: 1px solid #ddd; }
.pz-distritos td + td { text-align: right; font-variant-numeric: tabular-nums; }
</style>
"""
