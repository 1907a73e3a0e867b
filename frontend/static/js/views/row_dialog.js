// The expanded row of the card views: every field of a row in a dialog, each value
// editable in place with the grid's cell editors and saved with one PATCH of the row.

import { isReadOnly, openEditor, renderCell, toText } from "../table/cells.js";
import { el, rowTitle } from "./shared.js";

/**
 * Opens the dialog for `row`.
 * @param {object} ctx  {api, tableId, state, showError, changed(row), deleted(id)}
 */
export function openRow(ctx, row) {
  document.getElementById("row-dialog")?.remove();
  let current = row;
  const title = el("h2", { textContent: rowTitle(ctx.state, row) });
  const close = el("button", { type: "button", class: "dialog-close", textContent: "×", "aria-label": "Close" });
  const body = el("div", { class: "dialog-body" });
  const dialog = el("dialog", { class: "panel", id: "row-dialog", "data-row-id": String(row.id) }, el("header", {}, title, close), body);
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());

  async function save(field, value) {
    const key = `field_${field.id}`;
    try {
      const saved = await ctx.api.patch(`/database/rows/table/${ctx.tableId}/${current.id}/`, { [key]: value });
      current = { ...current, ...saved };
      title.textContent = rowTitle(ctx.state, current);
      ctx.changed(current);
    } catch (error) {
      ctx.showError(error);
    }
  }

  const list = el("dl", { class: "row-fields" });
  for (const field of ctx.state.fields) {
    const dd = el("dd", { class: "expanded-cell", tabIndex: 0, "data-field-id": String(field.id) });
    const show = () => {
      renderCell(dd, field, current[`field_${field.id}`]);
      dd.classList.add("expanded-cell");
      dd.title = toText(field, current[`field_${field.id}`]);
    };
    show();
    const edit = () => {
      if (isReadOnly(field) || dd.classList.contains("editing")) {
        return;
      }
      if (field.type === "boolean") {
        save(field, !current[`field_${field.id}`]).then(show);
        return;
      }
      openEditor(dd, field, current[`field_${field.id}`], undefined, async (value) => {
        dd.classList.remove("editing");
        if (value !== undefined) {
          await save(field, value);
        }
        show();
      });
    };
    dd.addEventListener("click", (event) => {
      // Links in a value open; the rest of the cell edits.
      if (!event.target.closest("a")) {
        edit();
      }
    });
    dd.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target === dd) {
        event.preventDefault();
        edit();
      }
    });
    list.append(el("dt", { textContent: field.name }), dd);
  }
  const remove = el("button", {
    type: "button",
    class: "btn btn-danger",
    id: "row-delete",
    textContent: "Delete row",
    onclick: async () => {
      try {
        await ctx.api.delete(`/database/rows/table/${ctx.tableId}/${current.id}/`);
        ctx.deleted(current.id);
        dialog.close();
      } catch (error) {
        ctx.showError(error);
      }
    },
  });
  body.append(list, el("div", { class: "actions" }, remove));
  document.body.append(dialog);
  dialog.showModal();
  list.querySelector("dd")?.focus();
  return dialog;
}
