"""Reglas de orden sobre papeletas ordenadas, con numpy: Schulze, Borda, Copeland y segunda vuelta
instantánea (IRV); y cómo convertir el orden en proyectos financiados con un presupuesto.

Papeletas: cada una es una tupla de grupos de mejor a peor; las alternativas de un mismo grupo
empatan. Una papeleta puede nombrar solo algunas alternativas: las que no nombra quedan todas
empatadas debajo de las nombradas («preferencia estricta extendida»). Cada papeleta distinta lleva
su cantidad de votantes (los archivos PrefLib ya vienen así).

Convenciones (las mismas que `pref_voting` con `ProfileWithTies`, nuestro oráculo en las pruebas):

* Comparación por pares: `apoyos[a, b]` = votantes que ponen a `a` estrictamente encima de `b`
  (una nombrada está encima de toda no nombrada); `margenes = apoyos - apoyos.T`.
* Borda: cada papeleta da a cada alternativa 1 punto por cada alternativa que deja debajo y ½ por
  cada una con la que empata (los empatados se reparten por igual los puntos de sus puestos; las no
  nombradas se reparten los puestos de abajo). Con papeletas completas y sin empates es el Borda de
  siempre (1.º = m−1 puntos … último = 0). Es la Borda simétrica de `pref_voting`
  (`symmetric_borda_scores`, abajo − encima) pasada a puntos: `(simétrica + votantes·(m−1)) / 2`.
* Copeland: 1 punto por cada duelo ganado (margen > 0), ½ por cada empate, 0 por cada derrota.
* Schulze: caminos más fuertes sobre los márgenes positivos (la fuerza de un camino es su margen
  más débil); `a` va antes que `b` si su camino más fuerte hacia `b` es más fuerte que el de `b`
  hacia `a`. Esa relación es transitiva: en cada puesto va una alternativa que ninguna de las que
  quedan vence.
* IRV: en cada ronda, cada papeleta vota por su grupo de arriba entre las alternativas que siguen
  en carrera, repartido en partes iguales si el grupo tiene varias (½ y ½, ⅓…); una papeleta sin
  alternativas en carrera ya no cuenta. Se eliminan juntas todas las que tienen el menor puntaje
  (sin desempatar: el orden del archivo nunca decide quién sale). Termina cuando queda una, o cuando
  todas las que quedan empatan: esas son las ganadoras. El orden es el de eliminación al revés.
  Los puntajes se comparan con la tolerancia relativa de `reglas.TOLERANCIA`.

Empates: nunca en silencio. `ganadores` es el conjunto de ganadoras antes de desempatar; `orden` es
estricto, y cada vez que el orden del archivo decidió entre alternativas empatadas queda un
`reglas.Empate` con el criterio. Desempate: la que aparece antes en el archivo.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

import numpy as np

from nucleo.errores import ErrorPlataforma
from votacion.pabulib import Eleccion
from votacion.preflib import EleccionOrdinal
from votacion.reglas import REGLAS_PB, TOLERANCIA, Empate, ReglaDesconocida, Resultado

ELEMENTOS_POR_BLOQUE = 4_000_000  # comparaciones por bloque al contar pares (≈ 4 MB de booleanos)


class PerfilInvalido(ErrorPlataforma, ValueError):
    pass


class ReglaNoAplicable(ErrorPlataforma, ValueError):
    """La regla existe pero no sirve para estos datos (p. ej. Schulze con votos de aprobación)."""


@dataclass
class PerfilOrdinal:
    """Papeletas distintas en arreglos: `niveles[i, a]` es el grupo (0 = arriba) donde la papeleta `i`
    pone a la alternativa `a`, o `m` si no la nombra; `cantidades[i]` cuántos votantes la dieron."""

    alternativas: list[str]
    niveles: np.ndarray     # (u, m) entero
    cantidades: np.ndarray  # (u,) int64
    grupo_mayor: int = 1    # el grupo de empate más grande de cualquier papeleta

    @property
    def votantes(self) -> int:
        return int(self.cantidades.sum())

    @cached_property
    def apoyos(self) -> np.ndarray:
        """(m, m) int64: votantes que ponen a `a` estrictamente encima de `b`.

        Papeletas cortas (nombran a lo más un tercio de las alternativas): «nombrada encima de no
        nombrada» con un producto de matrices, y los pares entre nombradas uno por uno. Papeletas
        largas: se comparan todos los niveles por bloques."""
        m = len(self.alternativas)
        nombradas = self.niveles < m
        largos = nombradas.sum(axis=1)
        cortas = largos <= max(m // 3, 1)
        return _apoyos_cortas(self.niveles[cortas], nombradas[cortas], largos[cortas], self.cantidades[cortas]) + \
            _apoyos_largas(self.niveles[~cortas], self.cantidades[~cortas])

    @cached_property
    def margenes(self) -> np.ndarray:
        return self.apoyos - self.apoyos.T


@dataclass
class Ordenamiento:
    """Lo que devuelve una regla de orden: el orden estricto, las ganadoras antes de desempatar y cada
    desempate que decidió el orden del archivo."""

    regla: str
    orden: list[str]             # todas las alternativas, la ganadora primero
    puntajes: dict[str, float]   # el de cada regla (ver su docstring)
    empates: list[Empate]
    ganadores: list[str]         # antes de desempatar, en el orden del archivo
    detalle: dict = field(default_factory=dict)


def crear_perfil(alternativas: list[str], papeletas: list, cantidades: list[int] | None = None) -> PerfilOrdinal:
    """Arma el perfil. `papeletas[i]` es una tupla de grupos (tuplas de ids) de mejor a peor. Las
    papeletas iguales se juntan sumando sus cantidades. Sin papeletas, todas las alternativas empatan."""
    if not alternativas:
        raise PerfilInvalido("No hay alternativas que ordenar.")
    indice = {a: j for j, a in enumerate(alternativas)}
    if len(indice) != len(alternativas):
        raise PerfilInvalido("Hay alternativas repetidas en la lista de alternativas.")
    cantidades = [1] * len(papeletas) if cantidades is None else list(cantidades)
    if len(cantidades) != len(papeletas):
        raise PerfilInvalido(f"Hay {len(papeletas)} papeletas y {len(cantidades)} cantidades.")
    for i, cantidad in enumerate(cantidades):
        if isinstance(cantidad, bool) or not isinstance(cantidad, (int, np.integer)) or cantidad <= 0:
            raise PerfilInvalido(f"La papeleta {i + 1} tiene cantidad {cantidad!r}; debe ser un entero positivo.")
    m = len(alternativas)
    grupos_juntos = list(chain.from_iterable(papeletas))
    tamanos = np.fromiter(map(len, grupos_juntos), dtype=np.int64, count=len(grupos_juntos))
    if len(tamanos) and tamanos.min() == 0:
        raise PerfilInvalido(f"La papeleta {_papeleta_con(papeletas, lambda p: any(not g for g in p))} tiene un "
                             "grupo vacío.")
    try:
        columnas = np.fromiter(map(indice.__getitem__, chain.from_iterable(grupos_juntos)), dtype=np.int64,
                               count=int(tamanos.sum()))
    except KeyError as error:
        desconocida = error.args[0]
        i = _papeleta_con(papeletas, lambda p: any(a == desconocida for g in p for a in g))
        raise PerfilInvalido(f"La papeleta {i} nombra {desconocida!r}, que no es una alternativa.") from None
    grupos = np.fromiter(map(len, papeletas), dtype=np.int64, count=len(papeletas))
    primer_grupo = np.cumsum(grupos) - grupos
    nivel_de_grupo = np.arange(len(tamanos)) - np.repeat(primer_grupo, grupos)
    papeleta_de_grupo = np.repeat(np.arange(len(papeletas)), grupos)
    filas = np.repeat(papeleta_de_grupo, tamanos)
    niveles = np.full((len(papeletas), m), m, dtype=np.int16 if m < 2**15 else np.int32)
    niveles[filas, columnas] = np.repeat(nivel_de_grupo, tamanos)
    nombradas = np.bincount(papeleta_de_grupo, weights=tamanos, minlength=len(papeletas))
    repetidas = np.flatnonzero((niveles < m).sum(axis=1) != nombradas)  # una alternativa pisó a otra igual
    if len(repetidas):
        papeleta = [a for g in papeletas[repetidas[0]] for a in g]
        repetida = next(a for a in papeleta if papeleta.count(a) > 1)
        raise PerfilInvalido(f"La papeleta {repetidas[0] + 1} nombra {repetida!r} dos veces.")
    distintas: dict[bytes, int] = {}
    cual = np.fromiter((distintas.setdefault(fila.tobytes(), len(distintas)) for fila in niveles), dtype=np.int64,
                       count=len(niveles))
    primeras = np.unique(cual, return_index=True)[1]  # la primera papeleta de cada clase
    pesos = np.zeros(len(distintas), dtype=np.int64)
    np.add.at(pesos, cual, np.asarray(cantidades, dtype=np.int64))
    return PerfilOrdinal(list(alternativas), niveles[primeras], pesos, int(tamanos.max(initial=1)))


def _papeleta_con(papeletas: list, condicion) -> int:
    """Número (desde 1) de la primera papeleta que cumple `condicion`, para los mensajes de error."""
    return next(i for i, papeleta in enumerate(papeletas, start=1) if condicion(papeleta))


def perfil_de_pabulib(eleccion: Eleccion) -> PerfilOrdinal:
    """Papeletas ordinales de un .pb (cada una, proyectos de mejor a peor, sin empates)."""
    if eleccion.tipo != "ordinal":
        raise PerfilInvalido(f"Las papeletas son de tipo {eleccion.tipo}; ordenar necesita vote_type ordinal.")
    papeletas = [tuple((proyecto,) for proyecto in papeleta) for papeleta in eleccion.papeletas]
    return crear_perfil([p.id for p in eleccion.proyectos], papeletas)


def perfil_de_preflib(datos: EleccionOrdinal) -> PerfilOrdinal:
    """Perfil de un `preflib.EleccionOrdinal`."""
    return crear_perfil(list(datos.alternativas), datos.ordenes, datos.cantidades)


# --- pares ----------------------------------------------------------------------------------

def _apoyos_cortas(niveles: np.ndarray, nombradas: np.ndarray, largos: np.ndarray,
                   cantidades: np.ndarray) -> np.ndarray:
    m = niveles.shape[1]
    pesadas = nombradas.T * cantidades.astype(np.float64)
    ambas = pesadas @ nombradas  # votantes que nombran a las dos (exacto en float64 hasta 2**53)
    apoyos = np.rint(pesadas.sum(axis=1)[:, None] - ambas).astype(np.int64)  # `a` nombrada, `b` no
    _, columnas = np.nonzero(nombradas)
    inicio = np.cumsum(largos) - largos
    for largo in np.unique(largos[largos > 1]):  # entre nombradas, por papeletas del mismo largo
        todas, paso = np.flatnonzero(largos == largo), max(1, ELEMENTOS_POR_BLOQUE // int(largo) ** 2)
        for desde in range(0, len(todas), paso):
            cuales = todas[desde:desde + paso]
            alternativas = columnas[inicio[cuales, None] + np.arange(largo)]
            niveles_de = np.take_along_axis(niveles[cuales], alternativas, axis=1)
            encima = niveles_de[:, :, None] < niveles_de[:, None, :]
            pares = (alternativas[:, :, None] * m + alternativas[:, None, :])[encima]
            pesos = np.broadcast_to(cantidades[cuales, None, None], encima.shape)[encima].astype(np.float64)
            apoyos += np.rint(np.bincount(pares, weights=pesos, minlength=m * m)).astype(np.int64).reshape(m, m)
    return apoyos


def _apoyos_largas(niveles: np.ndarray, cantidades: np.ndarray) -> np.ndarray:
    u, m = niveles.shape
    apoyos = np.zeros((m, m), dtype=np.int64)
    bloque = int(min(max(1, ELEMENTOS_POR_BLOQUE // (m * m)), 2**16 - 1))  # uint16 no desborda en un bloque
    por_cantidad = np.argsort(cantidades, kind="stable")
    valores, inicios = np.unique(cantidades[por_cantidad], return_index=True)
    for valor, desde, hasta in zip(valores, inicios, [*inicios[1:], u]):  # papeletas con la misma cantidad
        filas = niveles[por_cantidad[desde:hasta]]
        for parte in range(0, len(filas), bloque):
            bloque_de_filas = filas[parte:parte + bloque]
            encima = bloque_de_filas[:, :, None] < bloque_de_filas[:, None, :]
            apoyos += int(valor) * encima.sum(axis=0, dtype=np.uint16).astype(np.int64)
    return apoyos


# --- reglas ---------------------------------------------------------------------------------

def borda(perfil: PerfilOrdinal) -> Ordenamiento:
    """Puntos de Borda con empates repartidos (ver el docstring del módulo); de mayor a menor."""
    m = len(perfil.alternativas)
    puntos = (perfil.votantes * (m - 1) + perfil.margenes.sum(axis=1)) / 2
    return _por_puntaje(perfil, "borda", puntos)


def copeland(perfil: PerfilOrdinal) -> Ordenamiento:
    """Duelos ganados (1), empatados (½) y perdidos (0) por mayoría; de mayor a menor."""
    margenes = perfil.margenes
    puntos = (margenes > 0).sum(axis=1) + ((margenes == 0).sum(axis=1) - 1) / 2
    return _por_puntaje(perfil, "copeland", puntos)


def schulze(perfil: PerfilOrdinal) -> Ordenamiento:
    """Método de Schulze (caminos más fuertes, márgenes). Puntaje informativo: a cuántas alternativas
    vence por camino más fuerte. `detalle["caminos"]` es la matriz de fuerzas de los caminos."""
    m = len(perfil.alternativas)
    caminos = np.where(perfil.margenes > 0, perfil.margenes, 0)
    for k in range(m):  # Floyd–Warshall del camino más ancho
        np.maximum(caminos, np.minimum(caminos[:, k, None], caminos[None, k, :]), out=caminos)
    np.fill_diagonal(caminos, 0)
    vence = caminos > caminos.T
    vencida_por = vence.sum(axis=0)
    ids = perfil.alternativas
    orden, empates, quedan = [], [], np.ones(m, dtype=bool)
    for _ in range(m):
        libres = np.flatnonzero(quedan & (vencida_por == 0))  # nunca vacío: la relación es transitiva
        elegida = int(libres[0])
        if len(libres) > 1:
            empates.append(Empate(tuple(ids[j] for j in libres), ids[elegida],
                                  "ninguna vence a la otra por camino más fuerte; orden del archivo"))
        orden.append(elegida)
        quedan[elegida] = False
        vencida_por -= vence[elegida]
    ganadores = [ids[j] for j in range(m) if not vence[:, j].any()]
    return Ordenamiento("schulze", [ids[j] for j in orden], dict(zip(ids, vence.sum(axis=1).astype(float).tolist())),
                        empates, ganadores, {"caminos": caminos})


def irv(perfil: PerfilOrdinal) -> Ordenamiento:
    """Segunda vuelta instantánea con votos repartidos en los empates y eliminación conjunta de las
    últimas (ver el docstring del módulo). Puntaje: el de la última ronda en que la alternativa contó.
    `detalle["rondas"]`: por ronda, el puntaje de cada alternativa en carrera y las eliminadas."""
    m = len(perfil.alternativas)
    conteo = _ConteoIrv(perfil)
    puntajes: dict = {}
    rondas: list = []
    eliminadas_por_ronda: list = []
    quedan = np.ones(m, dtype=bool)
    while True:
        en_carrera = np.flatnonzero(quedan)
        votos = conteo.puntajes()[en_carrera]
        if len(en_carrera) == 1 and rondas:  # ganó en la ronda anterior; su puntaje es el de esa ronda
            break
        for j, valor in zip(en_carrera, votos):
            puntajes[perfil.alternativas[j]] = float(valor)
        minimo = votos.min()
        ultimas = en_carrera[votos <= minimo + TOLERANCIA * max(abs(minimo), 1.0)]
        final = len(en_carrera) == 1 or len(ultimas) == len(en_carrera)
        rondas.append({"puntajes": {perfil.alternativas[j]: float(v) for j, v in zip(en_carrera, votos)},
                       "eliminadas": [] if final else [perfil.alternativas[j] for j in ultimas]})
        if final:
            break
        eliminadas_por_ronda.append(ultimas)
        quedan[ultimas] = False
        conteo.eliminar(ultimas, quedan)
    grupos = [list(en_carrera), *(list(g) for g in reversed(eliminadas_por_ronda))]
    criterios = ["empate en la última ronda; orden del archivo"] + \
        ["eliminadas juntas en la misma ronda (mismo puntaje); orden del archivo"] * len(eliminadas_por_ronda)
    orden, empates = _desempatar_grupos(perfil, grupos, criterios)
    return Ordenamiento("irv", orden, puntajes, empates, [perfil.alternativas[j] for j in en_carrera],
                        {"rondas": rondas})


class _ConteoIrv:
    """Puntajes de IRV al día sin recontar todo en cada ronda: solo se recuentan las papeletas cuyo
    grupo de arriba perdió alguna alternativa. Los votos se guardan exactos, como enteros por tamaño
    de grupo (`por_tamano[a, k]` = votantes cuyo grupo de arriba tiene k alternativas e incluye a `a`)."""

    def __init__(self, perfil: PerfilOrdinal):
        self.niveles, self.cantidades = perfil.niveles, perfil.cantidades
        self.m = len(perfil.alternativas)
        self.por_tamano = np.zeros((self.m, perfil.grupo_mayor + 1), dtype=np.int64)
        self.arriba = self._grupo_de_arriba(self.niveles)
        self._sumar(np.arange(len(self.niveles)), +1)

    def _grupo_de_arriba(self, niveles: np.ndarray) -> np.ndarray:
        tope = niveles.min(axis=1, keepdims=True)
        return (niveles == tope) & (tope < self.m)

    def _sumar(self, papeletas: np.ndarray, signo: int) -> None:
        arriba = self.arriba[papeletas]
        filas, columnas = np.nonzero(arriba)
        tamanos = arriba.sum(axis=1)[filas]
        pesos = self.cantidades[papeletas][filas]
        ancho = self.por_tamano.shape[1]
        suma = np.bincount(columnas * ancho + tamanos, weights=pesos.astype(np.float64), minlength=self.m * ancho)
        self.por_tamano += signo * np.rint(suma).astype(np.int64).reshape(self.m, ancho)

    def puntajes(self) -> np.ndarray:
        tamanos = np.arange(1, self.por_tamano.shape[1])
        return (self.por_tamano[:, 1:] / tamanos).sum(axis=1)

    def eliminar(self, eliminadas: np.ndarray, quedan: np.ndarray) -> None:
        afectadas = np.flatnonzero(self.arriba[:, eliminadas].any(axis=1))
        if not len(afectadas):
            return
        self._sumar(afectadas, -1)
        niveles = np.where(quedan[None, :], self.niveles[afectadas], self.m)
        self.arriba[afectadas] = self._grupo_de_arriba(niveles)
        self._sumar(afectadas, +1)


def _por_puntaje(perfil: PerfilOrdinal, regla: str, puntos: np.ndarray) -> Ordenamiento:
    """De mayor a menor puntaje; a igual puntaje, el orden del archivo (y queda un Empate)."""
    valores = sorted(set(puntos.tolist()), reverse=True)
    grupos = [list(np.flatnonzero(puntos == valor)) for valor in valores]
    orden, empates = _desempatar_grupos(perfil, grupos, ["mismo puntaje; orden del archivo"] * len(grupos))
    ids = perfil.alternativas
    return Ordenamiento(regla, orden, dict(zip(ids, puntos.astype(float).tolist())), empates,
                        [ids[j] for j in grupos[0]])


def _desempatar_grupos(perfil: PerfilOrdinal, grupos: list[list[int]], criterios: list[str]):
    """Grupos de empatadas, de mejor a peor, cada uno en el orden del archivo: un Empate por puesto
    decidido (entre las del grupo que aún no tienen puesto)."""
    ids = perfil.alternativas
    orden, empates = [], []
    for grupo, criterio in zip(grupos, criterios):
        grupo = sorted(int(j) for j in grupo)
        for posicion, j in enumerate(grupo[:-1]):
            empates.append(Empate(tuple(ids[k] for k in grupo[posicion:]), ids[j], criterio))
        orden += [ids[j] for j in grupo]
    return orden, empates


REGLAS_ORDEN = {"schulze": schulze, "borda": borda, "copeland": copeland, "irv": irv}


def ordenar(perfil: PerfilOrdinal, regla: str | None) -> Ordenamiento:
    """Aplica una regla de orden; una regla de presupuesto o desconocida es un error que dice cuáles sirven."""
    if regla in REGLAS_ORDEN:
        return REGLAS_ORDEN[regla](perfil)
    if regla in REGLAS_PB:
        raise ReglaNoAplicable(f"la regla {regla} reparte un presupuesto con costos (archivos pabulib .pb); para "
                               f"ordenar alternativas use una de: {', '.join(REGLAS_ORDEN)}.")
    if regla is None:
        raise ReglaDesconocida(f"falta la regla; para ordenar alternativas use una de: {', '.join(REGLAS_ORDEN)}.")
    raise ReglaDesconocida(f"La regla {regla!r} no existe; use una de: {', '.join(REGLAS_ORDEN)}.")


# --- presupuesto ----------------------------------------------------------------------------

def contar(eleccion: Eleccion, regla: str) -> Resultado:
    """Ordena los proyectos de un .pb ordinal con `regla` y financia en ese orden."""
    if regla not in REGLAS_ORDEN:
        raise ReglaDesconocida(f"La regla {regla!r} no es de orden; use una de: {', '.join(REGLAS_ORDEN)}.")
    if eleccion.tipo != "ordinal":
        raise ReglaNoAplicable(f"la regla {regla} necesita votos ordenados (vote_type ordinal) y este archivo es "
                               f"{eleccion.tipo}; para él use una de: {', '.join(REGLAS_PB)}.")
    return financiar_en_orden(ordenar(perfil_de_pabulib(eleccion), regla), eleccion)


def financiar_en_orden(ordenamiento: Ordenamiento, eleccion: Eleccion) -> Resultado:
    """Recorre el orden y financia cada proyecto que todavía cabe; los demás se saltan con su motivo en
    `detalle["saltados"]`. Un proyecto que nadie puso en su papeleta no se financia (como en greedy)."""
    costos = {p.id: float(p.costo) for p in eleccion.proyectos}
    votados = {proyecto for papeleta in eleccion.papeletas for proyecto in papeleta}
    presupuesto = float(eleccion.presupuesto)
    elegidos, saltados, gastado = [], {}, 0.0
    for proyecto in ordenamiento.orden:
        quedan = presupuesto - gastado
        if proyecto not in votados:
            saltados[proyecto] = "nadie lo puso en su papeleta"
        elif costos[proyecto] <= quedan + TOLERANCIA * presupuesto:
            elegidos.append(proyecto)
            gastado += costos[proyecto]
        else:
            saltados[proyecto] = f"cuesta {_cifra(costos[proyecto])} y quedaban {_cifra(quedan)}"
    return Resultado(ordenamiento.regla, elegidos, gastado, list(ordenamiento.empates),
                     {"orden": ordenamiento.orden, "puntajes": ordenamiento.puntajes,
                      "ganadores": ordenamiento.ganadores, "saltados": saltados})


def _cifra(valor: float) -> str:
    return str(int(valor)) if float(valor).is_integer() else f"{valor:.2f}"
