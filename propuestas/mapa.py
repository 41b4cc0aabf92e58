"""Mapas de propuestas: marcadores agrupados y el punto del formulario.

Escala a miles de propuestas sin costo por marcador en Python ni en cada ejecución: los datos
públicos del mapa (código, título, distrito, estado, punto) se publican como un JSON en
`static/datos/` con su huella en el nombre, y el navegador los pide aparte; el script del mapa
queda pequeño y constante. Los textos de usuario se insertan con `textContent`, nunca como HTML.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import folium
import jinja2
from folium.elements import JSCSSMixin
from folium.map import Layer

from geo import mapa as mapa_base
from geo.modelo import CentroPoblado, Punto, Territorio

CARPETA_DATOS = mapa_base.CARPETA_STATIC / "datos"
ARCHIVOS_GUARDADOS = 200

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


class CapaPropuestas(JSCSSMixin, Layer):
    """Grupo de marcadores agrupados que carga sus filas desde `url` (JSON publicado aparte)."""

    _template = jinja2.Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({{ this.opciones|tojson }});
        (function (grupo) {
            var crear = {{ this.crear_marcador }};
            fetch({{ this.url|tojson }}).then(function (r) { return r.json(); }).then(function (filas) {
                grupo.addLayers(filas.map(crear));
            });
        })({{ this.get_name() }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, url: str, nombre: str, prefijo: str):
        super().__init__(name=nombre, overlay=True, control=True, show=True)
        self._name = "CapaPropuestas"
        self.url = url
        self.crear_marcador = CREAR_MARCADOR
        self.opciones = {"maxClusterRadius": 45, "showCoverageOnHover": False, "chunkedLoading": True}
        urls = mapa_base.urls_activos(prefijo)
        self.default_js = [("markercluster", urls["cluster_js"])]
        self.default_css = [("markercluster_css", urls["cluster_css"]), ("markercluster_default", urls["cluster_css2"])]


def publicar_datos(filas: list[dict], *, enlace: str, carpeta: Path = CARPETA_DATOS, parametro: str = "propuesta") -> str:
    """Escribe las filas públicas del mapa como JSON con su huella en el nombre; devuelve el nombre. Una fila puede
    traer su `etiqueta` y su `color` (p. ej. la fase de inversión); si no, van los de su estado."""
    datos = [[f["lat"], f["lon"], f["codigo"], f["titulo"], f["distrito"],
              f.get("etiqueta") or f["estado"].replace("_", " "),
              f.get("color") or COLORES_ESTADO.get(f["estado"], "#0b4f8a"), f"{enlace}?{parametro}={f['codigo']}"]
             for f in filas]
    contenido = json.dumps(datos, ensure_ascii=False, separators=(",", ":")).encode()
    nombre = f"propuestas-{hashlib.sha256(contenido).hexdigest()[:20]}.json"
    destino = carpeta / nombre
    if not destino.exists():
        carpeta.mkdir(parents=True, exist_ok=True)
        temporal = destino.with_suffix(f".{os.getpid()}.tmp")
        temporal.write_bytes(contenido)
        temporal.replace(destino)
        _podar(carpeta)
    return nombre


def _podar(carpeta: Path) -> None:
    """Conserva solo los últimos archivos publicados (son copias derivadas, no datos de usuario)."""
    archivos = sorted(carpeta.glob("propuestas-*.json"), key=lambda a: a.stat().st_mtime, reverse=True)
    for viejo in archivos[ARCHIVOS_GUARDADOS:]:
        viejo.unlink(missing_ok=True)


def mapa_propuestas(territorio: Territorio, filas: list[dict], *, enlace: str, prefijo: str = "/app/static",
                    alto: int = 520, publicado: str | None = None,
                    centros: list[CentroPoblado] | None = None, parametro: str = "propuesta") -> folium.Map:
    """Distritos + propuestas agrupadas. `enlace` es la ruta de la página de fichas (p. ej. /propuestas).

    `publicado`: nombre devuelto por `publicar_datos` si ya se publicaron estas filas. `parametro`: el de la URL
    del enlace de cada marcador (`?propuesta=CÓDIGO`, o `?proyecto=CÓDIGO` en el seguimiento público). `centros`: los centros poblados
    de referencia (pueblos principales con su nombre; todos, de cerca).
    """
    nombre = publicado if publicado and (CARPETA_DATOS / publicado).exists() else \
        publicar_datos(filas, enlace=enlace, parametro=parametro)
    capa = CapaPropuestas(f"{prefijo.rstrip('/')}/datos/{nombre}", f"Propuestas ({len(filas)})", prefijo)
    return mapa_base.mapa_distritos(territorio, prefijo=prefijo, alto=alto, capas=(capa,), centros=centros)


def capa_punto(punto: Punto | None, etiqueta: str) -> folium.FeatureGroup:
    """Grupo con el marcador del punto elegido (se actualiza sin recargar el mapa)."""
    grupo = folium.FeatureGroup(name="Punto elegido")
    if punto is not None:
        folium.CircleMarker([punto.lat, punto.lon], radius=9, color="#b2182b", weight=3, fill=True,
                            fill_color="#ffffff", fill_opacity=1, tooltip=etiqueta).add_to(grupo)
    return grupo
