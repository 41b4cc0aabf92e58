"""axe-core (el motor de accesibilidad de Deque, del registro de npm) para las pruebas de navegador.

La versión y su huella SHA-512 (la «integrity» que publica npm) están fijas aquí. La primera vez se baja el paquete
del registro de npm a `tests/.axe/` (ignorada por git), se comprueba la huella y se guarda `axe.min.js`; después se
usa ese archivo. El navegador de las pruebas nunca lo pide a internet: Playwright lo inyecta desde el archivo en la
página y en cada marco (el mapa y la papeleta son iframes), y axe revisa todo junto.
"""
from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
INTEGRIDAD = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
PAQUETE = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
CARPETA = Path(__file__).resolve().parent / ".axe"
GRAVES = ("serious", "critical")
# WCAG 2.1 A y AA y las buenas prácticas de axe (las que no son WCAG figuran, como el resto, en el resumen)
ETIQUETAS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def ruta_axe() -> Path:
    """`axe.min.js` de la versión fijada (lo baja y comprueba la primera vez)."""
    destino = CARPETA / f"axe-core-{VERSION}.min.js"
    if destino.exists():
        return destino
    with urllib.request.urlopen(PAQUETE, timeout=60) as respuesta:
        paquete = respuesta.read()
    huella = "sha512-" + base64.b64encode(hashlib.sha512(paquete).digest()).decode()
    if huella != INTEGRIDAD:
        raise RuntimeError(f"axe-core {VERSION} bajado de {PAQUETE} no tiene la huella fijada ({huella}).")
    with tarfile.open(fileobj=io.BytesIO(paquete)) as tar:
        miembro = tar.extractfile("package/axe.min.js")
        if miembro is None:
            raise RuntimeError(f"axe-core {VERSION}: el paquete no trae axe.min.js.")
        contenido = miembro.read()
    CARPETA.mkdir(exist_ok=True)
    temporal = destino.with_suffix(".parcial")
    temporal.write_bytes(contenido)
    temporal.replace(destino)
    return destino


def revisar(pagina) -> list[dict]:
    """Las infracciones de axe en la página y sus marcos: [{id, impact, help, nodes: [{target, html,
    failureSummary}]}]."""
    archivo = str(ruta_axe())
    for marco in pagina.frames:
        if not marco.is_detached() and marco.evaluate("() => typeof window.axe === 'undefined'"):
            marco.add_script_tag(path=archivo)
    return pagina.evaluate("""async (etiquetas) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: etiquetas}, resultTypes: ['violations'],
                                           iframes: true});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 300),
                                      failureSummary: n.failureSummary}))}));
    }""", ETIQUETAS)


def graves(infracciones: list[dict]) -> list[dict]:
    return [i for i in infracciones if i["impact"] in GRAVES]


def resumen(infracciones: list[dict]) -> str:
    """Una línea por regla: «impacto regla (n nodos): ayuda — primer nodo»."""
    return "\n".join(f"{i['impact']} {i['id']} ({len(i['nodes'])}): {i['help']} — {i['nodes'][0]['target']} "
                     f"{i['nodes'][0]['html'][:160]}" for i in infracciones)
