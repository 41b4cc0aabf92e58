"""La página «Importar propuestas» con AppTest desde app.py: permisos, revisión fila por fila, nada importado con
problemas, y la importación confirmada."""
import nucleo
from identidad.acceso import Actor, Rol
from propuestas import servicios
from propuestas.modelo import Fase
from tests.ayudas import BUENA, abrir_pagina, como_csv, como_xlsx, proceso_en_fase, textos_de
from tests.conftest import FACILITADORA

SIN_FECHA = {**BUENA, "Fecha de registro": ""}


def _subir(app, nombre: str, contenido: bytes):
    tipo = "text/csv" if nombre.endswith(".csv") else "application/octet-stream"
    app.file_uploader[0].set_value((nombre, contenido, tipo))
    app.run()
    assert not app.exception, app.exception
    return app


def test_el_publico_y_los_participantes_no_entran(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/importar.py")
    assert app.title[0].value == "Sin acceso" and not app.file_uploader
    participante = Actor(Rol.PARTICIPANTE, "Rosa", participante_id=1)
    app = abrir_pagina("paginas/importar.py", actor=participante)
    assert app.title[0].value == "Sin acceso"


def test_con_problemas_muestra_cada_fila_y_no_ofrece_importar(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/importar.py", actor=FACILITADORA)
    assert [b.label for b in app.get("download_button")][:2] == ["Plantilla Excel (con listas desplegables)",
                                                                  "Plantilla CSV"]
    malas = [SIN_FECHA, {**SIN_FECHA, "N.º de ficha": "F-2", "Distrito": "Huaraz"},
             {**SIN_FECHA, "N.º de ficha": "F-3", "Costo propuesto S/": "mil soles"}]
    _subir(app, "fichas.xlsx", como_xlsx(malas))
    assert [m.value for m in app.metric] == ["3", "1", "2"]
    textos = textos_de(app).replace("\\", "")
    assert "Fila 2**" not in textos  # las filas buenas no se listan arriba
    assert "**Fila 3** · Agua potable para Cochamarca" in textos and "«Huaraz» no es un distrito" in textos
    assert "**Fila 4**" in textos and "«mil soles» no es un monto" in textos
    assert "no se importará nada" in textos.lower()
    tabla = app.dataframe[0].value
    assert list(tabla["Fila"]) == [2, 3, 4] and "«Huaraz» no es un distrito" in tabla["Problemas"].iloc[1]
    assert not [b for b in app.button if b.key == "importar_confirmar"]
    with nucleo.abrir(base_app) as db:
        assert db.execute("SELECT count(*) FROM propuestas").fetchone() == (0,)


def test_sin_problemas_importa_todas_y_vacia_el_cargador(base_app):
    proceso_en_fase(base_app, Fase.REGISTRO)
    app = abrir_pagina("paginas/importar.py", actor=FACILITADORA)
    buenas = [SIN_FECHA, {**SIN_FECHA, "N.º de ficha": "F-2", "Título": "Riego tecnificado en Cochamarca"}]
    _subir(app, "fichas.csv", como_csv(buenas))
    boton = next(b for b in app.button if b.key == "importar_confirmar")
    assert boton.label == "Importar 2 propuestas"
    boton.click().run()
    assert not app.exception, app.exception
    assert "Se importaron 2 propuestas de «fichas.csv»: PP27-0001 a PP27-0002" in textos_de(app).replace("\\", "")
    assert app.file_uploader[0].value is None  # listo para el siguiente lote
    with nucleo.abrir(base_app) as db:
        proceso = servicios.proceso_actual(db)
        assert servicios.contar(db, proceso.id) == 2
