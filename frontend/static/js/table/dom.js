// Element building for the table page's scripts (grid and card views alike): `el` for one
// element with its properties and children, `openDialog` for the page's modal dialogs.

/** Builds an element: `class`, `on…` listeners, DOM properties, else attributes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) {
      continue;
    }
    if (key === "class") {
      node.className = value;
    } else if (key.startsWith("on")) {
      node.addEventListener(key.slice(2), value);
    } else if (key in node) {
      node[key] = value;
    } else {
      node.setAttribute(key, value);
    }
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/**
 * Opens a modal dialog with a title and a close button, replacing any open one with the
 * same id; a closed dialog is removed. Returns the dialog, its body and its heading.
 */
export function openDialog(title, id) {
  document.getElementById(id)?.remove();
  const heading = el("h2", { textContent: title });
  const close = el("button", { type: "button", class: "dialog-close", textContent: "×", "aria-label": "Close" });
  const body = el("div", { class: "dialog-body" });
  const dialog = el("dialog", { class: "panel", id }, el("header", {}, heading, close), body);
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, heading };
}
