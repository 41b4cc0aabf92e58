"""El catálogo de textos de las páginas de participantes y sus traducciones (issue 20, punto 3).

Lo que se prueba: el catálogo sale del código fuente (siempre textos literales); una hoja con una traducción que
pierde un marcador `{n}` o trae HTML se rechaza entera, con la fila dicha; una celda vacía no borra nada; importar y
aprobar dejan su evento; lo incluido con el código entra «por revisar» y nunca pisa lo de la MCLCP; y, con una
traducción (de prueba) para **cada** texto del catálogo, cada página de participantes en quechua no muestra ninguna
clave ni marcador sin llenar, y al volver al castellano no queda nada de la traducción.
"""
from __future__ import annotations

import ast
import re

import pytest

import nucleo
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos
from paginas import traduccion
from propuestas import servicios as propuestas_servicios
from propuestas import traducciones
from propuestas.modelo import Fase
from propuestas.traducciones import Entrada, codigo
from tests.ayudas import (
    MARCA_QUECHUA,
    abrir_pagina,
    como_csv,
    como_xlsx,
    errores_de,
    proceso_en_fase,
    textos_de,
    todo_traducido,
    votacion_abierta_con_rosa,
)
from tests.conftest import ADMIN, AHORA
from votacion import servicios as votacion
from votacion.modelo import TipoPapeleta

MARCA = MARCA_QUECHUA
ENTRADAS = [Entrada(codigo(t), t, ("Prueba",)) for t in
            ("Proponer un proyecto", "{n} propuestas registradas.", "Provincia **{provincia}**", "Buscar")]


def hoja_de(filas: list[dict], formato="xlsx") -> bytes:
    return como_xlsx(filas) if formato == "xlsx" else como_csv(filas)


def fila(texto: str, traduccion: str, **otras) -> dict:
    return {"Código": codigo(texto), "Castellano": texto, "Quechua (Áncash)": traduccion, **otras}


@pytest.fixture
def base(db):
    propuestas_servicios.preparar(db)
    return db


# --- reglas de una traducción -----------------------------------------------------------------

def test_un_marcador_perdido_o_inventado_y_el_html_se_rechazan_con_su_motivo():
    assert traducciones.problemas_de("{n} propuestas registradas.", "{n} QW propuestas") == []
    falta = traducciones.problemas_de("{n} propuestas registradas.", "propuestas QW")
    assert falta and "Falta el marcador {n}" in falta[0]
    sobra = traducciones.problemas_de("Buscar", "QW {distrito}")
    assert sobra and "{distrito} no está en el castellano" in sobra[0]
    assert "llave mal escrita" in traducciones.problemas_de("Buscar", "QW {")[0]
    assert "llave mal escrita" in traducciones.problemas_de("{n} propuestas", "QW {0}")[0]
    assert "no se aceptan HTML ni enlaces" in traducciones.problemas_de("Buscar", "<img src=x onerror=alert(1)>")[0]
    assert "no se aceptan HTML ni enlaces" in traducciones.problemas_de("Buscar", "[clic](javascript:alert(1))")[0]
    assert "no se aceptan HTML ni enlaces" in traducciones.problemas_de("Buscar", "ashiy https://otro.sitio")[0]


def test_traducir_nunca_deja_un_marcador_sin_llenar():
    assert traducciones.traducir("{n} propuestas", None, {"n": 3}) == "3 propuestas"
    assert traducciones.traducir("{n} propuestas", "QW {n}", {"n": 3}) == "QW 3"
    assert traducciones.traducir("{n} propuestas", "QW {m}", {"n": 3}) == "3 propuestas"  # guardada rota: castellano
    assert traducciones.traducir("Buscar", "", {}) == "Buscar"


# --- la hoja: revisar, importar, aprobar ------------------------------------------------------

def test_una_hoja_con_un_marcador_perdido_no_escribe_nada_y_dice_la_fila(base):
    hoja = hoja_de([fila("Proponer un proyecto", "QW proponer"), fila("{n} propuestas registradas.", "QW propuestas")])
    revision = traducciones.revisar(hoja, "catalogo.xlsx", ENTRADAS, {})
    assert not revision.es_importable
    mala = next(f for f in revision.filas if f.problemas)
    assert mala.numero == 3 and "Falta el marcador {n}" in mala.problemas[0]
    with pytest.raises(DatosInvalidos, match="Fila 3: Falta el marcador"):
        traducciones.importar(base, hoja, "catalogo.xlsx", ENTRADAS, idioma="qwh", aprobadas=False, actor=ADMIN,
                              ahora=AHORA)
    assert traducciones.cargar(base, "qwh") == {}


def test_importar_guarda_por_revisar_una_celda_vacia_no_borra_y_aprobar_deja_evento(base):
    primera = hoja_de([fila("Proponer un proyecto", "QW proponer"), fila("{n} propuestas registradas.", "QW {n}")],
                      "csv")
    assert traducciones.importar(base, primera, "a.csv", ENTRADAS, idioma="qwh", aprobadas=False, actor=ADMIN,
                                 ahora=AHORA) == {"nuevas": 2, "cambiadas": 0}
    guardadas = traducciones.cargar(base, "qwh")
    assert guardadas[codigo("Proponer un proyecto")] == ("QW proponer", "por_revisar")
    segunda = hoja_de([fila("Proponer un proyecto", "QW proponer bien"), fila("{n} propuestas registradas.", ""),
                       fila("Buscar", "QW ashiy")])
    revision = traducciones.revisar(segunda, "b.xlsx", ENTRADAS, guardadas)
    assert [f.cambio for f in revision.filas] == ["cambia", "vacía", "nueva"]
    traducciones.importar(base, segunda, "b.xlsx", ENTRADAS, idioma="qwh", aprobadas=True, actor=ADMIN, ahora=AHORA)
    guardadas = traducciones.cargar(base, "qwh")
    assert guardadas[codigo("{n} propuestas registradas.")] == ("QW {n}", "por_revisar")  # la vacía no borró
    assert guardadas[codigo("Proponer un proyecto")] == ("QW proponer bien", "aprobada")
    evento = next(e for e in listar_eventos(base, objeto_tipo="traducciones") if e["accion"] == "importar_traducciones")
    assert evento["antes"] == {codigo("Proponer un proyecto"): "QW proponer"}  # lo reemplazado queda en el evento
    assert traducciones.aprobar(base, "qwh", [codigo("{n} propuestas registradas.")], actor=ADMIN, ahora=AHORA) == 1
    assert traducciones.cargar(base, "qwh")[codigo("{n} propuestas registradas.")][1] == "aprobada"
    assert [e["accion"] for e in listar_eventos(base, objeto_tipo="traducciones")][0] == "aprobar_traducciones"


def test_la_hoja_revisa_codigos_repetidos_desconocidos_y_nada_nuevo(base):
    hoja = hoja_de([fila("Buscar", "QW a"), fila("Buscar", "QW b"), {"Código": "abcdef12", "Castellano": "x",
                                                                      "Quechua (Áncash)": "QW"}])
    revision = traducciones.revisar(hoja, "c.xlsx", ENTRADAS, {})
    assert "ya está en la fila 2" in revision.filas[1].problemas[0]
    assert "no está en el catálogo" in revision.filas[2].problemas[0]
    sin_columna = como_csv([{"Código": codigo("Buscar"), "Castellano": "Buscar"}])
    assert "Falta la columna «Quechua (Áncash)»" in traducciones.revisar(sin_columna, "d.csv", ENTRADAS, {}).problemas[0]
    vacia = hoja_de([fila("Buscar", "")])
    assert "no trae traducciones nuevas" in traducciones.revisar(vacia, "e.xlsx", ENTRADAS, {}).problemas[0]


def test_la_hoja_descargada_no_deja_formulas_y_vuelve_a_subirse_igual(base):
    traducciones.importar(base, hoja_de([fila("Buscar", "-QW buscar")]), "a.xlsx", ENTRADAS, idioma="qwh",
                          aprobadas=False, actor=ADMIN, ahora=AHORA)
    filas = traducciones.filas_de_hoja(ENTRADAS, traducciones.cargar(base, "qwh"))
    import io

    from openpyxl import load_workbook

    hoja = load_workbook(io.BytesIO(traducciones.como_xlsx(filas))).active
    assert [c.value for c in hoja[1]] == ["Código", "Página", "Castellano", "Quechua (Áncash)", "Estado"]
    buscar = next(r for r in hoja.iter_rows(min_row=2, values_only=True) if r[2] == "Buscar")
    assert buscar[3] == "'-QW buscar" and buscar[4] == "por revisar"  # con apóstrofo: Excel no lo toma por fórmula
    revision = traducciones.revisar(traducciones.como_xlsx(filas), "de_vuelta.xlsx", ENTRADAS,
                                    traducciones.cargar(base, "qwh"))
    assert {f.cambio for f in revision.filas if f.traduccion} == {"igual"}  # el apóstrofo se quita al leer


def test_lo_incluido_con_el_codigo_entra_por_revisar_y_no_pisa_lo_de_la_mclcp(base, monkeypatch, tmp_path):
    incluidas = tmp_path / "incluidas.csv"
    incluidas.write_text("castellano,idioma,texto,fuente\nBuscar,qwh,QW ashiy,Diccionario de prueba\n"
                         "Proponer un proyecto,qwh,QW incluida,Diccionario de prueba\n", encoding="utf-8")
    monkeypatch.setattr(traducciones, "INCLUIDAS", incluidas)
    traducciones.importar(base, hoja_de([fila("Proponer un proyecto", "QW de la MCLCP")]), "a.xlsx", ENTRADAS,
                          idioma="qwh", aprobadas=True, actor=ADMIN, ahora=AHORA)
    assert traducciones.sembrar(base, ahora=AHORA) == 1
    assert traducciones.sembrar(base, ahora=AHORA) == 0
    guardadas = traducciones.cargar(base, "qwh")
    assert guardadas[codigo("Buscar")] == ("QW ashiy", "por_revisar")
    assert guardadas[codigo("Proponer un proyecto")] == ("QW de la MCLCP", "aprobada")


def test_las_incluidas_con_el_codigo_son_del_catalogo_y_dicen_su_fuente():
    textos = {e.texto for e in traduccion.catalogo()}
    for fila_ in traducciones.incluidas():
        assert fila_["castellano"] in textos, fila_
        assert fila_["idioma"] in traducciones.TRADUCIBLES and (fila_.get("fuente") or "").strip(), fila_
        assert traducciones.problemas_de(fila_["castellano"], fila_["texto"]) == [], fila_


# --- el catálogo que sale del código ----------------------------------------------------------

def _llamadas(ruta):
    """Cada `t(…)` (su texto es el primer argumento) y cada `Problema.de(campo, …)` (el segundo) del archivo."""
    for nodo in ast.walk(ast.parse(ruta.read_text(encoding="utf-8"))):
        if isinstance(nodo, ast.Call):
            nombre = getattr(nodo.func, "id", None) or getattr(nodo.func, "attr", None)
            if nombre == "t":
                yield nodo, 0
            elif nombre == "de" and getattr(nodo.func.value, "id", None) == "Problema":
                yield nodo, 1


def test_cada_t_del_catalogo_recibe_un_texto_literal_con_marcadores_bien_escritos():
    """Si una página pasara a `t` un f-string o una variable, ese texto no estaría en el catálogo: no se traduciría."""
    malas = []
    for archivos in traduccion.PAGINAS.values():
        for archivo in archivos:
            ruta = traduccion.RAIZ / archivo
            for nodo, posicion in _llamadas(ruta):
                argumento = nodo.args[posicion] if len(nodo.args) > posicion else None
                if not (isinstance(argumento, ast.Constant) and isinstance(argumento.value, str)):
                    malas.append(f"{archivo}:{nodo.lineno}")
                else:
                    traducciones.marcadores(argumento.value)  # sin llaves sueltas
    assert malas == []
    entradas = traduccion.catalogo()
    assert len({e.codigo for e in entradas}) == len(entradas) > 100
    assert {"Proponer un proyecto", "Votar", "Idioma de la página"} <= {e.texto for e in entradas}


# --- las páginas en quechua y de vuelta -------------------------------------------------------

def _todo(app) -> str:
    partes = [textos_de(app)]
    partes += [str(e.value) for e in app.title]
    partes += [w.label for w in [*app.button, *app.text_input, *app.checkbox, *app.selectbox, *app.text_area,
                                 *app.radio, *app.number_input]]
    partes += [h.proto.body for h in app.get("html")]
    return " ".join(partes)


CLAVE_CRUDA = re.compile(r"\{[a-z_]+\}")


@pytest.fixture
def sala(base_votacion):
    ruta, codigos = base_votacion
    sala_ = votacion_abierta_con_rosa(ruta)
    todo_traducido(ruta)
    return {**sala_, "codigo": codigos[0], "codigos": list(codigos)}


PAGINAS = [("inicio", None, {}), ("proponer", None, {}), ("propuestas", None, {}),
           ("propuestas", None, {"propuesta": "codigo"}), ("votar", "rosa", {"votacion": "votacion"}),
           ("votar", None, {}), ("proyector", None, {"votacion": "votacion"}), ("priorizado", None, {})]


@pytest.mark.parametrize("pagina, quien, parametros", PAGINAS,
                         ids=[f"{p}{'-' + '-'.join(q) if q else ''}" for p, _, q in PAGINAS])
def test_cada_pagina_de_participantes_en_quechua_y_de_vuelta_sin_claves(sala, pagina, quien, parametros):
    app = abrir_pagina(f"paginas/{pagina}.py", sala[quien] if quien else None,
                       **{k: sala[v] for k, v in parametros.items()})
    en_castellano = _todo(app)
    assert MARCA not in en_castellano
    selector = app.segmented_control(key=traduccion.CLAVE_SELECTOR) if pagina != "proyector" else None
    if selector is None:
        app.query_params["idioma"] = "qwh"
        app.run()
    else:
        selector.set_value("qwh").run()
    assert not app.exception, app.exception
    en_quechua = _todo(app)
    assert MARCA in en_quechua
    codigos = {e.codigo for e in traduccion.catalogo()}
    assert [c for c in codigos if re.search(rf"\b{c}\b", en_quechua)] == []  # ninguna clave a la vista
    assert CLAVE_CRUDA.findall(en_quechua) == []  # ningún marcador sin llenar
    if selector is None:
        app.query_params["idioma"] = "es"
        app.run()
    else:
        app.segmented_control(key=traduccion.CLAVE_SELECTOR).set_value("es").run()
    assert not app.exception, app.exception
    assert MARCA not in _todo(app)
    assert CLAVE_CRUDA.findall(_todo(app)) == []


def test_la_pagina_de_traducciones_importa_con_revision_y_aprueba(base_app):
    app = abrir_pagina("paginas/traducciones.py", ADMIN)
    incluidas = len(traducciones.incluidas())  # las que vienen con el código entran solas, «por revisar»
    assert app.metric[2].value == str(incluidas)
    entradas = traduccion.catalogo()
    votar = next(e for e in entradas if e.texto == "Votar")
    con_marcador = next(e for e in entradas if traducciones.marcadores(e.texto))
    mala = hoja_de([{"Código": votar.codigo, "Castellano": "Votar", "Quechua (Áncash)": "QW votar"},
                    {"Código": con_marcador.codigo, "Castellano": con_marcador.texto, "Quechua (Áncash)": "QW sin"}])
    _subir(app, "catalogo.xlsx", mala)
    assert "1 de 2 filas tienen problemas" in textos_de(app)
    assert "Falta el marcador" in app.dataframe[0].value.to_string()
    assert not [b for b in app.button if b.key == "traducciones_importar"]
    buena = hoja_de([{"Código": votar.codigo, "Castellano": "Votar", "Quechua (Áncash)": "QW votar"}])
    _subir(app, "catalogo.xlsx", buena)
    assert "Todo bien: 1 traducciones nuevas y 0 cambiadas." in textos_de(app)
    app.button(key="traducciones_importar").click().run()
    assert "Traducciones importadas" in textos_de(app)
    assert app.metric[2].value == str(incluidas + 1)  # por revisar
    assert "siguen «por revisar» hasta que una persona hablante las apruebe" in textos_de(app)
    with nucleo.abrir(base_app) as db:  # lo que la persona marca en la tabla y aprueba (AppTest no edita tablas)
        codigos = [votar.codigo, *(codigo(f["castellano"]) for f in traducciones.incluidas())]
        traducciones.aprobar(db, "qwh", codigos, actor=ADMIN, ahora=nucleo.ahora())
    app.run()
    assert app.metric[1].value == str(incluidas + 1) and app.metric[2].value == "0"
    assert "No hay traducciones por revisar." in textos_de(app)
    publica = abrir_pagina("paginas/votar.py")
    publica.segmented_control(key=traduccion.CLAVE_SELECTOR).set_value("qwh").run()
    assert [t.value for t in publica.title] == ["QW votar"]


def _subir(app, nombre: str, contenido: bytes):
    app.file_uploader[0].set_value((nombre, contenido, "application/octet-stream"))
    app.run()


@pytest.mark.parametrize("tipo", list(TipoPapeleta))
def test_las_instrucciones_de_la_papeleta_en_la_pagina_dicen_lo_mismo_que_el_dominio(db_viables, monkeypatch, tipo):
    """La página arma las instrucciones con `t` (para traducirlas); en castellano, igual que `Votacion.instrucciones`."""
    import dataclasses

    from paginas import piezas_votar

    db, _ = db_viables
    monkeypatch.setattr(traduccion, "actual", lambda: "es")
    base_ = votacion.nueva_votacion(db, propuestas_servicios.proceso_actual(db).id, max_opciones=3)
    una = dataclasses.replace(base_, tipo=tipo, puntos_total=10, puntos_maximo=4)
    assert piezas_votar.instrucciones(una) == una.instrucciones()


def test_los_textos_de_la_cuenta_en_papeleta_js_son_los_castellanos_de_la_pagina(monkeypatch):
    """papeleta.js guarda los textos castellanos de la cuenta por si la página no manda los del idioma: deben ser los
    mismos que la página pasa por `t` (si alguien cambia uno, esta prueba lo dice)."""
    from paginas import piezas_votar

    monkeypatch.setattr(traduccion, "actual", lambda: "es")
    fuente = (traduccion.RAIZ / "paginas" / "papeleta.js").read_text(encoding="utf-8")
    bloque = fuente[fuente.index("const TEXTOS = {"):fuente.index("};", fuente.index("const TEXTOS = {"))]
    en_js = dict(re.findall(r'^\s+(\w+): "(.*)",$', bloque, flags=re.M))
    assert en_js == piezas_votar.textos_de_la_cuenta()


def test_los_problemas_del_formulario_se_leen_en_quechua(base_app):
    """Los mensajes de las reglas (`Problema.de`) entran al catálogo: en quechua, el problema y el nombre del campo
    vienen traducidos, con sus datos; en castellano, el mismo mensaje de siempre."""
    proceso_en_fase(base_app, Fase.REGISTRO)
    todo_traducido(base_app)
    app = abrir_pagina("paginas/proponer.py")
    app.segmented_control(key=traduccion.CLAVE_SELECTOR).set_value("qwh").run()
    app.text_input(key="f_titulo").input("Losa").run()
    app.button(key="proponer_registrar").click().run()
    errores = errores_de(app)
    assert f"{MARCA}{MARCA}Título tiene 4 caracteres; debe tener entre 10 y 120." in errores
    assert f"{MARCA}Revise estos datos:" in errores
    assert CLAVE_CRUDA.findall(errores) == []
    app.segmented_control(key=traduccion.CLAVE_SELECTOR).set_value("es").run()
    assert "Título tiene 4 caracteres; debe tener entre 10 y 120." in errores_de(app)
    assert MARCA not in errores_de(app)


def test_los_problemas_de_la_papeleta_se_leen_en_quechua(sala):
    votar = abrir_pagina("paginas/votar.py", sala["rosa"], votacion=sala["votacion"])
    votar.segmented_control(key=traduccion.CLAVE_SELECTOR).set_value("qwh").run()
    for codigo_ in sala["codigos"][:4]:
        votar.checkbox(key=f"votar_{sala['votacion']}_{codigo_}").check()
    votar.button(key="votar_emitir").click().run()
    errores = errores_de(votar)
    assert f"{MARCA}Eligió 4 propuestas; el máximo es 3. Quite 1." in errores, errores
