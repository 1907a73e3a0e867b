// The text editor of a cell: an input (a textarea for long text) in the cell itself. Enter
// or Tab saves, Escape cancels, leaving it saves. Field kinds with their own reading of
// text (durations) pass a `parse` that may refuse what was typed. Number, rating and
// duration cells refuse the keys they cannot take as they are typed (keys.js).

import { fromText, toText } from "../cells.js";
import { showCellNotice } from "../cell_notice.js";
import { acceptedHint, acceptsChar } from "./keys.js";

/** What `parse` answers for text it cannot read: the editor stays open, marked invalid. */
export const INVALID = Symbol("invalid");

/**
 * @param {HTMLElement} td
 * @param {object} field
 * @param {*} value  the cell's value
 * @param {string|undefined} initialText  typed to open the editor (replaces the value)
 * @param {function(*, object=): void} done  the new value, or undefined to cancel (called
 *   once), with how the editor was left: `{move, text}`, `move` being "next" (Tab),
 *   "previous" (Shift+Tab), "enter" or undefined (the focus left), `text` what was typed
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
  const save = (move) => {
    const result = parse(editor.value);
    if (result === INVALID) {
      editor.setAttribute("aria-invalid", "true");
      editor.title = options.hint || "This value cannot be read.";
      return false;
    }
    done(result, { move, text: editor.value });
    return true;
  };
  /** Refuses a character the cell cannot take, saying which it takes. */
  const refuse = (event, ch) => {
    if (ch && !acceptsChar(field, ch)) {
      event.preventDefault();
      showCellNotice(td, acceptedHint(field), { kind: "hint" });
    }
  };
  editor.addEventListener("input", () => editor.removeAttribute("aria-invalid"));
  editor.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      done(undefined);
    } else if (event.key === "Enter" && !(field.type === "long_text" && event.shiftKey)) {
      event.preventDefault();
      save("enter");
    } else if (event.key === "Tab") {
      event.preventDefault();
      save(event.shiftKey ? "previous" : "next");
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      refuse(event, event.key);
    }
  });
  // Keyboards that send no usable key (phones, input methods) are filtered on their input.
  editor.addEventListener("beforeinput", (event) => {
    if (event.inputType === "insertText" && event.data?.length === 1) {
      refuse(event, event.data);
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
