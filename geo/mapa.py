"""Mapas folium del territorio, servidos sin internet.

Leaflet y Leaflet.markercluster vienen de los paquetes XStatic de PyPI y se copian a la
carpeta `static/vendor/` de la aplicación (Streamlit la sirve en `/app/static/`); el mapa
base por defecto no usa teselas, y OpenStreetMap es una capa opcional para cuando hay
internet. Todo texto de usuario que llega al HTML del mapa pasa por `html.escape`.

El mapa abre ajustado a los límites de la provincia (con zoom fraccionario: la provincia llena el
mapa también en un celular), con los nombres de los distritos, los pueblos principales (centros
poblados urbanos) y, de cerca, cada centro poblado; las etiquetas que se pisarían se ocultan
(`Etiquetas`). Los controles dicen lo suyo en castellano y la leyenda de la coropleta se pliega
cuando el mapa es angosto.
"""
from __future__ import annotations

import html
import json
import math
import shutil
from pathlib import Path

import folium
import jinja2
import shapely
from branca.element import MacroElement
from shapely.ops import polylabel

from geo.modelo import CentroPoblado, Punto, PuntoInvalido, Territorio

CARPETA_STATIC = Path(__file__).resolve().parent.parent / "static"
PALETA = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
COLOR_SIN_DATO = "#d9d9d9"
COLOR_BORDE = "#1a1a1a"
COLOR_CENTRO = "#7a1f5c"
ZOOM_MAXIMO = 18
ZOOM_NOMBRES_CENTROS = 12
"""Desde este zoom se ven los nombres de todos los centros poblados (antes, solo los de los pueblos principales)."""
ANCHO_LEYENDA_ABIERTA = 600
"""Un mapa más angosto (un celular) abre con la leyenda plegada: no tapa el mapa."""


# --- activos sin internet -------------------------------------------------------------------

def preparar_activos(carpeta: Path = CARPETA_STATIC) -> Path:
    """Copia Leaflet y markercluster de XStatic a `carpeta/vendor` (solo lo que falte)."""
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    for paquete, nombre in ((leaflet, "leaflet"), (markercluster, "markercluster")):
        destino = carpeta / "vendor" / f"{nombre}-{paquete.VERSION}"
        if not (destino / ".completo").exists():
            shutil.copytree(paquete.BASE_DIR, destino, dirs_exist_ok=True)
            (destino / ".completo").write_text(paquete.VERSION)
    return carpeta / "vendor"


def urls_activos(prefijo: str = "/app/static") -> dict[str, str]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    base = prefijo.rstrip("/")
    hoja = f"{base}/vendor/leaflet-{leaflet.VERSION}"
    cluster = f"{base}/vendor/markercluster-{markercluster.VERSION}"
    return {"leaflet_js": f"{hoja}/leaflet.js", "leaflet_css": f"{hoja}/leaflet.css",
            "cluster_js": f"{cluster}/leaflet.markercluster.js", "cluster_css": f"{cluster}/MarkerCluster.css",
            "cluster_css2": f"{cluster}/MarkerCluster.Default.css", "estilo_css": f"{base}/plataforma/mapa.css",
            "idioma_js": f"{base}/plataforma/idioma.js"}


def _usar_activos_locales(mapa: folium.Map, prefijo: str) -> None:
    """Reemplaza los enlaces a CDN de folium por los archivos servidos por la app."""
    urls = urls_activos(prefijo)
    mapa.default_js = [("leaflet", urls["leaflet_js"]), ("idioma", urls["idioma_js"])]
    mapa.default_css = [("leaflet_css", urls["leaflet_css"]), ("plataforma_css", urls["estilo_css"])]


# --- mapa de distritos ----------------------------------------------------------------------

def mapa_distritos(territorio: Territorio, *, datos: dict[str, dict] | None = None,
                   indicador: str | None = None, centros: list[CentroPoblado] | None = None,
                   seleccionado: str | None = None, prefijo: str = "/app/static",
                   alto: int = 560, capas: tuple = ()) -> folium.Map:
    """Mapa con los distritos (coropleta de `indicador` si se da), nombres y centros poblados.

    `capas`: capas folium adicionales (p. ej. propuestas), que entran antes del control de capas.
    """
    sur, oeste, norte, este = territorio.limites()
    mapa = folium.Map(location=[(sur + norte) / 2, (oeste + este) / 2], tiles=None, zoom_start=10,
                      prefer_canvas=True, control_scale=False, zoom_control=False, height=alto)
    # zoom de a cuartos: al ajustar a los límites, la provincia llena el mapa (con zoom entero quedaba chica)
    mapa.options.update({"maxZoom": ZOOM_MAXIMO, "minZoom": 5, "zoomSnap": 0.25, "zoomDelta": 0.5})
    _usar_activos_locales(mapa, prefijo)
    colores, clases = colorear(territorio, datos or {}, indicador)
    _capa_distritos(territorio, colores, seleccionado, datos or {}, indicador).add_to(mapa)
    nombres = _capa_nombres(territorio)
    nombres.add_to(mapa)
    capa_centros = _capa_centros(centros) if centros else None
    if capa_centros:
        capa_centros.add_to(mapa)
    for capa in capas:
        capa.add_to(mapa)
    Controles().add_to(mapa)
    FocoSinDesplazar().add_to(mapa)
    if indicador:
        Leyenda(etiqueta_indicador(indicador), clases).add_to(mapa)
    folium.TileLayer("OpenStreetMap", name="Calles de OpenStreetMap (requiere internet)", overlay=True,
                     show=False, control=True, max_zoom=ZOOM_MAXIMO,
                     attr='&copy; colaboradores de <a href="https://www.openstreetmap.org/copyright">'
                          'OpenStreetMap</a>').add_to(mapa)
    folium.LayerControl(collapsed=True).add_to(mapa)
    mapa.fit_bounds([[sur, oeste], [norte, este]], padding=(6, 6))
    Etiquetas(nombres, _prioridades(territorio), capa_centros).add_to(mapa)
    return mapa


def _capa_distritos(territorio: Territorio, colores: dict[str, str], seleccionado: str | None,
                    datos: dict[str, dict], indicador: str | None) -> folium.GeoJson:
    elementos = []
    for distrito in territorio.distritos:
        valor = datos.get(distrito.ubigeo, {}).get(indicador) if indicador else None
        texto = html.escape(distrito.nombre)
        if indicador:
            texto += f"<br>{html.escape(etiqueta_indicador(indicador))}: {html.escape(formatear(valor))}"
        elementos.append({
            "type": "Feature", "geometry": json.loads(shapely.to_geojson(distrito.geometria)),
            "properties": {"ubigeo": distrito.ubigeo, "etiqueta": texto,
                           "relleno": colores.get(distrito.ubigeo, COLOR_SIN_DATO),
                           "elegido": distrito.ubigeo == seleccionado},
        })

    def estilo(elemento: dict) -> dict:
        propiedades = elemento["properties"]
        return {"fillColor": propiedades["relleno"], "fillOpacity": 0.75, "color": COLOR_BORDE,
                "weight": 4 if propiedades["elegido"] else 1.5}

    return folium.GeoJson(
        {"type": "FeatureCollection", "features": elementos}, name="Distritos", style_function=estilo,
        highlight_function=lambda _: {"weight": 3, "fillOpacity": 0.9},
        tooltip=folium.GeoJsonTooltip(fields=["etiqueta"], labels=False, sticky=False),
        control=False,
    )


def _capa_nombres(territorio: Territorio) -> folium.FeatureGroup:
    grupo = folium.FeatureGroup(name="Nombres de distritos", control=False)
    for distrito in territorio.distritos:
        punto = _lugar_del_nombre(distrito.geometria)
        folium.Marker(
            [punto.y, punto.x], interactive=False, z_index_offset=1000,  # sobre los puntos de los pueblos
            # ocultos hasta que `Etiquetas` decide cuáles caben: ningún nombre encimado se ve ni un instante
            icon=folium.DivIcon(html=f'<span>{html.escape(distrito.nombre)}</span>',
                                class_name="etiqueta-distrito etiqueta-oculta", icon_size=(0, 0)),
        ).add_to(grupo)
    return grupo


def _lugar_del_nombre(geometria) -> shapely.Point:
    """El punto más adentro del distrito (el de su parte más grande): ahí el nombre cabe mejor."""
    partes = getattr(geometria, "geoms", [geometria])
    mayor = max(partes, key=lambda parte: parte.area)
    return polylabel(mayor, tolerance=0.0005)


def _prioridades(territorio: Territorio) -> list[int]:
    """El orden en que los nombres de distrito ganan lugar (el más grande primero), en el orden de la capa."""
    por_area = sorted(range(len(territorio.distritos)), key=lambda i: -territorio.distritos[i].geometria.area)
    return [por_area.index(i) for i in range(len(territorio.distritos))]


def _capa_centros(centros: list[CentroPoblado]) -> folium.GeoJson:
    """Una sola capa GeoJSON sobre canvas: miles de puntos sin costo por marcador en Python."""
    coleccion = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
         "properties": {"nombre": html.escape(_nombre_visible(c.nombre)), "pueblo": c.tipo == "urbano"}}
        for c in centros]}
    return folium.GeoJson(
        coleccion, name=f"Centros poblados ({len(centros)})",
        marker=folium.CircleMarker(radius=3, weight=1, color=COLOR_CENTRO, fill=True,
                                   fill_color="#ffffff", fill_opacity=0.9),
        tooltip=folium.GeoJsonTooltip(fields=["nombre"], labels=False),
        style_function=lambda _: {}, highlight_function=None,
    )


def _nombre_visible(nombre: str) -> str:
    """«HUARIPAMPA» (así viene del INEI) se lee «Huaripampa»; un nombre que ya trae minúsculas queda tal cual."""
    return nombre.title() if nombre.isupper() else nombre


class Leyenda(MacroElement):
    """Control de Leaflet con la leyenda de la coropleta (HTML ya escapado): un `<details>` que se abre solo en un mapa
    ancho; en un celular queda plegado en su título y se abre al tocarlo."""

    _template = jinja2.Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var mapa = {{ this._parent.get_name() }};
            var leyenda = L.control({position: "bottomright"});
            leyenda.onAdd = function () {
                var div = L.DomUtil.create("details", "leyenda-mapa");
                div.innerHTML = {{ this.contenido }};
                div.open = mapa.getSize().x >= {{ this.ancho_abierta }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            leyenda.addTo(mapa);
        })();
        {% endmacro %}
    """)

    def __init__(self, titulo: str, clases: list[tuple[str, str]]):
        super().__init__()
        self._name = "Leyenda"
        self.ancho_abierta = ANCHO_LEYENDA_ABIERTA
        filas = "".join(f'<div><i style="background:{color}"></i>{html.escape(texto)}</div>'
                        for color, texto in clases)
        contenido = f"<summary><strong>{html.escape(titulo)}</strong></summary>{filas}"
        self.contenido = json.dumps(contenido).replace("</", "<\\/")


class Controles(MacroElement):
    """Acercar y alejar, y la escala (solo métrica), con sus textos en castellano."""

    _template = jinja2.Template("""
        {% macro script(this, kwargs) %}
        L.control.zoom({zoomInTitle: "Acercar", zoomOutTitle: "Alejar"}).addTo({{ this._parent.get_name() }});
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "Controles"


class FocoSinDesplazar(MacroElement):
    """Al primer toque, Leaflet enfoca el mapa (para moverlo con el teclado) con `focus()`, y el navegador desplaza la
    página hasta que el mapa entero se vea. En un celular el mapa no cabe bajo el título: la página se corría entre el
    dedo y el clic, y el toque caía más abajo en el mapa que donde tocó la persona (fuera de su distrito). Aquí el
    mapa se enfoca igual, pero sin desplazar nada (`preventScroll`)."""

    _template = jinja2.Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var teclado = {{ this._parent.get_name() }}.keyboard;
            if (!teclado) return;
            teclado.disable();  // suelta el `mousedown` original antes de cambiarlo
            teclado._onMouseDown = function () {
                if (!this._focused) this._map.getContainer().focus({preventScroll: true});
            };
            teclado.enable();
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "FocoSinDesplazar"


class Etiquetas(MacroElement):
    """Nombres que no se pisan: los de distrito (el más grande primero), los de los pueblos principales y, desde el
    zoom `ZOOM_NOMBRES_CENTROS`, los de cada centro poblado; el que chocaría con uno ya puesto (o con la leyenda) se
    oculta, y se vuelve a decidir al acercar, alejar o mover. Los nombres de los centros vienen ya escapados."""

    _template = jinja2.Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var mapa = {{ this._parent.get_name() }};
            var nombres = {{ this.nombres.get_name() }};
            var prioridades = {{ this.prioridades|tojson }};
            var centros = {{ this.centros.get_name() if this.centros else "null" }};
            var etiquetas = [];
            var i = 0;
            nombres.eachLayer(function (marcador) {
                etiquetas.push({marcador: marcador, orden: prioridades[i++], desde: 0});
            });
            if (centros) {
                var lugares = L.layerGroup();
                centros.eachLayer(function (punto) {
                    var pueblo = punto.feature.properties.pueblo;
                    var marcador = L.marker(punto.getLatLng(), {interactive: false, keyboard: false, icon: L.divIcon({
                        className: (pueblo ? "etiqueta-pueblo" : "etiqueta-centro") + " etiqueta-oculta punto-oculto",
                        iconSize: [0, 0],
                        html: (pueblo ? "<i></i>" : "") + "<span>" + punto.feature.properties.nombre + "</span>"})});
                    lugares.addLayer(marcador);
                    etiquetas.push({marcador: marcador, orden: (pueblo ? 1000 : 2000) + etiquetas.length,
                                    desde: pueblo ? 0 : {{ this.zoom_centros }}});
                });
                mapa.addLayer(lugares);
                centros.on("add", function () { mapa.addLayer(lugares); ordenar(); });
                centros.on("remove", function () { mapa.removeLayer(lugares); });
            }
            etiquetas.sort(function (a, b) { return a.orden - b.orden; });

            function choca(a, b) {
                return a.left < b.right + 4 && b.left < a.right + 4 && a.top < b.bottom + 1 && b.top < a.bottom + 1;
            }
            function ordenar() {
                var zoom = mapa.getZoom(), marco = mapa.getContainer().getBoundingClientRect(), puestas = [];
                if (!marco.width || !marco.height) return;  // el marco aún no se ve: se decide al tener tamaño
                mapa.getContainer().querySelectorAll(".leyenda-mapa").forEach(function (leyenda) {
                    puestas.push(leyenda.getBoundingClientRect());
                });
                etiquetas.forEach(function (etiqueta) {
                    var elemento = etiqueta.marcador.getElement();
                    if (!elemento) return;
                    var texto = elemento.querySelector("span"), punto = elemento.querySelector("i");
                    var mostrar = zoom >= etiqueta.desde;
                    elemento.classList.remove("etiqueta-oculta", "punto-oculto");
                    // el punto de un pueblo principal tampoco tapa un nombre ya puesto: si chocaría, se oculta
                    // con su nombre (el centro poblado sigue en su capa); si no, ocupa su lugar aunque su nombre no
                    // quepa
                    var cajaPunto = punto ? punto.getBoundingClientRect() : null;
                    var puntoLibre = !cajaPunto || !puestas.some(function (otra) { return choca(cajaPunto, otra); });
                    if (mostrar) {
                        var caja = texto.getBoundingClientRect();
                        var adentro = caja.right > marco.left && caja.left < marco.right &&
                                      caja.bottom > marco.top && caja.top < marco.bottom;
                        // fuera del mapa no se muestra (al moverlo se vuelve a decidir)
                        mostrar = adentro && puntoLibre && !puestas.some(function (otra) { return choca(caja, otra); });
                        if (mostrar) puestas.push(caja);
                    }
                    if (!mostrar) elemento.classList.add("etiqueta-oculta");
                    if (!puntoLibre) elemento.classList.add("punto-oculto");
                    else if (cajaPunto) puestas.push(cajaPunto);
                });
            }
            mapa.on("zoomend moveend resize", ordenar);
            if (window.ResizeObserver) new ResizeObserver(function () { ordenar(); }).observe(mapa.getContainer());
            mapa.whenReady(function () { setTimeout(ordenar, 0); });
            window.ordenarEtiquetas = ordenar;
        })();
        {% endmacro %}
    """)

    def __init__(self, nombres: folium.FeatureGroup, prioridades: list[int], centros: folium.GeoJson | None):
        super().__init__()
        self._name = "Etiquetas"
        self.nombres, self.prioridades, self.centros = nombres, prioridades, centros
        self.zoom_centros = ZOOM_NOMBRES_CENTROS


# --- coropleta ------------------------------------------------------------------------------

ETIQUETAS_INDICADORES = {
    "poblacion_proyectada_2025": "Población proyectada 2025 (hab.)",
    "pob_total_2023_minam": "Población total 2023, MINAM (hab.)",
    "pob_urbana_2023_minam": "Población urbana 2023, MINAM (hab.)",
    "pob_rural_2023_minam": "Población rural 2023, MINAM (hab.)",
    "pobreza_total_pct_2018": "Pobreza monetaria 2018 (%)",
    "pobreza_extrema_pct_2013": "Pobreza extrema 2013 (%)",
    "idh_2019": "Índice de desarrollo humano 2019",
    "indice_vulnerabilidad_alimentaria": "Vulnerabilidad alimentaria (índice)",
    "superficie_inei_km2": "Superficie INEI (km²)",
    "altitud_capital_msnm": "Altitud de la capital (m s. n. m.)",
    "capital": "Capital", "categoria_capital": "Categoría de la capital",
    "lat_capital": "Latitud de la capital", "lon_capital": "Longitud de la capital",
    "distrito": "Distrito",
}


def etiqueta_indicador(columna: str) -> str:
    return ETIQUETAS_INDICADORES.get(columna, columna.replace("_", " ").capitalize())


def indicadores_numericos(datos: dict[str, dict]) -> list[str]:
    """Columnas con al menos un número y ningún texto (candidatas a coropleta)."""
    columnas: dict[str, bool] = {}
    for fila in datos.values():
        for columna, valor in fila.items():
            es_numero = isinstance(valor, (int, float)) and not isinstance(valor, bool)
            columnas[columna] = columnas.get(columna, True) and (es_numero or valor is None)
    excluir = {"lat_capital", "lon_capital"}
    return [c for c, numerica in columnas.items() if numerica and c not in excluir]


def colorear(territorio: Territorio, datos: dict[str, dict],
             indicador: str | None) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Color por ubigeo en clases de igual cantidad de distritos (cuantiles), y la leyenda."""
    if not indicador:
        return {d.ubigeo: "#f3efe0" for d in territorio.distritos}, []
    valores = {d.ubigeo: datos.get(d.ubigeo, {}).get(indicador) for d in territorio.distritos}
    numeros = sorted(v for v in valores.values() if isinstance(v, (int, float)) and math.isfinite(v))
    if not numeros:
        return {}, [(COLOR_SIN_DATO, "Sin dato")]
    cortes = sorted({numeros[math.ceil(len(numeros) * k / len(PALETA)) - 1] for k in range(1, len(PALETA))}
                    | {numeros[-1]})
    colores = {}
    for ubigeo, valor in valores.items():
        if isinstance(valor, (int, float)) and math.isfinite(valor):
            clase = next(i for i, corte in enumerate(cortes) if valor <= corte)
            colores[ubigeo] = PALETA[_indice_color(clase, len(cortes))]
    clases, anterior = [], -math.inf
    for i, corte in enumerate(cortes):
        desde = min(v for v in numeros if v > anterior)  # el menor valor de la clase: las clases no se solapan
        rango = formatear(desde) if desde == corte else f"{formatear(desde)} – {formatear(corte)}"
        clases.append((PALETA[_indice_color(i, len(cortes))], rango))
        anterior = corte
    if len(colores) < len(valores):
        clases.append((COLOR_SIN_DATO, "Sin dato"))
    return colores, clases


def _indice_color(clase: int, total: int) -> int:
    return round(clase * (len(PALETA) - 1) / max(total - 1, 1))


def formatear(valor) -> str:
    """Números al estilo peruano para pantalla: miles con coma, decimales con punto."""
    if valor is None:
        return "sin dato"
    if isinstance(valor, float) and valor.is_integer() and abs(valor) >= 100:
        return f"{int(valor):,}"
    if isinstance(valor, float):
        if valor == 0:
            return "0"
        return f"{valor:,.3f}" if abs(valor) < 1 else f"{valor:,.1f}"
    if isinstance(valor, int):
        return f"{valor:,}"
    return str(valor)


# --- clics ----------------------------------------------------------------------------------

def punto_desde_clic(valor: dict | None, clave: str = "last_clicked") -> Punto | None:
    """Convierte lo que devuelve `st_folium` en el punto clicado (o None si no hubo clic).

    `clave`: "last_clicked" (el mapa) o "last_object_clicked" (un marcador).
    """
    if not isinstance(valor, dict):
        return None
    clic = valor.get(clave)
    if not isinstance(clic, dict):
        return None
    try:
        return Punto(float(clic["lat"]), float(clic["lng"]))
    except (KeyError, TypeError, ValueError, PuntoInvalido):
        return None
