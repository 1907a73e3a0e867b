// The kanban view: one column per option of the view's single select field, plus
// "Uncategorised" for rows without one. Cards move between columns by drag and drop or
// with their "Move to" menu (keyboard); either PATCHes the row's select value. A view
// without a single select field first asks for one.

import { el } from "../table/dom.js";
import { askForField, cardBody, cardCover } from "./shared.js";

const UNCATEGORISED = "null";

const PAGE = 40;
/** The most cards of a column one request reloads (the API's cap per column). */
const MAX_RELOAD = 200;

export function mount(ctx) {
  let buckets = {};
  let dragged = null;
  /** Cards loaded per column (by "Show more"), by column key. */
  const limits = {};

  const selectField = () => ctx.state.fields.find((f) => f.id === ctx.state.view.single_select_field);

  function loading() {
    ctx.root.dataset.state = "loading";
    ctx.root.setAttribute("aria-busy", "true");
    ctx.root.replaceChildren(el("p", { class: "view-loading", role: "status", textContent: "Loading the board…" }));
  }

  /** The view has no (or no longer a) single select field: ask for one. */
  function chooseField() {
    askForField(ctx, {
      id: "kanban-setup",
      heading: "Group cards by a single select field",
      missing: "This table has no single select field yet. Add one in a grid view (its options become the columns), then come back.",
      hint: "Each of its options becomes a column; rows without one are Uncategorised.",
      choices: ctx.state.fields.filter((f) => f.type === "single_select"),
      pickId: "kanban-field",
      pickLabel: "Single select field",
      key: "single_select_field",
      chosen: () => refresh(),
    });
  }

  function columns(field) {
    return [
      { key: UNCATEGORISED, name: "Uncategorised", option: null },
      ...(field.select_options || []).map((o) => ({ key: String(o.id), name: o.value, option: o })),
    ];
  }

  async function move(row, key) {
    const field = selectField();
    const current = row[`field_${field.id}`]?.id ?? null;
    const target = key === UNCATEGORISED ? null : Number(key);
    if (current === target) {
      return;
    }
    // Shown at once in the new column; the reload afterwards puts it where the view's order says.
    ctx.root.dataset.state = "saving";
    const card = ctx.root.querySelector(`.kanban-card[data-row-id="${row.id}"]`);
    ctx.root.querySelector(`.kanban-column[data-option="${key}"] .kanban-cards`)?.append(card);
    try {
      await ctx.api.patch(`/database/rows/table/${ctx.tableId}/${row.id}/`, { [`field_${field.id}`]: target });
      ctx.rowsChanged?.([row.id]);
    } catch (error) {
      ctx.showError(error);
    }
    await refresh();
  }

  function card(row, field, all) {
    const current = row[`field_${field.id}`]?.id ?? null;
    const menu = el(
      "select",
      { class: "kanban-move", "aria-label": "Move to column" },
      ...all.map((c) =>
        el("option", {
          value: c.key,
          textContent: c.key === (current === null ? UNCATEGORISED : String(current)) ? `In ${c.name}` : `Move to ${c.name}`,
          selected: c.key === (current === null ? UNCATEGORISED : String(current)),
        }),
      ),
    );
    menu.addEventListener("change", () => move(row, menu.value));
    menu.addEventListener("click", (event) => event.stopPropagation());
    const node = el(
      "article",
      { class: "row-card kanban-card", draggable: true, tabIndex: 0, "data-row-id": String(row.id) },
      cardCover(ctx.state, row),
      cardBody(ctx.state, row),
      menu,
    );
    ctx.decorate?.(node, row);
    node.addEventListener("click", (event) => {
      if (!event.target.closest("a, select")) {
        ctx.openRow(row);
      }
    });
    node.addEventListener("keydown", (event) => {
      if (event.target === node && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        ctx.openRow(row);
      }
    });
    node.addEventListener("dragstart", (event) => {
      dragged = row;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", String(row.id));
      node.classList.add("dragging");
    });
    node.addEventListener("dragend", () => {
      dragged = null;
      node.classList.remove("dragging");
    });
    return node;
  }

  function column(col, field, all) {
    const bucket = buckets[col.key] || { count: 0, results: [] };
    const cards = el("div", { class: "kanban-cards" }, ...bucket.results.map((row) => card(row, field, all)));
    if (bucket.results.length === 0) {
      cards.append(el("p", { class: "kanban-empty", textContent: "No cards" }));
    }
    if (bucket.count > bucket.results.length) {
      cards.append(
        el("button", {
          type: "button",
          class: "btn btn-small kanban-more",
          textContent: `Show more (${bucket.count - bucket.results.length})`,
          onclick: () => more(col.key),
        }),
      );
    }
    const add = el("button", {
      type: "button",
      class: "btn btn-quiet btn-small kanban-add",
      textContent: "+ Card",
      "aria-label": `Add a card to ${col.name}`,
      onclick: () => addRow(col.option ? col.option.id : null),
    });
    const chipClass = col.option ? `chip chip-${String(col.option.color || "light-gray").replace(/[^a-z-]/g, "")}` : "chip";
    const section = el(
      "section",
      { class: "kanban-column", "data-option": col.key, "aria-label": col.name },
      el(
        "header",
        { class: "kanban-column-header" },
        el("span", { class: chipClass, textContent: col.name }),
        el("span", { class: "kanban-count", textContent: String(bucket.count) }),
      ),
      cards,
      add,
    );
    section.addEventListener("dragover", (event) => {
      if (dragged) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        section.classList.add("drop-target");
      }
    });
    section.addEventListener("dragleave", (event) => {
      if (!section.contains(event.relatedTarget)) {
        section.classList.remove("drop-target");
      }
    });
    section.addEventListener("drop", (event) => {
      event.preventDefault();
      section.classList.remove("drop-target");
      if (dragged) {
        move(dragged, col.key);
      }
    });
    return section;
  }

  /** The next cards of one column, after those shown. */
  async function more(key) {
    const bucket = buckets[key];
    try {
      const option = encodeURIComponent(`${key},${PAGE},${bucket.results.length}`);
      const page = await ctx.api.get(`/database/views/kanban/${ctx.viewId}/?select_option=${option}`);
      const next = page.rows?.[key];
      if (next) {
        buckets[key] = { count: next.count, results: bucket.results.concat(next.results) };
        limits[key] = buckets[key].results.length;
        render();
      }
    } catch (error) {
      ctx.showError(error);
    }
  }

  function render() {
    const field = selectField();
    const all = columns(field);
    const board = el("div", { class: "kanban-board", id: "kanban-board" }, ...all.map((c) => column(c, field, all)));
    // A live change redraws the board: the card a keyboard user is on keeps the focus.
    const focused = ctx.root.contains(document.activeElement) ? document.activeElement.closest(".kanban-card")?.dataset.rowId : null;
    ctx.root.removeAttribute("aria-busy");
    ctx.root.replaceChildren(board);
    if (focused) {
      board.querySelector(`.kanban-card[data-row-id="${focused}"]`)?.focus({ preventScroll: true });
    }
    ctx.canAdd(true);
    ctx.showCount(Object.values(buckets).reduce((n, b) => n + (b.count || 0), 0));
    ctx.root.dataset.state = "ready";
  }

  async function refresh() {
    if (!selectField()) {
      chooseField();
      return;
    }
    try {
      // Every column with the cards it shows (more where "Show more" was used).
      const query = columns(selectField())
        .map((c) => `select_option=${encodeURIComponent(`${c.key},${Math.min(limits[c.key] || PAGE, MAX_RELOAD)},0`)}`)
        .join("&");
      const page = await ctx.api.get(`/database/views/kanban/${ctx.viewId}/?${query}`);
      buckets = page.rows || {};
      render();
    } catch (error) {
      ctx.showError(error);
    }
  }

  async function addRow(optionId = null) {
    const field = selectField();
    try {
      const row = await ctx.api.post(`/database/rows/table/${ctx.tableId}/`, field ? { [`field_${field.id}`]: optionId } : {});
      await refresh();
      ctx.openRow(row);
    } catch (error) {
      ctx.showError(error);
    }
  }

  loading();
  refresh();
  return { refresh, addRow: () => addRow(null) };
}
