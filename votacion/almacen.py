"""Tablas de votaciones y papeletas (sqlite-utils, migraciones propias).

Garantías que da el esquema y no solo el código:
- las papeletas son de solo agregar (ningún UPDATE ni DELETE): cambiar el voto agrega otra papeleta que dice a
  cuál reemplaza; la vigente de cada persona es la última suya en la cadena, así que el doble voto no existe;
- cada papeleta nueva se engancha al último eslabón de su votación y, si cambia un voto, a la última papeleta
  de esa persona (trigger); no entra ninguna si la votación no la acepta en su estado;
- al cierre definitivo se anota el ancla (cabeza y eslabones) y el resultado congelado, en una tabla de solo
  agregar; reabrir queda anotado con su motivo;
- la configuración y las propuestas de la papeleta no cambian después de abrir; ocultar (moderación) una
  propuesta que está en una votación en curso exige retirarla de esa votación.
"""
from __future__ import annotations

import json

from sqlite_utils import Database, Migrations

from nucleo import esquema
from nucleo.db import secreto_de_codigos
from votacion import cadena
from votacion.modelo import Elegible, EstadoVotacion, TipoPapeleta, Votacion

migraciones = Migrations("votacion")


@migraciones()
def crear_votaciones(db: Database) -> None:
    # Valores escritos tal cual (antes salían de los enum): una migración hace siempre lo mismo, aunque el
    # enum crezca después (el estado «conteo» llegó con su propia migración, `conteo_de_papel`).
    tipos = "'aprobacion', 'puntos', 'ranking', 'presupuesto'"
    estados = "'preparada', 'abierta', 'pausada', 'cerrada'"
    canales = "'celular', 'papel'"
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


@migraciones(transactional=False)
def conteo_de_papel(db: Database) -> None:
    """Estado «conteo» (celulares cerrados, solo se digita papel). El CHECK del estado es parte del CREATE TABLE:
    se reconstruye la tabla con las mismas filas, su índice y su trigger (`esquema.reconstruir`)."""
    columnas = ("id, proceso_id, nombre, tipo, techo_centimos, regla, max_opciones, puntos_total, puntos_maximo, "
                "peso_participacion, peso_tecnico, modalidad, lugar, quien_vota, abre_en, cierra_en, estado, "
                "resultados_visibles, creada_en, actualizada_en, abierta_en, cerrada_en, cuenta_hasta")
    esquema.reconstruir(db, "votaciones", ya_esta="'conteo'", guion=f"""
        CREATE TABLE votaciones_con_conteo (
            id INTEGER PRIMARY KEY,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            nombre TEXT NOT NULL,
            tipo TEXT NOT NULL CHECK (tipo IN ('aprobacion', 'puntos', 'ranking', 'presupuesto')),
            techo_centimos INTEGER NOT NULL CHECK (techo_centimos > 0),
            regla TEXT NOT NULL,
            max_opciones INTEGER NOT NULL, puntos_total INTEGER NOT NULL, puntos_maximo INTEGER NOT NULL,
            peso_participacion INTEGER NOT NULL, peso_tecnico INTEGER NOT NULL,
            modalidad TEXT NOT NULL CHECK (modalidad IN ('taller', 'en_linea')),
            lugar TEXT NOT NULL DEFAULT '',
            quien_vota TEXT NOT NULL CHECK (quien_vota IN ('registrados', 'asistentes')),
            abre_en TEXT, cierra_en TEXT,
            estado TEXT NOT NULL CHECK (estado IN ('preparada', 'abierta', 'pausada', 'conteo', 'cerrada')),
            resultados_visibles INTEGER NOT NULL DEFAULT 0 CHECK (resultados_visibles IN (0, 1)),
            creada_en TEXT NOT NULL, actualizada_en TEXT NOT NULL, abierta_en TEXT, cerrada_en TEXT,
            cuenta_hasta TEXT,
            CHECK (peso_participacion + peso_tecnico = 100)
        );
        INSERT INTO votaciones_con_conteo ({columnas}) SELECT {columnas} FROM votaciones;
        DROP TABLE votaciones;
        ALTER TABLE votaciones_con_conteo RENAME TO votaciones;
        CREATE INDEX votaciones_proceso ON votaciones (proceso_id, id);
        CREATE TRIGGER votaciones_sin_borrado BEFORE DELETE ON votaciones
            BEGIN SELECT RAISE(ABORT, 'las votaciones no se borran'); END;
    """)


@migraciones()
def cadena_anclada(db: Database) -> None:
    """Papeletas de solo agregar (la vigente es la última de cada persona), eslabones de formato 2 (se recalculan
    con solo el `.pb`) con sello, ancla y resultado congelado al cierre, reaperturas con motivo, retiros de
    propuestas, y la configuración y la papeleta fijas desde que se abre la votación."""
    _ejecutar_guion(db, """
        ALTER TABLE papeletas ADD COLUMN formato INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE papeletas ADD COLUMN reemplaza TEXT;
        ALTER TABLE papeletas ADD COLUMN compromiso TEXT;
        ALTER TABLE papeletas ADD COLUMN sal TEXT;
        ALTER TABLE papeletas ADD COLUMN sello TEXT;
    """)
    clave = clave_de_sellos(db)  # las papeletas que ya estaban se sellan tal como están, una sola vez
    for papeleta_id, huella in db.execute("SELECT id, huella FROM papeletas").fetchall():
        db.execute("UPDATE papeletas SET sello = ? WHERE id = ?", [cadena.sello(clave, huella), papeleta_id])
    _ejecutar_guion(db, f"""
        DROP TRIGGER papeletas_inmutables;
        DROP TRIGGER papeletas_reemplazo_unico;
        DROP INDEX papeletas_una_vigente;
        CREATE INDEX papeletas_por_votante ON papeletas (votacion_id, votante, id);
        CREATE UNIQUE INDEX papeletas_reemplazada_una_vez ON papeletas (reemplaza) WHERE reemplaza IS NOT NULL;
        CREATE TRIGGER papeletas_sin_cambios BEFORE UPDATE ON papeletas
            BEGIN SELECT RAISE(ABORT, 'las papeletas no se modifican: cambiar el voto agrega otra papeleta'); END;
        CREATE TRIGGER papeletas_al_final_de_la_cadena BEFORE INSERT ON papeletas BEGIN
            SELECT RAISE(ABORT, 'las papeletas nuevas son de formato 2, con compromiso y sello')
            WHERE new.formato != 2 OR new.compromiso IS NULL OR new.sello IS NULL;
            SELECT RAISE(ABORT, 'la papeleta no sigue al último eslabón de la cadena de su votación')
            WHERE new.huella_anterior IS NOT coalesce((SELECT huella FROM papeletas WHERE votacion_id =
                new.votacion_id ORDER BY id DESC LIMIT 1), '{cadena.ORIGEN}');
            SELECT RAISE(ABORT, 'un cambio de voto reemplaza a la última papeleta de la misma persona')
            WHERE new.reemplaza IS NOT (SELECT huella FROM papeletas WHERE votacion_id = new.votacion_id
                AND votante = new.votante ORDER BY id DESC LIMIT 1);
            SELECT RAISE(ABORT, 'la votación no recibe papeletas en su estado')
            WHERE NOT EXISTS (SELECT 1 FROM votaciones v WHERE v.id = new.votacion_id AND (v.estado = 'abierta'
                OR (new.canal = 'papel' AND v.estado IN ('pausada', 'conteo'))));
        END;

        CREATE TABLE cierres (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            cerrada_en TEXT NOT NULL, cerrada_por TEXT NOT NULL,
            eslabones INTEGER NOT NULL CHECK (eslabones >= 0),
            cabeza TEXT NOT NULL CHECK (length(cabeza) = 64),
            eleccion TEXT NOT NULL CHECK (json_valid(eleccion)),
            archivo_pb TEXT NOT NULL,
            huella_pb TEXT NOT NULL CHECK (length(huella_pb) = 64),
            problemas TEXT NOT NULL CHECK (json_valid(problemas)),
            sello TEXT NOT NULL
        );
        CREATE INDEX cierres_votacion ON cierres (votacion_id, id);
        CREATE TRIGGER cierres_sin_cambios BEFORE UPDATE ON cierres
            BEGIN SELECT RAISE(ABORT, 'un cierre no se modifica: se reabre la votación con motivo'); END;
        CREATE TRIGGER cierres_sin_borrado BEFORE DELETE ON cierres
            BEGIN SELECT RAISE(ABORT, 'los cierres no se borran'); END;

        CREATE TABLE reaperturas (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            cierre_id INTEGER REFERENCES cierres (id),
            hacia TEXT NOT NULL CHECK (hacia IN ('abierta', 'conteo')),
            motivo TEXT NOT NULL CHECK (length(motivo) BETWEEN 10 AND 500),
            reabierta_en TEXT NOT NULL, reabierta_por TEXT NOT NULL
        );
        CREATE INDEX reaperturas_votacion ON reaperturas (votacion_id, id);
        CREATE TRIGGER reaperturas_sin_cambios BEFORE UPDATE ON reaperturas
            BEGIN SELECT RAISE(ABORT, 'las reaperturas no se modifican'); END;
        CREATE TRIGGER reaperturas_sin_borrado BEFORE DELETE ON reaperturas
            BEGIN SELECT RAISE(ABORT, 'las reaperturas no se borran'); END;

        CREATE TABLE retiros (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            motivo TEXT NOT NULL CHECK (length(motivo) BETWEEN 5 AND 500),
            retirada_en TEXT NOT NULL, retirada_por TEXT NOT NULL,
            UNIQUE (votacion_id, propuesta_id)
        );
        CREATE TRIGGER retiros_sin_cambios BEFORE UPDATE ON retiros
            BEGIN SELECT RAISE(ABORT, 'los retiros no se modifican'); END;
        CREATE TRIGGER retiros_sin_borrado BEFORE DELETE ON retiros
            BEGIN SELECT RAISE(ABORT, 'los retiros no se borran'); END;
        CREATE TRIGGER retiros_antes_del_cierre BEFORE INSERT ON retiros
            WHEN (SELECT estado FROM votaciones WHERE id = new.votacion_id) = 'cerrada'
              OR NOT EXISTS (SELECT 1 FROM votacion_propuestas WHERE votacion_id = new.votacion_id
                             AND propuesta_id = new.propuesta_id)
            BEGIN SELECT RAISE(ABORT, 'solo se retira una propuesta de la papeleta de una votación no cerrada'); END;

        CREATE TRIGGER propuestas_oculta_se_retira BEFORE UPDATE OF oculta_en ON propuestas
            WHEN new.oculta_en IS NOT NULL AND old.oculta_en IS NULL AND EXISTS (
                SELECT 1 FROM votacion_propuestas vp JOIN votaciones v ON v.id = vp.votacion_id
                WHERE vp.propuesta_id = new.id AND v.estado != 'cerrada' AND NOT EXISTS (
                    SELECT 1 FROM retiros r WHERE r.votacion_id = vp.votacion_id AND r.propuesta_id = new.id))
            BEGIN SELECT RAISE(ABORT,
                'la propuesta está en una votación en curso: ocultarla exige retirarla de esa votación'); END;
        CREATE TRIGGER votaciones_configuracion_fija BEFORE UPDATE OF proceso_id, tipo, techo_centimos, regla,
            max_opciones, puntos_total, puntos_maximo, peso_participacion, peso_tecnico, quien_vota ON votaciones
            WHEN old.estado != 'preparada'
            BEGIN SELECT RAISE(ABORT, 'la configuración de una votación no cambia después de abrirla'); END;
        CREATE TRIGGER votacion_propuestas_fijas_al_agregar BEFORE INSERT ON votacion_propuestas
            WHEN (SELECT estado FROM votaciones WHERE id = new.votacion_id) != 'preparada'
            BEGIN SELECT RAISE(ABORT, 'las propuestas de la papeleta no cambian después de abrir'); END;
        CREATE TRIGGER votacion_propuestas_fijas_al_cambiar BEFORE UPDATE ON votacion_propuestas
            WHEN (SELECT estado FROM votaciones WHERE id = old.votacion_id) != 'preparada'
            BEGIN SELECT RAISE(ABORT, 'las propuestas de la papeleta no cambian después de abrir'); END;
        CREATE TRIGGER votacion_propuestas_fijas_al_quitar BEFORE DELETE ON votacion_propuestas
            WHEN (SELECT estado FROM votaciones WHERE id = old.votacion_id) != 'preparada'
            BEGIN SELECT RAISE(ABORT, 'las propuestas de la papeleta no cambian después de abrir'); END;
    """)


def _ejecutar_guion(db: Database, guion: str) -> None:
    """Varias sentencias, una por una, dentro de la transacción en curso (`executescript` confirmaría antes)."""
    for sentencia in esquema.sentencias(guion):
        db.execute(sentencia)


@migraciones()
def formalizacion(db: Database) -> None:
    """Del resultado al acta: qué propuestas priorizó cada cierre (y si una reapertura lo deshizo, cuándo y por
    qué) y el acta firmada (fecha, lugar, su PDF y su SHA-256), que no cambia ni se borra."""
    _ejecutar_guion(db, """
        CREATE TABLE priorizaciones (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            cierre_id INTEGER NOT NULL REFERENCES cierres (id),
            propuesta_id INTEGER NOT NULL REFERENCES propuestas (id),
            puesto INTEGER NOT NULL CHECK (puesto >= 1),
            creada_en TEXT NOT NULL,
            deshecha_en TEXT, deshecha_motivo TEXT,
            CHECK ((deshecha_en IS NULL) = (deshecha_motivo IS NULL))
        );
        CREATE UNIQUE INDEX priorizaciones_vigentes ON priorizaciones (votacion_id, propuesta_id)
            WHERE deshecha_en IS NULL;
        CREATE TRIGGER priorizaciones_solo_se_deshacen BEFORE UPDATE ON priorizaciones
            WHEN old.deshecha_en IS NOT NULL OR new.votacion_id IS NOT old.votacion_id
                 OR new.cierre_id IS NOT old.cierre_id OR new.propuesta_id IS NOT old.propuesta_id
                 OR new.puesto IS NOT old.puesto OR new.creada_en IS NOT old.creada_en
            BEGIN SELECT RAISE(ABORT, 'una priorización solo se deshace (con motivo), una vez'); END;
        CREATE TRIGGER priorizaciones_sin_borrado BEFORE DELETE ON priorizaciones
            BEGIN SELECT RAISE(ABORT, 'las priorizaciones no se borran'); END;

        CREATE TABLE actas_firmadas (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL UNIQUE REFERENCES votaciones (id),
            cierre_id INTEGER NOT NULL REFERENCES cierres (id),
            firmada_el TEXT NOT NULL CHECK (firmada_el GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            lugar TEXT NOT NULL CHECK (length(lugar) BETWEEN 3 AND 200),
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            pdf BLOB NOT NULL,
            registrada_en TEXT NOT NULL, registrada_por TEXT NOT NULL
        );
        CREATE TRIGGER actas_firmadas_sin_cambios BEFORE UPDATE ON actas_firmadas
            BEGIN SELECT RAISE(ABORT, 'un acta firmada no cambia'); END;
        CREATE TRIGGER actas_firmadas_sin_borrado BEFORE DELETE ON actas_firmadas
            BEGIN SELECT RAISE(ABORT, 'un acta firmada no se borra'); END;
    """)


@migraciones()
def vigilancia(db: Database) -> None:
    """El Comité de Vigilancia elegido en el taller (va al acta), sus observaciones sobre un proyecto o un acuerdo y
    las respuestas del equipo, y el estado de cada acuerdo con su motivo. Solo se agregan filas."""
    inmutables = ("observaciones", "respuestas_observacion", "estados_acuerdo")
    triggers = "\n".join(f"""
        CREATE TRIGGER {tabla}_sin_cambios BEFORE UPDATE ON {tabla}
            BEGIN SELECT RAISE(ABORT, 'la vigilancia no se edita: se agrega otra fila'); END;
        CREATE TRIGGER {tabla}_sin_borrado BEFORE DELETE ON {tabla}
            BEGIN SELECT RAISE(ABORT, 'la vigilancia no se borra'); END;""" for tabla in inmutables)
    _ejecutar_guion(db, f"""
        CREATE TABLE comite_vigilancia (
            id INTEGER PRIMARY KEY,
            votacion_id INTEGER NOT NULL REFERENCES votaciones (id),
            nombre TEXT NOT NULL CHECK (length(nombre) BETWEEN 3 AND 120),
            organizacion TEXT NOT NULL CHECK (length(organizacion) BETWEEN 2 AND 200),
            ubigeo TEXT NOT NULL, distrito TEXT NOT NULL,
            anotado_en TEXT NOT NULL, anotado_por TEXT NOT NULL,
            retirado_en TEXT, motivo_retiro TEXT,
            CHECK ((retirado_en IS NULL) = (motivo_retiro IS NULL))
        );
        CREATE TRIGGER comite_vigilancia_sin_borrado BEFORE DELETE ON comite_vigilancia
            BEGIN SELECT RAISE(ABORT, 'los miembros del comité no se borran: se retiran con motivo'); END;
        CREATE TABLE observaciones (
            id INTEGER PRIMARY KEY,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            propuesta_id INTEGER REFERENCES propuestas (id),
            acuerdo_id INTEGER REFERENCES acuerdos (id),
            texto TEXT NOT NULL CHECK (length(texto) BETWEEN 10 AND 2000),
            evidencia BLOB, evidencia_nombre TEXT,
            evidencia_tipo TEXT CHECK (evidencia_tipo IS NULL OR evidencia_tipo IN ('foto', 'pdf')),
            creada_en TEXT NOT NULL, creada_por TEXT NOT NULL,
            CHECK ((propuesta_id IS NULL) != (acuerdo_id IS NULL))
        );
        CREATE INDEX observaciones_proceso ON observaciones (proceso_id, id);
        CREATE TABLE respuestas_observacion (
            id INTEGER PRIMARY KEY,
            observacion_id INTEGER NOT NULL REFERENCES observaciones (id),
            texto TEXT NOT NULL CHECK (length(texto) BETWEEN 10 AND 2000),
            respondida_en TEXT NOT NULL, respondida_por TEXT NOT NULL
        );
        CREATE INDEX respuestas_observacion_de ON respuestas_observacion (observacion_id, id);
        CREATE TABLE estados_acuerdo (
            id INTEGER PRIMARY KEY,
            acuerdo_id INTEGER NOT NULL REFERENCES acuerdos (id),
            estado TEXT NOT NULL CHECK (estado IN ('pendiente', 'en_curso', 'cumplido', 'incumplido')),
            motivo TEXT NOT NULL CHECK (length(motivo) BETWEEN 5 AND 1000),
            cambiado_en TEXT NOT NULL, cambiado_por TEXT NOT NULL
        );
        CREATE INDEX estados_acuerdo_de ON estados_acuerdo (acuerdo_id, id);
        {triggers}
    """)


@migraciones()
def actividades(db: Database) -> None:
    """Cada taller o evento público de un proceso (diagnóstico, deliberación, priorización, rendición de cuentas) y
    quién asistió: para contar quién participa en cada etapa (sexo, edad, distrito, tipo). Solo se agregan."""
    db.executescript("""
        CREATE TABLE actividades (
            id INTEGER PRIMARY KEY,
            proceso_id INTEGER NOT NULL REFERENCES procesos (id),
            etapa TEXT NOT NULL CHECK (etapa IN ('diagnostico', 'deliberacion', 'priorizacion', 'rendicion')),
            nombre TEXT NOT NULL CHECK (length(nombre) BETWEEN 3 AND 200),
            fecha TEXT NOT NULL CHECK (fecha GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            lugar TEXT,
            creada_en TEXT NOT NULL, creada_por TEXT NOT NULL
        );
        CREATE INDEX actividades_proceso ON actividades (proceso_id, fecha);
        CREATE TABLE asistencias_actividad (
            id INTEGER PRIMARY KEY,
            actividad_id INTEGER NOT NULL REFERENCES actividades (id),
            participante_id INTEGER NOT NULL REFERENCES participantes (id),
            registrada_en TEXT NOT NULL, registrada_por TEXT NOT NULL,
            UNIQUE (actividad_id, participante_id)
        );
        CREATE TRIGGER actividades_sin_borrado BEFORE DELETE ON actividades
            BEGIN SELECT RAISE(ABORT, 'las actividades no se borran'); END;
        CREATE TRIGGER asistencias_actividad_sin_cambios BEFORE UPDATE ON asistencias_actividad
            BEGIN SELECT RAISE(ABORT, 'una asistencia no cambia'); END;
        CREATE TRIGGER asistencias_actividad_sin_borrado BEFORE DELETE ON asistencias_actividad
            BEGIN SELECT RAISE(ABORT, 'las asistencias no se borran'); END;
    """)


def clave_de_sellos(db: Database) -> bytes:
    """La clave de los sellos de la cadena: derivada del secreto de la instalación (fuera de la base)."""
    return cadena.sello(secreto_de_codigos(db), "sellos de la cadena de papeletas").encode()


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


# la papeleta vigente de cada persona es la última suya en la cadena (ninguna columna dice «reemplazada»)
ES_LA_ULTIMA = ("NOT EXISTS (SELECT 1 FROM papeletas s WHERE s.votacion_id = b.votacion_id AND s.votante = b.votante "
                "AND s.id > b.id)")


def vigentes(db: Database, votacion_id: int) -> list[dict]:
    """Papeletas que cuentan (la última de cada persona), en orden de emisión, con el distrito de quien votó."""
    cursor = db.execute(f"""
        SELECT b.id, b.votante, b.participante_id, b.canal, b.taller_id, b.serie, b.contenido, b.emitida_en,
               b.recibo, b.huella, pa.ubigeo
        FROM papeletas b LEFT JOIN participantes pa ON pa.id = b.participante_id
        WHERE b.votacion_id = ? AND {ES_LA_ULTIMA} ORDER BY b.id""", [votacion_id])
    columnas = [d[0] for d in cursor.description]
    filas = [dict(zip(columnas, f)) for f in cursor.fetchall()]
    for fila in filas:
        fila["contenido"] = json.loads(fila["contenido"])
    return filas


def vigente_de(db: Database, votacion_id: int, votante: str) -> dict | None:
    """La última papeleta de esa persona en la votación (la que cuenta), o None si no votó."""
    cursor = db.execute("SELECT id, contenido, recibo, emitida_en, huella FROM papeletas WHERE votacion_id = ? "
                        "AND votante = ? ORDER BY id DESC LIMIT 1", [votacion_id, votante])
    fila = cursor.fetchone()
    if fila is None:
        return None
    return {"id": fila[0], "contenido": json.loads(fila[1]), "recibo": fila[2], "emitida_en": fila[3],
            "huella": fila[4]}


def ultima_huella(db: Database, votacion_id: int) -> str | None:
    fila = db.execute("SELECT huella FROM papeletas WHERE votacion_id = ? ORDER BY id DESC LIMIT 1",
                      [votacion_id]).fetchone()
    return fila[0] if fila else None


def cadena_de(db: Database, votacion_id: int) -> list[dict]:
    """Todas las papeletas (también las reemplazadas), en orden de la cadena, con el distrito de quien votó y si
    cuenta (`vigente`: es la última de esa persona)."""
    cursor = db.execute(f"""
        SELECT b.*, pa.ubigeo, {ES_LA_ULTIMA} AS vigente
        FROM papeletas b LEFT JOIN participantes pa ON pa.id = b.participante_id
        WHERE b.votacion_id = ? ORDER BY b.id""", [votacion_id])
    columnas = [d[0] for d in cursor.description]
    return [dict(zip(columnas, f)) for f in cursor.fetchall()]


def eslabones(db: Database, votacion_id: int) -> int:
    return db.execute("SELECT count(*) FROM papeletas WHERE votacion_id = ?", [votacion_id]).fetchone()[0]


def emisiones_anotadas(db: Database, votacion_id: int) -> int:
    """Cuántas papeletas dice el registro de eventos que se agregaron a la cadena (votar, cambiar el voto, papel)."""
    return db.execute("""
        SELECT coalesce(sum(CASE WHEN accion = 'digitar_papeletas' THEN json_extract(despues, '$.papeletas')
                                 ELSE 1 END), 0)
        FROM eventos WHERE objeto_tipo = 'votacion' AND objeto_id = ? AND accion IN ('votar', 'cambiar_voto',
        'digitar_papeletas')""", [str(votacion_id)]).fetchone()[0]


def version(db: Database, votacion_id: int) -> tuple:
    """Cambia con cada papeleta, cambio de estado, retiro o cambio de una propuesta (para no recontar si nada
    cambió)."""
    return tuple(db.execute("""
        SELECT (SELECT count(*) FROM papeletas WHERE votacion_id = :v),
               (SELECT actualizada_en || estado || resultados_visibles FROM votaciones WHERE id = :v),
               (SELECT max(p.actualizada_en) FROM propuestas p JOIN votacion_propuestas vp ON vp.propuesta_id = p.id
                WHERE vp.votacion_id = :v),
               (SELECT count(*) FROM retiros WHERE votacion_id = :v),
               (SELECT count(*) FROM cierres WHERE votacion_id = :v)""", {"v": votacion_id}).fetchone())


def en_vivo(db: Database, votacion_id: int) -> dict:
    """Lo que el proyector cuenta: personas unidas, papeletas vigentes (por canal) y ambas por distrito."""
    unidos, papeletas, celular = db.execute(f"""
        SELECT (SELECT count(*) FROM presencias WHERE votacion_id = :v),
               (SELECT count(*) FROM papeletas b WHERE b.votacion_id = :v AND {ES_LA_ULTIMA}),
               (SELECT count(*) FROM papeletas b WHERE b.votacion_id = :v AND {ES_LA_ULTIMA}
                AND b.canal = 'celular')""", {"v": votacion_id}).fetchone()
    por_distrito: dict[str, dict] = {}
    for ubigeo, cuantos in db.execute("""
            SELECT coalesce(pa.ubigeo, ''), count(*) FROM presencias pr JOIN participantes pa
            ON pa.id = pr.participante_id WHERE pr.votacion_id = ? GROUP BY 1""", [votacion_id]).fetchall():
        por_distrito.setdefault(ubigeo, {"unidos": 0, "papeletas": 0})["unidos"] = cuantos
    for ubigeo, cuantos in db.execute(f"""
            SELECT coalesce(pa.ubigeo, ''), count(*) FROM papeletas b LEFT JOIN participantes pa
            ON pa.id = b.participante_id WHERE b.votacion_id = ? AND {ES_LA_ULTIMA} GROUP BY 1""",
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
               EXISTS (SELECT 1 FROM papeletas b WHERE b.votacion_id = :v AND b.participante_id = pa.id) AS voto
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


def comite(db: Database, votacion_id: int) -> list[dict]:
    """Los miembros vigentes del Comité de Vigilancia de la votación, en el orden en que se anotaron."""
    return [dict(f) for f in db["comite_vigilancia"].rows_where(
        "votacion_id = ? AND retirado_en IS NULL", [votacion_id], order_by="id",
        select="id, nombre, organizacion, distrito")]


def retiros(db: Database, votacion_id: int) -> dict[str, dict]:
    """código → retiro (motivo, hora y quién) de las propuestas retiradas de la votación, en el orden del retiro."""
    cursor = db.execute("""
        SELECT p.codigo, p.titulo, r.motivo, r.retirada_en, r.retirada_por FROM retiros r
        JOIN propuestas p ON p.id = r.propuesta_id WHERE r.votacion_id = ? ORDER BY r.id""", [votacion_id])
    return {f[0]: {"codigo": f[0], "titulo": f[1], "motivo": f[2], "retirada_en": f[3], "retirada_por": f[4]}
            for f in cursor.fetchall()}


def votaciones_con(db: Database, propuesta_id: int) -> list[Votacion]:
    """Las votaciones no cerradas que tienen la propuesta en su papeleta y no la retiraron."""
    cursor = db.execute("""
        SELECT v.* FROM votaciones v JOIN votacion_propuestas vp ON vp.votacion_id = v.id
        WHERE vp.propuesta_id = ? AND v.estado != 'cerrada' AND NOT EXISTS (
            SELECT 1 FROM retiros r WHERE r.votacion_id = v.id AND r.propuesta_id = vp.propuesta_id)
        ORDER BY v.id""", [propuesta_id])
    columnas = [d[0] for d in cursor.description]
    return [de_fila(dict(zip(columnas, f))) for f in cursor.fetchall()]


def cierres(db: Database, votacion_id: int) -> list[dict]:
    """Los cierres definitivos de la votación, el primero primero (más de uno si se reabrió)."""
    return [dict(f) for f in db["cierres"].rows_where("votacion_id = ?", [votacion_id], order_by="id")]


def priorizaciones_vigentes(db: Database, votacion_id: int) -> list[dict]:
    """Las propuestas que la votación priorizó y ninguna reapertura deshizo, por puesto (con su código)."""
    cursor = db.execute("""SELECT z.id, z.propuesta_id, p.codigo, z.puesto, z.cierre_id FROM priorizaciones z
                           JOIN propuestas p ON p.id = z.propuesta_id
                           WHERE z.votacion_id = ? AND z.deshecha_en IS NULL ORDER BY z.puesto""", [votacion_id])
    return [dict(zip([d[0] for d in cursor.description], f)) for f in cursor.fetchall()]


def acta_firmada(db: Database, votacion_id: int) -> dict | None:
    fila = db.execute("SELECT id, votacion_id, cierre_id, firmada_el, lugar, sha256, registrada_en, registrada_por "
                      "FROM actas_firmadas WHERE votacion_id = ?", [votacion_id]).fetchone()
    columnas = ("id", "votacion_id", "cierre_id", "firmada_el", "lugar", "sha256", "registrada_en", "registrada_por")
    return dict(zip(columnas, fila)) if fila else None


def ultimas_actas_firmadas(db: Database) -> dict[int, str]:
    """proceso → fecha (AAAA-MM-DD) de su última acta firmada."""
    return dict(db.execute("SELECT v.proceso_id, max(a.firmada_el) FROM actas_firmadas a "
                           "JOIN votaciones v ON v.id = a.votacion_id GROUP BY v.proceso_id").fetchall())


def pdf_del_acta_firmada(db: Database, votacion_id: int) -> bytes | None:
    fila = db.execute("SELECT pdf FROM actas_firmadas WHERE votacion_id = ?", [votacion_id]).fetchone()
    return fila[0] if fila else None


def reaperturas(db: Database, votacion_id: int) -> list[dict]:
    return [dict(f) for f in db["reaperturas"].rows_where("votacion_id = ?", [votacion_id], order_by="id")]
