// The gallery view: rows as cards. Takes over the cards the server rendered (from the
// bootstrap's rows, no second request); a card opens the expanded row, "+ Row" adds one,
// and more cards load on demand.

import { el } from "../table/dom.js";
import { cardBody, cardCover } from "./shared.js";

const PAGE = 80;

export function mount(ctx) {
  let rows = ctx.boot.rows || [];
  let count = ctx.boot.count ?? rows.length;
  const list = el("div", { class: "row-cards gallery-cards", role: "list", "aria-label": "Cards" });
  const more = el("button", { type: "button", class: "btn btn-small", id: "gallery-more", textContent: "Show more" });
  const footer = el("div", { class: "gallery-more" }, more);
  const empty = el(
    "div",
    { class: "empty-state view-empty" },
    el("p", { textContent: "No rows in this view yet." }),
    el("button", { type: "button", class: "btn btn-primary", textContent: "+ Add the first row", onclick: () => addRow() }),
  );

  function card(row) {
    const node = el(
      "article",
      {
        class: "row-card gallery-card",
        role: "listitem",
        tabIndex: 0,
        "data-row-id": String(row.id),
        "aria-label": `Open row ${row.id}`,
      },
      cardCover(ctx.state, row),
      cardBody(ctx.state, row),
    );
    ctx.decorate?.(node, row);
    const open = () => ctx.openRow(row);
    node.addEventListener("click", (event) => {
      if (!event.target.closest("a")) {
        open();
      }
    });
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        open();
      }
    });
    return node;
  }

  function render() {
    // A live change redraws every card: the one a keyboard user is on keeps the focus.
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.rowId : null;
    list.replaceChildren(...rows.map(card));
    if (focused) {
      list.querySelector(`.gallery-card[data-row-id="${focused}"]`)?.focus({ preventScroll: true });
    }
    footer.hidden = rows.length >= count;
    ctx.showCount(count);
    if (rows.length === 0) {
      ctx.root.replaceChildren(empty);
    } else {
      ctx.root.replaceChildren(list, footer);
    }
    ctx.root.dataset.state = "ready";
  }

  async function load(limit) {
    const page = await ctx.api.get(`/database/views/gallery/${ctx.viewId}/`, { query: { limit, offset: 0 } });
    rows = page.results;
    count = page.count;
    render();
  }

  async function refresh() {
    try {
      await load(Math.max(PAGE, rows.length));
    } catch (error) {
      ctx.showError(error);
    }
  }

  async function addRow() {
    try {
      const row = await ctx.api.post(`/database/rows/table/${ctx.tableId}/`, {});
      await refresh();
      ctx.openRow(row);
    } catch (error) {
      ctx.showError(error);
    }
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      await load(rows.length + PAGE);
    } catch (error) {
      ctx.showError(error);
    } finally {
      more.disabled = false;
    }
  });

  render();
  return { refresh, addRow };
}
