// The view's decorations (Baserow's row colouring): a row's left border or background
// colour in the grid and on gallery and kanban cards, and the toolbar's "Colour" dialog
// that adds, edits and removes them. The server works the colours out
// (`GET /api/database/views/{id}/decorations/colors/?row_ids=…`, with the same filter SQL
// as the view's filters), so a condition here means exactly what the same filter means;
// the page asks for the rows it draws, once each, and again for rows that changed.

import { el, openDialog } from "./dom.js";
import { conditionLabel, offeredTypes, startValue, valueInput } from "./filter_inputs.js";

/** The palette's colours (select options' names) as CSS colours: tints, mid and dark tones. */
const PALETTE = {
  "light-blue": "#dbe8ff",
  "light-cyan": "#d4f3f7",
  "light-green": "#dcf3e2",
  "light-yellow": "#fff4cc",
  "light-orange": "#ffe6d1",
  "light-red": "#fde0e0",
  "light-brown": "#f1e4d8",
  "light-purple": "#eee0ff",
  "light-pink": "#fde0f0",
  "light-gray": "#e6e9ed",
  blue: "#3b82f6",
  cyan: "#22b8cf",
  green: "#40c057",
  yellow: "#fab005",
  orange: "#fd7e14",
  red: "#f03e3e",
  brown: "#a9744f",
  purple: "#9775fa",
  pink: "#e64980",
  gray: "#868e96",
  "dark-blue": "#1c4ed8",
  "dark-cyan": "#0c8599",
  "dark-green": "#2b8a3e",
  "dark-yellow": "#e67700",
  "dark-orange": "#d9480f",
  "dark-red": "#c92a2a",
  "dark-brown": "#7a4b2a",
  "dark-purple": "#6741d9",
  "dark-pink": "#a61e4d",
  "dark-gray": "#495057",
};

/** A decoration's colour as CSS: a palette name, or a hex colour as Baserow also stores. */
export function cssColour(colour) {
  if (typeof colour !== "string") {
    return null;
  }
  // Baserow's palette also has "darker-" tones: the dark ones stand in.
  const name = colour.replace(/^darker-/, "dark-");
  if (Object.hasOwn(PALETTE, name)) {
    return PALETTE[name];
  }
  return /^#[0-9a-f]{3,8}$/i.test(colour) ? colour : null;
}

const TYPES = [
  ["left_border_color", "Left border"],
  ["background_color", "Background"],
];
const PROVIDERS = [
  ["single_select_color", "Single select option colour"],
  ["conditional_color", "Colour by conditions"],
];
/** Rows asked about per request (the server takes 500). */
const BATCH = 200;

/** A `<select>` of [value, text] pairs with `value` chosen. */
function select(options, value, onchange, label) {
  const node = el("select", { onchange, "aria-label": label });
  for (const [v, text] of options) {
    node.append(el("option", { value: String(v), selected: String(v) === String(value ?? ""), textContent: text }));
  }
  return node;
}

/** A fresh id for a colour or condition (ids are text the client picks, as in Baserow). */
function newId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export class Decorations {
  /**
   * @param {object} options
   * @param {import("./api.js").Api} options.api
   * @param {object} options.boot  the page's bootstrap (filter types)
   * @param {object} options.state  the page's state: `view` (with `decorations`), `fields`
   * @param {number} options.viewId
   * @param {function(): void} options.onChange  colours arrived or changed: repaint
   * @param {function(Error): void} options.showError
   */
  constructor(options) {
    Object.assign(this, options);
    /** row id → {left_border_color?, background_color?} (CSS colours); `{}`: none. */
    this.colours = new Map();
    this.wanted = new Set();
    this.timer = 0;
    // Each reset starts a new generation: answers to older requests are dropped.
    this.generation = 0;
    this.button = document.getElementById("open-decorations");
    this.button?.addEventListener("click", () => this.openDialog());
    this.showCount();
  }

  get list() {
    return this.state.view.decorations || [];
  }

  showCount() {
    if (this.button) {
      const n = this.list.length;
      this.button.textContent = n ? `Coloured (${n})` : "Colour";
    }
  }

  /** Paints a row's element (a grid line or a card) with what is known; asks for the rest. */
  paint(node, rowId) {
    const known = this.colours.get(rowId);
    if (known === undefined && this.list.length) {
      this.want(rowId);
    }
    const left = known?.left_border_color ?? null;
    const background = known?.background_color ?? null;
    node.classList.toggle("deco-left", Boolean(left));
    node.classList.toggle("deco-background", Boolean(background));
    if (left) {
      node.style.setProperty("--deco-left", left);
    } else {
      node.style.removeProperty("--deco-left");
    }
    if (background) {
      node.style.setProperty("--deco-background", background);
    } else {
      node.style.removeProperty("--deco-background");
    }
  }

  /** Paints every row element under `root`. */
  paintAll(root) {
    for (const node of root.querySelectorAll("[data-row-id]")) {
      this.paint(node, Number(node.dataset.rowId));
    }
  }

  want(rowId) {
    this.wanted.add(rowId);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fetchWanted(), 30);
  }

  async fetchWanted() {
    const ids = [...this.wanted];
    this.wanted.clear();
    const generation = this.generation;
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      let answer;
      try {
        answer = await this.api.get(`/database/views/${this.viewId}/decorations/colors/`, {
          query: { row_ids: batch.join(",") },
        });
      } catch (error) {
        this.showError(error);
        return;
      }
      if (generation !== this.generation) {
        return;
      }
      for (const id of batch) {
        this.colours.set(id, this.rowColours(answer, id));
      }
    }
    this.onChange();
  }

  /** The first colour of each decorator type the decorations (in order) give a row. */
  rowColours(answer, rowId) {
    const out = {};
    for (const decoration of this.list) {
      const colour = cssColour(answer[String(decoration.id)]?.[String(rowId)]);
      if (colour && !out[decoration.type]) {
        out[decoration.type] = colour;
      }
    }
    return out;
  }

  /** Rows changed: their colours are asked for again (the old ones show meanwhile). */
  forget(rowIds) {
    if (!this.list.length) {
      return;
    }
    for (const id of rowIds) {
      if (this.colours.has(id)) {
        this.want(id);
      }
    }
  }

  /** Decorations or fields changed: every colour is asked for again. */
  reset() {
    this.generation += 1;
    this.colours.clear();
    this.wanted.clear();
    this.showCount();
    this.onChange();
  }

  /** A table event: decorations of this view, rows, and fields (option colours, types). */
  applyEvent(event) {
    switch (event.type) {
      case "view_decoration_created":
        if (event.view_decoration?.view === this.viewId) {
          this.keep([...this.list.filter((d) => d.id !== event.view_decoration.id), event.view_decoration]);
        }
        break;
      case "view_decoration_updated":
        if (event.view_decoration?.view === this.viewId) {
          this.keep(this.list.map((d) => (d.id === event.view_decoration_id ? event.view_decoration : d)));
        }
        break;
      case "view_decoration_deleted":
        if (event.view_id === this.viewId) {
          this.keep(this.list.filter((d) => d.id !== event.view_decoration_id));
        }
        break;
      case "rows_updated":
      case "rows_created":
        this.forget((event.rows || []).map((r) => r.id));
        break;
      case "field_updated":
      case "field_deleted":
      case "field_restored":
      case "table_updated":
        if (this.list.length) {
          this.reset();
        }
        break;
      default:
        break;
    }
  }

  /** Keeps a new list of decorations (in their order) and repaints. */
  keep(list) {
    this.state.view = {
      ...this.state.view,
      decorations: [...list].sort((a, b) => a.order - b.order || a.id - b.id),
    };
    this.reset();
    this.redraw?.();
  }

  // The "Colour" dialog.

  /** The filter types a field takes: a computed field's come with its formula type. */
  filterTypesOf(field) {
    const formula = field?.formula_type === "array" ? `array:${field.array_formula_type}` : field?.formula_type;
    return (formula && this.boot.formula_filter_types?.[formula]) || this.boot.filter_types?.[field?.type] || [];
  }

  /** A new condition on the first field. */
  newFilter() {
    const field = this.state.fields.find((f) => f.primary) ?? this.state.fields[0];
    const type = offeredTypes(this.filterTypesOf(field))[0] ?? "equal";
    return { id: newId(), field: field?.id ?? null, type, value: startValue(field, type), group: null };
  }

  /** The configuration a provider starts with. */
  startConf(provider) {
    if (provider === "single_select_color") {
      return { field_id: this.state.fields.find((f) => f.type === "single_select")?.id ?? null };
    }
    return { colors: [{ id: newId(), color: "light-red", filters: [this.newFilter()], operator: "AND" }] };
  }

  openDialog() {
    const { dialog, body } = openDialog("Colour rows", "decorations-dialog");
    this.redraw = () => {
      if (dialog.open) {
        this.draw(body, dialog);
      }
    };
    dialog.addEventListener("close", () => {
      this.redraw = null;
    });
    this.draw(body, dialog);
  }

  /** Saves a change, keeps the answer and redraws; the dialog is busy meanwhile. */
  async change(dialog, action) {
    dialog.dataset.busy = "true";
    try {
      await action();
    } catch (error) {
      this.showError(error);
    } finally {
      delete dialog.dataset.busy;
      this.redraw?.();
    }
  }

  patch(dialog, decoration, body) {
    return this.change(dialog, async () => {
      const saved = await this.api.patch(`/database/views/decoration/${decoration.id}/`, body);
      this.keep(this.list.map((d) => (d.id === saved.id ? saved : d)));
    });
  }

  draw(body, dialog) {
    const list = el("div", { class: "decorations" });
    if (!this.list.length) {
      list.append(
        el("p", {
          class: "field-note",
          textContent: "Colour rows by a single select's option colours, or by conditions: the first colour whose conditions a row meets.",
        }),
      );
    }
    for (const decoration of this.list) {
      list.append(this.decorationBox(decoration, dialog));
    }
    const add = el("button", {
      type: "button",
      class: "btn btn-small",
      id: "add-decoration",
      textContent: "+ Add row colouring",
      onclick: () =>
        this.change(dialog, async () => {
          const provider = this.state.fields.some((f) => f.type === "single_select") ? "single_select_color" : "conditional_color";
          const created = await this.api.post(`/database/views/${this.viewId}/decorations/`, {
            type: "left_border_color",
            value_provider_type: provider,
            value_provider_conf: this.startConf(provider),
          });
          this.keep([...this.list.filter((d) => d.id !== created.id), created]);
        }),
    });
    body.replaceChildren(list, el("div", { class: "actions" }, add));
  }

  decorationBox(decoration, dialog) {
    const box = el("section", { class: "decoration", "data-decoration-id": decoration.id });
    const head = el(
      "div",
      { class: "decoration-head" },
      select(TYPES, decoration.type, (e) => this.patch(dialog, decoration, { type: e.target.value }), "Where the colour goes"),
      select(
        [["", "Choose how…"], ...PROVIDERS],
        decoration.value_provider_type,
        (e) => {
          const provider = e.target.value;
          this.patch(dialog, decoration, {
            value_provider_type: provider,
            value_provider_conf: provider ? this.startConf(provider) : {},
          });
        },
        "Colour by",
      ),
      el("button", {
        type: "button",
        class: "btn btn-quiet btn-small icon",
        textContent: "×",
        "aria-label": "Remove this colouring",
        onclick: () =>
          this.change(dialog, async () => {
            await this.api.delete(`/database/views/decoration/${decoration.id}/`);
            this.keep(this.list.filter((d) => d.id !== decoration.id));
          }),
      }),
    );
    box.append(head);
    if (decoration.value_provider_type === "single_select_color") {
      box.append(this.selectConf(decoration, dialog));
    } else if (decoration.value_provider_type === "conditional_color") {
      box.append(this.conditionalConf(decoration, dialog));
    }
    return box;
  }

  selectConf(decoration, dialog) {
    const selects = this.state.fields.filter((f) => f.type === "single_select");
    if (!selects.length) {
      return el("p", { class: "field-note", textContent: "This table has no single select field yet." });
    }
    return el(
      "label",
      { class: "field-row" },
      "Field",
      select(
        [["", "Choose a field"], ...selects.map((f) => [f.id, f.name])],
        decoration.value_provider_conf?.field_id ?? "",
        (e) =>
          this.patch(dialog, decoration, {
            value_provider_conf: { field_id: e.target.value ? Number(e.target.value) : null },
          }),
        "Single select field",
      ),
    );
  }

  conditionalConf(decoration, dialog) {
    const fields = this.state.fields;
    const known = new Set(fields.map((f) => f.id));
    // Conditions on fields no longer in the table are dropped when the colours are saved.
    const colours = (decoration.value_provider_conf?.colors || []).map((c) => ({
      ...c,
      filters: (c.filters || []).filter((f) => f.field === null || known.has(f.field)),
    }));
    const save = (next) => this.patch(dialog, decoration, { value_provider_conf: { colors: next } });
    const replace = (index, colour) => save(colours.map((c, i) => (i === index ? colour : c)));
    const wrap = el("div", { class: "decoration-colours" });
    colours.forEach((colour, index) => {
      const entry = el("div", { class: "decoration-colour", "data-colour-id": colour.id });
      const swatches = el("div", { class: "swatches", role: "radiogroup", "aria-label": "Colour" });
      for (const name of Object.keys(PALETTE)) {
        swatches.append(
          el("button", {
            type: "button",
            class: name === colour.color ? "swatch chosen" : "swatch",
            title: name.replace("-", " "),
            role: "radio",
            "aria-checked": String(name === colour.color),
            "aria-label": name.replace("-", " "),
            "data-colour": name,
            style: `--swatch: ${PALETTE[name]}`,
            onclick: () => replace(index, { ...colour, color: name }),
          }),
        );
      }
      entry.append(
        el(
          "div",
          { class: "decoration-colour-head" },
          el("span", { class: "swatch-current", style: `--swatch: ${cssColour(colour.color) ?? "transparent"}`, "aria-hidden": "true" }),
          el("span", {}, index === 0 ? "Rows matching " : "Else rows matching "),
          select(
            [
              ["AND", "all"],
              ["OR", "any"],
            ],
            colour.operator ?? "AND",
            (e) => replace(index, { ...colour, operator: e.target.value }),
            "Combine conditions",
          ),
          el("span", {}, " of these conditions"),
          el("button", {
            type: "button",
            class: "btn btn-quiet btn-small icon",
            textContent: "×",
            "aria-label": "Remove this colour",
            onclick: () => save(colours.filter((_, i) => i !== index)),
          }),
        ),
        swatches,
      );
      (colour.filters || []).forEach((filter, at) => {
        const field = fields.find((f) => f.id === filter.field);
        const types = offeredTypes(this.filterTypesOf(field), filter.type);
        const setFilter = (next) => replace(index, { ...colour, filters: colour.filters.map((f, i) => (i === at ? { ...f, ...next } : f)) });
        const value = valueInput(field, filter, (next) => setFilter({ value: next })) ?? el("span", { class: "filter-no-value" });
        entry.append(
          el(
            "div",
            { class: "filter" },
            select(
              fields.map((f) => [f.id, f.name]),
              filter.field,
              (e) => {
                const next = fields.find((f) => f.id === Number(e.target.value));
                const nextTypes = this.filterTypesOf(next);
                const type = nextTypes.includes(filter.type) ? filter.type : offeredTypes(nextTypes)[0];
                setFilter({ field: next.id, type, value: startValue(next, type) });
              },
              "Field",
            ),
            select(
              types.map((t) => [t, conditionLabel(t)]),
              filter.type,
              (e) => setFilter({ type: e.target.value, value: startValue(field, e.target.value) }),
              "Condition",
            ),
            value,
            el("button", {
              type: "button",
              class: "btn btn-quiet btn-small icon",
              textContent: "×",
              "aria-label": "Remove condition",
              onclick: () => replace(index, { ...colour, filters: colour.filters.filter((_, i) => i !== at) }),
            }),
          ),
        );
      });
      if (!(colour.filters || []).length) {
        entry.append(el("p", { class: "field-note", textContent: "No conditions: every row (not coloured above) takes this colour." }));
      }
      entry.append(
        el("button", {
          type: "button",
          class: "btn btn-small add-condition",
          textContent: "+ Add condition",
          onclick: () => replace(index, { ...colour, filters: [...(colour.filters || []), this.newFilter()] }),
        }),
      );
      wrap.append(entry);
    });
    wrap.append(
      el("button", {
        type: "button",
        class: "btn btn-small add-colour",
        textContent: "+ Add a colour",
        onclick: () => save([...colours, { id: newId(), color: "light-blue", filters: [this.newFilter()], operator: "AND" }]),
      }),
    );
    return wrap;
  }
}
