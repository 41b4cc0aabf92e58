"""El mapa de los PDF (informe de la lista priorizada y acta) como lo ve una persona: pdftotext -bbox da dónde quedó
cada palabra y pdftoppm la página en píxeles. Ningún texto del mapa pisa a otro (números de orden y nombres de
distritos) y todo texto contrasta con lo que tiene detrás al menos 4.5 a 1 (WCAG AA): ni negro sobre azul oscuro."""
import datetime as dt
import re
import shutil
import subprocess

import pytest

import nucleo
from geo import servicios as territorio
from geo.dibujo import ESCALA, SIN_DATOS
from propuestas import servicios as propuestas_servicios
from tests.ayudas import COSTOS, votan
from tests.conftest import ADMIN, AHORA, CENTROS, FACILITADORA, INDICADORES, LIMITES, crear_viables, priorizacion_hoy
from votacion import acta, exportar
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion

PUNTOS_POR_PULGADA = 300
PALABRA = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def cerrada(tmp_path_factory):
    """30 propuestas de los 10 distritos (varias en el mismo centro poblado) y una votación cerrada con 12 papeletas."""
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("falta poppler-utils (pdftotext, pdftoppm)")
    ruta = tmp_path_factory.mktemp("mapa") / "plataforma.db"
    with nucleo.abrir(ruta) as db:
        votacion.preparar(db)
        for archivo in (LIMITES, INDICADORES, CENTROS):
            territorio.importar(db, archivo, actor=ADMIN, ahora=AHORA)
        propuestas_servicios.crear_proceso(db, propuestas_servicios.proceso_sugerido("0212", dt.date(2026, 12, 1)),
                                           actor=ADMIN, ahora=AHORA)
        codigos = crear_viables(db, [f"S/ {COSTOS[i % len(COSTOS)]:,}" for i in range(30)])
        
        priorizacion_hoy(db)
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, max_opciones=3, regla="greedy",
                                                                     techo_centimos=85_000_000),
                                         codigos, actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
    votan(ruta, creada.id, codigos, 12, semilla=30)
    with nucleo.abrir(ruta) as db:
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=nucleo.ahora())
    return ruta, creada.id, proceso.id


def _informe(ruta, votacion_id, proceso_id) -> bytes:
    with nucleo.abrir(ruta) as db:
        lista = exportar.lista_priorizada(db, proceso_id, votacion_id=votacion_id, actor=FACILITADORA)
        return exportar.a_pdf(lista, territorio.cargar_territorio(db))


def _acta(ruta, votacion_id, proceso_id) -> bytes:
    with nucleo.abrir(ruta) as db:
        return acta.acta_pdf(db, votacion_id, actor=FACILITADORA)


def _palabras_del_mapa(pdf: bytes, carpeta, titulo: str, nota: str):
    """(página, [(caja en puntos, texto)]) de las palabras entre el título del mapa y su nota al pie."""
    archivo = carpeta / "documento.pdf"
    archivo.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(archivo), "-"], capture_output=True, text=True,
                          check=True).stdout
    for numero, pagina in enumerate(html.split("<page ")[1:], start=1):
        palabras = [((float(a), float(b), float(c), float(d)), t) for a, b, c, d, t in PALABRA.findall(pagina)]
        textos = [t for _, t in palabras]
        if titulo.split()[0] in textos and nota.split()[0] in textos:
            arriba = next(c[3] for c, t in palabras if t == titulo.split()[-1])
            abajo = next(c[1] for c, t in palabras if t == nota.split()[0] and c[1] > arriba)
            return numero, [(c, t) for c, t in palabras if c[1] >= arriba and c[3] <= abajo]
    raise AssertionError(f"no encontré el mapa («{titulo}»)")


def _pisadas(palabras) -> list[tuple[str, str]]:
    margen = 0.4  # pt: dos palabras que apenas se tocan no se pisan
    pisadas = []
    for i, ((a0, b0, a1, b1), uno) in enumerate(palabras):
        for (c0, d0, c1, d1), otro in palabras[i + 1:]:
            if min(a1, c1) - max(a0, c0) > margen and min(b1, d1) - max(b0, d0) > margen:
                pisadas.append((uno, otro))
    return pisadas


def _contrastes_bajos(pdf: bytes, carpeta, pagina: int, palabras) -> list[tuple[str, float]]:
    from PIL import Image

    archivo = carpeta / "documento.pdf"
    archivo.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(PUNTOS_POR_PULGADA), "-f", str(pagina), "-l", str(pagina),
                    str(archivo), str(carpeta / "mapa")], check=True)
    imagen = Image.open(next(carpeta.glob("mapa-*.png"))).convert("RGB")
    escala = PUNTOS_POR_PULGADA / 72
    bajos = []
    for (x0, y0, x1, y1), texto in palabras:
        recorte = imagen.crop((round(x0 * escala), round(y0 * escala), round(x1 * escala), round(y1 * escala)))
        colores = recorte.getcolors(maxcolors=1 << 24)
        fondo = max(colores)[1]
        letra = max((c for _, c in colores), key=lambda c: contraste(c, fondo))  # el trazo: lo más distinto del fondo
        if contraste(letra, fondo) < 4.5:
            bajos.append((texto, round(contraste(letra, fondo), 2)))
    return bajos


def contraste(uno, otro) -> float:
    """Razón de contraste de WCAG 2 entre dos colores (r, g, b) o «#rrggbb», medida aquí (no con la del código)."""
    def luminancia(color):
        rgb = color if isinstance(color, tuple) else tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
        lineal = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lineal[0] + 0.7152 * lineal[1] + 0.0722 * lineal[2]
    claro, oscuro = sorted((luminancia(uno), luminancia(otro)), reverse=True)
    return (claro + 0.05) / (oscuro + 0.05)


def test_la_escala_de_azules_siempre_tiene_un_texto_que_se_lee():
    from geo.dibujo import texto_sobre

    for fondo in (*ESCALA, SIN_DATOS, "#ffffff"):
        assert contraste(texto_sobre(fondo), fondo) >= 4.5, fondo


@pytest.mark.parametrize("documento, titulo, nota", [
    (_informe, "Dónde están", "Cada punto es una propuesta"),
    (_acta, "Monto financiado por distrito", "Más oscuro, más monto"),
], ids=["informe", "acta"])
def test_en_el_mapa_nada_se_pisa_y_todo_se_lee(cerrada, tmp_path, documento, titulo, nota):
    pdf = documento(*cerrada)
    pagina, palabras = _palabras_del_mapa(pdf, tmp_path, titulo, nota)
    textos = [t for _, t in palabras]
    for distrito in ("Caraz", "Huaylas", "Mato", "Huata", "Yuracmarca", "Pamparomás"):
        assert distrito in textos, f"falta el nombre de {distrito} en el mapa"
    if documento is _informe:
        assert {str(n) for n in range(1, 31)} <= set(textos), "faltan números de orden en el mapa"
    assert _pisadas(palabras) == []
    assert _contrastes_bajos(pdf, tmp_path, pagina, palabras) == []


def test_cada_azul_de_la_escala_lleva_un_texto_que_se_lee(territorio, tmp_path):
    """Un mapa con los distritos en los cinco azules y en gris: cada nombre y cada monto contrasta con su fondo al
    menos 4.5 a 1, medido en los píxeles de la página (en el azul #3182bd, el blanco daría 4.3 a 1: va en negro)."""
    from geo.dibujo import color_de
    from geo.pdf import Documento

    ubigeos = sorted(d.ubigeo for d in territorio.distritos)
    valores = {u: float(i) for i, u in enumerate(ubigeos, start=1) if i > 1}  # el primero, sin monto (gris)
    maximo = max(valores.values())
    assert {color_de(valores.get(u), maximo) for u in ubigeos} == {*ESCALA, SIN_DATOS}
    doc = Documento("Mapa de prueba", dt.datetime(2026, 12, 4, 10, 0), autor="MCLCP Huaylas")
    doc.mapa(territorio, valores, texto_valor=lambda v: f"{v:.0f} mil" if v else "", titulo="Monto por distrito",
             nota="Más oscuro, más monto.")
    pdf = doc.salida()
    pagina, palabras = _palabras_del_mapa(pdf, tmp_path, "Monto por distrito", "Más oscuro, más monto.")
    assert len([t for _, t in palabras if t == "mil"]) == len(valores), "faltan montos en el mapa"
    assert _contrastes_bajos(pdf, tmp_path, pagina, palabras) == []


def test_la_barra_del_techo_del_acta_se_lee(cerrada, tmp_path):
    """Los códigos en los tramos verdes de la barra del techo contrastan al menos 4.5 a 1 con su verde (el blanco
    sobre los verdes claros daba menos de 3.5 a 1)."""
    pdf = _acta(*cerrada)
    pagina, palabras = _palabras_del_mapa(pdf, tmp_path, "Resultados", "Financiado S/")
    codigos = [(caja, t) for caja, t in palabras if t.startswith("PP27-")]
    assert len(codigos) >= 4, palabras
    assert _contrastes_bajos(pdf, tmp_path, pagina, codigos) == []
