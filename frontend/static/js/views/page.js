// The table page for gallery, kanban, calendar and form views: picks the view's module,
// keeps it live through the realtime socket (rows, fields and the view's own settings),
// and wires the shared toolbar (card fields, add row, who else is viewing).

import { RealtimeClient } from "../realtime.js";
import { Api } from "../table/api.js";
import { el, debounce, showError } from "./shared.js";
import { openRow } from "./row_dialog.js";
import * as gallery from "./gallery.js";
import * as kanban from "./kanban.js";
import * as calendar from "./calendar.js";
import * as form from "./form.js";

const KINDS = { gallery, kanban, calendar, form };

const boot = JSON.parse(document.getElementById("bootstrap").textContent);
const tableId = boot.table.id;
const viewId = boot.view.id;
const $ = (id) => document.getElementById(id);

const state = {
  fields: boot.fields,
  fieldOptions: boot.field_options || {},
  view: boot.view,
};

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

const ctx = {
  api,
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
    return openRow({ api, tableId, state, showError, changed: () => refresh(), deleted: () => refresh() }, row);
  },
  /** Saves the view's own settings (PATCH) and keeps the answer. */
  patchView(body) {
    return inTurn(async () => {
      state.view = { ...state.view, ...(await api.patch(`/database/views/${viewId}/`, body)) };
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

const kind = KINDS[boot.view.type];
const view = kind.mount(ctx);
const refresh = debounce(() => view.refresh());

// Realtime: from the sequence number the page was rendered at, so nothing is missed.
function applyEvent(event) {
  if (event.table_id !== undefined && event.table_id !== tableId) {
    return;
  }
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
        refresh();
      }
      break;
    case "view_field_options_updated":
      if (event.view_id === viewId && event.field_options) {
        state.fieldOptions = event.field_options;
        refresh();
      }
      break;
    case "table_updated":
      if (event.table?.name) {
        $("table-name").textContent = event.table.name;
      }
      break;
    case "table_deleted":
      showError(new Error("This table was deleted."));
      break;
    case "table_viewers":
      showViewers(event.users || []);
      break;
    default:
      break;
  }
}

function showViewers(users) {
  const others = users.filter((u) => u.id !== boot.user.id);
  $("viewers").replaceChildren(
    ...others.map((u) =>
      el("li", {
        class: "viewer",
        title: u.name,
        "aria-label": u.name,
        textContent: (u.name || "?").trim().charAt(0).toUpperCase() || "?",
      }),
    ),
  );
}

function showStatus(status) {
  const badge = $("live-status");
  badge.textContent = { connecting: "Connecting…", open: "Live" }[status] || "Reconnecting…";
  badge.dataset.state = status === "open" ? "live" : status === "connecting" ? "connecting" : "reconnecting";
}

live = new RealtimeClient({
  url: `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/ws/core/`,
  token: () => api.token(),
  onEvent: applyEvent,
  onResync: () => refresh(),
  onStatus: showStatus,
  onForceDisconnect: () => {
    window.location.href = `/login?next=${encodeURIComponent(window.location.pathname)}`;
  },
});
live.subscribeTable(tableId, boot.seq);
window.addEventListener("online", () => live.reconnectNow());

// Which fields the cards show (the primary field always does).
function cardFieldsDialog() {
  document.getElementById("card-fields-dialog")?.remove();
  const close = el("button", { type: "button", class: "dialog-close", textContent: "×", "aria-label": "Close" });
  const list = el("div", { class: "stack" });
  const dialog = el(
    "dialog",
    { class: "panel", id: "card-fields-dialog" },
    el("header", {}, el("h2", { textContent: "Fields on cards" }), close),
    el("div", { class: "dialog-body" }, list),
  );
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
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
  document.body.append(dialog);
  dialog.showModal();
}

$("card-fields")?.addEventListener("click", cardFieldsDialog);
if (view.addRow) {
  $("add-row")?.addEventListener("click", () => view.addRow());
}
for (const control of document.querySelectorAll(".table-toolbar [disabled]")) {
  // "+ Row" waits for kanban and calendar views to know their field.
  control.disabled = control.id === "add-row" && ["kanban", "calendar"].includes(boot.view.type);
}
document.body.dataset.viewReady = "true";
// For diagnostics and browser tests.
window.tessera = { api, live, state, view };
