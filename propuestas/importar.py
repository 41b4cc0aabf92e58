"""Importar propuestas de fichas de papel digitadas en una hoja de cálculo (CSV o Excel .xlsx).

Dos pasos, como en la página: `revisar` lee el archivo e informa, fila por fila, qué se registraría y qué
problemas hay, sin escribir nada; `importar` vuelve a revisar dentro de una transacción y registra todas las
filas solo si ninguna tiene problemas (todo o nada). Cada propuesta importada queda «registrada», con el
archivo y la fila de donde vino, su n.º de ficha y la fecha de la ficha; cada una deja su evento.

Decisiones (también en el README):
- Montos: «S/ 1,234.50», «1,234.50», «1.234,50» y «1234.5» valen lo mismo; el último separador seguido de 1 o 2
  cifras es el decimal y uno seguido de 3 cifras es de miles (`soles_a_centimos`).
- Fechas: día/mes/año como en el Perú («05/03/2026» es 5 de marzo), o año-mes-día, o «5 de marzo de 2026».
- Ubicación: las coordenadas mandan; sin ellas, el centro poblado (dentro del distrito, si va); con solo el
  distrito, su capital, con un aviso.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.modelo import CentroPoblado, ErrorGeo, Punto, Territorio
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento
from nucleo.formato import MESES, formatear_fecha
from propuestas import almacen, hoja, servicios
from propuestas.modelo import (
    ETIQUETAS_CAMPO,
    MADUREZ,
    PROFUNDIDADES,
    TIPOS_INTERVENCION,
    TIPOS_PROPONENTE,
    AccionFueraDeFase,
    ErrorPropuestas,
    Estado,
    Fase,
    Proceso,
    PropuestaInvalida,
    validar_formulario,
)

TEXTOS = ("titulo", "problema", "propuesta", "proponente_nombre", "organizacion", "contacto", "objetivo",
          "servicio_publico", "indicador_brecha", "sostenibilidad", "cui")
TAL_CUAL = ("costo", "costo_om", "cofinanciamiento", "plazo_meses", "directos_mujeres", "directos_hombres",
            "indirectos", *(c.campo for c in hoja.COLUMNAS if c.campo.startswith("edad_")))
SINONIMOS_PROPONENTE = {"joven": "joven", "jovenes": "joven", "juvenil": "joven", "organizacion": "organizacion",
                        "organizacion social": "organizacion", "asociacion": "organizacion", "ciudadano": "individual",
                        "ciudadana": "individual", "ciudadana o ciudadano": "individual", "persona": "individual",
                        "individual": "individual", "vecino": "individual", "vecina": "individual"}
SOLO_NUMERACION = ("referencia", "fecha", "codigo")  # una fila con solo esto no es una ficha
SINONIMOS_FICHA = {"rapida": "joven", "corta": "joven", "completa": "organizacion"}
ENTEROS = tuple(c for c in TAL_CUAL if c not in ("costo", "costo_om", "cofinanciamiento"))
SINONIMOS_MADUREZ = {"ficha tecnica": "ficha_perfil", "perfil": "ficha_perfil", "expediente": "expediente"}
GRADOS_MINUTOS_SEGUNDOS = r"(-?)\s*(\d{1,3})\s*[°º]\s*(\d{1,2})\s*['′]\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:\"|″|''))?\s*([NSEOW]?)"
MESES_CORTOS = {m[:3]: n for n, m in enumerate(MESES, start=1)} | {"set": 9, "sept": 9, "setiembre": 9}


class ImportacionRechazada(ErrorPropuestas):
    """El archivo tiene problemas: no se importó ninguna fila. `revision` trae el informe completo."""

    def __init__(self, revision: "Revision"):
        self.revision = revision
        super().__init__(f"No se importó nada de «{revision.archivo}»: {revision.resumen}")


@dataclass
class FilaRevisada:
    numero: int                      # como la numera la hoja de cálculo
    titulo: str
    lugar: str = ""                  # «Caraz · Caraz» o vacío
    problemas: list[str] = field(default_factory=list)
    avisos: list[str] = field(default_factory=list)
    codigo_leido: str = ""           # el de la columna «Código», si vino
    referencia: str = ""             # el n.º de ficha
    registro: dict | None = None     # columnas de `propuestas` (solo si no hay problemas)

    @property
    def codigo(self) -> str | None:
        """El código que tendrá al importarse."""
        return self.registro.get("codigo") if self.registro else None


@dataclass
class Revision:
    archivo: str
    sha256: str
    hoja: str | None
    problemas: list[str]             # del archivo entero
    avisos: list[str]
    filas: list[FilaRevisada]

    @property
    def con_problemas(self) -> list[FilaRevisada]:
        return [f for f in self.filas if f.problemas]

    @property
    def es_importable(self) -> bool:
        return bool(self.filas) and not self.problemas and not self.con_problemas

    @property
    def resumen(self) -> str:
        if self.problemas:
            return f"hay {len(self.problemas)} problema(s) del archivo o del proceso (arriba)."
        if not self.filas:
            return "no tiene filas con datos debajo del encabezado."
        if self.con_problemas:
            return (f"{len(self.con_problemas)} de {len(self.filas)} filas tienen problemas; corríjalas en la hoja "
                    "y vuelva a subirla (no se importó ninguna).")
        return f"las {len(self.filas)} filas están listas para importarse."


# --- casos de uso ------------------------------------------------------------------------------

def revisar(db: Database, proceso_id: int, contenido: bytes, nombre: str, *, ahora: dt.datetime) -> Revision:
    """La vista previa: qué pasaría con cada fila. No escribe nada."""
    proceso = servicios.obtener_proceso(db, proceso_id)
    sha = hashlib.sha256(contenido).hexdigest()
    try:
        tabla = hoja.leer(contenido, nombre)
    except hoja.HojaIlegible as error:
        return Revision(nombre, sha, None, [str(error)], [], [])
    columnas, problemas, avisos = _columnas(tabla)
    revision = Revision(nombre, sha, tabla.hoja, tabla.problemas + problemas, tabla.avisos + avisos, [])
    if revision.problemas:
        return revision
    if len(tabla.filas) > hoja.MAXIMO_FILAS:
        revision.problemas.append(f"La hoja tiene {len(tabla.filas):,} filas; el máximo por archivo es "
                                  f"{hoja.MAXIMO_FILAS:,}. Divídala en varios archivos.")
        return revision
    contexto = _Contexto(proceso, territorio_servicios.exigir_territorio(db), territorio_servicios.centros_poblados(db),
                         servicios.fecha_local(ahora))
    sin_contenido = []
    for numero, celdas in tabla.filas:
        valores = {campo: celdas[i] if i < len(celdas) else None for campo, i in columnas.items()}
        if not any(_texto(v) for c, v in valores.items() if c not in SOLO_NUMERACION):
            sin_contenido.append(numero)  # p. ej. el n.º de ficha o la fecha llenados de antemano hacia abajo
            continue
        fila = _revisar_fila(numero, valores, contexto)
        if numero in tabla.combinadas:
            fila.problemas.insert(0, f"La fila está en celdas combinadas ({tabla.combinadas[numero]}); sepárelas "
                                     "y escriba el dato en cada fila.")
        revision.filas.append(fila)
    if sin_contenido:
        revision.avisos.append(f"Se ignoraron {len(sin_contenido)} fila(s) sin título, textos ni lugar (desde la "
                               f"fila {sin_contenido[0]}): solo tenían n.º de ficha, fecha o código.")
    _revisar_repetidas(db, proceso, revision)
    previa = db.execute("SELECT importada_en, actor, propuestas FROM importaciones_de_propuestas WHERE proceso_id = ? "
                        "AND sha256 = ? ORDER BY id LIMIT 1", [proceso.id, sha]).fetchone()
    if previa:
        cuando = dt.datetime.fromisoformat(previa[0]).astimezone(servicios.HORA_PERU)
        revision.problemas.append(f"Este mismo archivo ya se importó el {formatear_fecha(cuando.date())} a las "
                                  f"{cuando:%H:%M} ({previa[1]}, {previa[2]} propuestas).")
    permiso = proceso.permite(Accion.IMPORTAR_PROPUESTAS, servicios.fecha_local(ahora))
    if not permiso:
        revision.problemas.append(permiso.motivo)
    return revision


def importar(db: Database, proceso_id: int, contenido: bytes, nombre: str, *, actor: Actor,
             ahora: dt.datetime) -> Revision:
    """Registra todas las filas en una sola transacción, o ninguna (lanza `ImportacionRechazada`)."""
    proceso = servicios.obtener_proceso(db, proceso_id)
    exigir(actor, Accion.IMPORTAR_PROPUESTAS, proceso)
    permiso = proceso.permite(Accion.IMPORTAR_PROPUESTAS, servicios.fecha_local(ahora))
    if not permiso:
        raise AccionFueraDeFase(permiso.motivo)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        revision = revisar(db, proceso_id, contenido, nombre, ahora=ahora)
        if not revision.es_importable:
            raise ImportacionRechazada(revision)
        importacion_id = db.table("importaciones_de_propuestas").insert({
            "proceso_id": proceso.id, "archivo": nombre, "hoja": revision.hoja, "sha256": revision.sha256,
            "propuestas": len(revision.filas), "actor": actor.etiqueta, "importada_en": marca(ahora)}).last_pk
        for fila in revision.filas:
            propuesta_id = almacen.insertar_propuesta(db, {
                **fila.registro, "proceso_id": proceso.id, "estado": Estado.REGISTRADA.value,
                "es_demo": int(proceso.es_demo), "creada_en": marca(ahora), "actualizada_en": marca(ahora),
                "registrada_en": marca(ahora), "importacion_id": importacion_id, "fila_importada": fila.numero,
            })
            almacen.anotar_transicion(db, propuesta_id, Estado.BORRADOR.value, Estado.REGISTRADA.value,
                                      actor=actor.etiqueta, motivo=f"Ficha importada de «{nombre}», fila {fila.numero}.",
                                      ocurrido_en=marca(ahora))
            registrar_evento(db, Evento(actor.etiqueta, "importar_propuesta", "propuesta", propuesta_id, None,
                                        {"codigo": fila.codigo, "importacion_id": importacion_id,
                                         "fila": fila.numero, "ubigeo": fila.registro["ubigeo"]}), momento=ahora)
        registrar_evento(db, Evento(actor.etiqueta, "importar_propuestas", "importacion", importacion_id, None,
                                    {"archivo": nombre, "sha256": revision.sha256, "propuestas": len(revision.filas),
                                     "proceso_id": proceso.id}), momento=ahora)
    return revision


def informe_csv(revision: Revision) -> str:
    """El informe de la revisión, una línea por fila (para corregir la hoja con él al lado)."""
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow(["Fila", "Título", "Dónde", "Código", "Problemas", "Avisos"])
    for problema in revision.problemas:
        escritor.writerow(["archivo", "", "", "", hoja.neutralizar(problema), ""])
    for fila in revision.filas:
        escritor.writerow([fila.numero, hoja.neutralizar(fila.titulo), hoja.neutralizar(fila.lugar), fila.codigo or "",
                           hoja.neutralizar(" | ".join(fila.problemas)), hoja.neutralizar(" | ".join(fila.avisos))])
    return "\ufeff" + salida.getvalue()


# --- encabezados -------------------------------------------------------------------------------

def _columnas(tabla: hoja.Tabla) -> tuple[dict[str, int], list[str], list[str]]:
    """campo → índice de columna; problemas (faltan obligatorias, repetidas) y avisos (ignoradas)."""
    if not tabla.encabezados:
        return {}, [f"No se encontró la fila de encabezado en «{tabla.nombre}» (se buscó en las primeras "
                    f"{hoja.FILAS_PARA_BUSCAR_ENCABEZADO} filas una con Título, Problema, Qué se propone…). "
                    "Use la plantilla de importación."], []
    problemas, avisos, candidatas, desconocidas = [], [], {}, []
    fuera = [n for n, celdas in tabla.filas if any(_texto(c) for c in celdas[len(tabla.encabezados):])]
    if fuera:
        avisos.append(f"{len(fuera)} fila(s) tienen datos a la derecha de la última columna con título (desde la "
                      f"fila {fuera[0]}); esos datos no se importan.")
    for indice, encabezado in enumerate(tabla.encabezados):
        campo = hoja.campo_de_encabezado(encabezado)
        if campo:
            candidatas.setdefault(campo, []).append(indice)
        elif not encabezado:
            if any(indice < len(celdas) and celdas[indice] not in (None, "") for _, celdas in tabla.filas):
                avisos.append(f"La columna {_letra(indice)} tiene datos pero no tiene título; no se importa.")
        elif hoja.normalizar(encabezado) in hoja.IGNORADAS or encabezado.startswith(hoja.PREFIJO_CRITERIO):
            continue  # calculadas por la plataforma (vienen de una exportación)
        else:
            desconocidas.append(encabezado)
    columnas = {}
    for campo, indices in candidatas.items():
        canonica = hoja.normalizar(hoja.POR_CAMPO[campo].encabezado)
        exactas = [i for i in indices if hoja.normalizar(tabla.encabezados[i]) == canonica]
        if len(exactas) > 1 or (not exactas and len(indices) > 1):
            repetidas = exactas if len(exactas) > 1 else indices
            problemas.append(f"La columna «{hoja.POR_CAMPO[campo].encabezado}» está más de una vez (columnas "
                             f"{', '.join(_letra(i) for i in repetidas)}); deje una sola.")
            continue
        columnas[campo] = exactas[0] if exactas else indices[0]
        for otra in indices:
            if otra != columnas[campo]:
                avisos.append(f"La columna «{tabla.encabezados[otra]}» no se usa: el mismo dato se toma de "
                              f"«{tabla.encabezados[columnas[campo]]}».")
    normalizadas = {hoja.normalizar(d): d for d in desconocidas}
    for columna in hoja.COLUMNAS:
        if columna.obligatoria and columna.campo not in columnas and columna.campo not in candidatas:
            parecida = difflib.get_close_matches(hoja.normalizar(columna.encabezado), normalizadas, n=1, cutoff=0.6)
            pista = f" (¿es «{normalizadas[parecida[0]]}»? Cámbiele el título)" if parecida else ""
            privada = (" Si el archivo es una exportación pública, no trae datos personales: use la exportación "
                       "con datos personales (administración).") if columna.campo == "proponente_nombre" else ""
            problemas.append(f"Falta la columna «{columna.encabezado}»{pista}.{privada}")
    if not ({"lat", "lon"} <= set(columnas) or {"centro_poblado", "distrito", "ubigeo"} & set(columnas)):
        problemas.append("Falta dónde: ponga las columnas «Distrito» y «Centro poblado», o «Latitud» y "
                         "«Longitud».")
    if desconocidas:
        detalle = []
        for nombre in desconocidas:
            parecida = difflib.get_close_matches(hoja.normalizar(nombre), list(hoja.ALIAS), n=1, cutoff=0.75)
            sugerida = hoja.POR_CAMPO[hoja.ALIAS[parecida[0]]].encabezado if parecida else None
            detalle.append(f"«{nombre}»" + (f" (¿quiso decir «{sugerida}»?)" if sugerida else ""))
        avisos.append("Columnas que no se reconocen y no se importan: " + ", ".join(detalle) + ".")
    return columnas, problemas, avisos


def _letra(indice: int) -> str:
    letras = ""
    indice += 1
    while indice:
        indice, resto = divmod(indice - 1, 26)
        letras = chr(65 + resto) + letras
    return letras


# --- una fila ----------------------------------------------------------------------------------

@dataclass
class _Contexto:
    proceso: Proceso
    territorio: Territorio
    centros: list[CentroPoblado]
    hoy: dt.date

    def __post_init__(self) -> None:
        self.distritos = {}
        for distrito in self.territorio.distritos:
            self.distritos[hoja.normalizar(distrito.nombre)] = distrito
            self.distritos[distrito.ubigeo] = distrito
        self.centros_por_nombre: dict[str, list[CentroPoblado]] = {}
        for centro in self.centros:
            for nombre in _nombres_del_centro(centro.nombre):
                self.centros_por_nombre.setdefault(nombre, []).append(centro)


def _nombres_del_centro(nombre: str) -> set[str]:
    """«CHOQUECHACA (SHANGOL)» se encuentra como «Choquechaca», «Shangol» o el nombre completo."""
    nombres = {hoja.normalizar(nombre)}
    entre = re.match(r"^(.*?)\s*\((.*)\)\s*$", nombre)
    if entre:
        nombres |= {hoja.normalizar(entre.group(1)), hoja.normalizar(entre.group(2))}
    return nombres - {""}


def _revisar_fila(numero: int, valores: dict, contexto: _Contexto) -> FilaRevisada:
    textos = {campo: _texto(valores.get(campo)) for campo in valores}
    fila = FilaRevisada(numero, textos.get("titulo", ""), codigo_leido=textos.get("codigo", ""),
                        referencia=textos.get("referencia", ""))
    datos = {"profundidad": _opcion(textos.get("profundidad"), PROFUNDIDADES, SINONIMOS_FICHA, "Tipo de ficha", fila)
             or "joven", **{c: textos.get(c) or None for c in TEXTOS}}
    datos.update({c: _numero_de_celda(valores.get(c), c in ENTEROS) for c in TAL_CUAL})
    datos["proponente_tipo"] = _opcion(textos.get("proponente_tipo"), TIPOS_PROPONENTE, SINONIMOS_PROPONENTE,
                                       "Tipo de proponente", fila)
    datos["tipo"] = _opcion(textos.get("tipo"), TIPOS_INTERVENCION, {}, "Tipo de intervención", fila)
    datos["madurez"] = _opcion(textos.get("madurez"), MADUREZ, SINONIMOS_MADUREZ, "Madurez", fila)
    datos["eje"] = _eje(textos.get("eje"), contexto.proceso.ejes, fila)
    try:
        limpio = validar_formulario(datos, ejes=contexto.proceso.ejes)
    except PropuestaInvalida as error:
        fila.problemas += [_nombrar_columna(p.campo, p.mensaje) for p in error.problemas]
        limpio = None
    _revisar_total(valores, limpio, fila)
    fecha = _fecha_de_la_fila(valores.get("fecha"), contexto, fila)
    ubicacion = _ubicacion(valores, textos, contexto, fila)
    if ubicacion:
        fila.lugar = " · ".join(t for t in (ubicacion.distrito, ubicacion.centro_poblado) if t)
    if fila.problemas:
        return fila
    fila.registro = {
        **{k: v for k, v in limpio.items() if k != "beneficiarios"},
        "beneficiarios": json.dumps(limpio["beneficiarios"]), "lat": ubicacion.punto.lat, "lon": ubicacion.punto.lon,
        "ubigeo": ubicacion.ubigeo, "distrito": ubicacion.distrito, "centro_poblado": ubicacion.centro_poblado,
        "centro_poblado_codigo": ubicacion.centro_poblado_codigo, "fecha_ficha": fecha.isoformat() if fecha else None,
        "referencia": textos.get("referencia") or None, "codigo": textos.get("codigo") or None,
    }
    return fila


def _nombrar_columna(campo: str, mensaje: str) -> str:
    """«Costo estimado: …» (el formulario web) → «Costo propuesto S/: …»: cada mensaje nombra la columna."""
    etiqueta, columna = ETIQUETAS_CAMPO.get(campo), hoja.POR_CAMPO.get(campo)
    if columna is None:
        return mensaje
    if etiqueta and mensaje.startswith(etiqueta):
        return columna.encabezado + mensaje[len(etiqueta):]
    return f"{columna.encabezado}: {mensaje}"


def _numero_de_celda(valor, entero: bool):
    """Números como los escribe la gente: «1.000» o «1,000» son mil personas (entero); una fecha en una columna
    de montos queda como texto (el mensaje la muestra como se ve, no como objeto de Python)."""
    valor = _sin_vacio(valor)
    if isinstance(valor, (dt.date, dt.datetime)):
        return valor.isoformat()
    if entero and isinstance(valor, str) and re.fullmatch(r"\d{1,3}([.,]\d{3})+", valor.strip()):
        return valor.strip().replace(".", "").replace(",", "")
    return valor


def _texto(valor) -> str:
    """Celda → texto: los números enteros sin «.0» (un celular o un CUI que Excel guardó como número), y sin el
    apóstrofo con que la exportación neutraliza lo que parece fórmula («'=1+1» vuelve a ser «=1+1»)."""
    if valor is None:
        return ""
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    if isinstance(valor, (dt.date, dt.datetime)):
        return valor.isoformat()
    return hoja.sin_apostrofo(str(valor).strip())


def _sin_vacio(valor):
    return None if valor is None or (isinstance(valor, str) and not valor.strip()) else valor


def _opcion(texto: str | None, opciones: dict[str, str], sinonimos: dict[str, str], nombre: str,
            fila: FilaRevisada) -> str | None:
    """Acepta la clave, la etiqueta o un sinónimo, sin tildes ni mayúsculas; si no, dice cuáles valen."""
    if not texto:
        return None
    buscado = hoja.normalizar(texto)
    validas = {hoja.normalizar(k): k for k in opciones} | {hoja.normalizar(v): k for k, v in opciones.items()}
    validas |= {hoja.normalizar(s): k for s, k in sinonimos.items()}
    if buscado in validas:
        return validas[buscado]
    fila.problemas.append(f"{nombre}: «{texto}» no es una opción; escriba una de: "
                          f"{', '.join(opciones.values())}.")
    return None


def _eje(texto: str | None, ejes: tuple[str, ...], fila: FilaRevisada) -> str | None:
    """El eje completo, su parte antes de «:» o un comienzo que solo corresponda a un eje."""
    if not texto:
        return None
    buscado = hoja.normalizar(texto)
    exactos = [e for e in ejes if buscado in (hoja.normalizar(e), hoja.normalizar(e.split(":")[0]))]
    candidatos = exactos or [e for e in ejes if hoja.normalizar(e).startswith(buscado)]
    if len(candidatos) == 1:
        return candidatos[0]
    fila.problemas.append(f"Eje del PDLC: «{texto}» no corresponde a un solo eje del proceso; escriba uno de: "
                          f"{'; '.join(ejes)}.")
    return None


def _revisar_total(valores: dict, limpio: dict | None, fila: FilaRevisada) -> None:
    """«Beneficiarios directos» solo comprueba: mujeres + hombres deben sumarlo (el total solo no se desagrega)."""
    total = _sin_vacio(valores.get("beneficiarios_directos"))
    if total is None or limpio is None:
        return
    texto = str(_numero_de_celda(total, True)).strip()
    if isinstance(total, float) and total.is_integer():
        texto = str(int(total))
    if not texto.isdigit() or len(texto) > 9:
        fila.problemas.append(f"Beneficiarios directos: «{total}» no es un número entero de personas.")
        return
    total = int(texto)
    suma = limpio["beneficiarios"]["directos_mujeres"] + limpio["beneficiarios"]["directos_hombres"]
    if suma == 0 and total:
        fila.problemas.append(f"Beneficiarios directos: {total:,} sin desagregar; escriba cuántas son mujeres y "
                              "cuántos hombres (columnas «Beneficiarias mujeres» y «Beneficiarios hombres»).")
    elif suma != total:
        fila.problemas.append(f"Beneficiarios directos: dice {total:,}, pero mujeres y hombres suman {suma:,}.")


# --- fechas ------------------------------------------------------------------------------------

def leer_fecha(valor, hoy: dt.date) -> dt.date | None:
    """Una fecha de una celda: fecha de Excel, «15/03/2026», «15-03-26», «2026-03-15» o «15 de marzo de 2026».

    Día/mes/año como se escribe en el Perú. Lanza ValueError con el mensaje para la persona.
    """
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, dt.datetime):
        fecha = valor.date()
    elif isinstance(valor, dt.date):
        fecha = valor
    elif isinstance(valor, (int, float)) and not isinstance(valor, bool):
        if not 20_000 <= valor <= 80_000:
            raise ValueError(f"«{valor}» no es una fecha; escriba día/mes/año, p. ej. 15/03/2026.")
        fecha = dt.date(1899, 12, 30) + dt.timedelta(days=int(valor))  # número de serie de Excel
    else:
        fecha = _fecha_de_texto(str(valor).strip())
    if fecha > hoy:
        raise ValueError(f"{formatear_fecha(fecha)} es una fecha futura; revise el día, el mes y el año.")
    if fecha.year < 2000:
        raise ValueError(f"{formatear_fecha(fecha)} es anterior al año 2000; revise el año.")
    return fecha


def _fecha_de_texto(texto: str) -> dt.date:
    original = texto
    texto = texto.lower().split("t")[0].split(" 00:00")[0].strip() if re.match(r"^\d{4}-", texto) else texto.lower()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", texto):
        anio, mes, dia = map(int, m.groups())
    elif m := re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})", texto):
        dia, mes, anio = map(int, m.groups())
        anio += 2000 if anio < 100 else 0
        if mes > 12 and dia <= 12:
            raise ValueError(f"«{original}» parece mes/día/año (como en EE. UU.); en el Perú se escribe "
                             f"día/mes/año: {mes:02d}/{dia:02d}/{anio}.")
    elif m := re.fullmatch(r"(\d{1,2})\s*(?:de\s+)?([a-zñ]+)\.?\s*(?:de\s+|del\s+)?(\d{4})", texto):
        dia, nombre_mes, anio = int(m.group(1)), m.group(2), int(m.group(3))
        mes = MESES_CORTOS.get(nombre_mes) or MESES_CORTOS.get(nombre_mes[:3]) or 0
        if not mes:
            raise ValueError(f"«{original}»: «{nombre_mes}» no es un mes.")
    else:
        raise ValueError(f"«{original}» no es una fecha; escriba día/mes/año, p. ej. 15/03/2026.")
    try:
        return dt.date(anio, mes, dia)
    except ValueError:
        raise ValueError(f"«{original}» no es una fecha que exista (día {dia}, mes {mes}).") from None


def _fecha_de_la_fila(valor, contexto: _Contexto, fila: FilaRevisada) -> dt.date | None:
    try:
        fecha = leer_fecha(valor, contexto.hoy)
    except ValueError as error:
        fila.problemas.append(f"Fecha de registro: {error}")
        return None
    registro = contexto.proceso.periodo(Fase.REGISTRO)
    if fecha and registro and not registro.inicio <= fecha <= registro.fin:
        fila.avisos.append(f"La ficha es del {formatear_fecha(fecha)}, fuera del registro de propuestas "
                           f"({formatear_fecha(registro.inicio)} al {formatear_fecha(registro.fin)}).")
    return fecha


# --- ubicación ---------------------------------------------------------------------------------

def leer_coordenada(valor, nombre: str) -> float | None:
    """-9.0485, «-9,0485» o grados-minutos-segundos «9°02'54.7"S» (S y O/W son negativos)."""
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, (int, float)) and not isinstance(valor, bool):
        return float(valor)
    texto = str(valor).strip().upper().replace(",", ".")
    if m := re.fullmatch(GRADOS_MINUTOS_SEGUNDOS, texto):
        signo, grados, minutos, segundos, hemisferio = m.groups()
        numero = int(grados) + int(minutos) / 60 + float(segundos or 0) / 3600
        return -numero if signo or hemisferio in ("S", "O", "W") else numero
    try:
        return float(texto)
    except ValueError:
        raise ValueError(f"{nombre}: «{valor}» no es una coordenada; escriba grados decimales, p. ej. "
                         f"{'-9.0485' if nombre == 'Latitud' else '-77.8046'}.") from None


def _ubicacion(valores: dict, textos: dict, contexto: _Contexto, fila: FilaRevisada):
    distrito = _distrito_de_la_fila(textos, contexto, fila)
    if distrito is False:
        return None
    try:
        lat, lon = leer_coordenada(valores.get("lat"), "Latitud"), leer_coordenada(valores.get("lon"), "Longitud")
    except ValueError as error:
        fila.problemas.append(str(error))
        return None
    if (lat is None) != (lon is None):
        fila.problemas.append("Falta la " + ("longitud" if lon is None else "latitud") + ": escriba las dos "
                              "coordenadas o ninguna (entonces se usa el centro poblado).")
        return None
    nombre_centro = textos.get("centro_poblado")
    if lat is not None:
        return _por_coordenadas(lat, lon, distrito, nombre_centro, contexto, fila)
    if nombre_centro:
        centro = _centro_por_nombre(nombre_centro, distrito, contexto, fila)
        return servicios.ubicar_en(contexto.territorio, contexto.centros, centro.punto) if centro else None
    if distrito:
        capital = _capital(distrito.ubigeo, contexto.centros)
        if capital is None:
            fila.problemas.append(f"Dónde: con solo el distrito {distrito.nombre} no se puede ubicar; escriba el "
                                  "centro poblado o las coordenadas.")
            return None
        fila.avisos.append(f"Sin centro poblado ni coordenadas: se ubica en la capital del distrito "
                           f"({capital.nombre.title()}).")
        return servicios.ubicar_en(contexto.territorio, contexto.centros, capital.punto)
    fila.problemas.append("Dónde: falta la ubicación; escriba el distrito y el centro poblado, o la latitud y la "
                          "longitud.")
    return None


def _distrito_de_la_fila(textos: dict, contexto: _Contexto, fila: FilaRevisada):
    """El distrito escrito (por nombre o ubigeo), None si no hay, o False si no es de la provincia."""
    nombre, ubigeo = textos.get("distrito"), textos.get("ubigeo", "")
    if re.fullmatch(r"\d{5}", ubigeo):
        ubigeo = ubigeo.zfill(6)  # la hoja de cálculo quitó el cero inicial
    provincia = contexto.territorio.nombre_provincia()
    por_nombre = contexto.distritos.get(hoja.normalizar(nombre)) if nombre else None
    por_ubigeo = contexto.distritos.get(ubigeo) if ubigeo else None
    if nombre and por_nombre is None:
        parecidos = difflib.get_close_matches(hoja.normalizar(nombre), [hoja.normalizar(d.nombre) for d in
                                                                       contexto.territorio.distritos], n=1, cutoff=0.8)
        pista = f" ¿Quiso decir «{contexto.distritos[parecidos[0]].nombre}»?" if parecidos else ""
        fila.problemas.append(f"Distrito: «{nombre}» no es un distrito de la provincia {provincia}.{pista}")
        return False
    if ubigeo and por_ubigeo is None:
        fila.problemas.append(f"Ubigeo: «{textos.get('ubigeo')}» no es un distrito de la provincia {provincia}.")
        return False
    if por_nombre and por_ubigeo and por_nombre != por_ubigeo:
        fila.problemas.append(f"El distrito «{nombre}» no tiene el ubigeo {ubigeo} (es {por_nombre.ubigeo}).")
        return False
    return por_nombre or por_ubigeo


def _por_coordenadas(lat, lon, distrito, nombre_centro, contexto: _Contexto, fila: FilaRevisada):
    try:
        ubicacion = servicios.ubicar_en(contexto.territorio, contexto.centros, Punto(lat, lon))
    except ErrorGeo as error:
        pistas = [("parece que la latitud y la longitud están intercambiadas", (lon, lat)),
                  ("¿faltó el signo menos? En el Perú la latitud y la longitud son negativas",
                   (-abs(lat), -abs(lon)))]
        pista = next((texto for texto, (a, b) in pistas if abs(a) <= 90 and abs(b) <= 180
                      and contexto.territorio.ubicar(Punto(a, b))), None)
        fila.problemas.append(f"Dónde: {error}" + (f" ({pista})." if pista else ""))
        return None
    if distrito and distrito.ubigeo != ubicacion.ubigeo:
        fila.problemas.append(f"Las coordenadas ({lat}, {lon}) caen en el distrito {ubicacion.distrito}, no en "
                              f"{distrito.nombre}; corrija una de las dos cosas.")
        return None
    if nombre_centro and ubicacion.centro_poblado and \
            not (_nombres_del_centro(nombre_centro) & _nombres_del_centro(ubicacion.centro_poblado)):
        fila.avisos.append(f"Las coordenadas están junto a «{ubicacion.centro_poblado.title()}», no a "
                           f"«{nombre_centro}»; se guarda el centro poblado de las coordenadas.")
    return ubicacion


def _centro_por_nombre(nombre: str, distrito, contexto: _Contexto, fila: FilaRevisada) -> CentroPoblado | None:
    candidatos = contexto.centros_por_nombre.get(hoja.normalizar(nombre), [])
    en_distrito = [c for c in candidatos if distrito is None or c.ubigeo == distrito.ubigeo]
    if len(en_distrito) == 1:
        return en_distrito[0]
    if len(en_distrito) > 1:
        fila.problemas.append(f"Centro poblado: hay {len(en_distrito)} llamados «{nombre}»"
                              + (f" en {distrito.nombre}" if distrito else " en la provincia; escriba el distrito o")
                              + " escriba las coordenadas.")
        return None
    if candidatos:
        otros = sorted({contexto.distritos[c.ubigeo].nombre for c in candidatos})
        fila.problemas.append(f"Centro poblado: «{nombre}» está en {', '.join(otros)}, no en {distrito.nombre}.")
        return None
    posibles = [c for c in contexto.centros if distrito is None or c.ubigeo == distrito.ubigeo]
    parecidos = difflib.get_close_matches(hoja.normalizar(nombre), [hoja.normalizar(c.nombre) for c in posibles],
                                          n=3, cutoff=0.7)
    pista = f" ¿Es {' o '.join('«' + p.upper() + '»' for p in parecidos)}?" if parecidos else ""
    donde = f"el distrito {distrito.nombre}" if distrito else f"la provincia {contexto.territorio.nombre_provincia()}"
    fila.problemas.append(f"Centro poblado: «{nombre}» no figura entre los centros poblados de {donde}.{pista} "
                          "Corrija el nombre o escriba las coordenadas.")
    return None


def _capital(ubigeo: str, centros: list[CentroPoblado]) -> CentroPoblado | None:
    """La capital del distrito: en el INEI, el centro poblado con código terminado en 0001."""
    del_distrito = sorted((c for c in centros if c.ubigeo == ubigeo), key=lambda c: c.codigo)
    return next((c for c in del_distrito if c.codigo.endswith("0001")), del_distrito[0] if del_distrito else None)


# --- entre filas y contra la base --------------------------------------------------------------

def _revisar_repetidas(db: Database, proceso: Proceso, revision: Revision) -> None:
    """Códigos y n.º de ficha repetidos (en el archivo o ya en la base), y propuestas parecidas (solo aviso)."""
    prefijo = f"{proceso.codigo}-"
    existentes = dict(db.execute("SELECT codigo, titulo FROM propuestas WHERE codigo IS NOT NULL").fetchall())
    referencias = {r for (r,) in db.execute("SELECT referencia FROM propuestas WHERE proceso_id = ? AND referencia "
                                            "IS NOT NULL", [proceso.id]).fetchall()}
    vistos_codigo: dict[str, int] = {}
    vistas_referencia: dict[str, int] = {}
    vistos_titulo: dict[tuple, int] = {}
    for fila in revision.filas:
        registro = fila.registro or {}
        codigo, referencia = fila.codigo_leido, fila.referencia
        if codigo and codigo.upper().startswith(prefijo):
            codigo = registro["codigo"] = codigo.upper()
            if not re.fullmatch(re.escape(prefijo) + r"\d{4,6}", codigo):
                fila.problemas.append(f"Código: «{codigo}» no tiene la forma {prefijo}0001; déjelo vacío y la "
                                      "plataforma asigna uno.")
            elif codigo in existentes:
                fila.problemas.append(f"Código: {codigo} ya existe («{existentes[codigo]}»); esta ficha ya se "
                                      "importó o el código está mal. Quite la fila o deje el código vacío.")
            elif codigo in vistos_codigo:
                fila.problemas.append(f"Código: {codigo} se repite en la fila {vistos_codigo[codigo]}.")
            vistos_codigo.setdefault(codigo, fila.numero)
        elif codigo:
            registro["codigo"] = None
            if not referencia:
                registro["referencia"] = fila.referencia = referencia = codigo
            fila.avisos.append(f"El código «{codigo}» no es de este proceso ({proceso.codigo}): la propuesta recibe "
                               f"un código nuevo y «{codigo}» queda como referencia.")
        if referencia:
            if referencia in referencias:
                fila.problemas.append(f"N.º de ficha: la ficha «{referencia}» ya se importó en este proceso.")
            elif referencia in vistas_referencia:
                fila.problemas.append(f"N.º de ficha: «{referencia}» se repite en la fila "
                                      f"{vistas_referencia[referencia]}.")
            vistas_referencia.setdefault(referencia, fila.numero)
        if fila.registro:
            clave = (hoja.normalizar(fila.titulo), registro["ubigeo"])
            if clave in vistos_titulo:
                fila.avisos.append(f"Mismo título y distrito que la fila {vistos_titulo[clave]}: ¿es la misma ficha?")
            vistos_titulo.setdefault(clave, fila.numero)
            parecidas = servicios.posibles_duplicados(db, proceso.id, registro, Punto(registro["lat"], registro["lon"]))
            if parecidas:
                p = parecidas[0]
                fila.avisos.append(f"Se parece a {p['codigo']} «{p['titulo']}» (a {p['metros']:,} m); revise que no "
                                   "sea la misma propuesta.")
        if fila.problemas:
            fila.registro = None
    _asignar_codigos(db, proceso, revision)


def _asignar_codigos(db: Database, proceso: Proceso, revision: Revision) -> None:
    """Las filas sin código reciben los siguientes números, después del más alto de la base y del archivo."""
    usados = [int(f.registro["codigo"].rsplit("-", 1)[1]) for f in revision.filas
              if f.registro and f.registro.get("codigo")]
    siguiente = max([almacen.ultimo_numero(db, proceso), *usados]) + 1
    for fila in revision.filas:
        if fila.registro is None:
            continue
        if not fila.registro.get("codigo"):
            fila.registro["codigo"] = f"{proceso.codigo}-{siguiente:04d}"
            siguiente += 1

