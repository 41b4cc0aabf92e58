"""Agentes participantes de un proceso: registro con consentimiento (Ley 29733), códigos de acceso,
ingreso con código (abre una sesión en el servidor, `identidad.sesiones`), corregir sus datos (con motivo), y exportar
o borrar sus datos personales.

Los códigos tienen 10 caracteres de un alfabeto sin caracteres ambiguos (31 símbolos: 31¹⁰ ≈ 8,2 × 10¹⁴,
49,5 bits) y se buscan por su huella HMAC-SHA256 con una clave que no está en la base. Mientras nadie los
usó, se guardan además cifrados con esa misma clave (para reimprimir una tarjeta que no llegó a imprimirse);
al primer ingreso, o al revocarlos, el cifrado se borra y queda solo la huella. Quien robe solo la base no
puede leerlos ni probarlos sin conexión.

Adivinar: cada origen (la IP) tiene a lo más 20 fallos cada 15 minutos; con 1 000 códigos vigentes, cada
intento acierta con probabilidad 1 000 / 31¹⁰ ≈ 1,2 × 10⁻¹²: aun 250 celulares probando sin parar
(480 000 intentos al día) tardarían unos 4 600 años en tener una chance de 1 en 2. No hay un límite
global: uno así dejaría afuera a todos por culpa de una sola persona.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import re
import secrets

from sqlite_utils import Database

from identidad import sesiones
from identidad.acceso import Accion, Actor, Rol, SinPermiso, exigir, puede
from identidad.cuentas import ErrorCuenta, anotar_intento, limitar_intentos
from identidad.sesiones import Sesion
from nucleo.db import Evento, escritura, marca, registrar_evento, secreto_de_codigos
from nucleo.errores import DatosInvalidos, NoEncontrada, Problema
from nucleo.formato import limpiar, limpiar_linea

ALFABETO = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # sin 0, 1, I, L, O: 31 símbolos
LARGO_CODIGO = 10
TIPOS = {"organizacion": "Agente participante de una organización", "joven": "Joven", "ciudadano": "Ciudadana o ciudadano"}
# Quién participa (opcional, con el mismo consentimiento): sexo y franja de edad; de la edad solo se guarda la franja.
SEXOS = {"mujer": "Mujer", "hombre": "Hombre", "otro": "Otra identidad"}
FRANJAS_EDAD = {"12_14": "12 a 14 años", "15_29": "15 a 29 años (joven)", "30_59": "30 a 59 años",
                "60_mas": "60 años a más"}
EDAD_MINIMA, EDAD_MAXIMA = 12, 110


def franja_de_edad(edad: int) -> str:
    """La franja de una edad en años; «15_29» es la juventud de la Ley 27802 (Consejo Nacional de la Juventud)."""
    if edad < 15:
        return "12_14"
    if edad <= 29:
        return "15_29"
    return "30_59" if edad <= 59 else "60_mas"


# Lo que se le lee a la persona antes de marcar su consentimiento (Ley 29733, art. 18: finalidad, quién, derechos).
AVISO_DATOS = ("Para qué: la secretaría técnica de la MCLCP usa el nombre, el DNI y el celular solo para este proceso "
               "participativo (emitir su código, verificar que es la misma persona, avisarle del taller). El DNI y el "
               "celular no se publican; el nombre, con la inicial del apellido, acompaña sus argumentos. Puede pedir "
               "verlos, corregirlos o borrarlos a la MCLCP; se borran según la regla de conservación del proceso.")


def generar_codigo() -> str:
    crudo = "".join(secrets.choice(ALFABETO) for _ in range(LARGO_CODIGO))
    return f"{crudo[:5]}-{crudo[5:]}"


def normalizar_codigo(texto: str) -> str:
    """Acepta minúsculas, espacios y guiones: «abcde fghjk» es lo mismo que «ABCDE-FGHJK»."""
    return re.sub(r"[\s-]", "", (texto or "").upper())


def huella(codigo: str, secreto: bytes) -> str:
    return hmac.new(secreto, normalizar_codigo(codigo).encode(), hashlib.sha256).hexdigest()


def validar_participante(datos: dict, *, exigir_consentimiento: bool = True) -> dict:
    """Los datos de una persona, limpios; al corregirlos no se pide de nuevo el consentimiento (ya consta)."""
    problemas = []
    nombre = limpiar_linea(datos.get("nombre")) if isinstance(datos.get("nombre"), (str, type(None))) else ""
    if not 2 <= len(nombre) <= 120:
        problemas.append(Problema("nombre", f"El nombre tiene {len(nombre)} caracteres; debe tener entre 2 y 120."))
    tipo = datos.get("tipo") if isinstance(datos.get("tipo"), str) else None
    if tipo not in TIPOS:
        problemas.append(Problema("tipo", f"El tipo {tipo!r} no es válido; elija organización, joven o ciudadano."))
    organizacion = limpiar_linea(str(datos.get("organizacion") or "")) or None
    if tipo == "organizacion" and not organizacion:
        problemas.append(Problema("organizacion", "Indique la organización a la que representa."))
    if organizacion and len(organizacion) > 160:
        problemas.append(Problema("organizacion", f"La organización tiene {len(organizacion)} caracteres; máximo 160."))
    dni = re.sub(r"\s", "", str(datos.get("dni") or "")) or None
    if dni and not re.fullmatch(r"[0-9]{8}", dni):
        problemas.append(Problema("dni", f"El DNI «{dni}» no es válido; tiene 8 dígitos."))
    telefono = re.sub(r"[\s-]", "", str(datos.get("telefono") or "")).removeprefix("+51") or None
    if telefono and not re.fullmatch(r"9[0-9]{8}", telefono):
        problemas.append(Problema("telefono", f"El celular «{telefono}» no es válido; tiene 9 dígitos y empieza con 9."))
    sexo = datos.get("sexo") or None
    if sexo is not None and sexo not in SEXOS:
        problemas.append(Problema("sexo", f"Sexo: «{sexo}» no es una opción; elija {', '.join(SEXOS.values())} (o "
                                          "déjelo vacío)."))
    franja = _franja(datos, problemas)
    if exigir_consentimiento and datos.get("consentimiento") is not True:
        problemas.append(Problema("consentimiento", "Hace falta el consentimiento para tratar sus datos personales "
                                                    "(Ley 29733)."))
    if problemas:
        raise DatosInvalidos(problemas)
    return {"nombre": nombre, "tipo": tipo, "organizacion": organizacion, "ubigeo": datos.get("ubigeo") or None,
            "dni": dni, "telefono": telefono, "sexo": sexo, "franja_edad": franja}


def _franja(datos: dict, problemas: list[Problema]) -> str | None:
    """La franja de la edad escrita (`edad`, en años) o la ya guardada (`franja_edad`, al corregir otra cosa)."""
    edad = datos.get("edad")
    if edad is None or (isinstance(edad, str) and not edad.strip()):
        franja = datos.get("franja_edad") or None
        if franja is not None and franja not in FRANJAS_EDAD:
            problemas.append(Problema("edad", f"Franja de edad «{franja}» no es válida."))
            return None
        return franja
    franja, mensaje = leer_edad(edad)
    if mensaje:
        problemas.append(Problema("edad", mensaje))
    return franja


def leer_edad(edad: object) -> tuple[str | None, str | None]:
    """(franja, None) de una edad en años (número o texto), o (None, el mensaje para la persona). Vacía: (None,
    None). También la usa el formulario de propuestas."""
    if edad is None or (isinstance(edad, str) and not edad.strip()):
        return None, None
    try:
        if isinstance(edad, bool) or not isinstance(edad, (int, float, str)) or (
                isinstance(edad, float) and not edad.is_integer()):
            raise ValueError
        anios = int(edad.strip()) if isinstance(edad, str) else int(edad)
    except ValueError:
        return None, f"Edad: «{edad}» no es un número de años."
    if not EDAD_MINIMA <= anios <= EDAD_MAXIMA:
        return None, (f"Edad: {anios} años no es válida; escriba la edad en años, de {EDAD_MINIMA} a {EDAD_MAXIMA} "
                      "(o déjela vacía).")
    return franja_de_edad(anios), None


def registrar_participante(db: Database, proceso_id: int, datos: dict, *, actor: Actor,
                           ahora: dt.datetime) -> tuple[int, str]:
    """Registra a un agente participante y le emite su código (se muestra una sola vez)."""
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    limpio = validar_participante(datos)
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        if not db.execute("SELECT 1 FROM procesos WHERE id = ?", [proceso_id]).fetchone():
            raise NoEncontrada(f"No existe el proceso {proceso_id}.")
        participante_id = int(db.table("participantes").insert({**limpio, "proceso_id": proceso_id,
                                                              "consentimiento_en": marca(ahora),
                                                              "registrado_en": marca(ahora)}).last_pk or 0)
        codigo = _emitir(db, participante_id, ahora)
        registrar_evento(db, Evento(actor.etiqueta, "registrar_participante", "participante", participante_id, None,
                                    {"tipo": limpio["tipo"], "ubigeo": limpio["ubigeo"]}), momento=ahora)
    return participante_id, codigo


CAMPOS_RECTIFICABLES = ("nombre", "tipo", "organizacion", "ubigeo", "dni", "telefono", "sexo", "franja_edad")
# En los eventos (que no se borran) van enmascarados: si luego se borran sus datos, no quedan allí (Ley 29733).
PERSONALES = ("nombre", "dni", "telefono")


def rectificar_participante(db: Database, participante_id: int, cambios: dict, *, motivo: str, actor: Actor,
                            ahora: dt.datetime) -> dict:
    """Corrige datos de un participante (derecho de rectificación) con la misma validación que al registrarlo.

    `cambios` trae solo los campos a corregir. El evento guarda el motivo y, de cada campo corregido, el valor
    anterior y el nuevo (nombre, DNI y celular, enmascarados). Nada se borra: la persona sigue siendo la misma.
    """
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    corregibles = ", ".join(CAMPOS_RECTIFICABLES)
    problemas = [Problema(campo, f"El campo «{campo}» no se corrige aquí; se corrigen: {corregibles}.")
                 for campo in sorted(set(cambios) - set(CAMPOS_RECTIFICABLES) - {"edad"})]
    motivo = limpiar(motivo if isinstance(motivo, str) else "")
    if not 5 <= len(motivo) <= 2000:
        problemas.append(Problema("motivo", f"El motivo tiene {len(motivo)} caracteres; debe tener entre 5 y 2000."))
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        actual = _exigir_participante(db, participante_id)
        if actual["datos_borrados_en"]:
            raise DatosInvalidos([Problema("participante", f"Los datos personales del participante {participante_id} "
                                                           "se borraron (Ley 29733): no hay datos que corregir.")])
        try:
            limpio = validar_participante({**{c: actual[c] for c in CAMPOS_RECTIFICABLES}, **cambios},
                                          exigir_consentimiento=False)
        except DatosInvalidos as error:
            problemas += error.problemas
            limpio = actual
        corregidos = {c: limpio[c] for c in CAMPOS_RECTIFICABLES if limpio[c] != actual[c]}
        if not problemas and not corregidos:
            problemas.append(Problema("cambios", "No hay nada que corregir: los datos son iguales a los registrados."))
        if problemas:
            raise DatosInvalidos(problemas)
        db.table("participantes").update(participante_id, corregidos)
        registrar_evento(db, Evento(actor.etiqueta, "rectificar_participante", "participante", participante_id,
                                    {c: _para_evento(c, actual[c]) for c in corregidos},
                                    {**{c: _para_evento(c, v) for c, v in corregidos.items()}, "motivo": motivo}),
                         momento=ahora)
    return {**actual, **corregidos}


def _para_evento(campo: str, valor: str | None) -> str | None:
    return _enmascarar(valor) if campo in PERSONALES else valor


def reemitir_codigo(db: Database, participante_id: int, *, actor: Actor, ahora: dt.datetime) -> str:
    """Revoca el código vigente de esta persona (y cierra sus sesiones) y le emite otro (tarjeta perdida).

    Las tarjetas de las demás personas no cambian.
    """
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        _exigir_participante(db, participante_id)
        sesiones.revocar_de_participante(db, participante_id, sesiones.CODIGO_REEMITIDO, ahora=ahora)
        codigo = _emitir(db, participante_id, ahora)
        registrar_evento(db, Evento(actor.etiqueta, "reemitir_codigo", "participante", participante_id, None, None),
                         momento=ahora)
    return codigo


def revocar_codigo(db: Database, participante_id: int, *, actor: Actor, ahora: dt.datetime) -> None:
    """El código vigente deja de valer y las sesiones abiertas con él se cierran en el acto."""
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    with escritura(db):
        sesiones.exigir_vigente(db, actor, ahora=ahora)
        _exigir_participante(db, participante_id)
        _revocar_codigos(db, participante_id, ahora)
        sesiones.revocar_de_participante(db, participante_id, sesiones.CODIGO_REVOCADO, ahora=ahora)
        registrar_evento(db, Evento(actor.etiqueta, "revocar_codigo", "participante", participante_id, None, None),
                         momento=ahora)


def _revocar_codigos(db: Database, participante_id: int, ahora: dt.datetime) -> None:
    db.execute("UPDATE codigos_acceso SET revocado_en = ?, cifrado = NULL WHERE participante_id = ? "
               "AND revocado_en IS NULL", [marca(ahora), participante_id])


def _emitir(db: Database, participante_id: int, ahora: dt.datetime) -> str:
    _revocar_codigos(db, participante_id, ahora)
    secreto = secreto_de_codigos(db)
    while True:
        codigo = generar_codigo()
        if not db.execute("SELECT 1 FROM codigos_acceso WHERE huella = ?", [huella(codigo, secreto)]).fetchone():
            break
    db.table("codigos_acceso").insert({"participante_id": participante_id, "huella": huella(codigo, secreto),
                                 "emitido_en": marca(ahora), "cifrado": cifrar(codigo, secreto)})
    return codigo


def cifrar(codigo: str, secreto: bytes) -> str:
    """El código cifrado para reimprimir su tarjeta: un número al azar (16 bytes) y el código XOR
    HMAC-SHA256(clave, «tarjeta:» + número), que es un flujo de cifrado con HMAC como función pseudoaleatoria."""
    numero = secrets.token_bytes(16)
    claro = normalizar_codigo(codigo).encode()
    flujo = hmac.new(secreto, b"tarjeta:" + numero, hashlib.sha256).digest()
    return (numero + bytes(a ^ b for a, b in zip(claro, flujo))).hex()


def descifrar(cifrado: str, secreto: bytes) -> str:
    crudo = bytes.fromhex(cifrado)
    numero, oculto = crudo[:16], crudo[16:]
    flujo = hmac.new(secreto, b"tarjeta:" + numero, hashlib.sha256).digest()
    claro = bytes(a ^ b for a, b in zip(oculto, flujo)).decode()
    return f"{claro[:5]}-{claro[5:]}"


def tarjetas_sin_usar(db: Database, proceso_id: int, *, actor: Actor,
                      participantes: list[int] | None = None) -> list[tuple[str, str]]:
    """(nombre, código) de las tarjetas vigentes que nadie usó todavía, para reimprimirlas iguales.

    Con `participantes`, solo las de esas personas (un lote). Una tarjeta ya usada no se reimprime: si se
    perdió, se emite un código nuevo para esa persona (y solo el de ella deja de valer).
    """
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    secreto = secreto_de_codigos(db)
    filas = db.execute("""
        SELECT p.id, p.nombre, c.cifrado FROM codigos_acceso c JOIN participantes p ON p.id = c.participante_id
        WHERE p.proceso_id = ? AND c.revocado_en IS NULL AND c.usado_en IS NULL AND c.cifrado IS NOT NULL
          AND p.datos_borrados_en IS NULL ORDER BY p.id""", [proceso_id]).fetchall()
    return [(nombre, descifrar(cifrado, secreto)) for pid, nombre, cifrado in filas
            if participantes is None or pid in participantes]


def entrar_con_codigo(db: Database, codigo: str, *, origen: str, ahora: dt.datetime) -> Sesion:
    """Ingreso de un participante con su código: abre una sesión en el servidor (su token va a la cookie).

    Solo se frena el origen que falla mucho (`limitar_intentos`: la IP, que quien ataca no renueva gratis);
    no hay un tope global, así que los fallos de otros nunca dejan afuera a quien trae un código válido.
    """
    error: ErrorCuenta | None = None
    with escritura(db):
        limitar_intentos(db, origen, "codigo", ahora)
        fila = db.execute("""
            SELECT p.id, c.id FROM codigos_acceso c JOIN participantes p ON p.id = c.participante_id
            WHERE c.huella = ? AND c.revocado_en IS NULL AND p.datos_borrados_en IS NULL""",
                          [huella(codigo, secreto_de_codigos(db))]).fetchone()
        anotar_intento(db, origen, "codigo", fila is not None, ahora)
        if fila is None:
            error = ErrorCuenta(f"El código «{(codigo or '').strip()[:20]}» no es válido o fue revocado. Revise su "
                                "tarjeta; si la perdió, pida otra a la mesa de registro.")
        else:
            db.execute("UPDATE codigos_acceso SET usado_en = coalesce(usado_en, ?), cifrado = NULL WHERE id = ?",
                       [marca(ahora), fila[1]])
            actor = Actor(Rol.PARTICIPANTE, f"participante {fila[0]}", participante_id=fila[0])
            sesion = sesiones.crear(db, actor=actor, ahora=ahora)
            registrar_evento(db, Evento(actor.etiqueta, "entrar_con_codigo", "participante", fila[0], None,
                                        {"sesion": sesion.actor.sesion_id}), momento=ahora)
    if error:
        raise error
    return sesion


def nombre_propio(db: Database, *, actor: Actor) -> str:
    """El nombre de quien entró con su código, solo para mostrárselo a esa misma persona («Rosa Huamán», no
    «participante 1»)."""
    if actor.participante_id is None:
        raise SinPermiso("Solo un agente participante con su código tiene nombre propio aquí.")
    fila = db.execute("SELECT nombre FROM participantes WHERE id = ? AND datos_borrados_en IS NULL",
                      [actor.participante_id]).fetchone()
    return fila[0] if fila and fila[0] else actor.nombre


def listar_participantes(db: Database, proceso_id: int, *, actor: Actor) -> list[dict]:
    """Participantes del proceso; DNI y celular solo para quien puede ver datos personales (enmascarados si no)."""
    exigir(actor, Accion.GESTIONAR_PARTICIPANTES)
    completos = bool(puede(actor, Accion.VER_DATOS_PERSONALES))
    filas = []
    for fila in db.execute("""
            SELECT p.*, (SELECT count(*) FROM codigos_acceso c WHERE c.participante_id = p.id AND c.revocado_en IS NULL)
                   AS codigo_vigente
            FROM participantes p WHERE proceso_id = ? ORDER BY id""", [proceso_id]).fetchall():
        registro = dict(zip(_columnas(db), fila))
        if not completos:
            registro["dni"] = _enmascarar(registro["dni"])
            registro["telefono"] = _enmascarar(registro["telefono"])
        filas.append(registro)
    return filas


def datos_de(db: Database, participante_id: int) -> dict:
    """Lo que la identidad guarda de una persona: su registro y sus códigos (sin el código en claro). Lo pide
    `propuestas.datos_personales`, que agrega sus propuestas y revisa el permiso."""
    registro = _exigir_participante(db, participante_id)
    codigos = [dict(zip(("emitido_en", "revocado_en"), f)) for f in db.execute(
        "SELECT emitido_en, revocado_en FROM codigos_acceso WHERE participante_id = ? ORDER BY id", [participante_id])]
    return {"participante": registro, "codigos_de_acceso": codigos}


def para_buscar(db: Database) -> list[dict]:
    """Cada participante con lo que sirve para encontrarlo (derechos de la Ley 29733; ver
    `propuestas.datos_personales`)."""
    return [dict(f) for f in db["participantes"].rows_where(
        select="id, proceso_id, nombre, tipo, dni, telefono, registrado_en, datos_borrados_en", order_by="id")]


def nombres_de(db: Database, ids: list[int]) -> list[str]:
    marcas = ", ".join("?" for _ in ids)
    return [f[0] for f in db.execute(f"SELECT nombre FROM participantes WHERE id IN ({marcas})", ids)] if ids else []


def contactos_pendientes(db: Database, proceso_id: int) -> int:
    return db.execute("SELECT count(*) FROM participantes WHERE proceso_id = ? AND (telefono IS NOT NULL OR "
                      "dni IS NOT NULL)", [proceso_id]).fetchone()[0]


def borrar_contactos_de_proceso(db: Database, proceso_id: int) -> int:
    """Dentro de una escritura: sin celular ni DNI en los participantes del proceso (regla de conservación; el
    nombre y el registro quedan)."""
    return db.execute("UPDATE participantes SET telefono = NULL, dni = NULL WHERE proceso_id = ? AND "
                      "(telefono IS NOT NULL OR dni IS NOT NULL)", [proceso_id]).rowcount


def exigir_del_proceso(db: Database, participante_id: int, proceso_id: int, mensaje: str) -> None:
    """La persona es de ese proceso y sus datos no se borraron (si no, `SinPermiso` con `mensaje`, o su sesión
    termina)."""
    fila = db.execute("SELECT proceso_id, datos_borrados_en FROM participantes WHERE id = ?", [participante_id]).fetchone()
    if fila is None or fila[0] != proceso_id:
        raise SinPermiso(mensaje)
    if fila[1]:
        raise sesiones.SesionTerminada(sesiones.DATOS_BORRADOS)


def seudonimizar(db: Database, participante_id: int, seudonimo: str, *, ahora: dt.datetime) -> None:
    """Dentro de una escritura: borra nombre, DNI y celular, revoca sus códigos y cierra sus sesiones."""
    _exigir_participante(db, participante_id)
    db.execute("UPDATE participantes SET nombre = ?, dni = NULL, telefono = NULL, datos_borrados_en = ? "
               "WHERE id = ?", [seudonimo, marca(ahora), participante_id])
    _revocar_codigos(db, participante_id, ahora)
    sesiones.revocar_de_participante(db, participante_id, sesiones.DATOS_BORRADOS, ahora=ahora)


def tarjetas_pdf(tarjetas: list[tuple[str, str]], *, proceso: str, url_base: str) -> bytes:
    """PDF A4 con 8 tarjetas (nombre, código y QR que abre la app con el código) por página."""
    import segno
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica")
    ancho, alto, margen = 95, 68, 10
    for indice, (nombre, codigo) in enumerate(tarjetas):
        if indice % 8 == 0:
            pdf.add_page()
        columna, fila = indice % 2, (indice % 8) // 2
        x, y = margen + columna * ancho, margen + fila * alto
        pdf.set_draw_color(120)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, ancho - 2, alto - 2)
        pdf.set_dash_pattern()
        qr = io.BytesIO()
        segno.make(f"{url_base.rstrip('/')}/entrar?codigo={codigo}", error="m").save(qr, kind="png", scale=6, border=1)
        pdf.image(qr, x=x + 4, y=y + 10, w=40, h=40)
        pdf.set_xy(x + 48, y + 8)
        pdf.set_font(size=8)
        pdf.multi_cell(ancho - 54, 4, _latin1(proceso))
        pdf.set_xy(x + 48, y + 24)
        pdf.set_font(size=11, style="B")
        pdf.multi_cell(ancho - 54, 5, _latin1(nombre))
        pdf.set_xy(x + 48, y + 40)
        pdf.set_font("courier", size=15, style="B")
        pdf.cell(ancho - 54, 8, codigo)
        pdf.set_font("helvetica", size=7)
        pdf.set_xy(x + 4, y + 54)
        pdf.multi_cell(ancho - 10, 3.5, _latin1("Código de acceso personal: no lo comparta. Escanee el QR o entre "
                                                 "a la plataforma y escriba el código."))
    return bytes(pdf.output())


def _latin1(texto: str) -> str:
    """Las fuentes base del PDF usan Latin-1: lo demás (emojis, comillas raras) se reemplaza por «?»."""
    return texto.encode("latin-1", "replace").decode("latin-1")


def _enmascarar(valor: str | None) -> str | None:
    return None if not valor else "•" * (len(valor) - 2) + valor[-2:]


def _columnas(db: Database) -> list[str]:
    return [*db["participantes"].columns_dict, "codigo_vigente"]


def _exigir_participante(db: Database, participante_id: int) -> dict:
    filas = list(db["participantes"].rows_where("id = ?", [participante_id]))
    if not filas:
        raise NoEncontrada(f"No existe el participante {participante_id}.")
    return dict(filas[0])
