// The table page for gallery, kanban, calendar and form views: picks the view's module,
// keeps it live through the realtime socket (rows, fields and the view's own settings;
// live.js shows who else is viewing), wires the toolbar (card fields, row colours on
// gallery and kanban cards, add row, sharing)
// and the view tabs, and gives the expanded row its own address.

import { showError } from "../table/alert.js";
import { Api } from "../table/api.js";
import { readTablePage } from "../table/boot.js";
import { el, openDialog } from "../table/dom.js";
import { Decorations } from "../table/decorations.js";
import { connectLive } from "../table/live.js";
import { RowAddress } from "../table/row_address.js";
import { activityEvent, activityFor } from "../table/row_activity.js";
import { openRowDialog, rowTitle } from "../table/row_dialog.js";
import { setUpUndo } from "../table/undo.js";
import { mountViewShare } from "../table/view_share.js";
import { mountViewTabs } from "../table/view_tabs.js";
import { debounce } from "./shared.js";
import * as gallery from "./gallery.js";
import * as kanban from "./kanban.js";
import * as calendar from "./calendar.js";
import * as form from "./form.js";

const KINDS = { gallery, kanban, calendar, form };

const { boot, tableId, viewId, state } = readTablePage();
const $ = (id) => document.getElementById(id);

let live = null;
const api = new Api({ webSocketId: () => live?.webSocketId ?? null });

// Changes to the view are sent one after another: two settings saved at once (a title
// and a description) must not race each other to the server.
let saving = Promise.resolve();
function inTurn(task) {
  const run = saving.then(task, task);
  saving = run.catch(() => {});
  return run;
}

// Card colours (gallery and kanban): worked out by the server for the cards shown.
const decorations = new Decorations({
  api,
  boot,
  state,
  viewId,
  showError,
  onChange: () => decorations.paintAll(ctx.root),
});

const ctx = {
  api,
  /** Paints a card with the view's decorations (gallery and kanban). */
  decorate: (node, row) => decorations.paint(node, row.id),
  /** Rows changed here: their colours are worked out again. */
  rowsChanged: (ids) => decorations.forget(ids),
  boot,
  state,
  tableId,
  viewId,
  root: $("view-root"),
  showError,
  /** The footer's row count. */
  showCount(count) {
    const label = $("row-count");
    if (label) {
      label.textContent = `${count.toLocaleString()} ${count === 1 ? "row" : "rows"}`;
    }
  },
  /** Whether "+ Row" can add a row (not while the view still needs its field). */
  canAdd(enabled) {
    const button = $("add-row");
    if (button) {
      button.disabled = !enabled;
    }
  },
  /** Opens a row's dialog; edits and deletion there reload the view. */
  openRow(row) {
    return openRowDialog({
      row,
      fields: state.fields,
      title: (r) => rowTitle(state, r),
      save: async (r, field, value) => {
        try {
          const saved = await api.patch(`/database/rows/table/${tableId}/${r.id}/`, { [`field_${field.id}`]: value });
          decorations.forget([r.id]);
          refresh();
          return saved;
        } catch (error) {
          showError(error);
          return undefined;
        }
      },
      remove: async (r) => {
        try {
          await api.delete(`/database/rows/table/${tableId}/${r.id}/`);
          refresh();
          return true;
        } catch (error) {
          showError(error);
          return false;
        }
      },
      neighbours: cardSteps,
      onShow: (r) => address.shown(r.id),
      onClose: () => address.closed(),
      history: {
        tableId,
        load: (id, limit, offset) => api.get(`/database/rows/table/${tableId}/${id}/history/`, { query: { limit, offset } }),
      },
      activity: activityFor({ api, tableId, databaseId: boot.database_id, me: boot.user }),
    });
  },
  /** Saves the view's own settings (PATCH) and keeps the answer. */
  patchView(body) {
    return inTurn(async () => {
      state.view = { ...state.view, ...(await api.patch(`/database/views/${viewId}/`, body)) };
      // The form's own share box shares the view too: the toolbar's button follows.
      share.viewChanged();
      return state.view;
    });
  },
  /** Saves field options of the view (PATCH) and keeps the answer. */
  patchFieldOptions(options) {
    return inTurn(async () => {
      const result = await api.patch(`/database/views/${viewId}/field-options/`, { field_options: options });
      state.fieldOptions = result.field_options;
      return state.fieldOptions;
    });
  },
};

/** The rows around an expanded one: the cards in the order the view shows them. */
const cardSteps = {
  ids() {
    const ids = [...ctx.root.querySelectorAll("[data-row-id]")].map((node) => Number(node.dataset.rowId));
    return [...new Set(ids)];
  },
  has(row, step) {
    const ids = this.ids();
    const index = ids.indexOf(row.id);
    return index >= 0 && ids[index + step] !== undefined;
  },
  async get(row, step) {
    const ids = this.ids();
    const id = ids[ids.indexOf(row.id) + step];
    if (id === undefined) {
      return null;
    }
    try {
      const next = await api.get(`/database/rows/table/${tableId}/${id}/`);
      ctx.root.querySelector(`[data-row-id="${id}"]`)?.scrollIntoView({ block: "nearest" });
      return next;
    } catch (error) {
      showError(error);
      return null;
    }
  },
};

const address = new RowAddress({
  boot,
  open: async (id) => {
    try {
      ctx.openRow(await api.get(`/database/rows/table/${tableId}/${id}/`));
    } catch (error) {
      showError(error);
    }
  },
});

const kind = KINDS[boot.view.type];
const view = kind.mount(ctx);
const refresh = debounce(() => view.refresh());

// Realtime: rows, fields and the view's own settings changed elsewhere (live.js handles
// the table itself).
function applyEvent(event) {
  activityEvent(event);
  decorations.applyEvent(event);
  switch (event.type) {
    case "rows_created":
    case "rows_updated":
    case "rows_deleted":
      refresh();
      break;
    case "field_created":
    case "field_restored":
    case "field_updated":
      state.fields = state.fields.filter((f) => f.id !== event.field.id).concat([event.field]);
      refresh();
      break;
    case "field_deleted":
      state.fields = state.fields.filter((f) => f.id !== event.field_id);
      refresh();
      break;
    case "view_updated":
      if (event.view_id === viewId && event.view) {
        state.view = { ...state.view, ...event.view };
        share.viewChanged();
        refresh();
      }
      tabs.applyEvent(event);
      break;
    case "view_created":
    case "view_deleted":
    case "views_reordered":
      tabs.applyEvent(event);
      break;
    case "view_field_options_updated":
      if (event.view_id === viewId && event.field_options) {
        state.fieldOptions = event.field_options;
        refresh();
      }
      break;
    default:
      break;
  }
}

const tabs = mountViewTabs({ api, boot, state, showError });
const share = mountViewShare({ api, state, onChange: () => view.refresh() });
live = connectLive({ boot, onEvent: applyEvent, onResync: () => refresh() });

// Which fields the cards show (the primary field always does).
function cardFieldsDialog() {
  const { body } = openDialog("Fields on cards", "card-fields-dialog");
  const list = el("div", { class: "stack" });
  if (["gallery", "kanban"].includes(boot.view.type)) {
    body.append(coverPicker());
  }
  body.append(list);
  for (const field of state.fields.filter((f) => !f.primary)) {
    const box = el("input", { type: "checkbox", checked: state.fieldOptions[field.id]?.hidden === false });
    box.addEventListener("change", async () => {
      try {
        await ctx.patchFieldOptions({ [field.id]: { hidden: !box.checked } });
        view.refresh();
      } catch (error) {
        box.checked = !box.checked;
        showError(error);
      }
    });
    list.append(el("label", { class: "check-row" }, box, field.name));
  }
}

/** The cards' cover image: one of the table's file fields, or none. */
function coverPicker() {
  const files = state.fields.filter((f) => f.type === "file");
  const current = state.view.card_cover_image_field ?? "";
  const pick = el(
    "select",
    { id: "card-cover-field" },
    el("option", { value: "", textContent: files.length ? "No cover" : "No file field to take covers from" }),
    ...files.map((f) => el("option", { value: String(f.id), textContent: f.name, selected: f.id === current })),
  );
  pick.disabled = files.length === 0;
  pick.addEventListener("change", async () => {
    try {
      await ctx.patchView({ card_cover_image_field: pick.value ? Number(pick.value) : null });
      view.refresh();
    } catch (error) {
      pick.value = String(state.view.card_cover_image_field ?? "");
      showError(error);
    }
  });
  return el("label", { class: "field-row card-cover-row" }, "Cover image", pick);
}

$("card-fields")?.addEventListener("click", cardFieldsDialog);
if (view.addRow) {
  $("add-row")?.addEventListener("click", () => view.addRow());
}
setUpUndo({ api, scopes: () => ({ application: boot.database_id, table: tableId, view: viewId }) });
for (const control of document.querySelectorAll(".table-toolbar [disabled]")) {
  // "+ Row" waits for kanban and calendar views to know their field.
  control.disabled = control.id === "add-row" && ["kanban", "calendar"].includes(boot.view.type);
}
// The page's address named a row: it opens at once (the server sent it along).
if (boot.row) {
  ctx.openRow(boot.row);
}
document.body.dataset.viewReady = "true";
// For diagnostics and browser tests.
window.tessera = { api, live, state, view, decorations };
