//! The file editor of a grid cell: the file popup (../file_field.js) under the cell, which
//! lists the cell's files with × and "Add files" and takes dropped and pasted files. Each
//! change is saved at once through `save` (the grid's edit of the cell), so closing it has
//! nothing left to save; uploads still running when it closes finish into the cell.

import { renderCell } from "../cells.js";
import { openFilePopup } from "../file_field.js";

/**
 * @param {HTMLElement} td
 * @param {object} field  a file field
 * @param {*} value  the cell's files
 * @param {string|undefined} initialText  ignored (typing does not name files)
 * @param {function(*): void} done  called once, when the popup closes (with undefined)
 * @param {function(object[], object[]): Promise<object|undefined>} save  saves the files
 *   (and those to show meanwhile) without closing; answers the saved row
 * @param {{rowId: number}} context
 */
export function openFileEditor(td, field, value, initialText, done, save, context) {
  td.classList.add("editing", "editing-popup");
  const { popup } = openFilePopup({
    anchor: td,
    field,
    rowId: context.rowId,
    value,
    save,
    // The grid does not redraw the row while it is edited: the cell is drawn here.
    onChange: (files) => {
      if (td.classList.contains("editing")) {
        const classes = td.className;
        renderCell(td, field, files);
        td.className = classes;
      }
    },
    onClose: () => done(undefined),
  });
  return popup;
}
