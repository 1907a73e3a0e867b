// Cells per field type: how a value is shown (always as text or built elements, never as
// HTML), its plain-text form (copy, the editor's start value) and how typed or pasted text
// becomes the value the API accepts. The editors are in editors/.

import { formatDate, formatDuration, parseDateText, parseDuration } from "./formats.js";

const SAFE_LINK = /^(https?:|mailto:|tel:)/i;

/** Field types whose values are computed by the server. */
const READ_ONLY = new Set([
  "created_on",
  "last_modified",
  "created_by",
  "last_modified_by",
  "autonumber",
  "uuid",
]);

export function isReadOnly(field) {
  return field.read_only || READ_ONLY.has(field.type);
}

/** A value as plain text (what is copied, and what the server renders without scripts). */
export function toText(field, value) {
  if (value === null || value === undefined) {
    return "";
  }
  switch (field.type) {
    case "boolean":
      return value ? "true" : "false";
    case "single_select":
      return value.value ?? "";
    case "multiple_select":
      return Array.isArray(value) ? value.map((o) => o.value).join(", ") : "";
    case "created_by":
    case "last_modified_by":
      return value.name ?? "";
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
  td.className = `cell cell-${field.type}`;
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
    case "single_select":
      td.append(chip(value));
      return;
    case "multiple_select":
      for (const option of value || []) {
        td.append(chip(option));
      }
      return;
    case "url":
    case "email":
    case "phone_number": {
      const text = String(value);
      const href =
        field.type === "email" ? `mailto:${text}` : field.type === "phone_number" ? `tel:${text}` : text;
      if (SAFE_LINK.test(href)) {
        const a = document.createElement("a");
        a.href = href;
        a.rel = "noopener noreferrer nofollow";
        a.target = "_blank";
        a.textContent = text;
        td.append(a);
      } else {
        td.textContent = text;
      }
      return;
    }
    default:
      td.textContent = toText(field, value);
  }
}

/**
 * A rating as `max_value` stars, the first `value` of them lit. Each star carries the value
 * a click on it sets (editors/rating.js); the unlit ones show on hover.
 */
function renderStars(td, field, value) {
  const count = Math.max(1, Math.min(10, Number(field.max_value) || 5));
  const current = Number(value) || 0;
  const box = document.createElement("span");
  box.className = "stars";
  box.setAttribute("aria-label", `${current} of ${count}`);
  for (let n = 1; n <= count; n += 1) {
    const star = document.createElement("span");
    star.className = n <= current ? "star lit" : "star";
    star.dataset.rating = String(n);
    star.textContent = "★";
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
      return trimmed === "" ? null : trimmed;
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
    default:
      return text;
  }
}
