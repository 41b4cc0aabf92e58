"""Proyector del taller (`proyector?taller=ID`): pantalla completa, letra grande y alto contraste.

Muestra el QR para unirse, los contadores en vivo (personas unidas, papeletas, por distrito), la cuenta
regresiva y, cuando la facilitación los revela (o al cerrar), los resultados: ranking, techo y mapa. Al cierre
definitivo, el ancla de la cadena (cabeza y eslabones: la misma del acta y del `.pb`, para fotografiarla); y
siempre, las propuestas retiradas de la votación con su motivo.
Se actualiza solo (un fragmento cada segundo, sin recargar la página ni el mapa) y es público: si se
recarga la pestaña del proyector en pleno taller no hace falta volver a entrar; por eso muestra solo lo
que ya es público.
"""
import contextlib
import html

import streamlit as st

import nucleo
from geo import servicios as territorio
from geo.dibujo import Dibujo, dibujo_de
from identidad.acceso import PUBLICO, Accion
from nucleo.errores import NoEncontrada
from nucleo.formato import formatear_soles_corto
from paginas import comun, pantalla
from paginas import piezas_proyector as piezas
from propuestas import servicios as propuestas_servicios
from votacion import servicios
from votacion.modelo import EstadoVotacion

FILAS_RANKING = 8
LETRA_MAPA = 30  # px de diseño (a 1920×1080): más de 1/40 del alto, como toda la letra del proyector
SE_PUEDE_UNIR = (EstadoVotacion.PREPARADA, EstadoVotacion.ABIERTA, EstadoVotacion.PAUSADA)


def elegir(db) -> int | None:
    """La votación de `?taller=` (o `?votacion=`); si no, la abierta o en pausa más reciente del proceso actual."""
    pedido = st.query_params.get("taller", "") or st.query_params.get("votacion", "")
    if pedido.isdigit() and len(pedido) <= 9:
        return int(pedido)
    proceso = propuestas_servicios.proceso_actual(db)
    votaciones = servicios.listar(db, proceso.id) if proceso else []
    activas = [v for v in votaciones if v.estado.en_curso]
    candidatas = activas or votaciones
    return candidatas[0].id if candidatas else None


@st.cache_resource(max_entries=4, show_spinner=False)
def formas(ruta: str, importacion_id: int) -> Dibujo | None:
    """Los distritos proyectados, una vez por importación de límites (no en cada segundo del proyector). Un solo
    objeto para todas las sesiones (no se modifica): copiarlo cada segundo costaba más que dibujar el mapa."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        vigente = territorio.cargar_territorio(db)
    return dibujo_de(vigente) if vigente and vigente.distritos else None


@st.cache_data(max_entries=16, show_spinner=False)
def contar_en_vivo(ruta: str, votacion_id: int, version: tuple) -> servicios.ResultadoVotacion:
    """Solo la regla oficial (milisegundos); se recuenta únicamente si llegó otra papeleta o cambió algo.
    Solo el cómputo: si se muestra lo decide antes `servicios.puede_ver_resultados` para el público."""
    with contextlib.closing(nucleo.abrir(ruta)) as db:
        return servicios.contar_votacion(db, votacion_id, comparar=False)


comun.exigir_pagina(Accion.VER)
st.html(pantalla.ESTILO_PROYECTOR)
comun.vigilar_reinicio()
with comun.conexion() as db:
    votacion_id = elegir(db)
if votacion_id is None:
    st.html(f'<div class="pz"><p class="pz-nombre">{html.escape(comun.t("Aún no hay ninguna votación."))}</p>'
            f'{html.escape(comun.t("La facilitación la crea en «Taller en vivo»."))}</div>')
    st.stop()


@st.cache_data(max_entries=32, show_spinner=False)
def _mapa(ruta: str, importacion_id: int, valores: tuple, rotulos: tuple, titulo: str, ancho: int, alto: int) -> str:
    """El mapa SVG (colores y rótulos sin pisarse) se rehace solo si cambió algún valor o el idioma, no cada segundo.
    Los textos llegan ya traducidos (son parte de la clave): aquí no se lee la sesión."""
    textos = dict(rotulos)
    return pantalla.mapa_svg(formas(ruta, importacion_id), dict(valores), texto_valor=lambda v: textos.get(v, ""),
                             titulo=titulo, ancho=ancho, alto=alto, letra=LETRA_MAPA)


def mapa(ruta: str, importacion_id: int, valores: tuple, que: str, ancho: int, alto: int) -> str:
    """El mapa de papeletas o de montos por distrito, con su rótulo y su título en el idioma de la página."""
    texto, titulo = ((piezas.papeletas_texto, comun.t("Papeletas por distrito de quien votó")) if que == "papeletas"
                     else (formatear_soles_corto, comun.t("Monto financiado por distrito")))
    rotulos = tuple((v, texto(v)) for v in sorted({v for _, v in valores}))
    return _mapa(ruta, importacion_id, valores, rotulos, titulo, ancho, alto)


@st.fragment(run_every=1)
def en_vivo() -> None:
    """Todo lo que cambia: estado, reloj, contadores y resultados. Un segundo por vuelta: el reloj no salta;
    lo que no cambió vuelve igual y el navegador no lo redibuja (el mapa es SVG, no un iframe).

    Todo cabe en la pantalla sin desplazarse (1920×1080 o 1280×720: la letra y las cajas se miden en vw/vh):
    mientras se pueda votar, el QR y su dirección siguen a la vista, también tras revelar los resultados."""
    ruta = str(comun.ruta_db())
    with comun.conexion() as db:
        try:
            votacion = servicios.obtener(db, votacion_id)
        except NoEncontrada as error:
            st.warning(comun.texto_plano(str(error)))
            return
        vivo = servicios.en_vivo(db, votacion_id)
        retiradas = servicios.retiradas(db, votacion_id)
        ancla = servicios.ancla(db, votacion_id) if votacion.estado == EstadoVotacion.CERRADA else None
        revelar = servicios.puede_ver_resultados(votacion, PUBLICO)  # lo ve la sala: lo del público, lo abra quien sea
        resultado = contar_en_vivo(ruta, votacion_id, servicios.version(db, votacion_id)) if revelar else None
        importacion = territorio.ultima_importacion(db, "limites")
        nombres = territorio.nombres_de_distritos(db)
    restantes = servicios.segundos_restantes(votacion, nucleo.ahora())
    cerrada = votacion.estado == EstadoVotacion.CERRADA
    se_une = votacion.estado in SE_PUEDE_UNIR
    estado = (f'<span class="pz-estado pz-{votacion.estado.value}">'
              f"{html.escape(comun.t_etiqueta(votacion.estado.etiqueta))}</span>"
              + html.escape(votacion.lugar))
    cabeza, reloj = st.columns([5, 1], vertical_alignment="center")
    cabeza.html(f'<div class="pz"><p class="pz-nombre">{html.escape(votacion.nombre)}</p>{estado}</div>')
    reloj.html(f'<div class="pz">{pantalla.reloj(None if cerrada else restantes)}</div>')
    hay_mapa = importacion is not None and formas(ruta, importacion["id"]) is not None
    enlace = comun.url_del_taller(votacion.id)
    if resultado is None:
        izquierda, derecha = st.columns([3, 2], gap="medium")
        tabla = "" if hay_mapa else piezas.contadores_por_distrito(vivo, nombres)
        izquierda.html(f'<div class="pz">{piezas.contadores(vivo)}{tabla}{piezas.retiros_html(retiradas)}</div>')
        if hay_mapa:
            nota_papeletas = comun.t("Papeletas por distrito de quien votó (las de papel no tienen distrito).")
            valores = tuple(sorted((u, d["papeletas"]) for u, d in vivo["por_distrito"].items() if u))
            izquierda.html(f'<div class="pz">{mapa(ruta, importacion["id"], valores, "papeletas", 1060, 600)}'
                           f'<div class="pz-nota">{html.escape(nota_papeletas)}</div></div>')
        if se_une:
            derecha.html(f'<div class="pz pz-unirse-grande">{piezas.unirse(enlace)}</div>')
        return
    financiadas = [f for f in resultado.filas if f["financiada"]]
    usado = votacion.techo_centimos - resultado.sobrante_centimos
    titulo = comun.t("Resultado final") if cerrada else comun.t("Resultados en vivo (parciales)")
    etiqueta = (comun.t("Puntaje combinado") if votacion.regla == "prioridad-combinada" else
                comun.t_etiqueta(votacion.tipo.etiqueta_puntaje) if votacion.tipo.etiqueta_puntaje else
                comun.t("Votos"))
    resumen = comun.t("{financiadas} financiadas por {usado} de {techo} · {papeletas} papeletas",
                      financiadas=len(financiadas), usado=piezas.soles(usado),
                      techo=piezas.soles(votacion.techo_centimos), papeletas=resultado.votantes)
    sin_papeletas = html.escape(comun.t("Aún no hay papeletas."))
    ranking = (f'<div class="pz"><b>{html.escape(titulo)}</b> · {html.escape(resumen)}'
               + pantalla.barra_del_techo(resultado, alto="1.4em", letra="0.75em")
               + (pantalla.barras_ranking(resultado, filas=FILAS_RANKING, etiqueta_puntaje=etiqueta)
                  + piezas.no_financiada(resultado) if resultado.votantes else f"<p>{sin_papeletas}</p>")
               + piezas.retiros_html(retiradas) + "</div>")
    montos: dict[str, float] = {}
    for fila in financiadas:
        montos[fila["ubigeo"]] = montos.get(fila["ubigeo"], 0) + fila["costo_centimos"]
    nota_mapa = (f'<div class="pz-nota">{html.escape(comun.t("Monto financiado por distrito de la propuesta."))}'
                 "</div>")
    if se_une:  # quien llega tarde todavía puede unirse: el QR sigue a la vista
        izquierda, centro, derecha = st.columns([5, 4, 3], gap="small")
        izquierda.html(ranking)
        if hay_mapa:
            centro.html(f'<div class="pz">{mapa(ruta, importacion["id"], tuple(sorted(montos.items())), "montos", 620, 800)}'
                        f"{nota_mapa}</div>")
        derecha.html(f'<div class="pz pz-unirse-chico">{piezas.unirse(enlace)}{piezas.contadores(vivo)}</div>')
        return
    izquierda, derecha = st.columns([3, 2], gap="medium")
    izquierda.html(ranking)
    if hay_mapa:
        derecha.html(f'<div class="pz">{mapa(ruta, importacion["id"], tuple(sorted(montos.items())), "montos", 740, 640)}'
                     f"{nota_mapa}</div>")
    if ancla:
        derecha.html(f'<div class="pz">{piezas.ancla_html(ancla)}</div>')
    elif not cerrada:
        derecha.html(f'<div class="pz">{piezas.contadores(vivo)}</div>')


en_vivo()
