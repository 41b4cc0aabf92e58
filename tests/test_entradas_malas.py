"""Entradas malas (hypothesis): HTML/JS, SQL, caracteres de control, RTL, emojis, quechua, textos enormes,
tipos equivocados. Cada una termina en un mensaje en castellano del tipo esperado, nunca en una
excepción cualquiera, y una falla no cambia la base."""
import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.lectura import leer_centros_poblados, leer_indicadores, leer_limites
from geo.modelo import ImportacionInvalida, Punto, PuntoInvalido
from identidad import participantes
from identidad.acceso import PUBLICO
from identidad.cuentas import validar_contrasena
from nucleo.errores import DatosInvalidos
from nucleo.formato import soles_a_centimos
from propuestas import servicios
from propuestas.modelo import PropuestaInvalida, validar_formulario
from tests.conftest import DATOS_JOVEN, HOY_REGISTRO, filas

CARGAS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE propuestas; --",
          "\" OR 1=1 --", "\u202eטקסט מימין לשמאל", "Qocha Ch'uspi 💧🌽", "\x00\x07\x1b[31m", "=HYPERLINK(\"x\")",
          "ñ" * 50_000, "", " ", "\n\n"]
TEXTOS = st.one_of(st.sampled_from(CARGAS), st.text(max_size=300))
VALORES = st.one_of(TEXTOS, st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
                    st.lists(st.integers(), max_size=3))
RAPIDO = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CAMPOS = ["titulo", "problema", "propuesta", "proponente_tipo", "proponente_nombre", "organizacion", "contacto",
          "objetivo", "tipo", "eje", "costo", "costo_om", "plazo_meses", "cofinanciamiento", "madurez", "cui",
          "directos_mujeres", "profundidad"]


@RAPIDO
@given(st.dictionaries(st.sampled_from(CAMPOS), VALORES))
def test_formulario_con_cualquier_cosa(datos):
    try:
        limpio = validar_formulario({**DATOS_JOVEN, **datos}, ejes=("Eje",), consentimiento_previo=False)
    except PropuestaInvalida as error:
        assert error.problemas and all(p.mensaje for p in error.problemas)
    else:
        assert 10 <= len(limpio["titulo"]) <= 120


@RAPIDO
@given(st.one_of(TEXTOS, st.integers(-10, 10**12), st.floats(allow_nan=True)))
def test_montos_con_cualquier_cosa(valor):
    try:
        centimos = soles_a_centimos(valor)
    except ValueError as error:
        assert "monto" in str(error)
    else:
        assert centimos is None or (isinstance(centimos, int) and centimos >= 0)


@RAPIDO
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), TEXTOS, st.none()),
       st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), TEXTOS, st.none()))
def test_puntos_con_cualquier_cosa(lat, lon):
    try:
        punto = Punto(lat, lon)
    except PuntoInvalido as error:
        assert "latitud" in str(error) or "longitud" in str(error)
    else:
        assert -90 <= punto.lat <= 90 and -180 <= punto.lon <= 180


@RAPIDO
@given(st.dictionaries(st.sampled_from(["nombre", "tipo", "organizacion", "dni", "telefono", "consentimiento"]),
                       VALORES))
def test_participante_con_cualquier_cosa(datos):
    try:
        limpio = participantes.validar_participante(datos)
    except DatosInvalidos as error:
        assert all(p.mensaje for p in error.problemas)
    except (AttributeError, TypeError) as error:  # tipos imposibles desde un formulario
        pytest.fail(f"{type(error).__name__}: {error}")
    else:  # aceptado: una línea de texto por campo, DNI de 8 dígitos, celular de 9 que empieza con 9
        assert datos.get("consentimiento") is True and limpio["tipo"] in participantes.TIPOS
        assert 2 <= len(limpio["nombre"]) <= 120 and "\n" not in limpio["nombre"]
        assert limpio["dni"] is None or re.fullmatch("[0-9]{8}", limpio["dni"])
        assert limpio["telefono"] is None or re.fullmatch("9[0-9]{8}", limpio["telefono"])


def test_dni_y_celular_solo_con_cifras_comunes():
    """`\\d` también acepta cifras arábigo-índicas o de ancho completo: un DNI así no existe en RENIEC."""
    for campo, valor in (("dni", "٤٥٦٧٨٩٠١"), ("dni", "４５６７８９０１"), ("telefono", "9８７６５４３２１")):
        with pytest.raises(DatosInvalidos, match=campo.upper() if campo == "dni" else "celular"):
            participantes.validar_participante({"nombre": "Rosa", "tipo": "joven", "consentimiento": True, campo: valor})


@RAPIDO
@given(TEXTOS)
@example("0" * 70 + "123")  # más de 72 caracteres: zxcvbn lanzaba ValueError (hallado por hypothesis)
def test_contrasenas_con_cualquier_cosa(contrasena):
    assert all(p.mensaje for p in validar_contrasena(contrasena, "ana"))


def test_una_frase_larga_y_dificil_es_una_buena_contrasena():
    frase = "Subimos al Alpamayo con mi tía Juana y vimos 3 cóndores sobre la laguna, cerca del refugio, en 2019"
    assert 72 < len(frase) <= 200 and validar_contrasena(frase, "rosa") == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000) | st.sampled_from([b"{", b"<kml>", b"PK\x03\x04", b"SQLite format 3\x00",
                                                   json.dumps({"type": "FeatureCollection", "features": [1]}).encode()]))
def test_archivos_con_cualquier_contenido(tmp_path_factory, contenido):
    ruta = tmp_path_factory.mktemp("malo") / "archivo.geojson"
    ruta.write_bytes(contenido)
    for leer in (leer_limites, leer_indicadores, leer_centros_poblados):
        try:
            leido = leer(ruta)
        except ImportacionInvalida as error:
            assert error.problemas and "archivo.geojson" in str(error)
        else:  # bytes al azar no son límites de Huaylas ni una tabla con sus filas
            pytest.fail(f"{leer.__name__} aceptó {contenido[:40]!r}: {leido!r:.200}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(CAMPOS + ["lat", "lon"]), VALORES, min_size=1))
def test_registrar_con_cualquier_cosa_no_deja_nada_a_medias(db_proceso, datos):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    try:
        servicios.guardar_borrador(db_proceso, clave, {**DATOS_JOVEN, **datos}, ahora=HOY_REGISTRO)
    except DatosInvalidos:
        return
    antes = {t: filas(db_proceso, t) for t in ("propuestas", "transiciones", "eventos")}
    try:
        propuesta = servicios.registrar(db_proceso, clave, actor=PUBLICO, ahora=HOY_REGISTRO)
    except DatosInvalidos as error:
        assert error.problemas
        assert {t: filas(db_proceso, t) for t in ("propuestas", "transiciones", "eventos")} == antes
    else:
        assert servicios.obtener(db_proceso, propuesta.codigo, actor=PUBLICO).propuesta.titulo == propuesta.titulo
