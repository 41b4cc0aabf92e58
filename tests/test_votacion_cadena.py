"""Cadena de huellas anclada: papeletas de solo agregar, lo que un atacante con el archivo de la base intenta
(anular, quitar, reescribir y recalcular, plantar un trigger en un respaldo) y la verificación desde afuera con
solo el `.pb` publicado."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

import nucleo
from identidad.acceso import PUBLICO
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, participante
from tests.conftest import FACILITADORA, RAIZ, copiar_viables, filas
from votacion import almacen, pabulib, papeletas
from votacion import servicios as votacion
from votacion.modelo import Canal, EstadoVotacion, Papeleta

MUESTRA = RAIZ / "tests" / "muestras"


def _votar(db, abierta, codigos, cuantas=5):
    """`cuantas` personas votan; la primera cambia su voto; dos papeletas de papel."""
    personas = [participante(db, f"Votante número {i}") for i in range(cuantas)]
    for i, persona in enumerate(personas):
        votacion.emitir(db, abierta.id, Papeleta((codigos[i % 6], codigos[(i + 1) % 6])), actor=persona,
                        ahora=AHORA_VOTO + i * SEGUNDO)
    votacion.emitir(db, abierta.id, Papeleta((codigos[3],)), actor=personas[0], ahora=AHORA_VOTO + 30 * SEGUNDO)
    votacion.digitar_papel(db, abierta.id, "N.º 1: 1, 2\nN.º 2: 6", actor=FACILITADORA, ahora=AHORA_VOTO)
    return personas


def _cerrar(db, abierta):
    return votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA,
                                   ahora=AHORA_VOTO + 60 * SEGUNDO)


def _financiadas(db, votacion_id):
    return votacion.resultados(db, votacion_id, actor=FACILITADORA).oficial.elegidos


def _sin_triggers_de_papeletas(db):
    """Quien tiene el archivo de la base y se salta la app: quita los triggers que protegen las papeletas."""
    for (nombre,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papeletas'"
                                ).fetchall():
        db.execute(f"DROP TRIGGER {nombre}")


# --- papeletas de solo agregar --------------------------------------------------------------

def test_cambiar_el_voto_agrega_un_eslabon_y_no_reescribe_el_anterior(db_viables):
    db, codigos = db_viables
    abierta = crear(db)
    rosa = participante(db)
    primero = votacion.emitir(db, abierta.id, Papeleta((codigos[0],)), actor=rosa, ahora=AHORA_VOTO)
    segundo = votacion.emitir(db, abierta.id, Papeleta((codigos[1],)), actor=rosa, ahora=AHORA_VOTO + SEGUNDO)
    cadena_ = almacen.cadena_de(db, abierta.id)
    assert [f["recibo"] for f in cadena_] == [primero.recibo, segundo.recibo]
    assert [f["reemplazada_en"] for f in cadena_] == [None, None]  # nada se escribió sobre la primera
    assert cadena_[1]["reemplaza"] == cadena_[0]["huella"]
    assert [v["recibo"] for v in almacen.vigentes(db, abierta.id)] == [segundo.recibo]
    with pytest.raises(sqlite3.IntegrityError, match="reemplaza a la última papeleta de la misma persona"):
        papeletas._insertar_papeleta(db, abierta, almacen.clave_de_sellos(db),
                                    votante=f"participante:{rosa.participante_id}", participante_id=rosa.participante_id, canal=Canal.CELULAR,
                                    papeleta=Papeleta((codigos[2],)), ahora=AHORA_VOTO, reemplaza=None)


def test_anular_papeletas_escribiendo_reemplazada_en_no_se_puede_ni_cambia_el_conteo(db_viables):
    """(a) Antes un UPDATE de `reemplazada_en` anulaba papeletas en silencio y la cadena decía «íntegra»."""
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    _votar(db, abierta, codigos)
    antes = (_financiadas(db, abierta.id), [v["recibo"] for v in almacen.vigentes(db, abierta.id)])
    with pytest.raises(sqlite3.IntegrityError, match="no se modifican"):
        db.execute("UPDATE papeletas SET reemplazada_en = ? WHERE canal = 'papel'", [AHORA_VOTO.isoformat()])
    _sin_triggers_de_papeletas(db)  # aun saltándose el trigger, esa columna ya no decide nada
    db.execute("UPDATE papeletas SET reemplazada_en = ? WHERE canal = 'papel'", [AHORA_VOTO.isoformat()])
    assert (_financiadas(db, abierta.id), [v["recibo"] for v in almacen.vigentes(db, abierta.id)]) == antes


@pytest.mark.parametrize("cerrar", [False, True], ids=["abierta", "cerrada"])
def test_quitar_las_ultimas_papeletas_se_detecta(db_viables, cerrar):
    """(b) Sin ancla, borrar el final de la cadena no dejaba rastro: ahora lo delatan el ancla del cierre y el
    registro de eventos."""
    db, codigos = db_viables
    abierta = crear(db)
    _votar(db, abierta, codigos)
    if cerrar:
        _cerrar(db, abierta)
    assert votacion.verificar_cadena(db, abierta.id) == []
    _sin_triggers_de_papeletas(db)
    db.execute("DELETE FROM papeletas WHERE id IN (SELECT id FROM papeletas ORDER BY id DESC LIMIT 2)")
    problemas = " ".join(votacion.verificar_cadena(db, abierta.id))
    assert "registro de eventos anota 8 papeletas emitidas y la cadena tiene 6: faltan papeletas" in problemas
    if cerrar:
        assert "Al cierre del 14 de febrero de 2027 a las 10:01 la cadena tenía 8 papeletas y ahora tiene 6" \
            in problemas


def _sha256(texto):
    return hashlib.sha256(texto.encode()).hexdigest()


def _json(datos):
    return json.dumps(datos, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _recalcular_sin_clave(db, votacion_id, papeleta_id, contenido):
    """(c) Reescribe una papeleta y recalcula toda la cadena desde ahí (huellas, recibos y a cuál reemplaza) con las
    fórmulas públicas (ver `votacion.cadena`), como haría quien tiene el archivo de la base pero no la clave."""
    db.execute("UPDATE papeletas SET contenido = ? WHERE id = ?", [json.dumps(contenido), papeleta_id])
    anterior, ultima_de = None, {}
    for fila in [dict(f) for f in db.query("SELECT * FROM papeletas WHERE votacion_id = ? ORDER BY id",
                                            [votacion_id])]:
        anterior = anterior or fila["huella_anterior"]
        cambios = {"huella_anterior": anterior}
        if fila.get("formato") == 2:
            cambios["reemplaza"] = ultima_de.get(fila["votante"])
            publico = {"votacion_id": fila["votacion_id"], "canal": fila["canal"], "taller_id": fila["taller_id"],
                       "contenido": json.loads(fila["contenido"]), "compromiso": fila["compromiso"]}
            huella = _sha256(f"v2\n{anterior}\n{cambios['reemplaza'] or ''}\n{_sha256(_json(publico))}")
        else:
            datos = {c: fila[c] for c in ("votacion_id", "votante", "participante_id", "canal", "taller_id",
                                          "lote_id", "serie", "emitida_en")}
            huella = _sha256(anterior + "\n" + _json({**datos, "contenido": json.loads(fila["contenido"])}))
        cambios.update(huella=huella, recibo=f"{huella[:4]}-{huella[4:8]}-{huella[8:12]}".upper())
        db["papeletas"].update(fila["id"], cambios)
        anterior = huella
        ultima_de[fila["votante"]] = huella


@pytest.mark.parametrize("cerrar", [False, True], ids=["abierta", "cerrada"])
def test_reescribir_una_papeleta_y_recalcular_la_cadena_sin_la_clave_se_detecta(db_viables, cerrar):
    db, codigos = db_viables
    abierta = crear(db)
    _votar(db, abierta, codigos)
    if cerrar:
        _cerrar(db, abierta)
    publicado = votacion.exportar_pb(db, abierta.id, actor=FACILITADORA)
    _sin_triggers_de_papeletas(db)
    _recalcular_sin_clave(db, abierta.id, 2, {"elegidas": [codigos[5]]})
    problemas = " ".join(votacion.verificar_cadena(db, abierta.id))
    assert "no tiene un sello válido: se escribió sin la clave de esta instalación" in problemas
    if cerrar:
        assert "La cadena ya no es la que se anotó al cierre" in problemas
        assert votacion.exportar_pb(db, abierta.id, actor=PUBLICO) == publicado  # lo publicado al cierre no cambia


def test_ningun_sello_coincide_si_la_base_viene_de_otra_instalacion(db_viables, tmp_path):
    db, codigos = db_viables
    abierta = crear(db)
    _votar(db, abierta, codigos)
    ruta = tmp_path / "otra.db"
    with sqlite3.connect(ruta) as copia:
        db.conn.backup(copia)
    with nucleo.abrir(ruta) as otra:  # otro archivo «.secreto»: otra clave
        problemas = votacion.verificar_cadena(otra, abierta.id)
    assert problemas == ["Ningún sello de la cadena corresponde a la clave de esta instalación: la cadena se "
                         "reescribió sin la clave, o la base viene de otra instalación sin su archivo «.secreto»."]


# --- el ancla: al cierre, en el proyector, en el acta y en el .pb -----------------------------------

def test_el_cierre_anota_el_ancla_y_congela_el_pb(db_viables):
    db, codigos = db_viables
    abierta = crear(db)
    _votar(db, abierta, codigos)
    huellas = [f["huella"] for f in almacen.cadena_de(db, abierta.id)]
    _cerrar(db, abierta)
    [cierre] = almacen.cierres(db, abierta.id)
    assert (cierre["cabeza"], cierre["eslabones"]) == (huellas[-1], 8)
    pb = votacion.exportar_pb(db, abierta.id, actor=PUBLICO)
    assert hashlib.sha256(pb.encode()).hexdigest() == cierre["huella_pb"]
    meta = pabulib.leer_texto(pb).meta
    assert (meta["cadena_cabeza"], meta["cadena_eslabones"]) == (huellas[-1], "8")
    evento = next(e for e in nucleo.db.listar_eventos(db, objeto_tipo="votacion") if e["accion"] == "votacion_cerrada")
    assert evento["despues"]["cabeza"] == huellas[-1] and evento["despues"]["eslabones"] == 8
    for sentencia in ("UPDATE cierres SET cabeza = 'x'", "DELETE FROM cierres"):
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(sentencia)


def test_el_recuento_de_afuera_recalcula_la_cadena_con_solo_el_pb(db_viables, tmp_path):
    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    _votar(db, abierta, codigos)
    _cerrar(db, abierta)
    cabeza = db.execute("SELECT huella FROM papeletas ORDER BY id DESC LIMIT 1").fetchone()[0]
    archivo = tmp_path / "votacion.pb"
    archivo.write_text(votacion.exportar_pb(db, abierta.id, actor=PUBLICO), encoding="utf-8")
    salida = subprocess.run([sys.executable, "-m", "votacion", "contar", str(archivo)], capture_output=True, text=True,
                            cwd=RAIZ)
    assert salida.returncode == 0, salida.stderr
    assert f"# cadena verificada: 8 eslabones, cabeza {cabeza}" in salida.stderr
    assert salida.stdout.split() == _financiadas(db, abierta.id)


def _alterar(texto: str, como: str) -> str:
    """Lo que alguien haría con el .pb publicado para cambiar el resultado sin que se note."""
    from votacion import cadena

    lineas = texto.splitlines()
    votos = lineas.index("VOTES") + 2
    campos = lineas[votos].split(";")
    if como == "cambiar_un_voto":
        campos[1] = "PP27-0006"
        lineas[votos] = ";".join(campos)
    elif como == "quitar_un_voto":
        del lineas[votos]
        lineas = [f"num_votes;{int(x.split(';')[1]) - 1}" if x.startswith("num_votes;") else x for x in lineas]
    elif como == "anular_un_voto":  # pasarlo a «reemplazado», con su huella y su resumen correctos
        del lineas[votos]
        meta = dict(x.split(";", 1) for x in lineas[2:lineas.index("PROJECTS")])
        publico = cadena.publico(int(meta["votacion_id"]), campos[3], int(campos[4]),
                                 {"elegidas": campos[1].split(",")}, campos[9])
        reemplazada = ":".join(["2", campos[6], "", cadena.resumen(publico), campos[7]])
        if "cadena_reemplazadas" in meta:
            lineas = [x + " " + reemplazada if x.startswith("cadena_reemplazadas;") else x for x in lineas]
        else:
            lineas.insert(lineas.index("PROJECTS"), f"cadena_reemplazadas;{reemplazada}")
    elif como == "otra_cabeza":
        lineas = [x[:-1] + ("0" if x[-1] != "0" else "1") if x.startswith("cadena_cabeza;") else x for x in lineas]
    return "\n".join(lineas) + "\n"


@pytest.mark.parametrize("como", ["cambiar_un_voto", "quitar_un_voto", "anular_un_voto", "otra_cabeza"])
def test_un_pb_alterado_no_se_cuenta(db_viables, tmp_path, como):
    db, codigos = db_viables
    abierta = crear(db)
    _votar(db, abierta, codigos)
    _cerrar(db, abierta)
    archivo = tmp_path / "alterado.pb"
    archivo.write_text(_alterar(votacion.exportar_pb(db, abierta.id, actor=PUBLICO), como), encoding="utf-8")
    salida = subprocess.run([sys.executable, "-m", "votacion", "contar", str(archivo)], capture_output=True, text=True,
                            cwd=RAIZ)
    assert salida.returncode == 1 and salida.stdout == ""
    assert "la cadena de papeletas del archivo no cuadra; no se cuenta" in salida.stderr


def test_pabutools_sigue_leyendo_el_pb_con_la_cadena_y_los_retiros(db_viables, tmp_path):
    from pabutools.election import parse_pabulib

    db, codigos = db_viables
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    _votar(db, abierta, codigos)
    propuesta_id = db.execute("SELECT id FROM propuestas WHERE codigo = ?", [codigos[1]]).fetchone()[0]
    votacion.ocultar_propuesta(db, propuesta_id, "Datos personales de terceros", actor=FACILITADORA, ahora=AHORA_VOTO)
    _cerrar(db, abierta)
    archivo = tmp_path / "votacion.pb"
    archivo.write_text(votacion.exportar_pb(db, abierta.id, actor=PUBLICO), encoding="utf-8")
    instancia, perfil = parse_pabulib(str(archivo))
    assert sorted(p.name for p in instancia) == sorted(c for c in codigos if c != codigos[1])
    assert len(perfil) == 7 and all(codigos[1] not in {p.name for p in papeleta} for papeleta in perfil)


# --- una base de la versión anterior ---------------------------------------------------------

def test_una_base_de_main_sigue_dando_el_mismo_resultado(tmp_path):
    """`tests/muestras/base_de_main.db` la creó el código de main anterior (con `reemplazada_en` escrito y huellas de
    formato 1): migra, cuenta igual, su cadena verifica, y lo nuevo se engancha a ella."""
    ruta = tmp_path / "plataforma.db"
    shutil.copy(MUESTRA / "base_de_main.db", ruta)
    esperado = json.loads((MUESTRA / "base_de_main.json").read_text(encoding="utf-8"))
    db = nucleo.abrir(ruta)
    votaciones = [dict(f) for f in db.query("SELECT * FROM votaciones ORDER BY id")]
    votacion.preparar(db)
    # la tabla votaciones se reconstruyó (el CHECK del estado acepta «conteo») con las mismas filas y su trigger
    assert [{k: f[k] for k in votaciones[0]} for f in db.query("SELECT * FROM votaciones ORDER BY id")] == votaciones
    assert "'conteo'" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'votaciones'").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="las votaciones no se borran"):
        db.execute("DELETE FROM votaciones")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for votacion_id, antes in esperado.items():
        votacion_id = int(votacion_id)
        assert _financiadas(db, votacion_id) == antes["financiadas"]
        assert [v["recibo"] for v in almacen.vigentes(db, votacion_id)] == antes["recibos"]
        assert [v["contenido"] for v in almacen.vigentes(db, votacion_id)] == antes["papeletas"]
        assert votacion.verificar_cadena(db, votacion_id) == []
    abierta = next(int(v) for v, d in esperado.items() if d["estado"] == "abierta")
    votacion.digitar_papel(db, abierta, "N.º 9: 2=10", actor=FACILITADORA, ahora=AHORA_VOTO)
    votacion.cambiar_estado(db, abierta, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert votacion.verificar_cadena(db, abierta) == []
    pb = tmp_path / "vieja.pb"
    pb.write_text(votacion.exportar_pb(db, abierta, actor=PUBLICO), encoding="utf-8")
    salida = subprocess.run([sys.executable, "-m", "votacion", "contar", str(pb)], capture_output=True, text=True,
                            cwd=RAIZ)
    assert salida.returncode == 0 and "# cadena verificada: 13 eslabones" in salida.stderr, salida.stderr
    assert salida.stdout.split() == _financiadas(db, abierta)
    db.close()


# --- respaldos: el esquema debe ser exactamente el de las migraciones --------------------------------

def _esquema(db):
    return sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=str)


PLANTADOS = {
    "trigger_de_mas": ("CREATE TRIGGER anular_pp27_0001 AFTER INSERT ON papeletas WHEN new.contenido LIKE "
                       "'%PP27-0001%' BEGIN SELECT 1; END", "el trigger «anular_pp27_0001»"),
    "trigger_de_menos": ("DROP TRIGGER papeletas_sin_cambios", "falta el trigger «papeletas_sin_cambios»"),
    "trigger_cambiado": ("DROP TRIGGER papeletas_sin_borrado; CREATE TRIGGER papeletas_sin_borrado BEFORE DELETE ON "
                         "papeletas WHEN old.canal = 'celular' BEGIN SELECT RAISE(ABORT, 'no'); END",
                         "el trigger «papeletas_sin_borrado» no es el que crean las migraciones"),
    "indice_de_mas": ("CREATE INDEX espia ON participantes (dni)", "el índice «espia»"),
    "vista_de_mas": ("CREATE VIEW quien_voto AS SELECT votante, contenido FROM papeletas", "la vista «quien_voto»"),
}


@pytest.mark.parametrize("plantado", list(PLANTADOS))
def test_un_respaldo_con_el_esquema_alterado_no_se_restaura(tmp_path, _plantilla_viables, plantado):
    """(d) Un trigger plantado en un respaldo (que anula en silencio las papeletas nuevas de una propuesta) pasaba la
    revisión y se restauraba con salida 0: ahora se rechaza con mensaje claro, salida 1 y la base viva intacta."""
    vivo = copiar_viables(_plantilla_viables, tmp_path / "vivo.db")
    with nucleo.abrir(vivo) as db:
        abierta = crear(db)
        votacion.emitir(db, abierta.id, Papeleta((_plantilla_viables[1][0],)), actor=participante(db),
                        ahora=AHORA_VOTO)
        nucleo.db.respaldar(db, tmp_path / "respaldo.db")
        antes = (_esquema(db), filas(db, "papeletas"), filas(db, "eventos"))
    sentencia, mensaje = PLANTADOS[plantado]
    with sqlite3.connect(tmp_path / "respaldo.db") as respaldo:
        respaldo.executescript(sentencia)
    salida = subprocess.run([sys.executable, "-m", "geo", "--db", str(vivo), "restaurar",
                             str(tmp_path / "respaldo.db")], capture_output=True, text=True, cwd=RAIZ, timeout=120)
    assert salida.returncode == 1
    assert "No se restauró nada" in salida.stderr and mensaje in salida.stderr, salida.stderr
    with nucleo.abrir(vivo) as db:
        assert (_esquema(db), filas(db, "papeletas"), filas(db, "eventos")) == antes
    assert not (tmp_path / "respaldos").exists()  # ni siquiera la copia previa


def test_un_respaldo_de_una_version_anterior_se_acepta_y_migra(tmp_path):
    """El esquema de referencia es el de las migraciones que el respaldo dice tener, no el de hoy."""
    respaldo = tmp_path / "de_main.db"
    shutil.copy(MUESTRA / "base_de_main.db", respaldo)
    assert nucleo.db.revisar_respaldo(respaldo, votacion.MIGRACIONES) == []
    vivo = nucleo.abrir(tmp_path / "vivo.db")
    votacion.preparar(vivo)
    nucleo.db.restaurar(vivo, respaldo, copia_previa=tmp_path / "previa.db", migraciones=votacion.MIGRACIONES)
    votacion.preparar(vivo)
    assert votacion.verificar_cadena(vivo, 1) == [] and filas(vivo, "cierres") == 0
    vivo.close()


def test_las_migraciones_de_la_plataforma_son_las_que_aplica_preparar(db):
    votacion.preparar(db)
    aplicadas = {f[0] for f in db.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
    assert [m.name for m in votacion.MIGRACIONES] == ["nucleo", "identidad", "geo", "propuestas", "deliberacion", "votacion",
                                                    "seguimiento"]
    assert aplicadas == {m.name for m in votacion.MIGRACIONES}
