"""El formulario de «Proponer» dicho una sola vez: cada pregunta con su campo, su etiqueta, cómo se contesta, en qué
sección va y si es solo del formulario completo. La página lo recorre; la validación y la plantilla de la hoja
usan los mismos nombres de campo (`propuestas.modelo`, `propuestas.hoja`). Puro: sin E/S.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from identidad.participantes import SEXOS
from propuestas.modelo import FRANJAS_EDAD, MADUREZ, TIPOS_INTERVENCION, TIPOS_PROPONENTE

# Lo que se dice antes de pedir el consentimiento (Ley 29733, art. 18: finalidad, quién lo trata, derechos).
AVISO_DATOS = ("**Sus datos personales.** La secretaría técnica de la MCLCP usa su nombre (se publica con la "
               "propuesta) y su celular o correo (no se publica) solo para esta propuesta: avisarle cómo avanza y "
               "qué pasa con ella; su sexo y su edad, si los da, solo para contar cuántas mujeres y jóvenes "
               "participan (sin nombres). Puede pedir verlos, corregirlos o borrarlos a la MCLCP. Si no marca la "
               "casilla, la propuesta se envía sin nombre ni contacto (anónima).")

SECCIONES = {"idea": "1. Su idea", "donde": "2. ¿Dónde?", "quien": "3. ¿Quién propone?", "detalles": "4. Detalles"}


@dataclass(frozen=True)
class Pregunta:
    campo: str
    etiqueta: str
    control: str                       # «texto», «area» (varias líneas), «opcion», «numero» o «casilla»
    seccion: str
    solo_completa: bool = False
    ayuda: str | None = None
    opciones: Mapping[str, str] = field(default_factory=dict)  # valor → etiqueta; «eje» usa los del proceso
    etiqueta_rapida: str | None = None  # si el formulario rápido la pregunta con otras palabras
    fila: str | None = None            # las preguntas con la misma fila van lado a lado, bajo ese título

    def etiqueta_en(self, completa: bool) -> str:
        return self.etiqueta if completa or not self.etiqueta_rapida else self.etiqueta_rapida


PREGUNTAS = (
    Pregunta("titulo", "Título de la propuesta", "texto", "idea",
             ayuda="Entre 10 y 120 caracteres. Ej.: «Losa deportiva en Cashapampa»."),
    Pregunta("problema", "¿Qué problema hay?", "area", "idea"),
    Pregunta("propuesta", "¿Qué proponen hacer?", "area", "idea"),
    Pregunta("objetivo", "Objetivo (el problema dicho en positivo)", "area", "idea", solo_completa=True),
    Pregunta("proponente_tipo", "Propone", "opcion", "quien", opciones=TIPOS_PROPONENTE),
    Pregunta("proponente_nombre", "Nombre (se publica con la propuesta)", "texto", "quien"),
    Pregunta("organizacion", "Organización", "texto", "quien", solo_completa=True),
    Pregunta("organizacion_de_mujeres", "Es una organización de mujeres (club de madres, vaso de leche, federación…)",
             "casilla", "quien", solo_completa=True),
    Pregunta("contacto", "Celular o correo (no se publica)", "texto", "quien",
             ayuda="Solo lo ve la secretaría técnica de la MCLCP."),
    Pregunta("proponente_sexo", "Sexo (opcional)", "opcion", "quien", opciones=SEXOS, fila="Sobre usted (opcional)"),
    Pregunta("proponente_edad", "Edad en años (opcional)", "texto", "quien", fila="Sobre usted (opcional)",
             ayuda="Solo se guarda su franja de edad (de 15 a 29 años cuenta como joven)."),
    Pregunta("consentimiento", "Acepto que la MCLCP guarde mi nombre, mi contacto, mi sexo y mi edad para esta "
             "propuesta (Ley 29733)", "casilla", "quien"),
    Pregunta("eje", "Eje u objetivo del PDLC", "opcion", "detalles"),
    Pregunta("costo", "Costo estimado (S/)", "texto", "detalles", etiqueta_rapida="¿Cuánto creen que cuesta? (S/)",
             ayuda="Solo números, p. ej. 85000 o 85,000.50."),
    Pregunta("tipo", "Tipo de intervención", "opcion", "detalles", solo_completa=True, opciones=TIPOS_INTERVENCION),
    Pregunta("servicio_publico", "Servicio público que mejora", "texto", "detalles", solo_completa=True),
    Pregunta("indicador_brecha", "Indicador de brecha", "texto", "detalles", solo_completa=True),
    Pregunta("costo_om", "Costo anual de operación y mantenimiento (S/)", "texto", "detalles", solo_completa=True),
    Pregunta("cofinanciamiento", "Cofinanciamiento o aporte comunal (S/)", "texto", "detalles", solo_completa=True),
    Pregunta("plazo_meses", "Plazo de ejecución (meses)", "numero", "detalles", solo_completa=True),
    Pregunta("directos_mujeres", "Directos: mujeres", "numero", "detalles", solo_completa=True, fila="Beneficiarios"),
    Pregunta("directos_hombres", "Directos: hombres", "numero", "detalles", solo_completa=True, fila="Beneficiarios"),
    Pregunta("indirectos", "Indirectos", "numero", "detalles", solo_completa=True, fila="Beneficiarios"),
    *(Pregunta(f"edad_{franja}", etiqueta, "numero", "detalles", solo_completa=True, fila="Por edad")
      for franja, etiqueta in FRANJAS_EDAD.items()),
    Pregunta("madurez", "Madurez (Invierte.pe)", "opcion", "detalles", solo_completa=True, opciones=MADUREZ),
    Pregunta("cui", "CUI (si ya tiene)", "texto", "detalles", solo_completa=True),
    Pregunta("sostenibilidad", "Sostenibilidad: ¿quién lo opera y mantiene?", "area", "detalles", solo_completa=True),
)
# Todo lo que guarda el borrador: el tipo de formulario, cada pregunta y el punto (sección «¿Dónde?»).
CAMPOS = ("profundidad", *(p.campo for p in PREGUNTAS), "lat", "lon")
CASILLAS = tuple(p.campo for p in PREGUNTAS if p.control == "casilla")  # sí o no: un borrador sin ella dice «no»


def valor_del_borrador(campo: str, guardado: Mapping[str, object]) -> object:
    """Lo que el borrador guardó para `campo`, listo para su control (una casilla nunca queda en None)."""
    return bool(guardado.get(campo)) if campo in CASILLAS else guardado.get(campo)


def preguntas(seccion: str, *, completa: bool, datos: Mapping[str, object]) -> list[Pregunta]:
    """Las preguntas de una sección que se hacen ahora: las del formulario completo solo si lo es; «Organización»
    también en el rápido si propone una organización."""
    return [p for p in PREGUNTAS if p.seccion == seccion and (
        completa or not p.solo_completa or (p.campo in ("organizacion", "organizacion_de_mujeres")
                                            and datos.get("proponente_tipo") == "organizacion"))]


def titulo_de(seccion: str, *, completa: bool) -> str:
    return SECCIONES[seccion] + ("" if completa or seccion != "detalles" else " (opcional)")
