"""Cada página, para cada rol, dice lo que ese rol debe ver y calla lo que no: una tabla escrita a mano (no sale de
la matriz de permisos del código, para que pueda fallar). Escenario: el proceso en priorización, seis propuestas
viables, una votación abierta de aprobación (resultados sin revelar) y una agente participante con DNI."""
import pytest

from identidad.acceso import PUBLICO, Actor, Rol
from tests.ayudas import abrir_pagina, votacion_abierta_con_rosa
from tests.conftest import ADMIN, EVALUADORA, FACILITADORA

DNI = "40123456"
PARTICIPANTE = "participante"  # el actor se crea con la base (su id)


@pytest.fixture
def escenario(base_votacion):
    """La base de `base_votacion` (priorización hoy, seis viables) con la votación abierta y la agente con DNI."""
    ruta, _ = base_votacion
    return votacion_abierta_con_rosa(ruta, dni=DNI)


def _todo(app) -> str:
    """Todo lo que se lee en la página: textos, avisos, botones, etiquetas de campos, tablas y HTML."""
    partes = [e.value for e in [*app.markdown, *app.title, *app.subheader, *app.header, *app.warning, *app.info,
                                *app.success, *app.error, *app.caption]]
    partes += [w.label for w in [*app.button, *app.text_input, *app.checkbox, *app.selectbox, *app.toggle,
                                 *app.text_area, *app.number_input, *app.radio]]
    partes += [d.value.to_string() for d in app.dataframe]
    partes += [h.proto.body for h in app.get("html")]
    return " ".join(str(p) for p in partes)


ACTORES = {"público": PUBLICO, "evaluación": EVALUADORA, "facilitación": FACILITADORA, "administración": ADMIN,
           "vigilancia": Actor(Rol.VIGILANCIA, "juana", cuenta_id=9)}

# (página, quién) → (lo que debe leerse, lo que no). Escrita a mano a partir de lo que el issue y el README dicen
# de cada rol: nadie fuera de administración ve un DNI entero; solo la facilitación (y administración) abre, pausa o
# cierra; los conteos de una votación abierta sin revelar no llegan al público; crear cuentas es de administración.
TABLA = {
    ("votar", "público"): (["Código de acceso (está en su tarjeta)", "Entrar y votar"], ["Elijo esta"]),
    ("votar", "participante"): (["Elija hasta 3 propuestas", "Elijo esta", "PP27-0001"],
                                ["Código de acceso (está en su tarjeta)", "Sin acceso"]),
    ("votar", "evaluación"): (["Votan los agentes participantes con su código"], ["Elijo esta", "Entrar y votar"]),
    ("votaciones", "facilitación"): (["Pausar", "Cerrar la votación (definitivo)", "Verificar la cadena de huellas"],
                                     ["Sin acceso"]),
    ("votaciones", "evaluación"): (["Sin acceso", "organizar votaciones"], ["Pausar", "Cerrar la votación"]),
    ("votaciones", "público"): (["Sin acceso"], ["Pausar", "Cerrar la votación"]),
    ("consola", "facilitación"): (["Taller en vivo", "Pausar", "Anotar el acuerdo"], ["Sin acceso"]),
    ("consola", "participante"): (["Sin acceso"], ["Pausar", "Anotar el acuerdo"]),
    ("participantes", "administración"): (["Registrar participante", DNI, "Borrar datos personales"], ["Sin acceso"]),
    ("participantes", "facilitación"): (["Registrar participante", "••••••56"], [DNI, "Borrar datos personales"]),
    ("participantes", "evaluación"): (["Sin acceso"], ["Registrar participante", "••••••56", DNI]),
    ("cuentas", "administración"): (["Cuentas del equipo", "Crear cuenta", "Contraseña inicial"], ["Sin acceso"]),
    ("cuentas", "facilitación"): (["Sin acceso"], ["Crear cuenta", "Contraseña inicial"]),
    ("resultados", "público"): (["Los resultados se publican al cerrar la votación"],
                                ["papeletas:", "Resultados parciales", "Regla oficial"]),
    ("resultados", "facilitación"): (["Resultados parciales", "papeletas:"], ["Los resultados se publican al cerrar"]),
    ("evaluar", "evaluación"): (["Evaluación técnica", "Alineamiento al PDLC"], ["Sin acceso"]),
    ("evaluar", "facilitación"): (["Evaluación técnica"], ["Sin acceso"]),  # admite o no; puntuar no
    ("evaluar", "participante"): (["Sin acceso"], ["Alineamiento al PDLC", "Admitir"]),
    ("moderacion", "facilitación"): (["Moderación", "Reportes pendientes"], ["Sin acceso"]),
    ("moderacion", "evaluación"): (["Sin acceso"], ["Reportes pendientes"]),
    ("respaldo", "administración"): (["Respaldo", "Contiene datos personales"], ["Sin acceso"]),
    ("participacion", "facilitación"): (["Quién participa", "Personas por etapa", "Nueva actividad"], ["Sin acceso"]),
    ("participacion", "evaluación"): (["Sin acceso"], ["Personas por etapa", "Nueva actividad"]),
    ("datos_personales", "administración"): (["Datos personales", "borrar"], ["Sin acceso"]),
    ("datos_personales", "facilitación"): (["Sin acceso"], ["Nombre, celular, correo o DNI"]),
    ("datos_personales", "evaluación"): (["Sin acceso"], ["Nombre, celular, correo o DNI"]),
    ("respaldo", "facilitación"): (["Sin acceso"], ["Descargar"]),
    ("procesos", "evaluación"): (["Sin acceso"], ["Crear proceso"]),
    ("plan", "administración"): (["Plan (PDLC)", "Aún no se importó ningún PDLC"], ["Sin acceso"]),
    ("plan", "evaluación"): (["Sin acceso"], ["Importar como versión nueva"]),
    ("plan", "público"): (["Sin acceso"], ["Nombre del plan"]),
    ("traducciones", "administración"): (["Traducciones", "Subir la hoja traducida", "Aprobar las marcadas"],
                                         ["Sin acceso"]),
    ("traducciones", "facilitación"): (["Sin acceso"], ["Subir la hoja traducida", "Por revisar"]),
    ("traducciones", "público"): (["Sin acceso"], ["Subir la hoja traducida"]),
    ("seguimiento", "evaluación"): (["Seguimiento de proyectos", "Aún no hay proyectos en acta"], ["Sin acceso"]),
    ("seguimiento", "facilitación"): (["Sin acceso"], ["Registrar la actualización", "Hoja de seguimiento"]),
    ("seguimiento", "participante"): (["Sin acceso"], ["Registrar la actualización"]),
    ("vigilancia", "vigilancia"): (["Comité de Vigilancia", "Registrar la observación", "Nueva observación"],
                                   ["Sin acceso", "Responder", "Cambiar el estado"]),
    ("vigilancia", "evaluación"): (["Comité de Vigilancia", "Sin observaciones todavía"],
                                   ["Sin acceso", "Registrar la observación"]),
    ("vigilancia", "público"): (["Sin acceso"], ["Registrar la observación", "Sin observaciones todavía"]),
    ("vigilancia", "participante"): (["Sin acceso"], ["Registrar la observación"]),
    ("seguimiento", "vigilancia"): (["Sin acceso"], ["Registrar la actualización"]),
    ("evaluar", "vigilancia"): (["Sin acceso"], ["Alineamiento al PDLC"]),
    ("priorizado", "público"): (["¿Qué pasó con lo priorizado?", "Aún no hay proyectos priorizados"],
                                ["Sin acceso", "Registrar la actualización"]),
}


@pytest.mark.parametrize("pagina, quien", list(TABLA), ids=[f"{p}-{q}" for p, q in TABLA])
def test_cada_rol_ve_en_cada_pagina_lo_suyo_y_nada_mas(escenario, pagina, quien):
    actor = escenario["rosa"] if quien == PARTICIPANTE else ACTORES[quien]
    parametros = {"votacion": escenario["votacion"]} if pagina in ("votar", "resultados") else {}
    texto = _todo(abrir_pagina(f"paginas/{pagina}.py", actor, **parametros))
    debe, no_debe = TABLA[pagina, quien]
    assert [d for d in debe if d not in texto] == [], texto[:600]
    assert [n for n in no_debe if n in texto] == [], texto[:600]
