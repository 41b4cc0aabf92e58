"""Texto hostil para las pruebas: Markdown, HTML, LaTeX, íconos y enlaces que una persona podría escribir en
cualquier campo, y una base llena de él por los caminos reales (cada campo que la app muestra lleva uno).

Toda URL apunta a 203.0.113.9 (TEST-NET-3, que nunca se enruta) o a ejemplo-hostil.pe: si el navegador pide algo
de ahí, o arma un enlace hacia ahí, es que un texto de usuario se leyó como Markdown o como HTML.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import nucleo
from geo import servicios as territorio
from identidad import cuentas, participantes
from identidad.acceso import LINEA_DE_COMANDOS, Actor, Rol
from nucleo.formato import HORA_PERU
from propuestas import deliberacion
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Criterio, Estado, Fase, PeriodoFase
from tests.conftest import ADMIN, AHORA, CENTROS, EVALUADORA, FACILITADORA, INDICADORES, LIMITES
from votacion import servicios as votacion_servicios
from votacion.modelo import EstadoVotacion, Papeleta

AJENO = "203.0.113.9"
MARCAS_AJENAS = re.compile(r"203\.0\.113\.9|ejemplo-hostil|^mailto:", re.IGNORECASE)
HOSTILES = {
    "imagen": f"![foto](http://{AJENO}/imagen.png) losa",
    "enlace": f"[Clic aquí](http://{AJENO}/enlace) y vea",
    "www": "Vea www.ejemplo-hostil.pe/losa hoy",
    "url": f"Vea https://{AJENO}/url?a=1&b=2 hoy",
    "correo": "Escriba a alguien@ejemplo-hostil.pe ya",
    "html": f"<img src=http://{AJENO}/html.png> <b>negrita</b>",
    "script": "<script>alert('xss')</script> losa",
    "onerror": "<img src=x onerror=alert(1)> losa",
    "icono": ":material/home: y :streamlit: losa",
    "latex": "Costo $x^2$ y $$\\frac{a}{b}$$ soles",
    "encabezado": "# Encabezado ## de losa",
    "tabla": "| a | b | con --- y === al final",
    "codigo": "Use `rm -rf` y ```bloque``` ya",
    "colores": ":red[rojo] :blue-background[azul] losa",
    "emoji": "Losa :smile: :+1: :tada: deportiva",
    "barras": "Ruta C:\\datos\\losa \\*no\\* \\_ni\\_",
    "simbolos": "Losa a -> b <- c -- d >= e",
    "entidades": "&amp; &#119;ww.ejemplo-hostil.pe &lt;b&gt; ok",
}
NOMBRES = list(HOSTILES)
# lo que solo se arma al comienzo de una línea (para los campos de varias líneas)
BLOQUES = ("# Encabezado\n| a | b |\n|---|---|\n| 1 | 2 |\n    sangría de código\n> cita\n- lista\n1. uno\n---\n"
           f"<details>abierto</details>\n[ref]: http://{AJENO}/ref\n[ref]")
TODOS = "\n".join(HOSTILES.values())
CLAVE = "una contraseña larga"
# barras invertidas que sí están en el texto original (las demás serían escapes a la vista)
BARRA_SUELTA = re.compile(r"\\(?![dlf*_])")


def plano(texto: str) -> str:
    """Lo que se ve, sin importar los saltos de línea ni los espacios repetidos."""
    return " ".join(texto.split())


# --- la base -----------------------------------------------------------------------------------

def _hoy() -> dt.date:
    return propuestas_servicios.fecha_local(nucleo.ahora())


def _momento(dias: int) -> dt.datetime:
    """Mediodía de hoy + `dias` (hora de Perú): las acciones ocurren dentro de la fase que les toca."""
    fecha = _hoy() + dt.timedelta(days=dias)
    return dt.datetime.combine(fecha, dt.time(12), tzinfo=HORA_PERU)


FASES = {Fase.PREPARACION: (-100, -91), Fase.REGISTRO: (-90, -61), Fase.DELIBERACION: (-60, -41),
         Fase.EVALUACION: (-40, -11), Fase.PRIORIZACION: (-10, 10), Fase.FORMALIZACION: (11, 20)}
REGISTRO, EVALUACION, PRIORIZACION = _momento(-80), _momento(-30), _momento(-5)


def _limites_hostiles(carpeta: Path) -> Path:
    """Los límites reales de Huaylas con un texto hostil por nombre de distrito, provincia y departamento."""
    datos = json.loads(LIMITES.read_text(encoding="utf-8"))
    for numero, elemento in enumerate(datos["features"]):
        elemento["properties"].update(distrito=HOSTILES[NOMBRES[numero]], provincia=HOSTILES["enlace"],
                                      departamento=HOSTILES["icono"])
    ruta = carpeta / "limites.geojson"
    ruta.write_text(json.dumps(datos, ensure_ascii=False), encoding="utf-8")
    return ruta


def _centros_hostiles(carpeta: Path) -> Path:
    with CENTROS.open(encoding="utf-8") as archivo:
        filas = list(csv.DictReader(archivo))
    for numero, fila in enumerate(filas):
        fila["nombre"] = HOSTILES[NOMBRES[numero % len(NOMBRES)]]
    ruta = carpeta / "centros.csv"
    with ruta.open("w", encoding="utf-8", newline="") as archivo:
        escritor = csv.DictWriter(archivo, fieldnames=list(filas[0]))
        escritor.writeheader()
        escritor.writerows(filas)
    return ruta


def crear_base_hostil(ruta: Path) -> dict:
    """Una base donde cada texto que la app muestra es hostil: territorio, proceso, propuestas (con evaluación,
    moderación y deliberación), participantes, dos votaciones (una cerrada con acuerdos, otra abierta).

    Devuelve los códigos de las propuestas, los códigos de acceso de los participantes y las votaciones."""
    carpeta = ruta.parent
    with nucleo.abrir(ruta) as db:
        votacion_servicios.preparar(db)
        cuentas.crear_cuenta(db, usuario="ana", nombre=HOSTILES["imagen"], rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                             actor=LINEA_DE_COMANDOS, ahora=AHORA)
        territorio.importar(db, _limites_hostiles(carpeta), actor=ADMIN, ahora=AHORA,
                            nombre=f"límites {HOSTILES['imagen']} {HOSTILES['www']}.geojson")
        territorio.importar(db, INDICADORES, actor=ADMIN, ahora=AHORA)
        territorio.importar(db, _centros_hostiles(carpeta), tipo="centros_poblados", actor=ADMIN, ahora=AHORA)
        proceso = _proceso(db)
        codigos = _propuestas(db, proceso.id)
        accesos, actores = _participantes(db, proceso.id)
        _deliberar(db, codigos[0], actores)
        _evaluar(db, proceso.id, codigos)
        cerrada, abierta = _votaciones(db, proceso.id, codigos[:15], actores)
    return {"codigos": codigos, "accesos": accesos, "cerrada": cerrada, "abierta": abierta}


def _proceso(db):
    sugerido = propuestas_servicios.proceso_sugerido("0212", _hoy())
    fases = tuple(PeriodoFase(fase, _hoy() + dt.timedelta(days=desde), _hoy() + dt.timedelta(days=hasta))
                  for fase, (desde, hasta) in FASES.items())
    primero, *otros = sugerido.criterios
    criterios = (Criterio(primero.clave, HOSTILES["enlace"], primero.peso, HOSTILES["www"]), *otros)
    return propuestas_servicios.crear_proceso(
        db, dataclasses.replace(sugerido, nombre=f"PP27 {HOSTILES['imagen']}", fases=fases, criterios=criterios,
                                ejes=(HOSTILES["html"], *sugerido.ejes)), actor=ADMIN, ahora=AHORA)


def _propuestas(db, proceso_id: int) -> list[str]:
    """Una propuesta por texto hostil en todos sus campos (los de texto largo llevan además todos los demás)."""
    centros = territorio.centros_poblados(db)
    codigos = []
    for numero, nombre in enumerate(NOMBRES):
        hostil = HOSTILES[nombre]
        centro = centros[(numero * 37) % len(centros)]
        largo = f"{hostil}\n{TODOS}\n{BLOQUES}"
        datos = {"profundidad": "organizacion", "titulo": hostil, "problema": largo, "propuesta": largo,
                 "objetivo": largo, "proponente_tipo": "organizacion", "proponente_nombre": hostil,
                 "organizacion": hostil, "contacto": "987654321", "consentimiento": True, "servicio_publico": hostil,
                 "indicador_brecha": hostil, "sostenibilidad": largo, "tipo": "proyecto_inversion",
                 "eje": HOSTILES["html"], "costo": str(60_000 + 1_000 * numero), "madurez": "idea",
                 "directos_mujeres": 40, "directos_hombres": 35, "indirectos": 120,
                 "lat": centro.lat, "lon": centro.lon}
        clave = propuestas_servicios.crear_borrador(db, proceso_id, actor=ADMIN, ahora=REGISTRO)
        propuestas_servicios.guardar_borrador(db, clave, datos, ahora=REGISTRO)
        codigos.append(propuestas_servicios.registrar(db, clave, actor=ADMIN, ahora=REGISTRO).codigo)
    return codigos


def _evaluar(db, proceso_id: int, codigos: list[str]) -> None:
    """Admitidas con motivo y evaluadas viables con notas; la 16.ª queda admitida y la 17.ª, no admitida y oculta."""
    proceso = propuestas_servicios.obtener_proceso(db, proceso_id)
    for numero, codigo in enumerate(codigos):
        hostil = HOSTILES[NOMBRES[numero]]
        if numero == 16:  # no admitida y ocultada: su ficha pública muestra solo el motivo
            propuestas_servicios.transicionar(db, codigo, Estado.NO_ADMITIDA, actor=EVALUADORA, motivo=hostil,
                                              ahora=EVALUACION)
            deliberacion.ocultar(db, "propuesta", _id(db, codigo), HOSTILES["imagen"], actor=FACILITADORA,
                                 ahora=EVALUACION)
            continue
        propuestas_servicios.transicionar(db, codigo, Estado.ADMITIDA, actor=EVALUADORA, motivo=hostil,
                                          ahora=EVALUACION)
        if numero == 15:  # queda admitida: la matriz de criterios se ve en «Evaluación técnica»
            continue
        puntajes = {c.clave: (numero + i) % 4 for i, c in enumerate(proceso.criterios)}
        propuestas_servicios.evaluar(db, codigo, actor=EVALUADORA, puntajes=puntajes,
                                     costo_validado=f"{60_000 + 1_000 * numero}", viable=True, notas=hostil,
                                     ahora=EVALUACION)


def _id(db, codigo: str) -> int:
    return db.execute("SELECT id FROM propuestas WHERE codigo = ?", [codigo]).fetchone()[0]


def _participantes(db, proceso_id: int) -> tuple[list[str], list[Actor]]:
    """Tres agentes participantes con nombre y organización hostiles."""
    accesos, actores = [], []
    for numero, (nombre, organizacion) in enumerate((("html", "imagen"), ("script", "enlace"), ("latex", "www"))):
        participante_id, acceso = participantes.registrar_participante(
            db, proceso_id, {"nombre": f"Rosa {HOSTILES[nombre]}", "tipo": "organizacion",
                             "organizacion": HOSTILES[organizacion], "ubigeo": f"02120{numero + 1}",
                             "consentimiento": True}, actor=FACILITADORA, ahora=REGISTRO)
        accesos.append(acceso)
        actores.append(Actor(Rol.PARTICIPANTE, f"participante {participante_id}", participante_id=participante_id))
    return accesos, actores


def _deliberar(db, codigo: str, actores: list[Actor]) -> None:
    """Un argumento por texto hostil (y uno con los bloques), un reporte, uno oculto, síntesis y cierre."""
    posturas = ("a_favor", "en_contra", "observacion")
    for numero, nombre in enumerate(NOMBRES):
        deliberacion.argumentar(db, codigo, HOSTILES[nombre], posturas[numero % 3], actor=actores[numero % 3],
                                ahora=REGISTRO + dt.timedelta(minutes=numero))
    deliberacion.argumentar(db, codigo, f"{BLOQUES}\n{TODOS}", "a_favor", actor=actores[0],
                            ahora=REGISTRO + dt.timedelta(hours=1))
    ids = [fila[0] for fila in db.execute("SELECT id FROM argumentos ORDER BY id")]
    deliberacion.apoyar_argumento(db, ids[0], actor=actores[1], ahora=REGISTRO + dt.timedelta(hours=2))
    deliberacion.reportar(db, "argumento", ids[1], "ofensivo", HOSTILES["www"], actor=actores[2], origen="prueba",
                          ahora=REGISTRO + dt.timedelta(hours=2))
    deliberacion.ocultar(db, "argumento", ids[2], HOSTILES["url"], actor=FACILITADORA,
                         ahora=REGISTRO + dt.timedelta(hours=3))
    deliberacion.escribir_sintesis(db, codigo, f"{TODOS}\n{BLOQUES}", actor=FACILITADORA,
                                   ahora=REGISTRO + dt.timedelta(hours=3))
    deliberacion.cerrar_deliberacion(db, codigo, HOSTILES["correo"], actor=FACILITADORA,
                                     ahora=REGISTRO + dt.timedelta(hours=4))


ACUERDOS = ("imagen", "enlace", "emoji", "simbolos")


def _votaciones(db, proceso_id: int, codigos: list[str], actores: list[Actor]) -> tuple[int, int]:
    """Una votación cerrada (con papeletas y acuerdos hostiles) y otra abierta, ambas con nombre y lugar hostiles."""
    ids = []
    for nombre, lugar in (("enlace", "www"), ("correo", "imagen")):
        nueva = votacion_servicios.nueva_votacion(db, proceso_id, nombre=f"Taller {HOSTILES[nombre]}",
                                                  lugar=HOSTILES[lugar])
        creada = votacion_servicios.crear_votacion(db, nueva, codigos, actor=FACILITADORA, ahora=PRIORIZACION)
        votacion_servicios.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA,
                                          ahora=PRIORIZACION)
        ids.append(creada.id)
    cerrada, abierta = ids
    for numero, actor in enumerate(actores):
        votacion_servicios.emitir(db, cerrada, Papeleta(tuple(codigos[numero:numero + 5])), actor=actor,
                                  ahora=PRIORIZACION + dt.timedelta(minutes=numero))
    for votacion_id in ids:
        for nombre in ACUERDOS:
            votacion_servicios.anotar_acuerdo(db, votacion_id, HOSTILES[nombre], HOSTILES["www"], HOSTILES["icono"],
                                              actor=FACILITADORA, ahora=PRIORIZACION + dt.timedelta(minutes=10))
    votacion_servicios.cambiar_estado(db, cerrada, EstadoVotacion.CERRADA, actor=FACILITADORA,
                                      ahora=PRIORIZACION + dt.timedelta(hours=1))
    return cerrada, abierta


# --- lo que ve el navegador --------------------------------------------------------------------

REVISAR_DOM = """(marcas) => {
    const ajena = (u) => {
        try { const x = new URL(u, location.href);
              return !['data:', 'blob:', 'about:'].includes(x.protocol) && x.origin !== location.origin; }
        catch (e) { return true; } };
    const marcada = (u) => new RegExp(marcas, 'i').test(u);
    const fuentes = [...document.querySelectorAll('[src], image, use, [srcset], [poster]')]
        .map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('xlink:href')
                  || e.getAttribute('srcset') || e.getAttribute('poster') || '')
        .filter(s => s && (ajena(s) || marcada(s)));
    const enlaces = [...document.querySelectorAll('a[href], area[href]')].map(a => a.getAttribute('href'))
        .filter(h => marcada(h));
    const iconos = [...document.querySelectorAll('.katex, img[alt="Streamlit logo"]')].map(e => e.outerHTML);
    return {texto: document.body ? document.body.innerText : '', fuentes, enlaces, iconos};
}"""


def revisar(pagina, esperados: list[str] = (), *, marcos: bool = True) -> str:
    """Revisa la página (y sus iframes) como la vería un visitante: ninguna imagen, video ni iframe pide algo de
    afuera, ningún enlace lleva a una URL escrita por un usuario, no aparecen íconos ni fórmulas, no hay barras
    invertidas de escapes a la vista, y cada texto `esperados` se lee tal cual. Devuelve el texto visible."""
    textos = []
    for marco in (pagina.frames if marcos else [pagina.main_frame]):
        visto = marco.evaluate(REVISAR_DOM, MARCAS_AJENAS.pattern)
        assert visto["fuentes"] == [], f"recursos de afuera en {marco.url}: {visto['fuentes']}"
        assert visto["enlaces"] == [], f"enlaces escritos por usuarios en {marco.url}: {visto['enlaces']}"
        assert visto["iconos"] == [], f"íconos o fórmulas salidos de texto de usuario: {visto['iconos']}"
        textos.append(visto["texto"])
    texto = plano("\n".join(textos))
    faltan = [e for e in esperados if plano(e) not in texto]
    assert faltan == [], f"no se ve tal cual: {faltan}"
    sueltas = [texto[max(0, m.start() - 15):m.end() + 15] for m in BARRA_SUELTA.finditer(texto)]
    assert sueltas == [], f"barras invertidas de escapes a la vista: {sueltas}"
    return texto
