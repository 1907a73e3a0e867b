// The grid's DOM: a header of the view's visible fields and a virtually scrolled body that
// only ever holds the rows on screen (plus a margin), so scrolling stays smooth on a
// million rows. It takes over the table the server rendered (same markup, same sizes), so
// nothing moves when the script starts. Selection, keyboard navigation, inline editing and
// multi-cell copy and paste live here; what a change means is the page's business. File
// cells also take files dropped on them or pasted into them (uploads.js uploads them and
// the progress shows in the cell). The editors are in editors/, column resizing in
// resize.js, dragging rows in rowdrag.js.
//
// Filling a table by keyboard: Tab and Shift+Tab save the cell and move right or left
// (wrapping to the next or previous row); Enter on the last row right after a cell was
// saved (by Tab or Enter) adds a row and goes to its first cell (elsewhere Enter opens the
// editor), and keys typed while that row is being created wait for it (then play out as
// if typed there). A value the server refuses comes back into its editor with
// the reason beside the cell.

import { showError } from "./alert.js";
import { isFileField, isReadOnly, renderCell, toText } from "./cells.js";
import { directClick, directKey, openEditor } from "./editors/index.js";
import { acceptedHint, acceptsChar } from "./editors/keys.js";
import { typeLabel } from "./field_dialog.js";
import { fieldIcon } from "./field_icons.js";
import { addResizeHandle } from "./resize.js";
import { RowDrag } from "./rowdrag.js";
import { showCellNotice } from "./cell_notice.js";
import { attachFiles, cellKey, dragHasFiles, uploadItems, uploadsOf, watchUploads } from "./uploads.js";

/** Must match `.grid tbody tr` in app.css. */
export const ROW_HEIGHT = 33;
/** Rows rendered beyond each edge of the visible area. */
const OVERSCAN = 10;
/** Browsers cap element heights (~33.5M px in Chromium); taller grids scroll proportionally. */
const MAX_SCROLL_PX = 15_000_000;

export class Grid {
  /**
   * @param {object} options
   * @param {HTMLElement} options.scroller  the scrolling container (server-rendered)
   * @param {HTMLTableElement} options.table
   * @param {import("./store.js").RowStore} options.store
   * @param {function(): object[]} options.fields  visible fields in order
   * @param {function(object, object, *, *=, function(string)=): Promise<object|undefined>} options.onEdit
   *   (row, field, value, shown until saved, refused): answers the saved row, undefined
   *   when it failed; `refused(message)`, when given, is told why instead of the page
   * @param {function(object[]): void} options.onDeleteRows
   * @param {function(object): void} options.onExpand  open a row
   * @param {function(object): void} options.onHeaderMenu  (field) field settings
   * @param {function(object, HTMLElement, ?{x: number, y: number}): void} [options.onColumnMenu]
   *   (field, its header, where it was right-clicked) opens the column menu
   * @param {function(object, number): void} [options.onResize]  (field, width) a column resized
   * @param {function(): boolean} [options.canMoveRows]  whether rows may be moved (the view
   *   shows the table's own order)
   * @param {function(): Promise<boolean>} [options.onAddRow]  adds a row and puts the cursor in
   *   it; answers whether it did
   * @param {function(): void} [options.onSelect]  the selection changed
   * @param {function(): (string|null)} [options.emptyMessage]  what an empty grid says
   * @param {function(?number, ?number): void} [options.onEditing]  (row id, field id) an
   *   editor opened on that cell; (null, null) it closed
   * @param {import("./others_editing.js").OthersEditing} [options.othersEditing]  cells
   *   other people are editing, marked on the grid
   * @param {function(HTMLTableRowElement, object): void} [options.decorate]  (line, row)
   *   paints a row's line with the view's decorations
   */
  constructor(options) {
    Object.assign(this, options);
    this.thead = this.table.tHead;
    this.tbody = this.table.tBodies[0];
    this.cursor = { row: 0, col: 0 };
    this.anchor = null; // the other corner of a multi-cell selection
    this.editing = null;
    // Whether the user put the cursor somewhere (a click, a key): row actions need that.
    this.placed = false;
    // The save of the cell just left by Tab or Enter (true when nothing changed), until the
    // next key or click: Enter then on the last row adds a row.
    this.lastSave = null;
    // A row being added, and the keys typed meanwhile (played out once it is there).
    this.adding = null;
    this.queued = [];
    // A value the server refused, waiting to be shown again in its editor.
    this.refusal = null;
    this.refusalNotice = null;
    this.frame = 0;
    this.scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    window.addEventListener("resize", () => this.schedule());
    this.scroller.addEventListener("keydown", (e) => this.keydown(e));
    // Copy and paste go to the document when no text is selected; the grid takes them
    // while it has the focus.
    document.addEventListener("copy", (e) => this.ownsFocus() && this.copy(e));
    document.addEventListener("paste", (e) => this.ownsFocus() && this.paste(e));
    this.tbody.addEventListener("mousedown", (e) => this.mousedown(e));
    this.tbody.addEventListener("dblclick", (e) => this.dblclick(e));
    this.tbody.addEventListener("click", (e) => this.click(e));
    this.tbody.addEventListener("dragover", (e) => this.dragOver(e));
    this.tbody.addEventListener("dragleave", (e) => {
      if (!this.tbody.contains(e.relatedTarget)) {
        this.markDropTarget(null);
      }
    });
    this.tbody.addEventListener("drop", (e) => this.drop(e));
    // Upload progress is drawn in the cells.
    watchUploads(() => this.schedule());
    this.topSpacer = document.createElement("tr");
    this.topSpacer.className = "spacer";
    this.bottomSpacer = document.createElement("tr");
    this.bottomSpacer.className = "spacer";
    this.addLine = this.buildAddLine();
    this.emptyLine = document.createElement("tr");
    this.emptyLine.className = "grid-empty";
    this.emptyText = document.createElement("span");
    this.emptyText.className = "grid-empty-text";
    this.emptyLine.append(document.createElement("td"));
    this.emptyLine.firstChild.append(this.emptyText);
    this.rowDrag = new RowDrag(this);
  }

  ownsFocus() {
    return document.activeElement === this.scroller;
  }

  schedule() {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  /** Rebuilds the header (fields changed). */
  renderHeader() {
    const fields = this.fields();
    const colgroup = this.table.querySelector("colgroup");
    const cols = [document.createElement("col")];
    cols[0].className = "col-id";
    for (const field of fields) {
      const col = document.createElement("col");
      col.style.width = `${this.width(field)}px`;
      col.dataset.fieldId = String(field.id);
      cols.push(col);
    }
    const add = document.createElement("col");
    add.className = "col-add";
    cols.push(add);
    colgroup.replaceChildren(...cols);
    const tr = document.createElement("tr");
    const idTh = document.createElement("th");
    idTh.className = "row-id";
    idTh.scope = "col";
    idTh.textContent = "#";
    tr.append(idTh);
    for (const field of fields) {
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.fieldId = String(field.id);
      th.dataset.type = field.type;
      th.append(this.headerContent(field));
      if (this.onColumnMenu) {
        th.addEventListener("contextmenu", (event) => {
          event.preventDefault();
          this.onColumnMenu(field, th, { x: event.clientX, y: event.clientY });
        });
      }
      if (this.onResize) {
        addResizeHandle(th, cols[tr.children.length], field, this.width(field), (f, w) => this.onResize(f, w));
      }
      tr.append(th);
    }
    const addTh = document.createElement("th");
    addTh.className = "add-field";
    const addButton = document.createElement("button");
    addButton.type = "button";
    addButton.id = "add-field";
    addButton.textContent = "+";
    addButton.setAttribute("aria-label", "Add a field");
    addButton.addEventListener("click", () => this.onHeaderMenu(null));
    addTh.append(addButton);
    tr.append(addTh);
    this.thead.replaceChildren(tr);
  }

  /**
   * A header's content: the type's icon and the name (a click opens the field's settings),
   * the description's ⓘ and the ▾ of the column menu. Only the name is text, so the
   * header reads as the field's name.
   */
  headerContent(field) {
    const head = document.createElement("div");
    head.className = "column-head";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "field-name";
    button.title = `${field.name} (${typeLabel(field.type)})`;
    const name = document.createElement("span");
    name.className = "field-name-text";
    name.textContent = field.name;
    button.append(fieldIcon(field.type), name);
    button.addEventListener("click", () => this.onHeaderMenu(field));
    head.append(button);
    if (field.description) {
      // Its text is the marker's name, and so the name button's accessible description.
      const info = document.createElement("span");
      info.className = "field-info";
      info.id = `field-info-${field.id}`;
      info.setAttribute("role", "img");
      info.setAttribute("aria-label", field.description);
      info.title = field.description;
      button.setAttribute("aria-describedby", info.id);
      head.append(info);
    }
    if (this.onColumnMenu) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "field-menu-button";
      more.setAttribute("aria-label", `Options for the field ${field.name}`);
      more.setAttribute("aria-haspopup", "menu");
      more.setAttribute("aria-expanded", "false");
      more.addEventListener("click", () => this.onColumnMenu(field, more.closest("th"), null));
      head.append(more);
    }
    return head;
  }

  width(field) {
    return this.widths?.(field) ?? 200;
  }

  /** Which rows are on screen, and where the rendered block starts. */
  layout() {
    const count = this.store.count;
    const headerHeight = this.thead.offsetHeight || ROW_HEIGHT;
    const viewport = Math.max(ROW_HEIGHT, this.scroller.clientHeight - headerHeight);
    const visible = Math.ceil(viewport / ROW_HEIGHT) + 1;
    const natural = count * ROW_HEIGHT;
    const total = Math.min(natural, MAX_SCROLL_PX);
    const top = this.scroller.scrollTop;
    let first;
    let offset;
    if (natural <= MAX_SCROLL_PX) {
      first = Math.floor(top / ROW_HEIGHT);
      offset = first * ROW_HEIGHT;
    } else {
      const maxScroll = Math.max(1, total - viewport);
      first = Math.floor((Math.min(top, maxScroll) / maxScroll) * Math.max(0, count - visible + 1));
      offset = Math.min(top, total - visible * ROW_HEIGHT);
    }
    first = Math.max(0, Math.min(first, Math.max(0, count - 1)));
    const start = Math.max(0, first - OVERSCAN);
    const end = Math.min(count, first + visible + OVERSCAN);
    const topPad = Math.max(0, offset - (first - start) * ROW_HEIGHT);
    const bottomPad = Math.max(0, total - topPad - (end - start) * ROW_HEIGHT);
    return { first, visible, start, end, topPad, bottomPad };
  }

  /** Draws the rows on screen; asks the store for missing ones. */
  render() {
    if (this.editing) {
      // Moving the edited row in the DOM would take the focus from its editor; the grid
      // is drawn again when the editor closes.
      return;
    }
    const { first, visible, start, end, topPad, bottomPad } = this.layout();
    this.window = { first, visible, start, end };
    this.store.want(first, first + visible);
    const fields = this.fields();
    const rows = [];
    if (topPad > 0) {
      this.topSpacer.style.height = `${topPad}px`;
      rows.push(this.topSpacer);
    }
    for (let index = start; index < end; index += 1) {
      rows.push(this.renderRow(index, this.store.at(index), fields));
    }
    if (bottomPad > 0) {
      this.bottomSpacer.style.height = `${bottomPad}px`;
      rows.push(this.bottomSpacer);
    }
    const span = String(fields.length + 2);
    const empty = this.store.count === 0 ? this.emptyMessage?.() : null;
    if (empty) {
      this.emptyLine.firstChild.colSpan = span;
      this.emptyText.textContent = empty;
      rows.push(this.emptyLine);
    }
    if (this.onAddRow && end >= this.store.count) {
      this.addLine.firstChild.colSpan = span;
      rows.push(this.addLine);
    }
    this.tbody.replaceChildren(...rows);
    this.table.setAttribute("aria-rowcount", String(this.store.count + 1));
    this.markOthersEditing();
    this.onSelect?.();
  }

  /** Rings the drawn cells other people are editing (also while an editor is open here). */
  markOthersEditing() {
    const fields = this.fields();
    this.othersEditing?.draw(this.tbody.querySelectorAll("tr[data-row-id]"), (col) => fields[col]);
  }

  /** The "+" line under the last row: adds a row. */
  buildAddLine() {
    const tr = document.createElement("tr");
    tr.className = "add-row-line";
    const td = document.createElement("td");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "add-row-button";
    button.textContent = "+";
    button.setAttribute("aria-label", "Add a row");
    button.title = "Add a row";
    button.addEventListener("click", () => this.addRow());
    td.append(button);
    tr.append(td);
    return tr;
  }

  /**
   * Adds a row (the page creates it) and puts the cursor in its first cell; keys typed
   * before it exists are kept and played out once it does. `after`, a save in flight,
   * must succeed first (a refused value is corrected before going on).
   */
  async addRow(after = null) {
    if (this.adding || !this.onAddRow) {
      return;
    }
    const create = async () => {
      if (after && !(await after)) {
        return false;
      }
      return this.onAddRow();
    };
    this.adding = create();
    let added = false;
    try {
      added = await this.adding;
    } finally {
      this.adding = null;
    }
    const keys = this.queued;
    this.queued = [];
    if (!added) {
      return;
    }
    this.placed = true;
    if (!this.editing) {
      this.scroller.focus({ preventScroll: true });
    }
    this.replay(keys);
  }

  /**
   * Plays keys typed while a row was being created, as if typed now: each goes to what
   * has the focus (the grid, then the editor it opens). Text is inserted into an editor by
   * hand, as a script's key event types nothing. Keys after one that adds a row again
   * wait for that row.
   */
  replay(keys) {
    for (const [i, { key, shiftKey }] of keys.entries()) {
      if (this.adding) {
        this.queued.push(...keys.slice(i));
        return;
      }
      const target = document.activeElement;
      const event = new KeyboardEvent("keydown", { key, shiftKey, bubbles: true, cancelable: true });
      const typed = target?.dispatchEvent(event);
      const field = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
      if (typed && field && (key.length === 1 || key === "Backspace")) {
        const { selectionStart: from, selectionEnd: to } = target;
        const start = key === "Backspace" && from === to ? Math.max(0, from - 1) : from;
        target.setRangeText(key === "Backspace" ? "" : key, start, to, "end");
        target.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  }

  renderRow(index, row, fields) {
    const tr = document.createElement("tr");
    tr.dataset.index = String(index);
    tr.setAttribute("aria-rowindex", String(index + 2));
    const idTd = document.createElement("td");
    idTd.className = "row-id";
    if (!row) {
      tr.className = "loading";
      tr.append(idTd);
      for (let i = 0; i <= fields.length; i += 1) {
        tr.append(document.createElement("td"));
      }
      return tr;
    }
    tr.dataset.rowId = String(row.id);
    this.decorate?.(tr, row);
    const number = document.createElement("span");
    number.className = "row-count";
    number.textContent = String(row.id);
    const expand = document.createElement("button");
    expand.type = "button";
    expand.className = "row-expand";
    expand.dataset.action = "expand";
    expand.setAttribute("aria-label", `Expand row ${row.id}`);
    expand.textContent = "⤢";
    if (this.canMoveRows?.()) {
      const handle = document.createElement("span");
      handle.className = "row-drag";
      handle.title = "Drag to move the row";
      handle.setAttribute("aria-hidden", "true");
      handle.textContent = "⋮⋮";
      idTd.append(handle);
    }
    idTd.append(number, expand);
    tr.append(idTd);
    fields.forEach((field, col) => {
      const td = document.createElement("td");
      renderCell(td, field, row[`field_${field.id}`]);
      td.dataset.col = String(col);
      if (isFileField(field)) {
        this.decorateFileCell(td, field, row);
      }
      if (this.isSelected(index, col)) {
        td.classList.add("selected");
      }
      if (this.cursor.row === index && this.cursor.col === col) {
        td.classList.add("active");
      }
      tr.append(td);
    });
    tr.append(document.createElement("td"));
    return tr;
  }

  isSelected(index, col) {
    if (!this.anchor) {
      return false;
    }
    const [r0, r1] = [Math.min(this.anchor.row, this.cursor.row), Math.max(this.anchor.row, this.cursor.row)];
    const [c0, c1] = [Math.min(this.anchor.col, this.cursor.col), Math.max(this.anchor.col, this.cursor.col)];
    return index >= r0 && index <= r1 && col >= c0 && col <= c1;
  }

  cellAt(event) {
    const td = event.target.closest("td");
    const tr = td?.parentElement;
    if (!td || !tr || tr.dataset.index === undefined || td.dataset.col === undefined) {
      return null;
    }
    return { row: Number(tr.dataset.index), col: Number(td.dataset.col), td, tr };
  }

  mousedown(event) {
    const cell = this.cellAt(event);
    if (!cell || this.editing?.td === cell.td) {
      return;
    }
    if (event.shiftKey) {
      this.anchor = this.anchor || { ...this.cursor };
    } else {
      this.anchor = null;
    }
    this.cursor = { row: cell.row, col: cell.col };
    this.placed = true;
    this.lastSave = null;
    this.scroller.focus({ preventScroll: true });
    // Only the classes change: replacing the row now would swallow the click that follows.
    this.markSelection();
  }

  markSelection() {
    for (const td of this.tbody.querySelectorAll("td[data-col]")) {
      const index = Number(td.parentElement.dataset.index);
      const col = Number(td.dataset.col);
      td.classList.toggle("selected", this.isSelected(index, col));
      td.classList.toggle("active", this.cursor.row === index && this.cursor.col === col);
    }
    this.onSelect?.();
  }

  /** The loaded rows the user selected (the cursor's row, or a range's), [] when none. */
  selectedRows() {
    if (!this.placed || this.store.count === 0) {
      return [];
    }
    return this.selection().rows.filter(Boolean);
  }

  click(event) {
    const action = event.target.closest("[data-action]");
    if (action?.dataset.action === "expand") {
      const row = this.store.at(Number(action.closest("tr").dataset.index));
      if (row) {
        this.onExpand(row);
      }
      return;
    }
    if (action?.dataset.action === "add-files") {
      const cell = this.cellAt(event);
      if (cell) {
        this.cursor = { row: cell.row, col: cell.col };
        this.anchor = null;
        this.edit();
      }
      return;
    }
    const cell = this.cellAt(event);
    if (!cell) {
      return;
    }
    const field = this.fields()[cell.col];
    const row = this.store.at(cell.row);
    // A checkbox toggles and a star sets a rating with one click, as in a spreadsheet.
    if (field && row && !isReadOnly(field) && !this.editing) {
      const value = directClick(field, row[`field_${field.id}`], event.target);
      if (value !== undefined) {
        this.onEdit(row, field, value);
      }
    }
  }

  dblclick(event) {
    const cell = this.cellAt(event);
    if (cell) {
      this.edit();
    }
  }

  /** Opens the editor of the active cell (typing starts it with that text). */
  edit(initialText) {
    const { row: index, col } = this.cursor;
    const field = this.fields()[col];
    const row = this.store.at(index);
    if (!field || !row || isReadOnly(field)) {
      return;
    }
    if (field.type === "boolean") {
      this.onEdit(row, field, !row[`field_${field.id}`]);
      return;
    }
    const tr = this.tbody.querySelector(`tr[data-index="${index}"]`);
    const td = tr?.querySelector(`td[data-col="${col}"]`);
    if (!td) {
      return;
    }
    this.editing = { td, rowId: row.id, fieldId: field.id, value: JSON.stringify(row[`field_${field.id}`] ?? null) };
    this.onEditing?.(row.id, field.id);
    const done = (value, exit = {}) => {
      this.editing = null;
      this.onEditing?.(null, null);
      this.changedNotice?.remove();
      this.changedNotice = null;
      const saving = value === undefined ? null : this.save(row, field, value, exit.text);
      this.render();
      this.scroller.focus({ preventScroll: true });
      if (exit.move === "next" || exit.move === "previous") {
        this.step(exit.move === "next" ? 1 : -1);
      }
      // Enter next, on the last row, adds a row (once this save has succeeded).
      this.lastSave = exit.move ? saving ?? true : null;
      this.showRefusal();
    };
    // Editors that save as they go (links, files) save through the same edit.
    const save = (value, shown) => this.onEdit(this.store.byId(row.id) ?? row, field, value, shown);
    openEditor(td, field, row[`field_${field.id}`], initialText, done, save, { rowId: row.id });
  }

  /**
   * Rows changed by someone else (a live event): when one holds the cell being edited with
   * a new value, says so beside the editor; saving replaces their value, Escape keeps it.
   */
  changedElsewhere(rows) {
    const editing = this.editing;
    const row = editing && rows.find((r) => r.id === editing.rowId);
    const key = editing && `field_${editing.fieldId}`;
    if (!row || !(key in row) || JSON.stringify(row[key] ?? null) === editing.value) {
      return;
    }
    editing.value = JSON.stringify(row[key] ?? null);
    this.changedNotice = showCellNotice(
      editing.td,
      "Someone else just changed this cell. Saving replaces their value; Escape keeps theirs.",
      { sticky: true, kind: "hint" },
    );
  }

  /** Saves an edited value; a refusal brings `text` back into the cell's editor. */
  async save(row, field, value, text) {
    const refused = (message) => {
      this.refusal = { rowId: row.id, fieldId: field.id, text, message };
      this.showRefusal();
    };
    const saved = await this.onEdit(this.store.byId(row.id) ?? row, field, value, undefined, refused);
    if (saved) {
      this.refusalNotice?.remove();
      this.refusalNotice = null;
    }
    return saved;
  }

  /**
   * Opens the refused cell's editor again with what was typed and says why beside it (the
   * message stays until a save succeeds). While another cell is being edited it waits.
   */
  showRefusal() {
    const refusal = this.refusal;
    if (!refusal || this.editing) {
      return;
    }
    this.refusal = null;
    const index = this.store.indexOf(refusal.rowId);
    const col = this.fields().findIndex((f) => f.id === refusal.fieldId);
    if (index < 0 || col < 0) {
      showError(new Error(refusal.message));
      return;
    }
    this.anchor = null;
    this.cursor = { row: index, col };
    this.reveal();
    this.edit(refusal.text);
    const td = this.editing?.td ?? this.tbody.querySelector(`tr[data-index="${index}"] td[data-col="${col}"]`);
    if (td) {
      this.refusalNotice = showCellNotice(td, refusal.message, { sticky: true });
      td.querySelector(".cell-editor")?.setAttribute("aria-describedby", this.refusalNotice.id);
    }
  }

  /** Moves the cursor one cell right (1) or left (-1), wrapping to the next or previous row. */
  step(direction) {
    const last = this.fields().length - 1;
    let { row, col } = this.cursor;
    col += direction;
    if (col > last && row + 1 < this.store.count) {
      row += 1;
      col = 0;
    } else if (col < 0 && row > 0) {
      row -= 1;
      col = last;
    }
    this.anchor = null;
    this.placed = true;
    this.cursor = { row, col: Math.max(0, Math.min(last, col)) };
    this.reveal();
  }

  keydown(event) {
    // Keys in the header (its buttons, a name being renamed) are theirs, not the cells'.
    if (this.editing || this.thead.contains(event.target)) {
      return;
    }
    if (this.adding) {
      // The new row is on its way: what is typed meanwhile waits for it.
      const text = event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
      if (text || ["Tab", "Enter", "Backspace"].includes(event.key)) {
        event.preventDefault();
        this.queued.push({ key: event.key, shiftKey: event.shiftKey });
      }
      return;
    }
    const lastSave = this.lastSave;
    this.lastSave = null;
    const fields = this.fields();
    const move = (dr, dc) => {
      event.preventDefault();
      if (event.shiftKey) {
        this.anchor = this.anchor || { ...this.cursor };
      } else {
        this.anchor = null;
      }
      this.cursor = {
        row: Math.max(0, Math.min(this.store.count - 1, this.cursor.row + dr)),
        col: Math.max(0, Math.min(fields.length - 1, this.cursor.col + dc)),
      };
      this.placed = true;
      this.reveal();
    };
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      // Alt+↑ / Alt+↓ moves the row itself (in the table's manual order).
      event.preventDefault();
      if (this.canMoveRows && !this.canMoveRows()) {
        return;
      }
      const index = this.cursor.row;
      const row = this.store.at(index);
      const target = event.key === "ArrowUp" ? index - 1 : index + 1;
      if (row && target >= 0 && target < this.store.count) {
        const before = event.key === "ArrowUp" ? this.store.at(target) : this.store.at(target + 1);
        // The neighbour must be loaded (it always is around the cursor), else nothing moves.
        const needed = event.key === "ArrowUp" || target + 1 < this.store.count;
        if (needed && !before) {
          return;
        }
        this.cursor = { ...this.cursor, row: target };
        this.onMoveRow?.(row, before ?? null);
      }
      return;
    }
    switch (event.key) {
      case "ArrowUp":
        return move(-1, 0);
      case "ArrowDown":
        return move(1, 0);
      case "ArrowLeft":
        return move(0, -1);
      case "ArrowRight":
        return move(0, 1);
      case "Tab":
        event.preventDefault();
        return this.step(event.shiftKey ? -1 : 1);
      case "PageDown":
        return move(this.window?.visible || 20, 0);
      case "PageUp":
        return move(-(this.window?.visible || 20), 0);
      case "Home":
        return move(0, -fields.length);
      case "End":
        return move(0, fields.length);
      case "Enter":
      case "F2": {
        event.preventDefault();
        // An empty grid has no cell to edit, and a row just filled in is done: Enter
        // starts a new row.
        const onLastRow = this.cursor.row === this.store.count - 1;
        if (event.key === "Enter" && (this.store.count === 0 || (lastSave && onLastRow))) {
          return this.addRow(lastSave === true ? null : lastSave);
        }
        return this.edit();
      }
      case "Escape":
        this.placed = this.placed && this.anchor !== null;
        this.anchor = null;
        return this.render();
      case "Delete":
      case "Backspace":
        event.preventDefault();
        return this.clearSelection();
      default:
        if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
          event.preventDefault();
          if (!this.directEdit(event.key)) {
            this.typeInto(event.key);
          }
        }
    }
  }

  /** Applies a key that changes the active cell without an editor (Space, a digit). */
  directEdit(key) {
    const field = this.fields()[this.cursor.col];
    const row = this.store.at(this.cursor.row);
    if (!field || !row || isReadOnly(field)) {
      return false;
    }
    const value = directKey(field, row[`field_${field.id}`], key);
    if (value === undefined) {
      return false;
    }
    this.onEdit(row, field, value);
    return true;
  }

  /** Opens the active cell's editor with a typed key, unless the cell cannot take that key. */
  typeInto(key) {
    const field = this.fields()[this.cursor.col];
    if (field && !isReadOnly(field) && !acceptsChar(field, key)) {
      const td = this.tbody.querySelector(`tr[data-index="${this.cursor.row}"] td[data-col="${this.cursor.col}"]`);
      if (td) {
        showCellNotice(td, acceptedHint(field), { kind: "hint" });
      }
      return;
    }
    this.edit(key);
  }

  /** Scrolls the cursor's row into view and redraws. */
  reveal() {
    // Drawn first, so the body is as tall as the rows are (a row just added included).
    this.render();
    const { first, visible } = this.layout();
    const row = this.cursor.row;
    const natural = this.store.count * ROW_HEIGHT <= MAX_SCROLL_PX;
    if (natural) {
      // The body's room under the sticky header; the last row shows the "+" line under it.
      const room = this.scroller.clientHeight - (this.thead.offsetHeight || ROW_HEIGHT);
      const bottom = (row + 1) * ROW_HEIGHT + (row === this.store.count - 1 && this.onAddRow ? ROW_HEIGHT : 0);
      if (row * ROW_HEIGHT < this.scroller.scrollTop) {
        this.scroller.scrollTop = row * ROW_HEIGHT;
      } else if (bottom > this.scroller.scrollTop + room) {
        this.scroller.scrollTop = bottom - room;
      }
    } else if (row < first || row >= first + visible - 1) {
      const ratio = row / Math.max(1, this.store.count - 1);
      this.scroller.scrollTop = ratio * (this.scroller.scrollHeight - this.scroller.clientHeight);
    }
    this.revealColumn();
    this.render();
  }

  /** Scrolls sideways so the cursor's column shows beside the frozen columns. */
  revealColumn() {
    const cells = this.thead.rows[0]?.cells;
    const th = cells?.[this.cursor.col + 1];
    if (!th) {
      return;
    }
    if (this.cursor.col === 0) {
      return; // the primary column is frozen: always in view
    }
    const frozen = cells[0].offsetWidth + cells[1].offsetWidth;
    const left = th.offsetLeft;
    const right = left + th.offsetWidth;
    if (right > this.scroller.scrollLeft + this.scroller.clientWidth) {
      this.scroller.scrollLeft = right - this.scroller.clientWidth;
    }
    // A column wider than the room beside the frozen ones shows its start.
    if (left - frozen < this.scroller.scrollLeft) {
      this.scroller.scrollLeft = left - frozen;
    }
  }

  /** The selected rectangle as [rows, fields] (the active cell alone without a selection). */
  selection() {
    const a = this.anchor || this.cursor;
    const r0 = Math.min(a.row, this.cursor.row);
    const r1 = Math.max(a.row, this.cursor.row);
    const c0 = Math.min(a.col, this.cursor.col);
    const c1 = Math.max(a.col, this.cursor.col);
    const rows = [];
    for (let i = r0; i <= r1; i += 1) {
      rows.push(this.store.at(i));
    }
    return { r0, c0, rows, fields: this.fields().slice(c0, c1 + 1) };
  }

  clearSelection() {
    const { rows, fields } = this.selection();
    for (const row of rows) {
      for (const field of fields) {
        if (row && !isReadOnly(field)) {
          const empty =
            field.type === "boolean"
              ? false
              : ["multiple_select", "link_row", "file"].includes(field.type)
                ? []
                : null;
          this.onEdit(row, field, empty);
        }
      }
    }
  }

  copy(event) {
    if (this.editing) {
      return;
    }
    const { rows, fields } = this.selection();
    const text = rows
      .map((row) => fields.map((f) => (row ? toText(f, row[`field_${f.id}`]) : "").replace(/[\t\n]/g, " ")).join("\t"))
      .join("\n");
    event.clipboardData.setData("text/plain", text);
    event.preventDefault();
  }

  paste(event) {
    if (this.editing) {
      return;
    }
    // Files (an image copied from a page, files from a file manager) go into a file cell.
    const files = Array.from(event.clipboardData.files || []);
    const field = this.fields()[this.cursor.col];
    const row = this.store.at(this.cursor.row);
    if (files.length > 0 && field && row && isFileField(field) && !isReadOnly(field)) {
      event.preventDefault();
      this.uploadInto(row, field, files);
      return;
    }
    const text = event.clipboardData.getData("text/plain");
    if (!text) {
      return;
    }
    event.preventDefault();
    const lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n").map((l) => l.split("\t"));
    const fields = this.fields();
    const { r0, c0 } = this.selection();
    this.onPaste?.(r0, c0, lines, fields);
  }

  /** A file cell's extras: the uploads in progress, and "+" (shown when it is active). */
  decorateFileCell(td, field, row) {
    const uploads = uploadsOf(cellKey(field.id, row.id));
    if (uploads.length > 0) {
      td.append(...uploadItems(uploads));
    }
    if (!isReadOnly(field)) {
      const add = document.createElement("button");
      add.type = "button";
      add.className = "file-cell-add";
      add.dataset.action = "add-files";
      add.tabIndex = -1;
      add.textContent = "+";
      add.title = "Add files";
      add.setAttribute("aria-label", `Add files to ${field.name}`);
      td.prepend(add);
    }
  }

  /** The editable file cell under a drag, or null. */
  fileCellAt(event) {
    const cell = this.cellAt(event);
    const field = cell && this.fields()[cell.col];
    const row = cell && this.store.at(cell.row);
    const editable = field && row && isFileField(field) && !isReadOnly(field) && !this.editing;
    return editable ? { ...cell, field, rowData: row } : null;
  }

  markDropTarget(td) {
    for (const node of this.tbody.querySelectorAll("td.drop-target")) {
      if (node !== td) {
        node.classList.remove("drop-target");
      }
    }
    td?.classList.add("drop-target");
  }

  dragOver(event) {
    if (!dragHasFiles(event)) {
      return;
    }
    // Files dropped anywhere on the grid never make the browser leave the page.
    event.preventDefault();
    const cell = this.fileCellAt(event);
    event.dataTransfer.dropEffect = cell ? "copy" : "none";
    this.markDropTarget(cell?.td ?? null);
  }

  drop(event) {
    const files = Array.from(event.dataTransfer?.files || []);
    if (files.length === 0) {
      return;
    }
    event.preventDefault();
    this.markDropTarget(null);
    const cell = this.fileCellAt(event);
    if (!cell || this.editing) {
      return;
    }
    this.anchor = null;
    this.cursor = { row: cell.row, col: cell.col };
    this.scroller.focus({ preventScroll: true });
    this.markSelection();
    this.uploadInto(cell.rowData, cell.field, files);
  }

  /** Uploads files and appends them to a file cell; failures are told next to the cell. */
  async uploadInto(row, field, files) {
    const key = `field_${field.id}`;
    const latest = () => this.store.byId(row.id) ?? row;
    const { errors } = await attachFiles({
      key: cellKey(field.id, row.id),
      files,
      current: () => latest()[key],
      save: (value, shown) => this.onEdit(latest(), field, value, shown),
    });
    if (errors.length > 0) {
      const col = this.fields().findIndex((f) => f.id === field.id);
      const td = this.tbody.querySelector(`tr[data-row-id="${row.id}"] td[data-col="${col}"]`);
      const message = errors.join(" ");
      if (td) {
        showCellNotice(td, message);
      } else {
        showError(new Error(message));
      }
    }
  }
}
