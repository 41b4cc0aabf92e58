"""Cuentas del equipo: crear (administración, facilitación, equipo técnico) y desactivar."""
import streamlit as st

import nucleo
from identidad import cuentas
from identidad.acceso import Accion, Rol
from nucleo.errores import ErrorPlataforma
from nucleo.formato import formatear_momento
from paginas import comun

actor = comun.exigir_pagina(Accion.GESTIONAR_CUENTAS)
st.title("Cuentas del equipo")
comun.mostrar_aviso()
with comun.conexion() as db:
    lista = cuentas.listar_cuentas(db, actor=actor)
comun.tabla([{"Usuario": c["usuario"], "Nombre": c["nombre"], "Rol": Rol(c["rol"]).etiqueta,
              "Creada (hora del Perú)": formatear_momento(c["creada_en"]),
              "Estado": "desactivada" if c["desactivada_en"] else "debe cambiar su contraseña inicial"
              if c["debe_cambiar_contrasena"] else "activa"}
             for c in lista], vacia="Todavía no hay cuentas del equipo.")

st.subheader("Nueva cuenta", anchor=False)
with st.form("cuentas_nueva"):
    usuario = st.text_input("Usuario (minúsculas, sin espacios)", key="cuentas_usuario")
    nombre = st.text_input("Nombre completo", key="cuentas_nombre")
    rol = st.selectbox("Rol", [Rol.FACILITADOR, Rol.EVALUADOR, Rol.VIGILANCIA, Rol.ADMINISTRADOR],
                       format_func=lambda r: r.etiqueta,
                       key="cuentas_rol", placeholder="Elija un rol")
    contrasena = st.text_input("Contraseña inicial (al entrar por primera vez, la persona debe cambiarla)",
                               type="password", key="cuentas_contrasena")
    if st.form_submit_button("Crear cuenta", type="primary"):
        with comun.conexion() as db:
            try:
                cuentas.crear_cuenta(db, usuario=usuario, nombre=nombre, rol=rol, contrasena=contrasena, actor=actor,
                                     ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_problemas([p.mensaje for p in error.problemas] or [str(error)])
            else:
                comun.avisar(f"Cuenta «{usuario.strip().lower()}» creada.")
                st.rerun()

activas = [c for c in lista if not c["desactivada_en"] and c["id"] != actor.cuenta_id]
if activas:
    st.subheader("Desactivar una cuenta", anchor=False)
    elegida = st.selectbox("Cuenta", activas, format_func=lambda c: f"{c['usuario']} — {c['nombre']}",
                           key="cuentas_desactivar", placeholder="Elija una cuenta")
    if st.button("Desactivar", key="cuentas_desactivar_boton"):
        with comun.conexion() as db:
            try:
                cuentas.desactivar_cuenta(db, elegida["id"], actor=actor, ahora=nucleo.ahora())
            except ErrorPlataforma as error:
                comun.mostrar_error(error)
            else:
                comun.avisar(f"Cuenta «{elegida['usuario']}» desactivada (no se borra; queda en el historial). Sus "
                             "sesiones abiertas se cerraron.")
                st.rerun()
