// The calendar view: a month of weeks (Monday first) with each row on the day of the
// view's date field. Previous/next month, a click on a day adds a row with that date,
// a click on an entry opens the row. A view without a date field first asks for one.

import { el } from "../table/dom.js";
import { askForField, rowTitle } from "./shared.js";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_LIMIT = 4;

/** A local date as YYYY-MM-DD. */
function dayKey(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function mount(ctx) {
  const today = new Date();
  let month = new Date(today.getFullYear(), today.getMonth(), 1);
  let days = {};
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

  const dateField = () => ctx.state.fields.find((f) => f.id === ctx.state.view.date_field);

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

  function entry(row) {
    return el("button", {
      type: "button",
      class: "calendar-entry",
      "data-row-id": String(row.id),
      textContent: rowTitle(ctx.state, row),
      onclick: (event) => {
        event.stopPropagation();
        ctx.openRow(row);
      },
    });
  }

  function dayCell(date) {
    const key = dayKey(date);
    const bucket = days[key] || { count: 0, results: [] };
    const label = date.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });
    const list = el("div", { class: "calendar-entries" }, ...bucket.results.slice(0, DAY_LIMIT).map(entry));
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
    ctx.root.replaceChildren(head, grid);
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
