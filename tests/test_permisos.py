"""Los permisos se deciden en los casos de uso, nunca por un valor por defecto: `actor` es un argumento keyword
obligatorio, y los conteos de una votación abierta solo salen si quien los pide puede verlos (acta, lista
priorizada, `.pb`, resultados), sea cual sea la puerta."""
from __future__ import annotations

import ast

import pytest

from identidad.acceso import PUBLICO, SinPermiso
from tests.ayudas import AHORA_VOTO, crear, participante, votar_muchos
from tests.conftest import FACILITADORA, RAIZ
from votacion import acta, exportar
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

PAQUETES = ("geo", "propuestas", "votacion")
# Donde `actor` es el sujeto de una regla y no quien pide algo: `puede(actor, accion)`, `exigir(actor, accion)`.
REGLAS_DE_PERMISO = {"geo/acceso.py"}
# No son casos de uso sino la transacción de uno: `with sesiones.escritura_de(db, actor, ahora=...)`.
AYUDANTES_DE_TRANSACCION = {"geo/sesiones.py::exigir_vigente", "geo/sesiones.py::escritura_de"}


def _funciones_con_actor(ruta: str, codigo: str):
    for funcion in ast.walk(ast.parse(codigo)):
        if isinstance(funcion, (ast.FunctionDef, ast.AsyncFunctionDef)):
            posicionales = funcion.args.posonlyargs + funcion.args.args
            if "actor" in [a.arg for a in posicionales + funcion.args.kwonlyargs]:
                yield ruta, funcion, posicionales


def _de_los_paquetes():
    for archivo in sorted(p for paquete in PAQUETES for p in (RAIZ / paquete).rglob("*.py")):
        yield from _funciones_con_actor(archivo.relative_to(RAIZ).as_posix(), archivo.read_text(encoding="utf-8"))


def _con_actor_por_defecto(funciones) -> list[str]:
    culpables = []
    for ruta, funcion, posicionales in funciones:
        argumentos = funcion.args
        con_defecto = posicionales[len(posicionales) - len(argumentos.defaults):] if argumentos.defaults else []
        defecto_kw = dict(zip((a.arg for a in argumentos.kwonlyargs), argumentos.kw_defaults))
        if "actor" in {a.arg for a in con_defecto} or defecto_kw.get("actor") is not None:
            culpables.append(f"{ruta}::{funcion.name}")
    return culpables


def _con_actor_posicional(funciones) -> list[str]:
    return [f"{ruta}::{funcion.name}" for ruta, funcion, posicionales in funciones
            if ruta not in REGLAS_DE_PERMISO and f"{ruta}::{funcion.name}" not in AYUDANTES_DE_TRANSACCION
            and not funcion.name.startswith(("_", "puede_")) and "actor" in {a.arg for a in posicionales}]


def test_ningun_caso_de_uso_tiene_actor_por_defecto():
    """Guarda: con `actor=SISTEMA` (o `PUBLICO`) por defecto, quien olvida pasar el actor recibe lo de otro rol.
    Ni en los casos de uso ni en sus ayudantes privados."""
    assert _con_actor_por_defecto(_de_los_paquetes()) == []


def test_todo_caso_de_uso_recibe_actor_por_nombre():
    """Guarda: `actor` va después de `*` en toda función pública que lo recibe (salvo las reglas `puede_…`,
    predicados de la forma `puede(actor, …)`, y la transacción de un caso de uso): quien lee `f(db, actor=…)`
    sabe quién pide."""
    assert _con_actor_posicional(_de_los_paquetes()) == []


def test_las_guardas_ven_lo_que_buscan():
    """Las guardas no pasan en vano: cada forma prohibida, escrita a propósito, se detecta; las permitidas, no."""
    codigo = ("def lista(db, *, votacion_id=None, actor=SISTEMA, extra=False): ...\n"
              "def otra(db, actor=None): ...\n"
              "def posicional(db, actor, *, ahora): ...\n"
              "def bien(db, *, actor, ahora=None): ...\n"
              "def puede_ver(votacion, actor): ...\n"
              "def _ayudante(db, actor, ahora): ...\n")
    assert _con_actor_por_defecto(_funciones_con_actor("x.py", codigo)) == ["x.py::lista", "x.py::otra"]
    assert _con_actor_posicional(_funciones_con_actor("x.py", codigo)) == ["x.py::otra", "x.py::posicional"]


# --- los conteos de una votación abierta --------------------------------------------------------

CONTEOS = {
    "lista_priorizada": lambda db, v, actor: exportar.lista_priorizada(db, v.proceso_id, votacion_id=v.id,
                                                                       actor=actor).filas,
    "acta_pdf": lambda db, v, actor: acta.acta_pdf(db, v.id, actor=actor),
    "exportar_pb": lambda db, v, actor: votacion.exportar_pb(db, v.id, actor=actor),
    "resultados": lambda db, v, actor: votacion.resultados(db, v.id, actor=actor, comparar=False).filas,
}


@pytest.fixture
def abierta(db_viables):
    db, codigos = db_viables
    en_curso = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, en_curso, codigos)
    return db, en_curso


@pytest.mark.parametrize("quien", ["publico", "participante"])
@pytest.mark.parametrize("caso", list(CONTEOS))
def test_los_conteos_de_una_votacion_abierta_sin_revelar_no_se_entregan(abierta, caso, quien):
    """Antes `lista_priorizada` contaba como SISTEMA y `acta_pdf` no recibía actor: con el id de una votación
    abierta, cualquiera obtenía sus conteos antes de que la facilitación los mostrara."""
    db, en_curso = abierta
    actor = PUBLICO if quien == "publico" else participante(db, "Quien pregunta")
    with pytest.raises(SinPermiso, match="se publican al cerrar la votación .*ahora está «abierta»"):
        CONTEOS[caso](db, en_curso, actor)


@pytest.mark.parametrize("como", ["facilitacion", "revelados", "cerrada"])
@pytest.mark.parametrize("caso", list(CONTEOS))
def test_los_conteos_salen_para_la_facilitacion_o_cuando_ya_son_publicos(abierta, caso, como):
    db, en_curso = abierta
    actor = FACILITADORA if como == "facilitacion" else PUBLICO
    if como == "revelados":
        votacion.mostrar_resultados(db, en_curso.id, True, actor=FACILITADORA, ahora=AHORA_VOTO)
    elif como == "cerrada":
        votacion.cambiar_estado(db, en_curso.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert CONTEOS[caso](db, en_curso, actor)


def test_la_lista_de_la_pagina_es_la_misma_que_la_del_caso_de_uso(abierta):
    """Lo que la página cachea (`armar_lista_publica`, con el conteo completo ya hecho) es la lista del caso de uso."""
    db, en_curso = abierta
    completo = votacion.contar_votacion(db, en_curso.id)
    de_la_pagina = exportar.armar_lista_publica(db, en_curso.proceso_id, completo)
    del_caso = exportar.lista_priorizada(db, en_curso.proceso_id, votacion_id=en_curso.id, actor=FACILITADORA)
    assert exportar.a_csv(de_la_pagina) == exportar.a_csv(del_caso)
