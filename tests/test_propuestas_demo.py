"""Datos de demostración: verosímiles, marcados y nunca mezclados con datos reales."""
import datetime as dt
import subprocess
import sys

import pytest

import geo
import nucleo
from identidad.acceso import PUBLICO
from nucleo.errores import DatosInvalidos
from propuestas import demo, servicios
from propuestas.modelo import Proceso
from tests.conftest import ADMIN, AHORA, CENTROS, LIMITES, RAIZ, filas


def test_demo_crea_propuestas_ubicadas_y_marcadas(db_con_territorio):
    servicios.preparar(db_con_territorio)
    proceso = demo.crear_demo(db_con_territorio, cantidad=300, semilla=5, ahora=AHORA)
    propuestas = servicios.buscar(db_con_territorio, proceso.id)
    assert len(propuestas) == 300 and all(p["titulo"].startswith("[DEMO]") and p["es_demo"] for p in propuestas)
    territorio = geo.servicios.exigir_territorio(db_con_territorio)
    for propuesta in propuestas[:50]:
        assert territorio.ubicar(geo.Punto(propuesta["lat"], propuesta["lon"])).ubigeo == propuesta["ubigeo"]
    assert len({p["ubigeo"] for p in propuestas}) == 10 and len({p["estado"] for p in propuestas}) >= 6
    assert servicios.es_base_demo(db_con_territorio)
    evaluada = next(p for p in propuestas if p["estado"] == "viable")
    assert servicios.obtener(db_con_territorio, evaluada["codigo"], actor=PUBLICO).evaluaciones[0]["viable"] == 1


def test_misma_semilla_mismos_datos(db_con_territorio, tmp_path):
    servicios.preparar(db_con_territorio)
    demo.crear_demo(db_con_territorio, cantidad=20, semilla=9, ahora=AHORA)
    primera = [(p["titulo"], p["lat"]) for p in servicios.buscar(db_con_territorio, 1)]
    otra = nucleo.abrir(tmp_path / "otra.db")
    servicios.preparar(otra)
    for archivo in (LIMITES, CENTROS):
        geo.servicios.importar(otra, archivo, actor=ADMIN, ahora=AHORA)
    demo.crear_demo(otra, cantidad=20, semilla=9, ahora=AHORA)
    assert [(p["titulo"], p["lat"]) for p in servicios.buscar(otra, 1)] == primera


def test_demo_no_toca_una_base_real_ni_al_reves(db_con_territorio):
    servicios.preparar(db_con_territorio)
    servicios.crear_proceso(db_con_territorio, servicios.proceso_sugerido("0212", dt.date(2026, 12, 1)),
                            actor=ADMIN, ahora=AHORA)
    antes = filas(db_con_territorio, "propuestas")
    with pytest.raises(DatosInvalidos, match="procesos reales"):
        demo.crear_demo(db_con_territorio, cantidad=5, semilla=1, ahora=AHORA)
    assert filas(db_con_territorio, "propuestas") == antes


def test_no_se_crean_procesos_reales_en_una_base_demo(db_con_territorio):
    servicios.preparar(db_con_territorio)
    demo.crear_demo(db_con_territorio, cantidad=5, semilla=1, ahora=AHORA)
    real = servicios.proceso_sugerido("0212", dt.date(2026, 12, 1))
    with pytest.raises(DatosInvalidos, match="base de demostración"):
        servicios.crear_proceso(db_con_territorio, Proceso(**{**real.__dict__, "codigo": "PP28"}), actor=ADMIN,
                                ahora=AHORA)


def test_linea_de_comandos_demo(tmp_path):
    ruta = tmp_path / "demo.db"
    orden = [sys.executable, "-m", "propuestas", "demo", "--db", str(ruta), "--propuestas", "40", "--semilla", "2",
             "--limites", str(LIMITES), "--centros", str(CENTROS)]
    resultado = subprocess.run(orden, cwd=RAIZ, capture_output=True, text=True, timeout=120)
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.startswith("40 propuestas de demostración")
    with nucleo.abrir(ruta) as db:
        assert filas(db, "propuestas") == 40
    sin_territorio = subprocess.run([*orden[:5], str(tmp_path / "vacia.db")], cwd=RAIZ, capture_output=True,
                                    text=True, timeout=120)
    assert sin_territorio.returncode == 1 and "Aún no hay límites" in sin_territorio.stderr
