//! A linked row, read-only, in a small dialog over the page (opened from a link chip, as
//! Baserow opens a modal of the linked row): each field of the row in the linked table, its
//! own links as chips that open their rows in turn, and a link to the table itself.

import { renderCell, toText } from "./cells.js";
import { el, openDialog } from "./dom.js";
import { linkChip, linkText, linksOf } from "./links.js";
import { fetchRow, linkedTable, primaryText } from "./linked_rows.js";

const DIALOG_ID = "linked-row-dialog";

/** Opens row `link.id` of table `tableId` (replacing a linked row already open). */
export function openLinkedRow(tableId, link) {
  const { dialog, body, heading } = openDialog(linkText(link), DIALOG_ID);
  dialog.classList.add("linked-row-dialog");
  dialog.dataset.tableId = String(tableId);
  dialog.dataset.rowId = String(link.id);
  const status = el("p", { class: "muted linked-row-status", textContent: "Loading…" });
  body.append(status);
  Promise.all([linkedTable(tableId), fetchRow(tableId, link.id)])
    .then(([linked, row]) => {
      heading.textContent = linkText({ id: row.id, value: primaryText(linked, row) });
      const list = el("dl", { class: "row-fields linked-row-fields" });
      for (const field of linked.fields) {
        const dd = el("dd", { "data-field-id": String(field.id) });
        const value = row[`field_${field.id}`];
        if (field.type === "link_row") {
          dd.className = "cell cell-link_row link-list";
          const target = field.link_row_table_id;
          dd.append(...linksOf(value).map((l) => linkChip(l, { open: (next) => openLinkedRow(target, next) })));
        } else {
          renderCell(dd, field, value);
          dd.title = toText(field, value);
        }
        list.append(el("dt", { textContent: field.name }), dd);
      }
      const table = linked.table;
      const footer = el(
        "p",
        { class: "linked-row-table" },
        "In the table ",
        el("a", { href: `/database/${table.database_id}/table/${table.id}`, textContent: table.name }),
      );
      status.replaceWith(list, footer);
    })
    .catch((error) => {
      status.classList.add("form-error");
      status.textContent =
        error.status === 404 ? "This row no longer exists." : `The row could not be loaded: ${error.message}`;
    });
  return dialog;
}
