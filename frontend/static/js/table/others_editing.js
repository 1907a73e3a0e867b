// Cells other people are editing right now: each is ringed in the editor's own colour (the
// colour of their avatar) with their name on a tag, so two people do not type into the
// same cell unawares. The server sends the whole picture with every `table_viewers` list
// and each change as `cell_editing`; this keeps it and draws it on the grid's cells.

import { viewerColour } from "./viewers.js";

export class OthersEditing {
  /**
   * @param {number} selfId  the signed-in user (their other tabs are marked too)
   * @param {function(): (string|undefined)} ownEditor  this tab's editor key (its own edit
   *   is not marked)
   */
  constructor(selfId, ownEditor) {
    this.selfId = selfId;
    this.ownEditor = ownEditor;
    /** @type {Map<string, {user: {id: number, name: string}, row_id: number, field_id: number}>} */
    this.byEditor = new Map();
  }

  /** `table_viewers.editing`: every cell being edited, replacing what was known. */
  replace(list) {
    this.byEditor.clear();
    for (const entry of list || []) {
      this.note(entry);
    }
  }

  /** `cell_editing`: one socket started (row and field set) or stopped editing. */
  note(entry) {
    if (!entry?.editor || entry.editor === this.ownEditor()) {
      return;
    }
    if (entry.row_id == null || entry.field_id == null) {
      this.byEditor.delete(entry.editor);
    } else {
      this.byEditor.set(entry.editor, { user: entry.user, row_id: entry.row_id, field_id: entry.field_id });
    }
  }

  /** Who edits the cell, or null. */
  at(rowId, fieldId) {
    for (const entry of this.byEditor.values()) {
      if (entry.row_id === rowId && entry.field_id === fieldId) {
        return entry;
      }
    }
    return null;
  }

  /**
   * Marks the grid's drawn cells: `rows` are the body's `tr` elements (with `data-row-id`),
   * `fieldAt(col)` the field of a column.
   */
  draw(rows, fieldAt) {
    for (const tr of rows) {
      const rowId = Number(tr.dataset.rowId);
      for (const td of tr.querySelectorAll("td[data-col]")) {
        const field = fieldAt(Number(td.dataset.col));
        const entry = rowId && field ? this.at(rowId, field.id) : null;
        mark(td, entry, entry && entry.user.id === this.selfId);
      }
    }
  }
}

function mark(td, entry, self) {
  const tag = td.querySelector(":scope > .cell-editor-tag");
  if (!entry) {
    if (tag) {
      tag.remove();
      td.classList.remove("edited-elsewhere");
      td.style.removeProperty("--editor-colour");
    }
    return;
  }
  const name = self ? `${entry.user.name} (another tab)` : entry.user.name;
  td.classList.add("edited-elsewhere");
  td.style.setProperty("--editor-colour", viewerColour(entry.user.id));
  const label = tag ?? document.createElement("span");
  label.className = "cell-editor-tag";
  label.textContent = name;
  label.title = `${name} is editing this cell`;
  if (!tag) {
    td.append(label);
  }
}
