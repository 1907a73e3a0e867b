// The expanded row's own address, `/database/{db}/table/{t}/{view}/row/{id}`, for the
// grid and the card views alike: opening a row adds a history entry with that address,
// stepping to the previous or next row replaces it, closing goes back to the view's
// address, and Back and Forward close and reopen the row.

const ROW_PATH = /\/row\/([^/]+)\/?$/;

export class RowAddress {
  /**
   * @param {object} options
   * @param {object} options.boot  the page's bootstrap data (database id, table, view)
   * @param {function(number): void} options.open  opens the row with this id (Forward, or
   *   an address naming a row)
   */
  constructor({ boot, open }) {
    this.viewPath = `/database/${boot.database_id}/table/${boot.table.id}/${boot.view.id}`;
    this.open = open;
    // Whether the entry before the current one is the view without a row (ours to go
    // back to), rather than a row address the page was loaded at.
    this.pushed = false;
    window.addEventListener("popstate", () => this.followHistory());
  }

  /** The address of a row of this view. */
  rowPath(rowId) {
    return `${this.viewPath}/row/${rowId}`;
  }

  /** The row id the address names, or null. */
  addressedRow() {
    const match = ROW_PATH.exec(window.location.pathname);
    return match ? Number(match[1]) : null;
  }

  /** A row's dialog opened (or the dialog stepped to another row): the address names it. */
  shown(rowId) {
    const path = this.rowPath(rowId);
    if (window.location.pathname === path) {
      return;
    }
    if (this.addressedRow() === null) {
      window.history.pushState({ row: rowId }, "", path);
      this.pushed = true;
    } else {
      window.history.replaceState({ row: rowId }, "", path);
    }
  }

  /** The dialog was closed: back to the view's address. */
  closed() {
    if (this.addressedRow() === null) {
      return; // closed by Back: the address is the view's already
    }
    if (this.pushed) {
      this.pushed = false;
      window.history.back();
    } else {
      window.history.replaceState(null, "", this.viewPath);
    }
  }

  /** Back or Forward: close the dialog, or open the row the address names. */
  followHistory() {
    const rowId = this.addressedRow();
    const dialog = document.getElementById("row-dialog");
    if (rowId === null) {
      this.pushed = false;
      dialog?.close();
    } else if (Number(dialog?.dataset.rowId) !== rowId) {
      // Forward to a row: the entry before it is the view again.
      this.pushed = true;
      this.open(rowId);
    }
  }
}
