"""Votaciones en la base: organizar, emitir y cambiar papeletas, papel, cadena de huellas, contar y publicar."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import sqlite3
import subprocess
import sys
import threading

import pytest

import nucleo
from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import listar_eventos
from nucleo.formato import formatear_soles
from propuestas import servicios as propuestas_servicios
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, participante, votar_muchos
from tests.conftest import FACILITADORA, HOY_REGISTRO, RAIZ, copiar_viables, filas
from votacion import almacen, ordinales, pabulib, reglas
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta, PapeletaInvalida, TipoPapeleta, VotacionCerrada, VotacionInvalida


@pytest.fixture
def base(db_viables):
    return db_viables


# --- organizar ------------------------------------------------------------------------------

def test_la_papeleta_trae_las_viables_con_su_costo_validado(base):
    db, codigos = base
    creada = crear(db, abrir=False)
    elegibles = votacion.elegibles(db, creada.id)
    assert list(elegibles) == codigos
    assert elegibles[codigos[0]].costo_centimos == 30_000_000
    assert all(e.puntaje_tecnico is not None for e in elegibles.values())
    assert creada.estado == EstadoVotacion.PREPARADA and creada.regla == "prioridad-combinada"


def test_solo_la_facilitacion_organiza(base):
    db, _ = base
    proceso = propuestas_servicios.proceso_actual(db)
    with pytest.raises(SinPermiso, match="organizar votaciones"):
        votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id), actor=participante(db), ahora=AHORA_VOTO)
    with pytest.raises(SinPermiso):
        votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id), actor=PUBLICO, ahora=AHORA_VOTO)
    assert filas(db, "votaciones") == 0


def test_configuracion_invalida_dice_cada_problema_y_no_guarda(base):
    db, codigos = base
    proceso = propuestas_servicios.proceso_actual(db)
    mala = votacion.nueva_votacion(db, proceso.id, tipo=TipoPapeleta.PUNTOS, regla="equalshares/add1",
                                   puntos_total=10, puntos_maximo=20, peso_participacion=70, peso_tecnico=40)
    with pytest.raises(VotacionInvalida) as error:
        votacion.crear_votacion(db, mala, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert {p.campo for p in error.value.problemas} == {"regla", "puntos_maximo", "pesos"}
    with pytest.raises(VotacionInvalida, match="PP27-9999 no es una propuesta de este proceso"):
        votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id), [codigos[0], "PP27-9999"],
                                actor=FACILITADORA, ahora=AHORA_VOTO)
    assert filas(db, "votaciones") == 0 and filas(db, "votacion_propuestas") == 0


def test_abrir_fuera_de_la_priorizacion_dice_cuando(base):
    db, _ = base
    creada = crear(db, abrir=False)
    with pytest.raises(VotacionInvalida, match="Se podrá del 11 de febrero de 2027"):
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=HOY_REGISTRO)
    abierta = votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert abierta.estado == EstadoVotacion.ABIERTA
    with pytest.raises(VotacionInvalida, match="ya se abrió"):
        votacion.actualizar_votacion(db, dataclasses.replace(abierta, max_opciones=2), actor=FACILITADORA,
                                     ahora=AHORA_VOTO)


# --- votar ----------------------------------------------------------------------------------

def test_votar_cambiar_y_reintentar(base):
    db, codigos = base
    abierta = crear(db, max_opciones=3)
    rosa = participante(db)
    with pytest.raises(PapeletaInvalida, match="Eligió 4 propuestas; el máximo es 3. Quite 1"):
        votacion.emitir(db, abierta.id, Papeleta(tuple(codigos[:4])), actor=rosa, ahora=AHORA_VOTO)
    assert filas(db, "papeletas") == 0
    primero = votacion.emitir(db, abierta.id, Papeleta(tuple(codigos[:2])), actor=rosa, ahora=AHORA_VOTO)
    reintento = votacion.emitir(db, abierta.id, Papeleta(tuple(codigos[:2])), actor=rosa, ahora=AHORA_VOTO + SEGUNDO)
    assert reintento.recibo == primero.recibo and reintento.repetida
    cambio = votacion.emitir(db, abierta.id, Papeleta((codigos[5],)), actor=rosa, ahora=AHORA_VOTO + 2 * SEGUNDO)
    assert cambio.cambio and cambio.recibo != primero.recibo
    assert filas(db, "papeletas") == 2  # la anterior queda, reemplazada
    assert votacion.mi_papeleta(db, abierta.id, actor=rosa) == (Papeleta((codigos[5],)), cambio.recibo)
    assert [p["recibo"] for p in almacen.vigentes(db, abierta.id)] == [cambio.recibo]
    acciones = [e["accion"] for e in listar_eventos(db, objeto_tipo="votacion")][::-1]
    assert acciones == ["crear_votacion", "votacion_abierta", "votar", "cambiar_voto"]


@pytest.mark.parametrize("estado, mensaje", [(EstadoVotacion.PAUSADA, "en pausa"),
                                             (EstadoVotacion.CERRADA, "ya se cerró")])
def test_no_se_vota_en_pausa_ni_cerrada(base, estado, mensaje):
    db, codigos = base
    abierta = crear(db)
    votacion.cambiar_estado(db, abierta.id, estado, actor=FACILITADORA, ahora=AHORA_VOTO)
    with pytest.raises(VotacionCerrada, match=mensaje):
        votacion.emitir(db, abierta.id, Papeleta((codigos[0],)), actor=participante(db), ahora=AHORA_VOTO)
    if estado == EstadoVotacion.CERRADA:  # reabrir se puede, pero solo con motivo (va al acta)
        with pytest.raises(VotacionInvalida, match="Para reabrir una votación cerrada escriba el motivo"):
            votacion.cambiar_estado(db, abierta.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=AHORA_VOTO)


def test_horario_de_cierre(base):
    db, codigos = base
    cierre = (AHORA_VOTO + dt.timedelta(hours=1)).isoformat()
    abierta = crear(db, cierra_en=cierre)
    rosa = participante(db)
    votacion.emitir(db, abierta.id, Papeleta((codigos[0],)), actor=rosa, ahora=AHORA_VOTO)
    with pytest.raises(VotacionCerrada, match="cerró el 14 de febrero de 2027 a las 11:00"):
        votacion.emitir(db, abierta.id, Papeleta((codigos[1],)), actor=rosa, ahora=AHORA_VOTO + dt.timedelta(hours=2))


def test_solo_asistentes_del_taller(base):
    db, codigos = base
    abierta = crear(db, quien_vota="asistentes")
    rosa = participante(db)
    with pytest.raises(SinPermiso, match="asistencia al taller"):
        votacion.emitir(db, abierta.id, Papeleta((codigos[0],)), actor=rosa, ahora=AHORA_VOTO)
    assert votacion.registrar_asistencia(db, abierta.id, rosa.participante_id, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert not votacion.registrar_asistencia(db, abierta.id, rosa.participante_id, actor=FACILITADORA, ahora=AHORA_VOTO)
    votacion.emitir(db, abierta.id, Papeleta((codigos[0],)), actor=rosa, ahora=AHORA_VOTO)


def test_el_publico_y_el_equipo_no_votan(base):
    db, codigos = base
    abierta = crear(db)
    for actor in (PUBLICO, FACILITADORA):
        with pytest.raises(SinPermiso):
            votacion.emitir(db, abierta.id, Papeleta((codigos[0],)), actor=actor, ahora=AHORA_VOTO)


def test_puntos_por_encima_del_total_o_del_maximo(base):
    db, codigos = base
    abierta = crear(db, tipo=TipoPapeleta.PUNTOS, puntos_total=10, puntos_maximo=6, regla="greedy")
    rosa = participante(db)
    with pytest.raises(PapeletaInvalida) as error:
        votacion.emitir(db, abierta.id, Papeleta(tuple(codigos[:3]), (7, 4, 1)), actor=rosa, ahora=AHORA_VOTO)
    texto = str(error.value)
    assert f"A {codigos[0]} le dio más de 6 semillas" in texto and "Repartió 12 semillas; tiene 10. Quite 2" in texto
    votacion.emitir(db, abierta.id, Papeleta(tuple(codigos[:3]), (6, 0, 4)), actor=rosa, ahora=AHORA_VOTO)
    assert votacion.mi_papeleta(db, abierta.id, actor=rosa)[0] == Papeleta((codigos[0], codigos[2]), (6, 4))


def test_presupuesto_que_se_pasa_del_techo(base):
    db, codigos = base
    abierta = crear(db, tipo=TipoPapeleta.PRESUPUESTO, techo_centimos=50_000_000, regla="equalshares/add1")
    with pytest.raises(PapeletaInvalida, match=r"suma S/ 550,000.00 y el techo es S/ 500,000.00: se pasa por "
                                               r"S/ 50,000.00"):
        votacion.emitir(db, abierta.id, Papeleta(tuple(codigos[:2])), actor=participante(db), ahora=AHORA_VOTO)


def test_papeleta_vacia_o_con_propuestas_ajenas(base):
    db, codigos = base
    abierta = crear(db)
    rosa = participante(db)
    with pytest.raises(PapeletaInvalida, match="vacía"):
        votacion.emitir(db, abierta.id, Papeleta(()), actor=rosa, ahora=AHORA_VOTO)
    with pytest.raises(PapeletaInvalida, match="PP27-0099 no está en esta votación"):
        votacion.emitir(db, abierta.id, Papeleta(("PP27-0099",)), actor=rosa, ahora=AHORA_VOTO)
    with pytest.raises(PapeletaInvalida, match="aparece más de una vez"):
        votacion.emitir(db, abierta.id, Papeleta((codigos[0], codigos[0])), actor=rosa, ahora=AHORA_VOTO)


def test_dos_celulares_al_mismo_tiempo_un_solo_voto(tmp_path, _plantilla_viables):
    """Dos conexiones (dos celulares con el mismo código) emiten a la vez: queda una sola papeleta vigente."""
    ruta = copiar_viables(_plantilla_viables, tmp_path / "plataforma.db")
    codigos = _plantilla_viables[1]
    db = nucleo.abrir(ruta)
    abierta = crear(db)
    mismo = participante(db)
    otros = [participante(db, f"Persona número {i}") for i in range(6)]
    db.close()
    barrera = threading.Barrier(8)
    errores = []

    def votar(actor, papeleta):
        conexion = nucleo.abrir(ruta)
        try:
            barrera.wait()
            votacion.emitir(conexion, abierta.id, papeleta, actor=actor, ahora=AHORA_VOTO)
        except Exception as error:  # noqa: BLE001 — se revisa abajo
            errores.append(error)
        finally:
            conexion.close()

    hilos = [threading.Thread(target=votar, args=(mismo, Papeleta((codigos[0],)))),
             threading.Thread(target=votar, args=(mismo, Papeleta((codigos[1],))))]
    hilos += [threading.Thread(target=votar, args=(o, Papeleta((codigos[2],)))) for o in otros]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join()
    assert errores == []
    db = nucleo.abrir(ruta)
    vigentes = almacen.vigentes(db, abierta.id)
    assert len(vigentes) == 7
    assert sum(1 for v in vigentes if v["votante"] == f"participante:{mismo.participante_id}") == 1
    assert votacion.verificar_cadena(db, abierta.id) == []
    with pytest.raises(sqlite3.IntegrityError):  # ni a mano: el índice único lo impide
        db.execute("UPDATE papeletas SET reemplazada_en = NULL WHERE reemplazada_en IS NOT NULL")
        db.execute("INSERT INTO papeletas (votacion_id, votante, canal, contenido, emitida_en, huella_anterior, huella, "
                   "recibo) VALUES (?, ?, 'celular', '{}', 'x', 'x', 'y', 'z')",
                   [abierta.id, f"participante:{mismo.participante_id}"])
    db.close()


# --- papel ----------------------------------------------------------------------------------

def test_papel_vista_previa_con_todos_los_problemas_y_nada_a_medias(base):
    db, codigos = base
    abierta = crear(db, max_opciones=3)
    texto = "\n".join(["# lote de la mesa 2", "1, 4, 6", "N.º 12: PP27-0002", "12: 3", "7, 1", "1, 2, 3, 4", "",
                       "2=3"])
    lineas = votacion.revisar_papel(db, abierta.id, texto)
    problemas = {linea.numero: linea.problemas for linea in lineas}
    assert problemas[2] == [] and problemas[3] == []
    assert "la papeleta N.º 12 ya está en la línea 3." in problemas[4]
    assert problemas[5] == ["«7» no es una propuesta de esta votación."]
    assert "Eligió 4 propuestas; el máximo es 3. Quite 1." in problemas[6]
    assert "solo van en votaciones por puntos" in problemas[8][0]
    with pytest.raises(PapeletaInvalida, match="línea 4"):
        votacion.digitar_papel(db, abierta.id, texto, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert filas(db, "papeletas") == 0 and filas(db, "lotes_papel") == 0


def test_papel_cuenta_igual_marcado_como_papel_y_sin_repetir(base):
    db, codigos = base
    abierta = crear(db, max_opciones=3)
    texto = "N.º 1: 1, 4, 6\nN.º 2: PP27-0002\n3, 5\n"
    assert votacion.digitar_papel(db, abierta.id, texto, actor=FACILITADORA, ahora=AHORA_VOTO) == 3
    vigentes = almacen.vigentes(db, abierta.id)
    assert [v["canal"] for v in vigentes] == ["papel"] * 3
    assert {v["taller_id"] for v in vigentes} == {abierta.id}
    assert vigentes[0]["contenido"] == {"elegidas": [codigos[0], codigos[3], codigos[5]]}
    with pytest.raises(PapeletaInvalida, match="Este mismo lote ya se digitó"):
        votacion.digitar_papel(db, abierta.id, texto, actor=FACILITADORA, ahora=AHORA_VOTO)
    with pytest.raises(PapeletaInvalida, match="N.º 2 ya se digitó antes"):
        votacion.digitar_papel(db, abierta.id, "2: 3", actor=FACILITADORA, ahora=AHORA_VOTO)
    with pytest.raises(SinPermiso):
        votacion.digitar_papel(db, abierta.id, "3", actor=participante(db), ahora=AHORA_VOTO)
    assert filas(db, "papeletas") == 3


def test_papel_de_puntos_y_ranking(base):
    db, codigos = base
    puntos = crear(db, tipo=TipoPapeleta.PUNTOS, puntos_total=10, puntos_maximo=10, regla="greedy")
    votacion.digitar_papel(db, puntos.id, "1=5, 2=5\n3=10", actor=FACILITADORA, ahora=AHORA_VOTO)
    assert [v["contenido"]["puntos"] for v in almacen.vigentes(db, puntos.id)] == [[5, 5], [10]]
    lineas = votacion.revisar_papel(db, puntos.id, "1, 2")
    assert "le falta «=puntos»" in lineas[0].problemas[0]
    ranking = crear(db, tipo=TipoPapeleta.RANKING, max_opciones=3, regla="greedy")
    votacion.digitar_papel(db, ranking.id, "4, 1, 6", actor=FACILITADORA, ahora=AHORA_VOTO)
    assert almacen.vigentes(db, ranking.id)[0]["contenido"]["elegidas"] == [codigos[3], codigos[0], codigos[5]]


# --- auditoría ------------------------------------------------------------------------------

def test_cadena_de_huellas_detecta_una_papeleta_alterada(base):
    db, codigos = base
    abierta = crear(db)
    for i in range(4):
        votacion.emitir(db, abierta.id, Papeleta((codigos[i],)), actor=participante(db, f"Persona {i} votante"),
                        ahora=AHORA_VOTO + i * SEGUNDO)
    assert votacion.verificar_cadena(db, abierta.id) == []
    with pytest.raises(sqlite3.IntegrityError, match="no se modifican"):
        db.execute("UPDATE papeletas SET contenido = ? WHERE id = 2", ['{"elegidas": ["PP27-0001"]}'])
    with pytest.raises(sqlite3.IntegrityError, match="no se borran"):
        db.execute("DELETE FROM papeletas WHERE id = 2")
    db.execute("DROP TRIGGER papeletas_sin_cambios")  # alguien con acceso al archivo, saltándose la app
    db.execute("UPDATE papeletas SET contenido = ? WHERE id = 2", ['{"elegidas": ["PP27-0001"]}'])
    problemas = votacion.verificar_cadena(db, abierta.id)
    assert len(problemas) == 1 and "La papeleta 2" in problemas[0] and "alterada" in problemas[0]




def test_partes_iguales_en_palabras_de_taller_con_tres_votantes(base):
    """3 personas y un techo de S/ 850,000: la parte que creció con add1 (S/ 349,999, más que 850,000 ÷ 3) se
    explica una vez, con su porqué; a la que le faltó «S/ 1.00» se le dice lo que de verdad la dejó afuera (el techo
    que queda y su costo); a la otra, cuánto juntaba quien la eligió, cuánto cuesta y en qué puso su parte."""
    db, codigos = base
    abierta = crear(db, techo_centimos=85_000_000, regla="greedy")
    for i, elegidas in enumerate([(0, 1), (0, 1, 2), (3, 4, 5)]):
        votacion.emitir(db, abierta.id, Papeleta(tuple(codigos[k] for k in elegidas)),
                        actor=participante(db, f"Votante {i}"), ahora=AHORA_VOTO + i * SEGUNDO)
    resultado = votacion.resultados(db, abierta.id, actor=FACILITADORA)
    assert resultado.comparacion.elegidos == [codigos[1], codigos[0], codigos[5], codigos[4]]  # S/ 750,000
    motivos = {f["codigo"]: f["motivo_mes"] for f in resultado.filas if f["motivo_mes"]}
    assert motivos == {
        codigos[2]: "La única persona que la eligió juntaba S/ 74,999.00 de los S/ 200,000.00 que cuesta: lo demás "
                    f"de su parte ya lo había puesto en {codigos[0]} y {codigos[1]}.",
        codigos[3]: "Le faltó poco: con partes apenas más grandes quien la eligió la pagaba, pero lo financiado "
                    "pasaría el techo: quedan S/ 100,000.00 sin asignar y cuesta S/ 150,000.00."}
    assert resultado.explicacion_mes == (
        "Con Partes Iguales el techo (S/ 850,000.00) se reparte por igual entre las 3 personas que votaron: "
        "S/ 283,333.33 cada una. Cada persona paga con su parte solo propuestas que eligió, a medias con quienes "
        "también las eligieron; una propuesta se financia si quienes la eligieron juntan su costo. Como así sobraba "
        "techo, todas las partes crecieron por igual, hasta S/ 349,999.00 cada una, mientras lo financiado cupiera en "
        "el techo (sumadas pasan el techo, pero lo que de verdad se gasta no lo pasa).")
    # con Partes Iguales como regla oficial, el motivo oficial es la misma frase (no «ver la explicación de MES»)
    oficial_mes = crear(db, techo_centimos=85_000_000, regla="equalshares/add1")
    for i, elegidas in enumerate([(0, 1), (0, 1, 2), (3, 4, 5)]):
        votacion.emitir(db, oficial_mes.id, Papeleta(tuple(codigos[k] for k in elegidas)),
                        actor=participante(db, f"Votante MES {i}"), ahora=AHORA_VOTO + i * SEGUNDO)
    en_vivo = votacion.resultados(db, oficial_mes.id, actor=FACILITADORA, comparar=False)
    assert {f["codigo"]: f["motivo"] for f in en_vivo.filas if not f["financiada"]} == motivos


PATRONES_MES = [re.compile(p) for p in (
    r"Nadie la eligió\.",
    r"(La única persona que la eligió juntaba|Las (?P<n>\d+) personas que la eligieron juntaban) S/ (?P<junta>[\d,.]+) "
    r"de los S/ (?P<costo>[\d,.]+) que cuesta(: lo demás de su parte ya lo había?n? puesto en (?P<en>.+)|; .+)\.",
    r"Le faltó poco: con partes apenas más grandes (quien la eligió la pagaba|quienes la eligieron la pagaban), pero "
    r"lo financiado pasaría el techo: quedan S/ (?P<queda>[\d,.]+) sin asignar y cuesta S/ (?P<costo>[\d,.]+)\.")]


@pytest.mark.parametrize("ruta", sorted((RAIZ.parent / "shared" / "pabulib").glob("*.pb")), ids=lambda r: r.stem)
def test_partes_iguales_explica_cada_no_financiada_de_los_casos_reales(ruta):
    """En los casos reales de pabulib (84 a 2818 votantes): cada frase es una de las de taller y sus números
    cuadran con el conteo: lo que juntaban es menos que el costo, en qué pusieron su parte son financiadas que
    también eligieron, y «le faltó poco» solo si con partes un paso más grandes se financiaba y el total pasaba el
    techo. La parte de cada persona no aparece en ninguna frase (la dice la explicación, una vez)."""
    perfil = reglas.perfil_de(pabulib.leer(ruta))
    resultado = reglas.mes_add1(perfil)
    indice = {p: j for j, p in enumerate(perfil.ids)}
    siguiente = reglas.mes(perfil, presupuesto_por_votante=int(resultado.detalle["presupuesto_por_votante"]) + 1)
    motivos = votacion.motivos_partes_iguales(perfil, resultado)
    assert set(motivos) == set(perfil.ids) - set(resultado.elegidos)
    parte = formatear_soles(round(resultado.detalle["presupuesto_por_votante"] * 100))
    for codigo, frase in motivos.items():
        j = indice[codigo]
        encaje = next((p.fullmatch(frase) for p in PATRONES_MES if p.fullmatch(frase)), None)
        assert encaje, frase
        assert parte not in frase
        numeros = {k: float(v.replace(",", "")) for k, v in encaje.groupdict().items()
                   if v and k in ("junta", "costo", "queda")}
        if "costo" in numeros:
            assert numeros["costo"] == pytest.approx(perfil.costos[j])
        if "junta" in numeros:
            assert numeros["junta"] < perfil.costos[j]
            assert int(encaje["n"] or 1) == perfil.votos[j]
        if encaje.groupdict().get("en"):
            for otra in encaje["en"].split(" y "):
                assert otra in resultado.elegidos
                assert set(perfil.apoyantes[indice[otra]]) & set(perfil.apoyantes[j])
        if frase.startswith("Le faltó poco"):
            assert codigo in siguiente.elegidos and siguiente.costo_total > perfil.presupuesto
            assert numeros["queda"] == pytest.approx(perfil.presupuesto - resultado.costo_total, abs=0.01)
    explicacion = votacion.explicar_partes_iguales(resultado, perfil.presupuesto, perfil.votantes)
    assert f"entre las {perfil.votantes} personas que votaron" in explicacion and f"hasta {parte} cada una" in explicacion


def test_resultados_oficial_comparacion_y_explicaciones(base):
    db, codigos = base
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, abierta, codigos)
    resultado = votacion.resultados(db, abierta.id, actor=FACILITADORA)
    assert resultado.votantes == 12 and resultado.por_canal == {"celular": 12}
    assert resultado.oficial.elegidos == [codigos[1], codigos[0]]  # 250k + 300k = 550k de 600k
    assert resultado.oficial.empates == [reglas.Empate((codigos[0], codigos[1]), codigos[1], "menor costo")]
    assert resultado.comparacion.regla == "equalshares/add1"
    assert set(resultado.comparacion.elegidos) >= {codigos[4], codigos[5]}  # MES da su parte al grupo minoritario
    assert resultado.entran and resultado.salen
    assert resultado.cubiertos["greedy"] == pytest.approx(50.0)
    assert resultado.cubiertos["equalshares/add1"] > 50.0
    primera = resultado.primera_no_financiada
    assert primera["codigo"] == codigos[5]  # empata en votos con la de 120 mil; va primero la más barata
    assert primera["motivo"] == "No alcanza: cuando le tocó quedaban S/ 50,000.00 y cuesta S/ 80,000.00."
    assert resultado.sobrante_centimos == 5_000_000
    sin_mes = [f for f in resultado.filas if not f["financiada_comparacion"] and f["votos"]]
    assert sin_mes and all(re.match(rf"(Las {f['votos']} personas que la eligieron|Le faltó poco)", f["motivo_mes"])
                           for f in sin_mes), [f["motivo_mes"] for f in sin_mes]
    parte = resultado.comparacion.detalle["presupuesto_por_votante"]
    assert f"hasta {formatear_soles(round(parte * 100))} cada una" in resultado.explicacion_mes
    assert not any(formatear_soles(round(parte * 100)) in f["motivo_mes"] for f in sin_mes)
    assert next(f for f in resultado.filas if f["votos"] == 0)["motivo_mes"] == "Nadie la eligió."
    distritos = resultado.por_distrito
    assert distritos["021201"]["votantes_pct"] == pytest.approx(50.0)
    assert sum(d["presupuesto_pct"] for d in distritos.values()) == pytest.approx(100.0)
    assert sum(d["poblacion_pct"] or 0 for d in distritos.values()) == pytest.approx(100.0)


def test_prioridad_combinada_pondera_votos_y_puntaje_tecnico(base):
    db, codigos = base
    abierta = crear(db, techo_centimos=60_000_000, peso_participacion=60, peso_tecnico=40)
    votar_muchos(db, abierta, codigos)
    resultado = votacion.resultados(db, abierta.id, actor=FACILITADORA)
    for fila in resultado.filas:
        esperado = 0.6 * fila["participacion"] + 0.4 * (fila["puntaje_tecnico"] or 0)
        assert fila["combinado"] == pytest.approx(esperado)
    combinados = [f["combinado"] for f in resultado.filas]
    assert combinados == sorted(combinados, reverse=True)
    assert resultado.eleccion.meta["peso_tecnico"] == "40"


def test_resultados_en_vivo_solo_si_la_facilitacion_los_muestra(base):
    db, codigos = base
    abierta = crear(db)
    rosa = participante(db)
    with pytest.raises(SinPermiso, match="se publican al cerrar"):
        votacion.resultados(db, abierta.id, actor=rosa)
    with pytest.raises(SinPermiso):
        votacion.exportar_pb(db, abierta.id, actor=PUBLICO)
    votacion.mostrar_resultados(db, abierta.id, True, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert votacion.resultados(db, abierta.id, actor=rosa).votantes == 0
    votacion.mostrar_resultados(db, abierta.id, False, actor=FACILITADORA, ahora=AHORA_VOTO)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert votacion.resultados(db, abierta.id, actor=PUBLICO).votantes == 0


@pytest.mark.parametrize("regla, tipo", [("prioridad-combinada", TipoPapeleta.APROBACION),
                                         ("equalshares/add1", TipoPapeleta.APROBACION),
                                         ("mes+greedy", TipoPapeleta.PRESUPUESTO),
                                         ("greedy", TipoPapeleta.PUNTOS),
                                         ("prioridad-combinada", TipoPapeleta.RANKING),
                                         ("schulze", TipoPapeleta.RANKING), ("irv", TipoPapeleta.RANKING)])
def test_recontar_el_archivo_publicado_da_lo_mismo(base, tmp_path, regla, tipo):
    """El .pb publicado, recontado con la línea de comandos, da los mismos financiados que la app."""
    db, codigos = base
    abierta = crear(db, techo_centimos=60_000_000, regla=regla, tipo=tipo, max_opciones=3, puntos_total=10,
                    puntos_maximo=10)
    import random
    azar = random.Random(7)
    for i in range(25):
        elegidas = azar.sample(codigos, azar.randint(1, 2 if tipo == TipoPapeleta.PRESUPUESTO else 3))
        puntos = None
        if tipo == TipoPapeleta.PUNTOS:
            puntos = tuple(azar.randint(1, 10 // len(elegidas)) for _ in elegidas)
        votacion.emitir(db, abierta.id, Papeleta(tuple(elegidas), puntos),
                        actor=participante(db, f"Votante número {i}", azar.choice(["021201", "021204"])),
                        ahora=AHORA_VOTO + i * SEGUNDO)
    votacion.digitar_papel(db, abierta.id, "N.º 1: " + ("1=4, 2=3" if tipo == TipoPapeleta.PUNTOS else "1, 2"),
                           actor=FACILITADORA, ahora=AHORA_VOTO)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO)
    resultado = votacion.resultados(db, abierta.id, actor=PUBLICO)
    archivo = tmp_path / "votacion.pb"
    archivo.write_text(votacion.exportar_pb(db, abierta.id, actor=PUBLICO), encoding="utf-8")
    salida = subprocess.run([sys.executable, "-m", "votacion", "contar", str(archivo)], capture_output=True,
                            text=True, cwd=RAIZ, check=True)
    assert salida.stdout.split() == resultado.oficial.elegidos
    releida = pabulib.leer(archivo)
    motor = ordinales if regla in ordinales.REGLAS_ORDEN else reglas
    assert motor.contar(releida, regla).elegidos == resultado.oficial.elegidos
    assert [d["canal"] for d in releida.datos_votos].count("papel") == 1
    assert releida.votantes == [v["recibo"] for v in almacen.vigentes(db, abierta.id)]


def test_csv_de_resultados_sin_formulas(base):
    db, codigos = base
    db.execute("UPDATE propuestas SET titulo = ? WHERE codigo = ?", ['=HYPERLINK("http://x.example","clic")',
                                                                     codigos[0]])
    abierta = crear(db)
    votacion.emitir(db, abierta.id, Papeleta((codigos[0],)), actor=participante(db), ahora=AHORA_VOTO)
    texto = votacion.exportar_csv(votacion.resultados(db, abierta.id, actor=FACILITADORA))
    assert texto.startswith("\ufeff")
    filas_csv = list(csv.reader(io.StringIO(texto.lstrip("\ufeff")), delimiter=";"))
    assert filas_csv[0][:3] == ["rango", "codigo", "titulo"]
    titulos = [f[2] for f in filas_csv[1:]]
    assert "'=HYPERLINK(\"http://x.example\",\"clic\")" in titulos
    assert not any(t.startswith("=") for t in titulos)


def test_exportar_desde_la_base_y_recontar_por_linea_de_comandos(tmp_path, _plantilla_viables):
    """`python -m votacion exportar --votacion ID` escribe el .pb; `contar` sobre él da lo mismo que la app."""
    ruta = copiar_viables(_plantilla_viables, tmp_path / "plataforma.db")
    codigos = _plantilla_viables[1]
    db = nucleo.abrir(ruta)
    abierta = crear(db, techo_centimos=60_000_000, regla="equalshares/add1")
    votar_muchos(db, abierta, codigos)
    esperado = votacion.resultados(db, abierta.id, actor=FACILITADORA).oficial.elegidos
    db.close()
    archivo = tmp_path / "publicado.pb"
    salida = subprocess.run([sys.executable, "-m", "votacion", "exportar", "--votacion", str(abierta.id), "--db",
                             str(ruta), "--salida", str(archivo)], capture_output=True, text=True, cwd=RAIZ)
    assert salida.returncode == 0 and "está «abierta»: el archivo es parcial" in salida.stderr
    recuento = subprocess.run([sys.executable, "-m", "votacion", "contar", str(archivo)], capture_output=True,
                              text=True, cwd=RAIZ, check=True)
    assert recuento.stdout.split() == esperado
    csv_texto = subprocess.run([sys.executable, "-m", "votacion", "exportar", "--votacion", str(abierta.id), "--db",
                                str(ruta), "--formato", "csv"], capture_output=True, text=True, cwd=RAIZ, check=True)
    assert csv_texto.stdout.lstrip("\ufeff").startswith("rango;codigo;titulo")
    mala = subprocess.run([sys.executable, "-m", "votacion", "exportar", "--votacion", "999", "--db", str(ruta)],
                          capture_output=True, text=True, cwd=RAIZ)
    assert mala.returncode == 1 and "No existe la votación 999" in mala.stderr


def test_titulo_con_saltos_de_linea_no_rompe_el_pb_publicado(base, tmp_path):
    """Un título pegado con saltos de línea queda en una línea al registrarse; el .pb publicado se recuenta."""
    from propuestas.modelo import Estado
    from tests.conftest import DATOS_JOVEN, EVALUADORA, HOY_EVALUACION, registrar_propuesta

    db, codigos = base
    datos = {**DATOS_JOVEN, "titulo": "Canal de riego\r\npara\u2028Huaylas\ny Caraz", "lat": -9.0485, "lon": -77.8046}
    nueva = registrar_propuesta(db, datos)
    assert nueva.titulo == "Canal de riego para Huaylas y Caraz"
    propuestas_servicios.transicionar(db, nueva.codigo, Estado.ADMITIDA, actor=EVALUADORA, ahora=HOY_EVALUACION)
    propuestas_servicios.evaluar(db, nueva.codigo, actor=EVALUADORA, puntajes=dict.fromkeys(
        ("alineamiento", "brecha", "beneficiarios", "madurez", "cofinanciamiento", "equidad"), 2),
        costo_validado="S/ 90,000", viable=True, notas="", ahora=HOY_EVALUACION)
    abierta = crear(db, nombre="Taller de\nCaraz", lugar="Plaza\r\nde Armas", techo_centimos=60_000_000)
    assert (abierta.nombre, abierta.lugar) == ("Taller de Caraz", "Plaza de Armas")
    votacion.emitir(db, abierta.id, Papeleta((nueva.codigo, codigos[0])), actor=participante(db),
                    ahora=AHORA_VOTO)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO)
    archivo = tmp_path / "votacion.pb"
    archivo.write_text(votacion.exportar_pb(db, abierta.id, actor=PUBLICO), encoding="utf-8")
    salida = subprocess.run([sys.executable, "-m", "votacion", "contar", str(archivo)], capture_output=True,
                            text=True, cwd=RAIZ)
    assert salida.returncode == 0, salida.stderr
    assert nueva.codigo in salida.stdout.split()
    fila = next(linea for linea in archivo.read_text(encoding="utf-8").splitlines()
                if linea.startswith(nueva.codigo + ";"))
    assert fila.split(";")[2] == "Canal de riego para Huaylas y Caraz"
