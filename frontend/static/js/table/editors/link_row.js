//! The link editor of a grid cell: the link picker (../link_picker.js) under the cell,
//! which shows the links as they change meanwhile. Each change is saved at once through
//! `save` (the grid's edit of the cell), so closing it has nothing left to save.

import { renderCell } from "../cells.js";
import { openLinkPicker } from "../link_picker.js";

/**
 * @param {HTMLElement} td
 * @param {object} field  a link_row field
 * @param {*} value  the cell's links
 * @param {string|undefined} initialText  typed to open the editor (starts the search)
 * @param {function(*): void} done  called once, when the picker closes (with undefined)
 * @param {function(number[], object[]): Promise<object|undefined>} save  saves ids (and the
 *   links to show meanwhile) without closing; answers the saved row
 */
export function openLinkEditor(td, field, value, initialText, done, save) {
  td.classList.add("editing", "editing-popup");
  const { popup } = openLinkPicker({
    anchor: td,
    field,
    links: value,
    save,
    initialText: initialText ?? "",
    // The grid does not redraw the row while it is edited: the cell is drawn here.
    onChange: (links) => {
      const classes = td.className;
      renderCell(td, field, links);
      td.className = classes;
    },
    onClose: () => done(undefined),
  });
  return popup;
}
