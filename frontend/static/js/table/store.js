// The grid's rows: the row count and one contiguous buffer of rows around what is on
// screen, filled with limit/offset requests in blocks (as Baserow's grid store does), so a
// table of a million rows never holds more than a few hundred of them in the browser.

export const BLOCK = 40;
/** Rows kept beyond the wanted window before the far side is dropped. */
const KEEP = 6 * BLOCK;
/** The listing endpoint's page size limit. */
const MAX_LIMIT = 200;

export class RowStore {
  /**
   * @param {object} options
   * @param {function(number, number, AbortSignal, boolean): Promise<{results: object[], count?: number}>} options.load
   *   fetches `limit` rows from `offset` (and the count when asked)
   * @param {function(): void} options.onChange  the rows or the count changed
   * @param {object[]} [options.rows]  rows already rendered by the server, from offset 0
   * @param {number} [options.count]
   */
  constructor(options) {
    this.load = options.load;
    this.onChange = options.onChange;
    this.count = options.count ?? 0;
    this.start = 0;
    this.rows = (options.rows || []).slice();
    this.wanted = [0, 0];
    this.inflight = null;
    this.generation = 0;
  }

  /** The row at an index, or undefined when not loaded. */
  at(index) {
    const i = index - this.start;
    return i >= 0 && i < this.rows.length ? this.rows[i] : undefined;
  }

  /** Index of a loaded row by id, or -1. */
  indexOf(rowId) {
    const i = this.rows.findIndex((r) => r.id === rowId);
    return i < 0 ? -1 : this.start + i;
  }

  byId(rowId) {
    return this.rows.find((r) => r.id === rowId);
  }

  /** Asks for the rows of `[from, to)`: loads what is missing (whole blocks around it). */
  want(from, to) {
    this.wanted = [from, to];
    const a = Math.max(0, Math.floor((from - BLOCK) / BLOCK) * BLOCK);
    const b = Math.min(this.count, Math.ceil((to + BLOCK) / BLOCK) * BLOCK);
    if (b <= a) {
      return;
    }
    const end = this.start + this.rows.length;
    const disjoint = this.rows.length === 0 || b <= this.start || a >= end;
    let range;
    if (disjoint) {
      range = [a, b];
    } else if (a < this.start) {
      range = [a, this.start];
    } else if (b > end) {
      range = [end, b];
    } else {
      return; // all there
    }
    if (this.inflight && this.inflight.range[0] === range[0] && this.inflight.range[1] === range[1]) {
      return;
    }
    this.fetch(range, disjoint, false);
  }

  /** Loads `[a, b)`; a superseded request is aborted. */
  fetch(range, replace, withCount) {
    this.inflight?.controller.abort();
    const controller = new AbortController();
    const generation = this.generation;
    const request = { range, controller };
    this.inflight = request;
    const [a, b] = range;
    const limit = Math.min(MAX_LIMIT, b - a);
    this.load(a, limit, controller.signal, withCount)
      .then((page) => {
        if (this.inflight === request) {
          this.inflight = null;
        }
        if (generation !== this.generation) {
          return;
        }
        if (typeof page.count === "number") {
          this.count = page.count;
        }
        this.merge(a, page.results, replace);
        this.onChange();
        // The wanted window may have moved on while this was loading.
        this.want(...this.wanted);
      })
      .catch((error) => {
        if (this.inflight === request) {
          this.inflight = null;
        }
        if (error.name !== "AbortError") {
          console.warn("loading rows failed", error);
        }
      });
  }

  merge(offset, rows, replace) {
    const end = this.start + this.rows.length;
    if (replace || this.rows.length === 0 || offset > end || offset + rows.length < this.start) {
      this.start = offset;
      this.rows = rows.slice();
    } else if (offset < this.start) {
      // Rows just before the buffer (they may overlap it after a concurrent change).
      const overlap = offset + rows.length - this.start;
      this.rows = rows.concat(this.rows.slice(Math.max(0, overlap)));
      this.start = offset;
    } else {
      this.rows = this.rows.slice(0, offset - this.start).concat(rows);
    }
    this.trim();
  }

  /** Drops rows far from the wanted window, keeping the buffer small. */
  trim() {
    const [from, to] = this.wanted;
    const lo = Math.max(0, from - KEEP);
    const hi = to + KEEP;
    if (this.start < lo) {
      const drop = Math.min(this.rows.length, lo - this.start);
      this.rows = this.rows.slice(drop);
      this.start += drop;
    }
    const end = this.start + this.rows.length;
    if (end > hi && hi > this.start) {
      this.rows = this.rows.slice(0, hi - this.start);
    }
  }

  /** Forgets every row and loads the wanted window again with the count (filters, sorts,
   * search changed, or an event the buffer cannot place). */
  refresh() {
    this.generation += 1;
    this.inflight?.controller.abort();
    this.inflight = null;
    const [from, to] = this.wanted;
    const a = Math.max(0, Math.floor((from - BLOCK) / BLOCK) * BLOCK);
    const b = Math.max(a + 2 * BLOCK, Math.ceil((to + BLOCK) / BLOCK) * BLOCK);
    this.fetch([a, b], true, true);
  }

  // Local changes, from our own edits or realtime events.

  /** Replaces loaded rows by id with the given (full or partial) rows. */
  update(rows) {
    let changed = false;
    for (const row of rows) {
      const i = this.rows.findIndex((r) => r.id === row.id);
      if (i >= 0) {
        this.rows[i] = { ...this.rows[i], ...row };
        changed = true;
      }
    }
    if (changed) {
      this.onChange();
    }
    return changed;
  }

  /** Whether a row belongs after every loaded row (by its `order`). */
  fitsAtEnd(row) {
    const last = this.rows.at(-1);
    return !last || row.order === undefined || Number(row.order) >= Number(last.order);
  }

  /**
   * Inserts a new row before `beforeId` (or at the end when null). Returns false when the
   * position is outside the buffer (the caller refreshes).
   */
  insert(row, beforeId) {
    if (this.indexOf(row.id) >= 0) {
      return true; // already there (our own creation, or a replay)
    }
    if (beforeId === null || beforeId === undefined) {
      const end = this.start + this.rows.length;
      this.count += 1;
      if (end === this.count - 1) {
        this.rows.push(row);
      }
      this.onChange();
      return true;
    }
    const i = this.rows.findIndex((r) => r.id === beforeId);
    if (i < 0) {
      return false;
    }
    this.rows.splice(i, 0, row);
    this.count += 1;
    this.onChange();
    return true;
  }

  /** Removes rows by id. Returns false when some were not loaded (the caller refreshes). */
  remove(ids) {
    let all = true;
    for (const id of ids) {
      const i = this.rows.findIndex((r) => r.id === id);
      if (i >= 0) {
        this.rows.splice(i, 1);
        this.count = Math.max(0, this.count - 1);
      } else {
        all = false;
      }
    }
    this.onChange();
    return all;
  }
}
