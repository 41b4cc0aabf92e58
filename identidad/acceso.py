"""Quién puede hacer qué: roles, actores y la capa de permisos (pura, sin E/S).

`puede(actor, accion, objeto)` responde con un `Permiso` que trae el motivo; todo caso de uso
lo consulta (vía `exigir`) antes de escribir, no solo las páginas. Vive en `geo`, la base de la
cadena de dependencias, porque todos los paquetes la usan.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from nucleo.errores import ErrorPlataforma


class Rol(enum.Enum):
    ADMINISTRADOR = "administrador"
    FACILITADOR = "facilitador"
    EVALUADOR = "evaluador"
    PARTICIPANTE = "participante"
    VIGILANCIA = "vigilancia"
    PUBLICO = "publico"

    @property
    def etiqueta(self) -> str:
        return {"administrador": "administración (secretaría técnica)", "facilitador": "facilitación",
                "evaluador": "equipo técnico", "participante": "agente participante",
                "vigilancia": "Comité de Vigilancia", "publico": "público"}[self.value]


class Accion(enum.Enum):
    VER = "ver"
    PROPONER = "proponer"
    COMENTAR = "comentar"
    APOYAR = "apoyar"
    RETIRAR_PROPUESTA = "retirar_propuesta"
    ADMITIR = "admitir"
    EVALUAR = "evaluar"
    FUSIONAR = "fusionar"
    MODERAR = "moderar"
    REPORTAR = "reportar"
    VOTAR = "votar"
    GESTIONAR_VOTACIONES = "gestionar_votaciones"
    GESTIONAR_PARTICIPANTES = "gestionar_participantes"
    IMPORTAR_PROPUESTAS = "importar_propuestas"
    VER_DATOS_PERSONALES = "ver_datos_personales"
    ADMINISTRAR_PROCESOS = "administrar_procesos"
    IMPORTAR_TERRITORIO = "importar_territorio"
    GESTIONAR_CUENTAS = "gestionar_cuentas"
    RESPALDAR = "respaldar"
    SEGUIR_PROYECTOS = "seguir_proyectos"
    VER_VIGILANCIA = "ver_vigilancia"
    VIGILAR = "vigilar"

    @property
    def descripcion(self) -> str:
        return DESCRIPCIONES[self]

    @property
    def no_se_puede(self) -> str:
        """«No se pueden registrar propuestas», «No se puede votar»: el verbo concuerda con lo que se hace."""
        return f"No se {'pueden' if self in _OBJETO_PLURAL else 'puede'} {self.descripcion}"


DESCRIPCIONES = {
    Accion.VER: "ver las propuestas públicas", Accion.PROPONER: "registrar propuestas",
    Accion.COMENTAR: "comentar propuestas", Accion.APOYAR: "apoyar propuestas",
    Accion.RETIRAR_PROPUESTA: "retirar propuestas", Accion.ADMITIR: "admitir propuestas",
    Accion.EVALUAR: "evaluar propuestas", Accion.FUSIONAR: "fusionar propuestas", Accion.MODERAR: "moderar",
    Accion.REPORTAR: "reportar contenido",
    Accion.VOTAR: "votar",
    Accion.GESTIONAR_VOTACIONES: "organizar votaciones y digitar papeletas de papel",
    Accion.GESTIONAR_PARTICIPANTES: "registrar participantes y sus códigos",
    Accion.IMPORTAR_PROPUESTAS: "importar propuestas de fichas de papel y hojas de cálculo",
    Accion.VER_DATOS_PERSONALES: "ver datos personales", Accion.ADMINISTRAR_PROCESOS: "administrar procesos",
    Accion.IMPORTAR_TERRITORIO: "importar el territorio", Accion.GESTIONAR_CUENTAS: "gestionar cuentas del equipo",
    Accion.RESPALDAR: "respaldar o restaurar la base",
    Accion.SEGUIR_PROYECTOS: "registrar el seguimiento de los proyectos priorizados y responder al Comité de "
                             "Vigilancia",
    Accion.VER_VIGILANCIA: "ver el seguimiento y la vigilancia de los acuerdos",
    Accion.VIGILAR: "registrar observaciones del Comité de Vigilancia",
}

_OBJETO_PLURAL = frozenset({
    Accion.VER, Accion.PROPONER, Accion.COMENTAR, Accion.APOYAR, Accion.RETIRAR_PROPUESTA, Accion.ADMITIR,
    Accion.EVALUAR, Accion.FUSIONAR, Accion.GESTIONAR_VOTACIONES, Accion.GESTIONAR_PARTICIPANTES,
    Accion.IMPORTAR_PROPUESTAS, Accion.VER_DATOS_PERSONALES, Accion.ADMINISTRAR_PROCESOS, Accion.GESTIONAR_CUENTAS,
})
"""Acciones cuya descripción lleva un objeto en plural («registrar propuestas»): «se pueden», no «se puede»."""

_EQUIPO = {Accion.VER, Accion.PROPONER, Accion.COMENTAR, Accion.REPORTAR}
PERMISOS_ROL: dict[Rol, frozenset[Accion]] = {
    Rol.ADMINISTRADOR: frozenset(Accion),
    Rol.FACILITADOR: frozenset(_EQUIPO | {Accion.ADMITIR, Accion.FUSIONAR, Accion.MODERAR,
                                          Accion.GESTIONAR_PARTICIPANTES, Accion.GESTIONAR_VOTACIONES,
                                          Accion.IMPORTAR_PROPUESTAS, Accion.VER_VIGILANCIA}),
    Rol.EVALUADOR: frozenset(_EQUIPO | {Accion.ADMITIR, Accion.EVALUAR, Accion.IMPORTAR_PROPUESTAS,
                                        Accion.SEGUIR_PROYECTOS, Accion.VER_VIGILANCIA}),
    Rol.PARTICIPANTE: frozenset({Accion.VER, Accion.PROPONER, Accion.COMENTAR, Accion.APOYAR, Accion.VOTAR,
                                 Accion.RETIRAR_PROPUESTA, Accion.REPORTAR}),
    # el Comité de Vigilancia (elegido en el taller): lee todo el seguimiento y observa; no cambia datos
    Rol.VIGILANCIA: frozenset({Accion.VER, Accion.REPORTAR, Accion.VER_VIGILANCIA, Accion.VIGILAR}),
    Rol.PUBLICO: frozenset({Accion.VER, Accion.PROPONER, Accion.REPORTAR}),
}


@dataclass(frozen=True)
class Permiso:
    permitido: bool
    motivo: str

    def __bool__(self) -> bool:
        return self.permitido


@dataclass(frozen=True)
class Actor:
    """Quien actúa: una cuenta del equipo, un participante con código, o el público anónimo."""

    rol: Rol
    nombre: str
    cuenta_id: int | None = None
    participante_id: int | None = None
    sesion_id: int | None = None  # la sesión del navegador (identidad.sesiones); None en la línea de comandos

    @property
    def etiqueta(self) -> str:
        """Cómo queda en `eventos`: sin datos personales (el nombre de usuario del equipo sí)."""
        if self.cuenta_id is not None:
            return f"{self.rol.value}:{self.nombre}"
        if self.participante_id is not None:
            return f"participante:{self.participante_id}"
        return f"{self.rol.value}:{self.nombre}" if self.rol == Rol.ADMINISTRADOR else "publico"


def rol_publico(etiqueta: str) -> str:
    """Lo que el público ve de quien hizo algo: el rol, nunca el usuario («administrador:ana» → «administración»).

    `etiqueta` es `Actor.etiqueta` tal como quedó guardada (historia de una ficha, autor de un argumento).
    """
    rol = etiqueta.partition(":")[0]
    return PUBLICO_POR_ROL.get(rol, "público")


PUBLICO_POR_ROL = {"administrador": "administración", "facilitador": "facilitación", "evaluador": "equipo técnico",
                   "participante": "agente participante", "vigilancia": "Comité de Vigilancia", "publico": "público",
                   "sistema": "sistema"}

PUBLICO = Actor(Rol.PUBLICO, "público")
LINEA_DE_COMANDOS = Actor(Rol.ADMINISTRADOR, "línea de comandos")
SISTEMA = Actor(Rol.ADMINISTRADOR, "sistema")


class SinPermiso(ErrorPlataforma):
    """El actor no puede hacer esa acción; el texto dice por qué."""


def puede(actor: Actor, accion: Accion, objeto: object = None) -> Permiso:
    """¿Puede `actor` hacer `accion` (sobre `objeto`, si importa)? Siempre con el motivo."""
    if accion not in PERMISOS_ROL[actor.rol]:
        return Permiso(False, f"Para {accion.descripcion} hace falta otro rol; usted entró como "
                              f"{actor.rol.etiqueta}.")
    if accion == Accion.PROPONER and actor.rol == Rol.PUBLICO and objeto is not None \
            and not getattr(objeto, "propuestas_anonimas", True):
        return Permiso(False, "En este proceso solo proponen agentes participantes registrados: entre con "
                              "su código de acceso.")
    if accion == Accion.RETIRAR_PROPUESTA and actor.rol == Rol.PARTICIPANTE:
        autor = getattr(objeto, "participante_id", None)
        if autor is None or autor != actor.participante_id:
            return Permiso(False, "Solo quien registró la propuesta puede retirarla.")
    return Permiso(True, f"Permitido para {actor.rol.etiqueta}.")


def exigir(actor: Actor, accion: Accion, objeto: object = None) -> None:
    permiso = puede(actor, accion, objeto)
    if not permiso:
        raise SinPermiso(permiso.motivo)
