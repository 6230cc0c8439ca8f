// Building the DOM without ever parsing data as HTML: text always goes in as text. Shared by
// the jurors' app and the secretariat's dashboard (served at /static/common/).

const SVG = "http://www.w3.org/2000/svg";

function set(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "value") el.value = value;
    else if (key === "checked") el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  set(el, attrs);
  return append(el, children);
}

// An SVG element (charts are drawn as SVG in the page, no library).
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  set(el, attrs);
  return append(el, children);
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// A modal dialog (the native <dialog>: focus kept inside, Escape closes). Resolves with the
// value of the button pressed, or null when dismissed. `form` gives a button the dialog's
// fields as a value: buttons with `collect` resolve with collect().
export function ask({ title, body, buttons, labelId = "dialog-title", wide = false }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { "aria-labelledby": labelId, class: wide ? "dialog wide" : "dialog" });
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    append(dialog, [
      h("h2", { id: labelId }, title),
      h("div", { class: "dialog-body" }, body),
      h(
        "div",
        { class: "dialog-actions" },
        buttons.map((b) =>
          h(
            "button",
            {
              type: "button",
              class: b.class || "",
              onclick: () => close(b.collect ? b.collect() : b.value),
            },
            b.label,
          ),
        ),
      ),
    ]);
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    const focus = dialog.querySelector("button.primary") || dialog.querySelector("button");
    if (focus) focus.focus();
  });
}

// Hand a Blob to the browser as a download (an object URL on a temporary link).
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, class: "hidden" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

// A table from column specs {label, value(row) -> text|Node, num}.
// The wrapper scrolls sideways on a narrow screen (never the page): it takes the keyboard's
// focus so that it can be scrolled without a mouse.
export function table(columns, rows, { caption, label, className = "data", empty = "Belum ada data." } = {}) {
  if (!rows.length) return h("p", { class: "muted" }, empty);
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label || caption || "Tabel" },
    h(
      "table",
      { class: className },
      caption ? h("caption", {}, caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : "" }, c.label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            { class: columns.rowClass ? columns.rowClass(row) : "" },
            columns.map((c, i) =>
              h(i === 0 && c.header ? "th" : "td", { class: c.num ? "num" : "", scope: i === 0 && c.header ? "row" : null }, c.value(row)),
            ),
          ),
        ),
      ),
    ),
  );
}
