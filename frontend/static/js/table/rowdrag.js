// Dragging rows: a handle on each row's number moves the row to where it is dropped (a line
// shows where), in the table's own order. The grid only offers the handle when the view
// shows that order (no sort, filter or search). Near the top or bottom edge the grid
// scrolls; Escape cancels a drag.

const EDGE = 40;
const SCROLL_STEP = 12;

export class RowDrag {
  /**
   * @param {import("./grid.js").Grid} grid  with `onMoveRow(row, beforeRow|null)`
   */
  constructor(grid) {
    this.grid = grid;
    this.drag = null;
    grid.tbody.addEventListener("pointerdown", (e) => this.start(e));
  }

  start(event) {
    const handle = event.target.closest(".row-drag");
    if (!handle || event.button !== 0 || !this.grid.canMoveRows?.()) {
      return;
    }
    const index = Number(handle.closest("tr").dataset.index);
    const row = this.grid.store.at(index);
    if (!row) {
      return;
    }
    event.preventDefault();
    const line = document.createElement("div");
    line.className = "row-drop-line";
    line.hidden = true;
    this.grid.scroller.append(line);
    handle.closest("tr").classList.add("dragging");
    document.body.classList.add("dragging-row");
    this.drag = { index, row, line, target: null, y: event.clientY, frame: 0 };
    const move = (e) => {
      this.drag.y = e.clientY;
      this.track();
    };
    const end = (e) => {
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", end);
      document.removeEventListener("pointercancel", end);
      document.removeEventListener("keydown", escape, true);
      this.finish(e.type === "pointerup");
    };
    const escape = (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        end({ type: "cancel" });
      }
    };
    // On the document, not the handle: scrolling redraws the rows, handle included.
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", end);
    document.addEventListener("pointercancel", end);
    document.addEventListener("keydown", escape, true);
    this.autoscroll();
  }

  /** Where the row would go: before the row under the pointer's upper half, else after it. */
  track() {
    const { y, line } = this.drag;
    const rows = [...this.grid.tbody.querySelectorAll("tr[data-index]")];
    let target = null;
    let edge = 0;
    for (const tr of rows) {
      const rect = tr.getBoundingClientRect();
      if (y < rect.top + rect.height / 2) {
        target = Number(tr.dataset.index);
        edge = rect.top;
        break;
      }
      target = Number(tr.dataset.index) + 1;
      edge = rect.bottom;
    }
    const { index } = this.drag;
    if (target === null || target === index || target === index + 1) {
      this.drag.target = null;
      line.hidden = true;
      return;
    }
    this.drag.target = target;
    const box = this.grid.scroller.getBoundingClientRect();
    line.hidden = false;
    line.style.top = `${edge - box.top + this.grid.scroller.scrollTop - 1}px`;
    line.style.width = `${this.grid.table.offsetWidth}px`;
  }

  /** Scrolls while the pointer is near the grid's top or bottom edge. */
  autoscroll() {
    if (!this.drag) {
      return;
    }
    const box = this.grid.scroller.getBoundingClientRect();
    const header = this.grid.thead.offsetHeight;
    const { y } = this.drag;
    let delta = 0;
    if (y < box.top + header + EDGE) {
      delta = -SCROLL_STEP;
    } else if (y > box.bottom - EDGE) {
      delta = SCROLL_STEP;
    }
    if (delta) {
      this.grid.scroller.scrollTop += delta;
      this.grid.render();
      this.track();
    }
    this.drag.frame = requestAnimationFrame(() => this.autoscroll());
  }

  finish(drop) {
    const { index, row, line, target, frame } = this.drag;
    cancelAnimationFrame(frame);
    this.drag = null;
    line.remove();
    document.body.classList.remove("dragging-row");
    this.grid.tbody.querySelector("tr.dragging")?.classList.remove("dragging");
    if (!drop || target === null) {
      return;
    }
    const store = this.grid.store;
    const before = target < store.count ? store.at(target) : null;
    if (target < store.count && !before) {
      return; // the row it would go before is not loaded: nothing to anchor the move to
    }
    this.grid.cursor = { ...this.grid.cursor, row: target > index ? target - 1 : target };
    this.grid.anchor = null;
    this.grid.onMoveRow?.(row, before);
  }
}
