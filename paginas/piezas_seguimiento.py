"""Piezas del seguimiento que usan la página pública y la del equipo: la ficha de un proyecto con su línea de
tiempo, la leyenda de fases y el formulario de una actualización. Todo texto de usuario pasa por `texto_plano` (o
`html.escape` dentro de HTML). Lo que ve el público va en el idioma de la página (`t`); el formulario, que solo usa
el equipo técnico, queda en castellano."""
from __future__ import annotations

import datetime as dt
import html
import math

import streamlit as st

from nucleo.formato import formatear_fecha, formatear_soles, soles_a_centimos
from paginas import comun
from paginas.pantalla import qr_imagen
from paginas.traduccion import t, t_etiqueta, t_mensaje
from propuestas import fotos, seguimiento
from propuestas.seguimiento.modelo import COLOR_SIN_FASE, SIN_FASE, Fase
from votacion import vigilancia

ICONOS = {"votacion": ":material/how_to_vote:", "acta": ":material/gavel:", "pia": ":material/account_balance:",
          "hito": ":material/flag:", "actualizacion": ":material/update:", "observacion": ":material/visibility:"}
SIN_CAMBIO = "(sin cambio)"
LIMITE_MB = math.ceil(max(fotos.MAXIMO_MB, seguimiento.MAXIMO_PDF_MB))


def chip(texto: str, color: str) -> str:
    return (f'<span style="background:{color};color:#fff;border-radius:12px;padding:2px 10px;font-weight:600;'
            f'font-size:0.9rem">{html.escape(texto)}</span>')


def leyenda_de_fases() -> None:
    """Cada color del mapa con su nombre (el color nunca va solo)."""
    partes = [chip(t_etiqueta(f.etiqueta), f.color) for f in Fase] + [chip(t_etiqueta(SIN_FASE), COLOR_SIN_FASE)]
    st.html(f'<div style="display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 10px" '
            f'aria-label="{html.escape(t("Leyenda de fases"))}">' + "".join(partes) + "</div>")


def textos_de_alertas(alertas: seguimiento.Alertas) -> list[str]:
    """Las alertas en el idioma de la página."""
    return [t_mensaje(m) for m in alertas.mensajes()]


def _por_ciento(valor: float | None) -> str:
    return "—" if valor is None else f"{valor:g} %"


def ficha_publica(db, proyecto: seguimiento.Proyecto, hoy: dt.date) -> None:
    s = proyecto.situacion
    st.title(comun.texto_plano(proyecto.titulo))
    st.caption(t("{codigo} · distrito de {distrito} · {proceso}", codigo=comun.texto_plano(proyecto.codigo),
                 distrito=comun.texto_plano(proyecto.distrito), proceso=comun.texto_plano(proyecto.proceso)))
    fase = t_etiqueta(s.etiqueta_fase) if proyecto.en_seguimiento else t("Priorizada: el acta aún no se firma")
    st.html(chip(fase, s.color if proyecto.en_seguimiento else COLOR_SIN_FASE))
    if s.motivo_fase:
        st.markdown(f"**{t('Motivo:')}** {comun.texto_plano(s.motivo_fase)}")
    for alerta in textos_de_alertas(proyecto.alertas):
        st.warning(comun.texto_plano(alerta), icon=":material/warning:")
    montos = st.columns(3)
    montos[0].metric(t("PIA {anio}", anio=s.anio_pia) if s.anio_pia else t("PIA"), formatear_soles(s.pia_centimos))
    montos[1].metric(t("PIM"), formatear_soles(s.pim_centimos))
    montos[2].metric(t("Devengado"), formatear_soles(s.devengado_centimos))
    st.progress((s.avance_fisico or 0) / 100, text=t("Avance físico: {valor}", valor=_por_ciento(s.avance_fisico)))
    st.progress((s.avance_financiero or 0) / 100,
                text=t("Avance financiero: {valor}", valor=_por_ciento(s.avance_financiero)))
    datos = [(t("Responsable"), " · ".join(x for x in (s.responsable_entidad, s.responsable_area) if x) or "—"),
             (t("CUI (Invierte.pe)"), s.cui or "—"),
             (t("Objetivo del PDLC"), proyecto.objetivo_pdlc or t("Sin vincular")),
             (t("Costo estimado en la votación"), formatear_soles(proyecto.costo_centimos))]
    st.markdown("\n".join(f"- **{nombre}:** {comun.texto_plano(valor)}" for nombre, valor in datos))
    st.header(t("Línea de tiempo"), anchor=False)
    momentos = seguimiento.linea_de_tiempo(db, proyecto.codigo, hoy=hoy) + vigilancia.momentos(db, proyecto.codigo)
    for momento in sorted(momentos, key=lambda m: m.fecha):
        with st.container(border=True):
            marca = f":red[**{t('Atención:')}**] " if momento.alerta else ""
            st.markdown(f"{ICONOS[momento.tipo]} **{formatear_fecha(momento.fecha)}** · {marca}"
                        f"{comun.texto_plano(momento.titulo)}")
            if momento.detalle:
                st.caption(comun.texto_plano(momento.detalle))
    _evidencias(db, proyecto.codigo)
    st.header(t("Enlace de este proyecto"), anchor=False)
    enlace = f"{comun.url_publica()}/priorizado?proyecto={proyecto.codigo}"
    izquierda, _ = st.columns([1, 2])
    izquierda.html(qr_imagen(enlace))
    st.caption(t("Para un cartel en la comunidad: {enlace}", enlace=comun.texto_plano(enlace)))


def _evidencias(db, codigo: str) -> None:
    con_evidencia = [f for f in seguimiento.actualizaciones(db, codigo) if f["evidencia_id"]]
    if not con_evidencia:
        return
    st.header(t("Evidencias"), anchor=False)
    for fila in con_evidencia[:12]:
        evidencia = seguimiento.evidencia(db, fila["evidencia_id"])
        leyenda = f"{formatear_fecha(dt.date.fromisoformat(fila['fecha']))} · {evidencia['nombre']}"
        if evidencia["tipo"] == "foto":
            st.image(evidencia["contenido"], caption=comun.texto_plano(leyenda), width=360)
        else:
            st.download_button(t("PDF: {leyenda}", leyenda=leyenda), evidencia["contenido"],
                               file_name=f"evidencia-{evidencia['id']}.pdf", mime="application/pdf",
                               icon=":material/download:", key=f"evidencia_{evidencia['id']}")


def formulario_actualizacion(codigo: str, situacion: seguimiento.Situacion, anteriores: list[dict], hoy: dt.date):
    """El formulario de una actualización (lo vacío no cambia). Devuelve los argumentos para
    `registrar_actualizacion` al enviarlo, o None. Lo escrito se queda si el servicio lo rechaza."""
    clave = f"seg_{codigo}"
    with st.form(f"{clave}_form"):
        st.markdown("Llene solo lo que cambió; lo vacío queda como está.")
        fecha = st.date_input("Fecha del dato", key=f"{clave}_fecha", format="DD/MM/YYYY",
                              value=hoy, max_value=hoy)
        opciones = [SIN_CAMBIO, *[f.etiqueta for f in Fase]]
        fase = st.selectbox(f"Fase de inversión (hoy: {situacion.etiqueta_fase})", opciones, key=f"{clave}_fase",
                            placeholder="Elija una opción")
        motivo = st.text_input("Motivo (si no se ejecutará)", key=f"{clave}_motivo", max_chars=500)
        columnas = st.columns(2)
        entidad = columnas[0].text_input("Entidad responsable", key=f"{clave}_entidad", max_chars=200,
                                         placeholder=situacion.responsable_entidad or "")
        area = columnas[1].text_input("Área responsable", key=f"{clave}_area", max_chars=200,
                                      placeholder=situacion.responsable_area or "")
        cui = columnas[0].text_input("CUI (7 dígitos)", key=f"{clave}_cui", max_chars=12,
                                     placeholder=situacion.cui or "")
        anio = columnas[1].text_input("Año del PIA", key=f"{clave}_anio", max_chars=4,
                                      placeholder=str(situacion.anio_pia or ""))
        montos = st.columns(3)
        pia = montos[0].text_input("PIA (S/)", key=f"{clave}_pia", placeholder=formatear_soles(situacion.pia_centimos))
        pim = montos[1].text_input("PIM (S/)", key=f"{clave}_pim", placeholder=formatear_soles(situacion.pim_centimos))
        devengado = montos[2].text_input("Devengado (S/)", key=f"{clave}_devengado",
                                         placeholder=formatear_soles(situacion.devengado_centimos))
        avances = st.columns(2)
        fisico = avances[0].text_input("Avance físico (%)", key=f"{clave}_fisico",
                                       placeholder=f"{situacion.avance_fisico:g}"
                                       if situacion.avance_fisico is not None else "")
        financiero = avances[1].text_input("Avance financiero (%)", key=f"{clave}_financiero",
                                           placeholder=f"{situacion.avance_financiero:g}"
                                           if situacion.avance_financiero is not None else "")
        nota = st.text_area("Nota (queda en la línea de tiempo pública)", key=f"{clave}_nota", max_chars=2000)
        corrige = st.selectbox("¿Corrige una actualización anterior?", [None, *[f["id"] for f in anteriores]],
                               key=f"{clave}_corrige",
                               format_func=lambda i: "No" if i is None else f"Sí, la n.º {i}",
                               placeholder="Elija una opción")
        evidencia = st.file_uploader("Evidencia (foto o PDF)", type=["jpg", "jpeg", "png", "webp", "pdf"],
                                     key=f"{clave}_evidencia",
                                     max_upload_size=LIMITE_MB)
        if not st.form_submit_button("Registrar la actualización", type="primary"):
            return None
    problemas = []
    valores: dict = {}
    for campo, texto in (("responsable_entidad", entidad), ("responsable_area", area), ("motivo_fase", motivo)):
        valores[campo] = texto.strip() or None
    valores["cui"] = cui.strip() or None
    valores["fase"] = next((f for f in Fase if f.etiqueta == fase), None)
    if anio.strip() and not anio.strip().isdigit():
        problemas.append(f"Año del PIA: «{anio}» no es un año.")
    elif anio.strip():
        valores["anio_pia"] = int(anio)
    for campo, texto in (("pia_centimos", pia), ("pim_centimos", pim), ("devengado_centimos", devengado)):
        try:
            valores[campo] = soles_a_centimos(texto)
        except ValueError as error:
            problemas.append(f"{seguimiento.ETIQUETAS[campo]}: {error}")
    for campo, texto in (("avance_fisico", fisico), ("avance_financiero", financiero)):
        try:
            valores[campo] = seguimiento.leer_porcentaje(texto)
        except ValueError as error:
            problemas.append(f"{seguimiento.ETIQUETAS[campo]}: {error}")
    if problemas:
        comun.mostrar_problemas(problemas)
        return None
    return {"cambios": seguimiento.Cambios(**{k: v for k, v in valores.items() if v is not None}), "fecha": fecha,
            "nota": nota, "corrige_id": corrige,
            "evidencia": (evidencia.getvalue(), evidencia.name) if evidencia is not None else None}

