// Reordering in the sidebar: tables within their database and databases within their
// workspace, by dragging (with the mouse, or on a touch screen after holding the item a
// moment) or with "Move up" / "Move down" (keyboards). The new order shows at once and is
// saved; a refused order is put back.

import { errorText } from "../table/alert.js";
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

/**
 * Where the dragged item goes with the pointer at (x, y): over an item of its own list,
 * the upper half of that item's row puts it before, the lower half after.
 */
function place(dragged, x, y) {
  const kind = dragged.classList.contains("nav-table") ? ".nav-table" : ".nav-database";
  const over = document.elementFromPoint(x, y)?.closest(kind);
  if (!over || over === dragged || over.parentElement !== dragged.parentElement) {
    return;
  }
  const box = over.querySelector(":scope > .nav-row").getBoundingClientRect();
  if (y < box.top + box.height / 2) {
    over.before(dragged);
  } else {
    over.after(dragged);
  }
}

/** How long a finger holds an item before it is picked up (a shorter touch scrolls). */
const HOLD_MS = 400;

/**
 * Dragging tables and databases within their own list. With the mouse (or a pen) a press
 * that moves a few pixels picks the item up; a finger must hold still on it for a moment
 * first, so that a swipe still scrolls the drawer. Releasing saves the order.
 */
export function setUpDragging(root, api) {
  let press = null;
  let hold = null;
  let swallowClick = false;
  const pickUp = () => {
    press.moving = true;
    press.item.classList.add("dragging");
    root.classList.add("reordering");
  };
  const cancelHold = () => {
    clearTimeout(hold?.timer);
    hold = null;
  };
  // The browser's own drag (of a link's address) would cancel the pointer: the sidebar's
  // links are not draggable (draggable="false"), and nothing else starts one.
  root.addEventListener("dragstart", (event) => event.preventDefault());
  root.addEventListener("pointerdown", (event) => {
    const item = event.target.closest(".nav-table, .nav-database");
    if (event.button !== 0 || !item || event.target.closest(".nav-more, .nav-add, .name-edit, .nav-new")) {
      return;
    }
    const start = { item, x: event.clientX, y: event.clientY, before: idsOf(item.parentElement), moving: false };
    if (event.pointerType !== "touch") {
      press = start;
      return;
    }
    cancelHold();
    hold = {
      ...start,
      timer: setTimeout(() => {
        press = { ...hold, touch: true };
        hold = null;
        pickUp();
        navigator.vibrate?.(10);
      }, HOLD_MS),
    };
  });
  // A finger that moves before the hold is over is scrolling; once an item is picked up,
  // the page must not scroll under it (only a cancelled touchmove stops that).
  root.addEventListener(
    "touchmove",
    (event) => {
      if (press?.touch) {
        event.preventDefault();
      }
    },
    { passive: false },
  );
  // Holding a link would open the phone's link menu instead.
  root.addEventListener("contextmenu", (event) => {
    if (hold || press?.touch) {
      event.preventDefault();
    }
  });
  root.addEventListener("pointermove", (event) => {
    if (hold && Math.hypot(event.clientX - hold.x, event.clientY - hold.y) > 8) {
      cancelHold();
    }
    if (!press) {
      return;
    }
    if (!press.moving) {
      if (Math.hypot(event.clientX - press.x, event.clientY - press.y) < 5) {
        return;
      }
      pickUp();
    }
    place(press.item, event.clientX, event.clientY);
  });
  const finish = (save) => {
    cancelHold();
    if (!press) {
      return;
    }
    const { item, before, moving } = press;
    press = null;
    if (!moving) {
      return;
    }
    item.classList.remove("dragging");
    root.classList.remove("reordering");
    // The click of the release that ends a drag (dispatched right after it, in the same
    // task) neither follows a link nor folds a database.
    swallowClick = true;
    setTimeout(() => {
      swallowClick = false;
    });
    if (save) {
      saveOrder(api, item.parentElement, before);
    } else {
      order(item.parentElement, before);
    }
  };
  document.addEventListener("pointerup", (event) => {
    // Moves are dispatched once a frame: the release may come before the last one.
    if (press?.moving) {
      place(press.item, event.clientX, event.clientY);
    }
    finish(true);
  });
  document.addEventListener("pointercancel", () => finish(false));
  document.addEventListener(
    "click",
    (event) => {
      if (swallowClick) {
        swallowClick = false;
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );
}
