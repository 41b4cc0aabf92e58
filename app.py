"""Plataforma de planificación participativa de una MCLCP provincial. Solo enruta y prepara el marco.

Todas las páginas son alcanzables por URL (cada una revisa el rol en el servidor y, si no
corresponde, dice por qué); el menú lateral muestra solo las que el rol puede usar.

`streamlit run app.py` encuentra aquí `app = st.App(...)` y sirve la app con Starlette: importa este
archivo una vez como módulo (rama `else`), con la ruta propia que pone y borra la cookie de sesión
(paginas/cookie.py) y el middleware que pone la página en castellano (paginas/idioma.py); después corre
este mismo archivo como guion (`__main__`) en cada ejecución de cada navegador: el marco y el menú.
`AppTest.from_file("app.py")` también lo corre como guion.
"""
import streamlit as st

from identidad.acceso import PUBLICO, Accion, puede
from paginas import accesibilidad, comun, cookie, idioma, traduccion

MENU = {
    "Participar": [
        ("paginas/inicio.py", "Inicio", "inicio", Accion.VER),
        ("paginas/proponer.py", "Proponer", "proponer", Accion.PROPONER),
        ("paginas/propuestas.py", "Propuestas", "propuestas", Accion.VER),
        ("paginas/deliberacion.py", "Deliberación", "deliberacion", Accion.VER),
        ("paginas/votar.py", "Votar", "votar", Accion.VOTAR),
        ("paginas/resultados.py", "Resultados de la votación", "resultados", Accion.VER),
        ("paginas/priorizado.py", "¿Qué pasó con lo priorizado?", "priorizado", Accion.VER),
        ("paginas/mapa.py", "Mapa del territorio", "mapa", Accion.VER),
        ("paginas/proyector.py", "Proyector del taller", "proyector", Accion.VER),
    ],
    "Equipo técnico y secretaría": [
        ("paginas/evaluar.py", "Evaluación técnica", "evaluar", Accion.ADMITIR),
        ("paginas/moderacion.py", "Moderación", "moderacion", Accion.MODERAR),
        ("paginas/importar.py", "Importar propuestas", "importar", Accion.IMPORTAR_PROPUESTAS),
        ("paginas/consola.py", "Taller en vivo (consola)", "consola", Accion.GESTIONAR_VOTACIONES),
        ("paginas/votaciones.py", "Votaciones y papeletas", "votaciones", Accion.GESTIONAR_VOTACIONES),
        ("paginas/seguimiento.py", "Seguimiento de proyectos", "seguimiento", Accion.SEGUIR_PROYECTOS),
        ("paginas/vigilancia.py", "Comité de Vigilancia", "vigilancia", Accion.VER_VIGILANCIA),
        ("paginas/participantes.py", "Participantes y códigos", "participantes", Accion.GESTIONAR_PARTICIPANTES),
        ("paginas/participacion.py", "Quién participa", "participacion", Accion.GESTIONAR_PARTICIPANTES),
        ("paginas/datos_personales.py", "Datos personales", "datos", Accion.VER_DATOS_PERSONALES),
        ("paginas/procesos.py", "Procesos participativos", "procesos", Accion.ADMINISTRAR_PROCESOS),
        ("paginas/plan.py", "Plan (PDLC)", "plan", Accion.ADMINISTRAR_PROCESOS),
        ("paginas/traducciones.py", "Traducciones (quechua)", "traducciones", Accion.ADMINISTRAR_PROCESOS),
        ("paginas/territorio.py", "Territorio (importar límites)", "territorio", Accion.IMPORTAR_TERRITORIO),
        ("paginas/cuentas.py", "Cuentas del equipo", "cuentas", Accion.GESTIONAR_CUENTAS),
        ("paginas/respaldo.py", "Respaldo", "respaldo", Accion.RESPALDAR),
    ],
    "Cuenta": [
        ("paginas/entrar.py", "Entrar / mi cuenta", "entrar", Accion.VER),
    ],
}

DE_TODOS = ("Participar", "Cuenta")  # grupos que ven quienes participan: sus títulos, en el idioma elegido

if __name__ != "__main__":  # `streamlit run app.py` lo importa para servirlo
    from starlette.middleware import Middleware

    app = st.App(__file__, routes=cookie.rutas(), middleware=[Middleware(idioma.Castellano)])
else:  # cada ejecución: el marco
    comun.preparar_aplicacion(str(comun.ruta_db()))
    traduccion.elegir_al_empezar()
    st.set_page_config(page_title=f"Planificación participativa · {comun.mesa()}", layout="wide")
    sesion = comun.sesion_actual()
    actor = sesion.actor if sesion else PUBLICO
    # El menú es el de Streamlit (en el celular se cierra solo al elegir); lista solo lo que el rol puede usar, y las
    # demás páginas siguen alcanzables por URL (ocultas del menú), donde cada una dice por qué no corresponde.
    paginas = {ruta: st.Page(ruta, title=comun.t_etiqueta(titulo) if grupo in DE_TODOS else titulo,
                             url_path=url, default=url == "inicio",
                             visibility="visible" if puede(actor, accion) else "hidden")
               for grupo, entradas in MENU.items() for ruta, titulo, url, accion in entradas}
    secciones = {comun.t_etiqueta(grupo) if grupo in DE_TODOS else grupo: [paginas[ruta] for ruta, *_ in entradas]
                 for grupo, entradas in MENU.items()}
    navegacion = st.navigation(secciones, position="sidebar", expanded=True)
    if navegacion.url_path == "proyector":  # pantalla completa: sin menú lateral (la misma página, sin el menú)
        navegacion = st.navigation(secciones, position="hidden")
        comun.llevar_cookie()
    else:
        with st.sidebar:
            accesibilidad.arreglar_menu()
            st.caption("Público" if actor == PUBLICO else
                       f"{comun.texto_plano(comun.nombre_de(actor))} · {actor.rol.etiqueta}")
            comun.llevar_cookie()
    comun.avisar_sesion_terminada(navegacion.url_path)
    if sesion and sesion.debe_cambiar_contrasena and navegacion.url_path != "entrar":
        st.switch_page(paginas["paginas/entrar.py"])  # la contraseña inicial la eligió otra persona: se cambia primero
    taller = st.query_params.get("taller", "")
    if taller.isdigit() and navegacion.url_path in ("", "inicio"):
        # el QR del taller (`/?taller=ID`) abre la papeleta aunque sea la primera página que carga el celular
        st.switch_page(paginas["paginas/votar.py"], query_params={"taller": taller})
    comun.avisar_si_es_demo()
    navegacion.run()
