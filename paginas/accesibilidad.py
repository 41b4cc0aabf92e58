"""Arreglos de accesibilidad a lo que dibuja Streamlit (medidos con axe-core en tests/test_navegador_accesibilidad.py).

El menú lateral de Streamlit con secciones es una lista `<ul>` cuyos hijos son `<div>` (cada sección, con su título
y sus `<li>`): un lector de pantalla anuncia listas rotas («list» y «listitem», graves para axe). Como no podemos
cambiar ese HTML, un guion en la página quita la semántica de lista (`role="none"`) al `<ul>` y a sus `<li>`: quedan
los enlaces dentro de la navegación, que es lo que se recorre. Vigila los cambios del menú (al volver a dibujarse).
"""
import streamlit as st

GUION = """<script>
(() => {
  const doc = window.parent?.document ?? document;
  if (doc.__menuAccesible) return;
  doc.__menuAccesible = true;
  const arreglar = () => doc.querySelectorAll('ul[data-testid="stSidebarNavItems"]').forEach((lista) => {
    if (lista.getAttribute('role') !== 'none') lista.setAttribute('role', 'none');
    lista.querySelectorAll('li').forEach((item) => {
      if (item.getAttribute('role') !== 'none') item.setAttribute('role', 'none');
    });
  });
  new MutationObserver(arreglar).observe(doc.body, {childList: true, subtree: true});
  arreglar();
})();
</script>"""


def arreglar_menu() -> None:
    """Dentro de `st.sidebar`, una vez por ejecución del marco (el guion no hace nada si ya está corriendo)."""
    st.html(GUION, unsafe_allow_javascript=True)
