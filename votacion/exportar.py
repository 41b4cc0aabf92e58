"""La lista priorizada de un proceso para el plan y el presupuesto: CSV, Excel (.xlsx), GeoJSON y PDF.

Una fila por propuesta (registrada y no ocultada), en el orden de la votación cerrada más reciente del
proceso (o de la que se pida); sin votación, por puntaje técnico. Después de lo priorizado va la ficha
completa con los encabezados de `propuestas.hoja`, así lo exportado se vuelve a importar tal cual. Las
exportaciones públicas no llevan datos personales (nombre de quien propuso, organización, contacto); la de
administración sí. Todo texto que una hoja de cálculo tomaría por fórmula (= + - @, tabulador, retorno) va con
un apóstrofo (la importación lo quita).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from identidad.acceso import Accion, Actor, exigir
from nucleo.errores import NoEncontrada
from nucleo.formato import formatear_soles, formatear_soles_corto, hora_local
from propuestas import hoja, pdlc, servicios
from propuestas.hoja import neutralizar
from propuestas.modelo import CAMPOS_BENEFICIARIOS, FRANJAS_EDAD, MADUREZ, TIPOS_INTERVENCION, TIPOS_PROPONENTE, Proceso
from votacion import servicios as votacion_servicios
from votacion.modelo import REGLAS, EstadoVotacion

FORMATOS = ("csv", "xlsx", "geojson", "pdf")
SOLES = '"S/" #,##0.00'
FECHA = "DD/MM/YYYY"
COLUMNAS = (  # clave, encabezado: primero lo que se prioriza, después la ficha (con los encabezados de la importación)
    ("rango", "Rango"), ("codigo", "Código"), ("titulo", "Título"), ("distrito", "Distrito"), ("ubigeo", "Ubigeo"),
    ("centro_poblado", "Centro poblado"), ("lat", "Latitud"), ("lon", "Longitud"), ("eje", "Eje del PDLC"),
    ("objetivo_pdlc", "Objetivo del PDLC"),
    ("costo_soles", "Costo S/"), ("beneficiarios_directos", "Beneficiarios directos"), ("votos", "Votos"),
    ("puntos", "Puntos / semillas"), ("puntaje_tecnico", "Puntaje técnico"), ("puntaje_combinado", "Puntaje combinado"),
    ("financiada", "Financiada"), ("estado", "Estado"))
DE_LA_FICHA = ("referencia", "fecha", "problema", "propuesta", "profundidad", "objetivo", "tipo", "servicio_publico",
               "indicador_brecha", "costo", "costo_om", "plazo_meses", "cofinanciamiento", "madurez", "cui",
               "sostenibilidad", "directos_mujeres", "directos_hombres", "indirectos",
               *(f"edad_{f}" for f in FRANJAS_EDAD), "proponente_tipo", "organizacion_de_mujeres")
PERSONALES = ("proponente_nombre", "organizacion", "contacto", "consentimiento")
EN_SOLES = ("costo_soles", "costo", "costo_om", "cofinanciamiento")


@dataclass
class ListaPriorizada:
    proceso: Proceso
    filas: list[dict]
    criterios: list[tuple[str, str, int]]   # clave, nombre, peso
    metodo: list[tuple[str, str]]           # qué regla, con qué parámetros, de qué votación
    con_datos_personales: bool
    cobertura: list[dict] = field(default_factory=list)  # por objetivo del PDLC (ver propuestas.pdlc.cobertura)

    @property
    def columnas(self) -> list[tuple[str, str]]:
        desglose = [(f"criterio_{c}", f"{hoja.PREFIJO_CRITERIO}{n} ({p} %)") for c, n, p in self.criterios]
        ficha = [(c, hoja.POR_CAMPO[c].encabezado) for c in DE_LA_FICHA]
        personales = [(c, hoja.POR_CAMPO[c].encabezado) for c in PERSONALES] if self.con_datos_personales else []
        tecnico = [c for c, _ in COLUMNAS].index("puntaje_tecnico") + 1  # el desglose va tras el puntaje técnico
        return [*COLUMNAS[:tecnico], *desglose, *COLUMNAS[tecnico:], *ficha, *personales]


def lista_priorizada(db: Database, proceso_id: int, *, votacion_id: int | None = None, actor: Actor,
                     con_datos_personales: bool = False) -> ListaPriorizada:
    """La lista en el orden de la votación `votacion_id` (si no, de la última cerrada del proceso).

    Los datos personales piden su permiso; el orden de una votación no cerrada, el de ver sus resultados
    (`votacion.servicios.exigir_resultados`)."""
    if con_datos_personales:
        exigir(actor, Accion.VER_DATOS_PERSONALES)
    votacion = _votacion(db, servicios.obtener_proceso(db, proceso_id), votacion_id)
    resultado = votacion_servicios.resultados(db, votacion.id, actor=actor, comparar=False) if votacion else None
    return _armar(db, proceso_id, resultado, con_datos_personales)


def armar_lista_publica(db: Database, proceso_id: int, resultado: votacion_servicios.ResultadoVotacion | None
                        ) -> ListaPriorizada:
    """El cómputo de `lista_priorizada` sin datos personales y sin preguntar permiso, con un conteo ya hecho:
    lo que la página de resultados cachea después de `exigir_resultados`."""
    return _armar(db, proceso_id, resultado, False)


def _armar(db: Database, proceso_id: int, resultado, con_datos_personales: bool) -> ListaPriorizada:
    proceso = servicios.obtener_proceso(db, proceso_id)
    votacion = resultado.votacion if resultado else None
    por_codigo = {f["codigo"]: f for f in resultado.filas} if resultado else {}
    cursor = db.execute("""
        SELECT p.*,
               (SELECT e.puntajes FROM evaluaciones e WHERE e.propuesta_id = p.id ORDER BY e.id DESC LIMIT 1)
                   AS puntajes,
               (SELECT e.costo_validado_centimos FROM evaluaciones e WHERE e.propuesta_id = p.id
                ORDER BY e.id DESC LIMIT 1) AS costo_validado
        FROM propuestas p WHERE p.proceso_id = ? AND p.estado != 'borrador' AND p.oculta_en IS NULL
        ORDER BY p.codigo""", [proceso_id])
    nombres = [d[0] for d in cursor.description]
    crudas = [dict(zip(nombres, valores)) for valores in cursor.fetchall()]
    objetivos = pdlc.objetivos_de(db, [p["id"] for p in crudas])
    filas = [_fila(p, por_codigo.get(p["codigo"]), con_datos_personales) | {"objetivo_pdlc": objetivos.get(p["id"])}
             for p in crudas]
    # en la votación, su orden; las que no estuvieron en ella, después, por puntaje técnico
    filas.sort(key=lambda f: (f["rango_votacion"] is None, f["rango_votacion"] or 0, -(f["puntaje_tecnico"] or 0),
                              f["codigo"]))
    for rango, fila in enumerate(filas, start=1):
        fila["rango"] = rango
        del fila["rango_votacion"]
    criterios = [(c.clave, c.nombre, c.peso) for c in proceso.criterios]
    return ListaPriorizada(proceso, filas, criterios, _metodo(proceso, votacion, resultado), con_datos_personales,
                           pdlc.cobertura(db, filas))


def _fila(p: dict, votada: dict | None, con_datos_personales: bool) -> dict:
    beneficiarios = json.loads(p["beneficiarios"]) if p["beneficiarios"] else {}
    directos = beneficiarios.get("directos_mujeres", 0) + beneficiarios.get("directos_hombres", 0)
    registrada = hora_local(p["registrada_en"]).date()
    fila = {"codigo": p["codigo"], "titulo": p["titulo"], "distrito": p["distrito"], "ubigeo": p["ubigeo"],
            "centro_poblado": p["centro_poblado"], "lat": p["lat"], "lon": p["lon"], "eje": p["eje"],
            "costo_soles": (votada["costo_centimos"] if votada else p["costo_validado"] or p["costo_centimos"] or 0) / 100,
            "beneficiarios_directos": directos or None,
            "votos": votada["votos"] if votada else None, "puntos": votada["puntaje"] if votada else None,
            "puntaje_tecnico": p["puntaje_tecnico"],
            "puntaje_combinado": round(votada["combinado"], 1) if votada else None,
            "financiada": ("sí" if votada["financiada"] else "no") if votada else None,
            "estado": p["estado"].replace("_", " "), "rango_votacion": votada["rango"] if votada else None,
            # la ficha, con lo que la importación vuelve a leer
            "referencia": p["referencia"], "fecha": dt.date.fromisoformat(p["fecha_ficha"]) if p["fecha_ficha"]
            else registrada, "problema": p["problema"], "propuesta": p["propuesta"], "objetivo": p["objetivo"],
            "tipo": TIPOS_INTERVENCION.get(p["tipo"]), "servicio_publico": p["servicio_publico"],
            "indicador_brecha": p["indicador_brecha"], "plazo_meses": p["plazo_meses"],
            "madurez": MADUREZ.get(p["madurez"]), "cui": p["cui"], "sostenibilidad": p["sostenibilidad"],
            "proponente_tipo": TIPOS_PROPONENTE.get(p["proponente_tipo"]),
            "organizacion_de_mujeres": "Sí" if p.get("organizacion_de_mujeres") else "",
            "profundidad": "Completa" if p["profundidad"] == "organizacion" else "Rápida",
            **{c: beneficiarios.get(c, 0) for c in CAMPOS_BENEFICIARIOS}}
    for clave in ("costo", "costo_om", "cofinanciamiento"):
        centimos = p[f"{clave}_centimos"]
        fila[clave] = None if centimos is None else centimos / 100
    for clave, valor in (json.loads(p["puntajes"]) if p["puntajes"] else {}).items():
        fila[f"criterio_{clave}"] = valor
    if con_datos_personales:
        fila.update(proponente_nombre=p["proponente_nombre"], organizacion=p["organizacion"], contacto=p["contacto"],
                    consentimiento="Sí" if p["consentimiento_en"] else "")
    return fila


def _votacion(db: Database, proceso: Proceso, votacion_id: int | None):
    if votacion_id is not None:
        votacion = votacion_servicios.obtener(db, votacion_id)
        if votacion.proceso_id != proceso.id:
            raise NoEncontrada(f"La votación n.º {votacion_id} no es del proceso {proceso.codigo} (n.º {proceso.id}).")
        return votacion
    cerradas = [v for v in votacion_servicios.listar(db, proceso.id) if v.estado == EstadoVotacion.CERRADA]
    return cerradas[0] if cerradas else None


def _metodo(proceso: Proceso, votacion, resultado) -> list[tuple[str, str]]:
    filas = [("Proceso", proceso.nombre), ("Techo presupuestal", formatear_soles(proceso.techo_centimos))]
    if votacion is None:
        return filas + [("Orden", "Sin votación cerrada: por puntaje técnico, de mayor a menor.")]
    filas += [("Votación", f"{votacion.nombre} (n.º {votacion.id}, {votacion.estado.etiqueta.lower()})"),
              ("Tipo de papeleta", votacion.tipo.etiqueta),
              ("Regla oficial", f"{votacion.regla}: {REGLAS.get(votacion.regla, '')}"),
              ("Pesos del puntaje combinado", f"{votacion.peso_participacion} % votación + {votacion.peso_tecnico} % "
                                              "puntaje técnico"),
              ("Techo de la votación", formatear_soles(votacion.techo_centimos)),
              ("Papeletas", str(resultado.votantes)),
              ("Recontar", f"python -m votacion exportar --votacion {votacion.id} --formato pb --salida v.pb && "
                           "python -m votacion contar v.pb")]
    filas += [("Empate", f"entre {', '.join(e.entre)}: se eligió {e.elegido} ({e.criterio})")
              for e in resultado.oficial.empates]
    return filas


def a_csv(lista: ListaPriorizada) -> str:
    """UTF-8 con BOM y `;` (Excel en castellano lo abre bien); números con punto decimal."""
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow([titulo for _, titulo in lista.columnas])
    for fila in lista.filas:
        escritor.writerow([neutralizar(fila.get(clave)) for clave, _ in lista.columnas])
    return "\ufeff" + salida.getvalue()


def a_xlsx(lista: ListaPriorizada) -> bytes:
    """Libro con la lista priorizada, una hoja por distrito, la matriz de criterios y el método."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    libro = Workbook()
    negrita, fondo = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0B4F8A")

    def hoja(titulo: str, encabezados: list[str], filas: list[list], anchos: dict[int, int] | None = None):
        nueva = libro.create_sheet(_nombre_de_hoja(titulo, libro.sheetnames))
        nueva.append(encabezados)
        for celda in nueva[1]:
            celda.font, celda.fill = negrita, fondo
            celda.alignment = Alignment(wrap_text=True, vertical="top")
        for fila in filas:
            nueva.append([neutralizar(v) for v in fila])
        nueva.freeze_panes = "A2"
        for indice, ancho in (anchos or {}).items():
            nueva.column_dimensions[nueva.cell(row=1, column=indice).column_letter].width = ancho
        return nueva

    claves = [clave for clave, _ in lista.columnas]
    encabezados = [titulo for _, titulo in lista.columnas]
    anchos = {claves.index("titulo") + 1: 48, claves.index("distrito") + 1: 16, claves.index("costo_soles") + 1: 16}

    def con_formato(nueva) -> None:
        for clave, formato in [*((c, SOLES) for c in EN_SOLES), ("fecha", FECHA)]:
            columna = claves.index(clave) + 1
            for (celda,) in nueva.iter_rows(min_row=2, min_col=columna, max_col=columna):
                celda.number_format = formato

    con_formato(hoja("Priorizadas", encabezados, [[f.get(c) for c in claves] for f in lista.filas], anchos))
    distritos: dict[str, list[dict]] = {}
    for fila in lista.filas:
        distritos.setdefault(fila["distrito"] or "Sin distrito", []).append(fila)
    for distrito, filas in sorted(distritos.items()):
        con_formato(hoja(distrito, encabezados, [[f.get(c) for c in claves] for f in filas], anchos))
    hoja("Criterios", ["Criterio", "Clave", "Peso (%)"], [[n, c, p] for c, n, p in lista.criterios], {1: 40})
    if lista.cobertura:
        cobertura = hoja("Cobertura del PDLC", ["Objetivo", "Propuestas", "Votos", "Financiadas", "Financiado S/",
                                                "Nota"],
                         [[g["objetivo"], g["propuestas"], g["votos"], g["financiadas"], g["financiado_soles"],
                           g["nota"]] for g in lista.cobertura], {1: 60, 6: 30})
        for (celda,) in cobertura.iter_rows(min_row=2, min_col=5, max_col=5):
            celda.number_format = SOLES
    hoja("Método", ["Qué", "Valor"], [list(par) for par in lista.metodo], {1: 28, 2: 90})
    libro.remove(libro["Sheet"])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _nombre_de_hoja(titulo: str, existentes: list[str]) -> str:
    """Excel: hasta 31 caracteres, sin : \\ / ? * [ ] y sin repetir."""
    limpio = "".join("_" if c in ':\\/?*[]' else c for c in titulo)[:31] or "Hoja"
    nombre, n = limpio, 2
    while nombre in existentes:
        nombre = f"{limpio[:28]} {n}"
        n += 1
    return nombre


def a_geojson(lista: ListaPriorizada) -> str:
    """Puntos (lon, lat) con todas las columnas como propiedades; sin ubicación, geometría nula (lo admite QGIS)."""
    claves = [clave for clave, _ in lista.columnas]
    elementos = [{"type": "Feature",
                  "geometry": {"type": "Point", "coordinates": [fila["lon"], fila["lat"]]}
                  if fila["lat"] is not None and fila["lon"] is not None else None,
                  "properties": {clave: fila.get(clave) for clave in claves}} for fila in lista.filas]
    return json.dumps({"type": "FeatureCollection", "name": f"priorizadas_{lista.proceso.id}",
                       "features": elementos}, ensure_ascii=False, default=str)  # las fechas, como 2026-12-05


def a_pdf(lista: ListaPriorizada, territorio=None) -> bytes:
    """Informe para el expediente: método, tabla priorizada, cobertura por objetivo del PDLC (si hay uno importado o
    propuestas vinculadas) y mapa con cada propuesta numerada por su rango sobre
    los distritos coloreados por el costo de lo financiado. La fecha del documento es la del proceso (determinista)."""
    import datetime as dt

    from geo.pdf import Documento

    fecha = dt.datetime.combine(lista.proceso.fases[0].inicio, dt.time(), tzinfo=dt.timezone.utc) \
        if lista.proceso.fases else dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    doc = Documento(f"Lista priorizada — {lista.proceso.nombre}", fecha,
                    autor=territorio_servicios.mesa_de(territorio.nombre_provincia() if territorio else None))
    doc.titulo("Método")
    for que, valor in lista.metodo:
        doc.parrafo(f"{que}: {valor}")
    doc.titulo("Propuestas en orden")
    doc.tabla(["N.º", "Propuesta", "Distrito", "Costo S/", "Votos", "Técnico", "Comb.", "Financiada"], [
        [f["rango"], f"{f['codigo']} {f['titulo']}", f["distrito"], f"{f['costo_soles']:,.2f}",
         "" if f["votos"] is None else f["votos"], "" if f["puntaje_tecnico"] is None else f"{f['puntaje_tecnico']:.0f}",
         "" if f["puntaje_combinado"] is None else f"{f['puntaje_combinado']:.1f}", f["financiada"] or ""]
        for f in lista.filas], (10, 56, 24, 24, 12, 16, 14, 24))
    if lista.cobertura:
        doc.titulo("Cobertura del PDLC")
        doc.tabla(["Objetivo", "Propuestas", "Votos", "Financiadas", "Financiado S/", "Nota"], [
            [g["objetivo"], g["propuestas"], g["votos"], g["financiadas"], f"{g['financiado_soles']:,.2f}", g["nota"]]
            for g in lista.cobertura], (62, 20, 16, 20, 28, 34))
    if territorio is not None and territorio.distritos:
        montos: dict[str, float] = {}
        for fila in lista.filas:
            if fila["financiada"] == "sí" and fila["ubigeo"]:
                montos[fila["ubigeo"]] = montos.get(fila["ubigeo"], 0) + 100 * fila["costo_soles"]
        puntos = [(f["lat"], f["lon"], str(f["rango"])) for f in lista.filas[:40]
                  if f["lat"] is not None and f["lon"] is not None]
        doc.mapa(territorio, montos, texto_valor=formatear_soles_corto, puntos=puntos, titulo="Dónde están",
                 nota="Cada punto es una propuesta con su número de orden (las 40 primeras); los distritos, más "
                      "oscuros cuanto más se financia en ellos.")
    return doc.salida()


def exportar(lista: ListaPriorizada, formato: str, territorio=None) -> bytes:
    if formato == "csv":
        return a_csv(lista).encode("utf-8")
    if formato == "xlsx":
        return a_xlsx(lista)
    if formato == "geojson":
        return a_geojson(lista).encode("utf-8")
    if formato == "pdf":
        return a_pdf(lista, territorio)
    raise ValueError(f"Formato {formato!r} desconocido; use uno de: {', '.join(FORMATOS)}.")
