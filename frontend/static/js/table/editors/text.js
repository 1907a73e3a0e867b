// The text editor of a cell: an input (a textarea for long text) in the cell itself. Enter
// or Tab saves, Escape cancels, leaving it saves. Field kinds with their own reading of
// text (durations) pass a `parse` that may refuse what was typed.

import { fromText, toText } from "../cells.js";

/** What `parse` answers for text it cannot read: the editor stays open, marked invalid. */
export const INVALID = Symbol("invalid");

/**
 * @param {HTMLElement} td
 * @param {object} field
 * @param {*} value  the cell's value
 * @param {string|undefined} initialText  typed to open the editor (replaces the value)
 * @param {function(*): void} done  the new value, or undefined to cancel (called once)
 * @param {object} [options]  {parse(text), placeholder, hint}
 */
export function openTextEditor(td, field, value, initialText, done, options = {}) {
  const parse = options.parse || ((text) => fromText(field, text));
  const editor = document.createElement(field.type === "long_text" ? "textarea" : "input");
  if (editor instanceof HTMLInputElement) {
    editor.type = "text";
  }
  editor.value = initialText ?? (options.text ? options.text(value) : toText(field, value));
  editor.className = "cell-editor";
  editor.setAttribute("aria-label", field.name);
  if (options.placeholder) {
    editor.placeholder = options.placeholder;
  }
  const save = () => {
    const result = parse(editor.value);
    if (result === INVALID) {
      editor.setAttribute("aria-invalid", "true");
      editor.title = options.hint || "This value cannot be read.";
      return false;
    }
    done(result);
    return true;
  };
  editor.addEventListener("input", () => editor.removeAttribute("aria-invalid"));
  editor.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      done(undefined);
    } else if ((event.key === "Enter" && !(field.type === "long_text" && event.shiftKey)) || event.key === "Tab") {
      event.preventDefault();
      save();
    }
  });
  // Leaving with text that cannot be read keeps the old value.
  editor.addEventListener("blur", () => save() || done(undefined));
  td.replaceChildren(editor);
  td.classList.add("editing");
  editor.focus();
  if (initialText !== undefined && initialText !== null) {
    const end = editor.value.length;
    editor.setSelectionRange(end, end);
  }
  return editor;
}
