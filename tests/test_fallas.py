"""Fallas: matar el proceso a mitad de escrituras concurrentes, disco lleno, base de solo lectura, y que una
papeleta esté en el disco (fsync) antes de mostrar su recibo."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

import geo
import nucleo
from nucleo.db import ErrorAlmacen, Evento, escritura, registrar_evento
from tests.conftest import AHORA, RAIZ

ESCRITOR = """
import sys, nucleo
from nucleo.db import Evento, escritura, registrar_evento
from tests.conftest import AHORA
db = nucleo.abrir(sys.argv[1])
with open(sys.argv[3], "a") as confirmados:
    for n in range(100000):
        with escritura(db):
            registrar_evento(db, Evento("escritor", "votar", "papeleta", f"{sys.argv[2]}-{n}"), momento=AHORA)
        confirmados.write(f"{n}\\n")
        confirmados.flush()
"""


def test_kill_9_con_20_escritores_no_pierde_lo_confirmado(tmp_path):
    ruta = tmp_path / "fallas.db"
    with nucleo.abrir(ruta) as db:
        geo.servicios.preparar(db)
    acuses = [tmp_path / f"acuses-{i}.txt" for i in range(20)]
    escritores = [subprocess.Popen([sys.executable, "-c", ESCRITOR, str(ruta), str(i), str(acuses[i])], cwd=RAIZ,
                                   start_new_session=True) for i in range(20)]
    limite = time.monotonic() + 120
    while time.monotonic() < limite:  # matar cuando todos estén escribiendo a la vez
        if all(a.exists() and a.stat().st_size > 20 for a in acuses):
            break
        time.sleep(0.2)
    for proceso in escritores:
        os.killpg(proceso.pid, signal.SIGKILL)
        proceso.wait(timeout=30)
    confirmados = {f"{i}-{linea.strip()}" for i, a in enumerate(acuses) if a.exists()
                   for linea in a.read_text().splitlines() if linea.strip().isdigit()}
    assert len(confirmados) > 100, "los escritores no llegaron a escribir"
    with nucleo.abrir(ruta) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        guardados = {fila[0] for fila in db.execute("SELECT objeto_id FROM eventos WHERE accion = 'votar'")}
    assert confirmados <= guardados, f"se perdieron {len(confirmados - guardados)} escrituras confirmadas"


def test_disco_lleno_da_mensaje_claro_y_no_deja_nada(db_archivo):
    paginas = db_archivo.execute("PRAGMA page_count").fetchone()[0]
    db_archivo.execute(f"PRAGMA max_page_count = {paginas}")
    antes = db_archivo.execute("SELECT count(*) FROM eventos").fetchone()[0]
    with pytest.raises(ErrorAlmacen, match="El disco está lleno; no se guardó nada"):
        with escritura(db_archivo):
            for n in range(2000):
                registrar_evento(db_archivo, Evento("x", "llenar", "cosa", n, despues={"relleno": "ñ" * 500}),
                                 momento=AHORA)
    assert db_archivo.execute("SELECT count(*) FROM eventos").fetchone()[0] == antes


EMISOR = """
import datetime as dt, os, sys, nucleo
from identidad.acceso import Actor, Rol
from votacion import servicios
from votacion.modelo import Papeleta
db = nucleo.abrir(sys.argv[1])  # como cada ejecución de la página de votar (comun.conexion)
ahora = dt.datetime.fromisoformat(sys.argv[5])
primera, segunda = (Actor(Rol.PARTICIPANTE, "participante", participante_id=int(p)) for p in sys.argv[3].split(","))
# otra persona vota antes: el WAL ya existe (al crearlo o reiniciarlo SQLite lo sincroniza aunque sea NORMAL)
servicios.emitir(db, int(sys.argv[2]), Papeleta((sys.argv[4],)), actor=primera, ahora=ahora)
os.write(1, b"EMITIR\\n")
recibo = servicios.emitir(db, int(sys.argv[2]), Papeleta((sys.argv[4],)), actor=segunda, ahora=ahora)
os.write(1, f"RECIBO {recibo.recibo}\\n".encode())
"""


def test_la_papeleta_esta_en_el_disco_antes_de_mostrar_el_recibo(tmp_path, _plantilla_viables):
    """Con WAL y `synchronous=NORMAL` un COMMIT no hace fsync: un corte de luz perdía papeletas cuyo recibo ya se
    había mostrado. Se mira con strace que entre el pedido y el recibo haya un fsync del WAL."""
    if not shutil.which("strace"):
        pytest.skip("falta strace (.ci/run lo instala)")
    from tests.ayudas import AHORA_VOTO, crear, participante
    from tests.conftest import copiar_viables

    ruta = copiar_viables(_plantilla_viables, tmp_path / "plataforma.db")
    with nucleo.abrir(ruta) as db:
        abierta = crear(db)
        personas = ",".join(str(participante(db, nombre).participante_id) for nombre in ("Rosa Huamán", "Elena Ríos"))
    traza = tmp_path / "traza.txt"
    corrida = subprocess.run(["strace", "-f", "-y", "-e", "trace=fsync,fdatasync,write", "-o", str(traza),
                              sys.executable, "-c", EMISOR, str(ruta), str(abierta.id), personas,
                              _plantilla_viables[1][0], AHORA_VOTO.isoformat()],
                             cwd=RAIZ, capture_output=True, text=True, timeout=120)
    assert corrida.returncode == 0, corrida.stderr
    recibo = re.search(r"RECIBO (\S+)", corrida.stdout).group(1)
    lineas = traza.read_text().splitlines()
    pedido = next(i for i, x in enumerate(lineas) if "write(1" in x and "EMITIR" in x)
    mostrado = next(i for i, x in enumerate(lineas) if "write(1" in x and "RECIBO" in x)
    sincronizados = [x for x in lineas[pedido:mostrado] if re.search(r"f(data)?sync\(\d+<[^>]*-wal>\) = 0", x)]
    assert sincronizados, "emitir devolvió el recibo sin fsync del WAL: un corte de luz puede perder la papeleta"
    with nucleo.abrir(ruta) as db:
        assert db.execute("SELECT count(*) FROM papeletas WHERE recibo = ?", [recibo]).fetchone()[0] == 1
