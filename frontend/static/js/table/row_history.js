// The expanded row's history: who created, changed, deleted or restored the row (and
// undid or redid it), which values went from what to what, newest first, read from the
// row's history endpoint a page at a time ("Show older") and kept live from the table's
// `row_history_updated` events, which live.js passes on as a document event. Values are
// shown as text: select options, links and collaborators by their names, which each
// entry keeps in its `fields_metadata` (so a renamed or deleted field still reads).

import { el } from "./dom.js";

const PAGE = 20;

/** The document event live.js dispatches for each `row_history_updated` message. */
export const HISTORY_EVENT = "tessera:row-history";

/** One value of an entry as text, with the names its metadata keeps. */
export function historyText(meta, value) {
  if (value === null || value === undefined || value === "") {
    return "";
  }
  const byId = (map, id) => map?.[String(id)];
  switch (meta?.type) {
    case "single_select":
      return byId(meta.select_options, value)?.value ?? String(value);
    case "multiple_select":
      return (value || []).map((id) => byId(meta.select_options, id)?.value ?? String(id)).join(", ");
    case "link_row":
      return (value || []).map((id) => byId(meta.linked_rows, id)?.value || `Row ${id}`).join(", ");
    case "multiple_collaborators":
      return (value || []).map((id) => byId(meta.collaborators, id)?.name ?? String(id)).join(", ");
    case "boolean":
      return value ? "✓" : "";
    case "file":
      return (value || []).map((f) => f.visible_name || f.name).join(", ");
    case "password":
      return value ? "••••" : "";
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

/** What each kind of entry did, by `action_type`. */
const ACTIONS = {
  create_row: "created",
  create_rows: "created",
  import_rows: "imported",
  update_row: "updated",
  update_rows: "updated",
  delete_row: "deleted",
  delete_rows: "deleted",
  restore_from_trash: "restored",
};

/** The words for what was done, undone (`UNDO`) or redone (`REDO`). */
const PHRASES = {
  created: { DO: "created the row", UNDO: "undid the row's creation", REDO: "created the row again" },
  imported: { DO: "imported the row", UNDO: "undid the row's import", REDO: "imported the row again" },
  updated: { DO: "changed the row", UNDO: "undid a change to the row", REDO: "redid a change to the row" },
  deleted: { DO: "deleted the row", UNDO: "undid the row's deletion", REDO: "deleted the row again" },
  restored: { DO: "restored the row", UNDO: "undid the row's restore", REDO: "restored the row again" },
};

/** What an entry did to the row, in the reader's words. */
export function historyAction(entry) {
  const phrases = PHRASES[ACTIONS[entry.action_type] ?? "updated"];
  return phrases[entry.action_command_type] ?? phrases.DO;
}

/** When an entry was made, in the reader's words. */
function when(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString();
}

/**
 * The history section of a row's dialog.
 * @param {object} options
 * @param {number} options.rowId
 * @param {number} options.tableId
 * @param {object[]} options.fields  the table's fields, for names (deleted ones are "Deleted field")
 * @param {function(number, number): Promise<object>} options.load  a page of the row's
 *   history (`limit`, `offset`) as the API answers it
 * @returns {{element: HTMLElement, stop: function(): void}}
 */
export function rowHistory({ rowId, tableId, fields, load }) {
  const list = el("ol", { class: "row-history-entries" });
  const empty = el("p", { class: "row-history-empty", textContent: "No changes yet." });
  const more = el("button", { type: "button", class: "btn btn-small", id: "row-history-more", textContent: "Show older", hidden: true });
  const element = el(
    "section",
    { class: "row-history", id: "row-history", "aria-label": "History" },
    el("h3", { textContent: "History" }),
    empty,
    list,
    more,
  );
  const shown = new Set();
  let offset = 0;

  const fieldName = (key, meta) => {
    const id = Number(meta?.id ?? key.replace("field_", ""));
    return fields.find((f) => f.id === id)?.name ?? "Deleted field";
  };

  function entryItem(entry) {
    // A new row's values had no value before: only what it was created with is shown.
    const created = ACTIONS[entry.action_type] === "created" && entry.action_command_type === "DO";
    const changes = Object.keys(entry.after || {}).map((key) => {
      const meta = entry.fields_metadata?.[key];
      const before = historyText(meta, entry.before?.[key]);
      const after = historyText(meta, entry.after?.[key]);
      const name = el("span", { class: "row-history-field", textContent: fieldName(key, meta) });
      if (created) {
        return el("li", { class: "row-history-change", "data-field": key }, name, " ", el("ins", { textContent: after }));
      }
      return el(
        "li",
        { class: "row-history-change", "data-field": key },
        name,
        " ",
        el("del", { textContent: before || "(empty)" }),
        " → ",
        el("ins", { textContent: after || "(empty)" }),
      );
    });
    return el(
      "li",
      {
        class: "row-history-entry",
        "data-entry-id": String(entry.id),
        "data-action-type": entry.action_type,
        "data-command": entry.action_command_type,
      },
      el(
        "div",
        { class: "row-history-meta" },
        el("strong", { textContent: entry.user?.name || "Someone" }),
        " ",
        el("span", { class: "row-history-action", textContent: historyAction(entry) }),
        " ",
        el("time", { dateTime: entry.timestamp, textContent: when(entry.timestamp) }),
      ),
      el("ul", {}, ...changes),
    );
  }

  function add(entries, { newest = false } = {}) {
    for (const entry of entries) {
      if (shown.has(entry.id)) {
        continue;
      }
      shown.add(entry.id);
      const item = entryItem(entry);
      if (newest) {
        list.prepend(item);
      } else {
        list.append(item);
      }
    }
    empty.hidden = shown.size > 0;
  }

  async function loadMore() {
    more.disabled = true;
    try {
      const page = await load(PAGE, offset);
      offset += page.results.length;
      add(page.results);
      more.hidden = !page.next;
    } catch {
      empty.textContent = "The history could not be loaded.";
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", loadMore);

  const onEvent = (event) => {
    const message = event.detail;
    const entries = message.row_history_entry
      ? [{ row_id: message.row_id, row_history_entry: message.row_history_entry }]
      : message.entries || [];
    if (message.table_id !== tableId) {
      return;
    }
    const mine = entries.filter((e) => e.row_id === rowId).map((e) => e.row_history_entry);
    if (mine.length) {
      // Entries that arrive live are newer than every loaded one; later pages shift by them.
      offset += mine.filter((e) => !shown.has(e.id)).length;
      add(mine, { newest: true });
    }
  };
  document.addEventListener(HISTORY_EVENT, onEvent);
  loadMore();
  return { element, stop: () => document.removeEventListener(HISTORY_EVENT, onEvent) };
}
