"""El seguimiento de un proyecto en acta, sin E/S: fases de inversión, la situación que resulta de sus
actualizaciones, lo que se revisa de cada dato y las alertas (la fecha de hoy la pasa quien llama).

Una actualización trae solo lo que cambia (lo que va en None no cambia) y nunca se edita: la situación de hoy es
el resultado de aplicarlas en orden. Una corrección es otra actualización que dice cuál corrige.
"""
from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace

from geo.modelo import Problema
from nucleo.errores import Mensaje
from nucleo.formato import formatear_fecha, formatear_soles

DIAS_SIN_NOTICIAS = 90
LARGO_NOTA = 2_000
LARGO_MOTIVO = (5, 500)
ANIOS_PIA = range(2000, 2101)


class Fase(enum.Enum):
    """Fases del ciclo de inversión (Invierte.pe), más «no se ejecutará» (con motivo)."""

    IDEA = "idea"
    FORMULACION = "formulacion"
    EXPEDIENTE = "expediente"
    EJECUCION = "ejecucion"
    CULMINADO = "culminado"
    EN_FUNCIONAMIENTO = "en_funcionamiento"
    NO_SE_EJECUTARA = "no_se_ejecutara"

    @property
    def etiqueta(self) -> str:
        return ETIQUETAS_FASE[self]

    @property
    def color(self) -> str:
        """Para el mapa y la leyenda (siempre junto a la etiqueta: el color nunca va solo)."""
        return COLORES_FASE[self]


ETIQUETAS_FASE = {
    Fase.IDEA: "Idea", Fase.FORMULACION: "Formulación y evaluación", Fase.EXPEDIENTE: "Expediente técnico",
    Fase.EJECUCION: "Ejecución", Fase.CULMINADO: "Culminado", Fase.EN_FUNCIONAMIENTO: "En funcionamiento",
    Fase.NO_SE_EJECUTARA: "No se ejecutará",
}
# Contraste AA sobre blanco (texto blanco encima también): de claro a oscuro a medida que avanza
COLORES_FASE = {
    Fase.IDEA: "#6a3d9a", Fase.FORMULACION: "#1f5fa8", Fase.EXPEDIENTE: "#0b6e75", Fase.EJECUCION: "#b35806",
    Fase.CULMINADO: "#1b7837", Fase.EN_FUNCIONAMIENTO: "#00441b", Fase.NO_SE_EJECUTARA: "#5f5f5f",
}
SIN_FASE = "Sin datos aún"
COLOR_SIN_FASE = "#a50f5c"
CERRADAS = frozenset({Fase.EN_FUNCIONAMIENTO, Fase.NO_SE_EJECUTARA})  # ya no se esperan noticias


CAMPOS = ("responsable_entidad", "responsable_area", "cui", "fase", "motivo_fase", "anio_pia", "pia_centimos",
          "pim_centimos", "devengado_centimos", "avance_fisico", "avance_financiero")


@dataclass(frozen=True)
class Cambios:
    """Lo que una actualización cambia; None = no cambia. Montos en céntimos; avances de 0 a 100."""

    responsable_entidad: str | None = None
    responsable_area: str | None = None
    cui: str | None = None
    fase: Fase | None = None
    motivo_fase: str | None = None
    anio_pia: int | None = None
    pia_centimos: int | None = None
    pim_centimos: int | None = None
    devengado_centimos: int | None = None
    avance_fisico: float | None = None
    avance_financiero: float | None = None

    def presentes(self) -> dict:
        """Los campos de `Cambios` que traen algo (en una `Situacion`, lo que se sabe)."""
        return {c: getattr(self, c) for c in CAMPOS if getattr(self, c) is not None}


if tuple(f.name for f in fields(Cambios)) != CAMPOS:
    raise RuntimeError("CAMPOS debe nombrar, en orden, los campos de Cambios")
ETIQUETAS = {
    "responsable_entidad": "Entidad responsable", "responsable_area": "Área responsable", "cui": "CUI",
    "fase": "Fase de inversión", "motivo_fase": "Motivo (si no se ejecutará)", "anio_pia": "Año del PIA",
    "pia_centimos": "PIA", "pim_centimos": "PIM", "devengado_centimos": "Devengado",
    "avance_fisico": "Avance físico", "avance_financiero": "Avance financiero",
}


@dataclass(frozen=True)
class Situacion(Cambios):
    """Cómo está el proyecto hoy: lo último que dijo cada actualización sobre cada campo de `Cambios`, la fecha del
    dato más reciente y cuántas actualizaciones hubo."""

    ultima_fecha: dt.date | None = None
    actualizaciones: int = 0

    def aplicar(self, cambios: Cambios, fecha: dt.date) -> Situacion:
        valores = cambios.presentes()
        fase = valores.get("fase", self.fase)
        if fase is not None and fase != Fase.NO_SE_EJECUTARA:
            valores["motivo_fase"] = None  # el motivo es solo de «no se ejecutará»
        return replace(self, **valores, actualizaciones=self.actualizaciones + 1,
                       ultima_fecha=max(fecha, self.ultima_fecha) if self.ultima_fecha else fecha)

    @property
    def etiqueta_fase(self) -> str:
        return self.fase.etiqueta if self.fase else SIN_FASE

    @property
    def color(self) -> str:
        return self.fase.color if self.fase else COLOR_SIN_FASE


@dataclass(frozen=True)
class Hito:
    id: int
    nombre: str
    fecha_prevista: dt.date
    fecha_real: dt.date | None = None


def revisar_cambios(antes: Situacion, cambios: Cambios, *, fecha: dt.date, nota: str, hoy: dt.date,
                    con_evidencia: bool = False) -> list[Problema]:
    """Todo lo que está mal, junto (nombra el campo y dice lo recibido y lo esperado)."""
    problemas = []
    if cambios.cui is not None and not re.fullmatch(r"\d{7}", cambios.cui):
        digitos = len(re.sub(r"\D", "", cambios.cui))
        problemas.append(Problema("cui", f"El CUI «{cambios.cui}» tiene {digitos} dígitos; el Código Único de "
                                         "Inversiones tiene 7 (p. ej. 2512345)."))
    despues = antes.aplicar(cambios, fecha)
    if cambios.fase == Fase.NO_SE_EJECUTARA or (despues.fase == Fase.NO_SE_EJECUTARA and cambios.motivo_fase):
        motivo = (despues.motivo_fase or "").strip()
        if not LARGO_MOTIVO[0] <= len(motivo) <= LARGO_MOTIVO[1]:
            problemas.append(Problema("motivo_fase", "«No se ejecutará» necesita el motivo (de "
                                                     f"{LARGO_MOTIVO[0]} a {LARGO_MOTIVO[1]} caracteres)."))
    if cambios.anio_pia is not None and cambios.anio_pia not in ANIOS_PIA:
        problemas.append(Problema("anio_pia", f"El año del PIA {cambios.anio_pia} no es válido (de "
                                              f"{ANIOS_PIA.start} a {ANIOS_PIA.stop - 1})."))
    for campo in ("pia_centimos", "pim_centimos", "devengado_centimos"):
        valor = getattr(cambios, campo)
        if valor is not None and valor < 0:
            problemas.append(Problema(campo, f"El {ETIQUETAS[campo]} no puede ser negativo."))
    for campo in ("avance_fisico", "avance_financiero"):
        valor = getattr(cambios, campo)
        if valor is not None and not 0 <= valor <= 100:
            problemas.append(Problema(campo, f"El {ETIQUETAS[campo].lower()} es {valor:g} %; debe estar entre 0 y "
                                             "100 %."))
    if despues.devengado_centimos is not None and despues.pim_centimos is not None \
            and despues.devengado_centimos > despues.pim_centimos:
        problemas.append(Problema("devengado_centimos", f"El devengado ({formatear_soles(despues.devengado_centimos)}) "
                                                        f"supera el PIM ({formatear_soles(despues.pim_centimos)})."))
    if fecha > hoy:
        problemas.append(Problema("fecha", f"La fecha {formatear_fecha(fecha)} es futura; el dato es de hoy o de "
                                           "antes."))
    if fecha.year < 2000:
        problemas.append(Problema("fecha", f"La fecha {formatear_fecha(fecha)} es anterior al año 2000."))
    if len(nota) > LARGO_NOTA:
        problemas.append(Problema("nota", f"La nota tiene {len(nota):,} caracteres; el máximo es {LARGO_NOTA:,}."))
    if not cambios.presentes() and not nota.strip() and not con_evidencia:
        problemas.append(Problema("nota", "La actualización no cambia ningún dato: escriba al menos una nota."))
    return problemas


def leer_porcentaje(valor) -> float | None:
    """«80», «80 %», «80,5 %» → 80.0 / 80.5. «0.8» es ambiguo (¿80 % o 0.8 %?) y se rechaza con el motivo; una
    celda de Excel con formato de porcentaje llega como 0.8: se pide escribir el número con «%»."""
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, bool):
        raise ValueError(f"«{valor}» no es un porcentaje.")
    con_signo = isinstance(valor, str) and "%" in valor
    if isinstance(valor, (int, float)):
        numero = float(valor)
    else:
        texto = valor.strip().replace("%", "").replace(" ", "")
        if texto.count(",") == 1 and "." not in texto:
            texto = texto.replace(",", ".")
        try:
            numero = float(texto)
        except ValueError:
            raise ValueError(f"«{valor}» no es un porcentaje; escriba un número de 0 a 100, p. ej. 45 o 45 %.") \
                from None
    if not con_signo and 0 < numero < 1:
        raise ValueError(f"«{valor}» es ambiguo: ¿{numero * 100:g} % o {numero:g} %? Escriba el porcentaje de 0 a "
                         f"100 (p. ej. {numero * 100:g}) o con el signo ({numero:g} %).")
    if not 0 <= numero <= 100:
        raise ValueError(f"«{valor}» está fuera de 0 a 100 %.")
    return numero


def leer_cui(valor) -> str | None:
    """El CUI como texto de 7 dígitos (Excel lo da como número; se aceptan espacios). La revisión dice si no son 7."""
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    return re.sub(r"\s", "", str(valor))


def leer_fase(valor) -> Fase | None:
    """Por su etiqueta («Expediente técnico», sin importar tildes ni mayúsculas) o su identificador."""
    if valor is None or not str(valor).strip():
        return None
    buscada = _normal(str(valor))
    for fase in Fase:
        if buscada in (_normal(fase.etiqueta), _normal(fase.value)):
            return fase
    if buscada in ("formulacion", "evaluacion"):
        return Fase.FORMULACION
    raise ValueError(f"«{valor}» no es una fase de inversión; use una de: "
                     f"{', '.join(f.etiqueta for f in Fase)}.")


def _normal(texto: str) -> str:
    texto = unicodedata.normalize("NFKD", texto.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", "".join(c for c in texto if not unicodedata.combining(c))).split())


@dataclass
class Alertas:
    sin_noticias_dias: int | None = None
    hitos_vencidos: list[Hito] = field(default_factory=list)

    def textos(self) -> list[str]:
        return [str(m) for m in self.mensajes()]

    def mensajes(self) -> list[Mensaje]:
        """Cada alerta como `Mensaje` (la página pública las muestra en el idioma elegido)."""
        salida = []
        if self.sin_noticias_dias is not None:
            salida.append(Mensaje.con("Sin actualización hace {dias} días", dias=self.sin_noticias_dias))
        salida += [Mensaje.con("Hito vencido: «{hito}» (previsto para el {fecha})", hito=h.nombre,
                               fecha=formatear_fecha(h.fecha_prevista)) for h in self.hitos_vencidos]
        return salida

    def __bool__(self) -> bool:
        return self.sin_noticias_dias is not None or bool(self.hitos_vencidos)


def alertas(situacion: Situacion, hitos: list[Hito], *, desde: dt.date | None, hoy: dt.date) -> Alertas:
    """Más de 90 días sin actualización (contados desde la última, o desde el acta si no hay ninguna) mientras el
    proyecto no está en funcionamiento ni descartado, y los hitos cuya fecha prevista pasó sin fecha real."""
    salida = Alertas()
    ultima = situacion.ultima_fecha or desde
    if situacion.fase not in CERRADAS and ultima is not None and (hoy - ultima).days > DIAS_SIN_NOTICIAS:
        salida.sin_noticias_dias = (hoy - ultima).days
    if situacion.fase != Fase.NO_SE_EJECUTARA:
        salida.hitos_vencidos = [h for h in hitos if h.fecha_real is None and h.fecha_prevista < hoy]
    return salida
