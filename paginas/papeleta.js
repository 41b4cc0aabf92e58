// La cuenta de la papeleta en el celular, calculada en el navegador: marcar una tarjeta no le cuesta nada al
// servidor (la papeleta es un formulario; solo «Votar» la envía y el servidor la valida entera).
//
// Lee las casillas o semillas del formulario, escribe la misma cuenta que `votacion.marcar.resumen` (el texto de
// arriba o el corto junto al botón), y guarda lo marcado sin emitir en este navegador (localStorage) para que
// vuelva si la página se recarga o se pierde la señal; al emitir con éxito, se borra.
//
// Lo que recibe (`data`): tipo, maximo, puntos_total, techo, costos {codigo: céntimos}, clave (la de los widgets),
// guardar_en (la llave del borrador en este navegador, o vacía), limpiar (se acaba de emitir), forma
// («arriba» o «boton»), inicial (la cuenta que calculó el servidor, para el primer dibujo) y textos (los de TEXTOS
// en el idioma de la página, de `piezas_votar.textos_de_la_cuenta`; si no vienen, los de aquí en castellano).

const aplicados = new Set(); // borradores ya devueltos a la página en esta carga (una vez por llave)

// Los textos de la cuenta en castellano, los mismos que dice `votacion.marcar.resumen`; la página manda los del
// idioma elegido con los mismos {marcadores}. `**…**` va en negrita.
const TEXTOS = {
  elegidas: "Elegidas: **{elegidas} de {maximo}**",
  elegidas_corto: "Elegidas: {elegidas} de {maximo}",
  de_mas: "Elegidas: **{elegidas} de {maximo}**: quite {quitar} antes de votar.",
  semillas: "Semillas repartidas: **{usadas} de {total}** · le quedan {quedan}",
  semillas_corto: "Elegidas: {elegidas} · semillas {usadas} de {total}",
  presupuesto: "Usa {usa} de {techo}",
  barra: "Parte del techo que usa su papeleta",
};

function plantilla(d, nombre) {
  return (d.textos && typeof d.textos[nombre] === "string" && d.textos[nombre]) || TEXTOS[nombre];
}

function llenar(texto, valores) {
  const tiene = (nombre) => Object.prototype.hasOwnProperty.call(valores, nombre);
  return texto.replace(/\{(\w+)\}/g, (todo, nombre) => (tiene(nombre) ? String(valores[nombre]) : todo));
}

function comoTexto(d, nombre, valores) {
  return llenar(plantilla(d, nombre), valores).replace(/\*\*/g, "");
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" }; // los de html.escape

function comoHtml(d, nombre, valores) {
  // el texto traducido se escapa (puede traer «&»); luego van los números y las negritas (como en piezas_votar)
  const escapado = plantilla(d, nombre).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  return llenar(escapado, valores).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>");
}

function soles(centimos) {
  return "S/ " + (centimos / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function resumen(d, marcas) {
  const elegidas = Object.values(marcas).filter((v) => v).length;
  if (d.tipo === "puntos") {
    const usadas = Object.values(marcas).reduce((a, v) => a + (Number(v) || 0), 0);
    const valores = { elegidas, usadas, total: d.puntos_total, quedan: Math.max(d.puntos_total - usadas, 0) };
    return { html: comoHtml(d, "semillas", valores), corto: comoTexto(d, "semillas_corto", valores) };
  }
  if (d.tipo === "presupuesto") {
    const total = Object.entries(marcas).reduce((a, [c, v]) => a + (v ? d.costos[c] || 0 : 0), 0);
    return { html: comoHtml(d, "presupuesto", { usa: soles(total), techo: soles(d.techo) }),
      fraccion: Math.min(total / d.techo, 1) };
  }
  if (d.tipo === "ranking") return null;
  const valores = { elegidas, maximo: d.maximo, quitar: elegidas - d.maximo };
  if (elegidas > d.maximo) {
    return { html: comoHtml(d, "de_mas", valores), aviso: true, corto: comoTexto(d, "elegidas_corto", valores) };
  }
  return { html: comoHtml(d, "elegidas", valores), corto: comoTexto(d, "elegidas_corto", valores) };
}

function campo(formulario, d, codigo) {
  const caja = formulario.querySelector(`.st-key-${CSS.escape(d.clave + "_" + codigo)}`);
  return caja ? caja.querySelector('input[type="checkbox"], input[type="number"], input') : null;
}

function leer(formulario, d) {
  const marcas = {};
  for (const codigo of Object.keys(d.costos)) {
    const entrada = campo(formulario, d, codigo);
    if (!entrada) continue;
    marcas[codigo] = entrada.type === "checkbox" ? entrada.checked : Number(entrada.value) || 0;
  }
  return marcas;
}

function devolver(formulario, d, guardadas) {
  // lo marcado antes de recargar vuelve a las casillas como si la persona las tocara (React se entera)
  const fijarNumero = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  for (const [codigo, valor] of Object.entries(guardadas)) {
    const entrada = campo(formulario, d, codigo);
    if (!entrada) continue;
    if (entrada.type === "checkbox") {
      if (entrada.checked !== Boolean(valor)) entrada.click();
    } else if ((Number(entrada.value) || 0) !== (Number(valor) || 0)) {
      fijarNumero.call(entrada, String(valor));
      entrada.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}

export default function (componente) {
  const { data: d, parentElement } = componente;
  let caja = parentElement.querySelector(".papeleta-cuenta");
  if (!caja) {
    caja = document.createElement("div");
    caja.className = "papeleta-cuenta";
    caja.setAttribute("role", "status");
    caja.setAttribute("aria-live", "polite");
    parentElement.appendChild(caja);
  }
  const formulario = parentElement.closest('[data-testid="stForm"]') || document;

  const dibujar = (marcas) => {
    const r = marcas ? resumen(d, marcas) : d.inicial;
    if (!r || (d.forma === "boton" && !r.corto)) {
      caja.hidden = true;
      return;
    }
    caja.hidden = false;
    caja.classList.toggle("aviso", Boolean(r.aviso) && d.forma === "arriba");
    if (d.forma === "boton") {
      caja.className = "papeleta-cuenta corta";
      caja.textContent = r.corto;
      return;
    }
    caja.innerHTML = r.html; // números y textos fijos (los traducidos, ya escapados): nada que escriba una persona
    if (r.fraccion !== undefined && r.fraccion !== null) {
      const barra = document.createElement("div");
      barra.className = "papeleta-barra";
      barra.setAttribute("role", "progressbar");
      barra.setAttribute("aria-valuemin", "0");
      barra.setAttribute("aria-valuemax", "100");
      barra.setAttribute("aria-valuenow", String(Math.round(r.fraccion * 100)));
      barra.setAttribute("aria-label", plantilla(d, "barra"));
      const lleno = document.createElement("span");
      lleno.style.width = `${r.fraccion * 100}%`;
      barra.appendChild(lleno);
      caja.appendChild(barra);
    }
  };

  const alCambiar = () => {
    const marcas = leer(formulario, d);
    dibujar(marcas);
    if (d.guardar_en && d.forma === "arriba") {
      try {
        localStorage.setItem(d.guardar_en, JSON.stringify(marcas));
      } catch (e) {
        // sin espacio o sin permiso: la papeleta sigue, solo no sobrevive a una recarga
      }
    }
  };

  // una casilla tocada en su texto no siempre avisa con «change», y los botones − y + de las semillas cambian el
  // número sin un «input»: se relee tras cada toque en la papeleta, salvo el de «Votar» (tras votar, el borrador ya
  // se borró y no debe volver a escribirse)
  const trasUnToque = (evento) => {
    const boton = evento.target.closest && evento.target.closest("button");
    const semillas = evento.target.closest && evento.target.closest('[data-testid="stNumberInput"]');
    if (!boton || semillas) setTimeout(alCambiar, 60);
  };
  formulario.addEventListener("change", alCambiar);
  formulario.addEventListener("input", alCambiar);
  formulario.addEventListener("click", trasUnToque);
  dibujar(null); // la cuenta del servidor mientras las tarjetas llegan…
  // …y, cuando están todas, la de lo marcado en pantalla: si la página se redibujó (o se tocó una tarjeta antes de
  // que este componente escuchara), el servidor no sabe lo marcado en el formulario. Solo dibuja: no guarda nada.
  if (!d.limpiar) cuandoEstenLosCampos(formulario, d, () => dibujar(leer(formulario, d)));
  if (d.guardar_en && d.forma === "arriba") {
    if (d.limpiar) {
      try { localStorage.removeItem(d.guardar_en); } catch (e) { /* nada que borrar */ }
      aplicados.add(d.guardar_en);
    } else if (!aplicados.has(d.guardar_en)) {
      aplicados.add(d.guardar_en);
      let guardadas = null;
      try { guardadas = JSON.parse(localStorage.getItem(d.guardar_en) || "null"); } catch (e) { guardadas = null; }
      if (guardadas && typeof guardadas === "object") cuandoEstenLosCampos(formulario, d, () => devolver(formulario, d, guardadas));
    }
  }
  return () => {
    formulario.removeEventListener("change", alCambiar);
    formulario.removeEventListener("input", alCambiar);
    formulario.removeEventListener("click", trasUnToque);
  };
}

function cuandoEstenLosCampos(formulario, d, hacer, intentos = 100) {
  // las tarjetas llegan después de este componente: se espera a que estén todas (hasta 10 s)
  const codigos = Object.keys(d.costos);
  if (codigos.every((c) => campo(formulario, d, c)) || intentos <= 0) {
    hacer();
    return;
  }
  setTimeout(() => cuandoEstenLosCampos(formulario, d, hacer, intentos - 1), 100);
}
