"""Piezas de interfaz de una propuesta: la ficha pública y el desglose de la evaluación técnica."""
import streamlit as st

from identidad.acceso import rol_publico
from nucleo.formato import formatear_momento, formatear_soles
from paginas import comun
from paginas.comun import texto_plano
from propuestas.modelo import FRANJAS_EDAD, MADUREZ, PUNTAJE_MAXIMO, TIPOS_INTERVENCION, TIPOS_PROPONENTE, Estado
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
    st.markdown(f"**Propone:** {texto_plano(p.quien_firma)} ({quien})"
                + (f" — {texto_plano(p.organizacion)}" if p.organizacion else "")
                + (" (organización de mujeres)" if p.organizacion_de_mujeres else ""))
    detalles = {
        "PDLC": ficha.pdlc or "sin vincular", "Eje del PDLC (lo que escribió quien propuso)": p.eje,
        "Tipo": TIPOS_INTERVENCION.get(p.tipo or "", p.tipo),
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
    comun.tabla([{"Dato": k, "Valor": v} for k, v in detalles.items() if v], vacia="Sin más detalles.")
    if ficha.evaluaciones:
        st.subheader("Evaluación técnica", anchor=False)
        mostrar_desglose(ficha)
    st.subheader("Historia", anchor=False)
    if p.estado in (Estado.PRIORIZADA, Estado.EN_ACTA):
        st.page_link("paginas/priorizado.py", label="¿Qué pasó con ella? Su seguimiento: fase, presupuesto y avance",
                     query_params={"proyecto": p.codigo}, icon=":material/timeline:")
    if ficha.viene_de:
        st.page_link("paginas/propuestas.py", label=f"Viene de {ficha.viene_de}, de un proceso anterior (viable, no "
                     "financiada)", query_params={"propuesta": ficha.viene_de}, icon=":material/history:")
    for codigo in ficha.sigue_en:
        st.page_link("paginas/propuestas.py", label=f"Sigue en {codigo}, en un proceso siguiente",
                     query_params={"propuesta": codigo}, icon=":material/arrow_forward:")
    comun.tabla([{"Fecha (hora del Perú)": formatear_momento(h["ocurrido_en"]), "De": Estado(h["desde"]).etiqueta,
                  "A": Estado(h["hacia"]).etiqueta, "Quién": rol_publico(h["actor"]), "Motivo": h["motivo"] or ""}
                 for h in ficha.historial], vacia="Sin cambios de estado todavía.")


def mostrar_tarjeta(fila: dict) -> None:
    """Una propuesta de la lista, en una tarjeta que cabe en un celular (390 px) sin desplazarse de lado: código,
    estado, título, distrito y costo, y el enlace a su ficha (dentro de la misma sesión, sin recargar)."""
    codigo = fila["codigo"]
    with st.container(border=True, key=f"tarjeta_{codigo}"):
        st.markdown(f"**{codigo}** · {Estado(fila['estado']).etiqueta}  \n**{texto_plano(fila['titulo'])}**")
        if fila.get("costo_validado_centimos") is not None:
            costo = f"costo validado {formatear_soles(fila['costo_validado_centimos'])}"
        elif fila.get("costo_centimos") is not None:
            costo = f"costo estimado {formatear_soles(fila['costo_centimos'])}"
        else:
            costo = "sin costo estimado"
        detalle = [texto_plano(fila["distrito"] or "sin distrito"), costo]
        if fila.get("proponente_tipo") == "joven":
            detalle.append("juvenil")
        if fila.get("organizacion_de_mujeres"):
            detalle.append("organización de mujeres")
        cuentas = [f"{fila[clave]} {nombre if fila[clave] == 1 else nombre + 's'}"
                   for clave, nombre in (("apoyos", "apoyo"), ("argumentos", "argumento")) if fila.get(clave)]
        st.caption(" · ".join(detalle + cuentas))
        st.page_link("paginas/propuestas.py", label="Ver la propuesta", icon=":material/arrow_forward:",
                     icon_position="right", query_params={"propuesta": codigo})


def mostrar_desglose(ficha: Ficha) -> None:
    """Puntaje técnico ponderado y su desglose por criterio (la última evaluación)."""
    evaluacion = ficha.evaluaciones[0]
    filas = [{"Criterio": c.nombre, "Peso": c.peso, "Puntaje (0–3)": evaluacion["puntajes"].get(c.clave),
              "Aporte": round(c.peso * evaluacion["puntajes"].get(c.clave, 0) / PUNTAJE_MAXIMO, 2)}
             for c in ficha.proceso.criterios]
    st.metric("Puntaje técnico", f"{evaluacion['puntaje']:.2f} / 100")
    comun.tabla(filas, vacia="El proceso no tiene criterios.", key=f"desglose_{ficha.propuesta.codigo}")
    viable = {None: "sin decidir", 1: "viable", 0: "no viable"}[evaluacion["viable"]]
    st.caption(f"Evaluó el equipo técnico el {evaluacion['creada_en'][:10]} · "
               f"costo validado {formatear_soles(evaluacion['costo_validado_centimos'])} · {viable}"
               + (f" · {texto_plano(evaluacion['notas'])}" if evaluacion["notas"] else ""))
