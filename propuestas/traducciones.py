"""Los textos de las páginas de participantes en otro idioma: catálogo, traducciones guardadas y su hoja.

El castellano es la fuente. Cada texto que ve un participante se escribe en castellano en la página, dentro de
`t("…")` (paginas/idiomas.py); ese texto, leído del código fuente sin ejecutarlo, es una **entrada del catálogo**, y
su **código** es su huella (8 letras y números): si alguien cambia el castellano, cambia el código y la traducción
vieja deja de usarse sola (la página vuelve a mostrar el castellano nuevo, nunca una traducción de otro texto).

La MCLCP traduce sin programar: administración descarga el catálogo como hoja (Código, Página, Castellano,
Quechua (Áncash), Estado), quienes hablan el idioma llenan o corrigen su columna y la hoja vuelve a subirse con la
misma revisión fila por fila que las demás importaciones (todo o nada). Una traducción que pierde un marcador del
castellano (`{n}`) o agrega marcas (HTML, enlaces) se rechaza con su fila dicha. Una celda vacía no borra nada.

Cada traducción está «por revisar» o «aprobada». Las que vienen con el código (`traducciones_incluidas.csv`, con su
fuente) entran «por revisar» y así quedan hasta que alguien las aprueba en la plataforma; importar una hoja las deja
«por revisar» salvo que quien importa diga que una persona hablante las revisó. Nada se borra: una traducción se
reemplaza por otra y el evento guarda la anterior.
"""
from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import string
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, escritura, marca, registrar_evento
from nucleo.errores import DatosInvalidos, Problema
from nucleo.formato import limpiar
from propuestas import hoja

FUENTE = "es"
IDIOMAS = {"es": "Castellano", "qwh": "Quechua (Áncash)"}  # qwh: ISO 639-3, quechua de Huaylas (Áncash)
TRADUCIBLES = ("qwh",)
ESTADOS = {"por_revisar": "por revisar", "aprobada": "aprobada"}
INCLUIDAS = Path(__file__).with_name("traducciones_incluidas.csv")
ACTOR_INCLUIDAS = "sistema:traducciones incluidas con el código"
LARGO_MAXIMO = 2_000
# Marcas que una traducción no puede traer si el castellano no las trae: HTML, enlaces de Markdown y direcciones
# (Markdown vuelve enlace una dirección suelta).
MARCAS = ("<", ">", "](", "![", "javascript:", "://", "www.")
COLUMNAS = (("codigo", "Código", ("codigo", "clave", "id")),
            ("pagina", "Página", ("pagina", "paginas", "donde")),
            ("castellano", "Castellano", ("espanol", "es", "texto")),
            ("traduccion", "Quechua (Áncash)", ("quechua", "quechua ancash", "qwh", "traduccion", "runa shimi")),
            ("estado", "Estado", ()))
ENCABEZADO = {campo: titulo for campo, titulo, _ in COLUMNAS}
ALIAS = {hoja.normalizar(n): campo for campo, titulo, otros in COLUMNAS for n in (titulo, campo, *otros)}


def codigo(texto: str) -> str:
    """La huella corta de un texto en castellano: su nombre en la hoja y en la base."""
    return hashlib.sha256(texto.encode("utf-8")).hexdigest()[:8]


def marcadores(texto: str) -> set[str]:
    """Los `{nombre}` de un texto. ValueError si tiene una llave suelta o un marcador sin nombre (`{}`, `{0}`)."""
    nombres = set()
    for _, nombre, _, _ in string.Formatter().parse(texto):
        if nombre is None:
            continue
        if not nombre.isidentifier():
            raise ValueError(f"el marcador «{{{nombre}}}» debe ser una palabra, como {{n}} o {{distrito}}")
        nombres.add(nombre)
    return nombres


def problemas_de(original: str, traduccion: str) -> list[str]:
    """Lo que impide usar `traduccion` en lugar de `original` (vacío si se puede)."""
    problemas = []
    if len(traduccion) > LARGO_MAXIMO:
        problemas.append(f"La traducción tiene {len(traduccion):,} caracteres; el máximo es {LARGO_MAXIMO:,}.")
    try:
        propios = marcadores(traduccion)
    except ValueError as error:
        return problemas + [f"La traducción tiene una llave mal escrita: {error}. Escriba los marcadores tal como "
                            "están en el castellano."]
    fuente = marcadores(original)
    for falta in sorted(fuente - propios):
        problemas.append(f"Falta el marcador {{{falta}}} del castellano: sin él, la página perdería ese dato. "
                         "Cópielo tal cual en la traducción.")
    for sobra in sorted(propios - fuente):
        problemas.append(f"El marcador {{{sobra}}} no está en el castellano: la página no tiene ese dato.")
    for marca_ in MARCAS:
        if marca_ in traduccion and marca_ not in original:
            problemas.append(f"La traducción trae «{marca_}», que el castellano no tiene: no se aceptan HTML ni "
                             "enlaces en las traducciones.")
    return problemas


def traducir(plantilla: str, traduccion: str | None, valores: dict) -> str:
    """El texto final: la traducción (o el castellano si no hay) con sus marcadores llenos. Si una traducción guardada
    no se puede llenar (no debería pasar: se revisó al importarla), se usa el castellano: nunca se ve un marcador."""
    if traduccion:
        try:
            return traduccion.format(**valores) if valores else traduccion
        except (KeyError, IndexError, ValueError):
            pass
    return plantilla.format(**valores) if valores else plantilla


# --- el catálogo: los textos t("…") del código fuente ---------------------------------------

@dataclass(frozen=True)
class Entrada:
    codigo: str
    texto: str
    paginas: tuple[str, ...]


def textos_de(ruta: Path) -> list[str]:
    """Los textos literales de un archivo que van al catálogo, en orden de aparición: el de cada `t("…")` (o
    `comun.t("…")`) de una página y la plantilla de cada `Problema.de(campo, "…")` o `Mensaje.con("…")` del
    dominio."""
    salida = []
    for nodo in ast.walk(ast.parse(ruta.read_text(encoding="utf-8"))):
        if isinstance(nodo, ast.Call):
            literal = _literal_del_catalogo(nodo)
            if literal is not None:
                salida.append(literal)
    return salida


def _literal_del_catalogo(nodo: ast.Call) -> str | None:
    funcion = nodo.func
    if (isinstance(funcion, ast.Name) and funcion.id == "t") or (isinstance(funcion, ast.Attribute)
                                                                  and funcion.attr == "t"):
        argumento = nodo.args[0] if nodo.args else None
    elif (isinstance(funcion, ast.Attribute) and funcion.attr == "de" and isinstance(funcion.value, ast.Name)
          and funcion.value.id == "Problema"):
        argumento = nodo.args[1] if len(nodo.args) > 1 else None
    elif (isinstance(funcion, ast.Attribute) and funcion.attr == "con" and isinstance(funcion.value, ast.Name)
          and funcion.value.id == "Mensaje"):
        argumento = nodo.args[0] if nodo.args else None
    else:
        return None
    if isinstance(argumento, ast.Constant) and isinstance(argumento.value, str):
        return argumento.value
    return None


def catalogo(archivos: dict[str, list[Path]], etiquetas: dict[str, list[str]] | None = None) -> list[Entrada]:
    """Página → archivos que dibujan su texto (y página → etiquetas fijas que no están literales en una página, como
    los nombres de las fases) → las entradas, una por texto, con las páginas donde aparece."""
    donde: dict[str, list[str]] = {}
    for pagina, rutas in archivos.items():
        for ruta in rutas:
            for texto in textos_de(ruta):
                donde.setdefault(texto, [])
                if pagina not in donde[texto]:
                    donde[texto].append(pagina)
    for pagina, textos in (etiquetas or {}).items():
        for texto in textos:
            donde.setdefault(texto, [])
            if pagina not in donde[texto]:
                donde[texto].append(pagina)
    return [Entrada(codigo(texto), texto, tuple(paginas)) for texto, paginas in donde.items()]


# --- lo guardado ------------------------------------------------------------------------------

def cargar(db: Database, idioma: str) -> dict[str, tuple[str, str]]:
    """Código → (traducción, estado) de un idioma."""
    return {c: (t, e) for c, t, e in db.execute(
        "SELECT codigo, texto, estado FROM traducciones WHERE idioma = ?", [idioma]).fetchall()}


def notas(db: Database, idioma: str) -> dict[str, str]:
    """Código → de dónde viene cada traducción de un idioma (la fuente de una incluida, la hoja de una importada)."""
    return dict(db.execute("SELECT codigo, nota FROM traducciones WHERE idioma = ? AND nota IS NOT NULL",
                           [idioma]).fetchall())


def incluidas() -> list[dict]:
    """Las traducciones que vienen con el código: castellano, idioma, texto y de dónde salió."""
    if not INCLUIDAS.exists():
        return []
    with INCLUIDAS.open(encoding="utf-8", newline="") as archivo:
        return [f for f in csv.DictReader(archivo) if (f.get("texto") or "").strip()]


def sembrar(db: Database, *, ahora: dt.datetime) -> int:
    """Guarda, «por revisar», las traducciones incluidas con el código que la base aún no tiene (nunca pisa una
    traducción que la MCLCP importó o aprobó). Devuelve cuántas agregó."""
    nuevas = []
    for fila in incluidas():
        clave = codigo(fila["castellano"])
        if problemas_de(fila["castellano"], fila["texto"]):
            continue
        existe = db.execute("SELECT 1 FROM traducciones WHERE codigo = ? AND idioma = ?",
                            [clave, fila["idioma"]]).fetchone()
        if not existe:
            nuevas.append({"codigo": clave, "idioma": fila["idioma"], "original": fila["castellano"],
                           "texto": fila["texto"], "estado": "por_revisar", "actualizado_en": marca(ahora),
                           "actualizado_por": ACTOR_INCLUIDAS, "nota": fila.get("fuente") or None})
    if not nuevas:
        return 0
    with escritura(db):
        db.table("traducciones").insert_all(nuevas)
        registrar_evento(db, Evento(ACTOR_INCLUIDAS, "sembrar_traducciones", "traducciones", "qwh", None,
                                    {"codigos": [f["codigo"] for f in nuevas]}), momento=ahora)
    return len(nuevas)


def aprobar(db: Database, idioma: str, codigos: list[str], *, actor: Actor, ahora: dt.datetime) -> int:
    """Marca como aprobadas (las revisó una persona hablante) las traducciones «por revisar» de esos códigos."""
    exigir(actor, Accion.ADMINISTRAR_PROCESOS)
    if not codigos:
        raise DatosInvalidos([Problema("codigos", "Marque al menos una traducción para aprobarla.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        marcas = ", ".join("?" for _ in codigos)
        cursor = db.execute(f"UPDATE traducciones SET estado = 'aprobada', actualizado_en = ?, actualizado_por = ? "
                            f"WHERE idioma = ? AND estado = 'por_revisar' AND codigo IN ({marcas})",
                            [marca(ahora), actor.etiqueta, idioma, *codigos])
        if cursor.rowcount:
            registrar_evento(db, Evento(actor.etiqueta, "aprobar_traducciones", "traducciones", idioma,
                                        {"estado": "por_revisar"}, {"estado": "aprobada", "codigos": codigos}),
                             momento=ahora)
    return cursor.rowcount


# --- la hoja: exportar, revisar, importar -----------------------------------------------------

def filas_de_hoja(entradas: list[Entrada], guardadas: dict[str, tuple[str, str]]) -> list[dict]:
    """Una fila por entrada del catálogo: lo que se descarga para traducir."""
    salida = []
    for entrada in entradas:
        texto, estado = guardadas.get(entrada.codigo, ("", ""))
        salida.append({"Código": entrada.codigo, "Página": ", ".join(entrada.paginas), "Castellano": entrada.texto,
                       "Quechua (Áncash)": texto, "Estado": ESTADOS.get(estado, "sin traducir")})
    return salida


def como_csv(filas: list[dict]) -> bytes:
    return hoja.csv_para_excel(ENCABEZADO.values(), filas).encode("utf-8")


def como_xlsx(filas: list[dict]) -> bytes:
    from openpyxl.styles import Alignment

    libro, hoja_ = hoja.libro_para_excel("Catálogo", ENCABEZADO.values(), filas, (11, 22, 60, 60, 14))
    for fila_ in hoja_.iter_rows(min_row=2):
        for celda in fila_[2:4]:  # castellano y quechua: el texto entero a la vista
            celda.alignment = Alignment(wrap_text=True, vertical="top")
    hoja_.freeze_panes = "A2"
    return hoja.guardar(libro)


@dataclass
class FilaTraduccion:
    numero: int
    codigo: str
    castellano: str
    traduccion: str
    cambio: str = ""   # «nueva», «cambia», «igual», «vacía»
    problemas: list[str] = field(default_factory=list)


@dataclass
class RevisionTraducciones:
    archivo: str
    filas: list[FilaTraduccion]
    problemas: list[str]
    avisos: list[str] = field(default_factory=list)

    @property
    def a_guardar(self) -> list[FilaTraduccion]:
        return [f for f in self.filas if f.cambio in ("nueva", "cambia")]

    @property
    def es_importable(self) -> bool:
        return not self.problemas and not any(f.problemas for f in self.filas) and bool(self.a_guardar)


def _celda(valor) -> str:
    if valor is None:
        return ""
    return limpiar(hoja.sin_apostrofo(str(valor) if not isinstance(valor, float) or not valor.is_integer()
                                      else str(int(valor))))


def revisar(contenido: bytes, nombre: str, entradas: list[Entrada], guardadas: dict[str, tuple[str, str]]
            ) -> RevisionTraducciones:
    """Lee la hoja del catálogo y revisa cada fila contra el catálogo de este código (nada se escribe)."""
    tabla = hoja.leer(contenido, nombre, ALIAS)
    problemas = list(tabla.problemas)
    campos = [ALIAS.get(hoja.normalizar(e)) for e in tabla.encabezados]
    for obligatoria in ("codigo", "traduccion"):
        if obligatoria not in campos:
            problemas.append(f"Falta la columna «{ENCABEZADO[obligatoria]}»: use la hoja descargada de esta página.")
    if problemas:
        return RevisionTraducciones(nombre, [], problemas, list(tabla.avisos))
    por_codigo = {e.codigo: e for e in entradas}
    vistas: dict[str, int] = {}
    filas = []
    for numero, celdas in tabla.filas:
        crudos = {c: _celda(celdas[i] if i < len(celdas) else None) for i, c in enumerate(campos) if c}
        if not any(crudos.values()):
            continue
        fila = FilaTraduccion(numero, crudos.get("codigo", ""), crudos.get("castellano", ""),
                              crudos.get("traduccion", ""))
        filas.append(fila)
        entrada = por_codigo.get(fila.codigo)
        if not fila.codigo:
            fila.problemas.append("Falta el código: no se sabe qué texto traduce esta fila.")
            continue
        if entrada is None:
            fila.problemas.append(f"El código {fila.codigo} no está en el catálogo de esta versión de la plataforma "
                                  "(¿una hoja vieja?). Descargue el catálogo de nuevo y copie allí la traducción.")
            continue
        if fila.codigo in vistas:
            fila.problemas.append(f"El código {fila.codigo} ya está en la fila {vistas[fila.codigo]}.")
            continue
        vistas[fila.codigo] = numero
        fila.castellano = entrada.texto  # manda el del catálogo (la hoja pudo cambiar una tilde al abrirse)
        if not fila.traduccion:
            fila.cambio = "vacía"
            continue
        fila.problemas += problemas_de(entrada.texto, fila.traduccion)
        anterior = guardadas.get(fila.codigo)
        fila.cambio = "nueva" if anterior is None else ("igual" if anterior[0] == fila.traduccion else "cambia")
    if not filas and not problemas:
        problemas.append(f"«{nombre}» no tiene filas debajo del encabezado.")
    elif filas and not any(f.cambio in ("nueva", "cambia") for f in filas) and not any(f.problemas for f in filas):
        problemas.append("La hoja no trae traducciones nuevas ni cambiadas: no hay nada que importar.")
    return RevisionTraducciones(nombre, filas, problemas, list(tabla.avisos))


def importar(db: Database, contenido: bytes, nombre: str, entradas: list[Entrada], *, idioma: str,
             aprobadas: bool, actor: Actor, ahora: dt.datetime) -> dict[str, int]:
    """Guarda las traducciones nuevas o cambiadas de la hoja, todas o ninguna. `aprobadas`: quien importa dice que
    una persona hablante del idioma las revisó; si no, quedan «por revisar»."""
    exigir(actor, Accion.ADMINISTRAR_PROCESOS)
    if idioma not in TRADUCIBLES:
        raise DatosInvalidos([Problema("idioma", f"El idioma «{idioma}» no se traduce en esta plataforma.")])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        guardadas = cargar(db, idioma)
        revision = revisar(contenido, nombre, entradas, guardadas)
        if not revision.es_importable:
            raise DatosInvalidos([Problema("archivo", p) for p in revision.problemas]
                                 + [Problema(f"fila {f.numero}", f"Fila {f.numero}: {p}") for f in revision.filas
                                    for p in f.problemas])
        estado = "aprobada" if aprobadas else "por_revisar"
        antes = {}
        for fila in revision.a_guardar:
            if fila.cambio == "cambia":
                antes[fila.codigo] = guardadas[fila.codigo][0]
            db.table("traducciones").upsert({"codigo": fila.codigo, "idioma": idioma, "original": fila.castellano,
                                       "texto": fila.traduccion, "estado": estado, "actualizado_en": marca(ahora),
                                       "actualizado_por": actor.etiqueta, "nota": f"hoja «{nombre}»"},
                                      pk=("codigo", "idioma"))
        cuantas = {"nuevas": sum(f.cambio == "nueva" for f in revision.a_guardar),
                   "cambiadas": sum(f.cambio == "cambia" for f in revision.a_guardar)}
        registrar_evento(db, Evento(actor.etiqueta, "importar_traducciones", "traducciones", idioma, antes or None,
                                    {"archivo": nombre, "estado": estado, **cuantas,
                                     "codigos": [f.codigo for f in revision.a_guardar]}), momento=ahora)
    return cuantas
