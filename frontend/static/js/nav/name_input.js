// An inline name editor, for naming new databases and tables and renaming them in place
// (the sidebar, the table page's title): Enter saves, Escape cancels, leaving the field
// saves a changed name. A refused name keeps the field open with the reason in words.

import { el } from "../table/dom.js";

/** An API error about a name, in words ("The name may not be blank."). */
export function nameErrorText(error) {
  const detail = error?.detail;
  if (detail && typeof detail === "object") {
    const messages = Object.values(detail)
      .flat()
      .map((m) => (typeof m === "object" ? m.error : String(m)));
    return messages.join(" ").replace(/\bThis field\b/g, "The name").replace(/\bthis field\b/g, "the name");
  }
  if (error instanceof TypeError) {
    return "The server could not be reached. Check the connection and try again.";
  }
  return error?.message || String(error);
}

/**
 * Opens the editor.
 * @param {object} options
 * @param {Element} options.place  the editor goes right after this element
 * @param {Element[]} [options.hide]  hidden while the editor is open (the shown name)
 * @param {string} [options.value]  the current name (empty for a new item)
 * @param {string} options.label  the field's accessible name
 * @param {string} [options.className]  extra class of the editor
 * @param {function(string): Promise<void>} options.save  throws to refuse the name
 * @param {Element} [options.returnFocus]  focused after closing, unless the focus moved on
 * @param {function(): void} [options.onClose]  after saving or cancelling
 */
export function editName({ place, hide = [], value = "", label, className = "", save, returnFocus, onClose }) {
  const input = el("input", { type: "text", class: "name-input", value, maxLength: 255, "aria-label": label });
  const error = el("p", { class: "name-error", role: "alert", hidden: true });
  const editor = el("div", { class: `name-edit ${className}`.trim() }, input, error);
  input.setAttribute("aria-describedby", (error.id = `name-error-${Math.random().toString(36).slice(2)}`));
  place.after(editor);
  for (const element of hide) {
    element.hidden = true;
  }
  input.focus();
  input.select();

  let busy = false;
  let closed = false;
  const close = () => {
    if (closed) {
      return;
    }
    closed = true;
    editor.remove();
    for (const element of hide) {
      element.hidden = false;
    }
    if (returnFocus && (!document.activeElement || document.activeElement === document.body)) {
      returnFocus.focus();
    }
    onClose?.();
  };
  const submit = async (leaving) => {
    if (busy || closed) {
      return;
    }
    const name = input.value;
    const unchanged = name.trim() === value.trim() && name.trim() !== "";
    // A new item left without a name is nothing to create.
    if (unchanged || (leaving && value === "" && name.trim() === "")) {
      close();
      return;
    }
    busy = true;
    editor.setAttribute("aria-busy", "true");
    try {
      await save(name);
      close();
    } catch (e) {
      error.textContent = nameErrorText(e);
      error.hidden = false;
      input.classList.add("has-error");
      input.focus();
    } finally {
      busy = false;
      editor.removeAttribute("aria-busy");
    }
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      submit(false);
    } else if (event.key === "Escape") {
      // Only the editor closes, not the drawer or a dialog around it.
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  input.addEventListener("input", () => {
    error.hidden = true;
    input.classList.remove("has-error");
  });
  // Leaving the field saves, unless the name was just refused: then it is dropped.
  input.addEventListener("blur", () => {
    if (busy) {
      return;
    }
    if (error.hidden) {
      submit(true);
    } else {
      close();
    }
  });
  return { input, close };
}
