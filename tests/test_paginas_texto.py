"""`paginas.comun.texto_plano`: lo que Streamlit 1.67 haría con su salida (escapes de CommonMark y, después de
leer el Markdown, los reemplazos de remark sobre el texto) deja el texto de la persona tal cual; y cada página
que muestra texto hostil (base de `tests/hostil.py`) lo pasa por `texto_plano` en todo lo que se lee como
Markdown (AppTest). Lo que ve Chromium: `test_navegador_texto.py` y `test_navegador_seguridad.py`."""
from __future__ import annotations

import os
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nucleo
from identidad.acceso import Actor, Rol
from paginas.comun import CORTE, texto_plano
from tests import hostil
from tests.ayudas import abrir_pagina
from tests.conftest import EVALUADORA, FACILITADORA
from tests.hostil import HOSTILES, NOMBRES

PUNTUACION = re.escape(string.punctuation)
ESCAPE = re.compile(rf"\\([{PUNTUACION}])")
# Lo que remark y Streamlit reemplazan *después* de leer el Markdown, sobre cada nodo de texto ya sin escapes
# (frontend/lib/src/components/shared/StreamlitMarkdown y mdast-util-gfm-autolink-literal)
REEMPLAZOS = {
    "enlace automático": re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE),
    "correo": re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
    "emoji o ícono": re.compile(r":[\w+-]+:"),
    "logo": re.compile(r":streamlit:"),
    "flecha": re.compile(r"(?:^|\s)(?:<->|->|<-|--|>=|<=|~=)(?:\s|$)"),
}


def como_lo_lee_remark(fuente: str) -> list[str]:
    """Los nodos de texto que quedan tras leer `fuente`: se parte en cada `CORTE` (un <span> vacío) y se quitan los
    escapes. Falla si queda puntuación sin escapar (sería sintaxis de Markdown)."""
    assert ":material/" not in fuente  # Streamlit lo reemplaza en la fuente, antes de leerla
    nodos = []
    for trozo in fuente.split(CORTE):
        sin_saltos = trozo.replace("  \n", "\n")
        assert _sin_sintaxis(sin_saltos), f"puntuación sin escapar en {trozo!r}"
        nodos.append(ESCAPE.sub(r"\1", sin_saltos))
    return nodos


def _sin_sintaxis(trozo: str) -> bool:
    """Cada signo de puntuación ASCII va escapado (`\\` y el signo): ninguno queda como sintaxis."""
    i = 0
    while i < len(trozo):
        if trozo[i] == "\\":
            if i + 1 == len(trozo) or trozo[i + 1] not in string.punctuation:
                return False
            i += 2
        elif trozo[i] in string.punctuation:
            return False
        else:
            i += 1
    return True


def _revisar(texto: str) -> None:
    nodos = como_lo_lee_remark(texto_plano(texto))
    for nodo in nodos:
        for nombre, patron in REEMPLAZOS.items():
            assert not patron.search(nodo), f"{nombre} en {nodo!r}"
    lineas = [linea.strip(" \t") for linea in texto.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")]
    assert "".join(nodos) == "\n".join(lineas)


@pytest.mark.parametrize("texto", [*HOSTILES.values(), hostil.BLOQUES, hostil.TODOS],
                         ids=[*NOMBRES, "bloques", "todos"])
def test_texto_plano_deja_el_texto_hostil_tal_cual(texto):
    _revisar(texto)


@given(st.lists(st.sampled_from([*string.printable, "ñ", "á", "«", "»", "—", "🙂", "www", "WWW.", "http://",
                                 "https://", ":smile:", ":material/home:", ":streamlit:", "@", " -> ", " -- ", " >= ",
                                 "\r\n", "    ", "\u00a0"])).map("".join))
def test_texto_plano_no_deja_nada_para_remark_con_cualquier_texto(texto):
    _revisar(texto)


def test_saltos_de_linea_visibles_en_un_solo_parrafo():
    assert texto_plano("uno\r\n\n    dos  ") == f"uno  \n{CORTE}  \ndos"
    assert texto_plano(None) == "" and texto_plano(12) == "12"


# --- las páginas con texto hostil (AppTest) ------------------------------------------------------

@pytest.fixture(scope="module")
def base_hostil(tmp_path_factory):
    ruta = tmp_path_factory.mktemp("hostil") / "plataforma.db"
    datos = hostil.crear_base_hostil(ruta)
    anterior = {clave: os.environ.get(clave) for clave in ("PLATAFORMA_DB", "PLATAFORMA_LIMITES")}
    os.environ["PLATAFORMA_DB"] = str(ruta)
    os.environ.pop("PLATAFORMA_LIMITES", None)
    yield datos
    for clave, valor in anterior.items():
        if valor is None:
            os.environ.pop(clave, None)
        else:
            os.environ[clave] = valor


def _fuentes(app) -> list[str]:
    """Todo lo que la página le pasa a Streamlit como Markdown: textos, avisos, etiquetas, opciones de radio, ayudas
    y métricas (no las opciones de selectbox ni las tablas: esas se muestran crudas)."""
    fuentes = [str(e.value) for e in [*app.markdown, *app.caption, *app.title, *app.header, *app.subheader,
                                      *app.error, *app.warning, *app.info, *app.success]]
    widgets = [*app.button, *app.checkbox, *app.toggle, *app.radio, *app.selectbox, *app.multiselect,
               *app.text_input, *app.text_area, *app.select_slider, *app.metric, *app.expander, *app.tabs]
    fuentes += [w.label for w in widgets] + [w.help for w in widgets if getattr(w, "help", None)]
    fuentes += [o for w in [*app.radio, *app.select_slider] for o in w.options]
    fuentes += [str(m.value) for m in app.metric]
    return fuentes


def _sin_marcas(fuente: str) -> str:
    return hostil.plano(ESCAPE.sub(r"\1", fuente.replace(CORTE, "")))


def _revisar_pagina(app, esperados: list[str]) -> None:
    """Cada texto hostil que la página muestra llega a Streamlit como `texto_plano(texto)`, y se muestran todos los
    `esperados`."""
    fuentes = _fuentes(app)
    crudos = [(nombre, f) for f in fuentes for nombre, texto in HOSTILES.items()
              if hostil.plano(texto) in _sin_marcas(f) and texto_plano(texto) not in f]
    assert crudos == [], "texto de usuario que llega a Streamlit sin pasar por texto_plano"
    todo = " ".join(_sin_marcas(f) for f in fuentes)
    assert [e for e in esperados if hostil.plano(e) not in todo] == []


PARTICIPANTE = Actor(Rol.PARTICIPANTE, "participante 1", participante_id=1)


@pytest.mark.parametrize("pagina, actor, parametros, esperados", [
    ("paginas/inicio.py", None, {}, [f"PP27 {HOSTILES['imagen']}", HOSTILES["enlace"],
                                     *(HOSTILES[n] for n in NOMBRES[:10])]),
    ("paginas/propuestas.py", None, {"propuesta": "PP27-0001"},
     [f"PP27-0001 · {HOSTILES['imagen']}", *(HOSTILES[n] for n in NOMBRES if n != NOMBRES[2]), HOSTILES["url"]]),
    ("paginas/propuestas.py", None, {"propuesta": "PP27-0017"}, [HOSTILES["imagen"]]),
    ("paginas/resultados.py", None, {"votacion": "1"}, [f"Taller {HOSTILES['enlace']}"]),
    ("paginas/votar.py", PARTICIPANTE, {}, [f"Taller {HOSTILES['correo']}", *(HOSTILES[n] for n in NOMBRES[:15])]),
    ("paginas/evaluar.py", EVALUADORA, {}, []),
    ("paginas/moderacion.py", FACILITADORA, {}, [HOSTILES["www"], HOSTILES["url"]]),
    ("paginas/consola.py", FACILITADORA, {}, [HOSTILES[n] for n in hostil.ACUERDOS]),
    ("paginas/votaciones.py", FACILITADORA, {}, [f"PP27 {HOSTILES['imagen']}"]),
    ("paginas/participantes.py", FACILITADORA, {}, [f"PP27 {HOSTILES['imagen']}"]),
], ids=["inicio", "ficha", "ficha_oculta", "resultados", "votar", "evaluar", "moderacion", "consola", "votaciones",
        "participantes"])
def test_las_paginas_pasan_el_texto_hostil_por_texto_plano(base_hostil, pagina, actor, parametros, esperados):
    _revisar_pagina(abrir_pagina(pagina, actor, **parametros), esperados)


def test_la_matriz_de_criterios_y_el_distrito_elegido_tambien(base_hostil):
    app = abrir_pagina("paginas/evaluar.py", EVALUADORA)
    app.selectbox(key="evaluar_codigo").set_value("PP27-0016").run()
    assert app.select_slider, "la matriz de criterios no se ve"
    _revisar_pagina(app, [HOSTILES["enlace"], HOSTILES["www"]])
    mapa = abrir_pagina("paginas/mapa.py")
    mapa.selectbox(key="distrito_elegido").set_value("021201").run()
    _revisar_pagina(mapa, [HOSTILES["imagen"], HOSTILES["enlace"], HOSTILES["icono"]])


# --- los PDF no leen Markdown: el texto va crudo y nada se vuelve enlace -------------------------

def test_los_pdf_imprimen_el_texto_hostil_tal_cual_y_sin_enlaces(base_hostil, tmp_path):
    from geo import servicios as territorio
    from tests.conftest import texto_de_pdf
    from votacion import acta, exportar

    with nucleo.abrir(os.environ["PLATAFORMA_DB"]) as db:
        del_acta = acta.acta_pdf(db, base_hostil["cerrada"], actor=FACILITADORA)
        lista = exportar.exportar(exportar.lista_priorizada(db, 1, votacion_id=base_hostil["cerrada"], actor=FACILITADORA), "pdf",
                                  territorio.cargar_territorio(db))
    for contenido in (del_acta, lista):
        assert b"/Annot" not in contenido and b"/URI" not in contenido  # ningún enlace
    texto = hostil.plano(texto_de_pdf(del_acta, tmp_path))
    for esperado in (f"PP27 {HOSTILES['imagen']}", f"Votación: Taller {HOSTILES['enlace']} (n.º",
                     f"Lugar: {HOSTILES['www']}."):  # en las tablas el texto se parte en renglones
        assert hostil.plano(esperado) in texto
    assert hostil.plano(f"PP27 {HOSTILES['imagen']}") in hostil.plano(texto_de_pdf(lista, tmp_path))
