"""Acta del taller en PDF: solo con la base, igual byte a byte al regenerarla, con todo lo que el acta debe
llevar (se lee con pdftotext) y convertida a PNG con pdftoppm para mirarla."""
from __future__ import annotations

import hashlib
import subprocess

import pytest

from identidad.acceso import PUBLICO, SinPermiso
from tests.ayudas import AHORA_VOTO, SEGUNDO, crear, votar_muchos
from tests.conftest import FACILITADORA, texto_de_pdf
from votacion import acta
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, VotacionInvalida

TITULO_MALICIOSO = "<b>Riego</b> =HYPERLINK(\"x\")"


@pytest.fixture
def cerrada(db_viables):
    db, codigos = db_viables
    db.execute("UPDATE propuestas SET titulo = ? WHERE codigo = ?", [TITULO_MALICIOSO, codigos[3]])
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy", lugar="Local comunal de Caraz")
    votar_muchos(db, abierta, codigos)
    votacion.anotar_acuerdo(db, abierta.id, "Incluir la obra de riego en el PDLC 2027", "Municipalidad de Caraz",
                            "marzo de 2027", actor=FACILITADORA, ahora=AHORA_VOTO)
    retirado = votacion.anotar_acuerdo(db, abierta.id, "Acuerdo anotado por error", "Nadie", actor=FACILITADORA,
                                       ahora=AHORA_VOTO)
    votacion.retirar_acuerdo(db, retirado, "se anotó dos veces", actor=FACILITADORA, ahora=AHORA_VOTO)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA,
                            ahora=AHORA_VOTO + 60 * SEGUNDO)
    return db, codigos, abierta


def test_acuerdos_se_validan_y_se_retiran_sin_borrarse(cerrada):
    db, _, abierta = cerrada
    assert [a["texto"] for a in votacion.acuerdos(db, abierta.id)] == ["Incluir la obra de riego en el PDLC 2027"]
    with pytest.raises(VotacionInvalida) as error:
        votacion.anotar_acuerdo(db, abierta.id, "no", "", "x" * 61, actor=FACILITADORA, ahora=AHORA_VOTO)
    assert {p.campo for p in error.value.problemas} == {"texto", "responsable", "plazo"}
    with pytest.raises(SinPermiso):
        votacion.anotar_acuerdo(db, abierta.id, "Un acuerdo válido", "Alguien", actor=PUBLICO, ahora=AHORA_VOTO)
    with pytest.raises(Exception, match="no se borran"):
        db.execute("DELETE FROM acuerdos")
    assert db.execute("SELECT count(*) FROM acuerdos WHERE retirado_en IS NOT NULL").fetchone()[0] == 1


def test_acta_igual_al_regenerarla_y_con_todo_lo_que_lleva(cerrada, tmp_path):
    db, codigos, abierta = cerrada
    primera = acta.acta_pdf(db, abierta.id, actor=FACILITADORA)
    assert primera[:5] == b"%PDF-" and acta.acta_pdf(db, abierta.id, actor=FACILITADORA) == primera
    texto = texto_de_pdf(primera, tmp_path)
    ruta = tmp_path / "documento.pdf"
    pb = votacion.exportar_pb(db, abierta.id, actor=FACILITADORA)
    for esperado in ("Acta del taller de priorización", "Local comunal de Caraz", "facilitadora", "Asistencia",
                     "Más votados primero (greedy)", "60 % votación + 40 % puntaje técnico", codigos[0],
                     "Empates: entre", "menor costo", "Incluir la obra de riego en el PDLC 2027",
                     "Municipalidad de Caraz", "marzo de 2027", "Firmas de los agentes participantes",
                     hashlib.sha256(pb.encode("utf-8")).hexdigest(), f"python -m votacion contar votacion_{abierta.id}.pb",
                     "<b>Riego</b>"):
        assert esperado in texto, esperado
    assert "Acuerdo anotado por error" not in texto
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(ruta), str(tmp_path / "pagina")],
                   check=True)
    assert (tmp_path / "pagina-1.png").stat().st_size > 10_000


def test_la_linea_de_comandos_da_la_misma_acta(cerrada, tmp_path):
    import sqlite3
    import sys

    from tests.conftest import RAIZ

    db, _, abierta = cerrada
    ruta_db = tmp_path / "plataforma.db"
    with sqlite3.connect(ruta_db) as copia:
        db.conn.backup(copia)
    salida = tmp_path / "acta.pdf"
    corrida = subprocess.run([sys.executable, "-m", "votacion", "exportar", "--votacion", str(abierta.id),
                              "--formato", "acta", "--salida", str(salida), "--db", str(ruta_db)],
                             cwd=RAIZ, capture_output=True, text=True, timeout=120)
    assert corrida.returncode == 0, corrida.stderr
    assert salida.read_bytes() == acta.acta_pdf(db, abierta.id, actor=FACILITADORA)  # otro proceso, otro día: el mismo archivo


def test_el_acta_nombra_a_la_persona_que_facilito_y_no_su_usuario(db_viables, tmp_path):
    from identidad import cuentas
    from identidad.acceso import LINEA_DE_COMANDOS, Actor, Rol

    db, codigos = db_viables
    cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena="una contraseña larga",
                         actor=LINEA_DE_COMANDOS, ahora=AHORA_VOTO)
    fabi = Actor(Rol.FACILITADOR, "fabi", cuenta_id=cuentas.crear_cuenta(
        db, usuario="fabi", nombre="Fabiola Milla", rol=Rol.FACILITADOR, contrasena="una contraseña larga",
        actor=LINEA_DE_COMANDOS, ahora=AHORA_VOTO))
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy")
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=fabi, ahora=AHORA_VOTO + 60 * SEGUNDO)
    texto = " ".join(texto_de_pdf(acta.acta_pdf(db, abierta.id, actor=FACILITADORA), tmp_path).split())
    assert "Facilitación: Fabiola Milla, facilitadora." in texto  # «facilitadora»: la de las pruebas, sin cuenta
    assert "fabi." not in texto and "fabi," not in texto


TITULOS_ACTA = ("Asistencia", "Método", "Resultados", "Monto financiado por distrito", "Acuerdos y compromisos",
                "Firmas de los agentes participantes", "Verificación")


def test_el_acta_no_deja_paginas_huerfanas_ni_titulos_al_pie(cerrada, tmp_path):
    """Con 1 a 45 acuerdos el acta gana páginas: ninguna página queda con un par de renglones sueltos
    («figura con su recibo.»), ningún título queda solo al pie, y la verificación va entera en una página."""
    db, _, abierta = cerrada
    ruta = tmp_path / "documento.pdf"
    paginas_vistas = set()
    for numero in range(2, 46):
        votacion.anotar_acuerdo(db, abierta.id, f"Acuerdo número {numero} del taller sobre obras y plazos",
                                "Municipalidad de Caraz", "marzo de 2027", actor=FACILITADORA, ahora=AHORA_VOTO)
        texto = texto_de_pdf(acta.acta_pdf(db, abierta.id, actor=FACILITADORA), tmp_path)
        paginas = [[linea.strip() for linea in pagina.splitlines() if linea.strip()]
                   for pagina in texto.split("\f") if pagina.strip()]
        paginas_vistas.add(len(paginas))
        for numero_pagina, renglones in enumerate(paginas, start=1):
            assert len(renglones) >= 5, f"{numero} acuerdos: la página {numero_pagina} solo tiene {renglones}"
            assert renglones[-1] not in TITULOS_ACTA, f"{numero} acuerdos: «{renglones[-1]}» quedó al pie"
        verificacion = next(r for r in paginas if "Verificación" in r)
        assert any("figura con su recibo." in renglon for renglon in verificacion), f"{numero} acuerdos"
    assert len(paginas_vistas) >= 2, paginas_vistas  # se cruzó al menos un salto de página
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(ruta), str(tmp_path / "ultima")], check=True)
    assert len(list(tmp_path.glob("ultima-*.png"))) == len(paginas)


def test_cientos_de_empates_no_llenan_el_acta():
    """Con 2,000 propuestas y pocos votos distintos hay cientos de empates de cientos de propuestas: el acta nombra
    los primeros y dice cuántos más hay (antes, un párrafo de megabytes que fpdf tardaba minutos en partir)."""
    from types import SimpleNamespace

    from votacion.acta import CODIGOS_POR_EMPATE, EMPATES_EN_EL_ACTA, _empates

    empates = [SimpleNamespace(entre=[f"P-{i}-{j}" for j in range(300)], elegido=f"P-{i}-0", criterio="sorteo")
               for i in range(500)]
    texto = _empates(empates)
    assert texto.count("se eligió") == EMPATES_EN_EL_ACTA
    assert texto.startswith(f"entre P-0-0, P-0-1, P-0-2, P-0-3, P-0-4, P-0-5, P-0-6, P-0-7 y {300 - CODIGOS_POR_EMPATE} "
                            "más se eligió P-0-0 (sorteo); ")
    assert texto.endswith(f"y {500 - EMPATES_EN_EL_ACTA} empates más, resueltos con el mismo criterio (el detalle, en "
                          "el conteo publicado: .pb y CSV).")
    assert _empates([]) == "no hubo."
