// On phones the sidebar is a drawer: the top bar's menu button opens it over the page,
// its close button, the backdrop, Escape or following a link closes it. On wider screens
// the button is not shown and the sidebar simply sits beside the page.

import { el } from "../table/dom.js";

export function setUpDrawer(root) {
  const opener = document.getElementById("sidebar-open");
  const closer = document.getElementById("sidebar-close");
  if (!opener || !closer) {
    return;
  }
  const backdrop = el("div", { class: "sidebar-backdrop", hidden: true });
  root.after(backdrop);
  const isOpen = () => root.classList.contains("open");
  const set = (open) => {
    // Slides only when opened or closed here, not when the window changes size.
    root.classList.add("sliding");
    clearTimeout(set.timer);
    set.timer = setTimeout(() => root.classList.remove("sliding"), 250);
    root.classList.toggle("open", open);
    backdrop.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    if (open) {
      closer.focus();
    } else if (root.contains(document.activeElement)) {
      opener.focus();
    }
  };
  opener.hidden = false;
  closer.hidden = false;
  opener.addEventListener("click", () => set(!isOpen()));
  closer.addEventListener("click", () => set(false));
  backdrop.addEventListener("click", () => set(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen() && !document.querySelector("dialog[open], .nav-menu")) {
      set(false);
    }
  });
  root.addEventListener("click", (event) => {
    if (event.target.closest(".nav-link")) {
      set(false);
    }
  });
}
