"""El PDLC como datos: importar objetivos → acciones → indicadores de una hoja, todo o nada, en versiones que no se
reescriben; vincular una propuesta a un objetivo o acción y verlo."""
import pytest

import nucleo
from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos
from propuestas import almacen, pdlc
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Estado, Fase
from tests.ayudas import abrir_pagina, como_csv, como_xlsx, proceso_en_fase, propuesta_en, textos_de
from tests.conftest import ADMIN, EVALUADORA, HOY_EVALUACION, filas

FILAS = [
    {"Código del objetivo": "OE1", "Objetivo estratégico": "Reducir la anemia infantil",
     "Código de la acción": "AE1.1", "Acción estratégica": "Agua segura en los centros poblados",
     "Indicador": "Hogares con agua clorada", "Unidad de medida": "%", "Línea de base": "45,5",
     "Año de la línea de base": 2021, "Meta": 80, "Año de la meta": "2030", "Fuente": "ENDES"},
    {"Código del objetivo": "OE1", "Objetivo estratégico": "Reducir la anemia infantil",
     "Código de la acción": "AE1.2", "Acción estratégica": "Consejería nutricional",
     "Indicador": "Niños de 6 a 35 meses con anemia", "Unidad de medida": "%", "Línea de base": 38.2,
     "Año de la línea de base": 2021, "Meta": 20, "Año de la meta": 2030},
    {"Código del objetivo": "oe2", "Objetivo estratégico": "Mejorar la conectividad vial"},
]


def test_importar_arma_el_arbol_y_una_version_nueva_no_reescribe_la_anterior(db_proceso):
    db = db_proceso
    version = pdlc.importar(db, como_xlsx(FILAS), "pdlc.xlsx", nombre_plan="PDLC Huaylas 2022-2030", actor=ADMIN,
                            ahora=HOY_EVALUACION)
    assert (version["objetivos"], version["acciones"], version["indicadores"]) == (2, 2, 2)
    plan = pdlc.vigente(db)
    assert [o["codigo"] for o in plan.objetivos] == ["OE1", "OE2"]
    agua = plan.objetivos[0]["acciones"][0]
    assert (agua["codigo"], agua["indicadores"][0]["linea_base"], agua["indicadores"][0]["anio_meta"]) == \
        ("AE1.1", 45.5, 2030)
    assert pdlc.opciones(plan)["A:%d" % agua["id"]] == "OE1 › AE1.1 · Agua segura en los centros poblados"
    segunda = pdlc.importar(db, como_csv([{**FILAS[2], "Objetivo estratégico": "Conectividad vial y digital"}]),
                            "pdlc2.csv", nombre_plan="PDLC actualizado 2025", actor=ADMIN, ahora=HOY_EVALUACION)
    assert segunda["id"] != version["id"] and filas(db, "pdlc_versiones") == 2 and filas(db, "pdlc_objetivos") == 3
    assert pdlc.vigente(db).version["nombre"] == "PDLC actualizado 2025"
    assert [e["accion"] for e in listar_eventos(db, objeto_tipo="pdlc")] == ["importar_pdlc", "importar_pdlc"]
    with pytest.raises(Exception, match="no se reescribe"):
        db.execute("UPDATE pdlc_objetivos SET nombre = 'otro'")


@pytest.mark.parametrize("cambio, fila, mensaje", [
    ({"Objetivo estratégico": "Otro nombre"}, 3, "el código OE1 ya es del objetivo «Reducir la anemia infantil» (fila 2)"),
    ({"Unidad de medida": ""}, 3, "no tiene unidad de medida"),
    ({"Año de la meta": 2019}, 3, "la meta (2019) es anterior a la línea de base (2021)"),
    ({"Año de la meta": "dos mil treinta"}, 3, "«dos mil treinta» no es un año"),
    ({"Línea de base": "alto"}, 3, "«alto» no es un número"),
    ({"Código de la acción": "AE1.1"}, 3, "el código AE1.1 ya es de la acción «Agua segura"),
    ({"Código del objetivo": ""}, 3, "«Código del objetivo» está vacío"),
])
def test_una_fila_mala_dice_fila_y_columna_y_no_se_escribe_nada(db_proceso, cambio, fila, mensaje):
    db = db_proceso
    malas = [FILAS[0], {**FILAS[1], **cambio}, FILAS[2]]
    revision = pdlc.revisar(como_csv(malas), "pdlc.csv")
    assert not revision.es_importable
    assert [f.numero for f in revision.filas if f.problemas] == [fila]
    assert any(mensaje in p for p in revision.filas[1].problemas), revision.filas[1].problemas
    with pytest.raises(DatosInvalidos) as error:
        pdlc.importar(db, como_csv(malas), "pdlc.csv", nombre_plan="PDLC", actor=ADMIN, ahora=HOY_EVALUACION)
    assert any(f"Fila {fila}:" in p.mensaje and mensaje in p.mensaje for p in error.value.problemas)
    assert filas(db, "pdlc_versiones") == filas(db, "pdlc_objetivos") == filas(db, "pdlc_indicadores") == 0


def test_la_plantilla_se_lee_de_vuelta_y_sin_columnas_del_plan_se_explica(db_proceso):
    vacia = pdlc.revisar(pdlc.plantilla_xlsx(), "plantilla.xlsx")
    assert vacia.problemas == ["«plantilla.xlsx» no tiene filas debajo del encabezado."]
    assert pdlc.plantilla_csv().startswith("\ufeffCódigo del objetivo;Objetivo estratégico;")
    ajena = pdlc.revisar(como_csv([{"Título": "x", "Problema": "y"}]), "fichas.csv")
    assert "no tiene una fila de encabezado con las columnas de la plantilla del PDLC" in ajena.problemas[0]
    with pytest.raises(SinPermiso):
        pdlc.importar(db_proceso, como_csv(FILAS), "pdlc.csv", nombre_plan="PDLC", actor=EVALUADORA,
                      ahora=HOY_EVALUACION)


def test_el_equipo_tecnico_vincula_una_propuesta_y_la_version_vieja_sigue(db_viables):
    db, codigos = db_viables
    pdlc.importar(db, como_csv(FILAS), "pdlc.csv", nombre_plan="PDLC Huaylas 2022-2030", actor=ADMIN,
                  ahora=HOY_EVALUACION)
    plan = pdlc.vigente(db)
    accion = "A:%d" % plan.objetivos[0]["acciones"][1]["id"]
    pdlc.vincular(db, codigos[0], accion, actor=EVALUADORA, ahora=HOY_EVALUACION)
    propuesta_id = almacen.obtener_por_codigo(db, codigos[0])["id"]
    esperado = "OE1 · Reducir la anemia infantil › AE1.2 · Consejería nutricional (PDLC Huaylas 2022-2030)"
    assert pdlc.vinculo(db, propuesta_id) == esperado and pdlc.eleccion_actual(db, codigos[0]) == accion
    pdlc.importar(db, como_csv(FILAS[2:]), "pdlc2.csv", nombre_plan="PDLC 2025", actor=ADMIN, ahora=HOY_EVALUACION)
    assert pdlc.vinculo(db, propuesta_id) == esperado  # la versión vieja no se reescribió
    with pytest.raises(DatosInvalidos, match="del PDLC vigente"):
        pdlc.vincular(db, codigos[1], accion, actor=EVALUADORA, ahora=HOY_EVALUACION)  # ya no es de la vigente
    with pytest.raises(SinPermiso):
        pdlc.vincular(db, codigos[1], None, actor=PUBLICO, ahora=HOY_EVALUACION)
    pdlc.vincular(db, codigos[0], None, actor=EVALUADORA, ahora=HOY_EVALUACION)
    assert pdlc.vinculo(db, propuesta_id) is None
    evento = next(e for e in listar_eventos(db, objeto_tipo="propuesta") if e["accion"] == "vincular_pdlc")
    assert evento["antes"]["pdlc_accion_id"] is not None and evento["despues"]["pdlc_accion_id"] is None


def _subir(app, nombre: str, contenido: bytes):
    tipo = "text/csv" if nombre.endswith(".csv") else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    app.file_uploader[0].set_value((nombre, contenido, tipo))
    app.run()


def test_la_pagina_revisa_fila_por_fila_importa_y_el_equipo_vincula_en_la_evaluacion(base_app):
    _, momento = proceso_en_fase(base_app, Fase.EVALUACION)
    propuesta = propuesta_en(base_app, momento)
    app = abrir_pagina("paginas/plan.py", ADMIN)
    app.text_input(key="plan_nombre").input("PDLC Huaylas 2022-2030")
    _subir(app, "pdlc.csv", como_csv([FILAS[0], {**FILAS[1], "Unidad de medida": ""}]))
    assert "1 de 2 filas tienen problemas" in textos_de(app)
    assert "no tiene unidad de medida" in app.dataframe[0].value.to_string()
    assert not [b for b in app.button if b.key == "plan_importar"]
    _subir(app, "pdlc.csv", como_csv(FILAS))
    assert "Todo bien: 2 objetivos, 2 acciones y 2 indicadores." in textos_de(app)
    app.button(key="plan_importar").click().run()
    assert "PDLC «PDLC Huaylas 2022-2030» importado" in textos_de(app)
    assert "Consejería nutricional" in app.dataframe[-1].value.to_string()
    assert app.file_uploader[0].value is None  # listo para otra versión, sin importar dos veces la misma
    app.button(key="FormSubmitter:plan_editar-Revisar y guardar como versión nueva").click().run()
    assert "No hay cambios: no se guardó otra versión." in textos_de(app)
    with nucleo.abrir(base_app) as db:
        assert filas(db, "pdlc_versiones") == 1
    with nucleo.abrir(base_app) as db:  # admitida: la matriz de criterios (con el alineamiento) se abre
        propuestas_servicios.transicionar(db, propuesta.codigo, Estado.ADMITIDA, actor=ADMIN, ahora=momento)
    evaluar = abrir_pagina("paginas/evaluar.py", EVALUADORA, propuesta=propuesta.codigo)
    assert "Alineamiento con el PDLC: sin vincular" in textos_de(evaluar).replace("**", "")
    opciones = evaluar.selectbox(key=f"plan_eleccion_{propuesta.codigo}").options
    elegida = next(o for o in opciones if "AE1.2" in o)
    evaluar.selectbox(key=f"plan_eleccion_{propuesta.codigo}").select(elegida)
    evaluar.button(key=f"FormSubmitter:plan_vincular_{propuesta.codigo}-Guardar el vínculo").click().run()
    assert f"Vínculo con el PDLC de {propuesta.codigo} guardado." in textos_de(evaluar)
    assert "apunta a OE1 · Reducir la anemia infantil › AE1.2 · Consejería nutricional" in textos_de(evaluar)


def test_la_linea_de_comandos_importa_o_dice_fila_y_columna(tmp_path):
    import subprocess
    import sys

    from tests.conftest import RAIZ

    base = tmp_path / "plataforma.db"
    mala = tmp_path / "pdlc_malo.csv"
    mala.write_bytes(como_csv([FILAS[0], {**FILAS[1], "Año de la meta": 2019}]))
    orden = [sys.executable, "-m", "propuestas", "plan", "importar", "--nombre", "PDLC Huaylas 2022-2030",
             "--db", str(base)]
    corrida = subprocess.run([*orden, str(mala)], capture_output=True, text=True, cwd=RAIZ)
    assert corrida.returncode == 1 and "Fila 3: «Año de la meta»: la meta (2019) es anterior" in corrida.stdout
    assert "No se importó nada" in corrida.stderr and not base.exists()
    buena = tmp_path / "pdlc.xlsx"
    buena.write_bytes(como_xlsx(FILAS))
    corrida = subprocess.run([*orden, str(buena)], capture_output=True, text=True, cwd=RAIZ)
    assert corrida.returncode == 0, corrida.stderr
    assert "2 objetivos, 2 acciones y 2 indicadores" in corrida.stdout
    with nucleo.abrir(base) as db:
        assert pdlc.vigente(db).version["nombre"] == "PDLC Huaylas 2022-2030"


def test_cobertura_por_objetivo_en_la_lista_priorizada_su_excel_y_su_pdf(db_viables, tmp_path):
    import io

    from openpyxl import load_workbook

    from propuestas import servicios as ps
    from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, votar_muchos
    from tests.conftest import FACILITADORA
    from votacion import exportar
    from votacion import servicios as votacion
    from votacion.modelo import EstadoVotacion

    db, codigos = db_viables
    pdlc.importar(db, como_csv(FILAS), "pdlc.csv", nombre_plan="PDLC Huaylas", actor=ADMIN, ahora=HOY_EVALUACION)
    acciones = [a["id"] for a in pdlc.vigente(db).objetivos[0]["acciones"]]
    pdlc.vincular(db, codigos[0], f"A:{acciones[0]}", actor=EVALUADORA, ahora=HOY_EVALUACION)
    pdlc.vincular(db, codigos[1], f"A:{acciones[1]}", actor=EVALUADORA, ahora=HOY_EVALUACION)
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO + SEGUNDO)
    lista = exportar.lista_priorizada(db, ps.proceso_actual(db).id, votacion_id=abierta.id, actor=FACILITADORA)
    assert {f["codigo"]: f["objetivo_pdlc"] for f in lista.filas}[codigos[0]] == "OE1 · Reducir la anemia infantil"
    por_objetivo = {g["objetivo"]: g for g in lista.cobertura}
    assert list(por_objetivo) == ["OE1 · Reducir la anemia infantil", "OE2 · Mejorar la conectividad vial",
                                  pdlc.SIN_VINCULAR]
    oe1 = por_objetivo["OE1 · Reducir la anemia infantil"]
    assert (oe1["propuestas"], oe1["votos"], oe1["financiadas"], oe1["financiado_soles"]) == (2, 12, 2, 550_000)
    assert por_objetivo["OE2 · Mejorar la conectividad vial"]["nota"] == "Ninguna propuesta lo atiende"
    assert por_objetivo[pdlc.SIN_VINCULAR]["propuestas"] == 4
    libro = load_workbook(io.BytesIO(exportar.a_xlsx(lista)))
    hoja_ = libro["Cobertura del PDLC"]
    assert [c.value for c in hoja_[2]][:5] == ["OE1 · Reducir la anemia infantil", 2, 12, 2, 550_000]
    assert "Objetivo del PDLC" in [c.value for c in libro["Priorizadas"][1]]
    from tests.conftest import texto_de_pdf

    texto = " ".join(texto_de_pdf(exportar.a_pdf(lista), tmp_path).split())
    assert "Cobertura del PDLC" in texto and "Ninguna propuesta lo" in texto  # la nota se parte en dos renglones
    assert "OE1 · Reducir la anemia infantil 2 12 2 550,000.00" in texto
    assert "Sin vincular al PDLC 4 10 0 0.00" in texto


def test_quien_propone_elige_un_objetivo_del_pdlc_y_la_propuesta_nace_vinculada(db_proceso):
    from tests.conftest import DATOS_JOVEN, HOY_REGISTRO

    db = db_proceso
    proceso = propuestas_servicios.proceso_actual(db)
    assert pdlc.ejes_para_proponer(db, proceso.ejes) == proceso.ejes  # sin PDLC, los ejes del proceso
    pdlc.importar(db, como_csv(FILAS), "pdlc.csv", nombre_plan="PDLC Huaylas", actor=ADMIN, ahora=HOY_REGISTRO)
    ofrecidos = pdlc.ejes_para_proponer(db, proceso.ejes)
    assert ofrecidos[:2] == ("OE1 · Reducir la anemia infantil", "OE2 · Mejorar la conectividad vial")
    assert ofrecidos[2:] == proceso.ejes
    registradas = []
    for eje in (ofrecidos[0], proceso.ejes[0]):
        clave = propuestas_servicios.crear_borrador(db, proceso.id, actor=ADMIN, ahora=HOY_REGISTRO)
        propuestas_servicios.guardar_borrador(db, clave, {**DATOS_JOVEN, "eje": eje}, ahora=HOY_REGISTRO)
        registradas.append(propuestas_servicios.registrar(db, clave, actor=ADMIN, ahora=HOY_REGISTRO).codigo)
    fichas = [propuestas_servicios.obtener(db, c, actor=PUBLICO) for c in registradas]
    assert fichas[0].pdlc == "OE1 · Reducir la anemia infantil (PDLC Huaylas)" and fichas[0].propuesta.eje == ofrecidos[0]
    assert fichas[1].pdlc is None  # un eje del proceso: sin vincular hasta que el equipo técnico lo haga


def test_las_fichas_de_papel_eligen_un_objetivo_del_pdlc_y_nacen_vinculadas(db_proceso):
    import io

    from openpyxl import load_workbook

    from geo import servicios as territorio
    from propuestas import hoja, importar
    from propuestas import servicios as ps
    from tests.ayudas import BUENA
    from tests.conftest import HOY_REGISTRO

    db = db_proceso
    pdlc.importar(db, como_csv(FILAS), "pdlc.csv", nombre_plan="PDLC Huaylas", actor=ADMIN, ahora=HOY_REGISTRO)
    proceso = ps.proceso_actual(db)
    ejes = pdlc.ejes_para_proponer(db, proceso.ejes)
    libro = load_workbook(io.BytesIO(hoja.plantilla_xlsx(proceso, territorio.cargar_territorio(db),
                                                         territorio.centros_poblados(db), ejes)))
    listas = libro["Listas"]
    columna = next(c for c in listas[1] if c.value == "Eje del PDLC").column_letter
    assert [c.value for c in listas[columna][1:3]] == ["OE1 · Reducir la anemia infantil",
                                                       "OE2 · Mejorar la conectividad vial"]
    filas_ = [{**BUENA, "Eje del PDLC": "OE2"},
              {**BUENA, "N.º de ficha": "F-002", "Título": "Trocha carrozable a Huashca", "Eje del PDLC": "oe1 · "
               "reducir la anemia infantil"},
              {**BUENA, "N.º de ficha": "F-003", "Título": "Losa deportiva en Pampa", "Eje del PDLC": "OE9"}]
    revision = importar.revisar(db, proceso.id, como_csv(filas_), "fichas.csv", ahora=HOY_REGISTRO)
    assert [f.problemas for f in revision.filas][:2] == [[], []]
    assert "«OE9» no corresponde a un solo objetivo o eje" in " ".join(revision.filas[2].problemas)
    importar.importar(db, proceso.id, como_csv(filas_[:2]), "fichas.csv", actor=ADMIN, ahora=HOY_REGISTRO)
    vinculos = {f["titulo"]: pdlc.vinculo(db, f["id"]) for f in db["propuestas"].rows_where("codigo IS NOT NULL")}
    assert vinculos == {"Agua potable para Cochamarca": "OE2 · Mejorar la conectividad vial (PDLC Huaylas)",
                        "Trocha carrozable a Huashca": "OE1 · Reducir la anemia infantil (PDLC Huaylas)"}


def test_la_version_vigente_se_edita_como_hoja_y_se_guarda_como_version_nueva(db):
    propuestas_servicios.preparar(db)
    pdlc.importar(db, como_csv(FILAS), "pdlc.csv", nombre_plan="PDLC Huaylas", actor=ADMIN, ahora=HOY_EVALUACION)
    antes = pdlc.vigente(db)
    filas_ = pdlc.filas_de(antes)
    assert pdlc.revisar(pdlc.como_csv(filas_), "edición").es_importable
    filas_[0]["Objetivo estratégico"] = "Reducir la anemia y la desnutrición infantil"
    filas_[1]["Objetivo estratégico"] = "Reducir la anemia y la desnutrición infantil"
    filas_.append({"Código del objetivo": "OE3", "Objetivo estratégico": "Fortalecer la participación juvenil"})
    pdlc.importar(db, pdlc.como_csv(filas_), "edición en la plataforma", nombre_plan="PDLC Huaylas (2.ª edición)",
                  actor=ADMIN, ahora=HOY_EVALUACION)
    despues = pdlc.vigente(db)
    assert despues.version["id"] != antes.version["id"]
    assert [o["nombre"] for o in despues.objetivos] == ["Reducir la anemia y la desnutrición infantil",
                                                        "Mejorar la conectividad vial",
                                                        "Fortalecer la participación juvenil"]
    assert [len(o["acciones"]) for o in despues.objetivos] == [len(o["acciones"]) for o in antes.objetivos] + [0]
    filas_[0]["Objetivo estratégico"] = "Otro nombre"  # el mismo código con dos nombres: no se guarda nada
    with pytest.raises(DatosInvalidos, match="ya es del objetivo"):
        pdlc.importar(db, pdlc.como_csv(filas_), "edición", nombre_plan="PDLC", actor=ADMIN, ahora=HOY_EVALUACION)
