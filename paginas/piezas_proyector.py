"""Piezas HTML del proyector, hechas en el servidor: contadores, cómo unirse (QR), el ancla de la cadena, las
propuestas retiradas y por qué no se financió la primera que no alcanzó. Todo texto de usuario va escapado, y
también el texto traducido (`t`): las marcas HTML quedan fuera del texto que se traduce."""
import html
import re

from paginas import pantalla
from paginas.traduccion import t


def soles(centimos: int) -> str:
    """Soles enteros («S/ 850,000»): en el proyector los céntimos solo ocupan lugar."""
    return f"S/ {round(centimos / 100):,}"


def papeletas_texto(valor: float | None) -> str:
    cuantas = int(valor or 0)
    if not cuantas:
        return ""
    return t("1 papeleta") if cuantas == 1 else t("{n} papeletas", n=cuantas)


def en_html(traducido: str, **piezas: str) -> str:
    """Un texto ya traducido que trae sus `{marcadores}` sin llenar (`t("… {n} …", n="{n}")`), escapado y con cada
    marcador cambiado, en una sola pasada, por su pieza de HTML (que quien llama ya escapó): así las marcas como
    `<b>` no entran en el texto que se traduce."""
    return re.sub(r"\{(\w+)\}", lambda m: piezas.get(m[1], m[0]), html.escape(traducido))


def contadores(vivo: dict) -> str:
    canales = (t("{celular} por celular · {papel} de papel", celular=vivo["celular"], papel=vivo["papel"])
               if vivo["papel"] else t("por celular"))
    return (f'<div class="pz-numeros"><div class="pz-numero"><b>{vivo["unidos"]}</b>'
            f'{html.escape(t("personas unidas"))}</div><div class="pz-numero"><b>{vivo["papeletas"]}</b>'
            f'{html.escape(t("papeletas"))}<div class="pz-nota">{html.escape(canales)}</div></div></div>')


def contadores_por_distrito(vivo: dict, nombres: dict[str, str]) -> str:
    """Sin mapa (no se importaron límites): la tabla de unidos y papeletas por distrito."""
    sin_distrito = t("Sin distrito")
    filas = "".join(f"<tr><td>{html.escape(nombres.get(u, u) or sin_distrito)}</td>"
                    f"<td>{d['unidos']}</td><td>{d['papeletas']}</td></tr>"
                    for u, d in sorted(vivo["por_distrito"].items(), key=lambda kv: (-kv[1]["papeletas"],
                                                                                       -kv[1]["unidos"], kv[0])))
    encabezado = "".join(f"<td><b>{html.escape(titulo)}</b></td>"
                         for titulo in (t("Distrito"), t("Unidos"), t("Papeletas")))
    return f'<table class="pz-distritos"><tr>{encabezado}</tr>{filas}</table>' if filas else ""


def ancla_html(ancla) -> str:
    """La cabeza de la cadena en 4 grupos, grande y en letra de máquina: se compara con el acta y con el .pb."""
    texto = en_html(t("Cadena de papeletas al cierre: {eslabones} eslabones · cabeza (la misma del acta y del "
                      "archivo .pb):", eslabones="{eslabones}"), eslabones=f"<b>{ancla.eslabones}</b>")
    return (f'<div class="pz-nota" aria-label="{html.escape(t("Ancla de la cadena"))}" style="margin-top:0.4em">'
            f'{texto}<code style="display:block;font-size:1.1em">{html.escape(ancla.cabeza_en_grupos)}</code></div>')


def retiros_html(retiradas: list[dict]) -> str:
    plantilla = t("Retirada de la votación: {codigo} {titulo} — {motivo}. Sus marcas no cuentan.",
                  codigo="{codigo}", titulo="{titulo}", motivo="{motivo}")
    return "".join('<div class="pz-nota" style="color:#8a1c00">'
                   + en_html(plantilla, codigo=f"<b>{html.escape(r['codigo'])}</b>", titulo=html.escape(r["titulo"]),
                             motivo=html.escape(r["motivo"])) + "</div>" for r in retiradas)


def unirse(url: str) -> str:
    corta = url.split("://", 1)[-1]
    pide = t("Escanee con la cámara del celular y escriba el código de su tarjeta. Wi-Fi del taller.")
    return (f'<div aria-label="{html.escape(t("Cómo unirse"))}">{pantalla.qr_imagen(url)}<div class="pz-url">'
            f'{html.escape(corta)}</div><div class="pz-nota" style="text-align:center">{html.escape(pide)}</div></div>')


def no_financiada(resultado) -> str:
    """Por qué no se financió la primera que no alcanzó, en palabras: «Puesto 5, PP27-0029: no se financia…»."""
    primera = resultado.primera_no_financiada
    if primera is None or not resultado.votantes:
        return ""
    motivo = t("Puesto {rango}, {codigo}: no se financia.", rango=primera["rango"], codigo=primera["codigo"])
    return f'<div class="pz-motivo">{html.escape(motivo)} {html.escape(primera.get("motivo") or "")}</div>'
