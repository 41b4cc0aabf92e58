"""El Plan de Desarrollo Local Concertado (PDLC) como datos, no como texto libre.

Objetivos estratégicos → acciones estratégicas → indicadores (unidad, línea de base y su año, meta y su año,
fuente), importados de una hoja (CSV o Excel, con plantilla) con la misma revisión fila por fila, todo o nada, que
las fichas de papel. Cada importación es una **versión** nueva: ninguna se reescribe, y lo que una propuesta
vinculó a una versión anterior sigue apuntando ahí. La vigente es la última.

Una fila de la hoja es un indicador de una acción (o del objetivo, si la acción va vacía); una fila con solo el
objetivo (o solo objetivo y acción) también vale. El equipo técnico vincula cada propuesta a un objetivo o a una
acción de la versión vigente; el «eje» que escribió quien propuso queda como texto («sin vincular» hasta entonces).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

from sqlite_utils import Database

from geo.modelo import Problema
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir
from nucleo.db import Evento, insertar, marca, registrar_evento
from nucleo.errores import DatosInvalidos, NoEncontrada
from nucleo.formato import limpiar_linea
from propuestas import almacen, hoja

# (campo, encabezado de la plantilla, otros nombres aceptados)
COLUMNAS = (
    ("objetivo_codigo", "Código del objetivo", ("codigo objetivo", "cod objetivo", "oe")),
    ("objetivo", "Objetivo estratégico", ("objetivo", "objetivo estrategico territorial")),
    ("accion_codigo", "Código de la acción", ("codigo accion", "cod accion", "ae")),
    ("accion", "Acción estratégica", ("accion", "accion estrategica territorial")),
    ("indicador", "Indicador", ("nombre del indicador",)),
    ("unidad", "Unidad de medida", ("unidad",)),
    ("linea_base", "Línea de base", ("linea base", "valor de linea de base")),
    ("anio_base", "Año de la línea de base", ("año base", "anio base", "año de linea de base")),
    ("meta", "Meta", ("valor meta",)),
    ("anio_meta", "Año de la meta", ("año meta", "anio meta")),
    ("fuente", "Fuente", ("fuente de verificacion", "fuente de datos")),
)
ENCABEZADO = {campo: titulo for campo, titulo, _ in COLUMNAS}
ALIAS = {hoja.normalizar(nombre): campo for campo, titulo, otros in COLUMNAS for nombre in (titulo, campo, *otros)}
ANIOS = range(1990, 2101)


@dataclass
class FilaPlan:
    numero: int
    datos: dict
    problemas: list[str] = field(default_factory=list)


@dataclass
class RevisionPlan:
    archivo: str
    filas: list[FilaPlan]
    problemas: list[str]  # del archivo entero

    @property
    def es_importable(self) -> bool:
        return bool(self.filas) and not self.problemas and not any(f.problemas for f in self.filas)

    def cuantos(self) -> dict[str, int]:
        return {"objetivos": len({f.datos["objetivo_codigo"] for f in self.filas}),
                "acciones": len({f.datos["accion_codigo"] for f in self.filas if f.datos["accion_codigo"]}),
                "indicadores": sum(bool(f.datos["indicador"]) for f in self.filas)}


def revisar(contenido: bytes, nombre: str) -> RevisionPlan:
    """Lee la hoja y revisa cada fila (nada se escribe). Los problemas nombran la fila y la columna."""
    tabla = hoja.leer(contenido, nombre, ALIAS)
    problemas = list(tabla.problemas)
    if not tabla.encabezados:
        problemas.append(f"«{nombre}» no tiene una fila de encabezado con las columnas de la plantilla del PDLC "
                         f"({', '.join(ENCABEZADO.values())}).")
        return RevisionPlan(nombre, [], problemas)
    campos = [ALIAS.get(hoja.normalizar(e)) for e in tabla.encabezados]
    for obligatoria in ("objetivo_codigo", "objetivo"):
        if obligatoria not in campos:
            problemas.append(f"Falta la columna «{ENCABEZADO[obligatoria]}».")
    filas = []
    objetivos: dict[str, tuple[str, int]] = {}  # código → (nombre, fila)
    acciones: dict[str, tuple[str, str, int]] = {}  # código → (objetivo, nombre, fila)
    for numero, celdas in tabla.filas:
        crudos = {c: celdas[i] if i < len(celdas) else None for i, c in enumerate(campos) if c}
        fila = FilaPlan(numero, {})
        _leer_fila(fila, crudos)
        d = fila.datos
        if d["objetivo_codigo"]:
            anterior = objetivos.setdefault(d["objetivo_codigo"], (d["objetivo"], numero))
            if anterior[0] != d["objetivo"]:
                fila.problemas.append(f"«{ENCABEZADO['objetivo_codigo']}»: el código {d['objetivo_codigo']} ya es del "
                                      f"objetivo «{anterior[0]}» (fila {anterior[1]}); aquí dice «{d['objetivo']}».")
        if d["accion_codigo"]:
            anterior_accion = acciones.setdefault(d["accion_codigo"], (d["objetivo_codigo"], d["accion"], numero))
            if anterior_accion[:2] != (d["objetivo_codigo"], d["accion"]):
                fila.problemas.append(f"«{ENCABEZADO['accion_codigo']}»: el código {d['accion_codigo']} ya es de la "
                                      f"acción «{anterior_accion[1]}» del objetivo {anterior_accion[0]} (fila "
                                      f"{anterior_accion[2]}).")
        filas.append(fila)
    if not filas and not problemas:
        problemas.append(f"«{nombre}» no tiene filas debajo del encabezado.")
    return RevisionPlan(nombre, filas, problemas)


def _leer_fila(fila: FilaPlan, crudos: dict) -> None:
    textos = {c: limpiar_linea(_texto(crudos.get(c)))
              for c in ("objetivo_codigo", "objetivo", "accion_codigo", "accion", "indicador", "unidad", "fuente")}
    textos["objetivo_codigo"] = textos["objetivo_codigo"].upper()
    textos["accion_codigo"] = textos["accion_codigo"].upper()
    fila.datos.update(textos)
    problemas = fila.problemas
    for codigo, nombre in (("objetivo_codigo", "objetivo"), ("accion_codigo", "accion")):
        if bool(textos[codigo]) != bool(textos[nombre]):
            falta = codigo if not textos[codigo] else nombre
            problemas.append(f"«{ENCABEZADO[falta]}» está vacío: el código y el nombre van juntos.")
    if not textos["objetivo_codigo"] and not textos["objetivo"]:
        problemas.append(f"«{ENCABEZADO['objetivo_codigo']}» y «{ENCABEZADO['objetivo']}» están vacíos: cada fila es "
                         "de un objetivo estratégico.")
    if textos["indicador"] and not textos["unidad"]:
        problemas.append(f"«{ENCABEZADO['unidad']}»: el indicador «{textos['indicador']}» no tiene unidad de medida.")
    for campo in ("linea_base", "meta"):
        fila.datos[campo] = _numero(crudos.get(campo), campo, problemas)
    for campo in ("anio_base", "anio_meta"):
        fila.datos[campo] = _anio(crudos.get(campo), campo, problemas)
    if fila.datos["anio_base"] and fila.datos["anio_meta"] and fila.datos["anio_meta"] < fila.datos["anio_base"]:
        problemas.append(f"«{ENCABEZADO['anio_meta']}»: la meta ({fila.datos['anio_meta']}) es anterior a la línea "
                         f"de base ({fila.datos['anio_base']}).")
    if not textos["indicador"] and any(fila.datos[c] is not None for c in ("linea_base", "meta")):
        problemas.append(f"«{ENCABEZADO['indicador']}» está vacío y la fila tiene línea de base o meta.")


def _texto(valor) -> str:
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    return "" if valor is None else str(valor)


def _numero(valor, campo: str, problemas: list[str]) -> float | None:
    if valor is None or str(valor).strip() == "":
        return None
    if isinstance(valor, (int, float)):
        return float(valor)
    texto = str(valor).strip().rstrip("%").strip().replace(" ", "")
    if texto.count(",") == 1 and "." not in texto:
        texto = texto.replace(",", ".")
    try:
        return float(texto.replace(",", ""))
    except ValueError:
        problemas.append(f"«{ENCABEZADO[campo]}»: «{valor}» no es un número (p. ej. 45.5).")
        return None


def _anio(valor, campo: str, problemas: list[str]) -> int | None:
    if valor is None or str(valor).strip() == "":
        return None
    texto = _texto(valor).strip()
    if texto.isdigit() and int(texto) in ANIOS:
        return int(texto)
    problemas.append(f"«{ENCABEZADO[campo]}»: «{valor}» no es un año (de {ANIOS.start} a {ANIOS.stop - 1}).")
    return None


def importar(db: Database, contenido: bytes, nombre: str, *, nombre_plan: str, actor: Actor,
             ahora: dt.datetime) -> dict:
    """Importa una versión nueva del PDLC, toda o nada (si una fila tiene problemas, no se escribe nada)."""
    exigir(actor, Accion.ADMINISTRAR_PROCESOS)
    revision = revisar(contenido, nombre)
    nombre_plan = limpiar_linea(nombre_plan)
    if not 3 <= len(nombre_plan) <= 200:
        revision.problemas.append(f"El nombre del plan debe tener de 3 a 200 caracteres (tiene {len(nombre_plan)}).")
    if not revision.es_importable:
        raise DatosInvalidos([Problema("archivo", p) for p in revision.problemas]
                             + [Problema(f"fila {f.numero}", f"Fila {f.numero}: {p}") for f in revision.filas
                                for p in f.problemas])
    with sesiones.escritura_de(db, actor, ahora=ahora):
        version_id = insertar(db, "pdlc_versiones", {
            "nombre": nombre_plan, "archivo": nombre, "sha256": hashlib.sha256(contenido).hexdigest(),
            "importada_en": marca(ahora), "importada_por": actor.etiqueta})
        objetivos: dict[str, int] = {}
        acciones: dict[str, int] = {}
        for fila in revision.filas:
            d = fila.datos
            if d["objetivo_codigo"] not in objetivos:
                objetivos[d["objetivo_codigo"]] = insertar(db, "pdlc_objetivos", {
                    "version_id": version_id, "codigo": d["objetivo_codigo"], "nombre": d["objetivo"]})
            if d["accion_codigo"] and d["accion_codigo"] not in acciones:
                acciones[d["accion_codigo"]] = insertar(db, "pdlc_acciones", {
                    "version_id": version_id, "objetivo_id": objetivos[d["objetivo_codigo"]],
                    "codigo": d["accion_codigo"], "nombre": d["accion"]})
            if d["indicador"]:
                insertar(db, "pdlc_indicadores", {
                    "version_id": version_id, "objetivo_id": objetivos[d["objetivo_codigo"]],
                    "accion_id": acciones.get(d["accion_codigo"]), "nombre": d["indicador"], "unidad": d["unidad"],
                    "linea_base": d["linea_base"], "anio_base": d["anio_base"], "meta": d["meta"],
                    "anio_meta": d["anio_meta"], "fuente": d["fuente"] or None})
        cuantos = revision.cuantos()
        registrar_evento(db, Evento(actor.etiqueta, "importar_pdlc", "pdlc", version_id, None,
                                    {"nombre": nombre_plan, "archivo": nombre, **cuantos}), momento=ahora)
    return {"id": version_id, "nombre": nombre_plan, **cuantos}


@dataclass
class Plan:
    """Una versión del PDLC con su árbol: objetivos, cada uno con sus acciones e indicadores."""

    version: dict
    objetivos: list[dict]  # {id, codigo, nombre, acciones: [{id, codigo, nombre, indicadores}], indicadores: [...]}


def vigente(db: Database) -> Plan | None:
    """La última versión importada (la que se ofrece para vincular), con su árbol; None si no hay ninguna."""
    fila = db.execute("SELECT id, nombre, archivo, sha256, importada_en, importada_por FROM pdlc_versiones "
                      "ORDER BY id DESC LIMIT 1").fetchone()
    if fila is None:
        return None
    version = dict(zip(("id", "nombre", "archivo", "sha256", "importada_en", "importada_por"), fila))
    objetivos = [dict(zip(("id", "codigo", "nombre"), f), acciones=[], indicadores=[]) for f in db.execute(
        "SELECT id, codigo, nombre FROM pdlc_objetivos WHERE version_id = ? ORDER BY id", [version["id"]])]
    por_id = {o["id"]: o for o in objetivos}
    acciones = {}
    for accion_id, objetivo_id, codigo, nombre in db.execute(
            "SELECT id, objetivo_id, codigo, nombre FROM pdlc_acciones WHERE version_id = ? ORDER BY id",
            [version["id"]]):
        acciones[accion_id] = {"id": accion_id, "codigo": codigo, "nombre": nombre, "indicadores": []}
        por_id[objetivo_id]["acciones"].append(acciones[accion_id])
    columnas = ("objetivo_id", "accion_id", "nombre", "unidad", "linea_base", "anio_base", "meta", "anio_meta",
                "fuente")
    for f in db.execute(f"SELECT {', '.join(columnas)} FROM pdlc_indicadores WHERE version_id = ? ORDER BY id",
                        [version["id"]]):
        indicador = dict(zip(columnas, f))
        destino = acciones[indicador["accion_id"]] if indicador["accion_id"] else por_id[indicador["objetivo_id"]]
        destino["indicadores"].append(indicador)
    return Plan(version, objetivos)


def opciones(plan: Plan) -> dict[str, str]:
    """Para elegir a qué apunta una propuesta: «O:id» (un objetivo) o «A:id» (una acción) → texto con su código."""
    salida = {}
    for objetivo in plan.objetivos:
        salida[f"O:{objetivo['id']}"] = f"{objetivo['codigo']} · {objetivo['nombre']}"
        for accion in objetivo["acciones"]:
            salida[f"A:{accion['id']}"] = f"{objetivo['codigo']} › {accion['codigo']} · {accion['nombre']}"
    return salida


def vinculo(db: Database, propuesta_id: int) -> str | None:
    """A qué objetivo o acción del PDLC apunta la propuesta (con el nombre de la versión), o None («sin vincular»)."""
    fila = db.execute("""
        SELECT o.codigo, o.nombre, a.codigo, a.nombre, v.nombre FROM propuestas p
        LEFT JOIN pdlc_acciones a ON a.id = p.pdlc_accion_id
        LEFT JOIN pdlc_objetivos o ON o.id = coalesce(a.objetivo_id, p.pdlc_objetivo_id)
        LEFT JOIN pdlc_versiones v ON v.id = o.version_id
        WHERE p.id = ?""", [propuesta_id]).fetchone()
    if not fila or fila[0] is None:
        return None
    objetivo = f"{fila[0]} · {fila[1]}"
    return (f"{objetivo} › {fila[2]} · {fila[3]}" if fila[2] else objetivo) + f" ({fila[4]})"


def vincular(db: Database, codigo: str, eleccion: str | None, *, actor: Actor, ahora: dt.datetime) -> None:
    """El equipo técnico apunta la propuesta a un objetivo («O:id») o acción («A:id») de la versión vigente, o la
    deja sin vincular (None). Queda en el registro de eventos."""
    exigir(actor, Accion.EVALUAR)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = almacen.obtener_por_codigo(db, codigo)
        if fila is None:
            raise NoEncontrada(f"No existe la propuesta {codigo}.")
        plan = vigente(db)
        validas = opciones(plan) if plan else {}
        if eleccion is not None and eleccion not in validas:
            raise DatosInvalidos([Problema("pdlc", "Elija un objetivo o una acción del PDLC vigente.")])
        objetivo_id = accion_id = None
        if eleccion and eleccion.startswith("A:"):
            accion_id = int(eleccion[2:])
            objetivo_id = db.execute("SELECT objetivo_id FROM pdlc_acciones WHERE id = ?", [accion_id]).fetchone()[0]
        elif eleccion:
            objetivo_id = int(eleccion[2:])
        antes = {"pdlc_objetivo_id": fila.get("pdlc_objetivo_id"), "pdlc_accion_id": fila.get("pdlc_accion_id")}
        despues = {"pdlc_objetivo_id": objetivo_id, "pdlc_accion_id": accion_id}
        almacen.actualizar_propuesta(db, fila["id"], {**despues, "actualizada_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "vincular_pdlc", "propuesta", fila["id"], antes,
                                    {**despues, "texto": validas.get(eleccion or "")}), momento=ahora)


def eleccion_actual(db: Database, codigo: str) -> str | None:
    fila = almacen.obtener_por_codigo(db, codigo) or {}
    if fila.get("pdlc_accion_id"):
        return f"A:{fila['pdlc_accion_id']}"
    return f"O:{fila['pdlc_objetivo_id']}" if fila.get("pdlc_objetivo_id") else None


def filas_de(plan: Plan) -> list[dict]:
    """La versión como hoja (encabezado de la plantilla → valor): una fila por indicador, o por acción u objetivo
    sin indicadores. Importarla de nuevo da el mismo árbol: así se edita (en la plataforma o en Excel) y se guarda
    como versión nueva."""
    salida = []
    for objetivo in plan.objetivos:
        base = {"objetivo_codigo": objetivo["codigo"], "objetivo": objetivo["nombre"]}
        grupos: list[tuple[dict, list]] = [({}, objetivo["indicadores"])] + [
            ({"accion_codigo": a["codigo"], "accion": a["nombre"]}, a["indicadores"]) for a in objetivo["acciones"]]
        for accion, indicadores in grupos:
            if not accion and not indicadores and objetivo["acciones"]:
                continue  # el objetivo ya aparece con sus acciones
            for indicador in indicadores or [None]:
                fila = {**base, **accion}
                if indicador:
                    fila.update({"indicador": indicador["nombre"], "unidad": indicador["unidad"],
                                 "linea_base": indicador["linea_base"], "anio_base": indicador["anio_base"],
                                 "meta": indicador["meta"], "anio_meta": indicador["anio_meta"],
                                 "fuente": indicador["fuente"]})
                salida.append({ENCABEZADO[c]: fila.get(c) for c in ENCABEZADO})
    return salida


def como_csv(filas: list[dict]) -> bytes:
    """Filas con los encabezados de la plantilla → CSV (lo que `revisar` e `importar` leen)."""
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow(ENCABEZADO.values())
    for fila in filas:
        escritor.writerow(["" if fila.get(t) is None else (f"{fila[t]:g}" if isinstance(fila[t], float) else fila[t])
                           for t in ENCABEZADO.values()])
    return salida.getvalue().encode("utf-8")


def a_xlsx(filas: list[dict]) -> bytes:
    """Filas con los encabezados de la plantilla → Excel (la versión vigente, para editarla fuera y volver a subirla)."""
    from openpyxl import load_workbook

    libro = load_workbook(io.BytesIO(plantilla_xlsx()))
    hoja_ = libro["PDLC"]
    for fila in filas:
        hoja_.append([hoja.neutralizar(fila.get(t)) for t in ENCABEZADO.values()])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def plantilla_csv() -> str:
    salida = io.StringIO()
    csv.writer(salida, delimiter=";", lineterminator="\r\n").writerow(ENCABEZADO.values())
    return "\ufeff" + salida.getvalue()


def plantilla_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    libro = Workbook()
    hoja_ = libro.active
    hoja_.title = "PDLC"
    hoja_.append(list(ENCABEZADO.values()))
    for celda in hoja_[1]:
        celda.font = Font(bold=True)
    for letra, ancho in zip("ABCDEFGHIJK", (12, 50, 12, 50, 40, 16, 12, 12, 12, 12, 30)):
        hoja_.column_dimensions[letra].width = ancho
    ayuda = libro.create_sheet("Cómo llenarla")
    for linea in ("Una fila por indicador. Repita el código y el nombre del objetivo (y de la acción) en cada fila.",
                  "Una fila con solo el objetivo (o objetivo y acción) también vale, sin indicador.",
                  "Todo indicador lleva su unidad de medida. Años de 1990 a 2100; la meta no antes de la línea de base.",
                  "Un mismo código de objetivo o de acción no puede tener dos nombres distintos."):
        ayuda.append([linea])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


SIN_VINCULAR = "Sin vincular al PDLC"


def objetivos_de(db: Database, propuestas: list[int]) -> dict[int, str]:
    """Propuesta (id) → «OE1 · nombre» del objetivo al que apunta (directo o por su acción); las sin vincular no
    aparecen."""
    if not propuestas:
        return {}
    marcas = ", ".join("?" * len(propuestas))
    return {pid: f"{codigo} · {nombre}" for pid, codigo, nombre in db.execute(f"""
        SELECT p.id, o.codigo, o.nombre FROM propuestas p
        JOIN pdlc_objetivos o ON o.id = coalesce((SELECT a.objetivo_id FROM pdlc_acciones a
                                                  WHERE a.id = p.pdlc_accion_id), p.pdlc_objetivo_id)
        WHERE p.id IN ({marcas})""", propuestas)}


def cobertura(db: Database, filas: list[dict]) -> list[dict]:
    """Por objetivo: cuántas propuestas lo atienden, sus votos y cuántas y cuánto se financió; los objetivos de la
    versión vigente que ninguna propuesta atiende van con ceros (y lo dicen), y al final las sin vincular.

    Cada fila de entrada: `objetivo_pdlc` («OE1 · nombre» o vacío), `votos`, `financiada` («sí»/«no»/None) y
    `costo_soles`. Sin PDLC importado ni propuestas vinculadas, nada (no hay contra qué medir)."""
    plan = vigente(db)
    if plan is None and not any(f.get("objetivo_pdlc") for f in filas):
        return []
    orden = [f"{o['codigo']} · {o['nombre']}" for o in plan.objetivos] if plan else []
    grupos: dict[str, dict] = {o: {"objetivo": o, "propuestas": 0, "votos": 0, "financiadas": 0,
                                   "financiado_soles": 0.0} for o in orden}
    for fila in filas:
        clave = fila.get("objetivo_pdlc") or SIN_VINCULAR
        grupo = grupos.setdefault(clave, {"objetivo": clave, "propuestas": 0, "votos": 0, "financiadas": 0,
                                          "financiado_soles": 0.0})
        grupo["propuestas"] += 1
        grupo["votos"] += fila.get("votos") or 0
        if fila.get("financiada") == "sí":
            grupo["financiadas"] += 1
            grupo["financiado_soles"] += fila.get("costo_soles") or 0
    salida = sorted(grupos.values(), key=lambda g: (g["objetivo"] == SIN_VINCULAR, g["objetivo"] not in orden,
                                                    orden.index(g["objetivo"]) if g["objetivo"] in orden else 0,
                                                    g["objetivo"]))
    for grupo in salida:
        grupo["nota"] = "Ninguna propuesta lo atiende" if grupo["propuestas"] == 0 else ""
    return [g for g in salida if g["objetivo"] != SIN_VINCULAR or g["propuestas"]]


def objetivos_por_codigo(db: Database, codigos: list[str]) -> dict[str, str]:
    """Como `objetivos_de`, por código de propuesta."""
    if not codigos:
        return {}
    ids = dict(db.execute(f"SELECT id, codigo FROM propuestas WHERE codigo IN ({', '.join('?' * len(codigos))})",
                          codigos).fetchall())
    return {ids[pid]: objetivo for pid, objetivo in objetivos_de(db, list(ids)).items()}


def ejes_para_proponer(db: Database, ejes_del_proceso: tuple[str, ...]) -> tuple[str, ...]:
    """Lo que el formulario ofrece en «Eje u objetivo del PDLC»: los objetivos de la versión vigente («OE1 ·
    nombre»), si hay, y después los ejes del proceso."""
    plan = vigente(db)
    objetivos = tuple(f"{o['codigo']} · {o['nombre']}" for o in plan.objetivos) if plan else ()
    return tuple(dict.fromkeys((*objetivos, *ejes_del_proceso)))


def objetivo_de_eje(db: Database, eje: str | None) -> int | None:
    """Si el eje elegido es un objetivo de la versión vigente («OE1 · nombre»), su id: la propuesta nace vinculada."""
    plan = vigente(db) if eje else None
    return next((o["id"] for o in plan.objetivos if f"{o['codigo']} · {o['nombre']}" == eje), None) if plan else None
