"""Tablas de la deliberación (sqlite-utils): argumentos, apoyos, reportes, moderación y síntesis.

Nada se borra: los triggers lo impiden; ocultar, retirar un apoyo o descartar un reporte son
columnas con fecha más una fila en `moderaciones` o en `eventos`.
"""
from __future__ import annotations

from sqlite_utils import Database

from propuestas import tablas_deliberacion

# Las tablas de la deliberación se crean con las de las propuestas (agregan columnas a `propuestas`, que los
# listados de propuestas leen): sus migraciones viven en `propuestas.tablas_deliberacion`.
migraciones = tablas_deliberacion.migraciones


def _filas(cursor) -> list[dict]:
    columnas = [d[0] for d in cursor.description]
    return [dict(zip(columnas, fila)) for fila in cursor.fetchall()]


FAMILIA = """
    WITH RECURSIVE familia (id) AS (
        SELECT ? UNION SELECT p.id FROM propuestas p JOIN familia f ON p.sobreviviente_id = f.id)
"""


def familia(db: Database, propuesta_id: int) -> list[dict]:
    """La propuesta y todas las que se fusionaron en ella (también en cadena), con su código."""
    return _filas(db.execute(FAMILIA + "SELECT p.id, p.codigo FROM familia f JOIN propuestas p ON p.id = f.id "
                                       "ORDER BY p.id", [propuesta_id]))


def argumentos_de(db: Database, ids: list[int]) -> list[dict]:
    marcas = ", ".join("?" * len(ids))
    return _filas(db.execute(f"""
        SELECT a.*, p.codigo AS propuesta_codigo,
               (SELECT count(*) FROM apoyos x WHERE x.objeto = 'argumento' AND x.objeto_id = a.id
                                                AND x.retirado_en IS NULL) AS apoyos,
               pa.nombre AS participante_nombre, pa.organizacion AS participante_organizacion,
               pa.datos_borrados_en AS participante_borrado_en
        FROM argumentos a JOIN propuestas p ON p.id = a.propuesta_id
        LEFT JOIN participantes pa ON pa.id = a.participante_id
        WHERE a.propuesta_id IN ({marcas}) ORDER BY a.id""", ids))


def apoyos_vigentes(db: Database, objeto: str, ids: list[int]) -> list[int]:
    """Participantes distintos con apoyo vigente a cualquiera de esos objetos."""
    marcas = ", ".join("?" * len(ids))
    return [f[0] for f in db.execute(f"SELECT DISTINCT participante_id FROM apoyos WHERE objeto = ? AND "
                                     f"objeto_id IN ({marcas}) AND retirado_en IS NULL", [objeto, *ids])]


def apoyo(db: Database, objeto: str, objeto_id: int, participante_id: int) -> dict | None:
    filas = _filas(db.execute("SELECT * FROM apoyos WHERE objeto = ? AND objeto_id = ? AND participante_id = ?",
                              [objeto, objeto_id, participante_id]))
    return filas[0] if filas else None


def mis_apoyos_a_argumentos(db: Database, participante_id: int, ids: list[int]) -> set[int]:
    marcas = ", ".join("?" * len(ids))
    return {f[0] for f in db.execute(f"SELECT objeto_id FROM apoyos WHERE objeto = 'argumento' AND participante_id = ? "
                                     f"AND retirado_en IS NULL AND objeto_id IN ({marcas})", [participante_id, *ids])}


def publicaciones_recientes(db: Database, autor: str, desde: str) -> list[str]:
    return [f[0] for f in db.execute("SELECT creado_en FROM argumentos WHERE autor = ? AND creado_en > ?",
                                     [autor, desde])]


def reportes_recientes(db: Database, origen: str, desde: str) -> int:
    return db.execute("SELECT count(*) FROM reportes WHERE origen = ? AND creado_en > ?", [origen, desde]).fetchone()[0]


def olvidar_origenes_de_reportes(db: Database, antes_de: str) -> int:
    """Dentro de una escritura: quien reportó sin entrar queda anotado por su dirección de red («publico:IP», para
    no contar dos veces su reporte y frenar el abuso); pasado `antes_de`, la dirección se reemplaza por «olvidado».
    El reporte, su categoría y su resolución quedan."""
    return db.execute("UPDATE reportes SET origen = 'publico:olvidado', reportado_por = 'publico:olvidado' "
                      "WHERE origen LIKE 'publico:%' AND origen != 'publico:olvidado' AND creado_en < ?",
                      [antes_de]).rowcount


def ultima_sintesis(db: Database, ids: list[int]) -> dict | None:
    marcas = ", ".join("?" * len(ids))
    filas = _filas(db.execute(f"SELECT s.*, p.codigo AS propuesta_codigo FROM sintesis s JOIN propuestas p "
                              f"ON p.id = s.propuesta_id WHERE s.propuesta_id IN ({marcas}) ORDER BY s.id DESC LIMIT 1",
                              ids))
    return filas[0] if filas else None


def moderaciones_de(db: Database, objeto: str, objeto_id: int) -> list[dict]:
    return _filas(db.execute("SELECT * FROM moderaciones WHERE objeto = ? AND objeto_id = ? ORDER BY id",
                             [objeto, objeto_id]))


def reportes_pendientes(db: Database, proceso_id: int) -> list[dict]:
    """Reportes sin resolver agrupados por objeto, el más reportado primero."""
    return _filas(db.execute("""
        SELECT r.objeto, r.objeto_id, count(*) AS reportes, group_concat(DISTINCT r.categoria) AS categorias,
               min(r.creado_en) AS primero_en, max(r.creado_en) AS ultimo_en,
               group_concat(r.detalle, ' | ') AS detalles
        FROM reportes r WHERE r.proceso_id = ? AND r.resuelto_en IS NULL
        GROUP BY r.objeto, r.objeto_id ORDER BY reportes DESC, primero_en""", [proceso_id]))


def ocultos(db: Database, proceso_id: int) -> list[dict]:
    return _filas(db.execute("""
        SELECT 'argumento' AS objeto, a.id AS objeto_id, p.codigo, a.texto, a.oculto_en, a.oculto_motivo,
               a.oculto_por
        FROM argumentos a JOIN propuestas p ON p.id = a.propuesta_id
        WHERE p.proceso_id = ? AND a.oculto_en IS NOT NULL
        UNION ALL
        SELECT 'propuesta', p.id, p.codigo, p.titulo, p.oculta_en, p.oculta_motivo, NULL
        FROM propuestas p WHERE p.proceso_id = ? AND p.oculta_en IS NOT NULL
        ORDER BY 5 DESC""", [proceso_id, proceso_id]))


RAICES = """
    WITH RECURSIVE raiz (id, raiz) AS (
        SELECT id, id FROM propuestas WHERE proceso_id = ? AND sobreviviente_id IS NULL AND estado != 'borrador'
        UNION ALL
        SELECT p.id, r.raiz FROM propuestas p JOIN raiz r ON p.sobreviviente_id = r.id)
"""


def conteos_por_propuesta(db: Database, proceso_id: int) -> dict[int, dict]:
    """Por propuesta (sumando las fusionadas en ella): apoyos de personas distintas y argumentos visibles por postura."""
    cuentas: dict[int, dict] = {}
    for raiz, apoyos in db.execute(RAICES + """
            SELECT r.raiz, count(DISTINCT a.participante_id) FROM raiz r
            JOIN apoyos a ON a.objeto = 'propuesta' AND a.objeto_id = r.id AND a.retirado_en IS NULL
            GROUP BY r.raiz""", [proceso_id]):
        cuentas.setdefault(raiz, {})["apoyos"] = apoyos
    for raiz, postura, cantidad in db.execute(RAICES + """
            SELECT r.raiz, a.postura, count(*) FROM raiz r
            JOIN argumentos a ON a.propuesta_id = r.id AND a.oculto_en IS NULL
            GROUP BY r.raiz, a.postura""", [proceso_id]):
        cuentas.setdefault(raiz, {})[postura] = cantidad
    return cuentas


def version(db: Database) -> tuple:
    """Cambia con cada apoyo, argumento o moderación (de cualquier proceso: barato y suficiente para cachés)."""
    return tuple(db.execute("""
        SELECT (SELECT count(*) || '/' || coalesce(max(max(apoyado_en), max(coalesce(retirado_en, ''))), '')
                FROM apoyos),
               (SELECT count(*) || '/' || coalesce(max(oculto_en), '') FROM argumentos),
               (SELECT count(*) FROM moderaciones)""").fetchone())


def participacion_por_distrito(db: Database, proceso_id: int) -> list[dict]:
    """Personas distintas que argumentaron o apoyaron, por su distrito; y argumentos por distrito de la propuesta."""
    return _filas(db.execute("""
        WITH activos AS (
            SELECT a.participante_id FROM argumentos a JOIN propuestas p ON p.id = a.propuesta_id
            WHERE p.proceso_id = ? AND a.participante_id IS NOT NULL
            UNION
            SELECT x.participante_id FROM apoyos x
            JOIN propuestas p ON x.objeto = 'propuesta' AND p.id = x.objeto_id
            WHERE p.proceso_id = ? AND x.retirado_en IS NULL
        )
        SELECT coalesce(pa.ubigeo, '') AS ubigeo, 'participantes' AS medida, count(*) AS cantidad
        FROM activos JOIN participantes pa ON pa.id = activos.participante_id GROUP BY 1
        UNION ALL
        SELECT p.ubigeo, 'argumentos', count(*) FROM argumentos a JOIN propuestas p ON p.id = a.propuesta_id
        WHERE p.proceso_id = ? AND a.oculto_en IS NULL GROUP BY 1""", [proceso_id, proceso_id, proceso_id]))
