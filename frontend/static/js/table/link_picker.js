//! The link picker: a popup under a grid cell (or an expanded row's link field) that
//! changes a `link_row` field's links. It lists the current links as chips (each opens the
//! linked row, "×" removes it), and searches the linked table's rows by primary text as
//! you type (debounced, the first 20 matches); a click or Enter on a row links it (or
//! unlinks it when already linked; picking replaces the link when the field allows only
//! one), and "+ Create row "<text>"" creates a row with that primary text there and links
//! it. Arrows move through the list, Escape or Tab or a click outside closes. Every change
//! is saved at once through `save` (the normal row PATCH, as ids).

import { linkChip, linkIds, linkText, linksOf } from "./links.js";
import { openLinkedRow } from "./linked_row_dialog.js";
import { canCreate, createRow, linkedTable, searchRows, SEARCH_SIZE } from "./linked_rows.js";

/** Milliseconds of typing pause before the search runs. */
const DEBOUNCE_MS = 200;
/** The popup is as wide as what it sits under, and at least this wide (window allowing). */
const MIN_WIDTH = 300;
let popups = 0;

/**
 * Opens the picker.
 * @param {object} options
 * @param {HTMLElement} options.anchor  what the popup sits under (a cell, a field's box)
 * @param {object} options.field  the link_row field
 * @param {object[]} options.links  its current links, `[{id, value}]`
 * @param {function(number[], object[]): Promise<object|undefined>} options.save  saves the
 *   ids (and the links to show meanwhile); answers the saved row, undefined when it failed
 * @param {boolean} [options.showChips]  list the current links in the popup (default true)
 * @param {string} [options.initialText]  the search to start with (a key typed on the cell)
 * @param {function(object[]): void} [options.onChange]  the links shown changed
 * @param {function(): void} [options.onClose]
 * @returns {{popup: HTMLElement, close: function(): void}}
 */
export function openLinkPicker({ anchor, field, links, save, showChips = true, initialText = "", onChange, onClose }) {
  const multiple = field.link_row_multiple_relationships !== false;
  const tableId = field.link_row_table_id;
  let current = linksOf(links).map(({ id, value }) => ({ id, value }));
  let confirmed = current.slice();
  let linked = null;
  let results = [];
  let count = 0;
  let active = 0;
  let state = "loading"; // loading | ready | error
  let message = "";
  let saving = 0;
  let creating = false;
  let searchTimer = 0;
  let searchController = null;
  // Enter pressed before the results of what was typed arrived: the first of them (or
  // "create") is chosen when they come, as if Enter had waited for them.
  let chooseWhenReady = false;
  let closed = false;
  popups += 1;
  const listId = `link-results-${popups}`;

  const popup = document.createElement("div");
  popup.className = "link-popup";
  popup.setAttribute("role", "dialog");
  popup.setAttribute("aria-label", `Links of ${field.name}`);
  const chosen = document.createElement("div");
  chosen.className = "link-chosen";
  const search = document.createElement("input");
  search.type = "text";
  search.className = "link-search";
  search.placeholder = "Search rows";
  search.autocomplete = "off";
  search.setAttribute("aria-label", `Search rows to link in ${field.name}`);
  search.setAttribute("role", "combobox");
  search.setAttribute("aria-controls", listId);
  search.setAttribute("aria-expanded", "true");
  search.setAttribute("aria-autocomplete", "list");
  search.value = initialText ?? "";
  const list = document.createElement("ul");
  list.className = "link-results";
  list.id = listId;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", `Rows to link in ${field.name}`);
  const status = document.createElement("p");
  status.className = "link-status";
  status.setAttribute("aria-live", "polite");
  popup.append(...(showChips ? [chosen] : []), search, list, status);

  /** The list's entries: the rows found, then "create" when there is text to create. */
  function entries() {
    const term = search.value.trim();
    const items = results.map((row) => ({ kind: "row", row }));
    if (term !== "" && linked && canCreate(linked) && state !== "loading") {
      items.push({ kind: "create", text: term });
    }
    return items;
  }

  function draw() {
    if (showChips) {
      chosen.replaceChildren(
        ...current.map((link) => linkChip(link, { open: openRow, remove: (l) => unlink(l.id) })),
      );
      chosen.hidden = current.length === 0;
    }
    const items = entries();
    active = Math.max(0, Math.min(active, items.length - 1));
    list.replaceChildren(
      ...items.map((item, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.classList.toggle("active", i === active);
        if (item.kind === "row") {
          const isLinked = current.some((l) => l.id === item.row.id);
          li.id = `${listId}-${item.row.id}`;
          li.dataset.rowId = String(item.row.id);
          li.setAttribute("aria-selected", String(isLinked));
          const mark = document.createElement("span");
          mark.className = "select-mark";
          mark.setAttribute("aria-hidden", "true");
          mark.textContent = isLinked ? "✓" : "";
          const text = document.createElement("span");
          text.className = "link-result-text";
          text.textContent = linkText(item.row);
          text.classList.toggle("unnamed", item.row.value.trim() === "");
          const id = document.createElement("span");
          id.className = "link-result-id";
          id.textContent = `#${item.row.id}`;
          li.append(mark, text, id);
        } else {
          li.id = `${listId}-create`;
          li.classList.add("link-create");
          li.setAttribute("aria-selected", "false");
          const plus = document.createElement("span");
          plus.className = "select-mark";
          plus.setAttribute("aria-hidden", "true");
          plus.textContent = "+";
          const text = document.createElement("span");
          text.className = "link-result-text";
          text.textContent = `Create row “${item.text}”`;
          li.append(plus, text);
        }
        // Keeps the focus in the search box (a blur would close the popup).
        li.addEventListener("mousedown", (e) => e.preventDefault());
        li.addEventListener("click", () => {
          active = i;
          choose(item);
        });
        return li;
      }),
    );
    const activeItem = list.children[active];
    if (activeItem) {
      search.setAttribute("aria-activedescendant", activeItem.id);
      activeItem.scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
    status.textContent = statusText();
    status.classList.toggle("form-error", state === "error");
    status.hidden = status.textContent === "";
    popup.classList.toggle("busy", state === "loading" || saving > 0 || creating);
  }

  function statusText() {
    const term = search.value.trim();
    const tableName = linked?.table.name ?? "the linked table";
    if (state === "error") {
      return message;
    }
    if (state === "loading") {
      return results.length === 0 ? "Searching…" : "";
    }
    if (message) {
      return message;
    }
    if (results.length === 0) {
      if (term === "") {
        return canCreate(linked ?? {}) ? `${tableName} has no rows yet: type a name to create one.` : `${tableName} has no rows yet.`;
      }
      return `No row of ${tableName} matches “${term}”.`;
    }
    if (count > results.length) {
      return `The first ${results.length} of ${count.toLocaleString()} rows: type to narrow them down.`;
    }
    return "";
  }

  /** Searches the linked table for what is typed (the latest search wins). */
  async function runSearch() {
    searchController?.abort();
    const controller = new AbortController();
    searchController = controller;
    state = "loading";
    draw();
    try {
      linked = linked ?? (await linkedTable(tableId));
      search.placeholder = `Search ${linked.table.name}`;
      const found = await searchRows(linked, search.value, controller.signal);
      if (searchController !== controller) {
        return;
      }
      results = found.rows.slice(0, SEARCH_SIZE);
      count = found.count;
      state = "ready";
    } catch (error) {
      if (error.name === "AbortError" || searchController !== controller) {
        return;
      }
      state = "error";
      message = `The rows could not be searched: ${error.message}`;
      chooseWhenReady = false;
    }
    draw();
    if (chooseWhenReady && state === "ready") {
      chooseWhenReady = false;
      const items = entries();
      if (items[active]) {
        choose(items[active]);
      }
    }
  }

  function scheduleSearch() {
    clearTimeout(searchTimer);
    message = "";
    active = 0;
    chooseWhenReady = false;
    searchTimer = setTimeout(() => {
      searchTimer = 0;
      runSearch();
    }, DEBOUNCE_MS);
  }

  /** Enter in the search box: the active entry, or, while the results of what was typed
   * are still coming, the first of them once they are here. */
  function enter(items) {
    if (searchTimer) {
      clearTimeout(searchTimer);
      searchTimer = 0;
      chooseWhenReady = true;
      runSearch();
    } else if (state === "loading") {
      chooseWhenReady = true;
    } else if (items[active]) {
      choose(items[active]);
    }
  }

  function choose(item) {
    if (item.kind === "create") {
      create(item.text);
      return;
    }
    if (current.some((l) => l.id === item.row.id)) {
      unlink(item.row.id);
    } else {
      link(item.row);
    }
  }

  function link(row) {
    current = multiple ? current.concat([{ id: row.id, value: row.value }]) : [{ id: row.id, value: row.value }];
    commit();
    if (!multiple) {
      close();
    }
  }

  function unlink(id) {
    current = current.filter((l) => l.id !== id);
    commit();
  }

  async function create(text) {
    if (creating) {
      return;
    }
    creating = true;
    message = `Creating “${text}”…`;
    draw();
    try {
      const row = await createRow(linked, text);
      creating = false;
      message = "";
      search.value = "";
      results = [];
      link(row);
      if (!closed) {
        scheduleSearch();
      }
    } catch (error) {
      creating = false;
      state = "error";
      message = `The row could not be created: ${error.message}`;
      draw();
    }
  }

  /** Saves the links as they are now; the latest save's answer is what the popup shows. */
  let commits = 0;
  async function commit() {
    commits += 1;
    const mine = commits;
    const wanted = current.slice();
    message = "";
    if (state === "error") {
      state = "ready";
    }
    saving += 1;
    draw();
    onChange?.(wanted);
    const saved = await save(linkIds(wanted), wanted);
    saving -= 1;
    if (mine !== commits) {
      return;
    }
    if (saved) {
      current = linksOf(saved[`field_${field.id}`]).map(({ id, value }) => ({ id, value }));
      confirmed = current.slice();
    } else {
      current = confirmed.slice();
      state = "error";
      message = "The change could not be saved.";
    }
    if (!closed) {
      draw();
      onChange?.(current);
    }
  }

  /** Opens a linked row over the popup; the search has the focus again once it is closed. */
  function openRow(link) {
    openLinkedRow(tableId, link).addEventListener("close", () => {
      if (!closed) {
        search.focus();
      }
    });
  }

  function close() {
    if (closed) {
      return;
    }
    closed = true;
    clearTimeout(searchTimer);
    searchController?.abort();
    resizes.disconnect();
    document.removeEventListener("pointerdown", outside, true);
    document.removeEventListener("scroll", place, true);
    window.removeEventListener("resize", place);
    popup.remove();
    onClose?.();
  }

  function outside(event) {
    // The linked row opened from a chip is over the popup, not outside it.
    if (!popup.contains(event.target) && !event.target.closest?.(".linked-row-dialog")) {
      close();
    }
  }

  const resizes = new ResizeObserver(place);
  search.addEventListener("input", scheduleSearch);
  popup.addEventListener("keydown", (event) => {
    event.stopPropagation();
    const items = entries();
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        event.preventDefault();
        active = Math.max(0, Math.min(items.length - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
        draw();
        break;
      case "Enter":
        if (event.target === search) {
          event.preventDefault();
          enter(items);
        }
        break;
      case "Tab":
        event.preventDefault();
        close();
        break;
      case "Escape":
        event.preventDefault();
        close();
        break;
      default:
        break;
    }
  });

  /** Under the anchor, or above it when there is no room below; always inside the window. */
  function place() {
    const rect = anchor.getBoundingClientRect();
    popup.style.width = `${Math.min(window.innerWidth - 8, Math.max(rect.width, MIN_WIDTH))}px`;
    popup.style.left = `${Math.max(4, Math.min(rect.left, window.innerWidth - popup.offsetWidth - 4))}px`;
    const below = window.innerHeight - rect.bottom;
    if (below < popup.offsetHeight + 4 && rect.top > below) {
      popup.style.top = `${Math.max(4, rect.top - popup.offsetHeight)}px`;
    } else {
      popup.style.top = `${Math.min(rect.bottom, Math.max(4, window.innerHeight - popup.offsetHeight - 4))}px`;
    }
  }

  // Inside a modal dialog (the expanded row), the popup must be in the dialog to be usable.
  (anchor.closest("dialog") || document.body).append(popup);
  draw();
  place();
  resizes.observe(popup);
  resizes.observe(anchor);
  window.addEventListener("resize", place);
  document.addEventListener("scroll", place, true);
  document.addEventListener("pointerdown", outside, true);
  search.focus();
  runSearch();
  return { popup, close };
}
