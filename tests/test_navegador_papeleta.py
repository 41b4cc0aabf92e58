"""La papeleta en el celular, en Chromium: marcar no le envía nada al servidor (la cuenta la lleva el navegador),
lo marcado sin emitir sobrevive a recargar la página, y al votar el servidor recibe todo junto y lo valida."""
import re

import pytest

import nucleo
from identidad import participantes
from propuestas import servicios as propuestas_servicios
from tests import navegador
from tests.ayudas import RECIBO
from tests.conftest import AHORA, FACILITADORA, RAIZ, copiar_viables, priorizacion_hoy
from votacion import almacen
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, TipoPapeleta

navegador.exigir_chromium()
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def sala(tmp_path_factory, _plantilla_viables):
    """Servidor real: una votación de aprobación (hasta 3) y otra de semillas (10), y dos personas con código."""
    carpeta = tmp_path_factory.mktemp("papeleta")
    ruta = copiar_viables(_plantilla_viables, carpeta / "plataforma.db")
    with nucleo.abrir(ruta) as db:
        priorizacion_hoy(db)
        proceso = propuestas_servicios.proceso_actual(db)
        ids = {}
        for nombre, cambios in (("aprobacion", {"max_opciones": 3}),
                                ("puntos", {"tipo": TipoPapeleta.PUNTOS, "puntos_total": 10, "puntos_maximo": 10,
                                            "regla": "greedy"})):
            creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, nombre=nombre, **cambios),
                                             actor=FACILITADORA, ahora=nucleo.ahora())
            votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
            ids[nombre] = creada.id
        personas = [participantes.registrar_participante(
            db, proceso.id, {"nombre": nombre, "tipo": "joven", "ubigeo": "021201", "consentimiento": True},
            actor=FACILITADORA, ahora=AHORA) for nombre in ("Rosa Huamán", "Juan Pérez")]
    with navegador.servidor({"PLATAFORMA_DB": str(ruta)}, carpeta / "streamlit.log") as url:
        yield url, ruta, ids, list(_plantilla_viables[1]), personas


def test_marcar_no_llama_al_servidor_y_lo_marcado_sobrevive_a_recargar(sala, limpio):
    url, ruta, ids, codigos, personas = sala
    votacion_id = ids["aprobacion"]
    celular = limpio(ancho=390, alto=844, celular=True)
    enviados = [0]

    def contar(ws):
        ws.on("framesent", lambda _: enviados.__setitem__(0, enviados[0] + 1))

    celular.on("websocket", contar)
    navegador.entrar_con_codigo(celular, url, votacion_id, personas[0][1])
    cuenta = celular.locator(".papeleta-cuenta").first
    expect(cuenta).to_have_text("Elegidas: 0 de 3")
    antes = enviados[0]
    assert antes > 0  # el contador oye el websocket: entrar con el código sí le envió mensajes
    for codigo in codigos[:4]:
        celular.locator(f".st-key-votar_{votacion_id}_{codigo}").get_by_text("Elijo esta").click()
    expect(cuenta).to_have_text("Elegidas: 4 de 3: quite 1 antes de votar.")
    expect(cuenta).to_have_class(re.compile(r"\baviso\b"))
    expect(celular.locator(".papeleta-cuenta.corta")).to_have_text("Elegidas: 4 de 3")  # junto al botón
    navegador.capturar(celular, "celular_papeleta_de_mas")
    celular.wait_for_timeout(500)  # lo que el servidor recibiría ya habría salido
    assert enviados[0] == antes, "marcar una tarjeta le envió algo al servidor"
    with nucleo.abrir(ruta) as db:
        assert almacen.vigentes(db, votacion_id) == []

    # se recarga la página (o se cayó la señal): sigue adentro (cookie) y lo marcado vuelve
    celular.reload()
    celular.get_by_text("Elija hasta 3 propuestas.").wait_for(timeout=30_000)
    for codigo in codigos[:4]:
        expect(celular.locator(f".st-key-votar_{votacion_id}_{codigo}").get_by_role("checkbox")).to_be_checked()
    expect(cuenta).to_have_text("Elegidas: 4 de 3: quite 1 antes de votar.")

    # votar con 4 de 3: el servidor lo rechaza y lo marcado sigue; se quita una y se vota
    celular.get_by_role("button", name="Votar").click()
    celular.get_by_text("Eligió 4 propuestas; el máximo es 3. Quite 1.").wait_for(timeout=30_000)
    navegador.listo(celular)
    celular.locator(f".st-key-votar_{votacion_id}_{codigos[3]}").get_by_text("Elijo esta").click()
    expect(cuenta).to_have_text("Elegidas: 3 de 3")
    celular.get_by_role("button", name="Votar").click()
    exito = celular.get_by_test_id("stAlertContentSuccess").filter(has_text="Su voto quedó registrado")
    exito.first.wait_for(timeout=30_000)
    recibo = RECIBO.search(exito.first.inner_text())[1]
    with nucleo.abrir(ruta) as db:
        vigentes = almacen.vigentes(db, votacion_id)
    assert [(v["recibo"], v["contenido"]) for v in vigentes] == [(recibo, {"elegidas": codigos[:3]})]
    # tras votar, el borrador del navegador se borra
    celular.wait_for_function("() => !Object.keys(localStorage).some(k => k.startsWith('plataforma-papeleta-'))",
                              timeout=30_000)
    celular.wait_for_timeout(300)  # y ningún toque tardío lo vuelve a escribir
    assert celular.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('plataforma-papeleta-'))") == []


def test_las_semillas_se_cuentan_en_el_navegador(sala, limpio):
    url, ruta, ids, codigos, personas = sala
    votacion_id = ids["puntos"]
    celular = limpio(ancho=390, alto=844, celular=True)
    navegador.entrar_con_codigo(celular, url, votacion_id, personas[1][1])
    cuenta = celular.locator(".papeleta-cuenta").first
    expect(cuenta).to_have_text("Semillas repartidas: 0 de 10 · le quedan 10")
    celular.locator(f".st-key-votar_{votacion_id}_{codigos[0]}").get_by_role("spinbutton").fill("7")
    celular.locator(f".st-key-votar_{votacion_id}_{codigos[1]}").get_by_role("spinbutton").fill("5")
    expect(cuenta).to_have_text("Semillas repartidas: 12 de 10 · le quedan 0")
    navegador.capturar(celular, "celular_papeleta_semillas")
    celular.locator(f".st-key-votar_{votacion_id}_{codigos[1]}").get_by_role("spinbutton").fill("3")
    expect(cuenta).to_have_text("Semillas repartidas: 10 de 10 · le quedan 0")
    celular.get_by_role("button", name="Votar").click()
    celular.get_by_test_id("stAlertContentSuccess").filter(has_text="Su voto quedó registrado").first.wait_for(
        timeout=30_000)
    with nucleo.abrir(ruta) as db:
        assert almacen.vigentes(db, votacion_id)[0]["contenido"] == {"elegidas": codigos[:2], "puntos": [7, 3]}


def test_la_cuenta_del_navegador_dice_lo_mismo_que_la_del_servidor(chromium):
    """`resumen` de papeleta.js (en Chromium) frente a `votacion.marcar.resumen` en 300 papeletas al azar de los
    tres tipos que se cuentan (aprobación, semillas y presupuesto): mismo texto, mismo aviso, misma fracción."""
    import json
    import random

    from votacion import marcar
    from votacion.modelo import Papeleta, Votacion

    pagina = chromium.pagina()
    fuente = (RAIZ / "paginas" / "papeleta.js").read_text(encoding="utf-8")
    pagina.evaluate("async (fuente) => { window.papeleta = await import("
                    "'data:text/javascript;charset=utf-8,' + encodeURIComponent(fuente)); }", fuente)
    azar = random.Random(3)
    casos, esperados = [], []
    for _ in range(300):
        tipo = azar.choice([TipoPapeleta.APROBACION, TipoPapeleta.PUNTOS, TipoPapeleta.PRESUPUESTO])
        codigos = [f"PP27-{n:04d}" for n in range(1, azar.randint(2, 9))]
        costos = {c: azar.randint(1, 40) * 1_000_000 + azar.choice([0, 50, 99]) for c in codigos}
        votacion_ = Votacion(id=1, proceso_id=1, nombre="x", tipo=tipo, max_opciones=azar.randint(1, 5),
                             puntos_total=azar.randint(5, 20), techo_centimos=azar.randint(1, 200) * 1_000_000)
        if tipo == TipoPapeleta.PUNTOS:
            marcas = {c: azar.choice([0, 0, 1, 3, 7]) for c in codigos}
            papeleta = Papeleta(tuple(c for c in codigos if marcas[c]), tuple(marcas[c] for c in codigos if marcas[c]))
        else:
            marcas = {c: azar.random() < 0.5 for c in codigos}
            papeleta = Papeleta(tuple(c for c in codigos if marcas[c]))
        r = marcar.resumen(votacion_, papeleta, costos)
        esperados.append({"html": re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", r.texto), "aviso": r.aviso,
                          "fraccion": r.fraccion, "corto": r.junto_al_boton})
        casos.append({"datos": {"tipo": tipo.value, "maximo": votacion_.max_opciones,
                                "puntos_total": votacion_.puntos_total, "techo": votacion_.techo_centimos,
                                "costos": costos}, "marcas": marcas})
    obtenidos = pagina.evaluate("""(casos) => casos.map(({datos, marcas}) => {
        const r = window.papeleta.resumen(datos, marcas);
        return {html: r.html, aviso: Boolean(r.aviso), fraccion: r.fraccion ?? null, corto: r.corto ?? null};
    })""", json.loads(json.dumps(casos)))
    for obtenido, esperado in zip(obtenidos, esperados, strict=True):
        if esperado["fraccion"] is not None:
            assert abs(obtenido["fraccion"] - esperado["fraccion"]) < 1e-9
            obtenido["fraccion"] = esperado["fraccion"]
        assert obtenido == esperado
    assert {e["aviso"] for e in esperados} == {True, False} and any(e["fraccion"] == 1.0 for e in esperados)
