"""Tablas de procesos y propuestas (sqlite-utils): migraciones, filas ↔ dataclasses, consultas."""
from __future__ import annotations

import datetime as dt
import json
import re

from sqlite_utils import Database, Migrations

from nucleo.errores import NoEncontrada
from propuestas.modelo import FUERA_DE_PAPELETA, Criterio, Estado, Fase, PeriodoFase, Proceso, Propuesta

migraciones = Migrations("propuestas")
ESTADOS_SQL = ", ".join(f"'{e.value}'" for e in Estado)
COLUMNAS_FTS = ("codigo", "titulo", "problema", "propuesta", "distrito", "centro_poblado")


@migraciones()
def crear_procesos_y_propuestas(db: Database) -> None:
    columnas_fts = ", ".join(COLUMNAS_FTS)
    nuevas = ", ".join(f"new.{c}" for c in COLUMNAS_FTS)
    viejas = ", ".join(f"old.{c}" for c in COLUMNAS_FTS)
    db.executescript(f"""
        CREATE TABLE ajustes (clave TEXT PRIMARY KEY, valor TEXT NOT NULL);
        CREATE TABLE procesos (
            id INTEGER PRIMARY KEY,
            nombre TEXT NOT NULL CHECK (length(nombre) BETWEEN 5 AND 120),
            codigo TEXT NOT NULL UNIQUE,
            provincia TEXT NOT NULL CHECK (length(provincia) = 4),
            fases TEXT NOT NULL CHECK (json_valid(fases)),
            techo_centimos INTEGER NOT NULL CHECK (techo_centimos > 0),
            ejes TEXT NOT NULL CHECK (json_valid(ejes)),
            criterios TEXT NOT NULL CHECK (json_valid(criterios)),
            es_actual INTEGER NOT NULL DEFAULT 0 CHECK (es_actual IN (0, 1)),
            es_demo INTEGER NOT NULL DEFAULT 0 CHECK (es_demo IN (0, 1)),
            creado_en TEXT NOT NULL,
            actualizado_en TEXT NOT NULL
        );
        CREATE UNIQUE INDEX procesos_un_solo_actual ON procesos (es_actual) WHERE es_actual = 1;
        CREATE TABLE propuestas (
            id INTEGER PRIMARY KEY,
            codigo TEXT UNIQUE,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            estado TEXT NOT NULL CHECK (estado IN ({ESTADOS_SQL})),
            clave_borrador TEXT UNIQUE,
            borrador TEXT CHECK (borrador IS NULL OR json_valid(borrador)),
            profundidad TEXT NOT NULL DEFAULT 'joven' CHECK (profundidad IN ('joven', 'organizacion')),
            titulo TEXT, problema TEXT, propuesta TEXT,
            lat REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
            lon REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
            ubigeo TEXT, distrito TEXT, centro_poblado TEXT, centro_poblado_codigo TEXT,
            proponente_tipo TEXT, proponente_nombre TEXT, organizacion TEXT, contacto TEXT,
            objetivo TEXT, tipo TEXT, eje TEXT, servicio_publico TEXT, indicador_brecha TEXT,
            beneficiarios TEXT CHECK (beneficiarios IS NULL OR json_valid(beneficiarios)),
            costo_centimos INTEGER CHECK (costo_centimos IS NULL OR costo_centimos >= 0),
            costo_om_centimos INTEGER CHECK (costo_om_centimos IS NULL OR costo_om_centimos >= 0),
            plazo_meses INTEGER CHECK (plazo_meses IS NULL OR plazo_meses BETWEEN 1 AND 120),
            cofinanciamiento_centimos INTEGER CHECK (cofinanciamiento_centimos IS NULL OR cofinanciamiento_centimos >= 0),
            madurez TEXT, cui TEXT, sostenibilidad TEXT,
            sobreviviente_id INTEGER REFERENCES propuestas (id),
            motivo_estado TEXT,
            puntaje_tecnico REAL CHECK (puntaje_tecnico IS NULL OR puntaje_tecnico BETWEEN 0 AND 100),
            es_demo INTEGER NOT NULL DEFAULT 0,
            creada_en TEXT NOT NULL, actualizada_en TEXT NOT NULL,
            registrada_en TEXT, admitida_en TEXT, no_admitida_en TEXT, en_evaluacion_en TEXT, viable_en TEXT,
            no_viable_en TEXT, fusionada_en TEXT, priorizada_en TEXT, en_acta_en TEXT, retirada_en TEXT,
            CHECK (estado = 'borrador' OR (codigo IS NOT NULL AND titulo IS NOT NULL AND ubigeo IS NOT NULL
                                            AND lat IS NOT NULL AND lon IS NOT NULL AND registrada_en IS NOT NULL))
        );
        CREATE INDEX propuestas_proceso_estado ON propuestas (proceso_id, estado);
        CREATE INDEX propuestas_ubicacion ON propuestas (lat, lon);
        CREATE TRIGGER propuestas_sin_borrado BEFORE DELETE ON propuestas
            BEGIN SELECT RAISE(ABORT, 'las propuestas no se borran: se retiran o se ocultan'); END;
        CREATE TABLE fotos (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            contenido BLOB NOT NULL,
            tipo TEXT NOT NULL,
            ancho INTEGER NOT NULL, alto INTEGER NOT NULL,
            subida_en TEXT NOT NULL
        );
        CREATE INDEX fotos_propuesta ON fotos (propuesta_id, id);
        CREATE TABLE transiciones (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            desde TEXT NOT NULL, hacia TEXT NOT NULL,
            actor TEXT NOT NULL, motivo TEXT, ocurrido_en TEXT NOT NULL
        );
        CREATE INDEX transiciones_propuesta ON transiciones (propuesta_id, id);
        CREATE TABLE evaluaciones (
            id INTEGER PRIMARY KEY,
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            evaluador TEXT NOT NULL,
            puntajes TEXT NOT NULL CHECK (json_valid(puntajes)),
            puntaje REAL NOT NULL CHECK (puntaje BETWEEN 0 AND 100),
            costo_validado_centimos INTEGER CHECK (costo_validado_centimos IS NULL OR costo_validado_centimos >= 0),
            viable INTEGER CHECK (viable IS NULL OR viable IN (0, 1)),
            notas TEXT,
            creada_en TEXT NOT NULL
        );
        CREATE INDEX evaluaciones_propuesta ON evaluaciones (propuesta_id, id);
        CREATE VIRTUAL TABLE propuestas_fts USING fts5(
            {columnas_fts}, content='propuestas', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER propuestas_fts_insertar AFTER INSERT ON propuestas BEGIN
            INSERT INTO propuestas_fts (rowid, {columnas_fts}) VALUES (new.id, {nuevas});
        END;
        CREATE TRIGGER propuestas_fts_actualizar AFTER UPDATE OF {columnas_fts} ON propuestas BEGIN
            INSERT INTO propuestas_fts (propuestas_fts, rowid, {columnas_fts}) VALUES ('delete', old.id, {viejas});
            INSERT INTO propuestas_fts (rowid, {columnas_fts}) VALUES (new.id, {nuevas});
        END;
    """)


@migraciones()
def crear_participantes(db: Database) -> None:
    db.executescript("""
        CREATE TABLE participantes (
            id INTEGER PRIMARY KEY,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            nombre TEXT NOT NULL,
            tipo TEXT NOT NULL CHECK (tipo IN ('organizacion', 'joven', 'ciudadano')),
            organizacion TEXT,
            ubigeo TEXT,
            dni TEXT CHECK (dni IS NULL OR (length(dni) = 8 AND dni NOT GLOB '*[^0-9]*')),
            telefono TEXT,
            consentimiento_en TEXT NOT NULL,
            registrado_en TEXT NOT NULL,
            datos_borrados_en TEXT
        );
        CREATE INDEX participantes_proceso ON participantes (proceso_id);
        CREATE TABLE codigos_acceso (
            id INTEGER PRIMARY KEY,
            participante_id INTEGER NOT NULL REFERENCES participantes (id),
            huella TEXT NOT NULL UNIQUE,
            emitido_en TEXT NOT NULL,
            revocado_en TEXT
        );
        CREATE INDEX codigos_participante ON codigos_acceso (participante_id);
        ALTER TABLE propuestas ADD COLUMN participante_id INTEGER REFERENCES participantes (id);
        ALTER TABLE procesos ADD COLUMN propuestas_anonimas INTEGER NOT NULL DEFAULT 1
            CHECK (propuestas_anonimas IN (0, 1));
    """)


@migraciones()
def indices_del_listado(db: Database) -> None:
    """La lista ordenada por fecha de registro y su versión (para la caché de la página) sin recorrer la tabla."""
    db.executescript("""
        CREATE INDEX propuestas_listado ON propuestas (proceso_id, registrada_en, id);
        CREATE INDEX propuestas_actualizacion ON propuestas (proceso_id, actualizada_en);
    """)


@migraciones()
def propuestas_importadas(db: Database) -> None:
    """Fichas de papel digitadas en una hoja: de qué archivo y fila vino cada una, su n.º de ficha y su fecha."""
    db.executescript("""
        CREATE TABLE importaciones_de_propuestas (
            id INTEGER PRIMARY KEY,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            archivo TEXT NOT NULL,
            hoja TEXT,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            propuestas INTEGER NOT NULL CHECK (propuestas > 0),
            actor TEXT NOT NULL,
            importada_en TEXT NOT NULL
        );
        ALTER TABLE propuestas ADD COLUMN importacion_id INTEGER REFERENCES importaciones_de_propuestas (id);
        ALTER TABLE propuestas ADD COLUMN fila_importada INTEGER;
        ALTER TABLE propuestas ADD COLUMN referencia TEXT;
        ALTER TABLE propuestas ADD COLUMN fecha_ficha TEXT
            CHECK (fecha_ficha IS NULL OR date(fecha_ficha) IS fecha_ficha);
        CREATE UNIQUE INDEX propuestas_referencia ON propuestas (proceso_id, referencia) WHERE referencia IS NOT NULL;
    """)


@migraciones()
def tarjetas_reimprimibles(db: Database) -> None:
    """Cuándo se usó cada código por primera vez y, mientras nadie lo usó, el código cifrado (para reimprimir
    su tarjeta sin cambiarlo; ver identidad.participantes.cifrar)."""
    db.executescript("""
        ALTER TABLE codigos_acceso ADD COLUMN usado_en TEXT;
        ALTER TABLE codigos_acceso ADD COLUMN cifrado TEXT CHECK (cifrado IS NULL OR length(cifrado) = 52);
    """)


@migraciones()
def arrastre(db: Database) -> None:
    """Una propuesta viable no financiada puede seguir en el proceso siguiente: la nueva dice de cuál viene (una
    sola vez por proceso de destino)."""
    db.executescript("""
        ALTER TABLE propuestas ADD COLUMN origen_id INTEGER REFERENCES propuestas (id);
        CREATE UNIQUE INDEX propuestas_arrastradas ON propuestas (proceso_id, origen_id) WHERE origen_id IS NOT NULL;
    """)


@migraciones()
def pdlc(db: Database) -> None:
    """El Plan de Desarrollo Local Concertado como datos: versiones (una por importación, ninguna se reescribe),
    objetivos estratégicos → acciones estratégicas → indicadores, y a qué objetivo o acción apunta cada propuesta."""
    db.executescript("""
        CREATE TABLE pdlc_versiones (
            id INTEGER PRIMARY KEY,
            nombre TEXT NOT NULL CHECK (length(nombre) BETWEEN 3 AND 200),
            archivo TEXT NOT NULL, sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            importada_en TEXT NOT NULL, importada_por TEXT NOT NULL
        );
        CREATE TABLE pdlc_objetivos (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES pdlc_versiones (id),
            codigo TEXT NOT NULL, nombre TEXT NOT NULL,
            UNIQUE (version_id, codigo)
        );
        CREATE TABLE pdlc_acciones (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES pdlc_versiones (id),
            objetivo_id INTEGER NOT NULL REFERENCES pdlc_objetivos (id),
            codigo TEXT NOT NULL, nombre TEXT NOT NULL,
            UNIQUE (version_id, codigo)
        );
        CREATE TABLE pdlc_indicadores (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES pdlc_versiones (id),
            objetivo_id INTEGER NOT NULL REFERENCES pdlc_objetivos (id),
            accion_id INTEGER REFERENCES pdlc_acciones (id),
            nombre TEXT NOT NULL, unidad TEXT NOT NULL,
            linea_base REAL, anio_base INTEGER, meta REAL, anio_meta INTEGER, fuente TEXT,
            CHECK (anio_meta IS NULL OR anio_base IS NULL OR anio_meta >= anio_base)
        );
        CREATE TRIGGER pdlc_versiones_sin_cambios BEFORE UPDATE ON pdlc_versiones
            BEGIN SELECT RAISE(ABORT, 'una versión del PDLC no se reescribe: se importa otra'); END;
        CREATE TRIGGER pdlc_objetivos_sin_cambios BEFORE UPDATE ON pdlc_objetivos
            BEGIN SELECT RAISE(ABORT, 'una versión del PDLC no se reescribe: se importa otra'); END;
        CREATE TRIGGER pdlc_acciones_sin_cambios BEFORE UPDATE ON pdlc_acciones
            BEGIN SELECT RAISE(ABORT, 'una versión del PDLC no se reescribe: se importa otra'); END;
        ALTER TABLE propuestas ADD COLUMN pdlc_objetivo_id INTEGER REFERENCES pdlc_objetivos (id);
        ALTER TABLE propuestas ADD COLUMN pdlc_accion_id INTEGER REFERENCES pdlc_acciones (id);
    """)


@migraciones()
def datos_de_proponentes(db: Database) -> None:
    """Ley 29733 para quien propone sin cuenta: cuándo consintió que se guarden su nombre y su contacto, cuándo se
    borraron (a su pedido o por la regla de conservación) y cuántos meses después del acta los guarda cada proceso."""
    db.executescript("""
        ALTER TABLE propuestas ADD COLUMN consentimiento_en TEXT;
        ALTER TABLE propuestas ADD COLUMN datos_borrados_en TEXT;
        ALTER TABLE procesos ADD COLUMN conservar_contactos_meses INTEGER
            CHECK (conservar_contactos_meses IS NULL OR conservar_contactos_meses BETWEEN 1 AND 120);
    """)


@migraciones()
def quien_participa(db: Database) -> None:
    """Sexo y franja de edad de cada participante (opcionales; de la edad solo se guarda la franja)."""
    db.executescript("""
        ALTER TABLE participantes ADD COLUMN sexo TEXT CHECK (sexo IS NULL OR sexo IN ('mujer', 'hombre', 'otro'));
        ALTER TABLE participantes ADD COLUMN franja_edad TEXT
            CHECK (franja_edad IS NULL OR franja_edad IN ('12_14', '15_29', '30_59', '60_mas'));
    """)


@migraciones()
def quien_propone(db: Database) -> None:
    """De quien propone (opcional y con su consentimiento): sexo y franja de edad; y si propone una organización de
    mujeres (se ve en los resultados y en la lista priorizada)."""
    db.executescript("""
        ALTER TABLE propuestas ADD COLUMN proponente_sexo TEXT
            CHECK (proponente_sexo IS NULL OR proponente_sexo IN ('mujer', 'hombre', 'otro'));
        ALTER TABLE propuestas ADD COLUMN proponente_franja TEXT
            CHECK (proponente_franja IS NULL OR proponente_franja IN ('12_14', '15_29', '30_59', '60_mas'));
        ALTER TABLE propuestas ADD COLUMN organizacion_de_mujeres INTEGER NOT NULL DEFAULT 0
            CHECK (organizacion_de_mujeres IN (0, 1));
    """)


@migraciones()
def traducciones(db: Database) -> None:
    """Los textos de las páginas de participantes en otro idioma (propuestas/traducciones.py): uno por código (la
    huella del castellano) e idioma, «por revisar» o «aprobada»; reemplazar uno deja el anterior en `eventos`."""
    db.executescript("""
        CREATE TABLE traducciones (
            codigo TEXT NOT NULL CHECK (length(codigo) = 8),
            idioma TEXT NOT NULL CHECK (idioma IN ('qwh')),
            original TEXT NOT NULL,
            texto TEXT NOT NULL CHECK (length(trim(texto)) > 0),
            estado TEXT NOT NULL CHECK (estado IN ('por_revisar', 'aprobada')),
            actualizado_en TEXT NOT NULL,
            actualizado_por TEXT NOT NULL,
            nota TEXT,
            PRIMARY KEY (codigo, idioma)
        );
    """)


def aplicar_migraciones(db: Database) -> None:
    migraciones.apply(db)


# --- procesos -------------------------------------------------------------------------------

def proceso_a_fila(proceso: Proceso) -> dict:
    return {
        "nombre": proceso.nombre, "codigo": proceso.codigo, "provincia": proceso.provincia,
        "fases": json.dumps([{"fase": p.fase.value, "inicio": p.inicio.isoformat(), "fin": p.fin.isoformat()}
                             for p in proceso.fases]),
        "techo_centimos": proceso.techo_centimos, "ejes": json.dumps(list(proceso.ejes), ensure_ascii=False),
        "criterios": json.dumps([c.__dict__ for c in proceso.criterios], ensure_ascii=False),
        "es_demo": int(proceso.es_demo), "propuestas_anonimas": int(proceso.propuestas_anonimas),
    }


def fila_a_proceso(fila: dict) -> Proceso:
    return Proceso(
        id=fila["id"], nombre=fila["nombre"], codigo=fila["codigo"], provincia=fila["provincia"],
        fases=tuple(PeriodoFase(Fase(f["fase"]), dt.date.fromisoformat(f["inicio"]), dt.date.fromisoformat(f["fin"]))
                    for f in json.loads(fila["fases"])),
        techo_centimos=fila["techo_centimos"], ejes=tuple(json.loads(fila["ejes"])),
        criterios=tuple(Criterio(**c) for c in json.loads(fila["criterios"])),
        es_actual=bool(fila["es_actual"]), es_demo=bool(fila["es_demo"]),
        propuestas_anonimas=bool(fila.get("propuestas_anonimas", 1)),
    )


def listar_procesos(db: Database) -> list[Proceso]:
    return [fila_a_proceso(f) for f in db["procesos"].rows_where(order_by="id DESC")]


def obtener_proceso(db: Database, proceso_id: int) -> Proceso | None:
    filas = list(db["procesos"].rows_where("id = ?", [proceso_id]))
    return fila_a_proceso(filas[0]) if filas else None


def proceso_actual(db: Database) -> Proceso | None:
    filas = list(db["procesos"].rows_where("es_actual = 1"))
    return fila_a_proceso(filas[0]) if filas else None


# --- propuestas -----------------------------------------------------------------------------

def fila_a_propuesta(fila: dict) -> Propuesta:
    sobreviviente = fila.get("sobreviviente_codigo")
    return Propuesta(
        id=fila["id"], codigo=fila["codigo"], proceso_id=fila["proceso_id"], estado=Estado(fila["estado"]),
        profundidad=fila["profundidad"], titulo=fila["titulo"] or "", problema=fila["problema"] or "",
        propuesta=fila["propuesta"] or "", lat=fila["lat"], lon=fila["lon"], ubigeo=fila["ubigeo"],
        distrito=fila["distrito"], centro_poblado=fila["centro_poblado"],
        proponente_tipo=fila["proponente_tipo"] or "", proponente_nombre=fila["proponente_nombre"] or "",
        organizacion=fila["organizacion"], organizacion_de_mujeres=bool(fila.get("organizacion_de_mujeres")),
        objetivo=fila["objetivo"], tipo=fila["tipo"], eje=fila["eje"],
        servicio_publico=fila["servicio_publico"], indicador_brecha=fila["indicador_brecha"],
        beneficiarios=json.loads(fila["beneficiarios"]) if fila["beneficiarios"] else None,
        costo_centimos=fila["costo_centimos"], costo_om_centimos=fila["costo_om_centimos"],
        plazo_meses=fila["plazo_meses"], cofinanciamiento_centimos=fila["cofinanciamiento_centimos"],
        madurez=fila["madurez"], cui=fila["cui"], sostenibilidad=fila["sostenibilidad"],
        tiene_foto=bool(fila.get("tiene_foto")), fusionada_con=sobreviviente, motivo_estado=fila["motivo_estado"],
        registrada_en=fila["registrada_en"], actualizada_en=fila["actualizada_en"],
        puntaje_tecnico=fila["puntaje_tecnico"], es_demo=bool(fila["es_demo"]),
        participante_id=fila.get("participante_id"), oculta_en=fila.get("oculta_en"),
        oculta_motivo=fila.get("oculta_motivo"),
    )


CONSULTA_PROPUESTA = """
    SELECT p.*, s.codigo AS sobreviviente_codigo,
           EXISTS (SELECT 1 FROM fotos f WHERE f.propuesta_id = p.id) AS tiene_foto
    FROM propuestas p LEFT JOIN propuestas s ON s.id = p.sobreviviente_id
"""


def obtener_por_codigo(db: Database, codigo: str) -> dict | None:
    cursor = db.execute(CONSULTA_PROPUESTA + " WHERE p.codigo = ?", [codigo])
    return _una(cursor)


def obtener_por_clave(db: Database, clave: str) -> dict | None:
    cursor = db.execute(CONSULTA_PROPUESTA + " WHERE p.clave_borrador = ?", [clave])
    return _una(cursor)


def _una(cursor) -> dict | None:
    fila = cursor.fetchone()
    if fila is None:
        return None
    return dict(zip([d[0] for d in cursor.description], fila))


def siguiente_codigo(db: Database, proceso: Proceso) -> str:
    """El número más alto del proceso más uno (las importaciones pueden traer números con saltos)."""
    return f"{proceso.codigo}-{ultimo_numero(db, proceso) + 1:04d}"


def ultimo_numero(db: Database, proceso: Proceso) -> int:
    (numero,) = db.execute("SELECT max(CAST(substr(codigo, ?) AS INTEGER)) FROM propuestas WHERE proceso_id = ? "
                           "AND codigo LIKE ?", [len(proceso.codigo) + 2, proceso.id, proceso.codigo + "-%"]).fetchone()
    return numero or 0


COSTO_VALIDADO = """(SELECT e.costo_validado_centimos FROM evaluaciones e WHERE e.propuesta_id = p.id
                     AND e.costo_validado_centimos IS NOT NULL ORDER BY e.id DESC LIMIT 1)"""
"""El último costo validado por el equipo técnico (SQL de una columna, sobre `propuestas p`)."""


def _lista(valores) -> str:
    return ", ".join(f"'{v}'" for v in sorted(valores))


def codigos_viables(db: Database, proceso_id: int) -> list[str]:
    return [f[0] for f in db.execute("SELECT codigo FROM propuestas WHERE proceso_id = ? AND estado = ? "
                                     "AND oculta_en IS NULL ORDER BY codigo", [proceso_id, Estado.VIABLE.value])]


def candidatas_a_papeleta(db: Database, proceso_id: int) -> list[dict]:
    fuera = _lista(e.value for e in FUERA_DE_PAPELETA)
    cursor = db.execute(f"""SELECT codigo, titulo, estado, distrito, costo_centimos AS costo_estimado_centimos,
                                   {COSTO_VALIDADO} AS costo_validado_centimos, puntaje_tecnico
                            FROM propuestas p
                            WHERE proceso_id = ? AND estado NOT IN ({fuera}) AND oculta_en IS NULL
                            ORDER BY codigo""", [proceso_id])
    columnas = [d[0] for d in cursor.description]
    return [dict(zip(columnas, f)) for f in cursor.fetchall()]


def id_y_codigo(db: Database, *, codigo: str | None = None, propuesta_id: int | None = None) -> tuple[int, str] | None:
    fila = db.execute("SELECT id, codigo FROM propuestas WHERE " + ("codigo = ?" if codigo is not None else "id = ?"),
                      [codigo if codigo is not None else propuesta_id]).fetchone()
    return (fila[0], fila[1]) if fila else None


def para_papeleta(db: Database, codigo: str) -> dict | None:
    """Lo que la papeleta necesita de una propuesta: su proceso, estado, costo (validado o estimado) y puntaje."""
    return _una(db.execute(f"""SELECT id, proceso_id, estado, coalesce({COSTO_VALIDADO}, costo_centimos) AS costo,
                                      puntaje_tecnico, oculta_en FROM propuestas p WHERE codigo = ?""", [codigo]))


def buscar(db: Database, proceso_id: int, *, ubigeo: str | None = None, eje: str | None = None,
           estados: list[str] | None = None, texto: str | None = None, juveniles: bool = False,
           limite: int = 20_000) -> list[dict]:
    """Resumen de las propuestas públicas (no ocultadas por moderación) que cumplen los filtros (lista y mapa)."""
    condiciones, parametros = ["p.proceso_id = ?", "p.estado != 'borrador'", "p.oculta_en IS NULL"], [proceso_id]
    if ubigeo:
        condiciones.append("p.ubigeo = ?")
        parametros.append(ubigeo)
    if eje:
        condiciones.append("p.eje = ?")
        parametros.append(eje)
    if estados:
        condiciones.append(f"p.estado IN ({', '.join('?' * len(estados))})")
        parametros.extend(estados)
    if juveniles:
        condiciones.append("p.proponente_tipo = 'joven'")
    consulta_fts = consulta_de_texto(texto or "")
    if consulta_fts:
        condiciones.append("p.id IN (SELECT rowid FROM propuestas_fts WHERE propuestas_fts MATCH ?)")
        parametros.append(consulta_fts)
    cursor = db.execute(f"""
        SELECT p.id, p.codigo, p.titulo, p.estado, p.distrito, p.ubigeo, p.centro_poblado, p.eje, p.lat, p.lon,
               p.costo_centimos, p.puntaje_tecnico, p.proponente_tipo, p.organizacion_de_mujeres, p.registrada_en,
               p.es_demo, {COSTO_VALIDADO} AS costo_validado_centimos
        FROM propuestas p WHERE {' AND '.join(condiciones)}
        ORDER BY p.registrada_en DESC, p.id DESC LIMIT ?""", [*parametros, limite])
    columnas = [d[0] for d in cursor.description]
    return [dict(zip(columnas, fila)) for fila in cursor.fetchall()]


def version_del_listado(db: Database, proceso_id: int) -> tuple:
    """Cambia cada vez que se registra o cambia una propuesta del proceso (usa índices: barato)."""
    return tuple(db.execute("SELECT count(*), max(actualizada_en) FROM propuestas WHERE proceso_id = ?",
                            [proceso_id]).fetchone())


def contar(db: Database, proceso_id: int) -> int:
    """Propuestas registradas (no borradores) de un proceso."""
    return db.execute("SELECT count(*) FROM propuestas WHERE proceso_id = ? AND estado != 'borrador'",
                      [proceso_id]).fetchone()[0]


def consulta_de_texto(texto: str) -> str:
    """Texto libre → consulta FTS5 segura: cada palabra entre comillas, como prefijo."""
    palabras = re.findall(r"[\w']+", texto, flags=re.UNICODE)[:12]
    return " ".join('"' + p.replace('"', '""') + '"*' for p in palabras)


def cercanas(db: Database, proceso_id: int, lat: float, lon: float, grados: float,
             excluir_id: int | None) -> list[dict]:
    cursor = db.execute("""
        SELECT id, codigo, titulo, problema, propuesta, lat, lon, distrito, estado FROM propuestas
        WHERE proceso_id = ? AND estado NOT IN ('borrador', 'retirada') AND lat BETWEEN ? AND ?
          AND lon BETWEEN ? AND ? AND id != ?""",
        [proceso_id, lat - grados, lat + grados, lon - grados, lon + grados, excluir_id or -1])
    columnas = [d[0] for d in cursor.description]
    return [dict(zip(columnas, fila)) for fila in cursor.fetchall()]


def historial(db: Database, propuesta_id: int) -> list[dict]:
    return [dict(f) for f in db["transiciones"].rows_where("propuesta_id = ?", [propuesta_id], order_by="id")]


def evaluaciones(db: Database, propuesta_id: int) -> list[dict]:
    filas = [dict(f) for f in db["evaluaciones"].rows_where("propuesta_id = ?", [propuesta_id], order_by="id DESC")]
    for fila in filas:
        fila["puntajes"] = json.loads(fila["puntajes"])
    return filas


def ultima_foto(db: Database, propuesta_id: int) -> dict | None:
    filas = list(db["fotos"].rows_where("propuesta_id = ?", [propuesta_id], order_by="id DESC", limit=1))
    return dict(filas[0]) if filas else None


def es_base_demo(db: Database) -> bool:
    filas = list(db["ajustes"].rows_where("clave = 'base_demo'"))
    return bool(filas) and filas[0]["valor"] == "1"


def propuestas_de_participante(db: Database, participante_id: int) -> list[dict]:
    return [dict(zip(("codigo", "titulo", "estado", "contacto"), f)) for f in db.execute(
        "SELECT codigo, titulo, estado, contacto FROM propuestas WHERE participante_id = ? AND codigo IS NOT NULL",
        [participante_id]).fetchall()]


def proponentes_para_buscar(db: Database) -> list[dict]:
    """Las propuestas que no son de un participante registrado y pueden tener nombre o contacto (también los
    borradores, que los tienen en el JSON)."""
    return [dict(f) for f in db["propuestas"].rows_where(
        "participante_id IS NULL AND (proponente_nombre IS NOT NULL OR contacto IS NOT NULL OR estado = 'borrador')",
        select="id, proceso_id, codigo, titulo, estado, proponente_nombre, contacto, borrador, datos_borrados_en",
        order_by="id")]


def datos_de_proponente(db: Database, propuesta_id: int) -> dict:
    """Lo que guarda una propuesta de quien la envió, con lo que permite reconocerla."""
    filas = list(db["propuestas"].rows_where(
        "id = ?", [propuesta_id], select="id, codigo, titulo, estado, registrada_en, proponente_tipo, "
        "proponente_nombre, organizacion, contacto, consentimiento_en, datos_borrados_en, borrador"))
    if not filas:
        raise NoEncontrada(f"No existe la propuesta n.º {propuesta_id}.")
    return dict(filas[0])


def nombres_de_proponentes(db: Database, ids: list[int]) -> list[str]:
    marcas = ", ".join("?" for _ in ids)
    return [f[0] for f in db.execute(f"SELECT proponente_nombre FROM propuestas WHERE id IN ({marcas})", ids)
            ] if ids else []


def argumentos_de_participante(db: Database, participante_id: int) -> list[dict]:
    return [dict(zip(("propuesta", "postura", "texto", "creado_en", "oculto_en"), f)) for f in db.execute(
        "SELECT p.codigo, a.postura, a.texto, a.creado_en, a.oculto_en FROM argumentos a "
        "JOIN propuestas p ON p.id = a.propuesta_id WHERE a.participante_id = ? ORDER BY a.id", [participante_id])]


def apoyos_de_participante(db: Database, participante_id: int) -> int:
    return db.execute("SELECT count(*) FROM apoyos WHERE participante_id = ?", [participante_id]).fetchone()[0]


def borrar_datos_de_proponente(db: Database, propuesta_id: int, reemplazo: str, *, ahora: str) -> None:
    """Dentro de una escritura: el nombre pasa a `reemplazo` («dato eliminado»), sin contacto ni borrador."""
    db.execute("UPDATE propuestas SET proponente_nombre = CASE WHEN proponente_nombre IS NULL AND borrador IS NULL "
               "THEN NULL ELSE ? END, contacto = NULL, borrador = NULL, proponente_sexo = NULL, "
               "proponente_franja = NULL, datos_borrados_en = ? WHERE id = ?",
               [reemplazo, ahora, propuesta_id])


def olvidar_paginas_viejas(db: Database) -> None:
    """Tras borrar datos personales: pasa el WAL a la base y lo vacía, para que las versiones viejas de las
    páginas no queden en el disco (dentro de la base no quedan: `secure_delete`, ver `nucleo.db.abrir`)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def conservacion_de_procesos(db: Database) -> dict[int, int | None]:
    """proceso → meses que se guardan los contactos después del acta (None: sin regla)."""
    return dict(db.execute("SELECT id, conservar_contactos_meses FROM procesos").fetchall())


def fijar_conservacion(db: Database, proceso_id: int, meses: int | None) -> None:
    db.execute("UPDATE procesos SET conservar_contactos_meses = ? WHERE id = ?", [meses, proceso_id])


def contactos_pendientes(db: Database, proceso_id: int) -> int:
    """Propuestas del proceso (sin participante) que aún guardan un contacto o un borrador."""
    return db.execute("SELECT count(*) FROM propuestas WHERE proceso_id = ? AND participante_id IS NULL AND "
                      "(contacto IS NOT NULL OR borrador IS NOT NULL)", [proceso_id]).fetchone()[0]


def borrar_contactos_de_proceso(db: Database, proceso_id: int, *, ahora: str) -> int:
    """Dentro de una escritura: sin contacto ni borrador en las propuestas del proceso (el nombre publicado queda)."""
    return db.execute("UPDATE propuestas SET contacto = NULL, borrador = NULL, datos_borrados_en = ? "
                      "WHERE proceso_id = ? AND (contacto IS NOT NULL OR borrador IS NOT NULL)",
                      [ahora, proceso_id]).rowcount


def proponentes_del_proceso(db: Database, proceso_id: int) -> list[dict]:
    """Quien presentó cada propuesta registrada del proceso (sin borradores): una fila por participante con cuenta
    (con su sexo y franja) y una por propuesta sin cuenta (con lo que dijo al proponer). Distrito: el de la
    propuesta; tipo, en las palabras de los participantes (`individual` → `ciudadano`)."""
    cursor = db.execute("""
        SELECT DISTINCT coalesce('p' || p.participante_id, 'x' || p.id) AS id,
               coalesce(pa.sexo, p.proponente_sexo) AS sexo, coalesce(pa.franja_edad, p.proponente_franja) AS franja_edad,
               coalesce(pa.ubigeo, p.ubigeo) AS ubigeo,
               CASE coalesce(pa.tipo, p.proponente_tipo) WHEN 'individual' THEN 'ciudadano'
                    ELSE coalesce(pa.tipo, p.proponente_tipo) END AS tipo
        FROM propuestas p LEFT JOIN participantes pa ON pa.id = p.participante_id
        WHERE p.proceso_id = ? AND p.estado != 'borrador'""", [proceso_id])
    return [dict(zip([d[0] for d in cursor.description], fila)) for fila in cursor.fetchall()]


def tipos_de_proponente(db: Database, codigos: list[str]) -> dict[str, tuple[str, bool]]:
    """código → (tipo de proponente, si es una organización de mujeres)."""
    marcas = ", ".join("?" for _ in codigos)
    return {c: (t or "", bool(m)) for c, t, m in db.execute(
        f"SELECT codigo, proponente_tipo, organizacion_de_mujeres FROM propuestas WHERE codigo IN ({marcas})",
        codigos).fetchall()} if codigos else {}


def seudonimizar_propuestas(db: Database, participante_id: int, seudonimo: str) -> None:
    """Dentro de una escritura: el nombre de quien propuso pasa a ser el seudónimo; sin contacto ni borrador."""
    db.execute("UPDATE propuestas SET proponente_nombre = ?, contacto = NULL, borrador = NULL, proponente_sexo = NULL, "
               "proponente_franja = NULL WHERE participante_id = ?", [seudonimo, participante_id])


# --- escritura de `propuestas` y `transiciones` (el único módulo que las escribe; llamar dentro de una escritura)

def arrastres(db: Database, propuesta_id: int) -> tuple[str | None, list[str]]:
    """(el código del que viene, los códigos que la continúan en otros procesos)."""
    origen = db.execute("SELECT o.codigo FROM propuestas p JOIN propuestas o ON o.id = p.origen_id WHERE p.id = ?",
                        [propuesta_id]).fetchone()
    siguen = [f[0] for f in db.execute("SELECT codigo FROM propuestas WHERE origen_id = ? ORDER BY id",
                                       [propuesta_id])]
    return (origen[0] if origen else None), siguen


def insertar_propuesta(db: Database, fila: dict) -> int:
    return db.table("propuestas").insert(fila).last_pk


def insertar_propuestas(db: Database, filas: list[dict]) -> None:
    db.table("propuestas").insert_all(filas, batch_size=500)


def actualizar_propuesta(db: Database, propuesta_id: int, cambios: dict) -> None:
    db.table("propuestas").update(propuesta_id, cambios)


def anotar_transicion(db: Database, propuesta_id: int, desde: str, hacia: str, *, actor: str, motivo: str | None,
                      ocurrido_en: str) -> None:
    """Un paso del ciclo de vida de una propuesta: de qué estado a cuál, quién, por qué y cuándo."""
    db.table("transiciones").insert({"propuesta_id": propuesta_id, "desde": desde, "hacia": hacia, "actor": actor,
                               "motivo": motivo, "ocurrido_en": ocurrido_en})


def anotar_transiciones(db: Database, filas: list[dict]) -> None:
    db.table("transiciones").insert_all(filas, batch_size=1000)


def puntaje_tecnico_desde_evaluaciones(db: Database, proceso_id: int) -> None:
    """El puntaje técnico de cada propuesta sin puntaje, desde su última evaluación."""
    db.execute("UPDATE propuestas SET puntaje_tecnico = (SELECT e.puntaje FROM evaluaciones e WHERE "
               "e.propuesta_id = propuestas.id ORDER BY e.id DESC LIMIT 1) WHERE proceso_id = ? AND puntaje_tecnico "
               "IS NULL", [proceso_id])


COLUMNAS_PRIORIZADA = ("id", "codigo", "titulo", "distrito", "ubigeo", "lat", "lon", "estado", "proceso_id",
                       "proceso", "priorizada_en", "en_acta_en", "costo_centimos", "es_demo")


def priorizadas(db: Database, proceso_id: int | None = None) -> list[dict]:
    """Las propuestas priorizadas o en acta (de un proceso o de todos), no ocultadas, con el nombre del proceso."""
    donde, parametros = ("AND p.proceso_id = ?", [proceso_id]) if proceso_id is not None else ("", [])
    cursor = db.execute(f"""
        SELECT p.id, p.codigo, p.titulo, p.distrito, p.ubigeo, p.lat, p.lon, p.estado, p.proceso_id, r.nombre,
               p.priorizada_en, p.en_acta_en, coalesce({COSTO_VALIDADO}, p.costo_centimos), p.es_demo
        FROM propuestas p JOIN procesos r ON r.id = p.proceso_id
        WHERE p.estado IN ('priorizada', 'en_acta') AND p.oculta_en IS NULL {donde}
        ORDER BY p.proceso_id DESC, p.id""", parametros)
    return [dict(zip(COLUMNAS_PRIORIZADA, fila)) for fila in cursor.fetchall()]
