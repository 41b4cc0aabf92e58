"""Procesos participativos: crear uno con sus fases, techo, ejes y criterios, elegir el actual y traerle las
propuestas viables que no se financiaron en otro."""
import streamlit as st

import nucleo
from geo import servicios as territorio
from identidad.acceso import Accion
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_fecha, formatear_soles, soles_a_centimos
from paginas import comun
from propuestas import arrastre, servicios
from propuestas.modelo import Criterio, PeriodoFase, Proceso

actor = comun.exigir_pagina(Accion.ADMINISTRAR_PROCESOS)
st.title("Procesos participativos")
hoy = servicios.fecha_local(nucleo.ahora())

comun.mostrar_aviso()
with comun.conexion() as db:
    procesos = servicios.listar_procesos(db)
    vigente = territorio.cargar_territorio(db)
provincia = vigente.provincia if vigente else territorio.provincia_configurada()

if procesos:
    comun.tabla([{"Código": p.codigo, "N.º": p.id, "Nombre": p.nombre, "Actual": "sí" if p.es_actual else "",
                  "Fase hoy": (p.fase_en(hoy).etiqueta if p.fase_en(hoy) else "fuera de fechas"),
                  "Techo": formatear_soles(p.techo_centimos)} for p in procesos], vacia="Todavía no hay procesos.")
    actual = next((p for p in procesos if p.es_actual), procesos[0])
    st.caption("Por línea de comandos, el proceso se indica con su código (o su n.º): "
               f"`python -m propuestas exportar --proceso {actual.codigo} --formato xlsx --salida priorizadas.xlsx`")
    elegido = st.selectbox("Proceso actual", procesos, index=next((i for i, p in enumerate(procesos) if p.es_actual), 0),
                           format_func=lambda p: f"{p.codigo} — {p.nombre}", key="procesos_actual",
                           placeholder="Elija un proceso")
    if not elegido.es_actual and st.button("Marcar como actual", key="procesos_marcar"):
        with comun.conexion() as db:
            servicios.marcar_actual(db, elegido.id, actor=actor, ahora=nucleo.ahora())
        st.rerun()
    with comun.conexion() as db:
        traibles = arrastre.candidatas(db, actual.id)
    if traibles:
        with st.expander(f"Traer a {actual.codigo} propuestas viables que no se financiaron ({len(traibles)})",
                         icon=":material/move_down:"):
            st.caption(f"Cada una entra a {actual.codigo} como una propuesta nueva, «registrada» (se admite y evalúa "
                       "de nuevo), con el mismo contenido, lugar y autoría; su ficha dice de dónde viene.")
            nombres = {t["codigo"]: f"{t['codigo']} — {t['titulo'][:70]} ({t['proceso']})" for t in traibles}
            elegidas = st.multiselect("Propuestas", list(nombres), format_func=nombres.get, key="procesos_traer",
                                      placeholder="Elija las que siguen")
            if st.button("Traerlas", key="procesos_traer_boton", icon=":material/move_down:"):
                comun.ejecutar(lambda db: arrastre.arrastrar(db, elegidas, actual.id, actor=actor,
                                                             ahora=nucleo.ahora()),
                               f"{len(elegidas)} propuesta{'' if len(elegidas) == 1 else 's'} traída"
                               f"{'' if len(elegidas) == 1 else 's'} a {actual.codigo}.")
else:
    st.info("Todavía no hay procesos. Cree el primero: quedará como el proceso actual.")

opciones = [None, *procesos]
editado = st.selectbox("Formulario", opciones, key="procesos_editar",
                       format_func=lambda p: "Crear un proceso nuevo" if p is None else f"Editar {p.codigo} — {p.nombre}",
                       placeholder="Elija qué hacer")
base = editado or servicios.proceso_sugerido(provincia, hoy)
sufijo = editado.codigo if editado else "nuevo"
with st.form(f"procesos_formulario_{sufijo}"):
    nombre = st.text_input("Nombre", value=base.nombre, key=f"proceso_nombre_{sufijo}")
    izquierda, derecha = st.columns(2)
    codigo = izquierda.text_input("Código corto (va en el código de cada propuesta)", value=base.codigo,
                                  key=f"proceso_codigo_{sufijo}", disabled=editado is not None)
    techo = derecha.text_input("Techo presupuestal (S/)", value=formatear_soles(base.techo_centimos),
                               key=f"proceso_techo_{sufijo}")
    st.markdown("**Fases** (inicio y fin de cada una)")
    fechas = {}
    for periodo in base.fases:
        fechas[periodo.fase] = st.date_input(periodo.fase.etiqueta, value=(periodo.inicio, periodo.fin),
                                             format="DD/MM/YYYY", key=f"proceso_fase_{periodo.fase.value}_{sufijo}")
    anonimas = st.checkbox("Se puede proponer sin registrarse (jóvenes y ciudadanía; moderado, sin voto)",
                           value=base.propuestas_anonimas, key=f"proceso_anonimas_{sufijo}")
    ejes = st.text_area("Ejes u objetivos estratégicos del PDLC (uno por línea)", value="\n".join(base.ejes),
                        height=150, key=f"proceso_ejes_{sufijo}")
    st.markdown("**Criterios de evaluación técnica** (puntaje de 0 a 3; los pesos deben sumar 100)")
    criterios = st.data_editor([c.__dict__ for c in base.criterios], num_rows="dynamic", hide_index=True,
                               key=f"proceso_criterios_{sufijo}", width="stretch",
                               column_config={"clave": "Clave", "nombre": "Criterio", "peso": "Peso",
                                              "descripcion": "Descripción"})
    creado = st.form_submit_button("Guardar cambios" if editado else "Crear proceso", type="primary")


def _peso(valor) -> int | None:
    """El peso de un criterio tal como quedó en la tabla (la columna puede volverse decimal al agregar una fila:
    25.0 vale 25): un entero, 0 si está vacío, o None si no es un número entero."""
    if valor is None or valor != valor or str(valor).strip() == "":  # vacío o NaN (fila nueva sin peso)
        return 0
    try:
        numero = float(valor)
    except (TypeError, ValueError):
        return None
    return int(numero) if numero.is_integer() else None


if creado:
    errores = []
    try:
        techo_centimos = soles_a_centimos(techo) or 0
    except ErrorPlataforma as error:
        techo_centimos = 0
        errores.append(f"Techo presupuestal: {error}")
    periodos = []
    for fase, valor in fechas.items():
        if not isinstance(valor, (tuple, list)) or len(valor) != 2:
            errores.append(f"{fase.etiqueta}: elija la fecha de inicio y la de fin.")
            continue
        periodos.append(PeriodoFase(fase, valor[0], valor[1]))
    pesos = [_peso(c.get("peso")) for c in criterios]
    errores += [f"Criterios: el peso de «{c.get('nombre') or c.get('clave') or n}» debe ser un número entero "
                f"(dice «{c.get('peso')}»)." for n, (c, peso) in enumerate(zip(criterios, pesos), 1) if peso is None]
    for error in errores:
        st.error(comun.texto_plano(error))
    if not errores:
        lista_criterios = tuple(Criterio(str(c.get("clave") or "").strip(), str(c.get("nombre") or "").strip(), peso,
                                         str(c.get("descripcion") or "")) for c, peso in zip(criterios, pesos))
        proceso = Proceso(id=editado.id if editado else None, nombre=nombre, codigo=codigo.strip().upper(),
                          provincia=provincia, fases=tuple(periodos), techo_centimos=techo_centimos,
                          ejes=tuple(ejes.splitlines()), criterios=lista_criterios, propuestas_anonimas=anonimas)
        try:
            with comun.conexion() as db:
                guardar = servicios.actualizar_proceso if editado else servicios.crear_proceso
                nuevo = guardar(db, proceso, actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            registro = nuevo.fases[1]
            comun.avisar(f"Proceso {nuevo.codigo} {'actualizado' if editado else 'creado'}. Registro de propuestas: "
                         f"del {formatear_fecha(registro.inicio)} al {formatear_fecha(registro.fin)}.")
            st.rerun()
