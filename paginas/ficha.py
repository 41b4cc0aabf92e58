"""Piezas de interfaz de una propuesta: la ficha pública y el desglose de la evaluación técnica."""
import streamlit as st

from identidad.acceso import rol_publico
from nucleo.formato import formatear_momento, formatear_soles
from paginas import comun
from paginas.comun import texto_plano
from paginas.traduccion import t, t_etiqueta
from propuestas.modelo import FRANJAS_EDAD, MADUREZ, PUNTAJE_MAXIMO, TIPOS_INTERVENCION, TIPOS_PROPONENTE, Estado
from propuestas.servicios import Ficha


def parrafos(texto: str | None) -> str:
    return texto_plano(texto or "—")


def mostrar_ficha(ficha: Ficha, foto: bytes | None) -> None:
    p = ficha.propuesta
    st.header(f"{p.codigo} · {texto_plano(p.titulo)}", anchor=False)
    lugar = texto_plano(p.distrito or "")
    if p.centro_poblado:
        lugar += " · " + t("cerca de {centro_poblado}", centro_poblado=texto_plano(p.centro_poblado.title()))
    st.markdown(t("**Estado:** {estado} · **Distrito:** {lugar} · **Proceso:** {proceso}",
                  estado=t_etiqueta(p.estado.etiqueta), lugar=lugar, proceso=texto_plano(ficha.proceso.nombre)))
    if p.fusionada_con:
        st.info(t("Esta propuesta se fusionó con {enlace}.",
                  enlace=f"[{p.fusionada_con}](?propuesta={p.fusionada_con})"))
    if ficha.fusionadas:
        st.caption(t("Absorbió a: {enlaces}", enlaces=", ".join(f"[{c}](?propuesta={c})" for c in ficha.fusionadas)))
    if p.motivo_estado:
        st.caption(t("Motivo del estado: {motivo}", motivo=texto_plano(p.motivo_estado)))
    if foto:
        st.image(foto, width=360)
    st.markdown(f"**{t('El problema')}**  \n{parrafos(p.problema)}")
    st.markdown(f"**{t('Qué proponen hacer')}**  \n{parrafos(p.propuesta)}")
    if p.objetivo:
        st.markdown(f"**{t('Objetivo')}**  \n{parrafos(p.objetivo)}")
    propone = t("**Propone:** {firma} ({tipo})", firma=texto_plano(p.quien_firma),
                tipo=_etiqueta(TIPOS_PROPONENTE, p.proponente_tipo))
    if p.organizacion:
        propone += f" — {texto_plano(p.organizacion)}"
    if p.organizacion_de_mujeres:
        propone += " " + t("(organización de mujeres)")
    st.markdown(propone)
    detalles = {
        t("PDLC"): ficha.pdlc or t("sin vincular"), t("Eje del PDLC (lo que escribió quien propuso)"): p.eje,
        t("Tipo"): _etiqueta(TIPOS_INTERVENCION, p.tipo),
        t("Servicio público"): p.servicio_publico, t("Indicador de brecha"): p.indicador_brecha,
        t("Costo estimado"): formatear_soles(p.costo_centimos) if p.costo_centimos is not None else None,
        t("Operación y mantenimiento (anual)"): formatear_soles(p.costo_om_centimos) if p.costo_om_centimos else None,
        t("Cofinanciamiento"): (formatear_soles(p.cofinanciamiento_centimos) if p.cofinanciamiento_centimos
                                else None),
        t("Plazo"): t("{n} meses", n=p.plazo_meses) if p.plazo_meses else None,
        t("Madurez"): _etiqueta(MADUREZ, p.madurez), t("CUI"): p.cui, t("Sostenibilidad"): p.sostenibilidad,
    }
    beneficiarios = p.beneficiarios or {}
    if any(beneficiarios.values()):
        detalles[t("Beneficiarios directos")] = t("{mujeres} mujeres, {hombres} hombres",
                                                  mujeres=f"{beneficiarios.get('directos_mujeres', 0):,}",
                                                  hombres=f"{beneficiarios.get('directos_hombres', 0):,}")
        detalles[t("Beneficiarios indirectos")] = f"{beneficiarios.get('indirectos', 0):,}"
        edades = ", ".join(f"{t_etiqueta(etiqueta)}: {beneficiarios.get(f'edad_{f}', 0):,}"
                           for f, etiqueta in FRANJAS_EDAD.items() if beneficiarios.get(f"edad_{f}"))
        if edades:
            detalles[t("Por edad")] = edades
    dato, valor = t("Dato"), t("Valor")
    comun.tabla([{dato: k, valor: v} for k, v in detalles.items() if v], vacia=t("Sin más detalles."))
    if ficha.evaluaciones:
        st.subheader(t("Evaluación técnica"), anchor=False)
        mostrar_desglose(ficha)
    st.subheader(t("Historia"), anchor=False)
    if p.estado in (Estado.PRIORIZADA, Estado.EN_ACTA):
        st.page_link("paginas/priorizado.py",
                     label=t("¿Qué pasó con ella? Su seguimiento: fase, presupuesto y avance"),
                     query_params={"proyecto": p.codigo}, icon=":material/timeline:")
    if ficha.viene_de:
        st.page_link("paginas/propuestas.py", label=t("Viene de {codigo}, de un proceso anterior (viable, no "
                                                      "financiada)", codigo=ficha.viene_de),
                     query_params={"propuesta": ficha.viene_de}, icon=":material/history:")
    for codigo in ficha.sigue_en:
        st.page_link("paginas/propuestas.py", label=t("Sigue en {codigo}, en un proceso siguiente", codigo=codigo),
                     query_params={"propuesta": codigo}, icon=":material/arrow_forward:")
    fecha, desde, hacia, quien, motivo = t("Fecha (hora del Perú)"), t("De"), t("A"), t("Quién"), t("Motivo")
    comun.tabla([{fecha: formatear_momento(h["ocurrido_en"]), desde: t_etiqueta(Estado(h["desde"]).etiqueta),
                  hacia: t_etiqueta(Estado(h["hacia"]).etiqueta), quien: t_etiqueta(rol_publico(h["actor"])),
                  motivo: h["motivo"] or ""}
                 for h in ficha.historial], vacia=t("Sin cambios de estado todavía."))


def _etiqueta(etiquetas: dict[str, str], valor: str | None) -> str | None:
    """La etiqueta traducida de un valor de una lista fija (el valor tal cual si no está en la lista)."""
    return t_etiqueta(etiquetas[valor]) if valor in etiquetas else valor


def mostrar_tarjeta(fila: dict) -> None:
    """Una propuesta de la lista, en una tarjeta que cabe en un celular (390 px) sin desplazarse de lado: código,
    estado, título, distrito y costo, y el enlace a su ficha (dentro de la misma sesión, sin recargar)."""
    codigo = fila["codigo"]
    with st.container(border=True, key=f"tarjeta_{codigo}"):
        st.markdown(f"**{codigo}** · {t_etiqueta(Estado(fila['estado']).etiqueta)}  \n"
                    f"**{texto_plano(fila['titulo'])}**")
        if fila.get("costo_validado_centimos") is not None:
            costo = t("costo validado {costo}", costo=formatear_soles(fila["costo_validado_centimos"]))
        elif fila.get("costo_centimos") is not None:
            costo = t("costo estimado {costo}", costo=formatear_soles(fila["costo_centimos"]))
        else:
            costo = t("sin costo estimado")
        detalle = [texto_plano(fila["distrito"] or t("sin distrito")), costo]
        if fila.get("proponente_tipo") == "joven":
            detalle.append(t("juvenil"))
        if fila.get("organizacion_de_mujeres"):
            detalle.append(t("organización de mujeres"))
        if apoyos := fila.get("apoyos"):
            detalle.append(t("1 apoyo") if apoyos == 1 else t("{n} apoyos", n=apoyos))
        if argumentos := fila.get("argumentos"):
            detalle.append(t("1 argumento") if argumentos == 1 else t("{n} argumentos", n=argumentos))
        st.caption(" · ".join(detalle))
        st.page_link("paginas/propuestas.py", label=t("Ver la propuesta"), icon=":material/arrow_forward:",
                     icon_position="right", query_params={"propuesta": codigo})


def mostrar_desglose(ficha: Ficha) -> None:
    """Puntaje técnico ponderado y su desglose por criterio (la última evaluación)."""
    evaluacion = ficha.evaluaciones[0]
    criterio, peso, puntaje, aporte = t("Criterio"), t("Peso"), t("Puntaje (0–3)"), t("Aporte")
    filas = [{criterio: t_etiqueta(c.nombre), peso: c.peso, puntaje: evaluacion["puntajes"].get(c.clave),
              aporte: round(c.peso * evaluacion["puntajes"].get(c.clave, 0) / PUNTAJE_MAXIMO, 2)}
             for c in ficha.proceso.criterios]
    st.metric(t("Puntaje técnico"), f"{evaluacion['puntaje']:.2f} / 100")
    comun.tabla(filas, vacia=t("El proceso no tiene criterios."), key=f"desglose_{ficha.propuesta.codigo}")
    viable = {None: t("sin decidir"), 1: t("viable"), 0: t("no viable")}[evaluacion["viable"]]
    st.caption(t("Evaluó el equipo técnico el {fecha} · costo validado {costo} · {viable}",
                 fecha=evaluacion["creada_en"][:10], costo=formatear_soles(evaluacion["costo_validado_centimos"]),
                 viable=viable)
               + (f" · {texto_plano(evaluacion['notas'])}" if evaluacion["notas"] else ""))
