// The table page's alert box: a short-lived error message (a failed save, a lost table),
// and API errors put in words for it and for the page's dialogs.

import { NOT_UNIQUE } from "./errors.js";

/**
 * An API error in words: the detail, or each field's messages when it is a map. `labels`
 * names the fields for the reader (an empty label leaves the field out of the message).
 */
export function errorText(e, labels = {}) {
  if (e?.code === "ERROR_FIELD_DATA_CONSTRAINT") {
    return NOT_UNIQUE;
  }
  const detail = e?.detail;
  if (detail && typeof detail === "object") {
    const parts = [];
    for (const [key, value] of Object.entries(detail)) {
      const messages = (Array.isArray(value) ? value : [value]).map((m) => (typeof m === "object" ? m.error ?? JSON.stringify(m) : String(m)));
      const label = key in labels ? labels[key] : key;
      parts.push(label ? `${label}: ${messages.join(" ")}` : messages.join(" "));
    }
    if (parts.length) {
      return parts.join(" ");
    }
  }
  return e?.message || String(e);
}

/** Shows `error` in the page's alert box for a few seconds. */
export function showError(error) {
  const box = document.getElementById("grid-error");
  box.textContent = errorText(error);
  box.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => {
    box.hidden = true;
  }, 6000);
}
