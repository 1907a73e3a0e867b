// The sidebar's items in the page: finding, adding, naming, removing and ordering
// workspaces, databases and tables from the API's shapes, so the user's own actions, live
// events and a fresh read of the tree all change the page the same way. New items copy
// the server's markup from the sidebar's <template>s.

import { renameHint } from "./title.js";

const sidebar = () => document.getElementById("sidebar");

const SELECTORS = {
  workspace: (id) => `.nav-workspace[data-workspace-id="${id}"]`,
  database: (id) => `.nav-database[data-database-id="${id}"]`,
  table: (id) => `.nav-table[data-table-id="${id}"]`,
};

/** The sidebar item of a workspace, database or table, or null. */
export function itemOf(kind, id) {
  return sidebar()?.querySelector(SELECTORS[kind](Number(id))) ?? null;
}

/** The id of the table the page shows (0 on pages without one). */
export function currentTableId() {
  return Number(document.querySelector(".table-page")?.dataset.tableId || 0);
}

export function tableUrl(databaseId, tableId) {
  return `/database/${databaseId}/table/${tableId}`;
}

/** The name an item shows. */
export function nameOf(item) {
  return item.querySelector(":scope > .nav-row .nav-label").textContent;
}

/** Shows the script's controls (menus, add buttons). */
export function enable(root) {
  for (const control of root.querySelectorAll("[data-nav-menu], [data-nav-add]")) {
    control.hidden = false;
  }
}

/**
 * Renames an item everywhere the page shows the name: its label, its menu button's
 * label, the breadcrumb, the page title of the current table.
 */
export function setName(kind, id, name) {
  const item = itemOf(kind, id);
  if (item) {
    item.querySelector(":scope > .nav-row .nav-label").textContent = name;
    item.querySelector(":scope > .nav-row [data-nav-menu]")?.setAttribute("aria-label", `Actions for ${name}`);
    item.querySelector(":scope > .nav-views")?.setAttribute("aria-label", `Views of ${name}`);
  }
  for (const copy of document.querySelectorAll(`[data-name-of="${kind}-${Number(id)}"]`)) {
    copy.textContent = name;
  }
  if (kind === "table" && Number(id) === currentTableId()) {
    const title = document.getElementById("table-name");
    title.textContent = name;
    title.title = title.classList.contains("renamable") ? renameHint(name) : name;
    document.title = `${name} · Tessera`;
  }
}

function fromTemplate(id) {
  const item = document.getElementById(id).content.firstElementChild.cloneNode(true);
  enable(item);
  return item;
}

/** Adds a table (`{id, name, database_id}`) at the end of its database; names it if present. */
export function addTable(table) {
  let item = itemOf("table", table.id);
  if (!item) {
    const database = itemOf("database", table.database_id);
    if (!database) {
      return null;
    }
    item = fromTemplate("nav-table-template");
    item.dataset.tableId = String(table.id);
    item.querySelector(".nav-link").href = tableUrl(table.database_id, table.id);
    database.querySelector(".nav-tables").append(item);
  }
  setName("table", table.id, table.name);
  return item;
}

/** Adds a workspace (`{id, name}`) at the end of the list, or renames it. */
export function addWorkspace(workspace) {
  let item = itemOf("workspace", workspace.id);
  if (!item) {
    item = fromTemplate("nav-workspace-template");
    item.dataset.workspaceId = String(workspace.id);
    item.querySelector(".nav-fold").setAttribute("aria-controls", `nav-ws-${workspace.id}`);
    item.querySelector(".nav-children").id = `nav-ws-${workspace.id}`;
    sidebar().querySelector(".nav-workspaces").append(item);
    sidebar().querySelector(".sidebar-empty")?.remove();
  }
  setName("workspace", workspace.id, workspace.name);
  return item;
}

/** Adds a database (an application with its `workspace` and `tables`), or updates it. */
export function addDatabase(app) {
  let item = itemOf("database", app.id);
  if (!item) {
    const workspace = itemOf("workspace", app.workspace.id);
    if (!workspace) {
      return null;
    }
    item = fromTemplate("nav-database-template");
    item.dataset.databaseId = String(app.id);
    item.querySelector(".nav-fold").setAttribute("aria-controls", `nav-db-${app.id}`);
    item.querySelector(".nav-children").id = `nav-db-${app.id}`;
    workspace.querySelector(".nav-databases").append(item);
  }
  setName("database", app.id, app.name);
  for (const table of app.tables || []) {
    addTable({ ...table, database_id: app.id });
  }
  return item;
}

export function remove(kind, id) {
  itemOf(kind, id)?.remove();
}

/** The ids of a list's items, in order. */
export function idsOf(list) {
  return [...list.children]
    .map((child) => Number(child.dataset.tableId || child.dataset.databaseId))
    .filter(Boolean);
}

/** Puts a list's items in the order of `ids`; items not named keep their place after them. */
export function order(list, ids) {
  const byId = new Map([...list.children].map((child) => [Number(child.dataset.tableId || child.dataset.databaseId), child]));
  const named = ids.map((id) => byId.get(Number(id))).filter(Boolean);
  const rest = [...list.children].filter((child) => !named.includes(child));
  list.append(...named, ...rest);
}

/**
 * Makes the sidebar match a fresh read of the user's databases (`GET /api/applications/`):
 * adds, renames, removes and orders databases and tables. Workspaces stay as they are.
 */
export function sync(apps) {
  const databases = apps.filter((app) => app.type === "database");
  const seen = new Set(databases.map((app) => app.id));
  for (const item of sidebar().querySelectorAll(".nav-database")) {
    if (!seen.has(Number(item.dataset.databaseId))) {
      item.remove();
    }
  }
  for (const app of databases) {
    const item = addDatabase(app);
    if (!item) {
      continue;
    }
    const tables = new Set(app.tables.map((t) => t.id));
    const list = item.querySelector(".nav-tables");
    for (const child of [...list.children]) {
      if (!tables.has(Number(child.dataset.tableId))) {
        child.remove();
      }
    }
    order(list, app.tables.map((t) => t.id));
  }
  for (const workspace of sidebar().querySelectorAll(".nav-workspace")) {
    const id = Number(workspace.dataset.workspaceId);
    order(
      workspace.querySelector(".nav-databases"),
      databases.filter((app) => app.workspace.id === id).map((app) => app.id),
    );
  }
}
