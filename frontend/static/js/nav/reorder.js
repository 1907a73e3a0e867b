// Reordering in the sidebar: tables within their database and databases within their
// workspace, by dragging or with "Move up" / "Move down" (keyboards and phones). The new
// order shows at once and is saved; a refused order is put back.

import { errorText } from "../table/api.js";
import { showNavError } from "./status.js";
import { idsOf, order } from "./tree.js";

/** Where a list's order is saved, and under which key. */
function endpoint(list) {
  if (list.classList.contains("nav-tables")) {
    const database = list.closest(".nav-database").dataset.databaseId;
    return { path: `/database/tables/database/${database}/order/`, key: "table_ids" };
  }
  const workspace = list.closest(".nav-workspace").dataset.workspaceId;
  return { path: `/applications/workspace/${workspace}/order/`, key: "application_ids" };
}

/** Saves a list's order as it shows now; `before` (ids) comes back when it is refused. */
export async function saveOrder(api, list, before) {
  const ids = idsOf(list);
  if (ids.join() === before.join()) {
    return;
  }
  const { path, key } = endpoint(list);
  try {
    await api.post(path, { [key]: ids });
  } catch (error) {
    order(list, before);
    showNavError(`The new order could not be saved: ${errorText(error)}`);
  }
}

/** Moves an item one place up (-1) or down (1) in its list, and saves. */
export function move(api, item, step) {
  const list = item.parentElement;
  const before = idsOf(list);
  const sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
  if (!sibling) {
    return;
  }
  if (step < 0) {
    sibling.before(item);
  } else {
    sibling.after(item);
  }
  saveOrder(api, list, before);
}

/** Drag and drop of tables and databases within their own list. */
export function setUpDragging(root, api) {
  let dragged = null;
  let before = [];
  root.addEventListener("dragstart", (event) => {
    const item = event.target.closest?.(".nav-table, .nav-database");
    if (!item || event.target.closest(".name-edit")) {
      return;
    }
    event.stopPropagation();
    dragged = item;
    before = idsOf(item.parentElement);
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
  });
  // Over an item of the same list: the upper half of its row puts the dragged one before
  // it, the lower half after. Answers whether the pointer is over such an item.
  const place = (event) => {
    const kind = dragged.classList.contains("nav-table") ? ".nav-table" : ".nav-database";
    const over = event.target.closest?.(kind);
    if (!over || over.parentElement !== dragged.parentElement) {
      return false;
    }
    if (over !== dragged) {
      const box = over.querySelector(":scope > .nav-row").getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) {
        over.before(dragged);
      } else {
        over.after(dragged);
      }
    }
    return true;
  };
  root.addEventListener("dragover", (event) => {
    if (dragged && place(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });
  root.addEventListener("drop", (event) => {
    if (dragged) {
      event.preventDefault();
      place(event);
    }
  });
  root.addEventListener("dragend", () => {
    if (!dragged) {
      return;
    }
    const item = dragged;
    dragged = null;
    item.classList.remove("dragging");
    saveOrder(api, item.parentElement, before);
  });
}
