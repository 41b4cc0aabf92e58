"""Votaciones y papeletas: tipos, validación estricta y el formato de las papeletas de papel (puro, sin E/S).

Una papeleta se arma libremente (la página guarda lo que la persona va marcando) y se valida de una
vez al emitirla: `validar_papeleta` devuelve la versión limpia o levanta `PapeletaInvalida` con
todos los problemas, sin perder lo marcado.
"""
from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from nucleo.errores import DatosInvalidos, ErrorPlataforma, Mensaje, Problema
from nucleo.formato import formatear_soles, limpiar_linea


class TipoPapeleta(enum.Enum):
    APROBACION = "aprobacion"
    PUNTOS = "puntos"
    RANKING = "ranking"
    PRESUPUESTO = "presupuesto"

    @property
    def etiqueta(self) -> str:
        return {"aprobacion": "Aprobación (elegir hasta k)", "puntos": "Puntos (repartir semillas)",
                "ranking": "Ranking (ordenar las k preferidas)",
                "presupuesto": "Presupuesto (elegir lo que cabe en el techo)"}[self.value]

    @property
    def etiqueta_puntaje(self) -> str | None:
        """Cómo se llama la columna del puntaje en los resultados (None: solo cuentan los votos)."""
        return {"puntos": "Semillas", "ranking": "Puntos (posición)"}.get(self.value)

    @property
    def tipo_pabulib(self) -> str:
        return {"aprobacion": "approval", "puntos": "cumulative", "ranking": "ordinal",
                "presupuesto": "approval"}[self.value]


class EstadoVotacion(enum.Enum):
    PREPARADA = "preparada"
    ABIERTA = "abierta"
    PAUSADA = "pausada"
    CONTEO = "conteo"      # celulares cerrados: solo se digitan las papeletas de papel
    CERRADA = "cerrada"    # cierre definitivo: el resultado no cambia salvo que se reabra con motivo

    @property
    def etiqueta(self) -> str:
        return {"preparada": "En preparación", "abierta": "Abierta", "pausada": "En pausa",
                "conteo": "Conteo de papel", "cerrada": "Cerrada"}[self.value]

    @property
    def acepta_celular(self) -> bool:
        return self == EstadoVotacion.ABIERTA

    @property
    def acepta_papel(self) -> bool:
        """El papel se digita mientras la votación está abierta, en pausa o en conteo; nunca tras el cierre."""
        return self in (EstadoVotacion.ABIERTA, EstadoVotacion.PAUSADA, EstadoVotacion.CONTEO)

    @property
    def en_curso(self) -> bool:
        """Ni en preparación ni cerrada: lo que pase ahora (papeletas, retiros) cambia el resultado."""
        return self in (EstadoVotacion.ABIERTA, EstadoVotacion.PAUSADA, EstadoVotacion.CONTEO)


# El ciclo de una votación. Desde «cerrada» solo se sale reabriendo, con motivo (queda en el acta).
_CONTAR_PAPEL = "Cerrar los celulares y contar el papel"
_CERRAR = "Cerrar la votación (definitivo)"
# El ciclo de una votación, la única tabla: desde → {hacia: lo que dice su botón}. Desde «cerrada» es reabrir
# (con motivo, que va al acta): el texto dice para qué.
TRANSICIONES: dict[EstadoVotacion, dict[EstadoVotacion, str]] = {
    EstadoVotacion.PREPARADA: {EstadoVotacion.ABIERTA: "Abrir la votación"},
    EstadoVotacion.ABIERTA: {EstadoVotacion.PAUSADA: "Pausar", EstadoVotacion.CONTEO: _CONTAR_PAPEL,
                             EstadoVotacion.CERRADA: _CERRAR},
    EstadoVotacion.PAUSADA: {EstadoVotacion.ABIERTA: "Reanudar", EstadoVotacion.CONTEO: _CONTAR_PAPEL,
                             EstadoVotacion.CERRADA: _CERRAR},
    EstadoVotacion.CONTEO: {EstadoVotacion.ABIERTA: "Volver a abrir los celulares", EstadoVotacion.CERRADA: _CERRAR},
    EstadoVotacion.CERRADA: {
        EstadoVotacion.CONTEO: "Para contar papeletas de papel que faltaron (los celulares siguen cerrados)",
        EstadoVotacion.ABIERTA: "Para volver a recibir votos por celular"},
}


def es_reapertura(desde: EstadoVotacion, hacia: EstadoVotacion) -> bool:
    return desde == EstadoVotacion.CERRADA and hacia != EstadoVotacion.CERRADA


class Canal(enum.Enum):
    CELULAR = "celular"
    PAPEL = "papel"


REGLAS = {
    "prioridad-combinada": "Prioridad combinada (participación + puntaje técnico, ponderados)",
    "greedy": "Más votados primero (greedy): se financia lo que cabe",
    "greedy-no-skip": "Más votados primero, parando en el primero que no cabe",
    "equalshares/add1": "Partes Iguales (MES) con completado add1",
    "equalshares/add1-comparison": "MES add1, salvo que más votantes prefieran el greedy",
    "mes+greedy": "Partes Iguales (MES) y el sobrante por greedy",
    "schulze": "Schulze (caminos más fuertes entre duelos), financiando en ese orden",
    "borda": "Borda (puntos por posición; lo no nombrado, debajo), financiando en ese orden",
    "copeland": "Copeland (duelos ganados), financiando en ese orden",
    "irv": "Segunda vuelta instantánea (IRV), financiando en ese orden",
}
REGLAS_ORDEN = ("schulze", "borda", "copeland", "irv")
REGLAS_MES = ("equalshares/add1", "equalshares/add1-comparison", "mes+greedy")
REGLAS_POR_TIPO = {
    TipoPapeleta.APROBACION: tuple(r for r in REGLAS if r not in REGLAS_ORDEN),
    TipoPapeleta.PRESUPUESTO: tuple(r for r in REGLAS if r not in REGLAS_ORDEN),
    TipoPapeleta.PUNTOS: ("prioridad-combinada", "greedy", "greedy-no-skip"),
    TipoPapeleta.RANKING: ("prioridad-combinada", "greedy", "greedy-no-skip", *REGLAS_ORDEN),
}
QUIEN_VOTA = {"registrados": "Agentes participantes registrados del proceso (con código de acceso)",
              "asistentes": "Solo quienes figuran en la asistencia del taller"}
MODALIDADES = {"taller": "Taller presencial", "en_linea": "En línea (ventana de días)"}


class VotacionInvalida(DatosInvalidos):
    """La configuración de la votación tiene problemas (cada uno con su campo)."""


class PapeletaInvalida(DatosInvalidos):
    """La papeleta no se puede emitir así; la persona la corrige y vuelve a intentar."""


class VotacionCerrada(ErrorPlataforma):
    """No se puede votar ahora (en preparación, en pausa, cerrada o fuera de horario); dice por qué."""


@dataclass(frozen=True)
class Votacion:
    id: int | None
    proceso_id: int
    nombre: str
    tipo: TipoPapeleta
    techo_centimos: int
    regla: str = "prioridad-combinada"
    max_opciones: int = 5          # aprobación y ranking: cuántas como máximo
    puntos_total: int = 10         # puntos: semillas por persona
    puntos_maximo: int = 10        # puntos: máximo por propuesta
    peso_participacion: int = 60   # % del puntaje combinado que viene de la votación
    peso_tecnico: int = 40         # % que viene de la evaluación técnica
    modalidad: str = "taller"
    lugar: str = ""
    quien_vota: str = "registrados"
    abre_en: str | None = None     # ISO con zona; None = al abrirla a mano
    cierra_en: str | None = None
    estado: EstadoVotacion = EstadoVotacion.PREPARADA
    resultados_visibles: bool = False
    cerrada_en: str | None = None
    cuenta_hasta: str | None = None  # fin de la cuenta regresiva que muestra el proyector (ISO con zona)

    @property
    def es_taller(self) -> bool:
        return self.modalidad == "taller"

    def instrucciones(self) -> str:
        """Lo que la persona debe hacer, en una línea y en castellano sencillo."""
        return str(self.mensaje_instrucciones())

    def mensaje_instrucciones(self) -> Mensaje:
        """Las instrucciones como `Mensaje` (la papeleta las muestra en el idioma de la página)."""
        if self.tipo == TipoPapeleta.APROBACION:
            return Mensaje.con("Elija hasta {n} propuestas.", n=self.max_opciones)
        if self.tipo == TipoPapeleta.PUNTOS:
            return Mensaje.con("Reparta hasta {total} semillas entre las propuestas; como máximo {maximo} a cada una.",
                               total=self.puntos_total, maximo=self.puntos_maximo)
        if self.tipo == TipoPapeleta.RANKING:
            return Mensaje.con("Ordene sus {n} propuestas preferidas: la primera es la que más quiere.",
                               n=self.max_opciones)
        return Mensaje.con("Elija las propuestas que financiaría sin pasarse del techo de {techo}.",
                           techo=formatear_soles(self.techo_centimos))


def validar_votacion(votacion: Votacion) -> Votacion:
    problemas = []
    nombre = limpiar_linea(votacion.nombre)
    if not 5 <= len(nombre) <= 120:
        problemas.append(Problema("nombre", "El nombre debe tener entre 5 y 120 caracteres."))
    if votacion.regla not in REGLAS_POR_TIPO[votacion.tipo]:
        problemas.append(Problema("regla", f"Con papeletas de tipo «{votacion.tipo.etiqueta}» la regla puede ser: "
                                           + ", ".join(REGLAS_POR_TIPO[votacion.tipo]) + "."))
    if votacion.techo_centimos <= 0:
        problemas.append(Problema("techo", "El techo presupuestal debe ser mayor que cero."))
    if votacion.tipo in (TipoPapeleta.APROBACION, TipoPapeleta.RANKING) and not 1 <= votacion.max_opciones <= 50:
        problemas.append(Problema("max_opciones", "Cuántas se pueden elegir: entre 1 y 50."))
    if votacion.tipo == TipoPapeleta.PUNTOS:
        if not 1 <= votacion.puntos_total <= 1000:
            problemas.append(Problema("puntos_total", "Las semillas por persona van de 1 a 1000."))
        if not 1 <= votacion.puntos_maximo <= votacion.puntos_total:
            problemas.append(Problema("puntos_maximo", "El máximo por propuesta va de 1 al total de semillas."))
    if not (0 <= votacion.peso_participacion <= 100 and 0 <= votacion.peso_tecnico <= 100
            and votacion.peso_participacion + votacion.peso_tecnico == 100):
        problemas.append(Problema("pesos", "Los pesos de participación y técnico van de 0 a 100 y suman 100."))
    elif votacion.peso_participacion == 0:
        problemas.append(Problema("pesos", "El peso de la participación no puede ser 0: sería una votación sin votos."))
    if votacion.quien_vota not in QUIEN_VOTA:
        problemas.append(Problema("quien_vota", "Quién vota: registrados o asistentes del taller."))
    if votacion.modalidad not in MODALIDADES:
        problemas.append(Problema("modalidad", "La modalidad es taller presencial o en línea."))
    if votacion.abre_en and votacion.cierra_en and votacion.cierra_en <= votacion.abre_en:
        problemas.append(Problema("cierra_en", "El cierre debe ser después de la apertura."))
    if problemas:
        raise VotacionInvalida(problemas)
    return Votacion(**{**votacion.__dict__, "nombre": nombre, "lugar": limpiar_linea(votacion.lugar)})


@dataclass(frozen=True)
class Elegible:
    """Una propuesta en la papeleta, con el costo y el puntaje técnico congelados al abrir."""

    codigo: str
    titulo: str
    distrito: str | None
    ubigeo: str | None
    costo_centimos: int
    puntaje_tecnico: float | None
    orden: int = 0


@dataclass(frozen=True)
class Papeleta:
    """Lo que la persona marcó: códigos (en orden de preferencia si es ranking) y, si es de puntos, sus puntos."""

    elegidas: tuple[str, ...]
    puntos: tuple[int, ...] | None = None

    def contenido(self) -> dict:
        return {"elegidas": list(self.elegidas), **({"puntos": list(self.puntos)} if self.puntos is not None else {})}

    @staticmethod
    def de_contenido(contenido: dict) -> "Papeleta":
        puntos = contenido.get("puntos")
        return Papeleta(tuple(contenido["elegidas"]), tuple(puntos) if puntos is not None else None)


def validar_papeleta(votacion: Votacion, elegibles: dict[str, Elegible], papeleta: Papeleta) -> Papeleta:
    """Valida estrictamente; devuelve la papeleta limpia (sin propuestas con 0 puntos)."""
    problemas: list[Problema] = []
    elegidas = list(papeleta.elegidas)
    puntos = list(papeleta.puntos) if papeleta.puntos is not None else None
    desconocidas = [c for c in elegidas if c not in elegibles]
    if desconocidas:
        problemas.append(Problema.de("elegidas", "{codigos} no está en esta votación.", codigos=", ".join(desconocidas)))
    repetidas = sorted({c for c in elegidas if elegidas.count(c) > 1})
    if repetidas:
        problemas.append(Problema.de("elegidas", "{codigos} aparece más de una vez.", codigos=", ".join(repetidas)))
    if votacion.tipo == TipoPapeleta.PUNTOS:
        if puntos is None or len(puntos) != len(elegidas):
            raise PapeletaInvalida([Problema.de("puntos", "Cada propuesta elegida necesita sus puntos.")])
        if any(not isinstance(p, int) or isinstance(p, bool) or p < 0 for p in puntos):
            problemas.append(Problema.de("puntos", "Los puntos son números enteros, 0 o más."))
        else:
            pares = [(c, p) for c, p in zip(elegidas, puntos) if p > 0]
            elegidas, puntos = [c for c, _ in pares], [p for _, p in pares]
            excedidas = [c for c, p in pares if p > votacion.puntos_maximo]
            if excedidas:
                problemas.append(Problema.de("puntos", "A {codigos} le dio más de {maximo} semillas, el máximo por "
                                                       "propuesta.", codigos=", ".join(excedidas),
                                             maximo=votacion.puntos_maximo))
            if sum(puntos) > votacion.puntos_total:
                problemas.append(Problema.de("puntos", "Repartió {usadas} semillas; tiene {total}. Quite {quitar}.",
                                             usadas=sum(puntos), total=votacion.puntos_total,
                                             quitar=sum(puntos) - votacion.puntos_total))
    elif votacion.tipo in (TipoPapeleta.APROBACION, TipoPapeleta.RANKING) and len(elegidas) > votacion.max_opciones:
        problemas.append(Problema.de("elegidas", "Eligió {n} propuestas; el máximo es {maximo}. Quite {quitar}.",
                                     n=len(elegidas), maximo=votacion.max_opciones,
                                     quitar=len(elegidas) - votacion.max_opciones))
    elif votacion.tipo == TipoPapeleta.PRESUPUESTO and not desconocidas:
        total = sum(elegibles[c].costo_centimos for c in set(elegidas))
        if total > votacion.techo_centimos:
            problemas.append(Problema.de("elegidas", "Lo elegido suma {suma} y el techo es {techo}: se pasa por "
                                                     "{exceso}.", suma=formatear_soles(total),
                                         techo=formatear_soles(votacion.techo_centimos),
                                         exceso=formatear_soles(total - votacion.techo_centimos)))
    if not elegidas and not problemas:
        problemas.append(Problema.de("elegidas", "La papeleta está vacía: elija al menos una propuesta."))
    if problemas:
        raise PapeletaInvalida(problemas)
    return Papeleta(tuple(elegidas), tuple(puntos) if puntos is not None else None)


# --- papeletas de papel -----------------------------------------------------------------------

FORMATO_PAPEL = """Una línea por papeleta de papel; los códigos de las propuestas separados por comas.
Basta el número final del código (7 = PP27-0007). Las líneas en blanco y las que empiezan con # no cuentan.
- Aprobación y presupuesto:  PP27-0001, PP27-0004, 7
- Ranking (en orden de preferencia, la primera es la preferida):  4, 1, 7
- Puntos (código=puntos):  1=5, 4=3, 7=2
Opcional, al inicio, el número impreso en la papeleta y dos puntos (evita digitar dos veces la misma):
  N.º 0153: 1, 4, 7"""

_SERIE = re.compile(r"^\s*(?:n\.?\s*[º°o]?\s*)?(\d{1,9})\s*:\s*(.*)$", re.IGNORECASE)


@dataclass
class LineaPapel:
    numero: int                     # línea del texto (desde 1)
    serie: str | None               # número impreso en la papeleta, si se digitó
    papeleta: Papeleta | None = None
    problemas: list[str] = field(default_factory=list)
    avisos: list[str] = field(default_factory=list)    # no impiden guardarla (p. ej. una marca que ya no cuenta)


def leer_papeletas_de_papel(texto: str, votacion: Votacion, elegibles: dict[str, Elegible]) -> list[LineaPapel]:
    """Cada línea con su papeleta validada o sus problemas (la página los muestra todos antes de guardar)."""
    por_numero: dict[int, list[str]] = {}
    for codigo in elegibles:
        sufijo = codigo.rsplit("-", 1)[-1]
        if sufijo.isdigit():
            por_numero.setdefault(int(sufijo), []).append(codigo)
    lineas: list[LineaPapel] = []
    series: dict[str, int] = {}
    for numero, cruda in enumerate(texto.splitlines(), start=1):
        cruda = cruda.strip().lstrip("\ufeff")
        if not cruda or cruda.startswith("#"):
            continue
        coincide = _SERIE.match(cruda)
        serie, cuerpo = (coincide.group(1).lstrip("0") or "0", coincide.group(2)) if coincide else (None, cruda)
        linea = LineaPapel(numero, serie)
        lineas.append(linea)
        if serie is not None:
            if serie in series:
                linea.problemas.append(f"la papeleta N.º {serie} ya está en la línea {series[serie]}.")
            series.setdefault(serie, numero)
        elegidas, puntos = [], []
        for parte in (p.strip() for p in re.split(r"[,;]", cuerpo)):
            if not parte:
                continue
            codigo, _, valor = parte.partition("=")
            codigo = _resolver_codigo(codigo.strip().upper(), elegibles, por_numero)
            if codigo is None:
                linea.problemas.append(f"«{parte.partition('=')[0].strip()}» no es una propuesta de esta votación.")
                continue
            if votacion.tipo == TipoPapeleta.PUNTOS:
                if not valor.strip().isdigit():
                    linea.problemas.append(f"a {codigo} le falta «=puntos» (por ejemplo {codigo}=3).")
                    continue
                puntos.append(int(valor))
            elif valor.strip():
                linea.problemas.append(f"«{parte}»: los puntos (=) solo van en votaciones por puntos.")
                continue
            elegidas.append(codigo)
        if linea.problemas:
            continue
        try:
            linea.papeleta = validar_papeleta(
                votacion, elegibles, Papeleta(tuple(elegidas), tuple(puntos) if votacion.tipo == TipoPapeleta.PUNTOS
                                              else None))
        except PapeletaInvalida as error:
            linea.problemas.extend(p.mensaje for p in error.problemas)
    return lineas


def _resolver_codigo(texto: str, elegibles: dict[str, Elegible], por_numero: dict[int, list[str]]) -> str | None:
    if texto in elegibles:
        return texto
    if texto.isdigit() and len(por_numero.get(int(texto), [])) == 1:
        return por_numero[int(texto)][0]
    return None


def recibo_de(huella: str) -> str:
    """Código de recibo para la persona: los 12 primeros hexadecimales de la huella, en 3 grupos."""
    corto = huella[:12].upper()
    return f"{corto[:4]}-{corto[4:8]}-{corto[8:]}"


def momento_iso(momento: dt.datetime) -> str:
    return momento.isoformat(timespec="milliseconds")
