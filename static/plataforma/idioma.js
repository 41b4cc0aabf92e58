/* Los textos fijos de Streamlit y de Leaflet, en castellano.

Streamlit (1.67) no tiene idioma ni traducciones: «Upload», «Help for …», «Download as CSV», «Collapse sidebar»…
están escritos en su código. Donde una página puede pasar su propio texto (placeholder=, max_upload_size=, un
mensaje en vez de una tabla vacía) lo pasa; lo que queda lo traduce este archivo, que la app carga antes que
Streamlit en cada página (paginas/idioma.py lo agrega al HTML) y en cada mapa (geo/mapa.py).

Solo cambia textos que son exactamente uno de los de abajo (o calzan con un patrón anclado de principio a fin):
nunca un texto escrito por una persona, que solo coincidiría si fuera idéntico a una frase de Streamlit. Lo mira
en los nodos de texto y en aria-label, title, placeholder y alt, al cargar y cada vez que algo cambia. Si una
versión nueva de Streamlit cambia una frase, tests/test_navegador_celular.py la encuentra en inglés y falla.
*/
(function () {
  "use strict";
  if (window.__plataformaIdioma) return;
  window.__plataformaIdioma = true;

  var TEXTOS = {
    // selectbox / multiselect / radio
    "Choose an option": "Elija una opción",
    "Choose options": "Elija opciones",
    "No options to select": "No hay opciones",
    "No options to select.": "No hay opciones.",
    "No results": "Sin resultados",
    "Clear all": "Quitar todas",
    "Clear value": "Borrar",
    "Clear entry": "Borrar",
    "Select all": "Elegir todas",
    "Open": "Abrir",
    "Selected values": "Elegidas",
    "Selectbox options": "Opciones",
    "Multiselect options": "Opciones",
    // subir archivos
    "Upload": "Subir archivo",
    "file upload": "subir archivo",
    "Upload directories": "Subir carpetas",
    "Add files": "Agregar archivos",
    "Drag and drop file here": "Arrastre el archivo aquí",
    "Drag and drop a file here": "Arrastre el archivo aquí",
    "Drag and drop files here": "Arrastre los archivos aquí",
    "Drag and drop directories here": "Arrastre las carpetas aquí",
    "Browse files": "Elegir archivo",
    "File size is too small.": "El archivo está vacío o es demasiado pequeño.",
    "Only one file is allowed.": "Solo se puede subir un archivo.",
    "Unexpected error. Please try again.": "Error inesperado. Inténtelo de nuevo.",
    // campos de texto y números
    "Show password": "Mostrar la contraseña",
    "Hide password": "Ocultar la contraseña",
    "Increment": "Aumentar",
    "Decrement": "Disminuir",
    "Press Enter to apply": "Pulse Enter para aplicar",
    "Press Enter to submit form": "Pulse Enter para enviar",
    "Press Enter to submit": "Pulse Enter para enviar",
    "Number is above the allowed range.": "El número pasa del máximo permitido.",
    "Number is below the allowed range.": "El número está por debajo del mínimo permitido.",
    // fechas y horas
    "Choose date": "Elija la fecha",
    "Choose date range": "Elija las fechas",
    "Clear date": "Borrar la fecha",
    "Clear dates": "Borrar las fechas",
    "Clear time": "Borrar la hora",
    "Date range": "Fechas",
    "Calendar": "Calendario",
    "Start Date": "Fecha de inicio",
    "End Date": "Fecha final",
    "Previous month": "Mes anterior",
    "Next month": "Mes siguiente",
    "Quick select a date range": "Elegir un rango de fechas",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
      "Use las flechas para moverse entre las fechas, Enter para elegir y Escape para cerrar.",
    // tablas (st.dataframe / st.data_editor)
    "Download as CSV": "Descargar como CSV",
    "Search": "Buscar",
    "Type to search": "Escriba para buscar",
    "Close Search": "Cerrar la búsqueda",
    "Next Result": "Resultado siguiente",
    "Previous Result": "Resultado anterior",
    "Fullscreen": "Pantalla completa",
    "Close fullscreen": "Salir de la pantalla completa",
    "Show/hide columns": "Mostrar u ocultar columnas",
    "Add row": "Agregar una fila",
    "Delete row(s)": "Borrar las filas elegidas",
    "Clear selection": "Quitar la selección",
    "Sort ascending": "Ordenar de menor a mayor",
    "Sort descending": "Ordenar de mayor a menor",
    "Pin column": "Fijar la columna",
    "Unpin column": "Soltar la columna",
    "Hide column": "Ocultar la columna",
    "Autosize": "Ancho automático",
    "Format": "Formato",
    "Copy column name": "Copiar el nombre de la columna",
    "Dataframe column menu": "Menú de la columna",
    "Scrollable table": "Tabla",
    "empty": "vacío",
    "Empty": "Vacío",
    "No data": "Sin datos",
    // menú, barra superior y avisos de Streamlit
    "Skip to main content": "Ir al contenido",
    "Collapse sidebar": "Cerrar el menú",
    "Expand sidebar": "Abrir el menú",
    "Sidebar": "Menú",
    "App pages": "Páginas",
    "View less": "Ver menos",
    "Main menu": "Menú principal",
    "Rerun": "Volver a cargar",
    "Print": "Imprimir",
    "Close": "Cerrar",
    "Copy to clipboard": "Copiar",
    "Copied": "Copiado",
    "Running...": "Trabajando…",
    "Stop": "Detener",
    "Connecting": "Conectando",
    "Please wait...": "Espere un momento…",
    "Notifications": "Avisos",
    "Scroll tabs left": "Pestañas anteriores",
    "Scroll tabs right": "Pestañas siguientes",
    "Page not found": "Página no encontrada",
    "Previous page": "Página anterior",
    "Next page": "Página siguiente",
    "Download failed": "No se pudo descargar",
    "Link to heading": "Enlace a este título",
    // Leaflet (los mapas)
    "Zoom in": "Acercar",
    "Zoom out": "Alejar",
    "Layers": "Capas",
    "Close popup": "Cerrar",
    "A JavaScript library for interactive maps": "Biblioteca de JavaScript para mapas interactivos"
  };

  var PATRONES = [
    [/^Help for (.+)$/s, "Ayuda: $1"],
    [/^Help$/, "Ayuda"],
    [/^(\d[\d.,]*)\s?([KMG]?B) per file$/, "Hasta $1 $2 por archivo"],
    [/^File must be (.+) or smaller\.$/, "El archivo debe pesar $1 o menos."],
    [/^(.+) files are not allowed\.$/, "No se aceptan archivos de tipo $1."],
    [/^Remove (.+)$/s, "Quitar $1"],
    [/^Add: (.+)$/s, "Agregar: $1"],
    [/^Select (\d+) matches$/, "Elegir las $1 que coinciden"],
    [/^View (\d+) more$/, "Ver $1 más"],
    [/^(.+) start date$/s, "$1: fecha de inicio"],
    [/^(.+) end date$/s, "$1: fecha final"],
    [/^day, (.+)$/s, "día, $1"],
    [/^month, (.+)$/s, "mes, $1"],
    [/^year, (.+)$/s, "año, $1"],
    [/^[a-z_]+ icon$/, "ícono"],
    [/^The page that you have requested does not seem to exist\. Running the app's main page\.$/,
      "Esa página no existe: se abre la página principal."],
    [/^You have requested page \/(.+), but no corresponding file was found in the app's pages\/ directory\. Running the app's main page\.$/,
      "La página /$1 no existe: se abre la página principal."],
    [/^You can only select up to (\d+) options?\. Remove an option first\.$/,
      "Se pueden elegir hasta $1. Quite una antes."],
    [/^Number is outside the allowed range\. Please enter a value between (.+) and (.+)\.$/,
      "El número está fuera de lo permitido: escriba uno entre $1 y $2."]
  ];
  var ATRIBUTOS = ["aria-label", "title", "placeholder", "alt", "aria-description"];
  var SALTAR = {SCRIPT: 1, STYLE: 1, TEXTAREA: 1, INPUT: 1, CODE: 1, PRE: 1};

  function traducir(texto) {
    if (!texto) return null;
    var limpio = texto.trim();
    if (!limpio || limpio.length > 160) return null;
    var nuevo = TEXTOS.hasOwnProperty(limpio) ? TEXTOS[limpio] : null;
    for (var i = 0; nuevo === null && i < PATRONES.length; i++) {
      if (PATRONES[i][0].test(limpio)) nuevo = limpio.replace(PATRONES[i][0], PATRONES[i][1]);
    }
    return nuevo === null ? null : texto.replace(limpio, function () { return nuevo; });
  }

  function editable(nodo) {
    for (var el = nodo.parentElement; el; el = el.parentElement) {
      if (SALTAR[el.tagName] || el.isContentEditable) return true;
    }
    return false;
  }

  function texto(nodo) {
    var nuevo = traducir(nodo.nodeValue);
    if (nuevo !== null && nuevo !== nodo.nodeValue && !editable(nodo)) nodo.nodeValue = nuevo;
  }

  function atributos(el) {
    for (var i = 0; i < ATRIBUTOS.length; i++) {
      var valor = el.getAttribute(ATRIBUTOS[i]);
      var nuevo = valor && traducir(valor);
      if (nuevo && nuevo !== valor) el.setAttribute(ATRIBUTOS[i], nuevo);
    }
  }

  function recorrer(raiz) {
    if (raiz.nodeType === 3) { texto(raiz); return; }
    if (raiz.nodeType !== 1 && raiz.nodeType !== 9 && raiz.nodeType !== 11) return;
    if (raiz.nodeType === 1) atributos(raiz);
    var paseo = document.createTreeWalker(raiz, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (var nodo = paseo.nextNode(); nodo; nodo = paseo.nextNode()) {
      if (nodo.nodeType === 3) texto(nodo); else atributos(nodo);
    }
  }

  var vigia = new MutationObserver(function (cambios) {
    for (var i = 0; i < cambios.length; i++) {
      var cambio = cambios[i];
      if (cambio.type === "characterData") texto(cambio.target);
      else if (cambio.type === "attributes") atributos(cambio.target);
      else for (var j = 0; j < cambio.addedNodes.length; j++) recorrer(cambio.addedNodes[j]);
    }
  });

  function empezar() {
    // el middleware ya puso «es» o el idioma elegido en las páginas de participantes («qwh»): solo se corrige «en»
    if (!document.documentElement.lang || document.documentElement.lang === "en") document.documentElement.lang = "es";
    recorrer(document.documentElement);
    vigia.observe(document.documentElement, {childList: true, subtree: true, characterData: true,
                                             attributes: true, attributeFilter: ATRIBUTOS});
  }

  if (document.documentElement) empezar();
  else document.addEventListener("DOMContentLoaded", empezar);
})();
