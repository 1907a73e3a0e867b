// The calendar view: a month of weeks (Monday first) with each row on the day of the
// view's date field. Previous/next month, a click on a day adds a row with that date,
// a click on an entry opens the row. An entry moves to another day by drag and drop or,
// focused, with Alt+←/→ (a day) and Alt+↑/↓ (a week); either PATCHes the row's date and
// keeps its time of day. A view without a date field first asks for one.

import { el } from "../table/dom.js";
import { dateFromInput, dateInputValue } from "../table/formats.js";
import { rowTitle } from "../table/row_dialog.js";
import { askForField } from "./shared.js";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_LIMIT = 4;
const DAY_MS = 86400000;
/** Days an entry moves by per key (with Alt). */
const KEY_STEPS = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

/** A local date as YYYY-MM-DD. */
function dayKey(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A YYYY-MM-DD day as a local date (its midnight). */
function fromKey(key) {
  const [year, month, day] = key.split("-").map(Number);
  return new Date(year, month - 1, day);
}

/** The YYYY-MM-DD day `days` days after `key` (before, when negative). */
function addDays(key, days) {
  const date = fromKey(key);
  date.setDate(date.getDate() + days);
  return dayKey(date);
}

/** Whole days from one YYYY-MM-DD day to another (counted in UTC: no daylight saving). */
function daysBetween(from, to) {
  const utc = (key) => {
    const [year, month, day] = key.split("-").map(Number);
    return Date.UTC(year, month - 1, day);
  };
  return Math.round((utc(to) - utc(from)) / DAY_MS);
}

/**
 * A date field's value moved from the day it shows on to the day `to`. A date is just the
 * new day; a date and time keeps its time of day in the zone the field shows it in (its own
 * or the browser's), so 14:30 stays 14:30 across a daylight saving change, seconds and all.
 */
function movedValue(field, value, from, to) {
  if (!field.date_include_time) {
    return to;
  }
  const [day, time] = dateInputValue(field, value).split("T");
  const before = Date.parse(dateFromInput(field, `${day}T${time}`));
  const after = Date.parse(dateFromInput(field, `${addDays(day, daysBetween(from, to))}T${time}`));
  return new Date(Date.parse(value) + (after - before)).toISOString();
}

export function mount(ctx) {
  const today = new Date();
  let month = new Date(today.getFullYear(), today.getMonth(), 1);
  let days = {};
  /** The entry being dragged: its row and the day it is on. */
  let dragged = null;
  let saving = false;
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  // Says where a moved entry went (for screen readers); kept across redraws.
  const status = el("p", { class: "visually-hidden", role: "status" });

  const dateField = () => ctx.state.fields.find((f) => f.id === ctx.state.view.date_field);
  /** Entries move only when the date is the row's own (not a created/modified date). */
  const movable = () => dateField()?.type === "date";

  /** The 6 weeks shown: from the Monday on or before the 1st. */
  function range() {
    const start = new Date(month);
    start.setDate(1 - ((start.getDay() + 6) % 7));
    const end = new Date(start);
    end.setDate(start.getDate() + 42);
    return { start, end };
  }

  /** The view has no (or no longer a) date field: ask for one. */
  function chooseField() {
    askForField(ctx, {
      id: "calendar-setup",
      heading: "Place rows by a date field",
      missing: "This table has no date field yet. Add one in a grid view, then come back.",
      hint: "Each row appears on the day its date falls on.",
      choices: ctx.state.fields.filter((f) => f.type === "date"),
      pickId: "calendar-field",
      pickLabel: "Date field",
      key: "date_field",
      chosen: () => refresh(),
    });
  }

  function step(delta) {
    month = new Date(month.getFullYear(), month.getMonth() + delta, 1);
    refresh();
  }

  const entryNode = (rowId) => ctx.root.querySelector(`.calendar-entry[data-row-id="${rowId}"]`);
  const dayLabel = (key) => fromKey(key).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });

  /**
   * Moves a row from the day `from` to the day `to`: shown there at once, then PATCHed;
   * a failed save puts the entry back and says why. `focus` keeps the keyboard on it.
   */
  async function move(row, from, to, focus = false) {
    const field = dateField();
    const value = row[`field_${field.id}`];
    if (from === to || saving || !movable() || !value) {
      return;
    }
    saving = true;
    ctx.root.dataset.state = "saving";
    const node = entryNode(row.id);
    const home = node && { parent: node.parentNode, next: node.nextSibling };
    const list = ctx.root.querySelector(`.calendar-day[data-date="${to}"] .calendar-entries`);
    if (node && list) {
      list.insertBefore(node, list.querySelector(".calendar-more"));
      if (focus) {
        node.focus();
      }
    }
    try {
      await ctx.api.patch(`/database/rows/table/${ctx.tableId}/${row.id}/`, {
        [`field_${field.id}`]: movedValue(field, value, from, to),
      });
    } catch (error) {
      if (node && list) {
        home.parent.insertBefore(node, home.next);
        if (focus) {
          node.focus();
        }
      }
      saving = false;
      ctx.root.dataset.state = "ready";
      ctx.showError(error);
      return;
    }
    saving = false;
    if (!list) {
      // Moved off the six weeks shown (by keyboard): follow it to its month.
      const date = fromKey(to);
      month = new Date(date.getFullYear(), date.getMonth(), 1);
    }
    await refresh();
    status.textContent = `${rowTitle(ctx.state, row)} moved to ${dayLabel(to)}`;
    if (focus) {
      entryNode(row.id)?.focus();
    }
  }

  function entry(row, key) {
    const canMove = movable();
    // Not a <button>: browsers start no drag from a button.
    const node = el("div", {
      role: "button",
      tabIndex: 0,
      class: "calendar-entry",
      "data-row-id": String(row.id),
      textContent: rowTitle(ctx.state, row),
      draggable: canMove,
      title: canMove ? `${rowTitle(ctx.state, row)} (drag to another day, or Alt+arrow keys)` : undefined,
      "aria-keyshortcuts": canMove ? "Alt+ArrowLeft Alt+ArrowRight Alt+ArrowUp Alt+ArrowDown" : undefined,
      onclick: (event) => {
        event.stopPropagation();
        ctx.openRow(row);
      },
    });
    node.addEventListener("keydown", (event) => {
      const step = KEY_STEPS[event.key];
      if ((event.key === "Enter" || event.key === " ") && !event.altKey) {
        event.preventDefault();
        ctx.openRow(row);
      } else if (canMove && step && event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        // Alt+← is also the browser's Back: this entry has the key.
        event.preventDefault();
        move(row, key, addDays(key, step), true);
      }
    });
    if (!canMove) {
      return node;
    }
    node.addEventListener("dragstart", (event) => {
      dragged = { row, from: key };
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", String(row.id));
      node.classList.add("dragging");
    });
    node.addEventListener("dragend", () => {
      dragged = null;
      node.classList.remove("dragging");
      for (const day of ctx.root.querySelectorAll(".calendar-day.drop-target")) {
        day.classList.remove("drop-target");
      }
    });
    return node;
  }

  function dayCell(date) {
    const key = dayKey(date);
    const bucket = days[key] || { count: 0, results: [] };
    const label = dayLabel(key);
    const list = el("div", { class: "calendar-entries" }, ...bucket.results.slice(0, DAY_LIMIT).map((row) => entry(row, key)));
    if (bucket.count > DAY_LIMIT) {
      list.append(el("span", { class: "calendar-more", textContent: `+${bucket.count - DAY_LIMIT} more` }));
    }
    const cell = el(
      "div",
      {
        class: "calendar-day",
        role: "gridcell",
        "data-date": key,
        "aria-label": label,
      },
      el(
        "div",
        { class: "calendar-day-head" },
        el("span", { class: "calendar-date", textContent: String(date.getDate()) }),
        el("button", {
          type: "button",
          class: "calendar-add",
          textContent: "+",
          "aria-label": `Add a row on ${label}`,
          onclick: (event) => {
            event.stopPropagation();
            addRow(date);
          },
        }),
      ),
      list,
    );
    if (date.getMonth() !== month.getMonth()) {
      cell.classList.add("other-month");
    }
    if (key === dayKey(today)) {
      cell.classList.add("today");
    }
    // A click on the day itself (not on an entry) adds a row there.
    cell.addEventListener("click", () => addRow(date));
    cell.addEventListener("dragover", (event) => {
      if (dragged) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        cell.classList.add("drop-target");
      }
    });
    cell.addEventListener("dragleave", (event) => {
      if (!cell.contains(event.relatedTarget)) {
        cell.classList.remove("drop-target");
      }
    });
    cell.addEventListener("drop", (event) => {
      event.preventDefault();
      cell.classList.remove("drop-target");
      if (dragged) {
        move(dragged.row, dragged.from, key);
      }
    });
    return cell;
  }

  function render() {
    const { start } = range();
    const title = month.toLocaleDateString(undefined, { month: "long", year: "numeric" });
    const head = el(
      "div",
      { class: "calendar-head" },
      el("button", { type: "button", class: "btn btn-small", id: "calendar-prev", textContent: "‹", "aria-label": "Previous month", onclick: () => step(-1) }),
      el("h2", { id: "calendar-title", textContent: title }),
      el("button", { type: "button", class: "btn btn-small", id: "calendar-next", textContent: "›", "aria-label": "Next month", onclick: () => step(1) }),
      el("button", {
        type: "button",
        class: "btn btn-small btn-quiet",
        textContent: "Today",
        onclick: () => {
          month = new Date(today.getFullYear(), today.getMonth(), 1);
          refresh();
        },
      }),
      el("span", { class: "calendar-field", textContent: `by ${dateField().name}` }),
    );
    const grid = el("div", { class: "calendar-grid", role: "grid", "aria-label": title });
    const weekdays = el("div", { class: "calendar-row calendar-weekdays", role: "row" });
    for (const name of WEEKDAYS) {
      weekdays.append(el("div", { class: "calendar-weekday", role: "columnheader", textContent: name }));
    }
    grid.append(weekdays);
    for (let week = 0; week < 6; week++) {
      const row = el("div", { class: "calendar-row", role: "row" });
      for (let d = 0; d < 7; d++) {
        const date = new Date(start);
        date.setDate(start.getDate() + week * 7 + d);
        row.append(dayCell(date));
      }
      grid.append(row);
    }
    ctx.root.removeAttribute("aria-busy");
    ctx.root.replaceChildren(head, grid, status);
    ctx.canAdd(true);
    let total = 0;
    for (const [key, bucket] of Object.entries(days)) {
      if (key.startsWith(dayKey(month).slice(0, 7))) {
        total += bucket.count || 0;
      }
    }
    ctx.showCount(total);
    ctx.root.dataset.state = "ready";
    ctx.root.dataset.month = dayKey(month).slice(0, 7);
  }

  async function refresh() {
    if (!dateField()) {
      chooseField();
      return;
    }
    const { start, end } = range();
    try {
      const page = await ctx.api.get(`/database/views/calendar/${ctx.viewId}/`, {
        query: {
          from_timestamp: start.toISOString(),
          to_timestamp: end.toISOString(),
          user_timezone: timezone,
          limit: DAY_LIMIT,
        },
      });
      days = page.rows || {};
      render();
    } catch (error) {
      ctx.showError(error);
    }
  }

  /** Adds a row dated `date` (at 09:00 local time when the field keeps a time) and opens it. */
  async function addRow(date = today) {
    const field = dateField();
    if (!field) {
      return;
    }
    let value = dayKey(date);
    if (field.date_include_time) {
      value = new Date(date.getFullYear(), date.getMonth(), date.getDate(), 9).toISOString();
    }
    try {
      const row = await ctx.api.post(`/database/rows/table/${ctx.tableId}/`, { [`field_${field.id}`]: value });
      await refresh();
      ctx.openRow(row);
    } catch (error) {
      ctx.showError(error);
    }
  }

  ctx.root.dataset.state = "loading";
  ctx.root.setAttribute("aria-busy", "true");
  ctx.root.replaceChildren(el("p", { class: "view-loading", role: "status", textContent: "Loading the calendar…" }));
  refresh();
  return { refresh, addRow: () => addRow(today) };
}
