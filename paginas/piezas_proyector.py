"""Piezas HTML del proyector, hechas en el servidor: contadores, cómo unirse (QR), el ancla de la cadena, las
propuestas retiradas y por qué no se financió la primera que no alcanzó. Todo texto de usuario va escapado."""
import html

from paginas import pantalla


def soles(centimos: int) -> str:
    """Soles enteros («S/ 850,000»): en el proyector los céntimos solo ocupan lugar."""
    return f"S/ {round(centimos / 100):,}"


def papeletas_texto(valor: float | None) -> str:
    cuantas = int(valor or 0)
    return "" if not cuantas else f"{cuantas} papeleta" + ("" if cuantas == 1 else "s")


def contadores(vivo: dict) -> str:
    canales = f"{vivo['celular']} por celular · {vivo['papel']} de papel" if vivo["papel"] else "por celular"
    return (f'<div class="pz-numeros"><div class="pz-numero"><b>{vivo["unidos"]}</b>personas unidas</div>'
            f'<div class="pz-numero"><b>{vivo["papeletas"]}</b>papeletas<div class="pz-nota">{canales}</div></div>'
            "</div>")


def contadores_por_distrito(vivo: dict, nombres: dict[str, str]) -> str:
    """Sin mapa (no se importaron límites): la tabla de unidos y papeletas por distrito."""
    filas = "".join(f"<tr><td>{html.escape(nombres.get(u, u) or 'Sin distrito')}</td>"
                    f"<td>{d['unidos']}</td><td>{d['papeletas']}</td></tr>"
                    for u, d in sorted(vivo["por_distrito"].items(), key=lambda kv: (-kv[1]["papeletas"],
                                                                                       -kv[1]["unidos"], kv[0])))
    return (f'<table class="pz-distritos"><tr><td><b>Distrito</b></td><td><b>Unidos</b></td>'
            f'<td><b>Papeletas</b></td></tr>{filas}</table>') if filas else ""


def ancla_html(ancla) -> str:
    """La cabeza de la cadena en 4 grupos, grande y en letra de máquina: se compara con el acta y con el .pb."""
    return (f'<div class="pz-nota" aria-label="Ancla de la cadena" style="margin-top:0.4em">Cadena de papeletas al '
            f'cierre: <b>{ancla.eslabones}</b> eslabones · cabeza (la misma del acta y del archivo .pb):'
            f'<code style="display:block;font-size:1.1em">{html.escape(ancla.cabeza_en_grupos)}</code></div>')


def retiros_html(retiradas: list[dict]) -> str:
    return "".join(f'<div class="pz-nota" style="color:#8a1c00">Retirada de la votación: <b>'
                   f"{html.escape(r['codigo'])}</b> {html.escape(r['titulo'])} — {html.escape(r['motivo'])}. "
                   "Sus marcas no cuentan.</div>" for r in retiradas)


def unirse(url: str) -> str:
    corta = url.split("://", 1)[-1]
    return (f'<div aria-label="Cómo unirse">{pantalla.qr_imagen(url)}<div class="pz-url">{html.escape(corta)}'
            f'</div><div class="pz-nota" style="text-align:center">Escanee con la cámara del celular y escriba el '
            f"código de su tarjeta. Wi-Fi del taller.</div></div>")


def no_financiada(resultado) -> str:
    """Por qué no se financió la primera que no alcanzó, en palabras: «Puesto 5, PP27-0029: no se financia…»."""
    primera = resultado.primera_no_financiada
    if primera is None or not resultado.votantes:
        return ""
    return (f'<div class="pz-motivo">Puesto {primera["rango"]}, {html.escape(primera["codigo"])}: no se financia. '
            f'{html.escape(primera.get("motivo") or "")}</div>')
