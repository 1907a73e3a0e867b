// The table page: takes over the grid the server rendered (its rows come from the page's
// bootstrap data, not a second request), keeps it live through the realtime socket, and
// wires the toolbar (search, add row, delete the selected rows with an undo, fields,
// filters, sorts, hidden fields, row colours), the column menus, the view tabs and sharing, and the expanded row with its
// own address.

import { showError } from "./alert.js";
import { Api } from "./api.js";
import { readTablePage } from "./boot.js";
import { isReadOnly } from "./cells.js";
import { ColumnMenu } from "./column_menu.js";
import { Decorations } from "./decorations.js";
import { Grid } from "./grid.js";
import { OthersEditing } from "./others_editing.js";
import { el, openDialog } from "./dom.js";
import { connectLive } from "./live.js";
import { Panels } from "./panels.js";
import { RowAddress } from "./row_address.js";
import { activityEvent, activityFor } from "./row_activity.js";
import { openRowDialog, rowTitle } from "./row_dialog.js";
import { RowStore } from "./store.js";
import { showToast } from "./toast.js";
import { setUpUndo } from "./undo.js";
import { mountViewShare } from "./view_share.js";
import { mountViewTabs } from "./view_tabs.js";

const { boot, tableId, viewId, state } = readTablePage();
// The toolbar's search term: the grid's rows are the view's rows that match it.
state.search = "";
const $ = (id) => document.getElementById(id);

let live = null;
let undo = null;
const api = new Api({ webSocketId: () => live?.webSocketId ?? null });

function visibleFields() {
  return state.fields
    .filter((f) => f.primary || !state.fieldOptions[f.id]?.hidden)
    .sort((a, b) => {
      if (a.primary !== b.primary) {
        return a.primary ? -1 : 1;
      }
      const oa = state.fieldOptions[a.id]?.order ?? 32767;
      const ob = state.fieldOptions[b.id]?.order ?? 32767;
      return oa - ob || a.id - b.id;
    });
}

function hasOwnOrder() {
  return (
    state.search !== "" ||
    (state.view.filters || []).length > 0 ||
    (state.view.sortings || []).length > 0
  );
}

const store = new RowStore({
  rows: boot.rows,
  count: boot.count,
  load: async (offset, limit, signal, withCount) => {
    const page = await api.get(`/database/views/grid/${viewId}/`, {
      query: { limit, offset, search: state.search, exclude_count: withCount ? undefined : "true" },
      signal,
    });
    return { results: page.results, count: withCount ? page.count : undefined };
  },
  onChange: () => {
    grid.schedule();
    showCount();
  },
});

/**
 * Saves a cell, showing `shown` (or a guess from the value) until the server answers.
 * Answers the saved row, or undefined when the save failed: why is told to `refused`
 * when given, else shown in the page's alert.
 */
/** The last save of each row still under way, so a row's saves reach the server in order. */
const rowSaves = new Map();

/**
 * Runs `work` after the row's earlier saves: two quick edits of one cell (Shift+Tab, then
 * typing again) would otherwise race on separate connections and the older could win.
 */
function inTurn(rowId, work) {
  const next = (rowSaves.get(rowId) ?? Promise.resolve()).catch(() => {}).then(work);
  rowSaves.set(rowId, next);
  const done = () => {
    if (rowSaves.get(rowId) === next) {
      rowSaves.delete(rowId);
    }
  };
  next.then(done, done);
  return next;
}

async function editCell(row, field, value, shown, refused) {
  const key = `field_${field.id}`;
  const before = row[key];
  store.update([{ id: row.id, [key]: shown !== undefined ? shown : optimistic(field, value) }]);
  try {
    const saved = await inTurn(row.id, () => api.patch(`/database/rows/table/${tableId}/${row.id}/`, { [key]: value }));
    // Only this cell: answers to concurrent edits of the same row may arrive in any order.
    store.update([{ id: row.id, [key]: saved[key] }]);
    decorations.forget([row.id]);
    if (hasOwnOrder()) {
      store.refresh();
    }
    return saved;
  } catch (error) {
    store.update([{ id: row.id, [key]: before }]);
    if (refused) {
      refused(error.message);
    } else {
      showError(error);
    }
    return undefined;
  }
}

/** What a cell shows until the server answers with the stored value. */
function optimistic(field, value) {
  if (field.type === "single_select") {
    return (field.select_options || []).find((o) => o.id === value) ?? null;
  }
  if (field.type === "multiple_select" && Array.isArray(value)) {
    return value
      .map((v) => (field.select_options || []).find((o) => o.id === v || o.value === v))
      .filter(Boolean);
  }
  return value;
}

async function pasteCells(r0, c0, lines, fields) {
  const items = [];
  const skipped = new Set();
  lines.forEach((cells, i) => {
    const row = store.at(r0 + i);
    if (!row) {
      return;
    }
    const item = { id: row.id };
    cells.forEach((text, j) => {
      const field = fields[c0 + j];
      if (field && isReadOnly(field)) {
        skipped.add(field.name);
      } else if (field) {
        item[`field_${field.id}`] = panels.fromText(field, text);
      }
    });
    if (Object.keys(item).length > 1) {
      items.push(item);
    }
  });
  if (skipped.size > 0) {
    // Computed and system fields are the server's to fill: say so rather than drop text.
    const names = [...skipped].map((n) => `“${n}”`).join(", ");
    showError(new Error(`${names} ${skipped.size === 1 ? "is" : "are"} computed and cannot be pasted into.`));
  }
  if (items.length === 0) {
    return;
  }
  try {
    const saved = await api.patch(`/database/rows/table/${tableId}/batch/`, { items });
    store.update(
      saved.items.map((row, i) =>
        Object.fromEntries(Object.keys(items[i]).map((key) => [key, row[key]])),
      ),
    );
    decorations.forget(saved.items.map((row) => row.id));
  } catch (error) {
    showError(error);
  }
}

/** Adds an empty row at the end and puts the cursor in its first cell; answers whether. */
async function addRow() {
  try {
    const row = await api.post(`/database/rows/table/${tableId}/`, {});
    if (hasOwnOrder() || !store.insert(row, null)) {
      store.refresh();
    }
    // Where the row landed: the last index, unless a refresh or the realtime event of this
    // very creation placed it first.
    const index = store.indexOf(row.id);
    grid.cursor = { row: index >= 0 ? index : store.count - 1, col: 0 };
    grid.anchor = null;
    grid.scroller.scrollLeft = 0;
    grid.reveal();
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

/** Deletes rows, offering to undo it for a few seconds; answers whether they are gone. */
async function deleteRows(rows) {
  const gone = rows.filter(Boolean);
  const ids = gone.map((r) => r.id);
  if (ids.length === 0) {
    return false;
  }
  try {
    await api.post(`/database/rows/table/${tableId}/batch-delete/`, { items: ids });
    if (!store.remove(ids)) {
      store.refresh();
    }
    grid.placed = false;
    grid.anchor = null;
    const what = ids.length === 1 ? "1 row" : `${ids.length} rows`;
    // Undo is the tab's undo (the delete is its last action): the rows come back from the
    // trash where they were, through the realtime events of the restore.
    showToast(`Deleted ${what}.`, { action: "Undo", onAction: () => undo.undo() });
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

/** Asks before deleting more than one row. */
function confirmDelete(count) {
  if (count <= 1) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const { dialog, body } = openDialog(`Delete ${count} rows?`, "delete-rows-dialog");
    let answer = false;
    const cancel = el("button", { type: "button", class: "btn", textContent: "Cancel", onclick: () => dialog.close() });
    const confirm = el("button", {
      type: "button",
      class: "btn btn-danger",
      id: "confirm-delete-rows",
      textContent: `Delete ${count} rows`,
      onclick: () => {
        answer = true;
        dialog.close();
      },
    });
    body.append(
      el("p", {
        textContent: "They go to the trash: you can undo this for a few seconds, or restore them from the trash later.",
      }),
      el("div", { class: "actions" }, cancel, confirm),
    );
    dialog.addEventListener("close", () => resolve(answer));
    confirm.focus();
  });
}

/** The toolbar's "Delete rows": the selected rows, after asking when there are several. */
async function deleteSelectedRows() {
  const rows = grid.selectedRows();
  if (rows.length > 0 && (await confirmDelete(rows.length))) {
    await deleteRows(rows);
  }
  grid.scroller.focus({ preventScroll: true });
}

/** "Delete rows" can only be used on a selection, and says how many it would delete. */
function showSelection() {
  const button = $("delete-rows");
  const count = grid.selectedRows().length;
  button.disabled = count === 0;
  button.textContent = count > 1 ? `Delete ${count} rows` : count === 1 ? "Delete row" : "Delete rows";
  button.title = count === 0 ? "Delete rows: select rows first (click a cell, Shift+click for more)" : button.textContent;
}

/** Keeps a column's new width in the view's field options (the page renders it next time). */
async function resizeColumn(field, width) {
  state.fieldOptions[field.id] = { ...state.fieldOptions[field.id], width };
  try {
    await api.patch(`/database/views/${viewId}/field-options/`, { field_options: { [field.id]: { width } } });
  } catch (error) {
    showError(error);
  }
}

// Row colours: worked out by the server for the lines drawn, then painted.
const decorations = new Decorations({
  api,
  boot,
  state,
  viewId,
  showError,
  onChange: () => grid.schedule(),
});

const grid = new Grid({
  decorate: (tr, row) => decorations.paint(tr, row.id),
  scroller: $("grid-scroll"),
  table: $("grid"),
  store,
  fields: visibleFields,
  widths: (field) => state.fieldOptions[field.id]?.width ?? 200,
  onEdit: editCell,
  onDeleteRows: deleteRows,
  onExpand: (row) => expandRow(row),
  onHeaderMenu: (field) => panels.fieldDialog(field),
  onColumnMenu: (field, th, point) => columnMenu.open(field, th, point),
  onResize: resizeColumn,
  canMoveRows: () => !hasOwnOrder(),
  onAddRow: addRow,
  onSelect: showSelection,
  emptyMessage: () => (state.search ? `No rows match “${state.search}”.` : null),
  othersEditing: new OthersEditing(boot.user.id, () => live?.editor),
  // The other viewers see which cell this tab is editing.
  onEditing: (rowId, fieldId) =>
    live?.send({ cell_editing: { table_id: tableId, row_id: rowId ?? null, field_id: fieldId ?? null } }),
});
grid.onPaste = pasteCells;
grid.onMoveRow = async (row, before) => {
  try {
    await api.patch(`/database/rows/table/${tableId}/${row.id}/move/`, undefined, {
      query: { before_id: before ? before.id : undefined },
    });
  } catch (error) {
    showError(error);
  }
  store.refresh();
};

const panels = new Panels({
  api,
  state,
  tableId,
  viewId,
  showError,
  onFields: () => {
    grid.renderHeader();
    grid.render();
  },
  rowsChanged: () => store.refresh(),
});
const columnMenu = new ColumnMenu({ api, state, tableId, viewId, panels });

// The expanded row: every field, each editable in place (kept live from the row store),
// stepping through the view's rows in the grid's order, with its own address.

/** The rows around an expanded one, in the grid's order (the cursor follows). */
const rowSteps = {
  has(row, step) {
    const index = store.indexOf(row.id);
    return index >= 0 && index + step >= 0 && index + step < store.count;
  },
  async get(row, step) {
    const index = store.indexOf(row.id) + step;
    let next = store.at(index);
    if (!next) {
      // Beyond the rows loaded around the screen: this one row, as the grid would list it.
      const page = await api.get(`/database/views/grid/${viewId}/`, {
        query: { limit: 1, offset: index, search: state.search, exclude_count: "true" },
      });
      next = page.results[0];
    }
    if (next) {
      grid.anchor = null;
      grid.cursor = { row: index, col: grid.cursor.col };
      grid.reveal();
    }
    return next ?? null;
  },
};

const address = new RowAddress({ boot, open: (id) => expandRowById(id) });

function expandRow(row) {
  openRowDialog({
    row,
    fields: state.fields,
    title: (r) => rowTitle(state, r),
    latest: (id) => store.byId(id),
    save: (r, field, value, shown) => editCell(r, field, value, shown),
    remove: (r) => deleteRows([r]),
    neighbours: rowSteps,
    onShow: (r) => address.shown(r.id),
    onClose: () => address.closed(),
    history: {
      tableId,
      load: (id, limit, offset) => api.get(`/database/rows/table/${tableId}/${id}/history/`, { query: { limit, offset } }),
    },
    activity,
  });
}

const activity = activityFor({ api, tableId, databaseId: boot.database_id, me: boot.user });

async function expandRowById(id) {
  try {
    expandRow(store.byId(id) ?? (await api.get(`/database/rows/table/${tableId}/${id}/`)));
  } catch (error) {
    showError(error);
  }
}

function showCount() {
  $("row-count").textContent = `${store.count.toLocaleString()} ${store.count === 1 ? "row" : "rows"}`;
}

/** The view a change to a view, its filters or its sorts belongs to. */
function changedViewId(event) {
  const part = event.view_filter ?? event.view_filter_group ?? event.view_sort ?? event.view_group_by;
  return event.view_id ?? part?.view;
}

// Realtime: rows, fields and this view changed elsewhere (live.js handles the table itself).
function applyEvent(event) {
  activityEvent(event);
  decorations.applyEvent(event);
  switch (event.type) {
    case "rows_created":
      for (const row of event.rows) {
        // Rows restored from the trash come back where they were, not at the end.
        const misplaced = event.before_row_id == null && !store.fitsAtEnd(row);
        if (hasOwnOrder() || misplaced || !store.insert(row, event.before_row_id ?? null)) {
          store.refresh();
          break;
        }
      }
      break;
    case "table_viewers":
      grid.othersEditing.replace(event.editing);
      grid.markOthersEditing();
      break;
    case "cell_editing":
      grid.othersEditing.note(event);
      grid.markOthersEditing();
      break;
    case "rows_updated":
      grid.changedElsewhere(event.rows);
      store.update(event.rows);
      if (hasOwnOrder()) {
        store.refresh();
      }
      break;
    case "rows_deleted":
      if (!store.remove(event.row_ids) || hasOwnOrder()) {
        store.refresh();
      }
      break;
    case "field_created":
    case "field_restored":
      state.fields = state.fields.filter((f) => f.id !== event.field.id).concat([event.field]);
      panels.fieldsChanged();
      store.refresh();
      break;
    case "field_updated":
      state.fields = state.fields.map((f) => (f.id === event.field.id ? event.field : f));
      panels.fieldsChanged();
      store.refresh();
      break;
    case "field_deleted":
      state.fields = state.fields.filter((f) => f.id !== event.field_id);
      panels.fieldsChanged();
      break;
    case "table_updated":
      if (event.force_table_refresh) {
        store.refresh();
      }
      break;
    case "view_field_options_updated":
      // Widths, hidden fields and the column order set elsewhere in this view.
      if (event.view_id === viewId && event.field_options) {
        state.fieldOptions = event.field_options;
        panels.fieldsChanged();
      }
      break;
    case "view_updated":
    case "view_filter_created":
    case "view_filter_updated":
    case "view_filter_deleted":
    case "view_filter_group_created":
    case "view_filter_group_updated":
    case "view_filter_group_deleted":
    case "view_sort_created":
    case "view_sort_updated":
    case "view_sort_deleted":
      // The rows are listed through the view's filters and sorts.
      if (changedViewId(event) === viewId) {
        panels.reloadView().then(() => share.viewChanged(), showError);
      }
      tabs.applyEvent(event);
      break;
    case "view_created":
    case "view_deleted":
    case "views_reordered":
      tabs.applyEvent(event);
      break;
    default:
      break;
  }
}

const tabs = mountViewTabs({ api, boot, state, showError });
const share = mountViewShare({ api, state });
live = connectLive({ boot, onEvent: applyEvent, onResync: () => store.refresh() });

// Toolbar.
let searchTimer = 0;
$("grid-search").addEventListener("input", (event) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    state.search = event.target.value;
    store.refresh();
  }, 250);
});
$("add-row").addEventListener("click", () => grid.addRow());
$("delete-rows").addEventListener("click", deleteSelectedRows);
undo = setUpUndo({
  api,
  scopes: () => ({ application: boot.database_id, table: tableId, view: viewId }),
  settled: () => Promise.allSettled([...rowSaves.values()]),
});

for (const control of document.querySelectorAll(".table-toolbar [disabled]")) {
  control.disabled = false;
}
grid.renderHeader();
grid.render();
showCount();
// The page's address named a row: it opens at once (the server sent it along).
if (boot.row) {
  expandRow(boot.row);
}
document.body.dataset.gridReady = "true";
// For diagnostics and browser tests.
window.tessera = { store, grid, live, api, state, decorations };
