// The table page's field dialog: a field's name, its type (grouped, with a line saying
// what it holds) and below them the settings of that type, from a small registry of
// settings editors (one object per type: `build(field, ctx)` gives the element, `read()`
// the properties it adds to the field's create or update body). The formula editor is in
// formula_editor.js; the dialog only saves, deletes and reports the server's error.

import { errorText } from "./alert.js";
import { el, openDialog } from "./dom.js";
import { fieldIcon } from "./field_icons.js";
import { formulaSettings } from "./formula_editor.js";

/** The types in the order and groups the picker shows them; unknown ones go last. */
const TYPE_GROUPS = [
  ["Basic", ["text", "long_text", "number", "rating", "boolean", "date", "duration"]],
  ["Choices", ["single_select", "multiple_select"]],
  ["Relations", ["link_row", "lookup", "rollup", "count"]],
  ["Contact and files", ["url", "email", "phone_number", "file", "multiple_collaborators"]],
  ["Computed", ["formula", "autonumber", "uuid", "created_on", "last_modified", "created_by", "last_modified_by"]],
  ["Other", ["password"]],
];

/** Each type's name in the picker and the line under it saying what the field holds. */
const TYPES = {
  text: ["Single line text", "A short text on one line."],
  long_text: ["Long text", "Text of several lines or paragraphs."],
  number: ["Number", "A number, shown with a fixed number of decimal places."],
  rating: ["Rating", "A score from 0 up to a maximum, shown as stars, hearts, …"],
  boolean: ["Boolean", "A checkbox: yes or no."],
  date: ["Date", "A date, with or without a time of day."],
  duration: ["Duration", "A length of time, such as 1:30 or 2d 3h."],
  single_select: ["Single select", "One option out of a list."],
  multiple_select: ["Multiple select", "Any number of options out of a list."],
  link_row: ["Link to table", "Links to rows of another table (or this one)."],
  lookup: ["Lookup", "The values of a field in the rows a link points at."],
  rollup: ["Rollup", "One value summarising a field of the linked rows (sum, average, …)."],
  count: ["Count", "How many rows a link field points at."],
  url: ["URL", "A web address, shown as a link."],
  email: ["Email", "An email address, shown as a mailto: link."],
  phone_number: ["Phone number", "A phone number, shown as a tel: link."],
  file: ["File", "Uploaded files and images."],
  multiple_collaborators: ["Collaborators", "Members of this workspace."],
  formula: ["Formula", "A value computed from the row's other fields."],
  autonumber: ["Autonumber", "A number counting up, given to each new row."],
  uuid: ["UUID", "A unique identifier given to each row."],
  created_on: ["Created on", "When the row was created."],
  last_modified: ["Last modified", "When the row was last changed."],
  created_by: ["Created by", "Who created the row."],
  last_modified_by: ["Last modified by", "Who last changed the row."],
  password: ["Password", "A secret kept as a hash: it can be set or cleared, never read."],
};

/** The types whose values can be kept unique (`unique_with_empty`), as the server has them. */
const UNIQUE_TYPES = new Set(["text", "long_text", "url", "email", "number", "rating", "date", "duration", "single_select"]);
/** The types whose column can have an index of its own (`db_index`). */
const INDEX_TYPES = new Set([
  "text", "long_text", "url", "email", "phone_number", "number", "rating", "boolean", "date", "created_on", "last_modified", "uuid", "autonumber",
]);
const UNIQUE = "unique_with_empty";

/** What the dialog says for the server's constraint errors (others show its own text). */
const CONSTRAINT_ERRORS = {
  ERROR_FIELD_CONSTRAINT: "Some values in this field are duplicated. Remove or edit duplicates before making its values unique.",
  ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE: "A field with unique values cannot have a default value: empty the default value, or untick “Unique values”.",
  ERROR_INVALID_FIELD_CONSTRAINT: "This type cannot keep its values unique: untick “Unique values” first.",
  ERROR_DB_INDEX_NOT_SUPPORTED: "This type cannot have an index: untick “Index” first.",
};

export const typeLabel = (type) => TYPES[type]?.[0] ?? type.replace(/_/g, " ");

/** The colours select options cycle through (the grid has a chip style for each). */
const OPTION_COLOURS = ["blue", "green", "red", "yellow", "orange", "purple"];

// Small builders shared by the settings editors.

let uid = 0;

/** A labelled control (the label wraps it, so a click on the text focuses it). */
export function row(label, control, hint) {
  return el(
    "label",
    { class: "field-row" },
    el("span", { class: "field-label", textContent: label }),
    control,
    hint ? el("small", { class: "field-hint", textContent: hint }) : null,
  );
}

/** A `<select>` of [value, text] pairs with `value` chosen. */
export function choice(id, pairs, value, label) {
  const node = el("select", { id, "aria-label": label });
  for (const [v, text] of pairs) {
    node.append(el("option", { value: String(v), selected: String(v) === String(value), textContent: text }));
  }
  return node;
}

/** A checkbox with its label beside it. */
export function check(id, label, checked) {
  const box = el("input", { type: "checkbox", id, checked: Boolean(checked) });
  return { box, element: el("label", { class: "check-row" }, box, label) };
}

/** A quiet paragraph: what a type without settings does, or why nothing can be saved. */
export function note(text, id) {
  return el("p", { class: "field-note", textContent: text, id });
}

/** A type with no settings: the note says what its cells hold. */
const plain = (text) => ({
  build() {
    return note(text);
  },
  read() {
    return {};
  },
});

const dateSettings = (includeTimeDefault) => ({
  build(field) {
    this.format = choice(
      "field-date-format",
      [
        ["EU", "European (31/01/2024)"],
        ["US", "US (01/31/2024)"],
        ["ISO", "ISO (2024-01-31)"],
      ],
      field?.date_format ?? "EU",
      "Date format",
    );
    this.time = check("field-date-include-time", "Include a time of day", field?.date_include_time ?? includeTimeDefault);
    this.clock = choice(
      "field-date-time-format",
      [
        ["24", "24 hour (14:30)"],
        ["12", "12 hour (02:30 PM)"],
      ],
      field?.date_time_format ?? "24",
      "Time format",
    );
    this.zone = check("field-date-show-tz", "Show the time zone", field?.date_show_tzinfo);
    const clockRow = row("Time format", this.clock);
    const sync = () => {
      clockRow.hidden = !this.time.box.checked;
      this.zone.element.hidden = !this.time.box.checked;
    };
    this.time.box.addEventListener("change", sync);
    sync();
    return el("div", { class: "stack" }, row("Date format", this.format), this.time.element, clockRow, this.zone.element);
  },
  read() {
    return {
      date_format: this.format.value,
      date_include_time: this.time.box.checked,
      date_time_format: this.clock.value,
      date_show_tzinfo: this.time.box.checked && this.zone.box.checked,
    };
  },
});

/** Select options: a colour swatch (a click picks the next colour), the text, ×. */
const selectSettings = {
  build(field) {
    const list = el("ul", { class: "option-list", id: "field-select-options" });
    const addOption = (option) => {
      const item = el("li", { class: "option-item" });
      item.option = { ...option };
      const swatch = el("button", {
        type: "button",
        class: `option-swatch chip-${option.color}`,
        title: "Change colour",
        "aria-label": "Change colour",
        onclick: () => {
          const next = OPTION_COLOURS[(OPTION_COLOURS.indexOf(item.option.color) + 1) % OPTION_COLOURS.length];
          swatch.classList.replace(`chip-${item.option.color}`, `chip-${next}`);
          item.option.color = next;
        },
      });
      const text = el("input", { type: "text", class: "option-value", value: option.value ?? "", "aria-label": "Option", placeholder: "Option" });
      item.text = text;
      const remove = el("button", {
        type: "button",
        class: "btn btn-quiet btn-small icon",
        textContent: "×",
        "aria-label": "Remove option",
        onclick: () => item.remove(),
      });
      item.append(swatch, text, remove);
      list.append(item);
      return text;
    };
    for (const option of field?.select_options || []) {
      addOption(option);
    }
    const add = el("button", {
      type: "button",
      class: "btn btn-small",
      id: "field-add-option",
      textContent: "+ Add an option",
      onclick: () => addOption({ value: "", color: OPTION_COLOURS[list.children.length % OPTION_COLOURS.length] }).focus(),
    });
    this.list = list;
    return el("div", { class: "stack" }, el("span", { class: "field-label", textContent: "Options" }), list, el("div", {}, add));
  },
  read() {
    const options = [...this.list.children]
      .map((item) => ({ ...item.option, value: item.text.value.trim() }))
      .filter((o) => o.value !== "");
    return { select_options: options.map((o) => (o.id ? { id: o.id, value: o.value, color: o.color } : { value: o.value, color: o.color })) };
  },
};

/** A link: the table (of this database) and, on creation, whether it links back. */
const linkSettings = {
  build(field, ctx) {
    this.table = choice("field-link-table", [["", "Loading tables…"]], "", "Table to link to");
    this.table.disabled = true;
    this.related = check("field-link-related", "Create a related field in the linked table", true);
    this.multiple = check("field-link-multiple", "Allow linking to several rows", field?.link_row_multiple_relationships ?? true);
    this.creating = !field;
    this.related.element.hidden = !this.creating;
    ctx.setSavable(false, "Choose a table to link to.");
    const sync = () => {
      // A table linking to itself cannot have a field linking back.
      const self = Number(this.table.value) === ctx.tableId;
      this.related.box.disabled = self;
      if (self) {
        this.related.box.checked = false;
      }
      ctx.setSavable(this.table.value !== "", "Choose a table to link to.");
    };
    this.table.addEventListener("change", sync);
    ctx.api
      .get(`/database/tables/database/${ctx.databaseId}/`)
      .then((tables) => {
        const chosen = field?.link_row_table_id ?? tables.find((t) => t.id !== ctx.tableId)?.id ?? ctx.tableId;
        this.table.replaceChildren(
          ...tables.map((t) =>
            el("option", { value: String(t.id), selected: t.id === chosen, textContent: t.id === ctx.tableId ? `${t.name} (this table)` : t.name }),
          ),
        );
        this.table.disabled = false;
        sync();
      })
      .catch((e) => ctx.setSavable(false, `The tables could not be loaded: ${errorText(e)}`));
    return el("div", { class: "stack" }, row("Table to link to", this.table), this.related.element, this.multiple.element);
  },
  read() {
    const body = { link_row_table_id: Number(this.table.value), link_row_multiple_relationships: this.multiple.box.checked };
    if (this.creating) {
      body.has_related_field = this.related.box.checked;
    }
    return body;
  },
};

/** The rollup functions and the target types they apply to (null: any type). */
const ROLLUP_FUNCTIONS = [
  ["sum", "Sum", "numeric"],
  ["avg", "Average", "numeric"],
  ["min", "Minimum", "ordered"],
  ["max", "Maximum", "ordered"],
  ["count", "Count", null],
  ["stddev_pop", "Standard deviation (population)", "numeric"],
  ["stddev_sample", "Standard deviation (sample)", "numeric"],
  ["variance_pop", "Variance (population)", "numeric"],
  ["variance_sample", "Variance (sample)", "numeric"],
];

/** The value type a target field gives (a formula's, or its own). */
function valueType(field) {
  return field.formula_type ?? field.type;
}

function rollupApplies(kind, target) {
  if (!kind || !target) {
    return true;
  }
  const type = valueType(target);
  const numeric = ["number", "duration", "rating", "autonumber", "count", "rollup"].includes(type);
  if (kind === "numeric") {
    return numeric;
  }
  return numeric || ["text", "long_text", "date", "created_on", "last_modified", "char", "url", "email"].includes(type);
}

/**
 * Count, lookup and rollup: a link field of this table, then (lookup, rollup) a field of
 * the table it links to, then (rollup) a function. Without a link field nothing can be
 * saved, and the note says so.
 */
const throughSettings = (kind) => ({
  build(field, ctx) {
    const links = ctx.fields.filter((f) => f.type === "link_row");
    if (links.length === 0) {
      ctx.setSavable(false, "");
      return note(`This table has no link field yet. Add a "Link to table" field first: a ${kind} works through one.`, "field-no-link");
    }
    this.kind = kind;
    this.through = choice("field-through", links.map((f) => [f.id, f.name]), field?.through_field_id ?? links[0].id, "Link field");
    const parts = [row("Through the link field", this.through)];
    if (kind !== "count") {
      this.target = choice("field-target", [], "", "Field to look up");
      parts.push(row(kind === "lookup" ? "Field to look up" : "Field to summarise", this.target));
      this.targets = [];
      const loadTargets = async (wanted) => {
        const link = links.find((f) => f.id === Number(this.through.value));
        this.target.disabled = true;
        ctx.setSavable(false, "");
        try {
          this.targets = await ctx.api.get(`/database/fields/table/${link.link_row_table_id}/`);
        } catch (e) {
          ctx.setSavable(false, `The linked table's fields could not be loaded: ${errorText(e)}`);
          return;
        }
        // A link back to this table would only loop.
        const usable = this.targets.filter((f) => !(f.type === "link_row" && f.link_row_table_id === ctx.tableId));
        const chosen = usable.find((f) => f.id === wanted) ?? usable[0];
        this.target.replaceChildren(...usable.map((f) => el("option", { value: String(f.id), selected: f === chosen, textContent: f.name })));
        this.target.disabled = false;
        this.showFunctions();
        ctx.setSavable(usable.length > 0, "The linked table has no field to look up.");
      };
      this.through.addEventListener("change", () => loadTargets(null));
      loadTargets(field?.target_field_id);
      if (kind === "rollup") {
        this.fn = choice("field-rollup-function", [], "", "Function");
        this.wantedFn = field?.rollup_function ?? "sum";
        parts.push(row("Function", this.fn));
        this.target.addEventListener("change", () => this.showFunctions());
      }
    }
    return el("div", { class: "stack" }, ...parts);
  },
  /** The rollup functions that apply to the chosen target, the last pick kept when it can be. */
  showFunctions() {
    if (!this.fn) {
      return;
    }
    const target = this.targets.find((f) => f.id === Number(this.target.value));
    const usable = ROLLUP_FUNCTIONS.filter(([, , applies]) => rollupApplies(applies, target));
    const current = this.fn.value || this.wantedFn;
    const chosen = usable.some(([name]) => name === current) ? current : usable[0][0];
    this.fn.replaceChildren(...usable.map(([name, text]) => el("option", { value: name, selected: name === chosen, textContent: text })));
  },
  read() {
    const body = { through_field_id: Number(this.through.value) };
    if (this.target) {
      body.target_field_id = Number(this.target.value);
    }
    if (this.fn) {
      body.rollup_function = this.fn.value;
    }
    return body;
  },
});

/** Baserow's number separators, each shown as a thousand and a half written with it. */
const SEPARATORS = [
  ["", "1000.5 (none)"],
  ["COMMA_PERIOD", "1,000.5"],
  ["PERIOD_COMMA", "1.000,5"],
  ["SPACE_PERIOD", "1 000.5"],
  ["SPACE_COMMA", "1 000,5"],
];

/** The settings editor of each type. */
export const SETTINGS = {
  text: {
    build(field) {
      this.input = el("input", { type: "text", id: "field-text-default", value: field?.text_default ?? "", maxLength: 255, placeholder: "Empty" });
      return row("Default value", this.input, "What new rows start with.");
    },
    read() {
      return { text_default: this.input.value };
    },
  },
  long_text: plain("Several lines of plain text; Shift+Enter starts a new line in a cell."),
  number: {
    build(field) {
      const places = [...Array(11).keys()].map((n) => [n, n === 0 ? "1 (no decimals)" : `1.${"0".repeat(n)}`]);
      this.places = choice("field-number-decimal-places", places, field?.number_decimal_places ?? 0, "Decimal places");
      this.negative = check("field-number-negative", "Allow negative numbers", field?.number_negative);
      this.separator = choice("field-number-separator", SEPARATORS, field?.number_separator ?? "", "Separators");
      this.prefix = el("input", { type: "text", id: "field-number-prefix", value: field?.number_prefix ?? "", maxLength: 10, placeholder: "e.g. $" });
      this.suffix = el("input", { type: "text", id: "field-number-suffix", value: field?.number_suffix ?? "", maxLength: 100, placeholder: "e.g.  kg" });
      return el(
        "div",
        { class: "stack" },
        row("Decimal places", this.places),
        this.negative.element,
        row("Thousands and decimals", this.separator),
        el("div", { class: "field-row-pair" }, row("Prefix", this.prefix), row("Suffix", this.suffix)),
        el("small", { class: "field-hint", textContent: "Shown before and after the number in its cells." }),
      );
    },
    read() {
      return {
        number_decimal_places: Number(this.places.value),
        number_negative: this.negative.box.checked,
        number_separator: this.separator.value,
        number_prefix: this.prefix.value,
        number_suffix: this.suffix.value,
      };
    },
  },
  rating: {
    build(field) {
      this.max = choice("field-rating-max", [...Array(10).keys()].map((n) => [n + 1, String(n + 1)]), field?.max_value ?? 5, "Maximum");
      this.style = choice(
        "field-rating-style",
        [
          ["star", "★ Stars"],
          ["heart", "♥ Hearts"],
          ["thumbs-up", "👍 Thumbs up"],
          ["flag", "⚑ Flags"],
          ["smile", "☺ Smiles"],
        ],
        field?.style ?? "star",
        "Style",
      );
      const colours = ["dark-orange", "orange", "dark-red", "red", "dark-green", "green", "dark-blue", "blue"]
        .concat(["dark-purple", "purple", "dark-yellow", "yellow", "dark-gray", "gray"]);
      this.color = choice("field-rating-color", colours.map((c) => [c, c.replace("-", " ")]), field?.color ?? "dark-orange", "Colour");
      return el("div", { class: "field-columns" }, row("Maximum", this.max), row("Style", this.style), row("Colour", this.color));
    },
    read() {
      return { max_value: Number(this.max.value), style: this.style.value, color: this.color.value };
    },
  },
  boolean: {
    build(field) {
      this.box = check("field-boolean-default", "New rows start checked", field?.boolean_default);
      return this.box.element;
    },
    read() {
      return { boolean_default: this.box.box.checked };
    },
  },
  date: dateSettings(false),
  created_on: dateSettings(true),
  last_modified: dateSettings(true),
  duration: {
    build(field) {
      // Each format with how it shows 2 days, 3 hours, 30 minutes and 15.125 seconds.
      const formats = [
        ["h:mm", "51:30"],
        ["h:mm:ss", "51:30:15"],
        ["h:mm:ss.s", "51:30:15.1"],
        ["h:mm:ss.ss", "51:30:15.13"],
        ["h:mm:ss.sss", "51:30:15.125"],
        ["d h", "2d 3h"],
        ["d h:mm", "2d 3:30"],
        ["d h:mm:ss", "2d 3:30:15"],
        ["d h mm", "2d 3h 30m"],
        ["d h mm ss", "2d 3h 30m 15s"],
      ];
      const pairs = formats.map(([f, example]) => [f, `${f}  (${example})`]);
      this.format = choice("field-duration-format", pairs, field?.duration_format ?? "h:mm", "Format");
      return row("Format", this.format);
    },
    read() {
      return { duration_format: this.format.value };
    },
  },
  single_select: selectSettings,
  multiple_select: selectSettings,
  link_row: linkSettings,
  lookup: throughSettings("lookup"),
  rollup: throughSettings("rollup"),
  count: throughSettings("count"),
  url: plain("Cells hold a web address (http, https, ftp, mailto or tel) and show it as a link."),
  email: plain("Cells hold an email address and show it as a mailto: link."),
  phone_number: plain("Cells hold a phone number and show it as a tel: link."),
  file: plain("Drop files on a cell, paste them, or pick them in the cell's editor."),
  multiple_collaborators: {
    build(field) {
      this.notify = check("field-collaborators-notify", "Notify people when they are added to a cell", field?.notify_user_when_added ?? true);
      return this.notify.element;
    },
    read() {
      return { notify_user_when_added: this.notify.box.checked };
    },
  },
  password: {
    build(field) {
      this.allow = check("field-password-endpoint", "Allow checking a password through the API", field?.allow_endpoint_authentication);
      return el("div", { class: "stack" }, note("The password is stored as a hash: cells show whether one is set."), this.allow.element);
    },
    read() {
      return { allow_endpoint_authentication: this.allow.box.checked };
    },
  },
  autonumber: plain("Each row gets the next number; existing rows are numbered in the table's order."),
  uuid: plain("Each row gets a unique identifier; cells are read only."),
  created_by: plain("The person who created the row; cells are read only."),
  last_modified_by: plain("The person who last changed the row; cells are read only."),
  formula: formulaSettings,
};

/**
 * Opens the dialog for `field` (or a new field). `options`: api, tableId, databaseId,
 * fields (this table's), fieldTypes (the types the server knows), onSaved(saved,
 * related) and onDeleted(field).
 */
export function openFieldDialog(field, options) {
  const { api, tableId, fieldTypes } = options;
  const { dialog, body } = openDialog(field ? `Edit field “${field.name}”` : "New field", "field-dialog");
  dialog.classList.add("field-dialog");
  const name = el("input", {
    type: "text",
    id: "field-name",
    value: field?.name ?? "",
    required: true,
    maxLength: 255,
    placeholder: "Field name",
    autocomplete: "off",
  });
  const type = el("select", { id: "field-type", "aria-label": "Type" });
  const known = new Set(fieldTypes);
  const listed = new Set();
  for (const [group, types] of TYPE_GROUPS) {
    const available = types.filter((t) => known.has(t));
    if (available.length === 0) {
      continue;
    }
    const optgroup = el("optgroup", { label: group });
    for (const t of available) {
      optgroup.append(el("option", { value: t, textContent: typeLabel(t) }));
      listed.add(t);
    }
    type.append(optgroup);
  }
  const others = fieldTypes.filter((t) => !listed.has(t));
  if (others.length) {
    type.append(el("optgroup", { label: "More" }, ...others.map((t) => el("option", { value: t, textContent: typeLabel(t) }))));
  }
  type.value = field?.type ?? "text";
  // The chosen type's icon, as the column header shows it.
  const typeIcon = el("span", { class: "field-type-icon" });
  const help = el("p", { class: "field-type-help", id: "field-type-help" });
  const description = el("textarea", {
    id: "field-description",
    rows: 2,
    value: field?.description ?? "",
    placeholder: "What this field holds, for the people using the table",
  });
  const settings = el("div", { class: "field-settings", id: "field-settings" });
  // Unique values and the index, for the types that have them.
  const unique = check("field-unique", "Unique values", (field?.field_constraints || []).some((c) => c.type_name === UNIQUE));
  const uniqueRow = el(
    "div",
    { class: "stack" },
    unique.element,
    el("small", { class: "field-hint", textContent: "No two rows may hold the same value; empty cells may repeat." }),
  );
  const index = check("field-db-index", "Index", field?.db_index);
  const indexRow = el(
    "div",
    { class: "stack" },
    index.element,
    el("small", { class: "field-hint", textContent: "Makes filtering on this field faster, but creating, changing and deleting rows a little slower." }),
  );
  const rules = el("div", { class: "stack field-rules", id: "field-rules" }, uniqueRow, indexRow);
  const error = el("p", { class: "form-error", id: "field-error", role: "alert", hidden: true });
  const blocked = el("p", { class: "field-note", id: "field-blocked", hidden: true });
  const save = el("button", { type: "submit", class: "btn btn-primary", textContent: field ? "Save" : "Create field", id: "field-save" });
  const cancel = el("button", { type: "button", class: "btn", textContent: "Cancel", onclick: () => dialog.close() });
  const actions = el("div", { class: "actions field-actions" }, el("span", { class: "spacer" }), cancel, save);
  const showError = (e) => {
    error.textContent = CONSTRAINT_ERRORS[e?.code] ?? errorText(e);
    error.hidden = false;
    // On a small screen it may be below the fold of the scrolling dialog.
    error.scrollIntoView({ block: "nearest" });
  };

  let editor = null;
  const ctx = {
    api,
    tableId,
    databaseId: options.databaseId,
    field,
    fields: options.fields.filter((f) => f.id !== field?.id),
    nameInput: name,
    dialog,
    /** A type's editor says whether what it shows can be saved (and why not). */
    setSavable(ok, reason) {
      save.disabled = !ok;
      blocked.textContent = ok ? "" : reason || "";
      blocked.hidden = ok || !reason;
    },
  };
  const showType = () => {
    editor?.destroy?.();
    ctx.setSavable(true);
    error.hidden = true;
    help.textContent = TYPES[type.value]?.[1] ?? "";
    typeIcon.replaceChildren(fieldIcon(type.value));
    const instance = Object.create(SETTINGS[type.value] ?? plain(""));
    editor = instance;
    // Late answers (tables, fields being loaded) of a type no longer shown change nothing.
    const own = { ...ctx, setSavable: (ok, reason) => editor === instance && ctx.setSavable(ok, reason) };
    // A type's settings start from the field's own when it already has that type.
    const current = field && field.type === type.value ? field : null;
    settings.replaceChildren(instance.build(current, own));
    settings.dataset.type = type.value;
    uniqueRow.hidden = !UNIQUE_TYPES.has(type.value);
    indexRow.hidden = !INDEX_TYPES.has(type.value);
    rules.hidden = uniqueRow.hidden && indexRow.hidden;
    dialog.classList.toggle("field-dialog-wide", type.value === "formula");
  };
  type.addEventListener("change", showType);

  const form = el(
    "form",
    { method: "dialog", class: "stack field-form" },
    el("div", { class: "field-head" }, row("Name", name), row("Type", el("span", { class: "field-type-pick" }, typeIcon, type))),
    help,
    settings,
    rules,
    row("Description", description, "Shown beside the field's name in the grid's header."),
    blocked,
    error,
    actions,
  );
  if (field && !field.primary) {
    actions.prepend(
      el("button", {
        type: "button",
        class: "btn btn-danger",
        id: "field-delete",
        textContent: "Delete field",
        onclick: async () => {
          try {
            await api.delete(`/database/fields/${field.id}/`);
            options.onDeleted(field);
            dialog.close();
          } catch (e) {
            showError(e);
          }
        },
      }),
    );
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (save.disabled) {
      return;
    }
    const request = { name: name.value.trim(), type: type.value, description: description.value.trim() || null, ...editor.read() };
    // Sent always, so a type without them drops them (the server keeps what is left out).
    request.field_constraints = UNIQUE_TYPES.has(type.value) && unique.box.checked ? [{ type_name: UNIQUE }] : [];
    request.db_index = INDEX_TYPES.has(type.value) && index.box.checked;
    save.disabled = true;
    error.hidden = true;
    try {
      const saved = field
        ? await api.patch(`/database/fields/${field.id}/`, request)
        : await api.post(`/database/fields/table/${tableId}/`, request);
      const related = saved.related_fields || [];
      delete saved.related_fields;
      options.onSaved(saved, related);
      dialog.close();
    } catch (e) {
      showError(e);
    } finally {
      save.disabled = false;
    }
  });
  dialog.addEventListener("close", () => editor?.destroy?.());
  body.append(form);
  showType();
  name.focus();
  return dialog;
}
