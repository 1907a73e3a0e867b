// What the table page starts from, for the grid and the card views alike: the bootstrap
// data the server rendered into the page (table, view, fields, rows, seq, user) and the
// view state the page keeps current from then on.

import { bootstrap } from "../session.js";

/** The page's bootstrap data, its table and view ids, and its starting view state. */
export function readTablePage() {
  const boot = bootstrap();
  return {
    boot,
    tableId: boot.table.id,
    viewId: boot.view.id,
    state: { fields: boot.fields, fieldOptions: boot.field_options || {}, view: boot.view },
  };
}
