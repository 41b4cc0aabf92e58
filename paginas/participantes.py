"""Participantes y códigos: registrar agentes participantes, imprimir tarjetas con QR, revocar, corregir sus datos
(con motivo), y (administración) exportar o borrar datos personales."""

import streamlit as st

import nucleo
from geo import servicios as territorio
from identidad import participantes
from identidad.acceso import Accion, puede
from nucleo.errores import ErrorPlataforma
from paginas import comun, piezas_participacion
from propuestas import datos_personales, servicios

CLAVE_TARJETAS = "participantes_tarjetas"
CLAVE_VACIAR = "participantes_vaciar"  # tras registrar bien: el formulario vuelve vacío para la siguiente persona
VACIO = {"participante_nombre": "", "participante_tipo": next(iter(participantes.TIPOS)), "participante_organizacion": "",
         "participante_distrito": None, "participante_dni": "", "participante_telefono": "",
         "participante_consentimiento": False, **piezas_participacion.vacios("participante")}
CLAVE_CORREGIDO = "participantes_corregido"  # (id, mensaje) tras guardar una corrección


def corregir(persona: dict, distritos: dict) -> None:
    """Rectificación: el formulario empieza con lo registrado y se envía solo lo que cambió, con el motivo."""
    pid = persona["id"]
    if persona["datos_borrados_en"]:
        st.caption("Sus datos personales se borraron (Ley 29733): no hay datos que corregir.")
        return
    corregido = st.session_state.pop(CLAVE_CORREGIDO, None)
    if corregido and corregido[0] == pid:
        st.session_state[f"corregir_{pid}_motivo"] = ""
    actuales = {"nombre": persona["nombre"], "tipo": persona["tipo"], "organizacion": persona["organizacion"] or "",
                "ubigeo": persona["ubigeo"] if persona["ubigeo"] in distritos else None,
                "dni": persona["dni"] or "", "telefono": persona["telefono"] or ""}
    ubigeos = [None, *distritos]
    with st.form(f"participantes_corregir_{pid}"):
        nuevos = {
            "nombre": st.text_input("Nombre completo", value=actuales["nombre"], key=f"corregir_{pid}_nombre"),
            "tipo": st.selectbox("Tipo", list(participantes.TIPOS), format_func=participantes.TIPOS.get,
                                 index=list(participantes.TIPOS).index(actuales["tipo"]), key=f"corregir_{pid}_tipo",
                                 placeholder="Elija un tipo"),
            "organizacion": st.text_input("Organización (si representa a una)", value=actuales["organizacion"],
                                          key=f"corregir_{pid}_organizacion"),
            "ubigeo": st.selectbox("Distrito", ubigeos, format_func=lambda u: "—" if u is None else distritos[u],
                                   index=ubigeos.index(actuales["ubigeo"]), key=f"corregir_{pid}_distrito",
                                   placeholder="Elija un distrito"),
            "dni": st.text_input("DNI (no se publica)", value=actuales["dni"], key=f"corregir_{pid}_dni"),
            "telefono": st.text_input("Celular (no se publica)", value=actuales["telefono"],
                                      key=f"corregir_{pid}_telefono"),
        }
        motivo = st.text_area("Motivo de la corrección (obligatorio; queda registrado)", key=f"corregir_{pid}_motivo")
        if st.form_submit_button("Guardar la corrección"):
            with comun.conexion() as db:
                try:
                    participantes.rectificar_participante(
                        db, pid, {c: v for c, v in nuevos.items() if v != actuales[c]}, motivo=motivo, actor=actor,
                        ahora=nucleo.ahora())
                except ErrorPlataforma as error:
                    comun.mostrar_error(error)
                else:
                    st.session_state[CLAVE_CORREGIDO] = (pid, f"Datos de {nuevos['nombre'].strip()} corregidos.")
                    st.rerun()
    if corregido and corregido[0] == pid:
        st.success(corregido[1], icon=":material/check_circle:")


actor = comun.exigir_pagina(Accion.GESTIONAR_PARTICIPANTES)
st.title("Participantes y códigos de acceso")
comun.mostrar_aviso()
with comun.conexion() as db:
    proceso = servicios.proceso_actual(db)
    vigente = territorio.cargar_territorio(db)
if proceso is None:
    st.info("Primero cree un proceso participativo.")
    st.stop()
st.caption(comun.texto_plano(proceso.nombre))

tarjetas = st.session_state.get(CLAVE_TARJETAS)
if tarjetas:
    st.success("Códigos emitidos en esta tanda: descargue e imprima las tarjetas. Mientras nadie use una tarjeta, "
               "se puede volver a imprimir igual desde «Reimprimir tarjetas sin usar».")
    comun.tabla([{"Participante": n, "Código": c} for n, c in tarjetas], vacia="No se emitió ningún código.",
                width="content")
    st.download_button("Descargar tarjetas (PDF, 8 por hoja A4)", key="participantes_pdf", mime="application/pdf",
                       data=participantes.tarjetas_pdf(tarjetas, proceso=proceso.nombre, url_base=comun.url_publica()),
                       file_name="tarjetas-de-acceso.pdf")
    if st.button("Listo, ya las imprimí", key="participantes_listo"):
        del st.session_state[CLAVE_TARJETAS]
        st.rerun()

distritos = {d.ubigeo: d.nombre for d in vigente.distritos} if vigente else {}
if st.session_state.pop(CLAVE_VACIAR, False):
    st.session_state.update(VACIO)  # antes de dibujar el formulario (si hubo un error, lo escrito se queda)
with st.form("participantes_nuevo"):
    st.subheader("Registrar participante", anchor=False)
    nombre = st.text_input("Nombre completo", key="participante_nombre")
    tipo = st.selectbox("Tipo", list(participantes.TIPOS), format_func=participantes.TIPOS.get, key="participante_tipo",
                        placeholder="Elija un tipo")
    organizacion = st.text_input("Organización (si representa a una)", key="participante_organizacion")
    ubigeo = st.selectbox("Distrito", list(distritos), format_func=distritos.get, index=None,
                          placeholder="Elija el distrito (opcional)", key="participante_distrito")
    dni = st.text_input("DNI (opcional, para verificar; no se publica)", key="participante_dni")
    telefono = st.text_input("Celular (opcional; no se publica)", key="participante_telefono")
    quien = piezas_participacion.sexo_y_edad("participante")
    st.caption(participantes.AVISO_DATOS)
    consentimiento = st.checkbox("La persona consiente el tratamiento de sus datos personales para este proceso "
                                 "participativo (Ley 29733)", key="participante_consentimiento")
    if st.form_submit_button("Registrar y emitir código", type="primary"):
        with comun.conexion() as db:
            try:
                _, codigo = participantes.registrar_participante(
                    db, proceso.id, {"nombre": nombre, "tipo": tipo, "organizacion": organizacion, "ubigeo": ubigeo,
                                     "dni": dni, "telefono": telefono, "consentimiento": consentimiento, **quien},
                    actor=actor, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
            else:
                st.session_state[CLAVE_TARJETAS] = [*(st.session_state.get(CLAVE_TARJETAS) or []), (nombre.strip(), codigo)]
                st.session_state[CLAVE_VACIAR] = True
                st.rerun()

with comun.conexion() as db:
    lista = participantes.listar_participantes(db, proceso.id, actor=actor)
st.subheader(f"Registrados ({len(lista)})", anchor=False)
comun.tabla([{"N.º": p["id"], "Nombre": p["nombre"], "Tipo": participantes.TIPOS[p["tipo"]],
              "Organización": p["organizacion"] or "", "Distrito": distritos.get(p["ubigeo"], ""),
              "DNI": p["dni"] or "", "Celular": p["telefono"] or "",
              "Código": "vigente" if p["codigo_vigente"] else "sin código"} for p in lista],
            vacia="Todavía no hay agentes participantes registrados en este proceso.")
if not lista:
    st.stop()

with comun.conexion() as db:
    sin_usar = participantes.tarjetas_sin_usar(db, proceso.id, actor=actor)
with st.expander(f"Reimprimir tarjetas sin usar ({len(sin_usar)})"):
    st.caption("Las tarjetas que nadie usó todavía se reimprimen con el mismo código (la impresora falló, se "
               "cerró la página antes de imprimir). Una tarjeta ya usada no se reimprime: si se perdió, emita un "
               "código nuevo para esa persona.")
    if sin_usar:
        st.download_button(f"Descargar las {len(sin_usar)} tarjetas sin usar (PDF)", key="participantes_reimprimir",
                           data=participantes.tarjetas_pdf(sin_usar, proceso=proceso.nombre,
                                                           url_base=comun.url_publica()),
                           mime="application/pdf", file_name="tarjetas-sin-usar.pdf")

por_id = {p["id"]: p for p in lista}
# la etiqueta lleva el nombre, que puede corregirse: el selector estable no salta a otra persona
elegido = por_id[comun.selector_estable("Participante", {i: f"{i} — {p['nombre']}" for i, p in por_id.items()},
                                        clave="participantes_elegido")]
st.caption("«Emitir código nuevo» es para una tarjeta perdida: solo la tarjeta anterior de esta persona deja de "
           "valer (y su sesión abierta se cierra); las de las demás no cambian.")
izquierda, derecha = st.columns(2)
if izquierda.button("Emitir código nuevo para esta persona", key="participantes_reemitir"):
    with comun.conexion() as db:
        try:
            codigo = participantes.reemitir_codigo(db, elegido["id"], actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:  # se suma a las de la tanda sin imprimir: no las reemplaza
            anteriores = [t for t in st.session_state.get(CLAVE_TARJETAS) or [] if t[0] != elegido["nombre"]]
            st.session_state[CLAVE_TARJETAS] = [*anteriores, (elegido["nombre"], codigo)]
            st.rerun()
if derecha.button("Revocar código", key="participantes_revocar"):
    with comun.conexion() as db:
        try:
            participantes.revocar_codigo(db, elegido["id"], actor=actor, ahora=nucleo.ahora())
        except ErrorPlataforma as error:
            comun.mostrar_error(error)
        else:
            comun.avisar(f"Código de {elegido['nombre']} revocado; si tenía la plataforma abierta, su sesión se cerró.")
            st.rerun()

st.subheader("Corregir sus datos", anchor=False)
corregir(elegido, distritos)

if puede(actor, Accion.VER_DATOS_PERSONALES):
    st.subheader("Datos personales (Ley 29733)", anchor=False)
    st.page_link("paginas/datos_personales.py", icon=":material/badge:",  # lo completo: JSON y PDF, con su evento
                 label="Entregarle todo lo que guardamos de esta persona (buscarla en «Datos personales»)")
    confirma = st.checkbox("Confirmo: borrar nombre, DNI y celular (sus propuestas quedan, con seudónimo)",
                           key="participantes_confirma_borrar")
    if st.button("Borrar datos personales", key="participantes_borrar", disabled=not confirma):
        with comun.conexion() as db:
            try:
                datos_personales.borrar_datos_personales(db, elegido["id"], actor=actor, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
            else:
                comun.avisar(f"Datos personales del participante {elegido['id']} borrados.")
                st.rerun()
