// The date editor: the browser's own date (or date and time) input in the cell, showing
// the field's time zone. Enter or Tab saves, Escape cancels, an emptied input clears the
// cell.

import { dateFromInput, dateInputValue } from "../formats.js";

export function openDateEditor(td, field, value, initialText, done) {
  const editor = document.createElement("input");
  editor.type = field.date_include_time ? "datetime-local" : "date";
  editor.className = "cell-editor cell-editor-date";
  editor.setAttribute("aria-label", field.name);
  editor.value = dateInputValue(field, value);
  const save = (move) => {
    const next = dateFromInput(field, editor.value);
    // The same instant written differently ("…:00Z" and "…:00.000Z") is no change.
    const same = next === null ? !value : value && new Date(next).getTime() === new Date(value).getTime();
    done(same ? undefined : next, { move, text: editor.value });
  };
  editor.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      done(undefined);
    } else if (event.key === "Enter") {
      event.preventDefault();
      save("enter");
    } else if (event.key === "Tab") {
      event.preventDefault();
      save(event.shiftKey ? "previous" : "next");
    }
  });
  editor.addEventListener("blur", () => save());
  td.replaceChildren(editor);
  td.classList.add("editing");
  editor.focus();
  return editor;
}
