// Shared bits of the gallery, kanban, calendar and form views: the fields a view shows on
// its cards, a card's body (values rendered by cells.js), the prompt of a view that still
// needs its field (kanban, calendar), and a debounce for bursts of live events.

import { renderCell } from "../table/cells.js";
import { el } from "../table/dom.js";
import { filesOf, thumbnailUrl } from "../table/files.js";
import { rowTitle } from "../table/row_dialog.js";

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

/** The file field the view shows as its cards' cover image, if any. */
export function coverField(state) {
  const id = state.view?.card_cover_image_field;
  return id ? state.fields.find((f) => f.id === id && f.type === "file") ?? null : null;
}

/**
 * A card's cover: the first image of the view's cover field (an empty band when the row
 * has none, so the cards of a view line up), or null when the view shows no covers.
 */
export function cardCover(state, row) {
  const field = coverField(state);
  if (!field) {
    return null;
  }
  const image = filesOf(row[`field_${field.id}`]).find((f) => thumbnailUrl(f, "card_cover"));
  const cover = el("div", { class: image ? "card-cover" : "card-cover card-cover-empty" });
  if (image) {
    cover.append(el("img", { src: thumbnailUrl(image, "card_cover"), alt: "", loading: "lazy" }));
  }
  return cover;
}

/** Runs `fn` once after a burst of calls (live events often come several at once). */
export function debounce(fn, ms = 120) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * The view has no (or no longer a) field to place rows by: shows a prompt to choose one
 * of `choices` (or what to do when there is none) and saves the choice as `key`.
 * @param {object} ctx  the view's context (root, patchView, showError, canAdd)
 * @param {object} prompt  {id, heading, missing, hint, choices, pickId, pickLabel, key, chosen}
 *   where `chosen()` redraws the view once the choice is saved
 */
export function askForField(ctx, prompt) {
  const box = el("div", { class: "empty-state view-empty", id: prompt.id });
  box.append(el("h2", { textContent: prompt.heading }));
  if (prompt.choices.length === 0) {
    box.append(el("p", { textContent: prompt.missing }));
  } else {
    const pick = el(
      "select",
      { id: prompt.pickId, "aria-label": prompt.pickLabel },
      ...prompt.choices.map((f) => el("option", { value: String(f.id), textContent: f.name })),
    );
    const go = el("button", { type: "submit", class: "btn btn-primary", textContent: "Use this field" });
    const form = el("form", { class: "setup-form" }, pick, go);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      go.disabled = true;
      try {
        await ctx.patchView({ [prompt.key]: Number(pick.value) });
        await prompt.chosen();
      } catch (error) {
        ctx.showError(error);
      } finally {
        go.disabled = false;
      }
    });
    box.append(el("p", { textContent: prompt.hint }), form);
  }
  ctx.root.removeAttribute("aria-busy");
  ctx.root.replaceChildren(box);
  ctx.root.dataset.state = "setup";
  ctx.canAdd(false);
}
