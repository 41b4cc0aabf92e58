"""Importar propuestas de fichas de papel digitadas en una hoja de cálculo (CSV o Excel .xlsx).

Dos pasos, como en la página: `revisar` lee el archivo e informa, fila por fila, qué se registraría y qué
problemas hay, sin escribir nada; `importar` vuelve a revisar dentro de una transacción y registra todas las
filas solo si ninguna tiene problemas (todo o nada). Cada propuesta importada queda «registrada», con el
archivo y la fila de donde vino, su n.º de ficha y la fecha de la ficha; cada una deja su evento.

Decisiones (también en el README):
- Montos: «S/ 1,234.50», «1,234.50», «1.234,50» y «1234.5» valen lo mismo; el último separador seguido de 1 o 2
  cifras es el decimal y uno seguido de 3 cifras es de miles (`soles_a_centimos`).
- Fechas: día/mes/año como en el Perú («05/03/2026» es 5 de marzo), o año-mes-día, o «5 de marzo de 2026».
- Ubicación: las coordenadas mandan; sin ellas, el centro poblado (dentro del distrito, si va); con solo el
  distrito, su capital, con un aviso.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
from dataclasses import dataclass

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.modelo import Punto
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, marca, registrar_evento
from nucleo.formato import formatear_fecha_y_hora
from propuestas import almacen, hoja, pdlc, servicios
from propuestas.ficha import SOLO_NUMERACION, Contexto, FilaRevisada, revisar_fila, texto_de_celda
from propuestas.modelo import (
    AccionFueraDeFase,
    ErrorPropuestas,
    Estado,
    Proceso,
)


class ImportacionRechazada(ErrorPropuestas):
    """El archivo tiene problemas: no se importó ninguna fila. `revision` trae el informe completo."""

    def __init__(self, revision: "Revision"):
        self.revision = revision
        super().__init__(f"No se importó nada de «{revision.archivo}»: {revision.resumen}")


@dataclass
class Revision:
    archivo: str
    sha256: str
    hoja: str | None
    problemas: list[str]             # del archivo entero
    avisos: list[str]
    filas: list[FilaRevisada]

    @property
    def con_problemas(self) -> list[FilaRevisada]:
        return [f for f in self.filas if f.problemas]

    @property
    def es_importable(self) -> bool:
        return bool(self.filas) and not self.problemas and not self.con_problemas

    @property
    def resumen(self) -> str:
        if self.problemas:
            return f"hay {len(self.problemas)} problema(s) del archivo o del proceso (arriba)."
        if not self.filas:
            return "no tiene filas con datos debajo del encabezado."
        if self.con_problemas:
            return (f"{len(self.con_problemas)} de {len(self.filas)} filas tienen problemas; corríjalas en la hoja "
                    "y vuelva a subirla (no se importó ninguna).")
        return f"las {len(self.filas)} filas están listas para importarse."


# --- casos de uso ------------------------------------------------------------------------------

def revisar(db: Database, proceso_id: int, contenido: bytes, nombre: str, *, ahora: dt.datetime) -> Revision:
    """La vista previa: qué pasaría con cada fila. No escribe nada."""
    proceso = servicios.obtener_proceso(db, proceso_id)
    sha = hashlib.sha256(contenido).hexdigest()
    try:
        tabla = hoja.leer(contenido, nombre)
    except hoja.HojaIlegible as error:
        return Revision(nombre, sha, None, [str(error)], [], [])
    columnas, problemas, avisos = _columnas(tabla)
    revision = Revision(nombre, sha, tabla.hoja, tabla.problemas + problemas, tabla.avisos + avisos, [])
    if revision.problemas:
        return revision
    if len(tabla.filas) > hoja.MAXIMO_FILAS:
        revision.problemas.append(f"La hoja tiene {len(tabla.filas):,} filas; el máximo por archivo es "
                                  f"{hoja.MAXIMO_FILAS:,}. Divídala en varios archivos.")
        return revision
    contexto = Contexto(proceso, territorio_servicios.exigir_territorio(db), territorio_servicios.centros_poblados(db),
                         servicios.fecha_local(ahora), pdlc.ejes_para_proponer(db, proceso.ejes))
    sin_contenido = []
    for numero, celdas in tabla.filas:
        valores = {campo: celdas[i] if i < len(celdas) else None for campo, i in columnas.items()}
        if not any(texto_de_celda(v) for c, v in valores.items() if c not in SOLO_NUMERACION):
            sin_contenido.append(numero)  # p. ej. el n.º de ficha o la fecha llenados de antemano hacia abajo
            continue
        fila = revisar_fila(numero, valores, contexto)
        if numero in tabla.combinadas:
            fila.problemas.insert(0, f"La fila está en celdas combinadas ({tabla.combinadas[numero]}); sepárelas "
                                     "y escriba el dato en cada fila.")
        revision.filas.append(fila)
    if sin_contenido:
        revision.avisos.append(f"Se ignoraron {len(sin_contenido)} fila(s) sin título, textos ni lugar (desde la "
                               f"fila {sin_contenido[0]}): solo tenían n.º de ficha, fecha o código.")
    _revisar_repetidas(db, proceso, revision)
    previa = db.execute("SELECT importada_en, actor, propuestas FROM importaciones_de_propuestas WHERE proceso_id = ? "
                        "AND sha256 = ? ORDER BY id LIMIT 1", [proceso.id, sha]).fetchone()
    if previa:
        revision.problemas.append(f"Este mismo archivo ya se importó el {formatear_fecha_y_hora(previa[0])} "
                                  f"({previa[1]}, {previa[2]} propuestas).")
    permiso = proceso.permite(Accion.IMPORTAR_PROPUESTAS, servicios.fecha_local(ahora))
    if not permiso:
        revision.problemas.append(permiso.motivo)
    return revision


def importar(db: Database, proceso_id: int, contenido: bytes, nombre: str, *, actor: Actor,
             ahora: dt.datetime) -> Revision:
    """Registra todas las filas en una sola transacción, o ninguna (lanza `ImportacionRechazada`)."""
    proceso = servicios.obtener_proceso(db, proceso_id)
    exigir(actor, Accion.IMPORTAR_PROPUESTAS, proceso)
    permiso = proceso.permite(Accion.IMPORTAR_PROPUESTAS, servicios.fecha_local(ahora))
    if not permiso:
        raise AccionFueraDeFase(permiso.motivo)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        revision = revisar(db, proceso_id, contenido, nombre, ahora=ahora)
        if not revision.es_importable:
            raise ImportacionRechazada(revision)
        importacion_id = db.table("importaciones_de_propuestas").insert({
            "proceso_id": proceso.id, "archivo": nombre, "hoja": revision.hoja, "sha256": revision.sha256,
            "propuestas": len(revision.filas), "actor": actor.etiqueta, "importada_en": marca(ahora)}).last_pk
        for fila in revision.filas:
            registro = dict(fila.registro)
            consiente = registro.pop("consentimiento")
            propuesta_id = almacen.insertar_propuesta(db, {
                **registro, "consentimiento_en": marca(ahora) if consiente else None, "proceso_id": proceso.id,
                "estado": Estado.REGISTRADA.value, "es_demo": int(proceso.es_demo), "creada_en": marca(ahora),
                "actualizada_en": marca(ahora), "registrada_en": marca(ahora), "importacion_id": importacion_id, "fila_importada": fila.numero,
                "pdlc_objetivo_id": pdlc.objetivo_de_eje(db, fila.registro.get("eje")),
            })
            almacen.anotar_transicion(db, propuesta_id, Estado.BORRADOR.value, Estado.REGISTRADA.value,
                                      actor=actor.etiqueta, motivo=f"Ficha importada de «{nombre}», fila {fila.numero}.",
                                      ocurrido_en=marca(ahora))
            registrar_evento(db, Evento(actor.etiqueta, "importar_propuesta", "propuesta", propuesta_id, None,
                                        {"codigo": fila.codigo, "importacion_id": importacion_id,
                                         "fila": fila.numero, "ubigeo": fila.registro["ubigeo"]}), momento=ahora)
        registrar_evento(db, Evento(actor.etiqueta, "importar_propuestas", "importacion", importacion_id, None,
                                    {"archivo": nombre, "sha256": revision.sha256, "propuestas": len(revision.filas),
                                     "proceso_id": proceso.id}), momento=ahora)
    return revision


def informe_csv(revision: Revision) -> str:
    """El informe de la revisión, una línea por fila (para corregir la hoja con él al lado)."""
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow(["Fila", "Título", "Dónde", "Código", "Problemas", "Avisos"])
    for problema in revision.problemas:
        escritor.writerow(["archivo", "", "", "", hoja.neutralizar(problema), ""])
    for fila in revision.filas:
        escritor.writerow([fila.numero, hoja.neutralizar(fila.titulo), hoja.neutralizar(fila.lugar), fila.codigo or "",
                           hoja.neutralizar(" | ".join(fila.problemas)), hoja.neutralizar(" | ".join(fila.avisos))])
    return "\ufeff" + salida.getvalue()


# --- encabezados -------------------------------------------------------------------------------

def _columnas(tabla: hoja.Tabla) -> tuple[dict[str, int], list[str], list[str]]:
    """campo → índice de columna; problemas (faltan obligatorias, repetidas) y avisos (ignoradas)."""
    if not tabla.encabezados:
        return {}, [f"No se encontró la fila de encabezado en «{tabla.nombre}» (se buscó en las primeras "
                    f"{hoja.FILAS_PARA_BUSCAR_ENCABEZADO} filas una con Título, Problema, Qué se propone…). "
                    "Use la plantilla de importación."], []
    problemas, avisos, candidatas, desconocidas = [], [], {}, []
    fuera = [n for n, celdas in tabla.filas if any(texto_de_celda(c) for c in celdas[len(tabla.encabezados):])]
    if fuera:
        avisos.append(f"{len(fuera)} fila(s) tienen datos a la derecha de la última columna con título (desde la "
                      f"fila {fuera[0]}); esos datos no se importan.")
    for indice, encabezado in enumerate(tabla.encabezados):
        campo = hoja.campo_de_encabezado(encabezado)
        if campo:
            candidatas.setdefault(campo, []).append(indice)
        elif not encabezado:
            if any(indice < len(celdas) and celdas[indice] not in (None, "") for _, celdas in tabla.filas):
                avisos.append(f"La columna {_letra(indice)} tiene datos pero no tiene título; no se importa.")
        elif hoja.normalizar(encabezado) in hoja.IGNORADAS or encabezado.startswith(hoja.PREFIJO_CRITERIO):
            continue  # calculadas por la plataforma (vienen de una exportación)
        else:
            desconocidas.append(encabezado)
    columnas = {}
    for campo, indices in candidatas.items():
        canonica = hoja.normalizar(hoja.POR_CAMPO[campo].encabezado)
        exactas = [i for i in indices if hoja.normalizar(tabla.encabezados[i]) == canonica]
        if len(exactas) > 1 or (not exactas and len(indices) > 1):
            repetidas = exactas if len(exactas) > 1 else indices
            problemas.append(f"La columna «{hoja.POR_CAMPO[campo].encabezado}» está más de una vez (columnas "
                             f"{', '.join(_letra(i) for i in repetidas)}); deje una sola.")
            continue
        columnas[campo] = exactas[0] if exactas else indices[0]
        for otra in indices:
            if otra != columnas[campo]:
                avisos.append(f"La columna «{tabla.encabezados[otra]}» no se usa: el mismo dato se toma de "
                              f"«{tabla.encabezados[columnas[campo]]}».")
    normalizadas = {hoja.normalizar(d): d for d in desconocidas}
    for columna in hoja.COLUMNAS:
        if columna.obligatoria and columna.campo not in columnas and columna.campo not in candidatas:
            parecida = difflib.get_close_matches(hoja.normalizar(columna.encabezado), normalizadas, n=1, cutoff=0.6)
            pista = f" (¿es «{normalizadas[parecida[0]]}»? Cámbiele el título)" if parecida else ""
            privada = (" Si el archivo es una exportación pública, no trae datos personales: use la exportación "
                       "con datos personales (administración).") if columna.campo == "proponente_nombre" else ""
            problemas.append(f"Falta la columna «{columna.encabezado}»{pista}.{privada}")
    if not ({"lat", "lon"} <= set(columnas) or {"centro_poblado", "distrito", "ubigeo"} & set(columnas)):
        problemas.append("Falta dónde: ponga las columnas «Distrito» y «Centro poblado», o «Latitud» y "
                         "«Longitud».")
    if desconocidas:
        detalle = []
        for nombre in desconocidas:
            parecida = difflib.get_close_matches(hoja.normalizar(nombre), list(hoja.ALIAS), n=1, cutoff=0.75)
            sugerida = hoja.POR_CAMPO[hoja.ALIAS[parecida[0]]].encabezado if parecida else None
            detalle.append(f"«{nombre}»" + (f" (¿quiso decir «{sugerida}»?)" if sugerida else ""))
        avisos.append("Columnas que no se reconocen y no se importan: " + ", ".join(detalle) + ".")
    return columnas, problemas, avisos


def _letra(indice: int) -> str:
    letras = ""
    indice += 1
    while indice:
        indice, resto = divmod(indice - 1, 26)
        letras = chr(65 + resto) + letras
    return letras


# --- entre filas y contra la base --------------------------------------------------------------

def _revisar_repetidas(db: Database, proceso: Proceso, revision: Revision) -> None:
    """Códigos y n.º de ficha repetidos (en el archivo o ya en la base), y propuestas parecidas (solo aviso)."""
    prefijo = f"{proceso.codigo}-"
    existentes = dict(db.execute("SELECT codigo, titulo FROM propuestas WHERE codigo IS NOT NULL").fetchall())
    referencias = {r for (r,) in db.execute("SELECT referencia FROM propuestas WHERE proceso_id = ? AND referencia "
                                            "IS NOT NULL", [proceso.id]).fetchall()}
    vistos_codigo: dict[str, int] = {}
    vistas_referencia: dict[str, int] = {}
    vistos_titulo: dict[tuple, int] = {}
    for fila in revision.filas:
        registro = fila.registro or {}
        codigo, referencia = fila.codigo_leido, fila.referencia
        if codigo and codigo.upper().startswith(prefijo):
            codigo = registro["codigo"] = codigo.upper()
            if not re.fullmatch(re.escape(prefijo) + r"\d{4,6}", codigo):
                fila.problemas.append(f"Código: «{codigo}» no tiene la forma {prefijo}0001; déjelo vacío y la "
                                      "plataforma asigna uno.")
            elif codigo in existentes:
                fila.problemas.append(f"Código: {codigo} ya existe («{existentes[codigo]}»); esta ficha ya se "
                                      "importó o el código está mal. Quite la fila o deje el código vacío.")
            elif codigo in vistos_codigo:
                fila.problemas.append(f"Código: {codigo} se repite en la fila {vistos_codigo[codigo]}.")
            vistos_codigo.setdefault(codigo, fila.numero)
        elif codigo:
            registro["codigo"] = None
            if not referencia:
                registro["referencia"] = fila.referencia = referencia = codigo
            fila.avisos.append(f"El código «{codigo}» no es de este proceso ({proceso.codigo}): la propuesta recibe "
                               f"un código nuevo y «{codigo}» queda como referencia.")
        if referencia:
            if referencia in referencias:
                fila.problemas.append(f"N.º de ficha: la ficha «{referencia}» ya se importó en este proceso.")
            elif referencia in vistas_referencia:
                fila.problemas.append(f"N.º de ficha: «{referencia}» se repite en la fila "
                                      f"{vistas_referencia[referencia]}.")
            vistas_referencia.setdefault(referencia, fila.numero)
        if fila.registro:
            clave = (hoja.normalizar(fila.titulo), registro["ubigeo"])
            if clave in vistos_titulo:
                fila.avisos.append(f"Mismo título y distrito que la fila {vistos_titulo[clave]}: ¿es la misma ficha?")
            vistos_titulo.setdefault(clave, fila.numero)
            parecidas = servicios.posibles_duplicados(db, proceso.id, registro, Punto(registro["lat"], registro["lon"]))
            if parecidas:
                p = parecidas[0]
                fila.avisos.append(f"Se parece a {p['codigo']} «{p['titulo']}» (a {p['metros']:,} m); revise que no "
                                   "sea la misma propuesta.")
        if fila.problemas:
            fila.registro = None
    _asignar_codigos(db, proceso, revision)


def _asignar_codigos(db: Database, proceso: Proceso, revision: Revision) -> None:
    """Las filas sin código reciben los siguientes números, después del más alto de la base y del archivo."""
    usados = [int(f.registro["codigo"].rsplit("-", 1)[1]) for f in revision.filas
              if f.registro and f.registro.get("codigo")]
    siguiente = max([almacen.ultimo_numero(db, proceso), *usados]) + 1
    for fila in revision.filas:
        if fila.registro is None:
            continue
        if not fila.registro.get("codigo"):
            fila.registro["codigo"] = f"{proceso.codigo}-{siguiente:04d}"
            siguiente += 1

