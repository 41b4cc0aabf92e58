"""Casos de uso de procesos y propuestas: una función por acción del usuario, una transacción cada una."""
from __future__ import annotations

import datetime as dt
import json
import math
import secrets
from dataclasses import dataclass, replace

from sqlite_utils import Database

from geo import servicios as territorio_servicios
from geo.modelo import (
    CentroPoblado,
    ErrorGeo,
    Problema,
    Punto,
    PuntoInvalido,
    Territorio,
    centro_mas_cercano,
    distancia_m,
)
from identidad import sesiones
from identidad.acceso import Accion, Actor, exigir, puede
from nucleo.db import Evento, escritura, marca, registrar_evento
from nucleo.errores import DatosInvalidos, NoEncontrada
from nucleo.formato import HORA_PERU, limpiar, soles_a_centimos
from propuestas import almacen, pdlc, tablas_deliberacion
from propuestas.fotos import preparar_foto
from propuestas.modelo import (
    DESPRIORIZAR,
    GUARDADOS,
    REABRIR,
    AccionFueraDeFase,
    Estado,
    Fase,
    PeriodoFase,
    Proceso,
    Propuesta,
    PropuestaInvalida,
    puntaje_ponderado,
    similitud,
    sugerir_puntaje_brecha,
    validar_formulario,
    validar_proceso,
    validar_transicion,
)

MAXIMO_BORRADOR_BYTES = 200_000
RADIO_DUPLICADOS_M = 1000
SIMILITUD_DUPLICADO = 0.3
RADIO_CENTRO_POBLADO_M = 5000


def preparar(db: Database) -> None:
    """Las migraciones de los pisos de abajo, las de las propuestas y las de su deliberación (agrega columnas a
    `propuestas`)."""
    territorio_servicios.preparar(db)
    almacen.aplicar_migraciones(db)
    tablas_deliberacion.aplicar_migraciones(db)


def fecha_local(ahora: dt.datetime) -> dt.date:
    """La fecha en el Perú (UTC−5, sin horario de verano): las fases se cuentan en días peruanos."""
    return ahora.astimezone(HORA_PERU).date()


# --- procesos -------------------------------------------------------------------------------

def proceso_sugerido(provincia: str, hoy: dt.date) -> Proceso:
    """Un Presupuesto Participativo del año siguiente con el registro de propuestas abierto desde hoy."""
    duraciones = {Fase.PREPARACION: 14, Fase.REGISTRO: 30, Fase.DELIBERACION: 21, Fase.EVALUACION: 21,
                  Fase.PRIORIZACION: 7, Fase.FORMALIZACION: 14}
    fases, inicio = [], hoy - dt.timedelta(days=duraciones[Fase.PREPARACION])
    for fase, dias in duraciones.items():
        fases.append(PeriodoFase(fase, inicio, inicio + dt.timedelta(days=dias - 1)))
        inicio += dt.timedelta(days=dias)
    return Proceso(id=None, nombre=f"Presupuesto Participativo {hoy.year + 1}", codigo=f"PP{(hoy.year + 1) % 100:02d}",
                   provincia=provincia, fases=tuple(fases), techo_centimos=100_000_000)


def crear_proceso(db: Database, proceso: Proceso, *, actor: Actor, ahora: dt.datetime) -> Proceso:
    exigir(actor, Accion.ADMINISTRAR_PROCESOS)
    proceso = validar_proceso(proceso)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        if db.execute("SELECT 1 FROM procesos WHERE codigo = ?", [proceso.codigo]).fetchone():
            raise DatosInvalidos([Problema("codigo", f"Ya existe un proceso con el código {proceso.codigo}.")])
        _exigir_base_coherente(db, es_demo=proceso.es_demo)
        if proceso.es_demo:
            db.table("ajustes").upsert({"clave": "base_demo", "valor": "1"}, pk="clave")
        es_primero = db.execute("SELECT count(*) FROM procesos").fetchone()[0] == 0
        fila = {**almacen.proceso_a_fila(proceso), "es_actual": int(es_primero),
                "creado_en": marca(ahora), "actualizado_en": marca(ahora)}
        proceso_id = db.table("procesos").insert(fila).last_pk
        registrar_evento(db, Evento(actor.etiqueta, "crear_proceso", "proceso", proceso_id, None, _resumen_proceso(fila)),
                         momento=ahora)
    return almacen.obtener_proceso(db, proceso_id)


def actualizar_proceso(db: Database, proceso: Proceso, *, actor: Actor, ahora: dt.datetime) -> Proceso:
    exigir(actor, Accion.ADMINISTRAR_PROCESOS)
    proceso = validar_proceso(proceso)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        anterior = obtener_proceso(db, proceso.id)
        fila = {**almacen.proceso_a_fila(proceso), "codigo": anterior.codigo, "actualizado_en": marca(ahora)}
        db.table("procesos").update(proceso.id, fila)
        registrar_evento(db, Evento(actor.etiqueta, "actualizar_proceso", "proceso", proceso.id,
                                    _resumen_proceso(almacen.proceso_a_fila(anterior)), _resumen_proceso(fila)),
                         momento=ahora)
    return almacen.obtener_proceso(db, proceso.id)


def marcar_actual(db: Database, proceso_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.ADMINISTRAR_PROCESOS)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        anterior = almacen.proceso_actual(db)
        obtener_proceso(db, proceso_id)
        db.execute("UPDATE procesos SET es_actual = 0 WHERE es_actual = 1")
        db.execute("UPDATE procesos SET es_actual = 1, actualizado_en = ? WHERE id = ?", [marca(ahora), proceso_id])
        registrar_evento(db, Evento(actor.etiqueta, "marcar_proceso_actual", "proceso", proceso_id,
                                    {"actual": anterior.id if anterior else None}, {"actual": proceso_id}),
                         momento=ahora)


def listar_procesos(db: Database) -> list[Proceso]:
    return almacen.listar_procesos(db)


def proceso_actual(db: Database) -> Proceso | None:
    return almacen.proceso_actual(db)


def obtener_proceso(db: Database, proceso_id: int) -> Proceso:
    proceso = almacen.obtener_proceso(db, proceso_id)
    if proceso is None:
        raise NoEncontrada(f"No existe el proceso {proceso_id}.")
    return proceso


def buscar_proceso(db: Database, referencia: str | int) -> Proceso:
    """El proceso por el código que muestra la app (`PP27`, sin importar mayúsculas) o por su número (n.º, el id).

    Primero el código (un código puede ser solo cifras); si no existe, dice cuáles hay, para copiar uno.
    """
    texto = str(referencia).strip()
    procesos = almacen.listar_procesos(db)
    elegido = next((p for p in procesos if p.codigo == texto.upper()), None)
    if elegido is None and texto.isdigit():
        elegido = next((p for p in procesos if p.id == int(texto)), None)
    if elegido is None:
        hay = ", ".join(f"{p.codigo} (n.º {p.id}{', el actual' if p.es_actual else ''})" for p in procesos)
        raise NoEncontrada(f"No existe el proceso {texto or '(vacío)'}. "
                           + (f"Procesos de esta base: {hay}." if hay else "Esta base aún no tiene procesos."))
    return elegido


def _resumen_proceso(fila: dict) -> dict:
    return {k: (json.loads(v) if k in ("fases", "ejes", "criterios") else v) for k, v in fila.items()
            if k not in ("creado_en", "actualizado_en")}


def _exigir_base_coherente(db: Database, *, es_demo: bool) -> None:
    """Los datos de demostración nunca se mezclan con datos reales en la misma base."""
    hay_reales = db.execute("SELECT 1 FROM procesos WHERE es_demo = 0").fetchone()
    if es_demo and hay_reales:
        raise DatosInvalidos([Problema("base", "Esta base tiene procesos reales; los datos de demostración "
                                               "van en otra base (--db RUTA).")])
    if not es_demo and almacen.es_base_demo(db):
        raise DatosInvalidos([Problema("base", "Esta es una base de demostración; cree los procesos reales en "
                                               "otra base (PLATAFORMA_DB).")])


# --- borradores -----------------------------------------------------------------------------

def crear_borrador(db: Database, proceso_id: int, *, profundidad: str = "joven", actor: Actor,
                   ahora: dt.datetime) -> str:
    """Crea el borrador de una propuesta y devuelve su clave secreta (va en el enlace `?borrador=`)."""
    proceso = obtener_proceso(db, proceso_id)
    exigir(actor, Accion.PROPONER, proceso)
    _exigir_fase(proceso, Accion.PROPONER, ahora)
    clave = secrets.token_urlsafe(18)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        propuesta_id = almacen.insertar_propuesta(db, {
            "proceso_id": proceso.id, "estado": Estado.BORRADOR.value, "clave_borrador": clave,
            "borrador": json.dumps({"profundidad": profundidad}), "profundidad": profundidad,
            "es_demo": int(proceso.es_demo), "creada_en": marca(ahora), "actualizada_en": marca(ahora),
            "participante_id": actor.participante_id,
        })
        registrar_evento(db, Evento(actor.etiqueta, "crear_borrador", "propuesta", propuesta_id, None,
                                    {"proceso_id": proceso.id}), momento=ahora)
    return clave


def guardar_borrador(db: Database, clave: str, datos: dict, *, ahora: dt.datetime) -> None:
    """Guarda lo escrito tal cual (se valida al registrar). Rechaza borradores desmesurados."""
    try:
        texto = json.dumps(datos, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:
        raise DatosInvalidos([Problema("borrador", "El borrador tiene un número que no es número (NaN o "
                                                   "infinito); corríjalo.")]) from None
    if len(texto.encode()) > MAXIMO_BORRADOR_BYTES:
        raise DatosInvalidos([Problema("borrador", f"El borrador ocupa {len(texto.encode()):,} bytes; el máximo es "
                                                   f"{MAXIMO_BORRADOR_BYTES:,}. Acorte los textos.")])
    with escritura(db):
        fila = _borrador_editable(db, clave)
        profundidad = datos.get("profundidad") if str(datos.get("profundidad")) in ("joven", "organizacion") else "joven"
        almacen.actualizar_propuesta(db, fila["id"], {"borrador": texto, "profundidad": profundidad,
                                                      "actualizada_en": marca(ahora)})


def leer_borrador(db: Database, clave: str) -> dict:
    fila = almacen.obtener_por_clave(db, clave or "")
    if fila is None:
        raise NoEncontrada("No se encontró ese borrador; puede empezar una propuesta nueva.")
    datos = json.loads(fila["borrador"] or "{}")
    return {**datos, "_estado": fila["estado"], "_codigo": fila["codigo"], "_proceso_id": fila["proceso_id"],
            "_tiene_foto": bool(fila["tiene_foto"]), "_actualizada_en": fila["actualizada_en"]}


def _borrador_editable(db: Database, clave: str) -> dict:
    fila = almacen.obtener_por_clave(db, clave or "")
    if fila is None:
        raise NoEncontrada("No se encontró ese borrador; puede empezar una propuesta nueva.")
    if fila["estado"] != Estado.BORRADOR.value:
        raise DatosInvalidos([Problema("borrador", f"La propuesta {fila['codigo']} ya fue registrada; "
                                                   "ya no se edita como borrador.")])
    return fila


def adjuntar_foto(db: Database, clave: str, contenido: bytes, nombre: str, *, actor: Actor, ahora: dt.datetime) -> None:
    exigir(actor, Accion.PROPONER)
    jpeg, ancho, alto = preparar_foto(contenido, nombre)
    with sesiones.escritura_de(db, actor, ahora=ahora):
        fila = _borrador_editable(db, clave)
        db.table("fotos").insert({"propuesta_id": fila["id"], "contenido": jpeg, "tipo": "image/jpeg", "ancho": ancho,
                            "alto": alto, "subida_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "adjuntar_foto", "propuesta", fila["id"], None,
                                    {"bytes": len(jpeg), "ancho": ancho, "alto": alto}), momento=ahora)


# --- ubicación y duplicados -----------------------------------------------------------------

@dataclass(frozen=True)
class Ubicacion:
    punto: Punto
    ubigeo: str
    distrito: str
    centro_poblado: str | None
    centro_poblado_codigo: str | None
    metros_al_centro: float | None


def ubicar(db: Database, punto: Punto) -> Ubicacion:
    """Distrito (punto-en-distrito) y centro poblado más cercano (a menos de 5 km)."""
    return ubicar_en(territorio_servicios.exigir_territorio(db), territorio_servicios.centros_poblados(db), punto)


def ubicar_en(territorio: Territorio, centros: list[CentroPoblado], punto: Punto) -> Ubicacion:
    """Como `ubicar`, con el territorio y los centros poblados ya cargados (sin E/S)."""
    distrito = territorio.ubicar_o_fallar(punto)
    cercano = centro_mas_cercano(punto, [c for c in centros if c.ubigeo == distrito.ubigeo])
    if cercano and cercano[1] <= RADIO_CENTRO_POBLADO_M:
        return Ubicacion(punto, distrito.ubigeo, distrito.nombre, cercano[0].nombre, cercano[0].codigo, cercano[1])
    return Ubicacion(punto, distrito.ubigeo, distrito.nombre, None, None, None)


def punto_del_borrador(datos: dict) -> Punto | None:
    """El punto elegido en el formulario, o None si aún no hay; lanza PuntoInvalido si es ilegible."""
    lat, lon = datos.get("lat"), datos.get("lon")
    if lat in (None, "") and lon in (None, ""):
        return None
    try:
        return Punto(float(str(lat).replace(",", ".")), float(str(lon).replace(",", ".")))
    except (TypeError, ValueError):
        raise PuntoInvalido(f"Las coordenadas ({lat}, {lon}) no son números; escriba p. ej. -9.0485 y -77.8046.") from None


def posibles_duplicados(db: Database, proceso_id: int, datos: dict, punto: Punto | None,
                        excluir_id: int | None = None) -> list[dict]:
    """Propuestas del mismo proceso a menos de ~1 km con título o texto parecido."""
    if punto is None:
        return []
    grados = RADIO_DUPLICADOS_M / 111_000 / max(math.cos(math.radians(punto.lat)), 0.1)
    texto_nuevo = f"{datos.get('titulo', '')} {datos.get('problema', '')} {datos.get('propuesta', '')}"
    resultado = []
    for fila in almacen.cercanas(db, proceso_id, punto.lat, punto.lon, grados, excluir_id):
        metros = distancia_m(punto, Punto(fila["lat"], fila["lon"]))
        parecido = max(similitud(datos.get("titulo", ""), fila["titulo"]),
                       similitud(texto_nuevo, f"{fila['titulo']} {fila['problema']} {fila['propuesta']}"))
        if metros <= RADIO_DUPLICADOS_M and parecido >= SIMILITUD_DUPLICADO:
            resultado.append({"codigo": fila["codigo"], "titulo": fila["titulo"], "distrito": fila["distrito"],
                              "metros": round(metros), "similitud": round(parecido, 2)})
    return sorted(resultado, key=lambda d: (-d["similitud"], d["metros"]))


# --- registrar y ciclo de vida --------------------------------------------------------------

def registrar(db: Database, clave: str, *, actor: Actor, ahora: dt.datetime) -> Propuesta:
    """Valida el borrador completo y lo registra con código, distrito y centro poblado."""
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        fila = _borrador_editable(db, clave)
        proceso = obtener_proceso(db, fila["proceso_id"])
        exigir(actor, Accion.PROPONER, proceso)
        _exigir_fase(proceso, Accion.PROPONER, ahora)
        datos = json.loads(fila["borrador"] or "{}")
        problemas: list[Problema] = []
        try:
            limpio = validar_formulario(datos, ejes=pdlc.ejes_para_proponer(db, proceso.ejes),
                                        consentimiento_previo=actor.participante_id is not None)
        except PropuestaInvalida as error:
            problemas, limpio = error.problemas, {}
        ubicacion = _ubicacion_del_borrador(db, datos, problemas)
        if problemas:
            raise PropuestaInvalida(problemas)
        codigo = almacen.siguiente_codigo(db, proceso)
        consiente = limpio.pop("consentimiento") and any(limpio.get(c) for c in GUARDADOS)
        cambios = {
            **{k: v for k, v in limpio.items() if k != "beneficiarios"},
            "consentimiento_en": marca(ahora) if consiente else None,
            "beneficiarios": json.dumps(limpio["beneficiarios"]),
            "codigo": codigo, "estado": Estado.REGISTRADA.value, "lat": ubicacion.punto.lat,
            "lon": ubicacion.punto.lon, "ubigeo": ubicacion.ubigeo, "distrito": ubicacion.distrito,
            "centro_poblado": ubicacion.centro_poblado, "centro_poblado_codigo": ubicacion.centro_poblado_codigo,
            "contacto": limpio.get("contacto"), "registrada_en": marca(ahora), "actualizada_en": marca(ahora),
            "pdlc_objetivo_id": pdlc.objetivo_de_eje(db, limpio.get("eje")),
        }
        almacen.actualizar_propuesta(db, fila["id"], cambios)
        _anotar_transicion(db, fila["id"], Estado.BORRADOR, Estado.REGISTRADA, actor, None, ahora)
        registrar_evento(db, Evento(actor.etiqueta, "registrar_propuesta", "propuesta", fila["id"], {"estado": "borrador"},
                                    {"estado": "registrada", "codigo": codigo, "ubigeo": ubicacion.ubigeo}),
                         momento=ahora)
    return obtener(db, codigo, actor=actor).propuesta


def _ubicacion_del_borrador(db: Database, datos: dict, problemas: list[Problema]) -> Ubicacion | None:
    try:
        punto = punto_del_borrador(datos)
        if punto is None:
            problemas.append(Problema("ubicacion", "Dónde: toque el mapa, elija su centro poblado o escriba "
                                                   "las coordenadas."))
            return None
        return ubicar(db, punto)
    except ErrorGeo as error:
        problemas.append(Problema("ubicacion", f"Dónde: {error}"))
        return None


def transicionar(db: Database, codigo: str, hacia: Estado, *, actor: Actor, motivo: str | None = None,
                 ahora: dt.datetime, fusionada_con: str | None = None) -> Propuesta:
    """Un paso del ciclo de vida según la tabla de transiciones; deja quién, cuándo y por qué."""
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        fila = _exigir_propuesta(db, codigo)
        desde = Estado(fila["estado"])
        exigir(actor, permiso_de_transicion(desde, hacia), almacen.fila_a_propuesta(fila))
        motivo = validar_transicion(desde, hacia, motivo, fusionada_con)
        cambios = {"estado": hacia.value, "actualizada_en": marca(ahora), "motivo_estado": motivo or None}
        if (desde, hacia) != REABRIR:  # reabrir no cambia la fecha de registro (orden de la lista, exportaciones)
            cambios[f"{hacia.value}_en"] = marca(ahora)
        if hacia == Estado.FUSIONADA:
            sobreviviente = _exigir_propuesta(db, fusionada_con)
            if sobreviviente["id"] == fila["id"] or sobreviviente["proceso_id"] != fila["proceso_id"]:
                raise DatosInvalidos([Problema("fusionada_con", f"{fusionada_con} no puede absorber a {codigo}: "
                                                                "debe ser otra propuesta del mismo proceso.")])
            if sobreviviente["estado"] in (Estado.FUSIONADA.value, Estado.RETIRADA.value):
                raise DatosInvalidos([Problema("fusionada_con", f"{fusionada_con} está "
                                                                f"{Estado(sobreviviente['estado']).etiqueta}.")])
            cambios["sobreviviente_id"] = sobreviviente["id"]
        almacen.actualizar_propuesta(db, fila["id"], cambios)
        _anotar_transicion(db, fila["id"], desde, hacia, actor, motivo, ahora)
        evento = EVENTO_DEL_PASO.get((desde, hacia), f"propuesta_{hacia.value}")
        registrar_evento(db, Evento(actor.etiqueta, evento, "propuesta", fila["id"], {"estado": desde.value},
                                    {"estado": hacia.value, "motivo": motivo, "fusionada_con": fusionada_con}),
                         momento=ahora)
    return obtener(db, codigo, actor=actor).propuesta


PERMISO_TRANSICION = {
    Estado.REGISTRADA: Accion.PROPONER, Estado.ADMITIDA: Accion.ADMITIR, Estado.NO_ADMITIDA: Accion.ADMITIR,
    Estado.EN_EVALUACION: Accion.EVALUAR, Estado.VIABLE: Accion.EVALUAR, Estado.NO_VIABLE: Accion.EVALUAR,
    Estado.FUSIONADA: Accion.FUSIONAR, Estado.RETIRADA: Accion.RETIRAR_PROPUESTA,
    Estado.PRIORIZADA: Accion.GESTIONAR_VOTACIONES, Estado.EN_ACTA: Accion.GESTIONAR_VOTACIONES,
    Estado.BORRADOR: Accion.ADMINISTRAR_PROCESOS,
}
# Pasos cuyo permiso no lo da el destino: reabrir una no admitida es de administración, no de quien admite.
# Priorizar, despriorizar y pasar a acta los hace la votación (su cierre, su reapertura y el acta firmada): son de
# quien gestiona votaciones.
PERMISO_DEL_PASO = {REABRIR: Accion.ADMINISTRAR_PROCESOS, DESPRIORIZAR: Accion.GESTIONAR_VOTACIONES}
EVENTO_DEL_PASO = {REABRIR: "reabrir_propuesta", DESPRIORIZAR: "despriorizar_propuesta"}


def permiso_de_transicion(desde: Estado, hacia: Estado) -> Accion:
    """La acción que exige pasar de `desde` a `hacia` (la misma que consultan las páginas para mostrar el botón)."""
    return PERMISO_DEL_PASO.get((desde, hacia), PERMISO_TRANSICION[hacia])


def reabrir(db: Database, codigo: str, *, motivo: str, actor: Actor, ahora: dt.datetime) -> Propuesta:
    """Devuelve una propuesta no admitida a «registrada» para decidir de nuevo su admisión (administración).

    El motivo, quién y cuándo quedan en la historia de la ficha y en el registro de eventos.
    """
    exigir(actor, PERMISO_DEL_PASO[REABRIR])
    return transicionar(db, codigo, Estado.REGISTRADA, actor=actor, motivo=motivo, ahora=ahora)


def _anotar_transicion(db, propuesta_id, desde, hacia, actor: Actor, motivo, ahora) -> None:
    almacen.anotar_transicion(db, propuesta_id, desde.value, hacia.value, actor=actor.etiqueta, motivo=motivo,
                              ocurrido_en=marca(ahora))


def _exigir_propuesta(db: Database, codigo: str | None) -> dict:
    fila = almacen.obtener_por_codigo(db, codigo or "")
    if fila is None:
        raise NoEncontrada(f"No existe la propuesta {codigo!r}.")
    return fila


def _exigir_fase(proceso: Proceso, accion: Accion, ahora: dt.datetime) -> None:
    permiso = proceso.permite(accion, fecha_local(ahora))
    if not permiso:
        raise AccionFueraDeFase(permiso.motivo)


# --- evaluación técnica ---------------------------------------------------------------------

def evaluar(db: Database, codigo: str, *, actor: Actor, puntajes: dict[str, int], costo_validado: str | None,
            viable: bool | None, notas: str, ahora: dt.datetime) -> dict:
    """Guarda una evaluación (la última vale) y, si se decide, pasa a viable / no viable."""
    exigir(actor, Accion.EVALUAR)
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        fila = _exigir_propuesta(db, codigo)
        proceso = obtener_proceso(db, fila["proceso_id"])
        _exigir_fase(proceso, Accion.EVALUAR, ahora)
        estado = Estado(fila["estado"])
        if estado not in (Estado.ADMITIDA, Estado.EN_EVALUACION):
            raise DatosInvalidos([Problema("estado", f"Solo se evalúan propuestas admitidas o en evaluación; "
                                                     f"{codigo} está {estado.etiqueta}.")])
        problemas: list[Problema] = []
        try:
            puntaje = puntaje_ponderado(proceso.criterios, puntajes)
        except DatosInvalidos as error:
            problemas += error.problemas
        try:
            costo = soles_a_centimos(costo_validado)
        except ValueError as error:
            problemas.append(Problema("costo_validado", f"Costo validado: {error}"))
        notas = limpiar(notas)
        if len(notas) > 4000:
            problemas.append(Problema("notas", f"Las notas tienen {len(notas):,} caracteres; el máximo es 4,000."))
        if viable is False and len(notas) < 5:
            problemas.append(Problema("notas", "Para declarar «no viable» escriba el motivo en las notas."))
        if problemas:
            raise DatosInvalidos(problemas)
        if estado == Estado.ADMITIDA:
            transicionar(db, codigo, Estado.EN_EVALUACION, actor=actor, ahora=ahora)
        evaluacion = {"propuesta_id": fila["id"], "evaluador": actor.nombre, "puntajes": json.dumps(puntajes),
                      "puntaje": puntaje, "costo_validado_centimos": costo,
                      "viable": None if viable is None else int(viable), "notas": notas or None,
                      "creada_en": marca(ahora)}
        db.table("evaluaciones").insert(evaluacion)
        almacen.actualizar_propuesta(db, fila["id"], {"puntaje_tecnico": puntaje, "actualizada_en": marca(ahora)})
        registrar_evento(db, Evento(actor.etiqueta, "evaluar_propuesta", "propuesta", fila["id"],
                                    {"puntaje_tecnico": fila["puntaje_tecnico"]},
                                    {"puntaje_tecnico": puntaje, "puntajes": puntajes, "viable": viable}),
                         momento=ahora)
        if viable is not None:
            transicionar(db, codigo, Estado.VIABLE if viable else Estado.NO_VIABLE, actor=actor,
                         motivo=notas or None, ahora=ahora)
    return {**evaluacion, "puntajes": puntajes}


def sugerencia_brecha(db: Database, ubigeo: str) -> int | None:
    """Puntaje sugerido (0–3) del criterio «brecha» según la pobreza 2018 del distrito."""
    datos = territorio_servicios.datos_de_distritos(db)
    pobreza = {u: fila.get("pobreza_total_pct_2018") for u, fila in datos.items()}
    valores = [v for v in pobreza.values() if isinstance(v, (int, float))]
    valor = pobreza.get(ubigeo)
    return sugerir_puntaje_brecha(valor if isinstance(valor, (int, float)) else None, valores)


# --- consultar ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ficha:
    """Todo lo público de una propuesta: la propuesta, su proceso, su historia y sus evaluaciones."""

    propuesta: Propuesta
    proceso: Proceso
    historial: list[dict]
    evaluaciones: list[dict]
    fusionadas: list[str]
    viene_de: str | None = None  # la propuesta de un proceso anterior de la que se trajo (ver propuestas.arrastre)
    sigue_en: tuple[str, ...] = ()  # las que la continúan en procesos siguientes
    pdlc: str | None = None  # el objetivo o la acción del PDLC a que apunta (None: sin vincular)


def obtener(db: Database, codigo: str, *, actor: Actor) -> Ficha:
    """La ficha pública. Si está ocultada por moderación, solo su autor y la facilitación ven el contenido;
    los demás reciben la propuesta sin textos (la página dice «ocultada por moderación: motivo»)."""
    fila = _exigir_propuesta(db, codigo)
    if fila["estado"] == Estado.BORRADOR.value:
        raise NoEncontrada(f"No existe la propuesta {codigo!r}.")
    propuesta = almacen.fila_a_propuesta(fila)
    if propuesta.oculta_en and not puede_ver_oculta(actor, propuesta):
        propuesta = replace(propuesta, titulo="", problema="", propuesta="", objetivo=None, proponente_nombre="",
                            organizacion=None, sostenibilidad=None, indicador_brecha=None, tiene_foto=False)
    fusionadas = [f["codigo"] for f in db["propuestas"].rows_where("sobreviviente_id = ?", [fila["id"]],
                                                                  select="codigo", order_by="id")]
    viene_de, sigue_en = almacen.arrastres(db, fila["id"])
    return Ficha(propuesta, obtener_proceso(db, fila["proceso_id"]), almacen.historial(db, fila["id"]),
                 almacen.evaluaciones(db, fila["id"]), fusionadas, viene_de, tuple(sigue_en),
                 pdlc.vinculo(db, fila["id"]))


def puede_ver_oculta(actor: Actor, propuesta: Propuesta) -> bool:
    es_autor = propuesta.participante_id is not None and propuesta.participante_id == actor.participante_id
    return es_autor or bool(puede(actor, Accion.MODERAR))


def buscar(db: Database, proceso_id: int, **filtros) -> list[dict]:
    return almacen.buscar(db, proceso_id, **filtros)


def quien_propone(db: Database, codigos: list[str]) -> dict[str, str]:
    """código → «Juvenil», «Organización de mujeres», las dos o nada: para verlas en los resultados y en la lista
    (lo público: ni nombres ni contactos)."""
    return {codigo: " · ".join(t for t, si in (("Juvenil", tipo == "joven"), ("Organización de mujeres", mujeres))
                                if si)
            for codigo, (tipo, mujeres) in almacen.tipos_de_proponente(db, codigos).items()}


def version_del_listado(db: Database, proceso_id: int) -> tuple:
    return almacen.version_del_listado(db, proceso_id)


def contar(db: Database, proceso_id: int) -> int:
    return almacen.contar(db, proceso_id)


def codigos_viables(db: Database, proceso_id: int) -> list[str]:
    """Los códigos de las viables no ocultas del proceso, en orden: las que entran por defecto en una papeleta."""
    return almacen.codigos_viables(db, proceso_id)


def candidatas_a_papeleta(db: Database, proceso_id: int) -> list[dict]:
    """Las propuestas que se pueden poner en una papeleta (registradas en adelante, no retiradas, fusionadas ni
    no admitidas, no ocultas), con su costo estimado y el último validado (`costo_validado_centimos` o None)."""
    return almacen.candidatas_a_papeleta(db, proceso_id)


def id_de(db: Database, codigo: str) -> int | None:
    encontrada = almacen.id_y_codigo(db, codigo=codigo)
    return encontrada[0] if encontrada else None


def codigo_de(db: Database, propuesta_id: int) -> str | None:
    encontrada = almacen.id_y_codigo(db, propuesta_id=propuesta_id)
    return encontrada[1] if encontrada else None


def para_papeleta(db: Database, codigo: str) -> dict | None:
    """id, proceso_id, estado, costo (el validado si lo hay), puntaje_tecnico y oculta_en de una propuesta."""
    return almacen.para_papeleta(db, codigo)


def priorizadas(db: Database, proceso_id: int | None = None) -> list[dict]:
    """Lo priorizado (priorizadas y en acta) de un proceso o de todos: lo que se sigue hasta su ejecución."""
    return almacen.priorizadas(db, proceso_id)


def historial(db: Database, codigo: str) -> list[dict]:
    """Las transiciones de la propuesta, en orden (desde, hacia, actor, motivo, ocurrido_en)."""
    return almacen.historial(db, _exigir_propuesta(db, codigo)["id"])


def foto(db: Database, codigo: str, *, actor: Actor) -> bytes | None:
    fila = almacen.obtener_por_codigo(db, codigo)
    if fila is None or (fila.get("oculta_en") and not puede_ver_oculta(actor, almacen.fila_a_propuesta(fila))):
        return None
    guardada = almacen.ultima_foto(db, fila["id"])
    return guardada["contenido"] if guardada else None


def foto_del_borrador(db: Database, clave: str) -> bytes | None:
    fila = almacen.obtener_por_clave(db, clave)
    guardada = almacen.ultima_foto(db, fila["id"]) if fila else None
    return guardada["contenido"] if guardada else None


def es_base_demo(db: Database) -> bool:
    return almacen.es_base_demo(db)
