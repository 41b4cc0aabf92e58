"""Verificar la cadena de papeletas y contar: la elección (viva o congelada al cierre), la regla declarada y la
de comparación, quién puede ver los resultados y por qué cada propuesta quedó dentro o fuera.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np
from sqlite_utils import Database

from geo import servicios as territorio_servicios
from identidad.acceso import Accion, Actor, Permiso, SinPermiso, puede
from nucleo.formato import formatear_fecha_y_hora, formatear_soles
from propuestas import servicios as propuestas_servicios
from votacion import almacen, cadena, ordinales, pabulib, reglas
from votacion.modelo import (
    REGLAS_MES,
    EstadoVotacion,
    TipoPapeleta,
    Votacion,
    recibo_de,
)
from votacion.organizar import obtener


def sello_del_cierre(db: Database, fila: dict) -> str:
    datos = [fila[c] for c in ("votacion_id", "cerrada_en", "eslabones", "cabeza", "huella_pb", "eleccion",
                               "problemas")]
    return cadena.sello(almacen.clave_de_sellos(db), cadena.json_canonico(datos))


def verificar_cadena(db: Database, votacion_id: int) -> list[str]:
    """Recalcula la cadena de huellas y la compara con sus sellos, con el ancla de cada cierre y con el registro de
    eventos; devuelve los problemas (vacío si nadie alteró, anuló, quitó ni agregó una papeleta por fuera)."""
    votacion = obtener(db, votacion_id)
    filas = almacen.cadena_de(db, votacion_id)
    clave = almacen.clave_de_sellos(db)
    problemas, anterior, ultima_de, sin_sello = [], cadena.ORIGEN, {}, []
    for fila in filas:
        if fila["huella_anterior"] != anterior:
            problemas.append(f"La papeleta {fila['id']} no sigue a la anterior en la cadena.")
        if _huella_recalculada(fila, ultima_de.get(fila["votante"])) != fila["huella"] \
                or fila["recibo"] != recibo_de(fila["huella"]):
            problemas.append(f"La papeleta {fila['id']} ({fila['recibo']}) fue alterada: su huella no coincide.")
        if fila["sello"] != cadena.sello(clave, fila["huella"]):
            sin_sello.append(fila)
        ultima_de[fila["votante"]] = fila["huella"]
        anterior = fila["huella"]
    if sin_sello and len(sin_sello) == len(filas):
        problemas.append("Ningún sello de la cadena corresponde a la clave de esta instalación: la cadena se "
                         "reescribió sin la clave, o la base viene de otra instalación sin su archivo «.secreto».")
    else:
        problemas.extend(f"La papeleta {f['id']} ({f['recibo']}) no tiene un sello válido: se escribió sin la clave "
                         "de esta instalación." for f in sin_sello)
    problemas.extend(_revisar_anclas(db, votacion, [f["huella"] for f in filas]))
    anotadas = almacen.emisiones_anotadas(db, votacion_id)
    if anotadas != len(filas):
        problemas.append(f"El registro de eventos anota {anotadas} papeletas emitidas y la cadena tiene {len(filas)}: "
                         + ("faltan papeletas." if anotadas > len(filas) else "hay papeletas que nadie emitió."))
    return problemas


def _huella_recalculada(fila: dict, ultima_del_votante: str | None) -> str | None:
    contenido = json.loads(fila["contenido"])
    if fila["formato"] == 1:
        datos = {c: fila[c] for c in ("votacion_id", "votante", "participante_id", "canal", "taller_id", "lote_id",
                                      "serie", "emitida_en")}
        return cadena.huella_formato_1(fila["huella_anterior"], {**datos, "contenido": contenido})
    privado = {c: fila[c] for c in ("votante", "participante_id", "lote_id", "serie", "emitida_en")}
    if fila["reemplaza"] != ultima_del_votante or cadena.compromiso(privado, fila["sal"] or "") != fila["compromiso"]:
        return None
    publico = cadena.publico(fila["votacion_id"], fila["canal"], fila["taller_id"], contenido, fila["compromiso"])
    return cadena.huella_formato_2(fila["huella_anterior"], fila["reemplaza"], cadena.resumen(publico))


def _revisar_anclas(db: Database, votacion: Votacion, huellas: list[str]) -> list[str]:
    """Cada cierre anotó cabeza y eslabones: la cadena de hoy debe empezar igual; y tras el cierre definitivo
    (sin reabrir) no debe tener ni una papeleta más."""
    problemas = []
    cierres = almacen.cierres(db, votacion.id)
    reabiertos = {r["cierre_id"] for r in almacen.reaperturas(db, votacion.id)}
    for cierre in cierres:
        cuando, n = formatear_fecha_y_hora(cierre["cerrada_en"]), cierre["eslabones"]
        if cierre["sello"] != sello_del_cierre(db, cierre):
            problemas.append(f"El cierre del {cuando} fue alterado: su sello no coincide.")
        if len(huellas) < n:
            problemas.append(f"Al cierre del {cuando} la cadena tenía {n} papeletas y ahora tiene {len(huellas)}: "
                             "faltan papeletas.")
        elif (huellas[n - 1] if n else cadena.ORIGEN) != cierre["cabeza"]:
            problemas.append(f"La cadena ya no es la que se anotó al cierre del {cuando} (cabeza "
                             f"{cierre['cabeza'][:16]}…, {n} papeletas): alguien la reescribió.")
    if votacion.estado == EstadoVotacion.CERRADA and cierres and cierres[-1]["id"] not in reabiertos \
            and len(huellas) > cierres[-1]["eslabones"]:
        problemas.append(f"Hay {len(huellas) - cierres[-1]['eslabones']} papeletas después del cierre definitivo.")
    return problemas


# --- contar ---------------------------------------------------------------------------------

def eleccion_de(db: Database, votacion: Votacion) -> pabulib.Eleccion:
    """La votación como elección pabulib: lo que se publica y lo que cuenta la app (la misma cosa).

    Cerrada, es la que se congeló al cierre definitivo: después nada la cambia."""
    if votacion.estado == EstadoVotacion.CERRADA:
        cierres = almacen.cierres(db, votacion.id)
        if cierres:
            return _eleccion_de_json(cierres[-1]["eleccion"])
    return eleccion_viva(db, votacion)


def eleccion_viva(db: Database, votacion: Votacion) -> pabulib.Eleccion:
    """La elección de ahora: papeletas vigentes (sin las marcas de propuestas retiradas) y la cadena entera."""
    retiros = almacen.retiros(db, votacion.id)
    elegibles = {c: e for c, e in almacen.elegibles(db, votacion.id).items() if c not in retiros}
    filas = almacen.cadena_de(db, votacion.id)
    papeletas = [f for f in filas if f["vigente"]]
    proceso = propuestas_servicios.obtener_proceso(db, votacion.proceso_id)
    meta = {"description": f"{proceso.nombre} — {votacion.nombre}", "country": "Perú",
            "unit": f"Provincia {proceso.provincia} (ubigeo)", "instance": proceso.codigo,
            "subunit": votacion.lugar or votacion.modalidad, "num_projects": str(len(elegibles)),
            "num_votes": str(len(papeletas)), "budget": pabulib._texto(votacion.techo_centimos / 100),
            "currency": "PEN", "vote_type": votacion.tipo.tipo_pabulib, "rule": votacion.regla,
            "votacion_id": str(votacion.id), "ballot_type": votacion.tipo.value,
            "peso_participacion": str(votacion.peso_participacion), "peso_tecnico": str(votacion.peso_tecnico)}
    if votacion.tipo in (TipoPapeleta.APROBACION, TipoPapeleta.RANKING):
        meta["max_length"] = str(votacion.max_opciones)
    elif votacion.tipo == TipoPapeleta.PUNTOS:
        meta.update(max_sum_points=str(votacion.puntos_total), max_points=str(votacion.puntos_maximo))
    else:
        meta["max_sum_cost"] = pabulib._texto(votacion.techo_centimos / 100)
    if papeletas:
        meta.update(date_begin=papeletas[0]["emitida_en"][:10], date_end=max(p["emitida_en"] for p in papeletas)[:10])
    eslabones = _eslabones_publicos(filas)
    ancla = cadena.ancla_de([f["huella"] for f in filas])
    meta.update({cadena.META_CABEZA: ancla.cabeza, cadena.META_ESLABONES: str(ancla.eslabones)})
    reemplazadas = " ".join(cadena.texto_de_reemplazada(e) for f, e in zip(filas, eslabones) if not f["vigente"])
    if reemplazadas:
        meta[cadena.META_REEMPLAZADAS] = reemplazadas
    if retiros:
        meta[cadena.META_RETIRADAS] = ",".join(retiros)
        meta.update({f"retiro_{c}": f"{r['retirada_en']} {r['motivo']}" for c, r in retiros.items()})
    proyectos = [pabulib.Proyecto(e.codigo, e.costo_centimos / 100, e.titulo,
                                  {"district": e.distrito or "", "ubigeo": e.ubigeo or "",
                                   "puntaje_tecnico": "" if e.puntaje_tecnico is None else f"{e.puntaje_tecnico:g}"})
                 for e in elegibles.values()]
    votos = [_voto_contado(f, e, retiros, votacion.tipo) for f, e in zip(filas, eslabones) if f["vigente"]]
    return pabulib.Eleccion(meta, proyectos, [f["recibo"] for f in papeletas], [v[0] for v in votos],
                            [v[1] for v in votos] if votacion.tipo == TipoPapeleta.PUNTOS else None,
                            [v[2] for v in votos])


def _eslabones_publicos(filas: list[dict]) -> list[cadena.Eslabon]:
    """Cada papeleta como se publica su eslabón; a quién reemplaza, para las de formato 1, sale del orden."""
    eslabones, ultima_de = [], {}
    for fila in filas:
        reemplaza = fila["reemplaza"] if fila["formato"] == 2 else ultima_de.get(fila["votante"])
        resumen = None
        if fila["formato"] == 2:
            resumen = cadena.resumen(cadena.publico(fila["votacion_id"], fila["canal"], fila["taller_id"],
                                                    json.loads(fila["contenido"]), fila["compromiso"]))
        eslabones.append(cadena.Eslabon(fila["formato"], fila["huella_anterior"], fila["huella"], reemplaza, resumen,
                                        fila["recibo"] if fila["vigente"] else None))
        ultima_de[fila["votante"]] = fila["huella"]
    return eslabones


def _voto_contado(fila: dict, eslabon: cadena.Eslabon, retiros: dict, tipo: TipoPapeleta) -> tuple:
    """(elegidas que cuentan, sus puntos, datos del voto en el `.pb`): sin las marcas de propuestas retiradas; lo
    emitido completo va en `emitida` (lo cubre la huella)."""
    contenido = json.loads(fila["contenido"])
    elegidas, puntos = contenido["elegidas"], contenido.get("puntos")
    pares = list(zip(elegidas, puntos if puntos is not None else [None] * len(elegidas)))
    quedan = [(c, p) for c, p in pares if c not in retiros]
    emitida = "" if len(quedan) == len(pares) else ",".join(c if p is None else f"{c}={p}" for c, p in pares)
    datos = {"ubigeo": fila["ubigeo"] or "", "canal": fila["canal"], "taller": str(fila["taller_id"] or ""),
             "formato": str(fila["formato"]), "huella_anterior": fila["huella_anterior"], "huella": fila["huella"],
             "reemplaza": eslabon.reemplaza or "", "compromiso": fila["compromiso"] or "", "emitida": emitida}
    return (tuple(c for c, _ in quedan), tuple(p for _, p in quedan) if tipo == TipoPapeleta.PUNTOS else None,
            datos)


def _eleccion_de_json(texto: str) -> pabulib.Eleccion:
    datos = json.loads(texto)
    return pabulib.Eleccion(datos["meta"], [pabulib.Proyecto(**p) for p in datos["proyectos"]], datos["votantes"],
                            [tuple(p) for p in datos["papeletas"]],
                            None if datos["puntos"] is None else [tuple(p) for p in datos["puntos"]],
                            datos["datos_votos"])


def ancla_de(eleccion: pabulib.Eleccion) -> cadena.Ancla:
    """El ancla que lleva una elección (la congelada al cierre, o la de ahora)."""
    return cadena.Ancla(eleccion.meta[cadena.META_CABEZA], int(eleccion.meta[cadena.META_ESLABONES]))


def ancla(db: Database, votacion_id: int) -> cadena.Ancla:
    """Cabeza y eslabones de la cadena: los anotados en el cierre definitivo si la votación está cerrada (lo que
    muestran el proyector y el acta, y lleva el `.pb`); si no, los de ahora."""
    votacion = obtener(db, votacion_id)
    cierres = almacen.cierres(db, votacion_id) if votacion.estado == EstadoVotacion.CERRADA else []
    if cierres:
        return cadena.Ancla(cierres[-1]["cabeza"], cierres[-1]["eslabones"])
    filas = db.execute("SELECT huella FROM papeletas WHERE votacion_id = ? ORDER BY id DESC LIMIT 1",
                       [votacion_id]).fetchall()
    return cadena.Ancla(filas[0][0] if filas else cadena.ORIGEN, almacen.eslabones(db, votacion_id))


@dataclass
class ResultadoVotacion:
    votacion: Votacion
    eleccion: pabulib.Eleccion
    oficial: reglas.Resultado
    comparacion: reglas.Resultado
    filas: list[dict]                 # una por propuesta, en el orden de la regla oficial
    votantes: int
    por_canal: dict[str, int]
    cubiertos: dict[str, float]       # regla → % de votantes con al menos una elegida financiada
    por_distrito: dict[str, dict]     # ubigeo → % del presupuesto (oficial y MES), % de votantes, % de población
    entran: list[str] = field(default_factory=list)   # financiadas por la comparación y no por la oficial
    salen: list[str] = field(default_factory=list)    # financiadas por la oficial y no por la comparación
    explicacion_mes: str = ""  # cómo reparte Partes Iguales, con los números de esta votación

    @property
    def sobrante_centimos(self) -> int:
        return self.votacion.techo_centimos - sum(f["costo_centimos"] for f in self.filas if f["financiada"])

    @property
    def primera_no_financiada(self) -> dict | None:
        return next((f for f in self.filas if not f["financiada"]), None)


def puede_ver_resultados(votacion: Votacion, actor: Actor) -> Permiso:
    """¿Puede `actor` ver los conteos de `votacion` (resultados, `.pb`, lista priorizada, acta)? Con el motivo.

    Es la única regla de visibilidad de resultados: la usan `exigir_resultados` y, para armar listas, las páginas."""
    if votacion.estado == EstadoVotacion.CERRADA:
        return Permiso(True, "La votación está cerrada: sus resultados son públicos.")
    if votacion.resultados_visibles:
        return Permiso(True, "La facilitación mostró los resultados en vivo.")
    if puede(actor, Accion.GESTIONAR_VOTACIONES):
        return Permiso(True, f"Permitido para {actor.rol.etiqueta}: ve los resultados antes de publicarlos.")
    return Permiso(False, "Los resultados se publican al cerrar la votación (o cuando la facilitación los muestre); "
                          f"ahora está «{votacion.estado.etiqueta.lower()}».")


def exigir_resultados(db: Database, votacion_id: int, *, actor: Actor) -> Votacion:
    """La votación, si `actor` puede ver sus conteos; si no, `SinPermiso` con el motivo.

    Cada caso de uso que entrega conteos la llama una vez; una página que cachea el cómputo (`contar_votacion`)
    la llama antes, con el actor real."""
    votacion = obtener(db, votacion_id)
    permiso = puede_ver_resultados(votacion, actor)
    if not permiso:
        raise SinPermiso(permiso.motivo)
    return votacion


def resultados(db: Database, votacion_id: int, *, actor: Actor, comparar: bool = True) -> ResultadoVotacion:
    """Cuenta la votación con su regla oficial y con la comparación (MES o, si la oficial es MES, los más votados).

    `comparar=False` (el proyector, en vivo): solo la regla oficial; la comparación con MES+add1 puede pedir
    miles de rondas en un taller y se muestra en la página de resultados.
    """
    exigir_resultados(db, votacion_id, actor=actor)
    return contar_votacion(db, votacion_id, comparar=comparar)


def contar_votacion(db: Database, votacion_id: int, *, comparar: bool = True) -> ResultadoVotacion:
    """El cómputo de `resultados`, sin preguntar permiso: lo que una página cachea por versión de la votación
    después de llamar a `exigir_resultados` con su actor."""
    votacion = obtener(db, votacion_id)
    return contar_eleccion(votacion, eleccion_de(db, votacion), _poblacion(db), comparar=comparar)


def contar_eleccion(votacion: Votacion, eleccion: pabulib.Eleccion, poblacion: dict[str, float] | None = None, *,
                    comparar: bool = True) -> ResultadoVotacion:
    perfil = reglas.perfil_de(eleccion)
    n = perfil.votantes
    if n == 0:
        vacio = reglas.Resultado(votacion.regla, [], 0.0)
        oficial = comparacion = vacio
    else:
        oficial = (ordinales.contar(eleccion, votacion.regla) if votacion.regla in ordinales.REGLAS_ORDEN
                   else reglas.REGLAS_PB[votacion.regla](perfil))
        if not comparar:
            comparacion = oficial
        elif votacion.regla in REGLAS_MES:
            comparacion = reglas.greedy(perfil)
        else:
            comparacion = reglas.mes_add1(perfil)
    participacion, combinado = reglas.puntaje_combinado(perfil)
    mes_final = comparacion if votacion.regla not in REGLAS_MES else oficial
    financiadas_mes = set(mes_final.elegidos)
    indice = {pid: j for j, pid in enumerate(perfil.ids)}
    financiadas, financiadas_cmp = set(oficial.elegidos), set(comparacion.elegidos)
    if votacion.regla in REGLAS_MES:
        orden = list(oficial.elegidos) + sorted((p for p in perfil.ids if p not in financiadas),
                                                key=lambda p: (-perfil.puntajes[indice[p]], perfil.costos[indice[p]],
                                                               indice[p]))
    elif votacion.regla in ordinales.REGLAS_ORDEN:
        orden = list(oficial.detalle.get("orden", perfil.ids))
    else:
        puntaje = combinado if votacion.regla == "prioridad-combinada" else perfil.puntajes
        orden = sorted(perfil.ids, key=lambda p: (-puntaje[indice[p]], perfil.costos[indice[p]],
                                                  -perfil.votos[indice[p]], indice[p]))
    proyectos = {p.id: p for p in eleccion.proyectos}
    motivos_mes = (motivos_partes_iguales(perfil, mes_final) if n and (comparar or votacion.regla in REGLAS_MES)
                   else {})

    def motivo_mes(j: int) -> str:
        return motivos_mes.get(perfil.ids[j], "Nadie la eligió.")

    filas, restante, detenida_en = [], votacion.techo_centimos, None
    for rango, codigo in enumerate(orden, start=1):
        j, proyecto = indice[codigo], proyectos[codigo]
        costo = round(proyecto.costo * 100)
        fila = {"rango": rango, "codigo": codigo, "titulo": proyecto.nombre, "distrito": proyecto.datos["district"],
                "ubigeo": proyecto.datos["ubigeo"], "costo_centimos": costo, "votos": int(perfil.votos[j]),
                "puntaje": float(perfil.puntajes[j]), "pct_votantes": 100 * perfil.votos[j] / n if n else 0.0,
                "puntaje_tecnico": _numero(proyecto.datos.get("puntaje_tecnico")),
                "participacion": float(participacion[j]), "combinado": float(combinado[j]),
                "financiada": codigo in financiadas, "financiada_comparacion": codigo in financiadas_cmp}
        if fila["financiada"]:
            restante -= costo
        else:
            fila["motivo"] = (motivo_mes(j) if votacion.regla in REGLAS_MES else
                              _motivo_oficial(votacion, fila, restante, detenida_en))
            if votacion.regla == "greedy-no-skip" and detenida_en is None and fila["votos"]:
                detenida_en = codigo
        fila["motivo_mes"] = (None if (not comparar and votacion.regla not in REGLAS_MES)
                              or codigo in financiadas_mes else motivo_mes(j))
        filas.append(fila)
    cubiertos = {}
    for resultado in (oficial, comparacion):
        cuenta = perfil.apoyos_por_votante([indice[p] for p in resultado.elegidos])
        cubiertos[resultado.regla] = float(100 * (cuenta > 0).mean()) if n else 0.0
    canales: dict[str, int] = {}
    for datos in eleccion.datos_votos:
        canales[datos["canal"]] = canales.get(datos["canal"], 0) + 1
    return ResultadoVotacion(votacion, eleccion, oficial, comparacion, filas, n, canales, cubiertos,
                             _equidad_por_distrito(eleccion, oficial, comparacion, poblacion or {}),
                             entran=[p for p in comparacion.elegidos if p not in financiadas],
                             salen=[p for p in oficial.elegidos if p not in financiadas_cmp],
                             explicacion_mes=explicar_partes_iguales(mes_final, perfil.presupuesto, n))


def _con_partes_mas_grandes(perfil: reglas.Perfil, mes_final: reglas.Resultado) -> set[str] | None:
    """Si add1 hizo crecer las partes: lo que MES financiaría además con el paso siguiente (que ya no cabe en el
    techo). Para decir «le faltó poco» solo de esas, y no «le faltaba S/ 1.00»."""
    if "rondas_add1" not in mes_final.detalle or "presupuesto_por_votante" not in mes_final.detalle:
        return None
    siguiente = reglas.mes(perfil, presupuesto_por_votante=math.floor(mes_final.detalle["presupuesto_por_votante"]) + 1)
    if siguiente.costo_total <= perfil.presupuesto * (1 + reglas.TOLERANCIA):
        return None
    return set(siguiente.elegidos) - set(mes_final.elegidos)


def _numero(texto: str | None) -> float | None:
    return float(texto) if texto not in (None, "") else None


def _motivo_oficial(votacion: Votacion, fila: dict, restante: int, detenida_en: str | None) -> str:
    if not fila["votos"] and not (votacion.regla == "prioridad-combinada" and votacion.peso_tecnico and fila["combinado"]):
        return "Nadie la eligió."
    if detenida_en:
        return f"La regla «más votados sin saltar» se detiene en la primera que no cabe ({detenida_en})."
    return (f"No alcanza: cuando le tocó quedaban {formatear_soles(max(restante, 0))} y cuesta "
            f"{formatear_soles(fila['costo_centimos'])}.")


def motivos_partes_iguales(perfil: reglas.Perfil, resultado: reglas.Resultado) -> dict[str, str]:
    """Código → por qué Partes Iguales (`resultado`, de MES o MES+add1) no la financió, para cada no financiada."""
    indice = {pid: j for j, pid in enumerate(perfil.ids)}
    con_mas = _con_partes_mas_grandes(perfil, resultado)
    financiadas = set(resultado.elegidos)
    return {pid: _motivo_mes(perfil, j, resultado, indice, con_mas) for j, pid in enumerate(perfil.ids)
            if pid not in financiadas}


def _motivo_mes(perfil: reglas.Perfil, j: int, mes_final: reglas.Resultado, indice: dict,
                con_mas: set[str] | None = None) -> str:
    """Por qué Partes Iguales no financió la propuesta `j`, en palabras de taller: cuánto juntaban quienes la
    eligieron, cuánto cuesta y en qué ya habían gastado su parte; o, si le faltó poco (con partes un paso más
    grandes se pagaba: `con_mas`, lo que financia MES con ellas), que no cabe en lo que queda del techo.

    La parte de cada persona no se dice aquí: la explica una sola vez `explicar_partes_iguales`."""
    votos = int(perfil.votos[j])
    if votos == 0:
        return "Nadie la eligió."
    codigo, costo = perfil.ids[j], float(perfil.costos[j])
    saldos = mes_final.detalle.get("saldo_apoyantes")
    if saldos is None:  # add1-comparison eligió «más votados»: no hubo reparto en partes
        return "Ganó el reparto por más votados (más votantes lo preferían): ver el motivo de la regla oficial."
    saldo = saldos.get(codigo, 0.0)
    una = votos == 1
    if con_mas is not None and codigo in con_mas:
        restante = max(perfil.presupuesto - mes_final.costo_total, 0.0)
        return (f"Le faltó poco: con partes apenas más grandes {'quien la eligió la pagaba' if una else 'quienes la eligieron la pagaban'}"
                f", pero lo financiado pasaría el techo: quedan {_soles(restante)} sin asignar y cuesta {_soles(costo)}.")
    quienes = "La única persona que la eligió" if una else f"Las {votos} personas que la eligieron"
    if saldo >= costo * (1 - reglas.TOLERANCIA):
        return (f"{quienes} {'podía' if una else 'podían'} pagarla, pero otras propuestas daban más por cada sol; "
                "al final ya no cabía en el techo.")
    apoyan = np.zeros(perfil.votantes, dtype=bool)
    apoyan[perfil.apoyantes[j]] = True
    compartidas = sorted(((int(apoyan[perfil.apoyantes[indice[k]]].sum()), -indice[k], k) for k in mes_final.elegidos),
                         reverse=True)
    en_que = [k for cuantos, _, k in compartidas[:2] if cuantos]
    frase = (f"{quienes} {'juntaba' if una else 'juntaban'} {_soles(saldo)} de los {_soles(costo)} que cuesta")
    if en_que:
        return frase + f": lo demás de su parte ya lo {'había' if una else 'habían'} puesto en " + " y ".join(en_que) + "."
    return frase + ("; su parte no alcanza." if una else "; son pocas personas para lo que cuesta.")


def explicar_partes_iguales(resultado: reglas.Resultado, presupuesto: float, votantes: int) -> str:
    """Cómo reparte Partes Iguales, con los números de esta votación (la parte inicial y, si creció, hasta cuánto)."""
    if "presupuesto_por_votante" not in resultado.detalle or not votantes:
        return ""
    inicial, final = presupuesto / votantes, resultado.detalle["presupuesto_por_votante"]
    frase = (f"Con Partes Iguales el techo ({_soles(presupuesto)}) se reparte por igual entre las {votantes} "
             f"personas que votaron: {_soles(inicial)} cada una. Cada persona paga con su parte solo propuestas "
             "que eligió, a medias con quienes también las eligieron; una propuesta se financia si quienes la "
             "eligieron juntan su costo.")
    if final > inicial * (1 + reglas.TOLERANCIA):
        frase += (f" Como así sobraba techo, todas las partes crecieron por igual, hasta {_soles(final)} cada una, "
                  "mientras lo financiado cupiera en el techo (sumadas pasan el techo, pero lo que de verdad se gasta "
                  "no lo pasa).")
    return frase


def _soles(monto: float) -> str:
    return formatear_soles(round(monto * 100))


def _equidad_por_distrito(eleccion: pabulib.Eleccion, oficial: reglas.Resultado, comparacion: reglas.Resultado,
                          poblacion: dict[str, float]) -> dict[str, dict]:
    costos = {p.id: (p.datos["ubigeo"], p.costo) for p in eleccion.proyectos}
    distritos: dict[str, dict] = {u: {} for u in poblacion}
    for clave, resultado in (("presupuesto_pct", oficial), ("presupuesto_comparacion_pct", comparacion)):
        total = sum(costos[p][1] for p in resultado.elegidos)
        for p in resultado.elegidos:
            ubigeo = costos[p][0]
            distritos.setdefault(ubigeo, {})
            distritos[ubigeo][clave] = distritos[ubigeo].get(clave, 0.0) + 100 * costos[p][1] / total
    con_distrito = [d["ubigeo"] for d in eleccion.datos_votos if d["ubigeo"]]
    for ubigeo in con_distrito:
        distritos.setdefault(ubigeo, {})
        distritos[ubigeo]["votantes_pct"] = distritos[ubigeo].get("votantes_pct", 0.0) + 100 / len(con_distrito)
    total_poblacion = sum(poblacion.values())
    for ubigeo, valores in distritos.items():
        valores["poblacion_pct"] = 100 * poblacion[ubigeo] / total_poblacion if ubigeo in poblacion else None
        for clave in ("presupuesto_pct", "presupuesto_comparacion_pct", "votantes_pct"):
            valores.setdefault(clave, 0.0)
    return distritos


def _poblacion(db: Database) -> dict[str, float]:
    return {ubigeo: float(valor) for ubigeo, valor in territorio_servicios.poblacion_por_distrito(db).items() if valor}


def eslabones(db: Database, votacion_id: int) -> int:
    """Cuántas papeletas tiene la cadena, incluidas las reemplazadas por un cambio de voto."""
    return almacen.eslabones(db, votacion_id)
