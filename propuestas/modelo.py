"""Dominio de procesos participativos y propuestas: fases, ciclo de vida, validación, dinero.

Puro: sin E/S; la hora llega como argumento.
"""
from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
from dataclasses import dataclass, replace

from identidad.acceso import Accion, Permiso
from identidad.participantes import SEXOS, leer_edad
from nucleo.errores import DatosInvalidos, ErrorPlataforma, Problema
from nucleo.formato import formatear_fecha, formatear_soles, limpiar, limpiar_linea, soles_a_centimos


class ErrorPropuestas(ErrorPlataforma):
    """Base de los errores de procesos y propuestas; su texto es para la persona usuaria."""


class PropuestaInvalida(DatosInvalidos):
    """La propuesta no se puede registrar tal como está."""


class ProcesoInvalido(DatosInvalidos):
    """El proceso participativo no es coherente (fechas, pesos, nombres)."""


class TransicionNoPermitida(ErrorPropuestas):
    def __init__(self, desde: "Estado", hacia: "Estado"):
        self.desde, self.hacia = desde, hacia
        posibles = ", ".join(e.etiqueta for e in sorted(TRANSICIONES.get(desde, ()), key=lambda e: e.value))
        super().__init__(f"Una propuesta «{desde.etiqueta}» no puede pasar a «{hacia.etiqueta}»"
                         + (f"; puede pasar a: {posibles}." if posibles else "; es un estado final."))


class AccionFueraDeFase(ErrorPropuestas):
    """La fase actual del proceso no permite la acción."""


# --- fases del proceso ----------------------------------------------------------------------

class Fase(enum.Enum):
    PREPARACION = "preparacion"
    REGISTRO = "registro"
    DELIBERACION = "deliberacion"
    EVALUACION = "evaluacion"
    PRIORIZACION = "priorizacion"
    FORMALIZACION = "formalizacion"

    @property
    def etiqueta(self) -> str:
        return ETIQUETAS_FASE[self]


ETIQUETAS_FASE = {
    Fase.PREPARACION: "Preparación", Fase.REGISTRO: "Registro de propuestas", Fase.DELIBERACION: "Deliberación",
    Fase.EVALUACION: "Evaluación técnica", Fase.PRIORIZACION: "Priorización en taller",
    Fase.FORMALIZACION: "Formalización",
}
ORDEN_FASES = list(Fase)

# Qué permite cada fase: la única fuente de verdad (nada de «if fase == …» repartidos).
PERMISOS_FASE: dict[Fase, frozenset[Accion]] = {
    Fase.PREPARACION: frozenset(),
    Fase.REGISTRO: frozenset({Accion.PROPONER, Accion.COMENTAR, Accion.APOYAR, Accion.IMPORTAR_PROPUESTAS}),
    # las fichas de papel del registro se pueden digitar hasta que termine la evaluación
    Fase.DELIBERACION: frozenset({Accion.COMENTAR, Accion.APOYAR, Accion.IMPORTAR_PROPUESTAS}),
    Fase.EVALUACION: frozenset({Accion.EVALUAR, Accion.COMENTAR, Accion.IMPORTAR_PROPUESTAS}),
    Fase.PRIORIZACION: frozenset({Accion.VOTAR, Accion.EVALUAR}),
    Fase.FORMALIZACION: frozenset(),
}


@dataclass(frozen=True)
class PeriodoFase:
    fase: Fase
    inicio: dt.date
    fin: dt.date


@dataclass(frozen=True)
class Criterio:
    clave: str
    nombre: str
    peso: int
    descripcion: str = ""


CRITERIOS_POR_DEFECTO = (
    Criterio("alineamiento", "Alineamiento al PDLC", 25, "¿Contribuye a un objetivo estratégico del PDLC?"),
    Criterio("brecha", "Brecha y pobreza del lugar", 25, "Pobreza y brecha del servicio en el distrito."),
    Criterio("beneficiarios", "Beneficiarios respecto al costo", 15, "Personas beneficiadas por cada sol."),
    Criterio("madurez", "Madurez técnica", 15, "Idea, ficha/perfil o expediente técnico."),
    Criterio("cofinanciamiento", "Cofinanciamiento", 10, "Aporte comunal u otras fuentes."),
    Criterio("equidad", "Equidad", 10, "Zona rural, jóvenes, mujeres, personas con discapacidad."),
)
PUNTAJE_MAXIMO = 3

EJES_POR_DEFECTO = (
    "Desarrollo social: salud, educación y nutrición",
    "Desarrollo económico: agricultura, ganadería y turismo",
    "Infraestructura: agua, saneamiento, vías y energía",
    "Ambiente y gestión de riesgos",
    "Gobernanza, participación y seguridad ciudadana",
)


@dataclass(frozen=True)
class Proceso:
    id: int | None
    nombre: str
    codigo: str
    provincia: str
    fases: tuple[PeriodoFase, ...]
    techo_centimos: int
    ejes: tuple[str, ...] = EJES_POR_DEFECTO
    criterios: tuple[Criterio, ...] = CRITERIOS_POR_DEFECTO
    es_actual: bool = False
    es_demo: bool = False
    propuestas_anonimas: bool = True

    def fase_en(self, fecha: dt.date) -> Fase | None:
        return next((p.fase for p in self.fases if p.inicio <= fecha <= p.fin), None)

    def periodo(self, fase: Fase) -> PeriodoFase | None:
        return next((p for p in self.fases if p.fase == fase), None)

    def permite(self, accion: Accion, fecha: dt.date) -> Permiso:
        """¿Permite la fase vigente en `fecha` esta acción? Si no, dice por qué y cuándo sí."""
        fase = self.fase_en(fecha)
        if fase is not None and accion in PERMISOS_FASE[fase]:
            return Permiso(True, f"Fase «{fase.etiqueta}» hasta el {formatear_fecha(self.periodo(fase).fin)}.")
        cuando = [p for p in self.fases if accion in PERMISOS_FASE[p.fase]]
        proxima = next((p for p in cuando if p.inicio > fecha), None)
        actual = f"la fase actual es «{fase.etiqueta}»" if fase else "el proceso no está en ninguna fase hoy"
        if proxima:
            return Permiso(False, f"{accion.no_se_puede}: {actual}. Se podrá del "
                                  f"{formatear_fecha(proxima.inicio)} al {formatear_fecha(proxima.fin)}.")
        return Permiso(False, f"{accion.no_se_puede}: {actual}, y ya no habrá otra fase que lo permita.")




def validar_proceso(proceso: Proceso) -> Proceso:
    problemas: list[Problema] = []
    nombre = limpiar_linea(proceso.nombre)
    if not 5 <= len(nombre) <= 120:
        problemas.append(Problema("nombre", f"El nombre tiene {len(nombre)} caracteres; debe tener entre 5 y 120."))
    if not re.fullmatch(r"[A-Z0-9]{2,8}", proceso.codigo or ""):
        problemas.append(Problema("codigo", f"El código {proceso.codigo!r} no es válido; use de 2 a 8 letras "
                                            "mayúsculas o números, p. ej. PP27."))
    fases = sorted(proceso.fases, key=lambda p: ORDEN_FASES.index(p.fase))
    if [p.fase for p in fases] != ORDEN_FASES:
        problemas.append(Problema("fases", "Deben estar las seis fases, una vez cada una."))
    for periodo in fases:
        if periodo.fin < periodo.inicio:
            problemas.append(Problema(f"fase_{periodo.fase.value}", f"«{periodo.fase.etiqueta}» termina "
                                      f"({formatear_fecha(periodo.fin)}) antes de empezar ({formatear_fecha(periodo.inicio)})."))
    for anterior, siguiente in zip(fases, fases[1:]):
        if siguiente.inicio <= anterior.fin:
            problemas.append(Problema(f"fase_{siguiente.fase.value}", f"«{siguiente.fase.etiqueta}» empieza el "
                                      f"{formatear_fecha(siguiente.inicio)}, antes de que termine «{anterior.fase.etiqueta}» "
                                      f"({formatear_fecha(anterior.fin)})."))
    if proceso.techo_centimos <= 0:
        problemas.append(Problema("techo", "El techo presupuestal debe ser mayor que cero."))
    ejes = tuple(dict.fromkeys(limpiar_linea(e) for e in proceso.ejes if limpiar_linea(e)))
    if not ejes:
        problemas.append(Problema("ejes", "Indique al menos un eje u objetivo del PDLC."))
    if any(len(e) > 160 for e in ejes):
        problemas.append(Problema("ejes", "Cada eje debe tener como máximo 160 caracteres."))
    claves = [c.clave for c in proceso.criterios]
    if not proceso.criterios or len(set(claves)) != len(claves):
        problemas.append(Problema("criterios", "Indique criterios con claves distintas."))
    suma = sum(c.peso for c in proceso.criterios)
    if suma != 100 or any(c.peso <= 0 for c in proceso.criterios):
        problemas.append(Problema("criterios", f"Los pesos suman {suma}; deben ser positivos y sumar 100."))
    if problemas:
        raise ProcesoInvalido(problemas)
    return replace(proceso, nombre=nombre, fases=tuple(fases), ejes=ejes)


# --- ciclo de vida de la propuesta ----------------------------------------------------------

class Estado(enum.Enum):
    BORRADOR = "borrador"
    REGISTRADA = "registrada"
    ADMITIDA = "admitida"
    NO_ADMITIDA = "no_admitida"
    EN_EVALUACION = "en_evaluacion"
    VIABLE = "viable"
    NO_VIABLE = "no_viable"
    FUSIONADA = "fusionada"
    PRIORIZADA = "priorizada"
    EN_ACTA = "en_acta"
    RETIRADA = "retirada"

    @property
    def etiqueta(self) -> str:
        """Como lo lee una persona («en evaluación», con su tilde); el valor es un identificador sin tildes."""
        return {"en_evaluacion": "en evaluación"}.get(self.value, self.value.replace("_", " "))


TRANSICIONES: dict[Estado, frozenset[Estado]] = {
    Estado.BORRADOR: frozenset({Estado.REGISTRADA, Estado.RETIRADA}),
    Estado.REGISTRADA: frozenset({Estado.ADMITIDA, Estado.NO_ADMITIDA, Estado.FUSIONADA, Estado.RETIRADA}),
    Estado.ADMITIDA: frozenset({Estado.EN_EVALUACION, Estado.FUSIONADA, Estado.RETIRADA}),
    Estado.EN_EVALUACION: frozenset({Estado.VIABLE, Estado.NO_VIABLE, Estado.FUSIONADA, Estado.RETIRADA}),
    Estado.VIABLE: frozenset({Estado.PRIORIZADA, Estado.FUSIONADA, Estado.RETIRADA}),
    # priorizada la hace el cierre de una votación (si la financió); en acta, el acta firmada; reabrir esa votación
    # antes de firmar el acta la devuelve a viable (con motivo)
    Estado.PRIORIZADA: frozenset({Estado.EN_ACTA, Estado.VIABLE}),
    # reabrir una no admitida (un clic equivocado rechazaba para siempre la propuesta de una comunidad): vuelve a
    # la cola de admisión y el equipo decide de nuevo; solo administración y con motivo (ver `REABRIR`)
    Estado.NO_ADMITIDA: frozenset({Estado.REGISTRADA}),
}
# Las que no pueden ir en una papeleta (ni contarse como candidatas): aún no registradas o ya fuera del proceso
FUERA_DE_PAPELETA = frozenset({Estado.BORRADOR, Estado.RETIRADA, Estado.FUSIONADA, Estado.NO_ADMITIDA})
REQUIEREN_MOTIVO = frozenset({Estado.NO_ADMITIDA, Estado.NO_VIABLE, Estado.RETIRADA, Estado.FUSIONADA})
REABRIR = (Estado.NO_ADMITIDA, Estado.REGISTRADA)
DESPRIORIZAR = (Estado.PRIORIZADA, Estado.VIABLE)  # se reabrió la votación que la priorizó, antes del acta


def requiere_motivo(desde: Estado, hacia: Estado) -> bool:
    """Los pasos negativos, reabrir y despriorizar piden un motivo (registrar una propuesta nueva, no)."""
    return hacia in REQUIEREN_MOTIVO or (desde, hacia) in (REABRIR, DESPRIORIZAR)


def validar_transicion(desde: Estado, hacia: Estado, motivo: str | None, fusionada_con: str | None) -> str:
    """Comprueba la tabla de transiciones y los requisitos; devuelve el motivo limpio."""
    if hacia not in TRANSICIONES.get(desde, frozenset()):
        raise TransicionNoPermitida(desde, hacia)
    motivo = limpiar(motivo or "")
    problemas = []
    if requiere_motivo(desde, hacia) and len(motivo) < 5:
        problemas.append(Problema("motivo", f"Pasar de «{desde.etiqueta}» a «{hacia.etiqueta}» requiere un motivo "
                                            "(al menos 5 caracteres)."))
    if len(motivo) > 2000:
        problemas.append(Problema("motivo", f"El motivo tiene {len(motivo)} caracteres; el máximo es 2000."))
    if hacia == Estado.FUSIONADA and not fusionada_con:
        problemas.append(Problema("fusionada_con", "Indique la propuesta que sobrevive a la fusión."))
    if problemas:
        raise DatosInvalidos(problemas)
    return motivo


# --- la propuesta ---------------------------------------------------------------------------

PROFUNDIDADES = {"joven": "Rápida (jóvenes y ciudadanía)", "organizacion": "Completa (organizaciones y equipo técnico)"}
TIPOS_PROPONENTE = {"joven": "Joven (15 a 29 años)", "individual": "Ciudadana o ciudadano",
                    "organizacion": "Organización"}
TIPOS_INTERVENCION = {"proyecto_inversion": "Proyecto de inversión", "actividad": "Actividad",
                      "gestion": "Gestión"}
MADUREZ = {"sin_idea": "Sin idea desarrollada", "idea": "Idea", "ficha_perfil": "Ficha técnica o perfil",
           "expediente": "Expediente técnico"}
FRANJAS_EDAD = {"0_11": "0 a 11 años", "12_17": "12 a 17 años", "18_29": "18 a 29 años",
                "30_59": "30 a 59 años", "60_mas": "60 años a más"}
CAMPOS_BENEFICIARIOS = ("directos_mujeres", "directos_hombres", "indirectos", *(f"edad_{f}" for f in FRANJAS_EDAD))

UNA_LINEA = frozenset({"titulo", "proponente_nombre", "organizacion", "contacto", "servicio_publico",
                       "indicador_brecha"})
LARGOS = {  # campo: (mínimo, máximo) en caracteres
    "titulo": (10, 120), "problema": (20, 3000), "propuesta": (20, 3000), "proponente_nombre": (2, 120),
    "organizacion": (2, 160), "contacto": (6, 120), "objetivo": (20, 2000), "servicio_publico": (3, 200),
    "indicador_brecha": (3, 200), "sostenibilidad": (10, 1000),
}
OBLIGATORIOS = {  # el nombre, además, si la persona consiente que se guarde (sin consentimiento va anónima)
    "joven": ("titulo", "problema", "propuesta", "proponente_tipo"),
    "organizacion": ("titulo", "problema", "propuesta", "proponente_tipo", "objetivo", "tipo", "eje", "costo",
                     "madurez"),
}
# Datos de una persona (Ley 29733; la organización no lo es): lo que se escribe y lo que queda guardado (de la edad,
# la franja)
PERSONALES = ("proponente_nombre", "contacto", "proponente_sexo", "proponente_edad")
GUARDADOS = ("proponente_nombre", "contacto", "proponente_sexo", "proponente_franja")
ANONIMA = "Sin nombre (anónima)"
DATO_ELIMINADO = "dato eliminado"
ETIQUETAS_CAMPO = {
    "titulo": "Título", "problema": "El problema", "propuesta": "Qué proponen hacer", "lat": "Latitud",
    "lon": "Longitud", "ubicacion": "Dónde", "proponente_tipo": "Quién propone",
    "proponente_nombre": "Nombre de quien propone", "organizacion": "Organización", "contacto": "Contacto",
    "objetivo": "Objetivo", "tipo": "Tipo de intervención", "eje": "Eje u objetivo del PDLC",
    "servicio_publico": "Servicio público", "indicador_brecha": "Indicador de brecha", "costo": "Costo estimado",
    "costo_om": "Costo anual de operación y mantenimiento", "plazo_meses": "Plazo (meses)",
    "cofinanciamiento": "Cofinanciamiento o aporte comunal", "madurez": "Madurez (Invierte.pe)", "cui": "CUI",
    "sostenibilidad": "Sostenibilidad", "foto": "Foto", "consentimiento": "Consentimiento",
    "proponente_sexo": "Sexo", "proponente_edad": "Edad", "organizacion_de_mujeres": "Organización de mujeres",
}


@dataclass(frozen=True)
class Propuesta:
    """Una propuesta registrada (los borradores son el mismo registro en estado `borrador`)."""

    id: int
    codigo: str | None
    proceso_id: int
    estado: Estado
    profundidad: str
    titulo: str
    problema: str
    propuesta: str
    lat: float | None
    lon: float | None
    ubigeo: str | None
    distrito: str | None
    centro_poblado: str | None
    proponente_tipo: str
    proponente_nombre: str
    organizacion: str | None = None
    organizacion_de_mujeres: bool = False
    objetivo: str | None = None
    tipo: str | None = None
    eje: str | None = None
    servicio_publico: str | None = None
    indicador_brecha: str | None = None
    beneficiarios: dict | None = None
    costo_centimos: int | None = None
    costo_om_centimos: int | None = None
    plazo_meses: int | None = None
    cofinanciamiento_centimos: int | None = None
    madurez: str | None = None
    cui: str | None = None
    sostenibilidad: str | None = None
    tiene_foto: bool = False
    fusionada_con: str | None = None
    motivo_estado: str | None = None
    registrada_en: str | None = None
    actualizada_en: str | None = None
    puntaje_tecnico: float | None = None
    es_demo: bool = False
    participante_id: int | None = None
    oculta_en: str | None = None
    oculta_motivo: str | None = None

    @property
    def es_juvenil(self) -> bool:
        return self.proponente_tipo == "joven"

    @property
    def quien_firma(self) -> str:
        """El nombre que se publica; «Sin nombre (anónima)» si se envió sin consentimiento para guardarlo."""
        return self.proponente_nombre or ANONIMA


def validar_formulario(datos: dict, *, ejes: tuple[str, ...], consentimiento_previo: bool) -> dict:
    """Valida lo escrito en el formulario (textos tal cual) y devuelve los campos limpios.

    Reúne todos los problemas a la vez; cada mensaje dice lo recibido y lo esperado.
    La ubicación (punto → distrito) la valida el servicio, que conoce el territorio.
    Nombre y contacto (Ley 29733) solo con consentimiento: el de la casilla `consentimiento` del formulario (en una
    ficha de papel, su columna «Sí») o uno previo (`consentimiento_previo`: la persona lo dio al registrarse). Sin él,
    la propuesta va anónima; con nombre o contacto escritos y sin consentimiento, es un problema (nada se pierde:
    el borrador lo guarda). `limpio["consentimiento"]` dice si se guardan.
    """
    profundidad = datos.get("profundidad") if datos.get("profundidad") in tuple(PROFUNDIDADES) else "joven"
    problemas: list[Problema] = []
    limpio: dict = {"profundidad": profundidad}
    for campo, (minimo, maximo) in LARGOS.items():
        if not isinstance(datos.get(campo), (str, type(None))):
            problemas.append(Problema(campo, f"{ETIQUETAS_CAMPO[campo]}: se esperaba texto y llegó "
                                             f"{type(datos.get(campo)).__name__}."))
            continue
        texto = (limpiar_linea if campo in UNA_LINEA else limpiar)(datos.get(campo))
        limpio[campo] = texto or None
        if not texto:
            if campo in OBLIGATORIOS[profundidad]:
                problemas.append(Problema.de(campo, "{etiqueta}: falta completarlo.",
                                             etiqueta=ETIQUETAS_CAMPO[campo]))
            continue
        if not minimo <= len(texto) <= maximo:
            problemas.append(Problema.de(campo, "{etiqueta} tiene {n} caracteres; debe tener entre {minimo} y "
                                                "{maximo}.", etiqueta=ETIQUETAS_CAMPO[campo], n=f"{len(texto):,}",
                                         minimo=minimo, maximo=f"{maximo:,}"))
    _validar_opcion(datos, "proponente_tipo", TIPOS_PROPONENTE, profundidad, limpio, problemas)
    _validar_opcion(datos, "proponente_sexo", SEXOS, profundidad, limpio, problemas)
    limpio["proponente_franja"], mensaje = leer_edad(datos.get("proponente_edad"))
    if mensaje:
        problemas.append(Problema("proponente_edad", mensaje))
    limpio["organizacion_de_mujeres"] = int(datos.get("organizacion_de_mujeres") is True
                                            and limpio.get("proponente_tipo") == "organizacion")
    limpio["consentimiento"] = consentimiento_previo or datos.get("consentimiento") is True
    if limpio["consentimiento"] and not limpio.get("proponente_nombre"):
        problemas.append(Problema.de("proponente_nombre", "{etiqueta}: falta completarlo.",
                                     etiqueta=ETIQUETAS_CAMPO["proponente_nombre"]))
    elif not limpio["consentimiento"] and any(limpio.get(c) or datos.get(c) for c in PERSONALES):
        problemas.append(Problema.de("consentimiento", "Consentimiento: hay nombre, contacto, sexo o edad, pero no "
                                                       "consta el consentimiento para guardarlos. Márquelo para que "
                                                       "la MCLCP los guarde, o bórrelos para enviar la propuesta sin "
                                                       "nombre (anónima)."))
    _validar_opcion(datos, "tipo", TIPOS_INTERVENCION, profundidad, limpio, problemas)
    _validar_opcion(datos, "madurez", MADUREZ, profundidad, limpio, problemas)
    _validar_opcion(datos, "eje", dict.fromkeys(ejes, ""), profundidad, limpio, problemas)
    if limpio.get("proponente_tipo") == "organizacion" and not limpio.get("organizacion"):
        problemas.append(Problema.de("organizacion", "Organización: indique el nombre de la organización que "
                                                     "propone."))
    if limpio.get("contacto") and not _es_contacto(limpio["contacto"]):
        problemas.append(Problema.de("contacto", "Contacto: «{contacto}» no parece un celular (9 dígitos, empieza "
                                                 "con 9) ni un correo.", contacto=limpio["contacto"]))
    for campo, destino in (("costo", "costo_centimos"), ("costo_om", "costo_om_centimos"),
                           ("cofinanciamiento", "cofinanciamiento_centimos")):
        try:
            limpio[destino] = soles_a_centimos(datos.get(campo))
        except ValueError as error:
            problemas.append(Problema(campo, f"{ETIQUETAS_CAMPO[campo]}: {error}"))
            continue
        if limpio[destino] is None and campo in OBLIGATORIOS[profundidad]:
            problemas.append(Problema.de(campo, "{etiqueta}: falta completarlo.",
                                         etiqueta=ETIQUETAS_CAMPO[campo]))
        elif limpio[destino] is not None and limpio[destino] > 10_000_000_000:
            problemas.append(Problema.de(campo, "{etiqueta}: {monto} supera el máximo de {maximo}.",
                                         etiqueta=ETIQUETAS_CAMPO[campo], monto=formatear_soles(limpio[destino]),
                                         maximo="S/ 100,000,000.00"))
    if (limpio.get("costo_centimos") and limpio.get("cofinanciamiento_centimos")
            and limpio["cofinanciamiento_centimos"] > limpio["costo_centimos"]):
        problemas.append(Problema.de("cofinanciamiento", "El cofinanciamiento no puede ser mayor que el costo "
                                                         "estimado."))
    limpio["plazo_meses"] = _entero(datos.get("plazo_meses"), "plazo_meses", 1, 120, problemas)
    limpio["beneficiarios"] = {c: _entero(datos.get(c), c, 0, 10_000_000, problemas) or 0
                               for c in CAMPOS_BENEFICIARIOS}
    if profundidad == "organizacion" and not (limpio["beneficiarios"]["directos_mujeres"]
                                              + limpio["beneficiarios"]["directos_hombres"]):
        problemas.append(Problema.de("directos_mujeres", "Beneficiarios directos: indique cuántas mujeres y "
                                                         "hombres."))
    cui = limpiar_linea(datos.get("cui"))
    if cui and not re.fullmatch(r"\d{7}", cui):
        problemas.append(Problema.de("cui", "CUI: «{cui}» no es válido; el Código Único de Inversiones tiene 7 "
                                            "dígitos.", cui=cui))
    limpio["cui"] = cui or None
    if problemas:
        raise PropuestaInvalida(problemas)
    return limpio


def _validar_opcion(datos, campo, opciones, profundidad, limpio, problemas) -> None:
    valor = datos.get(campo) or None
    limpio[campo] = valor if isinstance(valor, str) else None
    if valor is not None and not isinstance(valor, str):
        problemas.append(Problema(campo, f"{ETIQUETAS_CAMPO[campo]}: {valor!r} no es una opción válida."))
    elif valor is None:
        if campo in OBLIGATORIOS[profundidad]:
            problemas.append(Problema.de(campo, "{etiqueta}: elija una opción.", etiqueta=ETIQUETAS_CAMPO[campo]))
    elif valor not in opciones:
        problemas.append(Problema.de(campo, "{etiqueta}: «{valor}» no es una opción válida.",
                                     etiqueta=ETIQUETAS_CAMPO[campo], valor=valor))


def _entero(valor, campo: str, minimo: int, maximo: int, problemas: list[Problema]) -> int | None:
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    try:
        if isinstance(valor, bool) or not isinstance(valor, (int, str)):
            raise ValueError
        numero = int(valor.strip().replace(",", "").replace(" ", "")) if isinstance(valor, str) else valor
    except ValueError:
        problemas.append(Problema.de(campo, "«{valor}» no es un número entero.", valor=valor))
        return None
    if not minimo <= numero <= maximo:
        problemas.append(Problema.de(campo, "{numero} está fuera de rango; debe estar entre {minimo} y {maximo}.",
                                     numero=f"{numero:,}", minimo=minimo, maximo=f"{maximo:,}"))
        return None
    return numero


def _es_contacto(texto: str) -> bool:
    celular = re.sub(r"[\s-]", "", texto).removeprefix("+51")
    return bool(re.fullmatch(r"9\d{8}", celular) or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", texto))


# --- evaluación técnica ---------------------------------------------------------------------

def puntaje_ponderado(criterios: tuple[Criterio, ...], puntajes: dict[str, int]) -> float:
    """Puntaje técnico de 0 a 100: Σ peso × puntaje / 3."""
    problemas = [Problema(c.clave, f"{c.nombre}: el puntaje {puntajes.get(c.clave)!r} debe ser 0, 1, 2 o 3.")
                 for c in criterios if puntajes.get(c.clave) not in range(PUNTAJE_MAXIMO + 1)]
    if problemas:
        raise DatosInvalidos(problemas)
    return round(sum(c.peso * puntajes[c.clave] for c in criterios) / PUNTAJE_MAXIMO, 2)


def sugerir_puntaje_brecha(pobreza: float | None, pobrezas_provincia: list[float]) -> int | None:
    """Puntaje 0–3 de «brecha/pobreza» por cuartil del distrito dentro de la provincia."""
    valores = sorted(v for v in pobrezas_provincia if v is not None)
    if pobreza is None or not valores:
        return None
    debajo = sum(v < pobreza for v in valores) / len(valores)
    return min(PUNTAJE_MAXIMO, int(debajo * 4))


def similitud(a: str, b: str) -> float:
    """Parecido de dos textos (0–1) por palabras significativas compartidas (Jaccard)."""
    palabras_a, palabras_b = _palabras(a), _palabras(b)
    if not palabras_a or not palabras_b:
        return 0.0
    return len(palabras_a & palabras_b) / len(palabras_a | palabras_b)


VACIAS = frozenset("de la el en y a los las del para por con un una al que se su sus o e es lo como mas más".split())


@functools.lru_cache(maxsize=8192)
def _palabras(texto: str) -> frozenset[str]:
    """En caché: al importar una hoja, los textos de las propuestas vecinas se comparan una y otra vez."""
    sin_tildes = unicodedata.normalize("NFKD", texto.lower())
    sin_tildes = "".join(c for c in sin_tildes if not unicodedata.combining(c))
    return frozenset(p for p in re.findall(r"[a-z0-9ñ']+", sin_tildes) if p not in VACIAS and len(p) > 2)
