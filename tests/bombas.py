"""Bombas: archivos que se rechazan sin leerlos enteros (para las pruebas y benchmarks/entradas.py).

Se generan aquí, en streaming, y nunca se suben al repositorio: un .xlsx es un zip de XML escrito a mano; un PNG,
trozos comprimidos.
"""
from __future__ import annotations

import io

XLSX_TIPOS = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/worksheets/sheet1.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
              '<Override PartName="/xl/sharedStrings.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_PARTES = {
    "[Content_Types].xml": XLSX_TIPOS,
    "_rels/.rels": ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{XLSX_REL}/officeDocument" Target="xl/workbook.xml"/>'
                    '</Relationships>'),
    "xl/workbook.xml": (f'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                        f'xmlns:r="{XLSX_REL}"><sheets><sheet name="Fichas" sheetId="1" r:id="rId1"/></sheets>'
                        '</workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{XLSX_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{XLSX_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
}
XLSX_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
XLSX_ENCABEZADO = b"".join(b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (letra, titulo.encode())
                           for letra, titulo in zip((b"A", b"B", b"C"), ("Título", "Problema", "Distrito")))


def xlsx_a_mano(filas_xml, cadenas=(b"",), dimension=b"A1:C2") -> bytes:
    """Un .xlsx mínimo y válido; `filas_xml` y `cadenas` (el texto de la única cadena compartida) son trozos."""
    import zipfile

    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as libro:
        for nombre, texto in XLSX_PARTES.items():
            libro.writestr(nombre, texto)
        with libro.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as hoja_:
            hoja_.write(b"<worksheet " + XLSX_MAIN + b'><dimension ref="' + dimension + b'"/><sheetData>'
                        b'<row r="1">' + XLSX_ENCABEZADO + b"</row>")
            for trozo in filas_xml:
                hoja_.write(trozo)
            hoja_.write(b"</sheetData></worksheet>")
        with libro.open("xl/sharedStrings.xml", "w", force_zip64=True) as cadenas_:
            cadenas_.write(b"<sst " + XLSX_MAIN + b"><si><t>")
            for trozo in cadenas:
                cadenas_.write(trozo)
            cadenas_.write(b"</t></si></sst>")
    return salida.getvalue()


def xlsx_con_cadena_enorme(caracteres: int) -> bytes:
    return xlsx_a_mano([b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
                       (b"A" * 1_000_000 for _ in range(caracteres // 1_000_000)))


def filas_xml(desde: int, hasta: int, basura_en: int | None = None):
    """Filas de tres celdas numéricas, de a 10 000; en `basura_en`, XML roto (para saber hasta dónde se leyó)."""
    for inicio in range(desde, hasta + 1, 10_000):
        yield b"".join((b"<<<roto" if n == basura_en else b"") +
                       b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1</v></c><c r="C%d"><v>2</v></c></row>'
                       % (n, n, n, n, n) for n in range(inicio, min(inicio + 10_000, hasta + 1)))


def png_enorme(ancho: int, alto: int) -> bytes:
    """PNG válido de `ancho` × `alto` píxeles negros (RGB): 13000 × 13000 pesa ~2 MB comprimido."""
    import struct
    import zlib

    def trozo(tipo: bytes, datos: bytes) -> bytes:
        return struct.pack(">I", len(datos)) + tipo + datos + struct.pack(">I", zlib.crc32(tipo + datos))

    compresor, fila = zlib.compressobj(1), b"\0" * (1 + ancho * 3)
    idat = b"".join(compresor.compress(fila * 100) for _ in range(alto // 100))
    idat += compresor.compress(fila * (alto % 100)) + compresor.flush()
    return (b"\x89PNG\r\n\x1a\n" + trozo(b"IHDR", struct.pack(">IIBBBBB", ancho, alto, 8, 2, 0, 0, 0))
            + trozo(b"IDAT", idat) + trozo(b"IEND", b""))
