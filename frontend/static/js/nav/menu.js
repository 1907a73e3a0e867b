// A small action menu under a button (the sidebar's "⋯" menus): one open at a time, arrow
// keys move between its items, Escape or a click elsewhere closes it.

import { el } from "../table/dom.js";

let open = null;

/** Closes the open menu; `refocus` puts the focus back on its button. */
export function closeMenu(refocus = false) {
  if (!open) {
    return;
  }
  const { menu, button, onAway } = open;
  open = null;
  menu.remove();
  button.setAttribute("aria-expanded", "false");
  document.removeEventListener("pointerdown", onAway, true);
  if (refocus) {
    button.focus();
  }
}

/**
 * Opens a menu of `items` (`{label, run, danger?, disabled?}`) below `button`.
 * Choosing an item closes the menu, then runs it.
 */
export function openMenu(button, items) {
  const again = open?.button === button;
  closeMenu();
  if (again) {
    return; // a second click on the button closes its menu
  }
  const menu = el("div", { class: "nav-menu", role: "menu", "aria-label": button.getAttribute("aria-label") });
  for (const item of items) {
    menu.append(
      el("button", {
        type: "button",
        role: "menuitem",
        class: item.danger ? "nav-menu-item danger" : "nav-menu-item",
        textContent: item.label,
        disabled: Boolean(item.disabled),
        onclick: () => {
          closeMenu();
          item.run();
        },
      }),
    );
  }
  menu.addEventListener("keydown", (event) => {
    const buttons = [...menu.querySelectorAll("button:not(:disabled)")];
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      buttons[(at + step + buttons.length) % buttons.length]?.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeMenu(true);
    } else if (event.key === "Tab") {
      closeMenu(true);
    }
  });
  document.body.append(menu);
  // Fixed under the button, kept inside the window (the sidebar scrolls and clips).
  const box = button.getBoundingClientRect();
  const width = menu.offsetWidth;
  const height = menu.offsetHeight;
  const left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
  const below = box.bottom + 4;
  menu.style.left = `${left}px`;
  menu.style.top = `${below + height > window.innerHeight - 8 ? Math.max(8, box.top - height - 4) : below}px`;
  button.setAttribute("aria-expanded", "true");
  const onAway = (event) => {
    if (!menu.contains(event.target) && !button.contains(event.target)) {
      closeMenu();
    }
  };
  document.addEventListener("pointerdown", onAway, true);
  open = { menu, button, onAway };
  menu.querySelector("button:not(:disabled)")?.focus();
}
