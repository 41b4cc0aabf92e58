"""La hoja de propuestas: un solo vocabulario de columnas para exportar e importar, la lectura de CSV y Excel, y
la plantilla para digitar fichas de papel.

Lo que la plataforma exporta se vuelve a importar tal cual (mismos encabezados); la plantilla para digitar
fichas de papel tiene esas mismas columnas. Al leer, los encabezados se comparan sin tildes, mayúsculas ni
signos («Título *», «TITULO» y «título» son la misma columna) y se aceptan nombres habituales
(«Caserío» por «Centro poblado»). Lee la primera hoja que tenga encabezado; las filas de título que haya encima
se saltan. Sin E/S: recibe los bytes ya leídos y devuelve los de la plantilla.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from geo.lectura import decodificar
from nucleo.errores import ErrorPlataforma
from propuestas.modelo import ETIQUETAS_CAMPO, FRANJAS_EDAD, MADUREZ, TIPOS_INTERVENCION, TIPOS_PROPONENTE

MAXIMO_BYTES = 10_000_000
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # lo que una hoja de cálculo tomaría por el comienzo de una fórmula
MAXIMO_FILAS = 5_000
FILAS_PARA_BUSCAR_ENCABEZADO = 15
# Límites de lectura, revisados mientras se lee (un .xlsx de 10 MB puede descomprimirse en gigas):
LIMITE_FILAS = MAXIMO_FILAS + 1_000   # filas por hoja, aun vacías con formato (el número de fila también)
MAXIMO_COLUMNAS = 1_000               # la plantilla tiene 41; Excel admite 16,384
MAXIMO_CELDAS = 500_000               # en todo el libro: la plantilla llena tiene 5,000 × 41
LARGO_MAXIMO_CELDA = 32_767           # caracteres: el máximo que Excel deja escribir en una celda
MAXIMO_XML = 100_000_000              # bytes de XML descomprimido en todo el libro
MAXIMO_ELEMENTOS = 1_500_000          # etiquetas XML en todo el libro (celdas, valores, cadenas, estilos…)
MAXIMO_PARTES = 2_000                 # archivos dentro del .xlsx


@dataclass(frozen=True)
class Columna:
    campo: str
    encabezado: str                 # como lo escriben la plantilla y la exportación
    otros: tuple[str, ...] = ()     # otros nombres aceptados al importar
    obligatoria: bool = False
    ayuda: str = ""


COLUMNAS = (
    Columna("codigo", "Código", ("codigo de la propuesta",),
            ayuda="Vacío en fichas nuevas (la plataforma asigna uno). Si trae uno de este proceso que ya existe, "
                  "la fila se rechaza (evita importar dos veces); uno de otro proceso queda como referencia."),
    Columna("referencia", "N.º de ficha", ("numero de ficha", "nro de ficha", "n de ficha", "ficha", "n ficha"),
            ayuda="El número escrito en la ficha de papel; no puede repetirse en el proceso."),
    Columna("fecha", "Fecha de registro", ("fecha", "fecha de la ficha", "fecha de presentacion"),
            ayuda="Día en que se llenó la ficha: 15/03/2026 (día/mes/año) o 2026-03-15."),
    Columna("titulo", "Título", ("titulo de la propuesta", "nombre de la propuesta", "nombre del proyecto"),
            obligatoria=True, ayuda="De 10 a 120 caracteres."),
    Columna("problema", "Problema", ("el problema", "problema que resuelve", "problematica"), obligatoria=True,
            ayuda="Qué pasa hoy y a quién afecta (20 a 3,000 caracteres)."),
    Columna("propuesta", "Qué se propone", ("que proponen hacer", "propuesta", "descripcion", "que se propone hacer"),
            obligatoria=True, ayuda="Qué se quiere hacer (20 a 3,000 caracteres)."),
    Columna("distrito", "Distrito", ayuda="Uno de los distritos de la provincia."),
    Columna("ubigeo", "Ubigeo", ("ubigeo del distrito",), ayuda="6 dígitos (021201); opcional si va el distrito."),
    Columna("centro_poblado", "Centro poblado", ("caserio", "localidad", "comunidad", "centro poblado o caserio"),
            ayuda="Como figura en el INEI; sin coordenadas, la propuesta se ubica en él."),
    Columna("lat", "Latitud", ("lat", "coordenada latitud"), ayuda="Grados decimales, negativa: -9.0485."),
    Columna("lon", "Longitud", ("lon", "lng", "long", "coordenada longitud"),
            ayuda="Grados decimales, negativa: -77.8046."),
    Columna("proponente_tipo", "Tipo de proponente", ("quien propone", "tipo de proponente"), obligatoria=True,
            ayuda="Joven, Organización o Ciudadana o ciudadano."),
    Columna("proponente_nombre", "Nombre de quien propone", ("nombre", "nombre del proponente", "proponente",
                                                             "responsable"), obligatoria=True,
            ayuda="Dato personal: no sale en las exportaciones públicas."),
    Columna("organizacion", "Organización", ("nombre de la organizacion",),
            ayuda="Obligatoria si propone una organización."),
    Columna("contacto", "Contacto", ("celular", "telefono", "correo"),
            ayuda="Celular (9 dígitos) o correo; dato personal."),
    Columna("proponente_sexo", "Sexo de quien propone", ("sexo",), ayuda="Mujer, Hombre u Otra identidad (opcional)."),
    Columna("proponente_edad", "Edad de quien propone", ("edad",),
            ayuda="En años, de 12 a 110 (opcional); solo se guarda la franja."),
    Columna("organizacion_de_mujeres", "Organización de mujeres", ("organizacion de mujeres",),
            ayuda="«Sí» si propone una organización de mujeres (club de madres, vaso de leche, federación…)."),
    Columna("consentimiento", "Consentimiento de datos personales", ("consentimiento", "acepta datos personales",
                                                                      "consiente"),
            ayuda="«Sí» si la ficha lleva firmada la cláusula de datos personales (Ley 29733). Sin «Sí», deje vacíos "
                  "el nombre y el contacto: la propuesta queda anónima."),
    Columna("profundidad", "Tipo de ficha", ("ficha rapida o completa",),
            ayuda="Rápida (jóvenes y ciudadanía) o Completa (pide objetivo, eje, tipo, costo, madurez y "
                  "beneficiarios). Vacío: rápida."),
    Columna("eje", "Eje del PDLC", ("eje", "eje pdlc", "eje u objetivo del pdlc"),
            ayuda="Un objetivo del PDLC («OE1 · …») o uno de los ejes del proceso; basta el comienzo: «OE1» o "
                  "«Infraestructura»."),
    Columna("objetivo", "Objetivo", ("objetivo de la propuesta",)),
    Columna("tipo", "Tipo de intervención", ("tipo de intervencion",),
            ayuda="Proyecto de inversión, Actividad o Gestión."),
    Columna("servicio_publico", "Servicio público"),
    Columna("indicador_brecha", "Indicador de brecha"),
    Columna("costo", "Costo propuesto S/", ("costo s", "costo", "costo estimado", "monto", "presupuesto",
                                            "costo estimado s"),
            ayuda="En soles: 15000, 15,000.50, S/ 1,234.50 o 1.234,50 (el último separador con 1 o 2 cifras "
                  "es el decimal)."),
    Columna("costo_om", "Costo anual de operación y mantenimiento S/", ("costo de operacion y mantenimiento",
                                                                        "costo o m", "operacion y mantenimiento")),
    Columna("plazo_meses", "Plazo (meses)", ("plazo", "plazo en meses")),
    Columna("cofinanciamiento", "Cofinanciamiento S/", ("cofinanciamiento", "aporte comunal",
                                                        "cofinanciamiento o aporte comunal")),
    Columna("madurez", "Madurez (Invierte.pe)", ("madurez",),
            ayuda="Sin idea desarrollada, Idea, Ficha técnica o perfil, o Expediente técnico."),
    Columna("cui", "CUI", ("codigo unico de inversiones",), ayuda="7 dígitos, si ya tiene."),
    Columna("sostenibilidad", "Sostenibilidad"),
    Columna("directos_mujeres", "Beneficiarias mujeres", ("mujeres", "beneficiarios directos mujeres",
                                                          "directos mujeres")),
    Columna("directos_hombres", "Beneficiarios hombres", ("hombres", "beneficiarios directos hombres",
                                                          "directos hombres")),
    Columna("beneficiarios_directos", "Beneficiarios directos", ("total de beneficiarios", "beneficiarios"),
            ayuda="Solo para comprobar: debe ser mujeres + hombres."),
    Columna("indirectos", "Beneficiarios indirectos", ("indirectos",)),
    *(Columna(f"edad_{clave}", f"Beneficiarios de {etiqueta}") for clave, etiqueta in FRANJAS_EDAD.items()),
)
POR_CAMPO = {c.campo: c for c in COLUMNAS}

# Columnas de la exportación que la plataforma calcula: al importar se leen y no se usan.
CALCULADAS = ("Rango", "Votos", "Puntos / semillas", "Puntaje técnico", "Puntaje combinado", "Financiada", "Estado",
              "Objetivo del PDLC")
PREFIJO_CRITERIO = "Técnico: "


def neutralizar(valor):
    """Texto que una hoja de cálculo tomaría por fórmula → con apóstrofo delante (números y None pasan igual).
    Vale para todo archivo que la plataforma da para abrir en Excel: la lista priorizada, los resultados y las
    revisiones. Es inyectiva: `sin_apostrofo(neutralizar(t)) == t` para todo texto, también para el que ya
    empieza con apóstrofo («'=1» sale como «''=1» y vuelve como «'=1»)."""
    if isinstance(valor, str) and es_formula(valor.lstrip("'")):
        return "'" + valor
    return valor


def csv_para_excel(encabezados, filas: list[dict], celda=neutralizar) -> str:
    """Una hoja que la plataforma da para abrir en Excel en castellano: `;`, BOM (tildes y ñ) y cada celda por
    `celda` (por omisión, sin fórmulas)."""
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow(list(encabezados))
    for fila in filas:
        escritor.writerow([celda(fila.get(t)) for t in encabezados])
    return "\ufeff" + salida.getvalue()


def libro_para_excel(titulo: str, encabezados, filas: list[dict], anchos: tuple[int, ...]):
    """Un libro de Excel con una hoja `titulo`: encabezado en negrita, una fila por dict (sin fórmulas) y el ancho de
    cada columna. Devuelve (libro, hoja) para que quien llama agregue formatos u hojas; `guardar` da sus bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    libro = Workbook()
    hoja_ = libro.active
    hoja_.title = titulo
    hoja_.append(list(encabezados))
    for celda in hoja_[1]:
        celda.font = Font(bold=True)
    for fila in filas:
        hoja_.append([neutralizar(fila.get(t)) for t in encabezados])
    for numero, ancho in enumerate(anchos, start=1):
        hoja_.column_dimensions[get_column_letter(numero)].width = ancho
    return libro, hoja_


def guardar(libro) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def sin_apostrofo(texto: str) -> str:
    """Lo inverso, al importar: «'=1+1» vuelve a ser «=1+1»; un apóstrofo ante otro texto se queda."""
    return texto[1:] if texto[:1] == "'" and es_formula(texto.lstrip("'")) else texto


def es_formula(texto: str) -> bool:
    """¿Empieza como fórmula? `= + - @`, también de ancho completo («＝») u otras variantes que Unicode
    equipara (NFKC), tabulación o retorno de carro; sin importar los caracteres invisibles (ancho cero, marcas
    de dirección, BOM) ni los espacios que haya delante, que algunas hojas de cálculo descartan."""
    for caracter in texto:
        if caracter in FORMULA:
            return True
        if caracter.isspace() or unicodedata.category(caracter) == "Cf":
            continue
        return unicodedata.normalize("NFKC", caracter)[:1] in FORMULA
    return False


def normalizar(texto) -> str:
    """«N.º de Ficha *» → «n o de ficha»: sin tildes, minúsculas, signos como espacios."""
    texto = unicodedata.normalize("NFKD", str(texto or "").replace("º", "o").replace("°", "o").lower())
    texto = "".join(c for c in texto if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9ñ]+", " ", texto).split())


ALIAS: dict[str, str] = {}
for _columna in COLUMNAS:
    for _nombre in (_columna.encabezado, *_columna.otros, ETIQUETAS_CAMPO.get(_columna.campo, "")):
        if _nombre:
            ALIAS.setdefault(normalizar(_nombre), _columna.campo)
IGNORADAS = {normalizar(n) for n in CALCULADAS}


# --- leer la tabla -----------------------------------------------------------------------------

class HojaIlegible(ErrorPlataforma, ValueError):
    """El archivo no se puede leer como tabla (formato, codificación, tamaño)."""


@dataclass
class Tabla:
    """Lo leído de un CSV o de una hoja de Excel, sin interpretar: celdas tal cual y su número de fila."""

    nombre: str
    hoja: str | None
    encabezados: list[str]
    numero_encabezado: int
    filas: list[tuple[int, list]]                       # (fila como la numera Excel, celdas)
    avisos: list[str] = field(default_factory=list)
    problemas: list[str] = field(default_factory=list)  # del archivo entero (impiden importar)
    combinadas: dict[int, str] = field(default_factory=dict)  # fila → rango combinado que la toca


def leer(contenido: bytes, nombre: str, alias: dict[str, str] | None = None) -> Tabla:
    """CSV (UTF-8 o Windows-1252; `;`, `,` o tabulador) o Excel .xlsx, según el contenido. El encabezado es la
    fila con más columnas conocidas: las de las fichas de propuestas o, con `alias` (encabezado normalizado →
    campo), las de otra plantilla (p. ej. la del PDLC)."""
    conocida = (lambda e: alias.get(normalizar(e))) if alias is not None else campo_de_encabezado
    if len(contenido) > MAXIMO_BYTES:
        raise HojaIlegible(f"«{nombre}» pesa {len(contenido) / 1e6:.1f} MB; el máximo es "
                           f"{MAXIMO_BYTES / 1e6:.0f} MB.")
    if not contenido.strip():
        raise HojaIlegible(f"«{nombre}» está vacío.")
    if contenido[:4] == b"PK\x03\x04":
        return _leer_xlsx(contenido, nombre, conocida)
    if contenido[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise HojaIlegible(f"«{nombre}» es un Excel antiguo (.xls) o un libro protegido con contraseña. Ábralo, "
                           "quite la contraseña si tiene y guárdelo como «Libro de Excel (.xlsx)» o como CSV.")
    return _leer_csv(contenido, nombre, conocida)


def _leer_csv(contenido: bytes, nombre: str, conocida) -> Tabla:
    texto, aviso = decodificar(contenido)
    avisos = [aviso] if aviso else []
    if "\x00" in texto:
        raise HojaIlegible(f"«{nombre}» no es un CSV de texto ni un Excel .xlsx.")
    csv.field_size_limit(MAXIMO_BYTES)
    lecturas = []
    for separador in (";", ",", "\t"):  # el que da el encabezado con más columnas conocidas
        filas = []
        try:
            for numero, fila in enumerate(csv.reader(io.StringIO(texto, newline=""), delimiter=separador), start=1):
                if numero > LIMITE_FILAS:
                    raise HojaIlegible(_demasiadas_filas(nombre, None))
                if len(fila) > MAXIMO_COLUMNAS:
                    raise HojaIlegible(_demasiadas_columnas(nombre, None, numero, len(fila)))
                filas.append((numero, fila))
        except csv.Error as error:
            raise HojaIlegible(f"«{nombre}» no se puede leer como CSV ({error}); revise las comillas o guárdelo "
                               "de nuevo desde Excel.") from None
        lecturas.append(_con_encabezado(nombre, None, filas, list(avisos), conocida))
    return max(lecturas, key=lambda tabla: sum(conocida(e) is not None for e in tabla.encabezados))


def _leer_xlsx(contenido: bytes, nombre: str, conocida) -> Tabla:
    """Primero el recorrido acotado del libro entero (`_recorrer_xlsx`); solo si pasa, openpyxl lee los valores
    en modo de solo lectura (fila por fila, sin armar el libro en memoria) y sin creer en `<dimension>`."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.cell_range import CellRange

    combinadas = _recorrer_xlsx(contenido, nombre)
    try:
        libro = load_workbook(io.BytesIO(contenido), read_only=True, data_only=True)
        try:
            for hoja in libro.worksheets:
                hoja.reset_dimensions()  # que lea todas las filas y columnas, no las que declara el archivo
                filas = [(numero, [_valor(c) for c in fila])
                         for numero, fila in enumerate(hoja.iter_rows(values_only=True), start=1)]
                tabla = _con_encabezado(nombre, hoja.title, filas, [], conocida)
                if tabla.encabezados:
                    if len(libro.worksheets) > 1:
                        tabla.avisos.append(f"Se leyó la hoja «{hoja.title}»; las otras {len(libro.worksheets) - 1} "
                                            "hojas del libro no se importan.")
                    _marcar_combinadas(tabla, [CellRange(r) for r in combinadas.get(hoja._worksheet_path, [])])
                    return tabla
        finally:
            libro.close()
    except Exception as error:  # un .xlsx dañado falla en zipfile, XML u openpyxl según dónde esté el daño
        raise HojaIlegible(f"«{nombre}» no se pudo abrir como Excel .xlsx ({type(error).__name__}). Guárdelo de "
                           "nuevo como «Libro de Excel (.xlsx)» o como CSV.") from None
    ejemplos = "Título, Problema, Qué se propone…" if conocida is campo_de_encabezado else "las de la plantilla"
    raise HojaIlegible(f"Ninguna hoja de «{nombre}» tiene una fila de encabezado reconocible ({ejemplos}). Use la "
                       "plantilla de importación.")


def _valor(celda):
    """Celda de Excel → texto, número o fecha (las fechas con hora 00:00 quedan como fecha)."""
    if isinstance(celda, dt.datetime):
        return celda.date() if celda.time() == dt.time() else celda
    if isinstance(celda, float) and celda.is_integer():
        return int(celda)
    return celda


def _con_encabezado(nombre: str, hoja: str | None, filas: list[tuple[int, list]], avisos: list[str],
                    conocida=None) -> Tabla:
    """El encabezado es, entre las primeras filas, la que tiene más columnas conocidas (al menos dos): un
    bloque «Distrito: | Caraz | Fecha: | …» encima no lo confunde."""
    conocida = conocida or campo_de_encabezado
    candidatas = [(sum(conocida(c) is not None for c in fila if c not in (None, "")), -posicion)
                  for posicion, (_, fila) in enumerate(filas[:FILAS_PARA_BUSCAR_ENCABEZADO])]
    conocidas, posicion = max(candidatas, default=(0, 0))
    if conocidas < 2:
        return Tabla(nombre, hoja, [], 0, [], avisos)
    numero, fila = filas[-posicion]
    if -posicion:
        avisos.append(f"Se saltaron {-posicion} fila(s) encima del encabezado (fila {numero}).")
    encabezados = [" ".join(str(c).split()) if c is not None else "" for c in fila]  # sin saltos de línea
    datos = [(n, list(f)) for n, f in filas[-posicion + 1:] if any(_texto(c) for c in f)]
    return Tabla(nombre, hoja, encabezados, numero, datos, avisos)


def _marcar_combinadas(tabla: Tabla, rangos) -> None:
    """Celdas combinadas: en el encabezado impiden importar; en los datos, cada fila tocada tiene problema."""
    for rango in rangos:
        if rango.max_row < tabla.numero_encabezado:
            continue  # un título combinado encima del encabezado no molesta
        if rango.min_row <= tabla.numero_encabezado:
            tabla.problemas.append(f"El encabezado tiene celdas combinadas ({rango.coord}): cada columna necesita "
                                   "su propio título. Sepárelas (Inicio → Combinar y centrar).")
            continue
        for numero in range(rango.min_row, min(rango.max_row, LIMITE_FILAS) + 1):
            tabla.combinadas.setdefault(numero, rango.coord)


def _texto(celda) -> str:
    return "" if celda is None else unicodedata.normalize("NFC", str(celda)).strip()


def campo_de_encabezado(encabezado: str) -> str | None:
    return ALIAS.get(normalizar(encabezado))


# --- Excel acotado --------------------------------------------------------------------------------
# Un .xlsx es un zip de archivos XML. Antes de que openpyxl lo abra, cada parte XML se recorre en streaming (expat,
# de a 64 KB, sin guardar los textos) contando bytes, etiquetas, filas, columnas, celdas y el largo de cada texto;
# al pasar un límite se deja de leer y se rechaza, diga lo que diga el archivo sobre sí mismo (`<dimension>`,
# tamaños del zip). Sin DTD (la «bomba de entidades» queda fuera).

def _recorrer_xlsx(contenido: bytes, nombre: str) -> dict[str, list[str]]:
    """Revisa los límites del libro entero; devuelve los rangos combinados de cada hoja (por su parte)."""
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(contenido)) as libro:
            partes = libro.infolist()
            if len(partes) > MAXIMO_PARTES:
                raise HojaIlegible(f"«{nombre}» contiene {len(partes):,} archivos; un libro de Excel normal tiene "
                                   "unas decenas. Guárdelo de nuevo como «Libro de Excel (.xlsx)» o como CSV.")
            declarado = sum(p.file_size for p in partes)
            if declarado > MAXIMO_XML:
                raise HojaIlegible(_demasiado_grande(nombre, declarado))
            recorrido = _Recorrido(nombre, _titulos_de_hojas(libro))
            for parte in partes:
                if parte.filename.endswith((".xml", ".rels")):
                    recorrido.leer(libro, parte)
            return recorrido.combinadas
    except HojaIlegible:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
            _expat().ExpatError) as error:
        raise HojaIlegible(f"«{nombre}» no se pudo abrir como Excel .xlsx ({type(error).__name__}). Guárdelo de "
                           "nuevo como «Libro de Excel (.xlsx)» o como CSV.") from None


def _expat():
    from xml.parsers import expat
    return expat


def _titulos_de_hojas(libro) -> dict[str, str]:
    """Parte de cada hoja («xl/worksheets/sheet1.xml») → su título, para nombrarla en los mensajes."""
    import xml.etree.ElementTree as ET

    try:
        hojas = libro.getinfo("xl/workbook.xml")
        relaciones = libro.getinfo("xl/_rels/workbook.xml.rels")
        if max(hojas.file_size, relaciones.file_size) > 5_000_000:
            return {}
        hojas, relaciones = libro.read(hojas), libro.read(relaciones)
        if b"<!DOCTYPE" in hojas + relaciones:
            return {}
        destinos = {r.get("Id"): r.get("Target", "") for r in ET.fromstring(relaciones)}
        titulos = {}
        for hoja in ET.fromstring(hojas).findall(".//{*}sheet"):
            identificador = next((v for k, v in hoja.attrib.items() if k.endswith("}id")), None)
            destino = destinos.get(identificador, "")
            titulos[destino.lstrip("/") if destino.startswith("/") else "xl/" + destino] = hoja.get("name", "")
        return titulos
    except (KeyError, ET.ParseError):
        return {}


class _Recorrido:
    """Cuenta, mientras expat lee, lo que openpyxl tendría que guardar; lanza HojaIlegible al pasar un límite.

    Va por cada etiqueta del libro (cientos de miles en una hoja llena): los nombres sin espacio de nombres y los
    números de columna se recuerdan en diccionarios, y el fin de etiqueta solo se escucha en hojas y cadenas."""

    CONTENEDORES = frozenset({"c", "si", "is"})  # su texto se suma aunque venga en varios trozos o elementos

    def __init__(self, nombre: str, titulos: dict[str, str]):
        self.nombre, self.titulos = nombre, titulos
        self.bytes = self.elementos = self.celdas = 0
        self.combinadas: dict[str, list[str]] = {}
        self.locales: dict[str, str] = {}    # «http://…/main c» → «c»
        self.columnas: dict[str, int] = {}   # «AB12» → 28

    def leer(self, libro, parte) -> None:
        self.parte, self.es_hoja = parte.filename, parte.filename.startswith("xl/worksheets/")
        self.filas = self.fila = self.columna = self.largo = 0
        self.en_celda = False
        lector = _expat().ParserCreate(namespace_separator=" ")
        lector.buffer_text = True
        lector.buffer_size = 65_536
        lector.StartDoctypeDeclHandler = self._doctype
        lector.StartElementHandler = self._inicio
        if self.es_hoja or parte.filename.endswith("sharedStrings.xml"):
            lector.EndElementHandler = self._fin
        lector.CharacterDataHandler = self._texto
        with libro.open(parte) as archivo:
            while trozo := archivo.read(65_536):
                self.bytes += len(trozo)
                if self.bytes > MAXIMO_XML:
                    raise HojaIlegible(_demasiado_grande(self.nombre, self.bytes))
                lector.Parse(trozo, False)
        lector.Parse(b"", True)

    def _doctype(self, *_) -> None:
        raise HojaIlegible(f"«{self.nombre}» trae una declaración DOCTYPE (entidades XML), que Excel no escribe; "
                           "no se abre. Guárdelo de nuevo desde Excel como «Libro de Excel (.xlsx)» o como CSV.")

    def _local(self, etiqueta: str) -> str:
        nombre = self.locales.get(etiqueta)
        if nombre is None:
            nombre = self.locales[etiqueta] = etiqueta.rpartition(" ")[2]
        return nombre

    def _inicio(self, etiqueta: str, atributos: dict) -> None:
        self.elementos += 1
        if self.elementos > MAXIMO_ELEMENTOS:
            raise HojaIlegible(f"«{self.nombre}» tiene más de {MAXIMO_ELEMENTOS:,} elementos XML; es demasiado "
                               "grande para una hoja de fichas. Copie solo las fichas a un libro nuevo.")
        nombre = self._local(etiqueta)
        if nombre in self.CONTENEDORES:
            self.en_celda, self.largo = True, 0
        elif not self.en_celda:
            self.largo = 0
        if not self.es_hoja:
            return
        if nombre == "c":
            self.celdas += 1
            if self.celdas > MAXIMO_CELDAS:
                raise HojaIlegible(f"«{self.nombre}» tiene más de {MAXIMO_CELDAS:,} celdas; el máximo por archivo "
                                   f"es {MAXIMO_FILAS:,} fichas. Divídalo en varios archivos.")
            referencia = atributos.get("r")
            self.columna = self._columna(referencia) if referencia else self.columna + 1
            if self.columna > MAXIMO_COLUMNAS:
                raise HojaIlegible(_demasiadas_columnas(self.nombre, self.titulos.get(self.parte, self.parte),
                                                        self.fila, self.columna))
        elif nombre == "row":
            self.filas += 1
            numero = atributos.get("r", "")
            self.fila, self.columna = (int(numero) if numero.isdigit() else self.fila + 1), 0
            if max(self.filas, self.fila) > LIMITE_FILAS:
                raise HojaIlegible(_demasiadas_filas(self.nombre, self.titulos.get(self.parte, self.parte)))
        elif nombre == "mergeCell":
            self.combinadas.setdefault(self.parte, []).append(atributos.get("ref", ""))

    def _columna(self, referencia: str) -> int:
        """«AB12» → 28 (las letras; sin letras, 0)."""
        letras = referencia.rstrip("0123456789")
        numero = self.columnas.get(letras)
        if numero is None:
            numero = 0
            for letra in letras.upper()[:8]:
                numero = numero * 26 + ord(letra) - 64
            self.columnas[letras] = numero
        return numero

    def _fin(self, etiqueta: str) -> None:
        if self._local(etiqueta) in self.CONTENEDORES:
            self.en_celda = False

    def _texto(self, datos: str) -> None:
        self.largo += len(datos)
        if self.largo > LARGO_MAXIMO_CELDA:
            donde = (f"la hoja «{self.titulos.get(self.parte, self.parte)}», fila {self.fila:,}" if self.es_hoja
                     else "las cadenas de texto del libro" if self.parte.endswith("sharedStrings.xml")
                     else f"«{self.parte}»")
            raise HojaIlegible(f"«{self.nombre}» tiene un texto de más de {LARGO_MAXIMO_CELDA:,} caracteres (en "
                               f"{donde}), más de lo que cabe en una celda de Excel. Revise ese texto o guarde el "
                               "libro de nuevo desde Excel.")


def _demasiadas_filas(nombre: str, hoja: str | None) -> str:
    """`hoja` None: un CSV."""
    donde, vacias = (f"La hoja «{hoja}» de «{nombre}»", "las vacías con formato") if hoja else (f"«{nombre}»",
                                                                                             "las vacías")
    return (f"{donde} tiene más de {LIMITE_FILAS:,} filas (cuentan también {vacias}); el máximo por archivo es "
            f"{MAXIMO_FILAS:,} fichas. Copie solo las filas con fichas a un archivo nuevo o divídalo.")


def _demasiadas_columnas(nombre: str, hoja: str | None, fila: int, columnas: int) -> str:
    donde = f"la hoja «{hoja}» de «{nombre}»" if hoja else f"«{nombre}»"
    return (f"La fila {fila:,} de {donde} llega a la columna {columnas:,}; la hoja de fichas tiene "
            f"{len(COLUMNAS)} y el máximo es {MAXIMO_COLUMNAS:,}. Borre las columnas sobrantes.")


def _demasiado_grande(nombre: str, bytes_: int) -> str:
    return (f"«{nombre}» descomprimido pasa de {bytes_ / 1e6:,.0f} MB; el máximo es {MAXIMO_XML / 1e6:,.0f} MB "
            "(una hoja de fichas ocupa unos pocos). Copie solo las fichas a un libro nuevo o guárdelo como CSV.")


# --- plantillas --------------------------------------------------------------------------------

EN_PLANTILLA = tuple(c for c in COLUMNAS if c.campo not in ("codigo", "ubigeo", "beneficiarios_directos"))


def plantilla_csv() -> str:
    """Solo el encabezado (UTF-8 con BOM y `;`, como la exportación)."""
    return "\ufeff" + ";".join(c.encabezado for c in EN_PLANTILLA) + "\r\n"


def plantilla_xlsx(proceso, territorio, centros, ejes: tuple[str, ...] | None = None) -> bytes:
    """Libro para digitar fichas: la hoja «Propuestas» con listas desplegables (distrito, tipo de proponente,
    eje, tipo de intervención, madurez), formato de fecha y de soles; «Instrucciones» y «Centros poblados».
    `ejes`: lo que se ofrece como eje (con un PDLC importado, sus objetivos y después los ejes del proceso)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    libro = Workbook()
    propuestas = libro.active
    propuestas.title = "Propuestas"
    propuestas.append([c.encabezado for c in EN_PLANTILLA])
    obligatoria, opcional = PatternFill("solid", fgColor="0B4F8A"), PatternFill("solid", fgColor="5C7A99")
    for celda, columna in zip(propuestas[1], EN_PLANTILLA):
        celda.font = Font(bold=True, color="FFFFFF")
        celda.fill = obligatoria if columna.obligatoria else opcional
        celda.alignment = Alignment(wrap_text=True, vertical="top")
        if columna.ayuda:
            celda.comment = Comment(columna.ayuda, "Plataforma")
        propuestas.column_dimensions[celda.column_letter].width = 40 if columna.campo in ("titulo", "problema",
                                                                                          "propuesta") else 18
    propuestas.freeze_panes = "A2"
    listas = libro.create_sheet("Listas")
    valores = {"distrito": sorted(d.nombre for d in territorio.distritos) if territorio else [],
               "proponente_tipo": list(TIPOS_PROPONENTE.values()), "eje": list(proceso.ejes if ejes is None else ejes),
               "tipo": list(TIPOS_INTERVENCION.values()), "madurez": list(MADUREZ.values())}
    campos = [c.campo for c in EN_PLANTILLA]
    for numero, (campo, opciones) in enumerate(valores.items(), start=1):
        letra = listas.cell(row=1, column=numero).column_letter
        listas.cell(row=1, column=numero, value=POR_CAMPO[campo].encabezado)
        for fila, opcion in enumerate(opciones, start=2):
            listas.cell(row=fila, column=numero, value=opcion)
        if opciones:
            lista = DataValidation(type="list", formula1=f"=Listas!${letra}$2:${letra}${len(opciones) + 1}",
                                   allow_blank=True, showErrorMessage=True, errorTitle="Valor no válido",
                                   error="Elija un valor de la lista.")
            destino = propuestas.cell(row=1, column=campos.index(campo) + 1).column_letter
            lista.add(f"{destino}2:{destino}{MAXIMO_FILAS + 1}")
            propuestas.add_data_validation(lista)
    listas.sheet_state = "hidden"
    for campo, formato in (("fecha", "DD/MM/YYYY"), *((c, '"S/" #,##0.00') for c in ("costo", "costo_om",
                                                                                     "cofinanciamiento"))):
        letra = propuestas.cell(row=1, column=campos.index(campo) + 1).column_letter
        for fila in range(2, 502):
            propuestas[f"{letra}{fila}"].number_format = formato
    instrucciones = libro.create_sheet("Instrucciones")
    instrucciones.append(["Columna", "¿Obligatoria?", "Qué escribir"])
    for columna in EN_PLANTILLA:
        instrucciones.append([columna.encabezado, "sí" if columna.obligatoria else "", columna.ayuda])
    instrucciones.append([])
    instrucciones.append(["Dónde", "sí", "Distrito y centro poblado, o latitud y longitud (las coordenadas mandan)."])
    instrucciones.append(["Importar", "", "Suba el archivo en «Importar propuestas»: primero verá una revisión "
                                          "fila por fila; no se importa nada mientras alguna fila tenga problemas."])
    for letra, ancho in (("A", 42), ("B", 14), ("C", 110)):
        instrucciones.column_dimensions[letra].width = ancho
    for celda in instrucciones[1]:
        celda.font = Font(bold=True)
    lugares = libro.create_sheet("Centros poblados")
    lugares.append(["Distrito", "Centro poblado", "Latitud", "Longitud"])
    nombres = {d.ubigeo: d.nombre for d in territorio.distritos} if territorio else {}
    for centro in sorted(centros, key=lambda c: (nombres.get(c.ubigeo, ""), c.nombre)):
        lugares.append([nombres.get(centro.ubigeo, centro.ubigeo), centro.nombre, centro.lat, centro.lon])
    lugares.freeze_panes = "A2"
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
