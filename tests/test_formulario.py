"""El formulario de «Proponer» dicho una vez (propuestas.formulario): lo que pregunta concuerda con lo que valida
el dominio y con la plantilla de la hoja."""
from propuestas import formulario, hoja
from propuestas.modelo import CAMPOS_BENEFICIARIOS, OBLIGATORIOS, TIPOS_PROPONENTE


def test_cada_campo_obligatorio_se_pregunta_en_su_formulario():
    for profundidad, obligatorios in OBLIGATORIOS.items():
        completa = profundidad == "organizacion"
        preguntados = {p.campo for s in formulario.SECCIONES
                       for p in formulario.preguntas(s, completa=completa, datos={})}
        assert set(obligatorios) <= preguntados, profundidad


def test_el_formulario_rapido_es_corto_y_el_completo_pregunta_los_beneficiarios():
    rapido = [p.campo for s in formulario.SECCIONES for p in formulario.preguntas(s, completa=False, datos={})]
    assert rapido == ["titulo", "problema", "propuesta", "proponente_tipo", "proponente_nombre", "contacto",
                      "proponente_sexo", "proponente_edad", "consentimiento", "eje", "costo"]
    completo = {p.campo for s in formulario.SECCIONES for p in formulario.preguntas(s, completa=True, datos={})}
    assert set(CAMPOS_BENEFICIARIOS) <= completo


def test_una_organizacion_dice_su_nombre_tambien_en_el_formulario_rapido():
    quien = formulario.preguntas("quien", completa=False, datos={"proponente_tipo": "organizacion"})
    assert {"organizacion", "organizacion_de_mujeres"} <= {p.campo for p in quien}
    assert set(TIPOS_PROPONENTE) == set(formulario.PREGUNTAS[4].opciones)


def test_lo_que_pregunta_el_formulario_cabe_en_la_plantilla_de_la_hoja():
    columnas = {c.campo for c in hoja.COLUMNAS}
    sin_columna = [c for c in formulario.CAMPOS if c not in columnas]
    assert sin_columna == []
