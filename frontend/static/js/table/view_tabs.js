// The table page's view tabs, for the grid and the card views alike: "+ View" (a dialog
// choosing the type, the name and, for kanban and calendar views, their field), the
// active view's menu (rename in place, duplicate, move left or right, delete), tabs
// reordered by drag and drop, and the tabs kept current with changes made elsewhere.

import { errorText } from "./alert.js";
import { el, openDialog } from "./dom.js";

/** The view types "+ View" offers; kanban and calendar views place rows by a field. */
const TYPES = [
  { type: "grid", label: "Grid", hint: "Rows and columns, like a spreadsheet." },
  { type: "gallery", label: "Gallery", hint: "Each row as a card." },
  { type: "form", label: "Form", hint: "A form that adds rows, to share with anyone." },
  {
    type: "kanban",
    label: "Kanban",
    hint: "Cards in columns, one per option of a single select field.",
    field: {
      key: "single_select_field",
      kinds: ["single_select"],
      label: "Columns by",
      missing: "This table has no single select field. Add a field of type “Single select” first: its options become the board's columns.",
    },
  },
  {
    type: "calendar",
    label: "Calendar",
    hint: "Rows on the days of a month, by a date field.",
    field: {
      key: "date_field",
      kinds: ["date"],
      label: "Dates from",
      missing: "This table has no date field. Add a field of type “Date” first: the calendar places each row on its day.",
    },
  },
];

/** A type's icon, as the server renders it in the tabs. */
function icon(type) {
  return el("span", { class: `view-icon view-icon-${type}`, "aria-hidden": "true" });
}

/**
 * Wires the tabs the server rendered.
 * @param {object} options
 * @param {import("./api.js").Api} options.api
 * @param {object} options.boot  the page's bootstrap data (database id, table, views)
 * @param {object} options.state  the page's view state (fields, view)
 * @param {function(Error): void} options.showError
 * @returns {{applyEvent: function(object): void}}
 */
export function mountViewTabs({ api, boot, state, showError }) {
  const tableId = boot.table.id;
  const viewId = boot.view.id;
  const list = document.getElementById("view-tab-list");
  const menuButton = document.getElementById("view-menu-button");
  const addButton = document.getElementById("add-view");
  const viewUrl = (id) => `/database/${boot.database_id}/table/${tableId}/${id}`;
  const tabs = () => [...list.querySelectorAll(".view-tab")];
  const tabOf = (id) => list.querySelector(`.view-tab[data-view-id="${id}"]`);
  const order = () => tabs().map((t) => Number(t.dataset.viewId));

  function setName(tab, name) {
    const type = tab.dataset.viewType;
    tab.querySelector(".view-name").textContent = name;
    tab.querySelector("a").title = `${name} (${type} view)`;
    tab.querySelector(".view-menu-button")?.setAttribute("aria-label", `Options for the view ${name}`);
  }

  /** A tab for a view created elsewhere (the same markup as the server's). */
  function newTab(view) {
    return el(
      "span",
      { class: "view-tab", "data-view-id": String(view.id), "data-view-type": view.type, draggable: "true" },
      el(
        "a",
        { href: viewUrl(view.id), title: `${view.name} (${view.type} view)` },
        icon(view.type),
        el("span", { class: "view-name", textContent: view.name }),
        el("span", { class: "visually-hidden", textContent: ` (${view.type} view)` }),
      ),
    );
  }

  // Order: saved as a whole; a refusal puts the tabs back.

  async function saveOrder(before) {
    const now = order();
    if (now.join() === before.join()) {
      return;
    }
    try {
      await api.post(`/database/views/table/${tableId}/order/`, { view_ids: now });
    } catch (error) {
      arrange(before);
      showError(new Error(`The views could not be reordered: ${errorText(error)}`));
    }
  }

  function arrange(ids) {
    const byId = new Map(tabs().map((t) => [Number(t.dataset.viewId), t]));
    const ordered = ids.map((id) => byId.get(id)).filter(Boolean);
    // Tabs the order does not name (just created) stay at the end.
    list.append(...ordered, ...tabs().filter((t) => !ordered.includes(t)));
  }

  function move(tab, step) {
    const before = order();
    const sibling = step < 0 ? tab.previousElementSibling : tab.nextElementSibling;
    if (!sibling) {
      return;
    }
    sibling.insertAdjacentElement(step < 0 ? "beforebegin" : "afterend", tab);
    tab.querySelector("a").focus();
    saveOrder(before);
  }

  let dragged = null;
  let dragStart = null;
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".view-tab");
    if (!dragged || list.querySelector(".view-rename-box")) {
      dragged = null;
      return;
    }
    dragStart = order();
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
  });
  list.addEventListener("dragover", (event) => {
    const over = event.target.closest?.(".view-tab");
    if (!dragged) {
      return;
    }
    event.preventDefault();
    if (!over || over === dragged) {
      return;
    }
    const box = over.getBoundingClientRect();
    const after = event.clientX > box.left + box.width / 2;
    over.insertAdjacentElement(after ? "afterend" : "beforebegin", dragged);
  });
  list.addEventListener("drop", (event) => {
    if (dragged) {
      event.preventDefault();
    }
  });
  list.addEventListener("dragend", () => {
    if (!dragged) {
      return;
    }
    dragged.classList.remove("dragging");
    dragged = null;
    saveOrder(dragStart);
  });
  for (const tab of tabs()) {
    tab.draggable = true;
  }

  // The active view's menu.

  const menu = el("div", { class: "view-menu", id: "view-menu", role: "menu", hidden: true, "aria-label": "View options" });
  document.body.append(menu);
  const item = (action, text, run, extra = {}) =>
    el("button", {
      type: "button",
      role: "menuitem",
      class: "view-menu-item",
      "data-action": action,
      textContent: text,
      onclick: () => {
        closeMenu();
        run();
      },
      ...extra,
    });

  function openMenu() {
    const tab = tabOf(viewId);
    menu.replaceChildren(
      item("rename", "Rename", () => rename(tab)),
      item("duplicate", "Duplicate", duplicate),
      item("move-left", "Move left", () => move(tab, -1), { disabled: !tab.previousElementSibling }),
      item("move-right", "Move right", () => move(tab, 1), { disabled: !tab.nextElementSibling }),
      el("hr"),
      item("delete", "Delete view", confirmDelete, { class: "view-menu-item danger" }),
    );
    menu.hidden = false;
    placeMenu();
    menuButton.setAttribute("aria-expanded", "true");
    menu.querySelector("button:not([disabled])").focus();
  }

  /** Under the menu button, kept inside the window. */
  function placeMenu() {
    const anchor = menuButton.getBoundingClientRect();
    menu.style.left = `${Math.max(8, Math.min(anchor.left, window.innerWidth - menu.offsetWidth - 8))}px`;
    menu.style.top = `${anchor.bottom + 4}px`;
  }

  function closeMenu() {
    if (!menu.hidden) {
      menu.hidden = true;
      menuButton.setAttribute("aria-expanded", "false");
    }
  }

  menuButton.addEventListener("click", () => (menu.hidden ? openMenu() : closeMenu()));
  document.addEventListener("pointerdown", (event) => {
    if (!menu.hidden && !menu.contains(event.target) && event.target !== menuButton) {
      closeMenu();
    }
  });
  menu.addEventListener("keydown", (event) => {
    const items = [...menu.querySelectorAll("button:not([disabled])")];
    const at = items.indexOf(document.activeElement);
    if (event.key === "Escape") {
      closeMenu();
      menuButton.focus();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      items[(at + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length].focus();
    }
  });
  window.addEventListener("resize", () => {
    if (!menu.hidden) {
      placeMenu();
    }
  });

  // Rename in place: Enter or leaving the field saves, Escape keeps the old name.

  function rename(tab) {
    const link = tab.querySelector("a");
    const old = tab.querySelector(".view-name").textContent;
    const input = el("input", { type: "text", class: "view-rename", id: "view-rename", value: old, "aria-label": "View name", maxLength: 255 });
    // The link makes way for the field, keeping the type's icon in place.
    const box = el("span", { class: "view-rename-box" }, icon(tab.dataset.viewType), input);
    let done = false;
    const finish = async (save) => {
      if (done) {
        return;
      }
      done = true;
      const name = input.value.trim();
      box.remove();
      link.hidden = false;
      if (!save || name === old) {
        link.focus();
        return;
      }
      if (name === "") {
        showError(new Error("A view needs a name; the old one is kept."));
        return;
      }
      setName(tab, name);
      try {
        const saved = await api.patch(`/database/views/${viewId}/`, { name });
        state.view = { ...state.view, name: saved.name };
        setName(tab, saved.name);
      } catch (error) {
        setName(tab, old);
        showError(new Error(`The view could not be renamed: ${errorText(error, { name: "" })}`));
      }
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        finish(false);
      }
    });
    input.addEventListener("blur", () => finish(true));
    link.hidden = true;
    link.insertAdjacentElement("afterend", box);
    input.focus();
    input.select();
  }

  async function duplicate() {
    try {
      const copy = await api.post(`/database/views/${viewId}/duplicate/`);
      window.location.assign(viewUrl(copy.id));
    } catch (error) {
      showError(new Error(`The view could not be duplicated: ${errorText(error)}`));
    }
  }

  function confirmDelete() {
    const name = state.view.name;
    const { dialog, body } = openDialog("Delete view", "view-delete-dialog");
    const others = order().filter((id) => id !== viewId);
    if (others.length === 0) {
      body.append(
        el("p", { textContent: "A table keeps at least one view. Add another view before deleting this one." }),
        el("div", { class: "actions" }, el("button", { type: "button", class: "btn", textContent: "Close", onclick: () => dialog.close() })),
      );
      return;
    }
    const error = el("p", { class: "form-error", role: "alert", id: "view-delete-error" });
    const go = el("button", { type: "button", class: "btn btn-danger", id: "view-delete-confirm", textContent: "Delete view" });
    go.addEventListener("click", async () => {
      go.disabled = true;
      try {
        await api.delete(`/database/views/${viewId}/`);
        // The tab after it, else the one before.
        const at = order().indexOf(viewId);
        const next = order()[at + 1] ?? order()[at - 1];
        window.location.assign(viewUrl(next));
      } catch (e) {
        error.textContent = `The view could not be deleted: ${errorText(e)}`;
        go.disabled = false;
      }
    });
    body.append(
      el("p", {}, "Delete the view ", el("strong", { textContent: `“${name}”` }), "? Its filters, sorts and field settings go with it. You can restore it from the trash."),
      error,
      el("div", { class: "actions" }, el("button", { type: "button", class: "btn", textContent: "Cancel", onclick: () => dialog.close() }), go),
    );
    go.focus();
  }

  // "+ View".

  function createDialog() {
    const { dialog, body } = openDialog("New view", "view-create-dialog");
    let chosen = TYPES[0];
    let named = false;
    const error = el("p", { class: "form-error", role: "alert", id: "view-create-error" });
    const name = el("input", { type: "text", id: "view-create-name", value: chosen.label, maxLength: 255, required: true });
    name.addEventListener("input", () => {
      named = true;
      error.textContent = "";
    });
    const fieldBox = el("div", { class: "view-create-field", id: "view-create-field" });
    const submit = el("button", { type: "submit", class: "btn btn-primary", id: "view-create-submit", textContent: "Create view" });
    const choices = el("div", { class: "view-type-choices", role: "radiogroup", "aria-label": "Type" });
    for (const t of TYPES) {
      const radio = el("input", { type: "radio", name: "view-type", value: t.type, checked: t === chosen });
      radio.addEventListener("change", () => {
        chosen = t;
        if (!named) {
          name.value = t.label;
        }
        showField();
      });
      choices.append(
        el(
          "label",
          { class: "view-type-choice", "data-type": t.type },
          radio,
          icon(t.type),
          el("span", { class: "view-type-text" }, el("strong", { textContent: t.label }), el("span", { class: "muted", textContent: t.hint })),
        ),
      );
    }

    let pick = null;
    function showField() {
      error.textContent = "";
      pick = null;
      submit.disabled = false;
      const spec = chosen.field;
      if (!spec) {
        fieldBox.replaceChildren();
        fieldBox.hidden = true;
        return;
      }
      fieldBox.hidden = false;
      const fields = state.fields.filter((f) => spec.kinds.includes(f.type));
      if (fields.length === 0) {
        fieldBox.replaceChildren(el("p", { class: "field-note", id: "view-create-missing", textContent: spec.missing }));
        submit.disabled = true;
        return;
      }
      pick = el("select", { id: "view-create-field-pick" }, ...fields.map((f) => el("option", { value: String(f.id), textContent: f.name })));
      fieldBox.replaceChildren(el("label", { class: "field-row" }, spec.label, pick));
    }
    showField();

    const form = el(
      "form",
      { class: "view-create-form", novalidate: true },
      el("fieldset", { class: "view-type-set" }, el("legend", { textContent: "Type" }), choices),
      el("label", { class: "field-row" }, "Name", name),
      fieldBox,
      error,
      el("div", { class: "actions" }, el("button", { type: "button", class: "btn", textContent: "Cancel", onclick: () => dialog.close() }), submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { type: chosen.type, name: name.value.trim() };
      if (body.name === "") {
        error.textContent = "Give the view a name.";
        name.focus();
        return;
      }
      if (pick) {
        body[chosen.field.key] = Number(pick.value);
      }
      submit.disabled = true;
      error.textContent = "";
      try {
        const created = await api.post(`/database/views/table/${tableId}/`, body);
        window.location.assign(viewUrl(created.id));
      } catch (e) {
        error.textContent = `The view could not be created: ${errorText(e, { name: "Name" })}`;
        submit.disabled = false;
      }
    });
    body.append(form);
    name.focus();
    name.select();
  }

  addButton.addEventListener("click", createDialog);
  addButton.disabled = false;
  menuButton.disabled = false;

  return {
    /** Views created, renamed, reordered or deleted elsewhere. */
    applyEvent(event) {
      switch (event.type) {
        case "view_created":
          if (event.view && !tabOf(event.view.id)) {
            list.append(newTab(event.view));
          }
          break;
        case "view_updated": {
          const tab = event.view && tabOf(event.view_id);
          if (tab && !tab.querySelector(".view-rename-box")) {
            setName(tab, event.view.name);
          }
          break;
        }
        case "views_reordered":
          if (!dragged) {
            arrange(event.order || []);
          }
          break;
        case "view_deleted":
          if (event.view_id === viewId) {
            showError(new Error("This view was deleted. Choose another view above."));
          } else {
            tabOf(event.view_id)?.remove();
          }
          break;
        default:
          break;
      }
    },
  };
}
