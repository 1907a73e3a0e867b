// Shared grid page: cells drawn as the table page draws them (select options in their
// colours, ratings as marks, files and links as chips), and a filter row offering only the
// conditions that apply to the chosen field. The page works without this script: the
// server renders every value as text and refuses a condition that does not apply.

import { bootstrap } from "./session.js";
import { renderCell } from "./table/cells.js";

/** Redraws each cell from the fields and rows the server embedded, in the same order. */
function drawCells() {
  const { fields, rows } = bootstrap().public_grid ?? {};
  if (!Array.isArray(fields) || !Array.isArray(rows)) return;
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  for (const tr of document.querySelectorAll("#public-grid tbody tr[data-row-id]")) {
    const row = byId.get(tr.dataset.rowId);
    if (!row) continue;
    fields.forEach((field, index) => {
      // The first cell is the row number.
      const td = tr.cells[index + 1];
      if (td) renderCell(td, field, row[`field_${field.id}`]);
    });
  }
}

const field = document.getElementById("filter-field");
const operator = document.getElementById("filter-op");
const value = document.getElementById("filter-value");

/** Shows the conditions of the chosen field; keeps the current one when it still applies. */
function matchOperators() {
  const id = field.value;
  let firstShown = null;
  for (const option of operator.options) {
    const applies = id === "" || option.dataset.fields.split(" ").includes(id);
    option.hidden = !applies;
    option.disabled = !applies;
    if (applies && !firstShown) firstShown = option;
  }
  if (operator.selectedOptions[0]?.disabled && firstShown) firstShown.selected = true;
  matchValue();
}

/** "is empty" and "is not empty" take no value. */
function matchValue() {
  const needsValue = !["empty", "not_empty"].includes(operator.value);
  value.disabled = !needsValue;
  if (!needsValue) value.value = "";
}

drawCells();
if (field && operator && value) {
  field.addEventListener("change", matchOperators);
  operator.addEventListener("change", matchValue);
  matchOperators();
}
