// Building the DOM without ever parsing data as HTML: text always goes in as text.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
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
// value of the button pressed, or null when dismissed.
export function ask({ title, body, buttons, labelId = "dialog-title" }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { "aria-labelledby": labelId, class: "dialog" });
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    append(dialog, [
      h("h2", { id: labelId }, title),
      body,
      h(
        "div",
        { class: "dialog-actions" },
        buttons.map((b) =>
          h("button", { type: "button", class: b.class || "", onclick: () => close(b.value) }, b.label),
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

export function download(filename, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: filename, class: "hidden" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
