"""Quién es quién: roles y permisos (`acceso`), cuentas del equipo con contraseña (`cuentas`), sesiones en el
servidor (`sesiones`), agentes participantes y sus códigos de acceso (`participantes`), y los casos de uso de
administración de la base entera (`respaldo`).

Segundo piso: importa solo `nucleo`.
"""
