"""Casos de uso de propuestas: borradores, registro con punto-en-distrito, ciclo de vida, evaluación."""
import datetime as dt
import io

import pytest
from PIL import Image

from identidad.acceso import PUBLICO, SinPermiso
from nucleo.db import listar_eventos
from nucleo.errores import DatosInvalidos, NoEncontrada
from propuestas import servicios
from propuestas.modelo import AccionFueraDeFase, Estado, PropuestaInvalida, TransicionNoPermitida
from tests.bombas import png_enorme
from tests.conftest import (
    ADMIN,
    AHORA,
    DATOS_JOVEN,
    EVALUADORA,
    FACILITADORA,
    HOY_EVALUACION,
    HOY_REGISTRO,
    filas,
    registrar_propuesta,
)

TABLAS = ("propuestas", "transiciones", "evaluaciones", "fotos", "eventos")


def _foto(db):
    return {t: filas(db, t) for t in TABLAS}


def test_el_primer_proceso_queda_como_actual(db_proceso):
    actual = servicios.proceso_actual(db_proceso)
    assert actual.codigo == "PP27" and actual.es_actual


def test_codigo_de_proceso_repetido(db_proceso):
    proceso = servicios.proceso_sugerido("0212", dt.date(2026, 12, 1))
    with pytest.raises(DatosInvalidos, match="Ya existe un proceso con el código PP27"):
        servicios.crear_proceso(db_proceso, proceso, actor=ADMIN, ahora=AHORA)


def test_registrar_ubica_distrito_y_centro_poblado(db_proceso):
    propuesta = registrar_propuesta(db_proceso)
    assert (propuesta.codigo, propuesta.estado, propuesta.distrito, propuesta.ubigeo) == (
        "PP27-0001", Estado.REGISTRADA, "Caraz", "021201")
    assert propuesta.centro_poblado == "CARAZ" and propuesta.es_juvenil
    ficha = servicios.obtener(db_proceso, "PP27-0001", actor=PUBLICO)
    assert [(h["desde"], h["hacia"]) for h in ficha.historial] == [("borrador", "registrada")]
    acciones = [e["accion"] for e in listar_eventos(db_proceso, objeto_tipo="propuesta")]
    assert acciones == ["registrar_propuesta", "crear_borrador"]


def test_borrador_sobrevive_y_se_lee_tal_cual(db_proceso):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    servicios.guardar_borrador(db_proceso, clave, {"titulo": "Losa a medio escribir", "lat": "-9.05"},
                               ahora=HOY_REGISTRO)
    datos = servicios.leer_borrador(db_proceso, clave)
    assert datos["titulo"] == "Losa a medio escribir" and datos["lat"] == "-9.05" and datos["_estado"] == "borrador"
    with pytest.raises(NoEncontrada):
        servicios.leer_borrador(db_proceso, "clave-inventada")


def test_registrar_con_problemas_no_cambia_nada_y_los_dice_todos(db_proceso):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    servicios.guardar_borrador(db_proceso, clave, {**DATOS_JOVEN, "titulo": "Losa", "lat": -12.05, "lon": -77.04},
                               ahora=HOY_REGISTRO)
    antes = _foto(db_proceso)
    with pytest.raises(PropuestaInvalida) as error:
        servicios.registrar(db_proceso, clave, actor=PUBLICO, ahora=HOY_REGISTRO)
    mensajes = {p.campo: p.mensaje for p in error.value.problemas}
    assert set(mensajes) == {"titulo", "ubicacion"}
    assert "(-12.050000, -77.040000) está fuera de los distritos de la provincia Huaylas" in mensajes["ubicacion"]
    assert _foto(db_proceso) == antes and servicios.leer_borrador(db_proceso, clave)["_estado"] == "borrador"


def test_lat_lon_invertidas_se_rechazan(db_proceso):
    with pytest.raises(PropuestaInvalida, match="fuera de los distritos"):
        registrar_propuesta(db_proceso, {**DATOS_JOVEN, "lat": -77.8046, "lon": -9.0485})


def test_sin_ubicacion_pide_tocar_el_mapa(db_proceso):
    with pytest.raises(PropuestaInvalida, match="toque el mapa"):
        registrar_propuesta(db_proceso, {k: v for k, v in DATOS_JOVEN.items() if k not in ("lat", "lon")})


def test_fuera_de_la_fase_de_registro(db_proceso):
    with pytest.raises(AccionFueraDeFase, match="la fase actual es «Evaluación técnica»"):
        registrar_propuesta(db_proceso, ahora=HOY_EVALUACION)


def test_borrador_desmesurado_se_rechaza(db_proceso):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    with pytest.raises(DatosInvalidos, match="el máximo es 200,000"):
        servicios.guardar_borrador(db_proceso, clave, {"problema": "ñ" * 150_000}, ahora=HOY_REGISTRO)


def test_registrada_ya_no_se_edita_como_borrador(db_proceso):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    servicios.guardar_borrador(db_proceso, clave, DATOS_JOVEN, ahora=HOY_REGISTRO)
    servicios.registrar(db_proceso, clave, actor=PUBLICO, ahora=HOY_REGISTRO)
    with pytest.raises(DatosInvalidos, match="ya fue registrada"):
        servicios.guardar_borrador(db_proceso, clave, DATOS_JOVEN, ahora=HOY_REGISTRO)


def _imagen(formato="JPEG", lado=50):
    salida = io.BytesIO()
    Image.new("RGB", (lado, lado), "red").save(salida, formato)
    return salida.getvalue()


def test_foto_valida_se_recodifica_y_sin_exif(db_proceso):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    exif = Image.Exif()
    exif[0x8825] = {2: (9.0, 3.0, 0.0)}  # GPSInfo
    salida = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(salida, "JPEG", exif=exif)
    servicios.adjuntar_foto(db_proceso, clave, salida.getvalue(), "foto.jpg", actor=PUBLICO, ahora=HOY_REGISTRO)
    guardada = servicios.foto_del_borrador(db_proceso, clave)
    with Image.open(io.BytesIO(guardada)) as imagen:
        assert imagen.size == (40, 30) and not imagen.getexif()


@pytest.mark.parametrize("contenido, mensaje", [
    (b"%PDF-1.4 hola", "es un PDF, no una foto"),
    (b"\xff\xd8\xff" + b"x" * 100, "parece JPEG pero está dañada"),
    (b"", "está vacío"),
], ids=["pdf-renombrado", "jpeg-roto", "vacio"])
def test_fotos_invalidas(db_proceso, contenido, mensaje):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    antes = _foto(db_proceso)
    with pytest.raises(DatosInvalidos, match=mensaje):
        servicios.adjuntar_foto(db_proceso, clave, contenido, "foto.jpg", actor=PUBLICO, ahora=HOY_REGISTRO)
    assert _foto(db_proceso) == antes


def test_foto_de_20_mb(db_proceso):
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    with pytest.raises(DatosInvalidos, match=r"pesa 20\.0 MB; el máximo es 8 MB"):
        servicios.adjuntar_foto(db_proceso, clave, _imagen() + b"\0" * (20 * 1024 * 1024 - len(_imagen())),
                                "grande.jpg", actor=PUBLICO, ahora=HOY_REGISTRO)


def test_ciclo_de_vida_completo_con_evaluacion(db_proceso):
    registrar_propuesta(db_proceso)
    servicios.transicionar(db_proceso, "PP27-0001", Estado.ADMITIDA, actor=ADMIN, ahora=HOY_REGISTRO)
    puntajes = {"alineamiento": 3, "brecha": 2, "beneficiarios": 2, "madurez": 1, "cofinanciamiento": 0,
                "equidad": 3}
    servicios.evaluar(db_proceso, "PP27-0001", actor=EVALUADORA, puntajes=puntajes, costo_validado="S/ 85,000",
                      viable=True, notas="Terreno saneado.", ahora=HOY_EVALUACION)
    ficha = servicios.obtener(db_proceso, "PP27-0001", actor=PUBLICO)
    assert ficha.propuesta.estado == Estado.VIABLE
    assert ficha.propuesta.puntaje_tecnico == pytest.approx(25 + 25 * 2 / 3 + 15 * 2 / 3 + 15 / 3 + 10, abs=0.01)
    assert ficha.evaluaciones[0]["costo_validado_centimos"] == 8_500_000
    assert [h["hacia"] for h in ficha.historial] == ["registrada", "admitida", "en_evaluacion", "viable"]


def test_evaluar_no_viable_exige_motivo_y_no_deja_nada(db_proceso):
    registrar_propuesta(db_proceso)
    servicios.transicionar(db_proceso, "PP27-0001", Estado.ADMITIDA, actor=ADMIN, ahora=HOY_REGISTRO)
    antes = _foto(db_proceso)
    with pytest.raises(DatosInvalidos) as error:
        servicios.evaluar(db_proceso, "PP27-0001", actor=EVALUADORA, puntajes={"alineamiento": 9},
                          costo_validado="mil", viable=False, notas="", ahora=HOY_EVALUACION)
    campos = {p.campo for p in error.value.problemas}
    assert {"alineamiento", "brecha", "costo_validado", "notas"} <= campos
    assert _foto(db_proceso) == antes


def test_no_se_evalua_una_propuesta_solo_registrada(db_proceso):
    registrar_propuesta(db_proceso)
    with pytest.raises(DatosInvalidos, match="Solo se evalúan propuestas admitidas"):
        servicios.evaluar(db_proceso, "PP27-0001", actor=EVALUADORA, puntajes={}, costo_validado=None, viable=None,
                          notas="", ahora=HOY_EVALUACION)


def test_transicion_no_permitida_no_cambia_nada(db_proceso):
    registrar_propuesta(db_proceso)
    antes = _foto(db_proceso)
    with pytest.raises(TransicionNoPermitida, match="«registrada» no puede pasar a «viable»"):
        servicios.transicionar(db_proceso, "PP27-0001", Estado.VIABLE, actor=ADMIN, ahora=HOY_REGISTRO)
    assert _foto(db_proceso) == antes


def _no_admitida(db) -> str:
    codigo = registrar_propuesta(db).codigo
    servicios.transicionar(db, codigo, Estado.NO_ADMITIDA, actor=EVALUADORA, motivo="No es competencia municipal",
                           ahora=HOY_EVALUACION)
    return codigo


def test_administracion_reabre_una_no_admitida_con_motivo_evento_e_historia(db_proceso):
    codigo = _no_admitida(db_proceso)
    registrada_en = servicios.obtener(db_proceso, codigo, actor=PUBLICO).propuesta.registrada_en
    reabierta = servicios.reabrir(db_proceso, codigo, motivo="Se marcó por error", actor=ADMIN,
                                  ahora=HOY_EVALUACION + dt.timedelta(hours=1))
    assert reabierta.estado == Estado.REGISTRADA and reabierta.motivo_estado == "Se marcó por error"
    assert reabierta.registrada_en == registrada_en  # reabrir no la mueve en la lista ni cambia su fecha de registro
    ficha = servicios.obtener(db_proceso, codigo, actor=PUBLICO)
    assert [(h["desde"], h["hacia"], h["actor"], h["motivo"]) for h in ficha.historial[-2:]] == [
        ("registrada", "no_admitida", "evaluador:evaluadora", "No es competencia municipal"),
        ("no_admitida", "registrada", "administrador:admin", "Se marcó por error")]
    evento = listar_eventos(db_proceso, objeto_tipo="propuesta", limite=1)[0]
    assert (evento["accion"], evento["actor"], evento["antes"], evento["despues"]["estado"],
            evento["despues"]["motivo"]) == ("reabrir_propuesta", "administrador:admin", {"estado": "no_admitida"},
                                             "registrada", "Se marcó por error")
    servicios.transicionar(db_proceso, codigo, Estado.ADMITIDA, actor=EVALUADORA, ahora=HOY_EVALUACION)
    assert servicios.obtener(db_proceso, codigo, actor=PUBLICO).propuesta.estado == Estado.ADMITIDA


@pytest.mark.parametrize("actor, motivo, error", [
    (EVALUADORA, "Se marcó por error", SinPermiso),
    (FACILITADORA, "Se marcó por error", SinPermiso),
    (ADMIN, "  ", DatosInvalidos),
], ids=["equipo-tecnico", "facilitacion", "sin-motivo"])
def test_reabrir_sin_permiso_o_sin_motivo_no_cambia_nada(db_proceso, actor, motivo, error):
    codigo = _no_admitida(db_proceso)
    antes = list(db_proceso.conn.iterdump())
    with pytest.raises(error):
        servicios.reabrir(db_proceso, codigo, motivo=motivo, actor=actor, ahora=HOY_EVALUACION)
    with pytest.raises(error):  # el permiso se revisa en el servidor también por el camino genérico
        servicios.transicionar(db_proceso, codigo, Estado.REGISTRADA, motivo=motivo, actor=actor, ahora=HOY_EVALUACION)
    assert list(db_proceso.conn.iterdump()) == antes


@pytest.mark.parametrize("estado", [Estado.REGISTRADA, Estado.ADMITIDA], ids=lambda e: e.value)
def test_solo_se_reabre_una_no_admitida(db_proceso, estado):
    codigo = registrar_propuesta(db_proceso).codigo
    if estado == Estado.ADMITIDA:
        servicios.transicionar(db_proceso, codigo, Estado.ADMITIDA, actor=EVALUADORA, ahora=HOY_EVALUACION)
    antes = list(db_proceso.conn.iterdump())
    with pytest.raises(TransicionNoPermitida, match=f"«{estado.etiqueta}» no puede pasar a «registrada»"):
        servicios.reabrir(db_proceso, codigo, motivo="Se marcó por error", actor=ADMIN, ahora=HOY_EVALUACION)
    assert list(db_proceso.conn.iterdump()) == antes


def test_una_no_admitida_no_se_admite_sin_reabrirla(db_proceso):
    codigo = _no_admitida(db_proceso)
    antes = list(db_proceso.conn.iterdump())
    with pytest.raises(TransicionNoPermitida, match="puede pasar a: registrada"):
        servicios.transicionar(db_proceso, codigo, Estado.ADMITIDA, actor=ADMIN, ahora=HOY_EVALUACION)
    assert list(db_proceso.conn.iterdump()) == antes


def test_fusionar_apunta_a_la_sobreviviente(db_proceso):
    registrar_propuesta(db_proceso)
    registrar_propuesta(db_proceso, {**DATOS_JOVEN, "titulo": "Losa deportiva Cashapampa (repetida)"})
    servicios.transicionar(db_proceso, "PP27-0002", Estado.FUSIONADA, actor=FACILITADORA, motivo="Es la misma losa",
                           fusionada_con="PP27-0001", ahora=HOY_REGISTRO)
    assert servicios.obtener(db_proceso, "PP27-0002", actor=PUBLICO).propuesta.fusionada_con == "PP27-0001"
    assert servicios.obtener(db_proceso, "PP27-0001", actor=PUBLICO).fusionadas == ["PP27-0002"]
    with pytest.raises(DatosInvalidos, match="debe ser otra propuesta"):
        servicios.transicionar(db_proceso, "PP27-0001", Estado.FUSIONADA, actor=ADMIN, motivo="a sí misma",
                               fusionada_con="PP27-0001", ahora=HOY_REGISTRO)


def test_nada_se_borra(db_proceso):
    registrar_propuesta(db_proceso)
    with pytest.raises(Exception, match="no se borran"):
        db_proceso.execute("DELETE FROM propuestas")


def test_duplicados_cercanos_y_parecidos(db_proceso):
    registrar_propuesta(db_proceso)
    from geo.modelo import Punto
    parecida = {"titulo": "Losa deportiva en Cashapampa", "problema": "", "propuesta": ""}
    cerca, lejos = Punto(-9.0490, -77.8050), Punto(-8.9, -77.7)
    encontradas = servicios.posibles_duplicados(db_proceso, 1, parecida, cerca)
    assert [d["codigo"] for d in encontradas] == ["PP27-0001"] and encontradas[0]["metros"] < 100
    assert servicios.posibles_duplicados(db_proceso, 1, parecida, lejos) == []
    assert servicios.posibles_duplicados(db_proceso, 1, {"titulo": "Agua potable", "problema": "",
                                                         "propuesta": ""}, cerca) == []


@pytest.mark.parametrize("texto, codigos", [
    ("losa", ["PP27-0001"]), ("CASHAPAMPA", ["PP27-0001"]), ("agua", ["PP27-0002"]), ("caraz", ["PP27-0001"]),
    ('" OR 1=1 --', []), ("depor", ["PP27-0001"]),
], ids=["palabra", "mayusculas", "otra", "distrito", "inyeccion", "prefijo"])
def test_buscar_con_texto(db_proceso, texto, codigos):
    registrar_propuesta(db_proceso)
    registrar_propuesta(db_proceso, {**DATOS_JOVEN, "titulo": "Agua potable para Huata", "lat": -9.0164,
                                     "lon": -77.8614, "problema": "No hay agua potable en las casas de Huata.",
                                     "propuesta": "Instalar la red de agua y un reservorio de 50 m3."})
    assert [f["codigo"] for f in servicios.buscar(db_proceso, 1, texto=texto)] == codigos


def test_buscar_por_distrito_estado_y_juveniles(db_proceso):
    registrar_propuesta(db_proceso)
    registrar_propuesta(db_proceso, {**DATOS_JOVEN, "proponente_tipo": "individual", "lat": -9.0164, "lon": -77.8614})
    assert [f["distrito"] for f in servicios.buscar(db_proceso, 1, ubigeo="021203")] == ["Huata"]
    assert [f["codigo"] for f in servicios.buscar(db_proceso, 1, juveniles=True)] == ["PP27-0001"]
    assert servicios.buscar(db_proceso, 1, estados=["viable"]) == []


def test_sugerencia_de_brecha_desde_los_indicadores(db_proceso):
    assert servicios.sugerencia_brecha(db_proceso, "021201") == 0  # Caraz: la menor pobreza
    assert servicios.sugerencia_brecha(db_proceso, "021210") == 3  # Yuracmarca: de las mayores




def test_foto_de_13000_por_13000_pixeles_se_rechaza_sin_decodificarla(db_proceso, tmp_path, en_otro_proceso):
    """La bomba de píxeles que sube el público sin cuenta: 169 megapíxeles en unos pocos MB."""
    contenido = png_enorme(13_000, 13_000)
    assert len(contenido) < 8 * 1024 * 1024
    ruta = tmp_path / "bomba.png"
    ruta.write_bytes(contenido)
    salida, pico_mb = en_otro_proceso(f"""
        from propuestas.fotos import preparar_foto
        from propuestas.modelo import DatosInvalidos
        try:
            preparar_foto(open({str(ruta)!r}, "rb").read(), "bomba.png")
            print("ACEPTADA")
        except DatosInvalidos as error:
            print("RECHAZADA", error.problemas[0].mensaje)
    """)
    assert salida.startswith("RECHAZADA «bomba.png» mide 13,000 × 13,000 píxeles (169 megapíxeles); el máximo "
                             "es 25 megapíxeles"), salida
    assert pico_mb < 400
    proceso = servicios.proceso_actual(db_proceso)
    clave = servicios.crear_borrador(db_proceso, proceso.id, actor=PUBLICO, ahora=HOY_REGISTRO)
    antes = _foto(db_proceso)
    with pytest.raises(DatosInvalidos, match="169 megapíxeles"):
        servicios.adjuntar_foto(db_proceso, clave, contenido, "bomba.png", actor=PUBLICO, ahora=HOY_REGISTRO)
    assert _foto(db_proceso) == antes


@pytest.mark.parametrize("formato", ["JPEG", "PNG", "WEBP"])
def test_foto_de_mas_de_25_megapixeles_que_no_es_jpeg_se_rechaza_y_un_jpeg_grande_se_reduce(formato):
    from propuestas.fotos import preparar_foto

    salida = io.BytesIO()
    Image.new("RGB", (6000, 4500), "green").save(salida, formato)  # 27 megapíxeles
    if formato == "JPEG":  # se decodifica ya reducido a la mitad (3000 × 2250) y se acepta
        assert preparar_foto(salida.getvalue(), "camara.jpg")[1:] == (1600, 1200)
    else:
        with pytest.raises(DatosInvalidos, match="mide 6,000 × 4,500 píxeles"):
            preparar_foto(salida.getvalue(), f"captura.{formato.lower()}")


def test_foto_girada_por_exif_sigue_derecha():
    from propuestas.fotos import preparar_foto

    exif = Image.Exif()
    exif[0x0112] = 6  # girar 90° a la derecha al mostrar
    salida = io.BytesIO()
    Image.new("RGB", (3200, 1600), "blue").save(salida, "JPEG", exif=exif)
    assert preparar_foto(salida.getvalue(), "girada.jpg")[1:] == (800, 1600)
