// Shared bits of the gallery, kanban, calendar and form views: element building, the
// fields a view shows on its cards, and a card's body (values rendered by cells.js).

import { renderCell, toText } from "../table/cells.js";

/** Builds an element: `class`, `on…` listeners, DOM properties, else attributes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) {
      continue;
    }
    if (key === "class") {
      node.className = value;
    } else if (key.startsWith("on")) {
      node.addEventListener(key.slice(2), value);
    } else if (key in node) {
      node[key] = value;
    } else {
      node.setAttribute(key, value);
    }
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A field's view option (`hidden`, `order`, …) with a fallback. */
export function option(state, field, key, fallback) {
  return state.fieldOptions[field.id]?.[key] ?? fallback;
}

/**
 * The fields a card shows: the primary field first, then the fields the view does not
 * hide, in the view's order (the same rule the server renders its cards with).
 */
export function cardFields(state) {
  return state.fields
    .filter((f) => f.primary || option(state, f, "hidden", true) === false)
    .sort((a, b) => {
      if (a.primary !== b.primary) {
        return a.primary ? -1 : 1;
      }
      return option(state, a, "order", 32767) - option(state, b, "order", 32767) || a.id - b.id;
    });
}

/** The row's title: its primary field as text, or its id when that is empty. */
export function rowTitle(state, row) {
  const primary = state.fields.find((f) => f.primary);
  const text = primary ? toText(primary, row[`field_${primary.id}`]) : "";
  return text.trim() === "" ? `Row ${row.id}` : text;
}

/** A card's list of values: the title, then each non-empty shown field. */
export function cardBody(state, row) {
  const fields = cardFields(state);
  const list = el("dl");
  for (const field of fields) {
    const value = row[`field_${field.id}`];
    if (field.primary) {
      list.append(el("dt", { class: "card-title-label visually-hidden", textContent: field.name }));
      list.append(el("dd", { class: "card-title", textContent: rowTitle(state, row) }));
      continue;
    }
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
      continue;
    }
    const dd = el("dd");
    renderCell(dd, field, value);
    list.append(el("dt", { textContent: field.name }), dd);
  }
  return list;
}

/** A short-lived error message in the page's alert box. */
export function showError(error) {
  const box = document.getElementById("grid-error");
  box.textContent = error?.message || String(error);
  box.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => {
    box.hidden = true;
  }, 6000);
}

/** Runs `fn` once after a burst of calls (live events often come several at once). */
export function debounce(fn, ms = 120) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
