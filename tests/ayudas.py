"""Ayudas que varios módulos de prueba comparten (no son fixtures: esas viven en conftest.py).

Ningún módulo `test_*.py` importa de otro; lo que dos necesitan está aquí: abrir una página con AppTest y leer su
texto, crear un proceso en la fase de hoy, participantes y votaciones abiertas, las cuentas del equipo de las
pruebas de navegador, las instancias de pabulib y los perfiles al azar para los oráculos, y las fichas de papel
como CSV o Excel.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re

from streamlit.testing.v1 import AppTest

import nucleo
from identidad import cuentas, participantes
from identidad.acceso import LINEA_DE_COMANDOS, Actor, Rol
from paginas.comun import CORTE
from propuestas import servicios as propuestas_servicios
from propuestas.modelo import Fase
from tests.conftest import ADMIN, AHORA, DATOS_JOVEN, FACILITADORA, HOY_PRIORIZACION, HOY_REGISTRO, RAIZ, abrir_sesion
from votacion import pabulib
from votacion import servicios as votacion
from votacion.modelo import EstadoVotacion, Papeleta

# --- páginas con AppTest --------------------------------------------------------------------

HOY = propuestas_servicios.fecha_local(nucleo.ahora())
INICIO_REGISTRO = {Fase.REGISTRO: 0, Fase.EVALUACION: -56}  # desplazamiento para que hoy caiga en esa fase


def abrir_pagina(pagina, actor=None, **parametros) -> AppTest:
    """app.py con la sesión de `actor` (si hay) y los parámetros de la dirección, ya en `pagina`, sin excepción."""
    app = AppTest.from_file(str(RAIZ / "app.py"), default_timeout=60)
    if actor is not None:
        app.session_state["sesion_token"] = abrir_sesion(nucleo.ruta_configurada(), actor)
    for clave, valor in parametros.items():
        app.query_params[clave] = valor
    app.run()
    app.switch_page(pagina).run()
    assert not app.exception, app.exception
    return app


def textos_de(app) -> str:
    """Todo el texto visible, sin las barras con que se escapa el markdown (y la cuenta de la papeleta, que dibuja
    el navegador: aquí, la que el servidor le manda para el primer dibujo)."""
    textos = " ".join(str(e.value) for e in [*app.markdown, *app.success, *app.error, *app.warning, *app.info,
                                             *app.caption, *app.header, *app.subheader])
    return (textos + " " + " ".join(cuentas_de(app))).replace(CORTE, "").replace("\\", "")


def cuentas_de(app) -> list[str]:
    """Las cuentas de la papeleta («Elegidas: 3 de 2…») que la página le pasa al componente del navegador, con las
    negritas en Markdown como las escribe `votacion.marcar`."""
    salida = []
    for componente in app.get("bidi_component"):
        datos = json.loads(componente.proto.json or "null") or {}
        inicial = datos.get("inicial") or {}
        texto = inicial.get("corto") if datos.get("forma") == "boton" else inicial.get("html")
        if texto:
            salida.append(re.sub(r"</?b>", "**", texto))
    return salida


def textos_sin_negritas(app) -> str:
    return textos_de(app).replace("**", "")


def errores_de(app) -> str:
    return " ".join(e.value for e in app.error).replace(CORTE, "").replace("\\", "")


def proceso_en_fase(ruta, fase_hoy: Fase):
    """Un proceso de la provincia cuyas fechas hacen que hoy caiga en `fase_hoy`; y un momento de su registro."""
    inicio = HOY + dt.timedelta(days=INICIO_REGISTRO[fase_hoy])
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.crear_proceso(db, propuestas_servicios.proceso_sugerido("0212", inicio),
                                                     actor=ADMIN, ahora=AHORA)
    assert proceso.fase_en(HOY) == fase_hoy
    return proceso, dt.datetime.combine(inicio, dt.time(15), tzinfo=dt.timezone.utc)


def propuesta_en(ruta, momento, **cambios):
    """Registra en la base de `ruta` la propuesta de la joven de siempre, con `cambios`."""
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        clave = propuestas_servicios.crear_borrador(db, proceso.id, actor=ADMIN, ahora=momento)
        propuestas_servicios.guardar_borrador(db, clave, {**DATOS_JOVEN, **cambios}, ahora=momento)
        return propuestas_servicios.registrar(db, clave, actor=ADMIN, ahora=momento)


# --- participantes y votaciones -------------------------------------------------------------

AHORA_VOTO = HOY_PRIORIZACION
SEGUNDO = dt.timedelta(seconds=1)


def participante(db, nombre="Rosa Huamán Torres", ubigeo="021201", ahora=HOY_REGISTRO) -> Actor:
    """Registra a una persona joven en el proceso actual y la devuelve como actor participante."""
    proceso = propuestas_servicios.proceso_actual(db)
    datos = {"nombre": nombre, "tipo": "joven", "ubigeo": ubigeo, "consentimiento": True}
    participante_id, _ = participantes.registrar_participante(db, proceso.id, datos, actor=FACILITADORA,
                                                              ahora=ahora)
    return Actor(Rol.PARTICIPANTE, f"participante {participante_id}", participante_id=participante_id)


def participante_en(ruta, nombre="Rosa Huamán Torres", ubigeo="021201") -> Actor:
    with nucleo.abrir(ruta) as db:
        return participante(db, nombre, ubigeo, ahora=nucleo.ahora())


def crear(db, abrir=True, **cambios):
    """Una votación del proceso actual (abierta salvo `abrir=False`), con `cambios` sobre la sugerida."""
    proceso = propuestas_servicios.proceso_actual(db)
    nueva = votacion.nueva_votacion(db, proceso.id, **cambios)
    creada = votacion.crear_votacion(db, nueva, actor=FACILITADORA, ahora=AHORA_VOTO)
    if abrir:
        creada = votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=AHORA_VOTO)
    return creada


def abierta_en(ruta, **cambios):
    """Una votación abierta ahora mismo en la base de `ruta` (para las páginas, que usan la hora real)."""
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, **cambios), actor=FACILITADORA,
                                         ahora=nucleo.ahora())
        return votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())


def votar_muchos(db, abierta, codigos):
    """12 personas de 3 distritos: la mayoría quiere las dos obras grandes; un grupo, las pequeñas."""
    papeletas = [(codigos[0], codigos[1])] * 6 + [(codigos[4], codigos[5])] * 4 + [(codigos[3],)] * 2
    distritos = ["021201"] * 6 + ["021205"] * 4 + ["021208"] * 2
    for i, (papeleta, ubigeo) in enumerate(zip(papeletas, distritos)):
        votacion.emitir(db, abierta.id, Papeleta(papeleta), actor=participante(db, f"Votante {i:02d}", ubigeo),
                        ahora=AHORA_VOTO + i * SEGUNDO)


def en_acta(db, codigos) -> tuple[int, list[str]]:
    """Votación cerrada (con `votar_muchos`) y acta firmada: (n.º de la votación, códigos en acta, por puesto)."""
    abierta = crear(db, techo_centimos=60_000_000, regla="greedy", lugar="Local comunal de Caraz")
    votar_muchos(db, abierta, codigos)
    votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=AHORA_VOTO + 60 * SEGUNDO)
    acta = votacion.firmar_acta(db, abierta.id, firmada_el=AHORA_VOTO.date(), lugar="Local comunal de Caraz",
                                firmada=True, actor=FACILITADORA, ahora=AHORA_VOTO + 600 * SEGUNDO)
    return abierta.id, acta["en_acta"]


def en_acta_en(ruta, codigos) -> list[str]:
    """Como `en_acta`, en la base de `ruta` y con la hora real (para las páginas): los códigos en acta."""
    abierta = abierta_en(ruta, techo_centimos=60_000_000, regla="greedy")
    votan(ruta, abierta.id, codigos, 12)
    with nucleo.abrir(ruta) as db:
        votacion.cambiar_estado(db, abierta.id, EstadoVotacion.CERRADA, actor=FACILITADORA, ahora=nucleo.ahora())
        return votacion.firmar_acta(db, abierta.id, firmada_el=propuestas_servicios.fecha_local(nucleo.ahora()),
                                    lugar="Local comunal de Caraz",
                                    firmada=True, actor=FACILITADORA, ahora=nucleo.ahora())["en_acta"]


DISTRITOS = ["021201", "021202", "021203", "021204", "021205", "021206", "021207", "021208", "021209", "021210"]
COSTOS = [300_000, 250_000, 200_000, 150_000, 120_000, 80_000, 95_000, 310_000, 60_000, 175_000]


def votan(ruta, votacion_id, codigos, cuantos, *, semilla=1) -> None:
    """`cuantos` agentes participantes (de distintos distritos y organizaciones) se unen con el QR y votan."""
    azar = random.Random(semilla)
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        for i in range(cuantos):
            pid, _ = participantes.registrar_participante(
                db, proceso.id, {"nombre": f"Persona {votacion_id}-{i + 1}", "tipo": "joven",
                                 "ubigeo": DISTRITOS[i % len(DISTRITOS)], "organizacion": f"Comité {i % 3 + 1}",
                                 "consentimiento": True}, actor=FACILITADORA, ahora=AHORA)
            actor = Actor(Rol.PARTICIPANTE, f"participante {pid}", participante_id=pid)
            votacion.unirse(db, votacion_id, actor=actor, ahora=nucleo.ahora())
            elegidas = tuple(azar.sample(codigos, min(3, len(codigos))))
            votacion.emitir(db, votacion_id, Papeleta(elegidas), actor=actor, ahora=nucleo.ahora())


# --- el equipo de las pruebas de navegador --------------------------------------------------

CLAVE = "una contraseña larga"
RECIBO = re.compile(r"Recibo: ([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})")


def crear_equipo(db) -> None:
    """Las cuentas del equipo de las pruebas: «ana» (administración, la primera) y «fabi» (facilitación)."""
    cuentas.crear_cuenta(db, usuario="ana", nombre="Ana Ríos", rol=Rol.ADMINISTRADOR, contrasena=CLAVE,
                         actor=LINEA_DE_COMANDOS, ahora=AHORA)
    cuentas.crear_cuenta(db, usuario="fabi", nombre="Fabiola Milla", rol=Rol.FACILITADOR, contrasena=CLAVE,
                         actor=LINEA_DE_COMANDOS, ahora=AHORA)


# --- pabulib y oráculos ---------------------------------------------------------------------

PABULIB = RAIZ.parent / "shared" / "pabulib"
INSTANCIAS = sorted(PABULIB.glob("*.pb"))


def eleccion_al_azar(azar: random.Random) -> pabulib.Eleccion:
    """Una elección por aprobación pequeña: todo proyecto con al menos un voto, un techo entre el más barato y todos."""
    m, n = azar.randint(2, 9), azar.randint(3, 40)
    proyectos = [pabulib.Proyecto(str(j + 1), azar.choice([azar.randint(1, 100), azar.randint(1, 5) * 20]))
                 for j in range(m)]
    papeletas = []
    for _ in range(n):
        elegidos = azar.sample([p.id for p in proyectos], azar.randint(1, m))
        papeletas.append(tuple(elegidos))
    for p in proyectos:
        if not any(p.id in b for b in papeletas):
            papeletas[azar.randrange(n)] += (p.id,)
    presupuesto = azar.randint(max(int(min(p.costo for p in proyectos)), 1), int(sum(p.costo for p in proyectos)))
    return pabulib.Eleccion({"budget": str(presupuesto), "vote_type": "approval"}, proyectos,
                            [str(i) for i in range(n)], papeletas)


def a_pabutools(eleccion: pabulib.Eleccion):
    """La misma elección en pabutools, con nuestro desempate (más barato, más votado, orden del archivo)."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance, Project
    from pabutools.tiebreaking import TieBreakingRule

    proyectos = {p.id: Project(p.id, p.costo) for p in eleccion.proyectos}
    instancia = Instance(proyectos.values(), budget_limit=eleccion.presupuesto)
    perfil = ApprovalProfile([ApprovalBallot(proyectos[i] for i in b) for b in eleccion.papeletas])
    votos = {pid: sum(pid in b for b in eleccion.papeletas) for pid in proyectos}
    orden = {p.id: j for j, p in enumerate(eleccion.proyectos)}
    desempate = TieBreakingRule(lambda _i, _p, proyecto: (proyecto.cost, -votos[proyecto.name], orden[proyecto.name]))
    return instancia, perfil, desempate


def perfil_al_azar(azar: random.Random, forma: str):
    """Papeletas truncadas y con empates («mixto»), estrictas truncadas o completas con empates."""
    m = azar.randint(2, 7)
    alternativas = [str(j + 1) for j in range(m)]
    lista, cantidades = [], []
    for _ in range(azar.randint(1, 12)):
        nombradas = azar.sample(alternativas, m if forma == "completas" else azar.randint(1, m))
        grupos, actual = [], []
        for alternativa in nombradas:
            actual.append(alternativa)
            if forma == "estrictas" or azar.random() < 0.6:
                grupos.append(tuple(actual))
                actual = []
        if actual:
            grupos.append(tuple(actual))
        lista.append(tuple(grupos))
        cantidades.append(azar.randint(1, 5))
    return alternativas, lista, cantidades


# --- fichas de papel en una hoja ------------------------------------------------------------

BUENA = {
    "N.º de ficha": "F-001", "Fecha de registro": "03/12/2026", "Título": "Agua potable para Cochamarca",
    "Problema": "Las familias acarrean agua del río y los niños se enferman del estómago.",
    "Qué se propone": "Instalar un sistema de agua con reservorio y piletas en cada casa.",
    "Distrito": "Caraz", "Centro poblado": "Cochamarca", "Tipo de proponente": "Joven",
    "Nombre de quien propone": "Ana Quispe", "Contacto": "987 654 321", "Consentimiento de datos personales": "Sí",
    "Costo propuesto S/": "S/ 1,234.50",
    "Eje del PDLC": "Infraestructura", "Beneficiarias mujeres": 40, "Beneficiarios hombres": 35,
}


def como_csv(filas_: list[dict], separador=";", codificacion="utf-8-sig", encima: list[str] = ()) -> bytes:
    encabezados = list(dict.fromkeys(k for f in filas_ for k in f))
    salida = io.StringIO()
    for linea in encima:
        salida.write(linea + "\r\n")
    escritor = csv.writer(salida, delimiter=separador, lineterminator="\r\n")
    escritor.writerow(encabezados)
    for fila in filas_:
        escritor.writerow([fila.get(k, "") for k in encabezados])
    return salida.getvalue().encode(codificacion)


def como_xlsx(filas_: list[dict], preparar=None) -> bytes:
    from openpyxl import Workbook

    libro = Workbook()
    hoja = libro.active
    encabezados = list(dict.fromkeys(k for f in filas_ for k in f))
    hoja.append(encabezados)
    for fila in filas_:
        hoja.append([fila.get(k) for k in encabezados])
    if preparar:
        preparar(hoja)
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


# --- idiomas ----------------------------------------------------------------------------------------------------

MARCA_QUECHUA = "QW·"  # prefijo de las traducciones de prueba: se ve si una página muestra la traducción o no


def todo_traducido(ruta) -> None:
    """Una traducción de prueba («QW·» + el castellano, con sus marcadores) para cada texto del catálogo, importada
    por la hoja como lo haría la MCLCP (no son traducciones: solo dicen qué texto pasó por el catálogo)."""
    from paginas import traduccion
    from propuestas import traducciones

    entradas = traduccion.catalogo()
    hoja = como_xlsx([{"Código": e.codigo, "Castellano": e.texto, "Quechua (Áncash)": MARCA_QUECHUA + e.texto}
                      for e in entradas])
    with nucleo.abrir(ruta) as db:
        traducciones.importar(db, hoja, "todo.xlsx", entradas, idioma="qwh", aprobadas=False, actor=ADMIN,
                              ahora=nucleo.ahora())
    traduccion.olvidar()


def votacion_abierta_con_rosa(ruta, **datos) -> dict:
    """En la base de `base_votacion`: Rosa registrada (joven de Caraz, con `datos` extra) y una votación abierta de
    hasta 3. Devuelve el id de la votación (texto, como va en la dirección) y el actor de Rosa."""
    with nucleo.abrir(ruta) as db:
        proceso = propuestas_servicios.proceso_actual(db)
        pid, _ = participantes.registrar_participante(
            db, proceso.id, {"nombre": "Rosa Huamán Torres", "tipo": "joven", "ubigeo": "021201",
                             "consentimiento": True, **datos}, actor=FACILITADORA, ahora=nucleo.ahora())
        creada = votacion.crear_votacion(db, votacion.nueva_votacion(db, proceso.id, max_opciones=3),
                                         actor=FACILITADORA, ahora=nucleo.ahora())
        votacion.cambiar_estado(db, creada.id, EstadoVotacion.ABIERTA, actor=FACILITADORA, ahora=nucleo.ahora())
    return {"votacion": str(creada.id), "rosa": Actor(Rol.PARTICIPANTE, f"participante {pid}", participante_id=pid)}
