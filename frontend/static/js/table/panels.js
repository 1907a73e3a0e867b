// The table page's dialogs: a field's settings (field_dialog.js), the view's filters
// (with AND/OR groups; conditions in words with inputs fitting their field, filter_inputs.js),
// sorts (directions named for the field), hidden fields, export, and import (import_dialog.js).
// Every change goes through the REST API; the grid then reloads what it shows.

import { fromText } from "./cells.js";
import { el, openDialog } from "./dom.js";
import { openFieldDialog } from "./field_dialog.js";
import { openImportDialog } from "./import_dialog.js";
import { conditionLabel, offeredTypes, sortLabels, startValue, valueInput } from "./filter_inputs.js";

/**
 * The condition a new filter starts with where the field offers it: an option, a linked row
 * or a person is picked from a list, and a date is compared by day; the registry's first
 * type (often "contains") would ask for text that matches nothing in those fields.
 */
const FIRST_CHOICES = [
  "single_select_equal",
  "multiple_select_has",
  "link_row_has",
  "multiple_collaborators_has",
  "boolean",
  "date_is",
];

/** How a condition type reads its value: a kept value must be read the same way. */
function valueKind(type) {
  if (/^(date_is|has_(not_)?date_)/.test(type)) {
    return "period";
  }
  if (/_is_(any|none)_of$/.test(type)) {
    return "options";
  }
  if (/select|collaborators/.test(type)) {
    return "option";
  }
  return /empty|today|boolean/.test(type) ? type : "text";
}

/** A `<select>` of [value, text] pairs with `value` chosen. */
function select(options, value, onchange, label) {
  const node = el("select", { onchange, "aria-label": label });
  for (const [v, text] of options) {
    node.append(el("option", { value: String(v), selected: String(v) === String(value), textContent: text }));
  }
  return node;
}

export class Panels {
  constructor(options) {
    Object.assign(this, options);
    this.boot = JSON.parse(document.getElementById("bootstrap").textContent);
    this.fromText = fromText;
    document.getElementById("open-filters").addEventListener("click", () => this.filters());
    document.getElementById("open-sorts").addEventListener("click", () => this.sorts());
    document.getElementById("open-hidden").addEventListener("click", () => this.hidden());
    document.getElementById("open-export").addEventListener("click", () => this.exportDialog());
    document.getElementById("open-import").addEventListener("click", () => this.importDialog());
    this.showCounts();
  }

  /**
   * Runs a change of the view, then reloads it and redraws the dialog. The dialog is
   * marked `data-busy` meanwhile: what it shows is about to be replaced.
   */
  async busy(dialogId, action, redraw) {
    const dialog = document.getElementById(dialogId);
    if (dialog) {
      dialog.dataset.busy = "true";
    }
    try {
      await action();
      await this.reloadView();
      redraw();
    } catch (e) {
      this.showError(e);
    } finally {
      if (dialog) {
        delete dialog.dataset.busy;
      }
    }
  }

  showCounts() {
    const view = this.state.view;
    const filters = (view.filters || []).length;
    const sorts = (view.sortings || []).length;
    const hidden = this.state.fields.filter((f) => !f.primary && this.state.fieldOptions[f.id]?.hidden).length;
    document.getElementById("open-filters").textContent = filters ? `Filters (${filters})` : "Filter";
    document.getElementById("open-sorts").textContent = sorts ? `Sorted by ${sorts}` : "Sort";
    document.getElementById("open-hidden").textContent = hidden ? `${hidden} hidden` : "Hide fields";
  }

  /** The fields or their options changed: counts and the grid are redrawn. */
  fieldsChanged() {
    this.showCounts();
    this.onFields();
  }

  async reloadView() {
    this.state.view = await this.api.get(`/database/views/${this.viewId}/`, {
      query: { include: "filters,sortings,decorations" },
    });
    this.showCounts();
    this.rowsChanged();
  }

  // Fields.

  fieldDialog(field) {
    openFieldDialog(field, {
      api: this.api,
      tableId: this.tableId,
      databaseId: this.boot.database_id,
      fields: this.state.fields,
      fieldTypes: this.boot.field_types,
      onSaved: (saved, related) => this.fieldSaved(saved, related),
      onDeleted: (gone) => this.fieldDeleted(gone),
    });
  }

  /** A field was created or changed (with `related`, the fields that changed with it). */
  fieldSaved(saved, related) {
    // Fields of this table changed with it (formulas naming it) are replaced too.
    const changed = [saved, ...related.filter((f) => f.table_id === this.tableId)];
    this.state.fields = this.state.fields.map((f) => changed.find((c) => c.id === f.id) ?? f);
    for (const f of changed) {
      if (!this.state.fields.some((s) => s.id === f.id)) {
        this.state.fields.push(f);
      }
    }
    this.fieldsChanged();
    this.rowsChanged();
  }

  fieldDeleted(gone) {
    this.state.fields = this.state.fields.filter((f) => f.id !== gone.id);
    this.fieldsChanged();
  }

  // Filters.

  async filters() {
    const { body } = openDialog("Filters", "filters-dialog");
    const draw = () => {
      body.replaceChildren(this.filterGroup(null, draw));
    };
    draw();
  }

  /** The filter types a field takes: a computed field's come with its formula type. */
  filterTypesOf(field) {
    const formula = field?.formula_type === "array" ? `array:${field.array_formula_type}` : field?.formula_type;
    return (formula && this.boot.formula_filter_types?.[formula]) || this.boot.filter_types[field?.type] || [];
  }

  /** The condition a new filter on `field` starts with. */
  firstType(field) {
    const types = offeredTypes(this.filterTypesOf(field));
    return FIRST_CHOICES.find((t) => types.includes(t)) || types[0] || "equal";
  }

  filterGroup(group, redraw) {
    const view = this.state.view;
    const filters = (view.filters || []).filter((f) => (f.group ?? null) === (group?.id ?? null));
    const groups = (view.filter_groups || []).filter((g) => (g.parent_group ?? null) === (group?.id ?? null));
    const mode = group ? group.filter_type : view.filter_type;
    const change = (action) => this.busy("filters-dialog", action, redraw);
    const fields = this.state.fields;
    const box = el("div", { class: group ? "filter-group nested" : "filter-group" });
    box.append(
      el(
        "div",
        { class: "filter-mode" },
        "Rows match ",
        select(
          [
            ["AND", "all"],
            ["OR", "any"],
          ],
          mode,
          (e) =>
            change(() =>
              group
                ? this.api.patch(`/database/views/filter-group/${group.id}/`, { filter_type: e.target.value })
                : this.api.patch(`/database/views/${this.viewId}/`, { filter_type: e.target.value }),
            ),
          "Combine filters",
        ),
        " of these conditions",
      ),
    );
    for (const filter of filters) {
      const field = fields.find((f) => f.id === filter.field);
      const types = offeredTypes(this.filterTypesOf(field), filter.type);
      const patch = (body) => change(() => this.api.patch(`/database/views/filter/${filter.id}/`, body));
      // A condition without a value keeps its place in the row.
      const value = valueInput(field, filter, (next) => patch({ value: next })) ?? el("span", { class: "filter-no-value" });
      box.append(
        el(
          "div",
          { class: "filter", "data-filter-id": filter.id },
          select(
            fields.map((f) => [f.id, f.name]),
            filter.field,
            (e) => {
              const next = fields.find((f) => f.id === Number(e.target.value));
              const nextTypes = this.filterTypesOf(next);
              const kind = nextTypes.includes(filter.type) ? filter.type : offeredTypes(nextTypes)[0];
              patch({ field: next.id, type: kind, value: startValue(next, kind) });
            },
            "Field",
          ),
          select(
            types.map((t) => [t, conditionLabel(t)]),
            filter.type,
            (e) => {
              const kind = e.target.value;
              // A value of another kind (an option id, a period) would not fit.
              const keep = valueKind(filter.type) === valueKind(kind);
              patch({ type: kind, value: keep ? filter.value : startValue(field, kind) });
            },
            "Condition",
          ),
          value,
          el("button", {
            type: "button",
            class: "btn btn-quiet btn-small icon",
            textContent: "×",
            "aria-label": "Remove filter",
            onclick: () => change(() => this.api.delete(`/database/views/filter/${filter.id}/`)),
          }),
        ),
      );
    }
    for (const child of groups) {
      box.append(this.filterGroup(child, redraw));
    }
    const first = fields[0];
    const actions = el(
      "div",
      { class: "actions" },
      el("button", {
        type: "button",
        class: "btn btn-small add-filter",
        textContent: "+ Add condition",
        onclick: () =>
          change(() =>
            this.api.post(`/database/views/${this.viewId}/filters/`, {
              field: first.id,
              type: this.firstType(first),
              value: startValue(first, this.firstType(first)),
              ...(group ? { group: group.id } : {}),
            }),
          ),
      }),
    );
    if (!group) {
      actions.append(
        el("button", {
          type: "button",
          class: "btn btn-small add-filter-group",
          textContent: "+ Add condition group",
          onclick: () =>
            change(async () => {
              const created = await this.api.post(`/database/views/${this.viewId}/filter-groups/`, { filter_type: "OR" });
              await this.api.post(`/database/views/${this.viewId}/filters/`, {
                field: first.id,
                type: this.firstType(first),
                value: startValue(first, this.firstType(first)),
                group: created.id,
              });
            }),
        }),
      );
    } else {
      actions.append(
        el("button", {
          type: "button",
          class: "btn btn-small",
          textContent: "Remove group",
          onclick: () => change(() => this.api.delete(`/database/views/filter-group/${group.id}/`)),
        }),
      );
    }
    box.append(actions);
    return box;
  }

  // Sorts.

  sorts() {
    const { body } = openDialog("Sort", "sorts-dialog");
    const change = (action) => this.busy("sorts-dialog", action, () => draw());
    const draw = () => {
      const sorts = this.state.view.sortings || [];
      const fields = this.state.fields;
      const list = el("div", { class: "stack" });
      for (const sort of sorts) {
        const field = fields.find((f) => f.id === sort.field);
        const [ascending, descending] = sortLabels(field);
        list.append(
          el(
            "div",
            { class: "sort", "data-sort-id": sort.id },
            el("span", { textContent: field?.name ?? "?" }),
            select(
              [
                ["ASC", ascending],
                ["DESC", descending],
              ],
              sort.order,
              (e) => change(() => this.api.patch(`/database/views/sort/${sort.id}/`, { order: e.target.value })),
              "Order",
            ),
            el("button", {
              type: "button",
              class: "btn btn-quiet btn-small icon",
              textContent: "×",
              "aria-label": "Remove sort",
              onclick: () => change(() => this.api.delete(`/database/views/sort/${sort.id}/`)),
            }),
          ),
        );
      }
      const unused = fields.filter((f) => !sorts.some((s) => s.field === f.id));
      if (unused.length) {
        const pick = select(
          [["", "Sort by…"], ...unused.map((f) => [f.id, f.name])],
          "",
          () => {
            if (pick.value) {
              change(() => this.api.post(`/database/views/${this.viewId}/sortings/`, { field: Number(pick.value), order: "ASC" }));
            }
          },
          "Add a sort",
        );
        pick.id = "add-sort";
        list.append(pick);
      }
      body.replaceChildren(list);
    };
    draw();
  }

  // Hidden fields.

  hidden() {
    const { body } = openDialog("Fields shown", "hidden-dialog");
    const list = el("div", { class: "stack" });
    for (const field of this.state.fields.filter((f) => !f.primary)) {
      const box = el("input", { type: "checkbox", checked: !this.state.fieldOptions[field.id]?.hidden });
      box.addEventListener("change", async () => {
        try {
          const result = await this.api.patch(`/database/views/${this.viewId}/field-options/`, {
            field_options: { [field.id]: { hidden: !box.checked } },
          });
          this.state.fieldOptions = result.field_options;
          this.fieldsChanged();
        } catch (e) {
          this.showError(e);
        }
      });
      list.append(el("label", { class: "check-row" }, box, field.name));
    }
    body.append(list);
  }

  // Export: the view's rows as a file, with the job's progress.

  exportDialog() {
    const { dialog, body } = openDialog("Export view", "export-dialog");
    const format = select(
      [
        ["csv", "CSV"],
        ["excel", "Excel"],
        ["json", "JSON"],
        ["xml", "XML"],
      ],
      "csv",
      () => {},
      "Format",
    );
    format.id = "export-format";
    const bar = el("progress", { id: "export-progress", max: 100, value: 0, hidden: true });
    const status = el("p", { id: "export-status", role: "status" });
    const start = el("button", { type: "button", class: "btn btn-primary", id: "export-start", textContent: "Export" });
    start.addEventListener("click", async () => {
      start.disabled = true;
      bar.hidden = false;
      status.textContent = "Exporting…";
      try {
        let job = await this.api.post(`/database/export/table/${this.tableId}/`, {
          exporter_type: format.value,
          view_id: this.viewId,
        });
        job = await this.follow(job, bar, dialog, (j) => `/database/export/${j.id}/`);
        if (job.state === "finished" && job.url) {
          // The file downloads at once; the link stays for a second copy.
          const link = el("a", { href: job.url, download: "", textContent: "Download the file again", id: "export-download" });
          status.replaceChildren("Exported: the file is downloading. ", link);
          link.click();
        } else {
          status.textContent = job.human_readable_error || `The export ${job.state}.`;
        }
      } catch (e) {
        status.textContent = e.message;
      } finally {
        start.disabled = false;
      }
    });
    body.append(el("div", { class: "stack" }, el("label", { class: "field-row" }, "Format", format), bar, status, el("div", { class: "actions" }, start)));
  }

  /** Follows a job until it ends, showing its progress; returns the last state. */
  async follow(job, bar, dialog, path) {
    while (dialog.open && !["finished", "failed", "cancelled", "expired"].includes(job.state)) {
      bar.value = job.progress_percentage || 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = await this.api.get(path(job));
    }
    bar.value = job.state === "finished" ? 100 : bar.value;
    return job;
  }

  // Import: the dialog reads, previews and maps the rows itself (import_dialog.js).

  importDialog() {
    openImportDialog({
      api: this.api,
      tableId: this.tableId,
      fields: () => this.state.fields,
      follow: (...args) => this.follow(...args),
      onFieldsCreated: (created) => {
        this.state.fields.push(...created);
        this.fieldsChanged();
      },
      onImported: () => this.rowsChanged(),
    });
  }
}
