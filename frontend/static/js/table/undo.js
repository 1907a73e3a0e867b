// Undo and redo on the table page: Ctrl+Z (⌘Z) undoes this tab's last change to the table,
// its view or its database, Ctrl+Shift+Z (⌘⇧Z) or Ctrl+Y redoes it; the toolbar's ↶ and ↷
// do the same. The server undoes through the path of any change, so the page follows from
// the realtime events it sends (to this tab too). Inside a text field the keys keep their
// usual meaning: they undo typing.

import { errorText } from "./alert.js";
import { showToast } from "./toast.js";

/** What an action did, in words, for "Undone: …". */
const DONE = {
  create_row: "a new row",
  create_rows: "new rows",
  import_rows: "imported rows",
  update_row: "a cell change",
  update_rows: "cell changes",
  delete_row: "a deleted row",
  delete_rows: "deleted rows",
  move_row: "a row move",
  create_field: "a new field",
  update_field: "a field change",
  delete_field: "a deleted field",
  duplicate_field: "a duplicated field",
  create_view: "a new view",
  update_view: "a view change",
  delete_view: "a deleted view",
  duplicate_view: "a duplicated view",
  update_view_field_options: "a column change",
  order_views: "a view order",
  rotate_view_slug: "a new share link",
  create_table: "a new table",
  update_table: "a table rename",
  delete_table: "a deleted table",
  order_tables: "a table order",
  duplicate_table: "a duplicated table",
  duplicate_application: "a duplicated database",
};

function described(actions) {
  const types = [...new Set((actions || []).map((a) => a.action_type))];
  if (!types.length) {
    return "the last change";
  }
  return types
    .map((t) => DONE[t] ?? (/view_(filter|sort|group)/.test(t) ? "a filter or sort change" : t.replaceAll("_", " ")))
    .join(", ");
}

function typing(target) {
  return Boolean(target?.closest?.("input, textarea, select, [contenteditable=''], [contenteditable='true'], dialog"));
}

/**
 * Wires the keys and the toolbar's buttons (`#undo`, `#redo`, when present).
 * @param {object} options
 * @param {import("./api.js").Api} options.api
 * @param {function(): object} options.scopes  what may be undone from here:
 *   `{application, table, view}` ids
 * @param {function(): Promise<*>} [options.settled]  resolves once the page's saves under
 *   way are done (an undo pressed right after an edit undoes that edit)
 */
export function setUpUndo({ api, scopes, settled }) {
  let busy = false;
  const run = async (which) => {
    if (busy) {
      return;
    }
    busy = true;
    try {
      await settled?.();
      const result = await api.patch(`/user/${which}/`, { scopes: scopes() });
      if (result.result_code === "SUCCESS") {
        const what = described(result.actions);
        const again = which === "undo" ? "redo" : "undo";
        showToast(`${which === "undo" ? "Undone" : "Redone"}: ${what}.`, {
          action: again === "redo" ? "Redo" : "Undo",
          onAction: () => run(again),
        });
      } else if (result.result_code === "SKIPPED_DUE_TO_ERROR") {
        showToast(`That change could not be ${which === "undo" ? "undone" : "redone"}; it was skipped.`);
      } else {
        showToast(which === "undo" ? "Nothing to undo here." : "Nothing to redo here.");
      }
    } catch (error) {
      showToast(`Could not ${which}: ${errorText(error)}`);
    } finally {
      busy = false;
    }
  };
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || typing(event.target)) {
      return;
    }
    const key = event.key.toLowerCase();
    if (key === "z") {
      event.preventDefault();
      run(event.shiftKey ? "redo" : "undo");
    } else if (key === "y" && !event.shiftKey) {
      event.preventDefault();
      run("redo");
    }
  });
  document.getElementById("undo")?.addEventListener("click", () => run("undo"));
  document.getElementById("redo")?.addEventListener("click", () => run("redo"));
  return { undo: () => run("undo"), redo: () => run("redo") };
}
