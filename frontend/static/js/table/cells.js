// Cells per field type: how a value is shown (always as text or built elements, never as
// HTML), its plain-text form (copy, the editor's start value) and how typed or pasted text
// becomes the value the API accepts. The editors are in editors/.

import { formatDate, formatDuration, formatNumber, parseDateText, parseDuration } from "./formats.js";
import { fileItem, filesOf, filesText } from "./files.js";
import { linkChip, linksOf, linkText } from "./links.js";

const SAFE_LINK = /^(https?:|mailto:|tel:)/i;

/** Field types whose values are computed by a formula (their `formula_type` says what). */
const COMPUTED = new Set(["formula", "lookup", "rollup", "count"]);

/** Field types whose values are computed by the server. */
const READ_ONLY = new Set([
  "created_on",
  "last_modified",
  "created_by",
  "last_modified_by",
  "autonumber",
  "uuid",
  ...COMPUTED,
]);

export function isReadOnly(field) {
  return field.read_only || READ_ONLY.has(field.type);
}

export function isComputed(field) {
  return COMPUTED.has(field.type);
}

/** The field type each formula type's values look like; links and lists are their own. */
const FORMULA_SHOWN_AS = {
  text: "text",
  char: "text",
  url: "url",
  number: "number",
  boolean: "boolean",
  date: "date",
  duration: "duration",
  single_select: "single_select",
  multiple_select: "multiple_select",
  link: "formula_link",
  button: "formula_link",
  array: "formula_array",
  invalid: "formula_invalid",
};

/**
 * A computed field as the field its values look like (a formula of type number shows as
 * a number field with the formula's decimal places, ...); other fields as they are.
 */
export function shownAs(field) {
  if (!COMPUTED.has(field.type)) {
    return field;
  }
  return { ...field, type: FORMULA_SHOWN_AS[field.formula_type] ?? "text", computed: field.type };
}

/** The field an array formula's items look like. */
function itemField(field) {
  return shownAs({ ...field, type: "formula", formula_type: field.array_formula_type });
}

/** An array formula's items (`[{id, value}]`), tolerating bare values. */
function itemsOf(value) {
  return (Array.isArray(value) ? value : []).map((item) => (item && typeof item === "object" && "value" in item ? item.value : item));
}

/** Fields whose values are files, added by uploading them (never by typing text). */
export function isFileField(field) {
  return field.type === "file";
}

/** A value as plain text (what is copied, and what the server renders without scripts). */
export function toText(field, value) {
  if (value === null || value === undefined) {
    return "";
  }
  field = shownAs(field);
  switch (field.type) {
    case "formula_link":
      return value.label || value.url || "";
    case "formula_array": {
      const inner = itemField(field);
      return itemsOf(value)
        .map((v) => toText(inner, v))
        .filter((t) => t !== "")
        .join(", ");
    }
    case "boolean":
      return value ? "true" : "false";
    case "single_select":
      return value.value ?? "";
    case "multiple_select":
      return Array.isArray(value) ? value.map((o) => o.value).join(", ") : "";
    case "link_row":
      return linksOf(value).map(linkText).join(", ");
    case "file":
      return filesText(value);
    case "created_by":
    case "last_modified_by":
      return value.name ?? "";
    case "multiple_collaborators":
      return Array.isArray(value) ? value.map((u) => u.name ?? "").join(", ") : "";
    case "duration":
      return formatDuration(Number(value), field.duration_format);
    case "date":
      return formatDate(field, value);
    default:
      if (Array.isArray(value)) {
        return value.map((v) => (typeof v === "object" && v ? v.value ?? v.name ?? "" : String(v))).join(", ");
      }
      if (typeof value === "object") {
        return value.value ?? value.name ?? JSON.stringify(value);
      }
      return String(value);
  }
}

/** A select option as a coloured chip. */
export function chip(option) {
  const span = document.createElement("span");
  span.className = `chip chip-${String(option.color || "light-gray").replace(/[^a-z-]/g, "")}`;
  span.textContent = option.value ?? "";
  return span;
}

/** Fills a cell element with a value's display. */
export function renderCell(td, field, value) {
  td.replaceChildren();
  field = shownAs(field);
  td.className = field.computed ? `cell cell-${field.type} cell-computed` : `cell cell-${field.type}`;
  if (field.type === "rating") {
    renderStars(td, field, value);
    return;
  }
  if (value === null || value === undefined || value === "") {
    return;
  }
  switch (field.type) {
    case "boolean": {
      const box = document.createElement("span");
      box.className = value ? "check checked" : "check";
      box.setAttribute("aria-label", value ? "yes" : "no");
      box.textContent = value ? "✓" : "";
      td.append(box);
      return;
    }
    case "number":
      td.textContent = formatNumber(field, value);
      return;
    case "single_select":
      td.append(chip(value));
      return;
    case "multiple_select":
      for (const option of value || []) {
        td.append(chip(option));
      }
      return;
    case "link_row":
      td.append(...linksOf(value).map((link) => linkChip(link)));
      return;
    case "multiple_collaborators":
      for (const user of value || []) {
        td.append(chip({ value: user.name, color: "blue" }));
      }
      return;
    case "formula_link":
      td.append(safeLink(value.url, value.label || value.url));
      return;
    case "formula_array":
      td.append(...itemsOf(value).map((v) => itemChip(itemField(field), v)));
      return;
    case "file":
      td.append(...filesOf(value).map(fileItem));
      return;
    case "url":
    case "email":
    case "phone_number": {
      const text = String(value);
      const href =
        field.type === "email" ? `mailto:${text}` : field.type === "phone_number" ? `tel:${text}` : text;
      td.append(safeLink(href, text));
      return;
    }
    default:
      td.textContent = toText(field, value);
  }
}

/** A link opening in a new tab when its address is http(s), mailto or tel; else the text. */
function safeLink(href, text) {
  if (typeof href !== "string" || !SAFE_LINK.test(href)) {
    return document.createTextNode(text ?? "");
  }
  const a = document.createElement("a");
  a.href = href;
  a.rel = "noopener noreferrer nofollow";
  a.target = "_blank";
  a.textContent = text;
  return a;
}

/** One item of a list formula: a select option's coloured chip, else a chip of its text. */
function itemChip(inner, value) {
  if (inner.type === "single_select" && value && typeof value === "object") {
    return chip(value);
  }
  if (inner.type === "boolean") {
    const box = document.createElement("span");
    box.className = value ? "check checked" : "check";
    box.textContent = value ? "✓" : "";
    return box;
  }
  const span = document.createElement("span");
  span.className = "chip chip-item";
  span.textContent = toText(inner, value);
  return span;
}

const SVG = "http://www.w3.org/2000/svg";

/** The mark of each rating style, drawn on a 24×24 grid (holes by the even-odd rule). */
const RATING_MARKS = {
  star: "M12 2l3 7 7.3.6-5.5 4.8 1.7 7.1L12 17.8l-6.5 3.7 1.7-7.1L1.7 9.6 9 9z",
  heart: "M12 21C5 15.5 2 12 2 8.5a5 5 0 0 1 10-2.5 5 5 0 0 1 10 2.5C22 12 19 15.5 12 21z",
  "thumbs-up": "M2 10h4v11H2zM8 21h9.3a2 2 0 0 0 2-1.6l1.5-7.2A2 2 0 0 0 18.8 10H14l.9-4.3a2 2 0 0 0-3.6-1.5L8 10z",
  flag: "M5 2h2v1h12l-2.5 5 2.5 5H7v9H5z",
  smile:
    "M12 2a10 10 0 1 1 0 20 10 10 0 1 1 0-20zM8.5 8a1.5 1.5 0 1 0 0 3 1.5 1.5 0 1 0 0-3zM15.5 8a1.5 1.5 0 1 0 0 3 1.5 1.5 0 1 0 0-3zM7 14a5 5 0 0 0 10 0z",
};

/** The rating colours a field may name; others fall back to the default, dark orange. */
const RATING_COLOURS = {
  "dark-orange": "#e8590c",
  orange: "#f59f00",
  "dark-red": "#c92a2a",
  red: "#f03e3e",
  "dark-green": "#2b8a3e",
  green: "#40c057",
  "dark-blue": "#1c4ed8",
  blue: "#3b82f6",
  "dark-purple": "#6741d9",
  purple: "#9775fa",
  "dark-yellow": "#e67700",
  yellow: "#fab005",
  "dark-gray": "#495057",
  gray: "#868e96",
};

/**
 * A rating as `max_value` marks in the field's style and colour, the first `value` of them
 * lit. Each mark carries the value a click on it sets (editors/rating.js); the unlit ones
 * show on hover.
 */
function renderStars(td, field, value) {
  const count = Math.max(1, Math.min(10, Number(field.max_value) || 5));
  const current = Number(value) || 0;
  const style = Object.hasOwn(RATING_MARKS, field.style) ? field.style : "star";
  const box = document.createElement("span");
  box.className = `stars rating-${style}`;
  box.style.color = RATING_COLOURS[field.color] ?? RATING_COLOURS["dark-orange"];
  box.setAttribute("aria-label", `${current} of ${count}`);
  for (let n = 1; n <= count; n += 1) {
    const star = document.createElement("span");
    star.className = n <= current ? "star lit" : "star";
    star.dataset.rating = String(n);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", RATING_MARKS[style]);
    path.setAttribute("fill-rule", "evenodd");
    svg.append(path);
    star.append(svg);
    box.append(star);
  }
  td.append(box);
}

/** What a typed or pasted text becomes in a write (the API converts text itself). */
export function fromText(field, text) {
  const trimmed = text.trim();
  switch (field.type) {
    case "boolean":
      return ["true", "1", "yes", "y", "t", "on", "checked", "✓"].includes(trimmed.toLowerCase());
    case "number":
      // With decimals, one comma before other than three digits is a decimal comma ("2,5",
      // "0,25"); other commas separate thousands ("1,000"; the API drops them).
      if (trimmed === "") {
        return null;
      }
      return Number(field.number_decimal_places) > 0 && /^[-+]?\d*,(\d{1,2}|\d{4,})$/.test(trimmed)
        ? trimmed.replace(",", ".")
        : trimmed;
    case "date":
      return trimmed === "" ? null : parseDateText(field, trimmed) ?? trimmed;
    case "rating":
      return trimmed === "" ? 0 : Number.parseInt(trimmed, 10) || 0;
    case "duration":
      // Text the API would not read (or read as seconds) is sent as what it means here.
      return trimmed === "" ? null : parseDuration(trimmed, field.duration_format) ?? trimmed;
    case "single_select": {
      if (trimmed === "") {
        return null;
      }
      const option = (field.select_options || []).find((o) => o.value === trimmed);
      return option ? option.id : trimmed;
    }
    case "multiple_select":
      return trimmed === ""
        ? []
        : trimmed
            .split(",")
            .map((v) => v.trim())
            .filter(Boolean)
            .map((v) => (field.select_options || []).find((o) => o.value === v)?.id ?? v);
    case "multiple_collaborators":
      // Names of members; a name nobody has is sent as is and refused by the server.
      return trimmed === ""
        ? []
        : trimmed
            .split(",")
            .map((v) => v.trim())
            .filter(Boolean)
            .map((v) => ({ id: (field.available_collaborators || []).find((u) => u.name === v)?.id ?? v }));
    default:
      return text;
  }
}
