// The expanded row, opened from the grid and from the card views alike: every field of a
// row in a dialog, each value editable in place with the grid's cell editors (link fields
// list their links, each opening its row, with the link picker to add more; file fields
// list their files, each opening the preview, with × and "+ Add files", and take dropped
// or pasted files), and a button that deletes the row. Titled by the row's primary value,
// with buttons (and Alt+↑ / Alt+↓) stepping to the previous and next row of the view,
// and the row's history below its fields (row_history.js). Beside them (under them on
// phones), the row's comments when the page gives them (row_activity.js).

import { isFileField, isReadOnly, renderCell, toText } from "./cells.js";
import { el, openDialog } from "./dom.js";
import { directClick, openEditor } from "./editors/index.js";
import { fileField } from "./file_field.js";
import { openLinkFieldPicker, showLinkField } from "./link_field.js";
import { rowHistory } from "./row_history.js";

/** The row's title: its primary field as text, or its id when that is empty. */
export function rowTitle(state, row) {
  const primary = state.fields.find((f) => f.primary);
  const text = primary ? toText(primary, row[`field_${primary.id}`]) : "";
  return text.trim() === "" ? `Row ${row.id}` : text;
}

/** Whether a key press belongs to an editor in the dialog rather than to the dialog. */
function inEditor(target) {
  return Boolean(target.closest?.("input, textarea, select, [contenteditable], .editing, .select-popup, .link-popup"));
}

/**
 * Opens the dialog for `row` (replacing an open one).
 * @param {object} options
 * @param {object} options.row  the row as the page has it
 * @param {object[]} options.fields  the table's fields
 * @param {function(object): string} options.title  the dialog's heading for a row
 * @param {function(object, object, *, *=): Promise<object|undefined>} options.save  saves a
 *   field's new value (row, field, value, what to show until saved); answers the saved row,
 *   undefined when it failed
 * @param {function(object): Promise<boolean>} options.remove  deletes the row and answers whether
 *   it did (the dialog then closes)
 * @param {function(number): (object|undefined)} [options.latest]  the row as the page holds it
 *   now, for pages that keep their rows live
 * @param {object} [options.neighbours]  the view's order: `has(row, step)` whether there is a
 *   row `step` (−1 or 1) away, `get(row, step)` answers it (or null)
 * @param {function(object): void} [options.onShow]  the dialog shows this row (also after a step)
 * @param {function(): void} [options.onClose]  the user closed the dialog (not a step)
 * @param {object} [options.history]  the row's history: `tableId` and `load(rowId, limit,
 *   offset)` answering a page of it
 * @param {function(object): {node: HTMLElement, refresh: function(): void}} [options.activity]
 *   the row's comments panel; the dialog keeps it as `dialog.activity`
 * @returns {HTMLDialogElement}
 */
export function openRowDialog(options) {
  const { row, fields, title, save, remove, latest, neighbours, onShow, onClose, history, activity } = options;
  let kept = row;
  const current = () => latest?.(row.id) || kept;
  const { dialog, body, heading } = openDialog(title(row), "row-dialog");
  dialog.dataset.rowId = String(row.id);
  dialog.addEventListener("close", () => {
    if (!dialog.dataset.stepped) {
      onClose?.();
    }
  });

  /** Replaces the dialog by the row `step` away in the view's order. */
  async function stepTo(step) {
    const next = neighbours && (await neighbours.get(current(), step));
    if (!next || !dialog.open) {
      return;
    }
    dialog.dataset.stepped = "true";
    dialog.close();
    const opened = openRowDialog({ ...options, row: next });
    opened.querySelector(step < 0 ? "#row-previous" : "#row-next")?.focus();
  }
  if (neighbours) {
    const stepButton = (step, id, label, text) =>
      el("button", {
        type: "button",
        class: "btn btn-small row-step",
        id,
        textContent: text,
        "aria-label": label,
        title: `${label} (Alt+${step < 0 ? "↑" : "↓"})`,
        disabled: !neighbours.has(row, step),
        onclick: () => stepTo(step),
      });
    heading.insertAdjacentElement(
      "afterend",
      el(
        "div",
        { class: "row-steps" },
        stepButton(-1, "row-previous", "Previous row", "↑"),
        stepButton(1, "row-next", "Next row", "↓"),
      ),
    );
    dialog.addEventListener("keydown", (event) => {
      if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown") && !inEditor(event.target)) {
        event.preventDefault();
        stepTo(event.key === "ArrowUp" ? -1 : 1);
      }
    });
  }

  async function saveValue(field, value, shown) {
    if (shown !== undefined) {
      kept = { ...kept, [`field_${field.id}`]: shown };
    }
    const saved = await save(current(), field, value, shown);
    if (saved) {
      kept = { ...kept, ...saved };
    }
    heading.textContent = title(current());
    return saved;
  }

  const list = el("dl", { class: "row-fields" });
  for (const field of fields) {
    const dd = el("dd", { class: "expanded-cell", tabIndex: 0, "data-field-id": String(field.id) });
    const value = () => current()[`field_${field.id}`];
    // Links are saved one change at a time, shown at once and again once saved.
    const saveLinks = async (ids, shown) => {
      const saving = saveValue(field, ids, shown);
      show();
      const saved = await saving;
      show();
      return saved;
    };
    // Files are saved one change at a time too (uploads append to the value as it is then).
    const files = isFileField(field)
      ? fileField(dd, field, {
          rowId: row.id,
          value,
          readOnly: isReadOnly(field),
          save: async (refs, shown) => {
            const saving = saveValue(field, refs, shown);
            show();
            const saved = await saving;
            show();
            return saved;
          },
        })
      : null;
    if (files) {
      dialog.addEventListener("close", files.stop);
    }
    const show = () => {
      if (files) {
        files.show();
      } else if (field.type === "link_row") {
        showLinkField(dd, field, value(), { save: saveLinks, readOnly: isReadOnly(field) });
      } else {
        renderCell(dd, field, value());
      }
      dd.classList.add("expanded-cell");
      dd.title = toText(field, value());
    };
    show();
    const edit = (event) => {
      if (isReadOnly(field) || dd.classList.contains("editing")) {
        return;
      }
      if (field.type === "link_row") {
        openLinkFieldPicker(dd, field, value(), saveLinks, () => dd.focus());
        return;
      }
      if (files) {
        files.pick();
        return;
      }
      // A click on a star sets the rating; a click or Enter on a checkbox toggles it.
      const direct =
        field.type === "boolean" ? !value() : event.type === "click" ? directClick(field, value(), event.target) : undefined;
      if (direct !== undefined) {
        saveValue(field, direct).then(show);
        return;
      }
      openEditor(dd, field, value(), undefined, async (next) => {
        dd.classList.remove("editing");
        if (next !== undefined) {
          await saveValue(field, next);
        }
        show();
      });
    };
    dd.addEventListener("click", (event) => {
      // Links in a value open; the rest of the cell edits.
      if (!event.target.closest("a")) {
        edit(event);
      }
    });
    dd.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target === dd) {
        event.preventDefault();
        edit(event);
      }
    });
    list.append(el("dt", { textContent: field.name }), dd);
  }
  const deleteButton = el("button", {
    type: "button",
    class: "btn btn-danger",
    id: "row-delete",
    textContent: "Delete row",
    onclick: async () => {
      if (await remove(current())) {
        dialog.close();
      }
    },
  });
  const main = el("div", { class: "row-main" }, list, el("div", { class: "actions" }, deleteButton));
  if (history) {
    const panel = rowHistory({
      rowId: row.id,
      tableId: history.tableId,
      fields,
      load: (limit, offset) => history.load(row.id, limit, offset),
    });
    main.append(panel.element);
    dialog.addEventListener("close", panel.stop);
  }
  if (activity) {
    dialog.activity = activity(row);
    dialog.classList.add("with-activity");
    body.append(el("div", { class: "row-layout" }, main, dialog.activity.node));
  } else {
    body.append(main);
  }
  list.querySelector("dd")?.focus();
  onShow?.(row);
  return dialog;
}
