"""Piezas HTML/SVG del proyector y de los resultados: QR, mapa de distritos en SVG, barras del ranking,
barra del techo y contadores. Todo se arma aquí, en el servidor, sin internet (ni teselas ni CDN), y
todo texto de usuario pasa por `html.escape`.

El mapa del proyector es SVG y no Leaflet: se lee desde el fondo de la sala, no necesita teselas y, al
refrescarse, solo cambian los colores (no se recarga un iframe).
"""
from __future__ import annotations

import base64
import html

import segno

from geo.dibujo import Dibujo, color_de, oscuro
from propuestas.modelo import formatear_soles

COLORES = ("#1b5e20", "#2e7d32", "#388e3c", "#43a047", "#4caf50", "#66bb6a")


def barra_del_techo(resultado, *, alto_px: int = 32, letra: str = "0.85rem") -> str:
    """La barra del techo presupuestal llenada en el orden de la regla; lo que sobra, en gris (HTML escapado)."""
    techo = resultado.votacion.techo_centimos
    partes = []
    for i, fila in enumerate(f for f in resultado.filas if f["financiada"]):
        ancho = 100 * fila["costo_centimos"] / techo
        titulo = html.escape(f"{fila['codigo']} — {fila['titulo']}: {formatear_soles(fila['costo_centimos'])}")
        partes.append(f'<div title="{titulo}" style="width:{ancho:.3f}%;background:{COLORES[i % len(COLORES)]};'
                      f'color:#fff;overflow:hidden;white-space:nowrap;padding:0 4px;line-height:{alto_px}px;'
                      f'font-size:{letra};border-right:2px solid #fff">{html.escape(fila["codigo"])}</div>')
    sobra = resultado.sobrante_centimos
    if sobra > 0:
        partes.append(f'<div title="Sin asignar: {html.escape(formatear_soles(sobra))}" style="width:'
                      f'{100 * sobra / techo:.3f}%;background:#e0e0e0;color:#333;padding:0 4px;line-height:{alto_px}px;'
                      f'font-size:{letra};overflow:hidden;white-space:nowrap">sobra</div>')
    return ('<div role="img" aria-label="Techo presupuestal y propuestas financiadas" style="display:flex;'
            'width:100%;border:1px solid #999;border-radius:4px;overflow:hidden;margin:4px 0 8px">'
            + "".join(partes) + "</div>")


def qr_imagen(url: str) -> str:
    """QR (corrección M) como <img> con el SVG adentro (data URI): `st.html` no deja pasar <svg> en línea."""
    fuente = segno.make(url, error="m").svg_data_uri(scale=1, border=2, omitsize=True, dark="#000", light="#fff")
    return (f'<img class="pz-qr" alt="Código QR para unirse: {html.escape(url)}" src="{fuente}" '
            'style="width:100%;height:auto;display:block;image-rendering:pixelated">')


def imagen_svg(svg: str, alt: str, alto_maximo: str = "none") -> str:
    """Un SVG propio como <img> (data URI en base64), con su texto alternativo; cabe en su caja y en `alto_maximo`."""
    codificado = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{codificado}" '
            f'style="max-width:100%;max-height:{alto_maximo};height:auto;display:block;margin:auto">')


def mapa_svg(dibujo: Dibujo, valores: dict[str, float], *, texto_valor, titulo: str, letra: float = 34.0,
             alto_maximo: str = "none") -> str:
    """Mapa coropleta (un <img> SVG): cada distrito con su color y su etiqueta (nombre y valor ya formateado por
    `texto_valor`). El texto va escapado para XML aunque sea una imagen."""
    maximo = max(valores.values(), default=0)
    partes = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-10 -10 {dibujo.ancho + 20:.0f} '
              f'{dibujo.alto + 20:.0f}" font-family="sans-serif">']
    for ubigeo, anillos in dibujo.anillos.items():
        trazo = "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in anillo) + "Z" for anillo in anillos)
        partes.append(f'<path d="{trazo}" fill="{color_de(valores.get(ubigeo), maximo)}" stroke="#333" '
                      f'stroke-width="2" fill-rule="evenodd"><title>{html.escape(dibujo.nombres[ubigeo])}</title>'
                      "</path>")
    for ubigeo, (x, y) in dibujo.etiquetas.items():
        valor = valores.get(ubigeo)
        relleno, borde = ("#fff", "#08306b") if oscuro(color_de(valor, maximo)) else ("#111", "#fff")
        texto = texto_valor(valor)
        linea = f'<tspan x="{x:.0f}" dy="{letra * 1.1:.0f}">{html.escape(texto)}</tspan>' if texto else ""
        partes.append(f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="middle" font-size="{letra:.0f}" '
                      f'font-weight="700" fill="{relleno}" stroke="{borde}" stroke-width="{letra / 6:.1f}" '
                      f'paint-order="stroke">{html.escape(dibujo.nombres[ubigeo])}{linea}</text>')
    partes.append("</svg>")
    return imagen_svg("".join(partes), titulo, alto_maximo)


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
    pie = f'<div class="pz-pie">… y {restantes} más</div>' if restantes > 0 else ""
    return (f'<div class="pz-ranking" aria-label="Ranking"><div class="pz-cabecera"><span>Propuesta</span>'
            f'<span>{html.escape(etiqueta_puntaje)}</span></div>' + "".join(renglones) + pie + "</div>")


def reloj(segundos: int | None) -> str:
    if segundos is None:
        return ""
    minutos, resto = divmod(segundos, 60)
    clase = "pz-reloj pz-reloj-fin" if segundos == 0 else "pz-reloj"
    return f'<div class="{clase}" role="timer">{minutos:02d}:{resto:02d}</div>'


ESTILO_PROYECTOR = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
.stMainBlockContainer, .block-container { padding: 1rem 1.5rem !important; max-width: 100% !important; }
.pz { font-size: clamp(18px, 1.9vw, 40px); color: #000; line-height: 1.2; }
.pz-nombre { font-size: 1.5em; font-weight: 800; margin: 0; }
.pz-estado { display: inline-block; padding: 0.1em 0.6em; border-radius: 0.3em; font-weight: 800;
             color: #fff; margin-right: 0.5em; }
.pz-abierta { background: #1b5e20; } .pz-pausada { background: #b26a00; } .pz-cerrada { background: #8b0000; }
.pz-preparada { background: #37474f; }
.pz-numeros { display: flex; gap: 1.2em; margin: 0.4em 0; }
.pz-numero { border: 3px solid #0b4f8a; border-radius: 0.4em; padding: 0.2em 0.6em; min-width: 5em; }
.pz-numero b { display: block; font-size: 2.6em; line-height: 1; color: #0b4f8a; }
.pz-reloj { font-size: 3em; font-weight: 800; font-variant-numeric: tabular-nums; color: #0b4f8a; }
.pz-reloj-fin { color: #8b0000; }
.pz-url { font-size: 1.15em; font-weight: 800; word-break: break-all; text-align: center; }
.pz-ranking { width: 100%; }
.pz-cabecera { display: flex; justify-content: space-between; font-size: 0.7em; color: #333;
               border-bottom: 2px solid #333; }
.pz-fila { display: flex; align-items: center; gap: 0.4em; padding: 0.15em 0; border-bottom: 1px solid #ccc; }
.pz-rango { width: 1.6em; font-weight: 800; text-align: right; }
.pz-texto { flex: 1; min-width: 0; }
.pz-titulo { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 0.85em; }
.pz-financiada .pz-titulo { font-weight: 700; }
.pz-barra { height: 0.5em; background: #eee; } .pz-barra div { height: 100%; }
.pz-valor { width: 4.2em; text-align: right; font-weight: 800; font-variant-numeric: tabular-nums; }
.pz-marca { color: #1b5e20; display: inline-block; width: 1em; }
.pz-pie, .pz-nota { font-size: 0.7em; color: #222; }
.pz-distritos { font-size: 0.75em; width: 100%; border-collapse: collapse; }
.pz-distritos td { padding: 0.05em 0.3em; border-bottom: 1px solid #ddd; }
.pz-distritos td + td { text-align: right; font-variant-numeric: tabular-nums; }
</style>
"""
