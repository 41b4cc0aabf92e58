"""Fallas: matar el proceso a mitad de escrituras concurrentes, disco lleno, base de solo lectura."""
import os
import signal
import subprocess
import sys
import time

import pytest

import geo
from geo.db import ErrorAlmacen, Evento, escritura, registrar_evento
from tests.conftest import AHORA, RAIZ

ESCRITOR = """
import sys, geo
from geo.db import Evento, escritura, registrar_evento
from tests.conftest import AHORA
db = geo.abrir(sys.argv[1])
with open(sys.argv[3], "a") as confirmados:
    for n in range(100000):
        with escritura(db):
            registrar_evento(db, Evento("escritor", "votar", "papeleta", f"{sys.argv[2]}-{n}"), momento=AHORA)
        confirmados.write(f"{n}\\n")
        confirmados.flush()
"""


def test_kill_9_con_20_escritores_no_pierde_lo_confirmado(tmp_path):
    ruta = tmp_path / "fallas.db"
    with geo.abrir(ruta) as db:
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
    with geo.abrir(ruta) as db:
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
