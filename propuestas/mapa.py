"""Mapas de propuestas: marcadores agrupados (miles sin costo por marcador en Python) y el punto del formulario.

Los textos de usuario llegan al navegador como datos JSON y se insertan con `textContent`:
nunca como HTML.
"""
from __future__ import annotations

import json

import folium
from folium.plugins import FastMarkerCluster

from geo import mapa as mapa_base
from geo.modelo import Punto, Territorio

COLORES_ESTADO = {
    "registrada": "#0b4f8a", "admitida": "#1f78b4", "en_evaluacion": "#6a3d9a", "viable": "#1b7837",
    "no_viable": "#8c510a", "no_admitida": "#8c510a", "priorizada": "#d95f02", "en_acta": "#b2182b",
    "fusionada": "#777777", "retirada": "#777777",
}

CREAR_MARCADOR = """
function (fila) {
    var punto = L.divIcon({className: "punto-propuesta", iconSize: [16, 16],
                           html: "<span style=\\"background:" + fila[6] + "\\"></span>"});
    var marcador = L.marker(new L.LatLng(fila[0], fila[1]), {icon: punto, title: fila[3]});
    var caja = document.createElement("div");
    var titulo = document.createElement("strong");
    titulo.textContent = fila[3];
    var detalle = document.createElement("div");
    detalle.textContent = fila[2] + " · " + fila[4] + " · " + fila[5];
    var enlace = document.createElement("a");
    enlace.href = fila[7];
    enlace.target = "_blank";
    enlace.rel = "noopener";
    enlace.textContent = "Abrir la ficha";
    caja.appendChild(titulo); caja.appendChild(detalle); caja.appendChild(enlace);
    marcador.bindPopup(caja);
    return marcador;
}
"""


def mapa_propuestas(territorio: Territorio, filas: list[dict], *, enlace: str, prefijo: str = "/app/static",
                    alto: int = 520) -> folium.Map:
    """Distritos + propuestas agrupadas. `enlace` es la ruta de la página de fichas (p. ej. /propuestas)."""
    datos = [[f["lat"], f["lon"], f["codigo"], f["titulo"], f["distrito"], f["estado"].replace("_", " "),
              COLORES_ESTADO.get(f["estado"], "#0b4f8a"), f"{enlace}?propuesta={f['codigo']}"] for f in filas]
    grupo = FastMarkerCluster(datos, callback=CREAR_MARCADOR, name=f"Propuestas ({len(filas)})",
                              options={"maxClusterRadius": 45, "showCoverageOnHover": False})
    urls = mapa_base.urls_activos(prefijo)
    grupo.default_js = [("markercluster", urls["cluster_js"])]
    grupo.default_css = [("markercluster_css", urls["cluster_css"]), ("markercluster_default", urls["cluster_css2"])]
    return mapa_base.mapa_distritos(territorio, prefijo=prefijo, alto=alto, capas=(grupo,))


def capa_punto(punto: Punto | None, etiqueta: str) -> folium.FeatureGroup:
    """Grupo con el marcador del punto elegido (se actualiza sin recargar el mapa)."""
    grupo = folium.FeatureGroup(name="Punto elegido")
    if punto is not None:
        folium.CircleMarker([punto.lat, punto.lon], radius=9, color="#b2182b", weight=3, fill=True,
                            fill_color="#ffffff", fill_opacity=1, tooltip=etiqueta).add_to(grupo)
    return grupo


def datos_para_navegador(valor: object) -> str:
    """JSON seguro para incrustar en <script> (sin cierre de etiqueta)."""
    return json.dumps(valor, ensure_ascii=False).replace("</", "<\\/")
