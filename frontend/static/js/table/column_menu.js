// The grid's column menu, opened by a header's ▾ or a right-click on it: edit the field,
// rename it in the header, duplicate it, hide it in the view, sort by it, filter on it,
// delete it. Arrows, Home and End move through the items (Tab too), Escape closes it.

import { errorText, showError } from "./alert.js";
import { showCellNotice } from "./cell_notice.js";
import { el, openDialog } from "./dom.js";
import { fieldIcon } from "./field_icons.js";
import { sortLabels, startValue } from "./filter_inputs.js";

/** What a field's copy must not take over from it: the server's own properties. */
const NOT_COPIED = [
  "id", "table_id", "order", "primary", "read_only", "immutable_type", "immutable_properties",
  "database_id", "workspace_id", "db_index", "field_constraints", "related_fields",
  "link_row_related_field_id", "link_row_related_field", "link_row_table_primary_field",
  "available_collaborators",
];

export class ColumnMenu {
  /**
   * @param {object} options  api, state (the page's), tableId, viewId, panels (fields, filters and
   *   sorts dialogs and what a change means for the page)
   */
  constructor(options) {
    Object.assign(this, options);
    this.menu = el("div", { class: "column-menu", id: "column-menu", role: "menu", hidden: true });
    this.menu.addEventListener("keydown", (event) => this.keydown(event));
    // Tab out of the menu closes it.
    this.menu.addEventListener("focusout", (event) => {
      if (!this.menu.contains(event.relatedTarget)) {
        this.close(false);
      }
    });
    document.body.append(this.menu);
    document.addEventListener("pointerdown", (event) => {
      if (!this.menu.hidden && !this.menu.contains(event.target)) {
        this.close(false);
      }
    });
    window.addEventListener("resize", () => this.close(false));
    this.opener = null;
  }

  /** Opens the menu of `field` under its header's ▾, or at `point` (a right-click). */
  open(field, th, point) {
    this.close(false);
    const primary = field.primary;
    const [ascending, descending] = sortLabels(field);
    const filterable = this.panels.filterTypesOf(field).length > 0;
    this.menu.setAttribute("aria-label", `Options for the field ${field.name}`);
    this.menu.replaceChildren(
      this.item("edit", "Edit field", () => this.panels.fieldDialog(field)),
      this.item("rename", "Rename", () => this.rename(field)),
      this.item("duplicate", "Duplicate", () => this.duplicate(field)),
      this.item("hide", "Hide field", () => this.hide(field), primary && "The primary field is always shown."),
      el("hr", { role: "separator" }),
      this.item("sort-asc", `Sort ${ascending}`, () => this.sort(field, "ASC")),
      this.item("sort-desc", `Sort ${descending}`, () => this.sort(field, "DESC")),
      this.item("filter", "Filter by this field", () => this.filter(field), !filterable && "This type of field cannot be filtered."),
      el("hr", { role: "separator" }),
      this.item("delete", "Delete field", () => this.confirmDelete(field), primary && "The primary field cannot be deleted.", "danger"),
    );
    this.menu.dataset.fieldId = String(field.id);
    this.menu.hidden = false;
    this.opener = th.querySelector(".field-menu-button");
    this.opener?.setAttribute("aria-expanded", "true");
    const anchor = point ?? (() => {
      const rect = (this.opener ?? th).getBoundingClientRect();
      return { x: rect.right - this.menu.offsetWidth, y: rect.bottom + 4 };
    })();
    this.menu.style.left = `${Math.max(8, Math.min(anchor.x, window.innerWidth - this.menu.offsetWidth - 8))}px`;
    this.menu.style.top = `${Math.max(8, Math.min(anchor.y, window.innerHeight - this.menu.offsetHeight - 8))}px`;
    this.items()[0].focus();
  }

  /**
   * A menu item; one that cannot be used stays reachable (aria-disabled) and says why
   * under its text.
   */
  item(action, text, run, refusal = null, kind = "") {
    const button = el(
      "button",
      { type: "button", role: "menuitem", class: `column-menu-item ${kind}`.trim(), "data-action": action },
      el("span", { textContent: text }),
    );
    if (refusal) {
      const reason = el("small", { class: "column-menu-reason", id: `column-menu-${action}-reason`, textContent: refusal });
      button.setAttribute("aria-disabled", "true");
      button.setAttribute("aria-describedby", reason.id);
      button.append(reason);
      return button;
    }
    button.addEventListener("click", () => {
      this.close(false);
      run();
    });
    return button;
  }

  items() {
    return [...this.menu.querySelectorAll("[role=menuitem]")];
  }

  keydown(event) {
    const items = this.items();
    const at = items.indexOf(document.activeElement);
    const go = (index) => {
      event.preventDefault();
      items[(index + items.length) % items.length].focus();
    };
    switch (event.key) {
      case "Escape":
        event.preventDefault();
        this.close(true);
        break;
      case "ArrowDown":
        go(at + 1);
        break;
      case "ArrowUp":
        go(at - 1);
        break;
      case "Home":
        go(0);
        break;
      case "End":
        go(items.length - 1);
        break;
      default:
        break;
    }
  }

  /** Closes the menu; `refocus` gives the focus back to the ▾ it was opened from. */
  close(refocus) {
    if (this.menu.hidden) {
      return;
    }
    this.menu.hidden = true;
    this.opener?.setAttribute("aria-expanded", "false");
    if (refocus) {
      this.opener?.focus();
    }
  }

  /** The header of a field as the grid shows it now. */
  header(field) {
    return document.querySelector(`#grid thead th[data-field-id="${field.id}"]`);
  }

  // What the items do.

  /** Rename in the header: Enter saves; Escape or leaving the field keeps the old name. */
  rename(field) {
    const th = this.header(field);
    const head = th?.querySelector(".column-head");
    if (!head) {
      return;
    }
    const input = el("input", {
      type: "text",
      class: "column-rename",
      id: "column-rename",
      value: field.name,
      maxLength: 255,
      "aria-label": `New name of the field ${field.name}`,
    });
    const box = el("div", { class: "column-head column-rename-box" }, fieldIcon(field.type), input);
    let saving = false;
    let stopped = false;
    const stop = () => {
      if (stopped) {
        return; // removing the field blurs it, which stops again
      }
      stopped = true;
      box.remove();
      head.hidden = false;
      document.getElementById("cell-notice")?.remove();
    };
    const save = async () => {
      const name = input.value.trim();
      if (name === field.name) {
        stop();
        return;
      }
      if (name === "") {
        showCellNotice(box, "A field needs a name.", { sticky: true });
        return;
      }
      saving = true;
      try {
        const { related_fields: related = [], ...saved } = await this.api.patch(`/database/fields/${field.id}/`, { name });
        stop();
        this.panels.fieldSaved(saved, related);
      } catch (error) {
        showCellNotice(box, `The field could not be renamed: ${errorText(error, { name: "" })}`, { sticky: true });
        input.focus();
      } finally {
        saving = false;
      }
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        save();
      } else if (event.key === "Escape") {
        event.preventDefault();
        stop();
        head.querySelector(".field-menu-button")?.focus();
      }
    });
    // Leaving the field is cancelling, as Escape is (a save under way finishes).
    input.addEventListener("blur", () => {
      if (!saving) {
        stop();
      }
    });
    head.hidden = true;
    head.after(box);
    input.focus();
    input.select();
  }

  /**
   * There is no duplicate endpoint for fields: the copy is a new field of the same type
   * and settings, named "… (copy)" (its cells start empty).
   */
  async duplicate(field) {
    const body = Object.fromEntries(Object.entries(field).filter(([key]) => !NOT_COPIED.includes(key)));
    body.name = this.copyName(field.name);
    if (body.select_options) {
      body.select_options = body.select_options.map(({ value, color }) => ({ value, color }));
    }
    try {
      const { related_fields: related = [], ...saved } = await this.api.post(`/database/fields/table/${this.tableId}/`, body);
      this.panels.fieldSaved(saved, related);
    } catch (error) {
      showError(new Error(`The field could not be duplicated: ${errorText(error)}`));
    }
  }

  /** "Name (copy)", or "Name (copy 2)", … when that is taken. */
  copyName(name) {
    const taken = new Set(this.state.fields.map((f) => f.name));
    let copy = `${name} (copy)`;
    for (let n = 2; taken.has(copy); n += 1) {
      copy = `${name} (copy ${n})`;
    }
    return copy;
  }

  async hide(field) {
    try {
      const result = await this.api.patch(`/database/views/${this.viewId}/field-options/`, {
        field_options: { [field.id]: { hidden: true } },
      });
      this.state.fieldOptions = result.field_options;
      this.panels.fieldsChanged();
    } catch (error) {
      showError(error);
    }
  }

  /** Sorts the view by the field: its sort changes direction, else it is added. */
  async sort(field, order) {
    const existing = (this.state.view.sortings || []).find((s) => s.field === field.id);
    await this.panels.busy("", () =>
      existing
        ? this.api.patch(`/database/views/sort/${existing.id}/`, { order })
        : this.api.post(`/database/views/${this.viewId}/sortings/`, { field: field.id, order }),
    () => {});
  }

  /** Adds a condition on the field and opens the filters to fill it in. */
  async filter(field) {
    const type = this.panels.firstType(field);
    await this.panels.busy("", () =>
      this.api.post(`/database/views/${this.viewId}/filters/`, { field: field.id, type, value: startValue(field, type) }),
    () => this.panels.filters());
  }

  confirmDelete(field) {
    const { dialog, body } = openDialog(`Delete the field “${field.name}”?`, "delete-field-dialog");
    const error = el("p", { class: "form-error", role: "alert", hidden: true });
    const cancel = el("button", { type: "button", class: "btn", textContent: "Cancel", onclick: () => dialog.close() });
    const confirm = el("button", {
      type: "button",
      class: "btn btn-danger",
      id: "confirm-delete-field",
      textContent: "Delete field",
      onclick: async () => {
        try {
          await this.api.delete(`/database/fields/${field.id}/`);
          this.panels.fieldDeleted(field);
          dialog.close();
        } catch (e) {
          error.textContent = errorText(e);
          error.hidden = false;
        }
      },
    });
    body.append(
      el("p", { textContent: "Its values in every row go with it. It goes to the trash, where it can be restored." }),
      error,
      el("div", { class: "actions" }, cancel, confirm),
    );
    cancel.focus();
  }
}
