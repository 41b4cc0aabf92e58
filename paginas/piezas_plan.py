"""El PDLC en la evaluación técnica: a qué objetivo o acción apunta la propuesta (lo que pesa en «alineamiento con el
PDLC»), y elegirlo de la versión vigente."""
import streamlit as st

import nucleo
from identidad.acceso import Actor
from nucleo.formato import formatear_soles
from paginas import comun
from propuestas import pdlc
from propuestas.modelo import Propuesta


def vinculo(propuesta: Propuesta, actual: str | None, actor: Actor) -> None:
    """Dice a qué apunta y, si hay un PDLC importado, deja elegir un objetivo o una acción (o ninguno)."""
    with comun.conexion() as db:
        plan = pdlc.vigente(db)
        eleccion = pdlc.eleccion_actual(db, propuesta.codigo)
    eje = f" El eje que escribió quien propuso: «{comun.texto_plano(propuesta.eje)}»." if propuesta.eje else ""
    if actual:
        st.info(f"**Alineamiento con el PDLC**: apunta a {comun.texto_plano(actual)}.{eje}", icon=":material/flag:")
    else:
        st.warning(f"**Alineamiento con el PDLC**: sin vincular.{eje}", icon=":material/flag:")
    if plan is None:
        st.caption("Aún no hay un PDLC importado: administración lo importa en «Plan (PDLC)».")
        return
    opciones = pdlc.opciones(plan)
    lista = [None, *opciones]
    with st.form(f"plan_vincular_{propuesta.codigo}", border=False):
        elegida = st.selectbox(f"Objetivo o acción de «{plan.version['nombre']}»", lista,
                               index=lista.index(eleccion) if eleccion in lista else 0,
                               format_func=lambda o: "— sin vincular —" if o is None else opciones[o],
                               key=f"plan_eleccion_{propuesta.codigo}", placeholder="Escriba para buscar")
        if st.form_submit_button("Guardar el vínculo", icon=":material/link:"):
            comun.ejecutar(lambda db: pdlc.vincular(db, propuesta.codigo, elegida, actor=actor, ahora=nucleo.ahora()),
                           f"Vínculo con el PDLC de {propuesta.codigo} guardado.")


def cobertura(resultado) -> None:
    """En los resultados: por objetivo del PDLC vigente, propuestas, votos y lo financiado (y los que nadie atiende)."""
    with comun.conexion() as db:
        if pdlc.vigente(db) is None:
            return
        objetivos = pdlc.objetivos_por_codigo(db, [f["codigo"] for f in resultado.filas])
        grupos = pdlc.cobertura(db, [{"objetivo_pdlc": objetivos.get(f["codigo"]), "votos": f["votos"],
                                      "financiada": "sí" if f["financiada"] else "no",
                                      "costo_soles": f["costo_centimos"] / 100} for f in resultado.filas])
    st.subheader("Cobertura del PDLC", anchor=False)
    comun.tabla([{"Objetivo": g["objetivo"], "Propuestas": g["propuestas"], "Votos": g["votos"],
                  "Financiadas": g["financiadas"], "Financiado": formatear_soles(round(g["financiado_soles"] * 100)),
                  "Nota": g["nota"]} for g in grupos], vacia="El PDLC vigente no tiene objetivos.",
                key="resultados_cobertura")
