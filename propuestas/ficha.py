"""Una ficha de papel digitada en una fila de la hoja: leer cada celda (textos, números, opciones con sus
sinónimos, fechas escritas de muchas maneras, coordenadas en grados o decimales, distrito o centro poblado por su
nombre) y decir, columna por columna, qué hay que corregir. Puro salvo el contexto que arma `importar.revisar`.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field

from geo.modelo import CentroPoblado, ErrorGeo, Punto, Territorio
from identidad.participantes import SEXOS
from nucleo.formato import MESES, formatear_fecha
from propuestas import hoja, servicios
from propuestas.modelo import (
    ETIQUETAS_CAMPO,
    GUARDADOS,
    MADUREZ,
    PROFUNDIDADES,
    TIPOS_INTERVENCION,
    TIPOS_PROPONENTE,
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
SINONIMOS_SEXO = {"f": "mujer", "femenino": "mujer", "m": "hombre", "masculino": "hombre", "varon": "hombre"}
SOLO_NUMERACION = ("referencia", "fecha", "codigo")  # una fila con solo esto no es una ficha
SINONIMOS_FICHA = {"rapida": "joven", "corta": "joven", "completa": "organizacion"}
ENTEROS = tuple(c for c in TAL_CUAL if c not in ("costo", "costo_om", "cofinanciamiento"))
SINONIMOS_MADUREZ = {"ficha tecnica": "ficha_perfil", "perfil": "ficha_perfil", "expediente": "expediente"}
GRADOS_MINUTOS_SEGUNDOS = r"(-?)\s*(\d{1,3})\s*[°º]\s*(\d{1,2})\s*['′]\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:\"|″|''))?\s*([NSEOW]?)"
MESES_CORTOS = {m[:3]: n for n, m in enumerate(MESES, start=1)} | {"set": 9, "sept": 9, "setiembre": 9}


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


# --- una fila ----------------------------------------------------------------------------------

@dataclass
class Contexto:
    proceso: Proceso
    territorio: Territorio
    centros: list[CentroPoblado]
    hoy: dt.date
    ejes: tuple[str, ...] = ()  # los objetivos del PDLC vigente y los ejes del proceso (`pdlc.ejes_para_proponer`)

    def __post_init__(self) -> None:
        self.ejes = self.ejes or self.proceso.ejes
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


def revisar_fila(numero: int, valores: dict, contexto: Contexto) -> FilaRevisada:
    textos = {campo: texto_de_celda(valores.get(campo)) for campo in valores}
    fila = FilaRevisada(numero, textos.get("titulo", ""), codigo_leido=textos.get("codigo", ""),
                        referencia=textos.get("referencia", ""))
    datos = {"profundidad": _opcion(textos.get("profundidad"), PROFUNDIDADES, SINONIMOS_FICHA, "Tipo de ficha", fila)
             or "joven", **{c: textos.get(c) or None for c in TEXTOS}}
    datos.update({c: _numero_de_celda(valores.get(c), c in ENTEROS) for c in TAL_CUAL})
    datos["proponente_tipo"] = _opcion(textos.get("proponente_tipo"), TIPOS_PROPONENTE, SINONIMOS_PROPONENTE,
                                       "Tipo de proponente", fila)
    datos["tipo"] = _opcion(textos.get("tipo"), TIPOS_INTERVENCION, {}, "Tipo de intervención", fila)
    datos["madurez"] = _opcion(textos.get("madurez"), MADUREZ, SINONIMOS_MADUREZ, "Madurez", fila)
    datos["eje"] = _eje(textos.get("eje"), contexto.ejes, fila)
    try:
        datos["consentimiento"] = _si_no(textos.get("consentimiento"), "Consentimiento de datos personales", fila)
        datos["organizacion_de_mujeres"] = _si_no(textos.get("organizacion_de_mujeres"), "Organización de mujeres",
                                                  fila)
        datos["proponente_sexo"] = _opcion(textos.get("proponente_sexo"), SEXOS, SINONIMOS_SEXO, "Sexo de quien propone",
                                           fila)
        datos["proponente_edad"] = _sin_vacio(valores.get("proponente_edad"))  # 24 o 24.0 de Excel, o «24»
        limpio = validar_formulario(datos, ejes=contexto.ejes, consentimiento_previo=False)
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
    consiente = limpio.pop("consentimiento") and any(limpio.get(c) for c in GUARDADOS)
    fila.registro = {
        **{k: v for k, v in limpio.items() if k != "beneficiarios"},
        "consentimiento": consiente,  # `importar` lo anota con la hora de la importación
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


def texto_de_celda(valor) -> str:
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


def _si_no(texto: str | None, nombre: str, fila: FilaRevisada) -> bool:
    """«Sí», «si», «x» o «1» → True; vacío, «No» o «0» → False; otra cosa es un problema de la fila."""
    buscado = hoja.normalizar(texto or "")
    if buscado in ("si", "s", "x", "1", "true", "verdadero"):
        return True
    if buscado not in ("", "no", "n", "0", "false", "falso"):
        fila.problemas.append(f"{nombre}: «{texto}» no es «Sí» ni «No».")
    return False


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
    exactos = [e for e in ejes if buscado in (hoja.normalizar(e), hoja.normalizar(e.split(":")[0]),
                                              hoja.normalizar(e.split(" · ")[0]))]
    candidatos = exactos or [e for e in ejes if hoja.normalizar(e).startswith(buscado)]
    if len(candidatos) == 1:
        return candidatos[0]
    fila.problemas.append(f"Eje del PDLC: «{texto}» no corresponde a un solo objetivo o eje; escriba uno de: "
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


def _fecha_de_la_fila(valor, contexto: Contexto, fila: FilaRevisada) -> dt.date | None:
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


def _ubicacion(valores: dict, textos: dict, contexto: Contexto, fila: FilaRevisada):
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


def _distrito_de_la_fila(textos: dict, contexto: Contexto, fila: FilaRevisada):
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


def _por_coordenadas(lat, lon, distrito, nombre_centro, contexto: Contexto, fila: FilaRevisada):
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


def _centro_por_nombre(nombre: str, distrito, contexto: Contexto, fila: FilaRevisada) -> CentroPoblado | None:
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
