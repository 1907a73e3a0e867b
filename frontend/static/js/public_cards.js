// Shared gallery, kanban and calendar pages: the values the server rendered as text are
// drawn as the app draws them (select options in their colours, rating marks, dates in
// the field's format), cards get their cover image, and the calendar marks today and
// counts its days in the visitor's time zone. The pages read without this script.

import { bootstrap } from "./session.js";
import { renderCell } from "./table/cells.js";
import { cardCover } from "./views/shared.js";

const data = bootstrap().public_cards ?? {};
const fields = Array.isArray(data.fields) ? data.fields : [];
const rows = new Map((Array.isArray(data.rows) ? data.rows : []).map((row) => [String(row.id), row]));
const byId = new Map(fields.map((field) => [String(field.id), field]));

/** Redraws every value of every card from the rows the server embedded. */
function drawCards() {
  const state = { view: { card_cover_image_field: data.card_cover_image_field }, fields };
  for (const card of document.querySelectorAll(".public-card[data-row-id]")) {
    const row = rows.get(card.dataset.rowId);
    if (!row) continue;
    for (const dd of card.querySelectorAll("dd[data-field-id]")) {
      const field = byId.get(dd.dataset.fieldId);
      if (field) renderCell(dd, field, row[`field_${field.id}`]);
    }
    const cover = cardCover(state, row);
    if (cover) card.prepend(cover);
  }
}

/** Today's date as `YYYY-MM-DD` in the visitor's zone. */
function todayKey() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The calendar counts days in the zone its address names. When that is not the visitor's
 * and the date field keeps times (so the day of an entry depends on the zone), the page
 * is asked again in the visitor's zone; dates without a time are the same everywhere.
 */
function calendarZone() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const dateField = byId.get(String(data.date_field));
  const url = new URL(window.location.href);
  if (zone && !url.searchParams.has("tz") && dateField?.date_include_time && !dateField.date_force_timezone) {
    url.searchParams.set("tz", zone);
    window.location.replace(url.toString());
    return true;
  }
  return false;
}

drawCards();
if (data.type === "calendar" && !calendarZone()) {
  document.querySelector(`.calendar-day[data-date="${todayKey()}"]`)?.classList.add("today");
}
