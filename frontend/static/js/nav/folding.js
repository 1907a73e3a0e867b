// Folding workspaces and databases in the sidebar. What the user folded is remembered in
// localStorage (per browser); the workspace and database of the table shown always start
// open, so the current table is in view.

const STORAGE_KEY = "tessera.sidebar.folded";

function stored() {
  try {
    return new Set(JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]"));
  } catch {
    return new Set();
  }
}

function store(folded) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...folded]));
  } catch {
    // Storage full or refused (private mode): folding still works for this page.
  }
}

function show(button, open) {
  button.setAttribute("aria-expanded", String(open));
  const children = document.getElementById(button.getAttribute("aria-controls"));
  if (children) {
    children.hidden = !open;
  }
}

/** Unfolds a workspace or database item (to show something just added to it). */
export function expand(item) {
  const button = item.querySelector(":scope > .nav-row .nav-fold");
  if (button.getAttribute("aria-expanded") === "false") {
    button.click();
  }
}

export function setUpFolding(root) {
  const folded = stored();
  const current = root.querySelector('.nav-link[aria-current="true"]');
  for (const button of root.querySelectorAll(".nav-fold")) {
    const key = button.getAttribute("aria-controls");
    const holdsCurrent = Boolean(current && button.closest("li").contains(current));
    show(button, !folded.has(key) || holdsCurrent);
  }
  root.addEventListener("click", (event) => {
    const button = event.target.closest(".nav-fold");
    if (!button) {
      return;
    }
    const open = button.getAttribute("aria-expanded") !== "true";
    show(button, open);
    const key = button.getAttribute("aria-controls");
    const now = stored();
    if (open) {
      now.delete(key);
    } else {
      now.add(key);
    }
    store(now);
  });
}
