// Cells per field type: how a value is shown (always as text or built elements, never as
// HTML), its plain-text form (copy, the editor's start value) and how typed or pasted text
// becomes the value the API accepts.

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
      return formatDuration(Number(value));
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

function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) {
    return "";
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return `${h}:${String(m).padStart(2, "0")}${s ? `:${String(s).padStart(2, "0")}` : ""}`;
}

function chip(option) {
  const span = document.createElement("span");
  span.className = `chip chip-${String(option.color || "light-gray").replace(/[^a-z-]/g, "")}`;
  span.textContent = option.value ?? "";
  return span;
}

/** Fills a cell element with a value's display. */
export function renderCell(td, field, value) {
  td.replaceChildren();
  td.className = `cell cell-${field.type}`;
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
    case "rating":
      td.textContent = "★".repeat(Number(value) || 0);
      return;
    default:
      td.textContent = toText(field, value);
  }
}

/** What a typed or pasted text becomes in a write (the API converts text itself). */
export function fromText(field, text) {
  const trimmed = text.trim();
  switch (field.type) {
    case "boolean":
      return ["true", "1", "yes", "y", "t", "on", "checked", "✓"].includes(trimmed.toLowerCase());
    case "number":
    case "date":
      return trimmed === "" ? null : trimmed;
    case "rating":
      return trimmed === "" ? 0 : Number.parseInt(trimmed, 10) || 0;
    case "duration":
      return trimmed === "" ? null : trimmed;
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

/**
 * Opens an editor in a cell. `done(value)` saves, `done(undefined)` cancels.
 * Returns the editor element (focused).
 */
export function openEditor(td, field, value, initialText, done) {
  let editor;
  let finished = false;
  const finish = (result) => {
    if (!finished) {
      finished = true;
      done(result);
    }
  };
  if (field.type === "single_select") {
    editor = document.createElement("select");
    const none = document.createElement("option");
    none.value = "";
    none.textContent = "—";
    editor.append(none);
    for (const option of field.select_options || []) {
      const el = document.createElement("option");
      el.value = String(option.id);
      el.textContent = option.value;
      el.selected = value && value.id === option.id;
      editor.append(el);
    }
    editor.addEventListener("change", () => finish(editor.value === "" ? null : Number(editor.value)));
  } else if (field.type === "long_text") {
    editor = document.createElement("textarea");
    editor.value = initialText ?? toText(field, value);
  } else {
    editor = document.createElement("input");
    editor.type = field.type === "date" && !field.date_include_time ? "text" : "text";
    editor.value = initialText ?? toText(field, value);
    if (field.type === "date") {
      editor.placeholder = field.date_include_time ? "YYYY-MM-DD HH:MM" : "YYYY-MM-DD";
    }
  }
  editor.className = "cell-editor";
  editor.setAttribute("aria-label", field.name);
  editor.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      finish(undefined);
    } else if (event.key === "Enter" && !(field.type === "long_text" && event.shiftKey)) {
      event.preventDefault();
      finish(field.type === "single_select" ? (editor.value === "" ? null : Number(editor.value)) : fromText(field, editor.value));
    } else if (event.key === "Tab") {
      event.preventDefault();
      finish(field.type === "single_select" ? (editor.value === "" ? null : Number(editor.value)) : fromText(field, editor.value));
    }
  });
  editor.addEventListener("blur", () => {
    if (field.type === "single_select") {
      finish(undefined);
    } else {
      finish(fromText(field, editor.value));
    }
  });
  td.replaceChildren(editor);
  td.classList.add("editing");
  editor.focus();
  if (editor.setSelectionRange && initialText !== undefined && initialText !== null) {
    const end = editor.value.length;
    editor.setSelectionRange(end, end);
  }
  return editor;
}
