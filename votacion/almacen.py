"""Tablas de votaciones y papeletas (sqlite-utils, migraciones propias).

Garantías que da el esquema y no solo el código:
- una sola papeleta vigente por persona y votación (índice único parcial): el doble voto es imposible
  aunque dos celulares emitan en el mismo milisegundo;
- las papeletas no se borran ni se reescriben: cambiar el voto marca la anterior como reemplazada
  y agrega otra; la cadena de huellas (SHA-256) enlaza cada papeleta con la anterior.
"""
from __future__ import annotations

import json

from sqlite_utils import Database, Migrations

from votacion.modelo import Canal, Elegible, EstadoVotacion, TipoPapeleta, Votacion

migraciones = Migrations("votacion")


@migraciones()
def crear_votaciones(db: Database) -> None:
    tipos = ", ".join(f"'{t.value}'" for t in TipoPapeleta)
    estados = ", ".join(f"'{e.value}'" for e in EstadoVotacion)
    canales = ", ".join(f"'{c.value}'" for c in Canal)
    db.executescript(f"""
        CREATE TABLE votaciones (
            id INTEGER PRIMARY KEY,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            nombre TEXT NOT NULL,
            tipo TEXT NOT NULL CHECK (tipo IN ({tipos})),
            techo_centimos INTEGER NOT NULL CHECK (techo_centimos > 0),
            regla TEXT NOT NULL,
            max_opciones INTEGER NOT NULL, puntos_total INTEGER NOT NULL, puntos_maximo INTEGER NOT NULL,
            peso_participacion INTEGER NOT NULL, peso_tecnico INTEGER NOT NULL,
            modalidad TEXT NOT NULL CHECK (modalidad IN ('taller', 'en_linea')),
            lugar TEXT NOT NULL DEFAULT '',
            quien_vota TEXT NOT NULL CHECK (quien_vota IN ('registrados', 'asistentes')),
            abre_en TEXT, cierra_en TEXT,
            estado TEXT NOT NULL CHECK (estado IN ({estados})),
            resultados_visibles INTEGER NOT NULL DEFAULT 0 CHECK (resultados_visibles IN (0, 1)),
            creada_en TEXT NOT NULL, actualizada_en TEXT NOT NULL, abierta_en TEXT, cerrada_en TEXT,
            CHECK (peso_participacion + peso_tecnico = 100)
        );
        CREATE INDEX votaciones_proceso ON votaciones (proceso_id, id);
        CREATE TRIGGER votaciones_sin_borrado BEFORE DELETE ON votaciones
            BEGIN SELECT RAISE(ABORT, 'las votaciones no se borran'); END;
        CREATE TABLE votacion_propuestas (
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            orden INTEGER NOT NULL,
            costo_centimos INTEGER NOT NULL CHECK (costo_centimos >= 0),
            puntaje_tecnico REAL,
            PRIMARY KEY (votacion_id, propuesta_id)
        );
        CREATE TABLE asistencias (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            participante_id INTEGER NOT NULL REFERENCES participantes (id),
            registrada_en TEXT NOT NULL, registrada_por TEXT NOT NULL,
            UNIQUE (votacion_id, participante_id)
        );
        CREATE TABLE lotes_papel (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            huella_texto TEXT NOT NULL,
            papeletas INTEGER NOT NULL,
            digitado_por TEXT NOT NULL, digitado_en TEXT NOT NULL,
            UNIQUE (votacion_id, huella_texto)
        );
        CREATE TABLE papeletas (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            votante TEXT NOT NULL,
            participante_id INTEGER REFERENCES participantes (id),
            canal TEXT NOT NULL CHECK (canal IN ({canales})),
            taller_id INTEGER REFERENCES votaciones (id),
            lote_id INTEGER REFERENCES lotes_papel (id),
            serie TEXT,
            contenido TEXT NOT NULL CHECK (json_valid(contenido)),
            emitida_en TEXT NOT NULL,
            reemplazada_en TEXT,
            huella_anterior TEXT NOT NULL,
            huella TEXT NOT NULL UNIQUE,
            recibo TEXT NOT NULL
        );
        CREATE UNIQUE INDEX papeletas_una_vigente ON papeletas (votacion_id, votante) WHERE reemplazada_en IS NULL;
        CREATE UNIQUE INDEX papeletas_serie_papel ON papeletas (votacion_id, serie) WHERE serie IS NOT NULL;
        CREATE INDEX papeletas_votacion ON papeletas (votacion_id, id);
        CREATE TRIGGER papeletas_sin_borrado BEFORE DELETE ON papeletas
            BEGIN SELECT RAISE(ABORT, 'las papeletas no se borran'); END;
        CREATE TRIGGER papeletas_inmutables BEFORE UPDATE OF votacion_id, votante, participante_id, canal, taller_id,
            lote_id, serie, contenido, emitida_en, huella_anterior, huella, recibo ON papeletas
            BEGIN SELECT RAISE(ABORT, 'las papeletas no se modifican: se reemplazan'); END;
        CREATE TRIGGER papeletas_reemplazo_unico BEFORE UPDATE OF reemplazada_en ON papeletas
            WHEN old.reemplazada_en IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'una papeleta reemplazada no vuelve a estar vigente'); END;
    """)


@migraciones()
def taller_en_vivo(db: Database) -> None:
    """Taller en vivo: quién se unió desde su celular (por el QR) y la cuenta regresiva del proyector."""
    db.executescript("""
        ALTER TABLE votaciones ADD COLUMN cuenta_hasta TEXT;
        CREATE TABLE presencias (
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            participante_id INTEGER NOT NULL REFERENCES participantes (id),
            unida_en TEXT NOT NULL,
            PRIMARY KEY (votacion_id, participante_id)
        );
        CREATE TRIGGER presencias_sin_borrado BEFORE DELETE ON presencias
            BEGIN SELECT RAISE(ABORT, 'las presencias no se borran'); END;
    """)


@migraciones()
def acuerdos_del_taller(db: Database) -> None:
    """Acuerdos y compromisos del acta (responsable y plazo); se retiran con motivo, no se borran."""
    db.executescript("""
        CREATE TABLE acuerdos (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            texto TEXT NOT NULL CHECK (length(texto) BETWEEN 5 AND 500),
            responsable TEXT NOT NULL CHECK (length(responsable) BETWEEN 2 AND 120),
            plazo TEXT NOT NULL DEFAULT '',
            anotado_en TEXT NOT NULL, anotado_por TEXT NOT NULL,
            retirado_en TEXT, motivo_retiro TEXT
        );
        CREATE INDEX acuerdos_votacion ON acuerdos (votacion_id, id);
        CREATE TRIGGER acuerdos_sin_borrado BEFORE DELETE ON acuerdos
            BEGIN SELECT RAISE(ABORT, 'los acuerdos no se borran: se retiran con motivo'); END;
    """)


def aplicar_migraciones(db: Database) -> None:
    migraciones.apply(db)


COLUMNAS = ("proceso_id", "nombre", "tipo", "techo_centimos", "regla", "max_opciones", "puntos_total",
            "puntos_maximo", "peso_participacion", "peso_tecnico", "modalidad", "lugar", "quien_vota", "abre_en",
            "cierra_en", "estado", "resultados_visibles")


def a_fila(votacion: Votacion) -> dict:
    fila = {c: getattr(votacion, c) for c in COLUMNAS}
    fila.update(tipo=votacion.tipo.value, estado=votacion.estado.value,
                resultados_visibles=int(votacion.resultados_visibles))
    return fila


def de_fila(fila: dict) -> Votacion:
    datos = {c: fila[c] for c in COLUMNAS}
    datos.update(tipo=TipoPapeleta(fila["tipo"]), estado=EstadoVotacion(fila["estado"]),
                 resultados_visibles=bool(fila["resultados_visibles"]), lugar=fila["lugar"] or "")
    return Votacion(id=fila["id"], cerrada_en=fila["cerrada_en"], cuenta_hasta=fila.get("cuenta_hasta"), **datos)


def obtener(db: Database, votacion_id: int) -> Votacion | None:
    filas = list(db["votaciones"].rows_where("id = ?", [votacion_id]))
    return de_fila(filas[0]) if filas else None


def listar(db: Database, proceso_id: int) -> list[Votacion]:
    return [de_fila(f) for f in db["votaciones"].rows_where("proceso_id = ?", [proceso_id], order_by="id DESC")]


def elegibles(db: Database, votacion_id: int) -> dict[str, Elegible]:
    """Las propuestas de la papeleta, en su orden, con costo y puntaje técnico congelados."""
    cursor = db.execute("""
        SELECT p.codigo, p.titulo, p.distrito, p.ubigeo, vp.costo_centimos, vp.puntaje_tecnico, vp.orden
        FROM votacion_propuestas vp JOIN propuestas p ON p.id = vp.propuesta_id
        WHERE vp.votacion_id = ? ORDER BY vp.orden""", [votacion_id])
    return {fila[0]: Elegible(*fila) for fila in cursor.fetchall()}


def fotos(db: Database, votacion_id: int) -> dict[str, int]:
    """código → id de la última foto de cada propuesta de la papeleta que tiene foto (y no está oculta)."""
    return dict(db.execute("""
        SELECT p.codigo, max(f.id) FROM votacion_propuestas vp JOIN propuestas p ON p.id = vp.propuesta_id
        JOIN fotos f ON f.propuesta_id = p.id
        WHERE vp.votacion_id = ? AND p.oculta_en IS NULL GROUP BY p.codigo""", [votacion_id]).fetchall())


def miniatura(db: Database, foto_id: int) -> bytes | None:
    fila = db.execute("SELECT contenido FROM fotos WHERE id = ?", [foto_id]).fetchone()
    return fila[0] if fila else None


def vigentes(db: Database, votacion_id: int) -> list[dict]:
    """Papeletas que cuentan (la última de cada persona), en orden de emisión, con el distrito de quien votó."""
    cursor = db.execute("""
        SELECT b.id, b.votante, b.participante_id, b.canal, b.taller_id, b.serie, b.contenido, b.emitida_en,
               b.recibo, b.huella, pa.ubigeo
        FROM papeletas b LEFT JOIN participantes pa ON pa.id = b.participante_id
        WHERE b.votacion_id = ? AND b.reemplazada_en IS NULL ORDER BY b.id""", [votacion_id])
    columnas = [d[0] for d in cursor.description]
    filas = [dict(zip(columnas, f)) for f in cursor.fetchall()]
    for fila in filas:
        fila["contenido"] = json.loads(fila["contenido"])
    return filas


def vigente_de(db: Database, votacion_id: int, votante: str) -> dict | None:
    cursor = db.execute("SELECT id, contenido, recibo, emitida_en, huella FROM papeletas WHERE votacion_id = ? "
                        "AND votante = ? AND reemplazada_en IS NULL", [votacion_id, votante])
    fila = cursor.fetchone()
    if fila is None:
        return None
    return {"id": fila[0], "contenido": json.loads(fila[1]), "recibo": fila[2], "emitida_en": fila[3],
            "huella": fila[4]}


def ultima_huella(db: Database, votacion_id: int) -> str | None:
    fila = db.execute("SELECT huella FROM papeletas WHERE votacion_id = ? ORDER BY id DESC LIMIT 1",
                      [votacion_id]).fetchone()
    return fila[0] if fila else None


def cadena(db: Database, votacion_id: int) -> list[dict]:
    """Todas las papeletas (también las reemplazadas), en orden, para verificar la cadena de huellas."""
    cursor = db.execute("SELECT * FROM papeletas WHERE votacion_id = ? ORDER BY id", [votacion_id])
    columnas = [d[0] for d in cursor.description]
    return [dict(zip(columnas, f)) for f in cursor.fetchall()]


def version(db: Database, votacion_id: int) -> tuple:
    """Cambia con cada papeleta, cambio de estado o de una propuesta (para no recontar si nada cambió)."""
    return tuple(db.execute("""
        SELECT (SELECT count(*) FROM papeletas WHERE votacion_id = ?),
               (SELECT actualizada_en || estado || resultados_visibles FROM votaciones WHERE id = ?),
               (SELECT max(p.actualizada_en) FROM propuestas p JOIN votacion_propuestas vp ON vp.propuesta_id = p.id
                WHERE vp.votacion_id = ?)""", [votacion_id, votacion_id, votacion_id]).fetchone())


def en_vivo(db: Database, votacion_id: int) -> dict:
    """Lo que el proyector cuenta: personas unidas, papeletas vigentes (por canal) y ambas por distrito."""
    unidos, papeletas, celular = db.execute("""
        SELECT (SELECT count(*) FROM presencias WHERE votacion_id = :v),
               (SELECT count(*) FROM papeletas WHERE votacion_id = :v AND reemplazada_en IS NULL),
               (SELECT count(*) FROM papeletas WHERE votacion_id = :v AND reemplazada_en IS NULL
                AND canal = 'celular')""", {"v": votacion_id}).fetchone()
    por_distrito: dict[str, dict] = {}
    for ubigeo, cuantos in db.execute("""
            SELECT coalesce(pa.ubigeo, ''), count(*) FROM presencias pr JOIN participantes pa
            ON pa.id = pr.participante_id WHERE pr.votacion_id = ? GROUP BY 1""", [votacion_id]).fetchall():
        por_distrito.setdefault(ubigeo, {"unidos": 0, "papeletas": 0})["unidos"] = cuantos
    for ubigeo, cuantos in db.execute("""
            SELECT coalesce(pa.ubigeo, ''), count(*) FROM papeletas b LEFT JOIN participantes pa
            ON pa.id = b.participante_id WHERE b.votacion_id = ? AND b.reemplazada_en IS NULL GROUP BY 1""",
            [votacion_id]).fetchall():
        por_distrito.setdefault(ubigeo, {"unidos": 0, "papeletas": 0})["papeletas"] = cuantos
    return {"unidos": unidos, "papeletas": papeletas, "celular": celular, "papel": papeletas - celular,
            "por_distrito": por_distrito}


def asistencia(db: Database, votacion_id: int) -> list[dict]:
    """Quienes están en el taller (anotados por la facilitación o unidos por el QR), sin datos personales:
    organización (o tipo), distrito y cómo llegaron."""
    cursor = db.execute("""
        SELECT pa.id, coalesce(nullif(pa.organizacion, ''), '') AS organizacion, pa.tipo, coalesce(pa.ubigeo, '') AS ubigeo,
               max(a.participante_id IS NOT NULL) AS anotada, max(pr.participante_id IS NOT NULL) AS unida,
               EXISTS (SELECT 1 FROM papeletas b WHERE b.votacion_id = :v AND b.participante_id = pa.id
                       AND b.reemplazada_en IS NULL) AS voto
        FROM participantes pa
        LEFT JOIN asistencias a ON a.participante_id = pa.id AND a.votacion_id = :v
        LEFT JOIN presencias pr ON pr.participante_id = pa.id AND pr.votacion_id = :v
        WHERE a.participante_id IS NOT NULL OR pr.participante_id IS NOT NULL
        GROUP BY pa.id ORDER BY pa.id""", {"v": votacion_id})
    columnas = [d[0] for d in cursor.description]
    return [dict(zip(columnas, f)) for f in cursor.fetchall()]


def acuerdos(db: Database, votacion_id: int) -> list[dict]:
    """Los acuerdos vigentes (no retirados) de la votación, en el orden en que se anotaron."""
    return [dict(f) for f in db["acuerdos"].rows_where("votacion_id = ? AND retirado_en IS NULL", [votacion_id],
                                                       order_by="id")]
