"""La cadena de huellas de las papeletas: cómo se calcula cada eslabón y cómo se verifica (puro, sin E/S).

Cada papeleta emitida (también la que después se reemplaza) es un eslabón: su huella SHA-256 cubre la del
eslabón anterior, así que cambiar, quitar o anular una papeleta cambia la cabeza (la huella del último
eslabón). Al cierre definitivo la cabeza y la cantidad de eslabones se anotan (el «ancla»): se muestran en el
proyector, se imprimen en el acta y van en el `.pb` publicado.

Formato 2 (las papeletas de ahora) se recalcula con solo el `.pb`:

- compromiso = SHA-256 de lo privado (quién votó, lote, serie, hora) con una sal al azar: no se publica quién
  votó, pero la huella lo cubre;
- resumen = SHA-256 de lo público: votación, canal, taller, lo marcado y el compromiso;
- huella = SHA-256 de «v2», la huella anterior, la huella de la papeleta que reemplaza (cambio de voto) y el
  resumen.

Las papeletas reemplazadas van en el `.pb` con su resumen (lo que decían no se publica) y cada cambio de voto
dice a cuál reemplaza: desde afuera se comprueba qué papeletas cuentan (las que nadie reemplazó) y que ninguna
se anuló en silencio.

Formato 1 (papeletas anteriores a esta versión): la huella cubre también lo privado; desde afuera solo se
comprueba que los eslabones se enlazan y terminan en la cabeza anotada.

El sello (HMAC-SHA256 de la huella con una clave guardada fuera de la base) lo comprueba solo la instalación:
quien reescribe la base y recalcula las huellas no puede recalcular los sellos.
"""
from __future__ import annotations

import collections
import hashlib
import hmac
import json
from dataclasses import dataclass

from votacion.modelo import recibo_de

ORIGEN = "0" * 64
FORMATO_ACTUAL = 2


def json_canonico(datos) -> str:
    """JSON con las claves ordenadas y sin espacios: el mismo texto en cualquier máquina."""
    return json.dumps(datos, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha256(texto: str) -> str:
    return hashlib.sha256(texto.encode()).hexdigest()


def huella_formato_1(anterior: str, datos: dict) -> str:
    """Huella de las papeletas de antes: la anterior y todos los datos (también los privados)."""
    return _sha256(anterior + "\n" + json_canonico(datos))


def compromiso(privado: dict, sal: str) -> str:
    return _sha256(json_canonico({**privado, "sal": sal}))


def resumen(publico: dict) -> str:
    return _sha256(json_canonico(publico))


def huella_formato_2(anterior: str, reemplaza: str | None, resumen_publico: str) -> str:
    return _sha256(f"v2\n{anterior}\n{reemplaza or ''}\n{resumen_publico}")


def sello(clave: bytes, texto: str) -> str:
    """HMAC-SHA256 de `texto` con la clave de la instalación."""
    return hmac.new(clave, texto.encode(), hashlib.sha256).hexdigest()


def publico(votacion_id: int, canal: str, taller_id: int | None, contenido: dict, compromiso_privado: str) -> dict:
    """Lo que el resumen cubre y el `.pb` publica."""
    return {"votacion_id": votacion_id, "canal": canal, "taller_id": taller_id, "contenido": contenido,
            "compromiso": compromiso_privado}


@dataclass(frozen=True)
class Eslabon:
    """Un eslabón como se ve desde afuera: lo que se puede comprobar sin la base."""

    formato: int
    anterior: str
    huella: str
    reemplaza: str | None = None
    resumen: str | None = None   # formato 2: calculado de lo público (o publicado, si fue reemplazada)
    recibo: str | None = None    # solo las papeletas que cuentan


@dataclass(frozen=True)
class Ancla:
    """Cabeza y cantidad de eslabones de la cadena de una votación."""

    cabeza: str
    eslabones: int

    @property
    def cabeza_en_grupos(self) -> str:
        """La cabeza en 4 grupos de 16 hexadecimales, para leerla en voz alta o compararla con una foto."""
        return " ".join(self.cabeza[i:i + 16] for i in range(0, 64, 16))


def ancla_de(huellas: list[str]) -> Ancla:
    return Ancla(huellas[-1] if huellas else ORIGEN, len(huellas))


def verificar(eslabones: list[Eslabon], ancla: Ancla) -> list[str]:
    """Problemas de una cadena vista desde afuera (vacío si cuadra): huellas, orden, ancla y reemplazos."""
    problemas = []
    for eslabon in eslabones:
        if eslabon.formato == 2 and huella_formato_2(eslabon.anterior, eslabon.reemplaza,
                                                     eslabon.resumen or "") != eslabon.huella:
            problemas.append(f"El eslabón {_corta(eslabon.huella)} no coincide con lo que dice: fue alterado.")
        if eslabon.recibo is not None and eslabon.recibo != recibo_de(eslabon.huella):
            problemas.append(f"El recibo {eslabon.recibo} no corresponde a su huella {_corta(eslabon.huella)}.")
    orden, sueltos = _ordenar(eslabones)
    if sueltos:
        problemas.append(f"{sueltos} eslabones no se enlazan con la cadena (falta uno anterior o dos siguen al "
                         "mismo).")
    cabeza = orden[-1].huella if orden else ORIGEN
    if len(eslabones) != ancla.eslabones:
        problemas.append(f"La cadena tiene {len(eslabones)} eslabones y el ancla dice {ancla.eslabones}.")
    if cabeza != ancla.cabeza:
        problemas.append(f"La cadena termina en {cabeza} y el ancla dice {ancla.cabeza}.")
    problemas.extend(_revisar_reemplazos(orden))
    return problemas


def _ordenar(eslabones: list[Eslabon]) -> tuple[list[Eslabon], int]:
    """Los eslabones en el orden de la cadena (desde el origen); y cuántos quedaron fuera."""
    siguiente: dict[str, Eslabon] = {}
    repetidos = 0
    for eslabon in eslabones:
        if eslabon.anterior in siguiente:
            repetidos += 1
        siguiente[eslabon.anterior] = eslabon
    orden, actual = [], ORIGEN
    while actual in siguiente:
        eslabon = siguiente.pop(actual)
        orden.append(eslabon)
        actual = eslabon.huella
    return orden, len(siguiente) + repetidos


def _revisar_reemplazos(orden: list[Eslabon]) -> list[str]:
    """Cada cambio de voto reemplaza a una papeleta anterior, una sola vez; cuentan las no reemplazadas."""
    problemas = []
    posicion = {e.huella: i for i, e in enumerate(orden)}
    veces = collections.Counter(e.reemplaza for e in orden if e.reemplaza)
    for i, eslabon in enumerate(orden):
        if eslabon.reemplaza and posicion.get(eslabon.reemplaza, i) >= i:
            problemas.append(f"El eslabón {_corta(eslabon.huella)} dice reemplazar a una papeleta que no está antes "
                             "en la cadena.")
        if veces[eslabon.huella] > 1:
            problemas.append(f"La papeleta {_corta(eslabon.huella)} aparece reemplazada {veces[eslabon.huella]} "
                             "veces.")
        cuenta, reemplazada = eslabon.recibo is not None, veces[eslabon.huella] > 0
        if cuenta and reemplazada:
            problemas.append(f"La papeleta con recibo {eslabon.recibo} cuenta, pero otra la reemplazó.")
        if not cuenta and not reemplazada:
            problemas.append(f"La papeleta {_corta(eslabon.huella)} no cuenta y nadie la reemplazó: fue anulada.")
    return problemas


def _corta(huella: str) -> str:
    return huella[:12] + "…"


# --- la cadena en el `.pb` publicado ---------------------------------------------------------

# META: la cabeza y la cantidad de eslabones (el ancla), los eslabones reemplazados y las propuestas retiradas
META_CABEZA, META_ESLABONES, META_REEMPLAZADAS, META_RETIRADAS = (
    "cadena_cabeza", "cadena_eslabones", "cadena_reemplazadas", "retiradas")
# VOTES: por cada papeleta que cuenta, su eslabón; `emitida` solo si se le quitaron propuestas retiradas
COLUMNAS_VOTO = ("formato", "huella_anterior", "huella", "reemplaza", "compromiso", "emitida")


def texto_de_reemplazada(eslabon: Eslabon) -> str:
    """Un eslabón reemplazado en la META del `.pb`: formato:anterior:reemplaza:resumen:huella."""
    return ":".join([str(eslabon.formato), eslabon.anterior, eslabon.reemplaza or "", eslabon.resumen or "",
                     eslabon.huella])


def verificar_pb(eleccion) -> tuple[Ancla, list[str]] | None:
    """Recalcula la cadena con solo el `.pb` (una `pabulib.Eleccion`): el ancla que declara y los problemas.

    None si el archivo no trae cadena (un `.pb` de otra fuente)."""
    meta = eleccion.meta
    if META_CABEZA not in meta:
        return None
    try:
        ancla = Ancla(meta[META_CABEZA], int(meta.get(META_ESLABONES, "")))
        votacion_id = int(meta.get("votacion_id", ""))
    except ValueError:
        return Ancla(meta[META_CABEZA], -1), ["La META no trae bien la cantidad de eslabones o la votación."]
    retiradas = {c for c in meta.get(META_RETIRADAS, "").split(",") if c}
    acumulativa = eleccion.tipo == "cumulative"
    problemas: list[str] = []
    eslabones: list[Eslabon] = []
    for i, (recibo, elegidas) in enumerate(zip(eleccion.votantes, eleccion.papeletas)):
        datos = eleccion.datos_votos[i] if i < len(eleccion.datos_votos) else {}
        puntos = list(eleccion.puntos[i]) if acumulativa and eleccion.puntos is not None else None
        contenido = _contenido_emitido(datos, list(elegidas), puntos, retiradas, recibo, problemas)
        formato = int(datos.get("formato") or 1) if str(datos.get("formato") or "1").isdigit() else 0
        resumen_publico = None
        if formato == 2:
            taller = datos.get("taller") or ""
            resumen_publico = resumen(publico(votacion_id, datos.get("canal", ""),
                                              int(taller) if taller.isdigit() else None, contenido,
                                              datos.get("compromiso", "")))
        eslabones.append(Eslabon(formato, datos.get("huella_anterior", ""), datos.get("huella", ""),
                                 datos.get("reemplaza") or None, resumen_publico, recibo))
    for entrada in meta.get(META_REEMPLAZADAS, "").split():
        partes = entrada.split(":")
        if len(partes) != 5 or not partes[0].isdigit():
            problemas.append(f"Un eslabón reemplazado de la META no se entiende: «{entrada[:40]}».")
            continue
        formato, anterior, reemplaza, resumen_publico, huella = partes
        eslabones.append(Eslabon(int(formato), anterior, huella, reemplaza or None, resumen_publico or None))
    return ancla, problemas + verificar(eslabones, ancla)


def _contenido_emitido(datos: dict, elegidas: list[str], puntos: list | None, retiradas: set[str], recibo: str,
                       problemas: list[str]) -> dict:
    """Lo que la persona marcó (lo que cubre la huella): `emitida` si se le quitaron retiradas, si no el voto."""
    emitida = [c for c in (datos.get("emitida") or "").split(",") if c]
    if not emitida:
        return {"elegidas": elegidas, **({"puntos": puntos} if puntos is not None else {})}
    pares = [tuple(c.split("=", 1)) if "=" in c else (c, None) for c in emitida]
    codigos = [c for c, _ in pares]
    emitidos = [int(p) if p and p.isdigit() else p for _, p in pares] if puntos is not None else None
    quedan = [(c, p) for c, p in zip(codigos, emitidos or [None] * len(codigos)) if c not in retiradas]
    if [c for c, _ in quedan] != elegidas or (puntos is not None and [p for _, p in quedan] != puntos):
        problemas.append(f"El voto {recibo} no es lo emitido menos las propuestas retiradas.")
    return {"elegidas": codigos, **({"puntos": emitidos} if puntos is not None else {})}
