// What the sidebar's buttons do, through the REST API: new workspaces, databases and tables
// (a new table opens once created), and each item's menu: rename in place, duplicate a
// table or a database (a job, followed until it finishes), a database's snapshots, move up
// or down, a workspace's members, delete after a confirmation.

import { errorText } from "../table/alert.js";
import { el, openDialog } from "../table/dom.js";
import { expand } from "./folding.js";
import { finishedJob } from "./jobs.js";
import { openMenu } from "./menu.js";
import { editName } from "./name_input.js";
import { move } from "./reorder.js";
import { openSnapshots } from "./snapshots.js";
import { clearNavStatus, showNavError, showNavProgress } from "./status.js";
import { addDatabase, addTable, addWorkspace, currentTableId, nameOf, remove, setName, tableUrl } from "./tree.js";

/** A name field in a new list item at the end of `list`; `create(name)` makes the item. */
function nameNewItem(list, label, create) {
  clearNavStatus();
  const slot = el("li", { class: "nav-new" });
  const anchor = el("span", { hidden: true });
  slot.append(anchor);
  list.append(slot);
  editName({ place: anchor, label, save: create, onClose: () => slot.remove() });
}

function createTable(databaseItem, api) {
  const databaseId = Number(databaseItem.dataset.databaseId);
  expand(databaseItem);
  nameNewItem(databaseItem.querySelector(".nav-tables"), "New table name", async (name) => {
    const table = await api.post(`/database/tables/database/${databaseId}/`, { name });
    addTable(table);
    window.location.assign(tableUrl(databaseId, table.id));
  });
}

function createDatabase(workspaceItem, api) {
  const workspaceId = Number(workspaceItem.dataset.workspaceId);
  expand(workspaceItem);
  nameNewItem(workspaceItem.querySelector(".nav-databases"), "New database name", async (name) => {
    const app = await api.post(`/applications/workspace/${workspaceId}/`, { name, type: "database" });
    addDatabase(app);
  });
}

function createWorkspace(root, api) {
  nameNewItem(root.querySelector(".nav-workspaces"), "New workspace name", async (name) => {
    const workspace = await api.post("/workspaces/", { name });
    expand(addWorkspace(workspace));
  });
}

/** Each kind's id attribute and API path. */
const KINDS = {
  workspace: { id: (item) => item.dataset.workspaceId, path: (id) => `/workspaces/${id}/` },
  database: { id: (item) => item.dataset.databaseId, path: (id) => `/applications/${id}/` },
  table: { id: (item) => item.dataset.tableId, path: (id) => `/database/tables/${id}/` },
};

/** Renames a workspace, database or table in place. */
function rename(kind, item, api) {
  const row = item.querySelector(":scope > .nav-row");
  const id = Number(KINDS[kind].id(item));
  const path = KINDS[kind].path(id);
  editName({
    place: row,
    hide: [row],
    value: nameOf(item),
    label: `New name of ${nameOf(item)}`,
    className: "nav-rename",
    save: async (name) => {
      const saved = await api.patch(path, { name });
      setName(kind, id, saved.name);
    },
    returnFocus: row.querySelector("[data-nav-menu]"),
  });
}

/**
 * Duplicates a table (under its database) or a whole database (at the end of its
 * workspace, with its tables): the copy appears once the job has finished.
 */
async function duplicate(kind, item, api) {
  const name = nameOf(item);
  showNavProgress(`Duplicating “${name}”…`);
  const tooLong = "It is taking too long; the copy will appear when it is done.";
  try {
    if (kind === "database") {
      const job = await api.post(`/applications/${item.dataset.databaseId}/duplicate/async/`);
      addDatabase((await finishedJob(api, job, { tooLong })).duplicated_application);
    } else {
      const job = await api.post(`/database/tables/${item.dataset.tableId}/duplicate/async/`);
      addTable((await finishedJob(api, job, { tooLong })).duplicated_table);
    }
    clearNavStatus();
  } catch (error) {
    showNavError(`“${name}” could not be duplicated: ${errorText(error)}`);
  }
}

const GOES_WITH = {
  workspace: "Its databases and members' access go with it.",
  database: "Its tables go with it.",
  table: "Its rows, fields and views go with it.",
};

/** Asks, then moves a workspace, database or table to the trash. */
function confirmDelete(kind, item, api) {
  const name = nameOf(item);
  const id = Number(KINDS[kind].id(item));
  const { dialog, body } = openDialog(`Delete ${kind}`, "nav-delete-dialog");
  dialog.classList.add("confirm-dialog");
  const what = GOES_WITH[kind];
  const cancel = el("button", { type: "button", class: "btn btn-small", textContent: "Cancel", onclick: () => dialog.close() });
  const confirmButton = el("button", { type: "button", class: "btn btn-small btn-danger-solid", textContent: "Delete" });
  const error = el("p", { class: "name-error", role: "alert", hidden: true });
  body.append(
    el("p", {}, `Delete “${name}”? ${what} You can restore it from the trash.`),
    error,
    el("div", { class: "actions confirm-actions" }, cancel, confirmButton),
  );
  cancel.focus();
  confirmButton.addEventListener("click", async () => {
    confirmButton.disabled = true;
    try {
      await api.delete(KINDS[kind].path(id));
    } catch (e) {
      error.textContent = errorText(e);
      error.hidden = false;
      confirmButton.disabled = false;
      return;
    }
    const current = currentTableId();
    const wasShown = current && (kind === "table" ? id === current : item.querySelector(`[data-table-id="${current}"]`));
    const onItsMembersPage = kind === "workspace" && window.location.pathname.startsWith(`/workspace/${id}/`);
    dialog.close();
    remove(kind, id);
    if (wasShown || onItsMembersPage) {
      window.location.assign("/dashboard");
    }
  });
}

function menuItems(kind, item, api) {
  const moves = [
    { label: "Move up", run: () => move(api, item, -1), disabled: !item.previousElementSibling },
    { label: "Move down", run: () => move(api, item, 1), disabled: !item.nextElementSibling },
  ];
  if (kind === "workspace") {
    const id = Number(item.dataset.workspaceId);
    return [
      { label: "New database", run: () => createDatabase(item, api) },
      { label: "Rename", run: () => rename("workspace", item, api) },
      { label: "Members", run: () => window.location.assign(`/workspace/${id}/members`) },
      { label: "Delete", run: () => confirmDelete("workspace", item, api), danger: true },
    ];
  }
  if (kind === "table") {
    return [
      { label: "Rename", run: () => rename("table", item, api) },
      { label: "Duplicate", run: () => duplicate("table", item, api) },
      ...moves,
      { label: "Delete", run: () => confirmDelete("table", item, api), danger: true },
    ];
  }
  return [
    { label: "New table", run: () => createTable(item, api) },
    { label: "Rename", run: () => rename("database", item, api) },
    { label: "Duplicate", run: () => duplicate("database", item, api) },
    { label: "Snapshots", run: () => openSnapshots(item, api) },
    ...moves,
    { label: "Delete", run: () => confirmDelete("database", item, api), danger: true },
  ];
}

/** Wires the sidebar's menu and add buttons. */
export function setUpActions(root, api) {
  root.addEventListener("click", (event) => {
    const menuButton = event.target.closest("[data-nav-menu]");
    if (menuButton) {
      const kind = menuButton.dataset.navMenu;
      const item = menuButton.closest(`.nav-${kind}`);
      openMenu(menuButton, menuItems(kind, item, api));
      return;
    }
    const add = event.target.closest("[data-nav-add]");
    if (add?.dataset.navAdd === "table") {
      createTable(add.closest(".nav-database"), api);
    } else if (add?.dataset.navAdd === "database") {
      createDatabase(add.closest(".nav-workspace"), api);
    } else if (add?.dataset.navAdd === "workspace") {
      createWorkspace(root, api);
    }
  });
}
