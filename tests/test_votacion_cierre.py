"""Ciclo de la votación (abierta ⇄ pausada → conteo de papel → cierre definitivo, y reabrir con motivo) y retiro
de propuestas ocultadas por moderación: después del cierre nada cambia el resultado."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from identidad.acceso import PUBLICO
from nucleo.db import listar_eventos
from propuestas import deliberacion
from propuestas.deliberacion.modelo import NoPermitido
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, participante, votar_muchos
from tests.conftest import FACILITADORA, RAIZ, filas, texto_de_pdf
from votacion import acta
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta, PapeletaInvalida, VotacionCerrada, VotacionInvalida

ESTADOS = ["preparada", "abierta", "pausada", "conteo", "cerrada"]
# La tabla del ciclo, escrita aquí a mano (no se importa la de la app: la prueba la confirma, no la copia)
PERMITIDAS = {("preparada", "abierta"), ("abierta", "pausada"), ("abierta", "conteo"), ("abierta", "cerrada"),
              ("pausada", "abierta"), ("pausada", "conteo"), ("pausada", "cerrada"), ("conteo", "abierta"),
              ("conteo", "cerrada"), ("cerrada", "conteo"), ("cerrada", "abierta")}
CAMINO = {"preparada": [], "abierta": ["abierta"], "pausada": ["abierta", "pausada"], "conteo": ["abierta", "conteo"],
          "cerrada": ["abierta", "cerrada"]}
MOTIVO = "Llegó la caja de papeletas de la mesa 3 sin contar"


def _en_estado(db, estado, **cambios):
    creada = crear(db, abrir=False, **cambios)
    for paso in CAMINO[estado]:
        votacion.cambiar_estado(db, creada.id, EstadoVotacion(paso), actor=FACILITADORA, ahora=AHORA_VOTO)
    return votacion.obtener(db, creada.id)


def _cerrar(db, votacion_id, segundos=60):
    votacion.cambiar_estado(db, votacion_id, EstadoVotacion.CERRADA, actor=FACILITADORA,
                            ahora=AHORA_VOTO + segundos * SEGUNDO)


def _publicado(db, votacion_id):
    """Lo que se publicó al cierre: financiadas, la huella del .pb y el acta."""
    return (votacion.resultados(db, votacion_id, actor=PUBLICO).oficial.elegidos,
            hashlib.sha256(votacion.exportar_pb(db, votacion_id, actor=PUBLICO).encode()).hexdigest(),
            acta.acta_pdf(db, votacion_id, actor=FACILITADORA))


def _id(db, codigo):
    return db.execute("SELECT id FROM propuestas WHERE codigo = ?", [codigo]).fetchone()[0]


# --- el ciclo -------------------------------------------------------------------------------

@pytest.mark.parametrize("desde, hacia", [(d, h) for d in ESTADOS for h in ESTADOS], ids=lambda e: e)
def test_cada_par_de_estados_del_ciclo(db_viables, desde, hacia):
    db, _ = db_viables
    creada = _en_estado(db, desde)
    antes = (filas(db, "eventos"), votacion.obtener(db, creada.id))
    if (desde, hacia) in PERMITIDAS:
        despues = votacion.cambiar_estado(db, creada.id, EstadoVotacion(hacia), actor=FACILITADORA,
                                          ahora=AHORA_VOTO + SEGUNDO, motivo=MOTIVO)
        assert despues.estado == EstadoVotacion(hacia)
        evento = listar_eventos(db, objeto_tipo="votacion", limite=1)[0]
        assert evento["accion"] == ("votacion_reabierta" if desde == "cerrada" else f"votacion_{hacia}")
        assert evento["antes"] == {"estado": desde} and evento["despues"]["estado"] == hacia
    else:
        with pytest.raises(VotacionInvalida, match="no pasa a"):
            votacion.cambiar_estado(db, creada.id, EstadoVotacion(hacia), actor=FACILITADORA, ahora=AHORA_VOTO,
                                    motivo=MOTIVO)
        assert (filas(db, "eventos"), votacion.obtener(db, creada.id)) == antes


@pytest.mark.parametrize("hacia", ["conteo", "abierta"])
def test_reabrir_exige_un_motivo_y_si_falta_no_cambia_nada(db_viables, hacia):
    db, _ = db_viables
    cerrada = _en_estado(db, "cerrada")
    antes = (filas(db, "eventos"), filas(db, "reaperturas"), votacion.obtener(db, cerrada.id))
    with pytest.raises(VotacionInvalida, match="Para reabrir una votación cerrada escriba el motivo"):
        votacion.cambiar_estado(db, cerrada.id, EstadoVotacion(hacia), actor=FACILITADORA, ahora=AHORA_VOTO,
                                motivo="porque sí")
    assert (filas(db, "eventos"), filas(db, "reaperturas"), votacion.obtener(db, cerrada.id)) == antes


def test_conteo_de_papel_cierra_los_celulares_y_recibe_papel(db_viables):
    db, codigos = db_viables
    conteo = _en_estado(db, "conteo")
    with pytest.raises(VotacionCerrada, match="La votación por celular ya cerró"):
        votacion.emitir(db, conteo.id, Papeleta((codigos[0],)), actor=participante(db), ahora=AHORA_VOTO)
    assert votacion.digitar_papel(db, conteo.id, "N.º 7: 1, 2", actor=FACILITADORA, ahora=AHORA_VOTO) == 1


def test_papel_tras_el_cierre_definitivo_no_cambia_el_resultado(db_viables):
    """Tres papeletas de papel digitadas tras el cierre cambiaban las financiadas y la huella del .pb del acta."""
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, abierta, codigos)
    _cerrar(db, abierta.id)
    antes, papeletas = _publicado(db, abierta.id), filas(db, "papeletas")
    with pytest.raises(VotacionCerrada, match="La votación ya se cerró: no se digitan más papeletas de papel"):
        votacion.digitar_papel(db, abierta.id, "N.º 1: 4, 6\nN.º 2: 4, 6\nN.º 3: 4, 6", actor=FACILITADORA,
                               ahora=AHORA_VOTO + 90 * SEGUNDO)
    assert _publicado(db, abierta.id) == antes and filas(db, "papeletas") == papeletas


def test_despues_del_cierre_nada_cambia_el_resultado(db_viables):
    """Ni papel, ni celular, ni retiros, ni la configuración o la papeleta; tampoco cambiar un título, el distrito
    de quien votó u ocultar una propuesta: el resultado y el .pb se congelaron al cierre."""
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, abierta, codigos)
    _cerrar(db, abierta.id)
    antes = _publicado(db, abierta.id)
    db.execute("UPDATE propuestas SET titulo = 'Otro título', distrito = 'Otro' WHERE codigo = ?", [codigos[1]])
    db.execute("UPDATE participantes SET ubigeo = '021208'")
    assert _publicado(db, abierta.id) == antes
    with pytest.raises(VotacionCerrada):
        votacion.emitir(db, abierta.id, Papeleta((codigos[5],)), actor=participante(db, "Llegó tarde"),
                        ahora=AHORA_VOTO + 90 * SEGUNDO)
    with pytest.raises(VotacionCerrada, match="su resultado no cambia"):
        votacion.retirar_propuesta(db, abierta.id, codigos[0], "Se retira por un error de costo", actor=FACILITADORA,
                                   ahora=AHORA_VOTO)
    assert votacion.ocultar_propuesta(db, _id(db, codigos[0]), "Contiene datos personales", actor=FACILITADORA,
                                      ahora=AHORA_VOTO) == []  # se oculta, pero no sale de una votación cerrada
    assert _publicado(db, abierta.id) == antes
    for sentencia in (f"UPDATE votaciones SET techo_centimos = 1 WHERE id = {abierta.id}",
                      f"UPDATE votaciones SET regla = 'greedy-no-skip' WHERE id = {abierta.id}",
                      f"DELETE FROM votacion_propuestas WHERE votacion_id = {abierta.id}",
                      f"UPDATE votacion_propuestas SET costo_centimos = 1 WHERE votacion_id = {abierta.id}"):
        with pytest.raises(Exception, match="no cambia"):
            db.execute(sentencia)


def test_reabrir_con_motivo_queda_en_el_acta_y_el_nuevo_cierre_se_ancla(db_viables, tmp_path):
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy", lugar="Local comunal de Caraz")
    votar_muchos(db, abierta, codigos)
    _cerrar(db, abierta.id)
    primero = _publicado(db, abierta.id)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CONTEO, actor=FACILITADORA,
                            ahora=AHORA_VOTO + 120 * SEGUNDO, motivo=MOTIVO)
    votacion.digitar_papel(db, abierta.id, "N.º 1: 4, 6\nN.º 2: 4, 6\nN.º 3: 4, 6", actor=FACILITADORA,
                           ahora=AHORA_VOTO + 150 * SEGUNDO)
    _cerrar(db, abierta.id, segundos=180)
    segundo = _publicado(db, abierta.id)
    assert segundo[0] != primero[0] and segundo[1] != primero[1]
    assert votacion.verificar_cadena(db, abierta.id) == []
    assert filas(db, "cierres") == 2 and filas(db, "reaperturas") == 1
    evento = next(e for e in listar_eventos(db, objeto_tipo="votacion") if e["accion"] == "votacion_reabierta")
    assert evento["despues"] == {"estado": "conteo", "motivo": MOTIVO, "despriorizadas": [codigos[1], codigos[0]]}
    assert evento["actor"] == "facilitador:facilitadora"
    texto = " ".join(texto_de_pdf(segundo[2], tmp_path).split())
    assert f"Reaperturas después del cierre: el 14 de febrero de 2027 a las 10:02 se reabrió para contar papel — " \
           f"motivo: {MOTIVO}." in texto
    assert "cerrada el 14 de febrero de 2027 a las 10:03" in texto
    assert votacion.ancla(db, abierta.id).cabeza in texto.replace(" ", "")


# --- propuestas ocultadas: se retiran de la votación en curso ----------------------------------------

def _votar_con_retiro(db, codigos):
    """Seis papeletas; tres eligen la propuesta que después se oculta (una, solo esa) y una de papel también."""
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    papeletas = [(codigos[0], codigos[1])] * 2 + [(codigos[1],), (codigos[2],), (codigos[3], codigos[4]),
                                                  (codigos[4],)]
    for i, papeleta in enumerate(papeletas):
        votacion.emitir(db, abierta.id, Papeleta(papeleta), actor=participante(db, f"Votante número {i}"),
                        ahora=AHORA_VOTO + i * SEGUNDO)
    votacion.digitar_papel(db, abierta.id, "N.º 1: 2, 6", actor=FACILITADORA, ahora=AHORA_VOTO)
    return abierta


def test_ocultar_una_propuesta_de_la_votacion_abierta_la_retira_y_sus_marcas_dejan_de_contar(db_viables, tmp_path):
    db, codigos = db_viables
    abierta = _votar_con_retiro(db, codigos)
    motivo = "Usa fotos de menores sin permiso de sus padres"
    assert votacion.ocultar_propuesta(db, _id(db, codigos[1]), motivo, actor=FACILITADORA,
                                      ahora=AHORA_VOTO + 10 * SEGUNDO) == [abierta.nombre]
    resultado = votacion.resultados(db, abierta.id, actor=FACILITADORA)
    votos = {f["codigo"]: f["votos"] for f in resultado.filas}
    assert codigos[1] not in votos and resultado.votantes == 7  # las papeletas siguen valiendo para las demás
    assert (votos[codigos[0]], votos[codigos[5]]) == (2, 1)
    [retiro] = votacion.retiradas(db, abierta.id)
    assert (retiro["codigo"], retiro["motivo"]) == (codigos[1], motivo)
    acciones = {e["accion"]: e["despues"] for e in listar_eventos(db)}
    assert acciones["retirar_de_la_votacion"] == {"propuesta": codigos[1], "motivo": motivo}
    assert acciones["ocultar"] == {"motivo": motivo}
    assert codigos[1] not in votacion.elegibles(db, abierta.id)
    with pytest.raises(PapeletaInvalida, match=f"{codigos[1]} fue retirada de la votación"):
        votacion.emitir(db, abierta.id, Papeleta((codigos[1],)), actor=participante(db, "Otra persona"),
                        ahora=AHORA_VOTO + 20 * SEGUNDO)
    [linea] = votacion.revisar_papel(db, abierta.id, "N.º 2: 2, 3")  # marcada antes del retiro: vale para la otra
    assert linea.problemas == [] and linea.avisos == [f"{codigos[1]} fue retirada de la votación: esa marca no cuenta."]
    votacion.digitar_papel(db, abierta.id, "N.º 2: 2, 3", actor=FACILITADORA, ahora=AHORA_VOTO + 30 * SEGUNDO)
    _cerrar(db, abierta.id)
    resultado = votacion.resultados(db, abierta.id, actor=PUBLICO)
    assert {f["codigo"]: f["votos"] for f in resultado.filas}[codigos[2]] == 2
    archivo = tmp_path / "votacion.pb"
    archivo.write_text(votacion.exportar_pb(db, abierta.id, actor=PUBLICO), encoding="utf-8")
    assert f"retiradas;{codigos[1]}" in archivo.read_text(encoding="utf-8")
    salida = subprocess.run([sys.executable, "-m", "votacion", "contar", str(archivo)], capture_output=True, text=True,
                            cwd=RAIZ)
    assert salida.returncode == 0 and "# cadena verificada" in salida.stderr, salida.stderr
    assert salida.stdout.split() == resultado.oficial.elegidos
    texto = " ".join(texto_de_pdf(acta.acta_pdf(db, abierta.id, actor=FACILITADORA), tmp_path).split())
    assert "Propuestas retiradas de la votación (sus marcas no cuentan" in texto and motivo in texto


def test_ocultar_sin_retirar_de_la_votacion_en_curso_no_se_puede(db_viables):
    db, codigos = db_viables
    abierta = _votar_con_retiro(db, codigos)
    antes = (filas(db, "moderaciones"), filas(db, "retiros"), votacion.resultados(db, abierta.id,
                                                                                  actor=FACILITADORA).oficial)
    with pytest.raises(NoPermitido, match="ocultarla exige retirarla de esa votación"):
        deliberacion.ocultar(db, "propuesta", _id(db, codigos[1]), "Contiene datos personales", actor=FACILITADORA,
                             ahora=AHORA_VOTO)
    assert db.execute("SELECT oculta_en FROM propuestas WHERE codigo = ?", [codigos[1]]).fetchone()[0] is None
    assert (filas(db, "moderaciones"), filas(db, "retiros"),
            votacion.resultados(db, abierta.id, actor=FACILITADORA).oficial) == antes


def test_ocultar_una_propuesta_de_una_votacion_cerrada_no_cambia_su_resultado(db_viables):
    db, codigos = db_viables
    abierta = _votar_con_retiro(db, codigos)
    _cerrar(db, abierta.id)
    antes = _publicado(db, abierta.id)
    assert votacion.ocultar_propuesta(db, _id(db, codigos[1]), "Contiene datos personales", actor=FACILITADORA,
                                      ahora=AHORA_VOTO) == []
    assert _publicado(db, abierta.id) == antes and filas(db, "retiros") == 0
    assert codigos[1] in [f["codigo"] for f in votacion.resultados(db, abierta.id, actor=PUBLICO).filas]
