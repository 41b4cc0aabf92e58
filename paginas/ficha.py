"""Piezas de interfaz de una propuesta: la ficha pública y el desglose de la evaluación técnica."""
import streamlit as st

from geo.acceso import rol_publico
from paginas.comun import texto_plano
from propuestas.modelo import FRANJAS_EDAD, MADUREZ, PUNTAJE_MAXIMO, TIPOS_INTERVENCION, TIPOS_PROPONENTE, formatear_soles
from propuestas.servicios import Ficha


def parrafos(texto: str | None) -> str:
    return texto_plano(texto or "—")


def mostrar_ficha(ficha: Ficha, foto: bytes | None) -> None:
    p = ficha.propuesta
    st.header(f"{p.codigo} · {texto_plano(p.titulo)}", anchor=False)
    lugar = texto_plano(p.distrito or "") + (f" · cerca de {texto_plano(p.centro_poblado.title())}" if p.centro_poblado else "")
    st.markdown(f"**Estado:** {p.estado.etiqueta} · **Distrito:** {lugar} · **Proceso:** {texto_plano(ficha.proceso.nombre)}")
    if p.fusionada_con:
        st.info(f"Esta propuesta se fusionó con [{p.fusionada_con}](?propuesta={p.fusionada_con}).")
    if ficha.fusionadas:
        st.caption("Absorbió a: " + ", ".join(f"[{c}](?propuesta={c})" for c in ficha.fusionadas))
    if p.motivo_estado:
        st.caption(f"Motivo del estado: {texto_plano(p.motivo_estado)}")
    if foto:
        st.image(foto, width=360)
    st.markdown(f"**El problema**  \n{parrafos(p.problema)}")
    st.markdown(f"**Qué proponen hacer**  \n{parrafos(p.propuesta)}")
    if p.objetivo:
        st.markdown(f"**Objetivo**  \n{parrafos(p.objetivo)}")
    quien = TIPOS_PROPONENTE.get(p.proponente_tipo, p.proponente_tipo)
    st.markdown(f"**Propone:** {texto_plano(p.proponente_nombre)} ({quien})"
                + (f" — {texto_plano(p.organizacion)}" if p.organizacion else ""))
    detalles = {
        "Eje del PDLC": p.eje, "Tipo": TIPOS_INTERVENCION.get(p.tipo or "", p.tipo),
        "Servicio público": p.servicio_publico, "Indicador de brecha": p.indicador_brecha,
        "Costo estimado": formatear_soles(p.costo_centimos) if p.costo_centimos is not None else None,
        "Operación y mantenimiento (anual)": formatear_soles(p.costo_om_centimos) if p.costo_om_centimos else None,
        "Cofinanciamiento": formatear_soles(p.cofinanciamiento_centimos) if p.cofinanciamiento_centimos else None,
        "Plazo": f"{p.plazo_meses} meses" if p.plazo_meses else None,
        "Madurez": MADUREZ.get(p.madurez or "", p.madurez), "CUI": p.cui, "Sostenibilidad": p.sostenibilidad,
    }
    beneficiarios = p.beneficiarios or {}
    if any(beneficiarios.values()):
        detalles["Beneficiarios directos"] = (f"{beneficiarios.get('directos_mujeres', 0):,} mujeres, "
                                             f"{beneficiarios.get('directos_hombres', 0):,} hombres")
        detalles["Beneficiarios indirectos"] = f"{beneficiarios.get('indirectos', 0):,}"
        edades = ", ".join(f"{etiqueta}: {beneficiarios.get(f'edad_{f}', 0):,}" for f, etiqueta in FRANJAS_EDAD.items()
                           if beneficiarios.get(f"edad_{f}"))
        if edades:
            detalles["Por edad"] = edades
    filas = [{"Dato": k, "Valor": v} for k, v in detalles.items() if v]
    if filas:
        st.dataframe(filas, hide_index=True, width="stretch")
    if ficha.evaluaciones:
        st.subheader("Evaluación técnica", anchor=False)
        mostrar_desglose(ficha)
    st.subheader("Historia", anchor=False)
    st.dataframe([{"Fecha": h["ocurrido_en"][:16].replace("T", " "), "De": h["desde"].replace("_", " "),
                   "A": h["hacia"].replace("_", " "), "Quién": rol_publico(h["actor"]), "Motivo": h["motivo"] or ""}
                  for h in ficha.historial], hide_index=True, width="stretch")


def mostrar_desglose(ficha: Ficha) -> None:
    """Puntaje técnico ponderado y su desglose por criterio (la última evaluación)."""
    evaluacion = ficha.evaluaciones[0]
    filas = [{"Criterio": c.nombre, "Peso": c.peso, "Puntaje (0–3)": evaluacion["puntajes"].get(c.clave),
              "Aporte": round(c.peso * evaluacion["puntajes"].get(c.clave, 0) / PUNTAJE_MAXIMO, 2)}
             for c in ficha.proceso.criterios]
    st.metric("Puntaje técnico", f"{evaluacion['puntaje']:.2f} / 100")
    st.dataframe(filas, hide_index=True, width="stretch", key=f"desglose_{ficha.propuesta.codigo}")
    viable = {None: "sin decidir", 1: "viable", 0: "no viable"}[evaluacion["viable"]]
    st.caption(f"Evaluó el equipo técnico el {evaluacion['creada_en'][:10]} · "
               f"costo validado {formatear_soles(evaluacion['costo_validado_centimos'])} · {viable}"
               + (f" · {texto_plano(evaluacion['notas'])}" if evaluacion["notas"] else ""))
