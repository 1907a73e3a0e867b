//! The rows a link field links to, read and written through the REST API: the linked
//! table with its fields (fetched once per page), a search of its rows by primary text,
//! creating a row there, and reading one row. Used by the link picker and the linked row
//! dialog, on the grid and the card views alike.

import { Api } from "./api.js";
import { isReadOnly, toText } from "./cells.js";

const api = new Api();
const tables = new Map();

/** How many rows a search shows. */
export const SEARCH_SIZE = 20;

/**
 * The linked table: `{table, fields, primary}` (primary: its primary field). Cached; a
 * failed load is tried again next time.
 */
export function linkedTable(tableId) {
  if (!tables.has(tableId)) {
    const loading = Promise.all([
      api.get(`/database/tables/${tableId}/`),
      api.get(`/database/fields/table/${tableId}/`),
    ]).then(([table, fields]) => ({ table, fields, primary: fields.find((f) => f.primary) || fields[0] }));
    loading.catch(() => tables.delete(tableId));
    tables.set(tableId, loading);
  }
  return tables.get(tableId);
}

/** A row's primary value as text (empty when it has none). */
export function primaryText(linked, row) {
  return linked.primary ? toText(linked.primary, row[`field_${linked.primary.id}`]) : "";
}

/** Whether rows can be created with a primary text (a computed primary field cannot). */
export function canCreate(linked) {
  return Boolean(linked.primary) && !isReadOnly(linked.primary) && linked.primary.type !== "formula";
}

/**
 * The first rows of the linked table whose primary text contains `term` (all rows when
 * empty), as `{rows: [{id, value}], count}`.
 */
export async function searchRows(linked, term, signal) {
  const tableId = linked.table.id;
  const query = { size: SEARCH_SIZE };
  const trimmed = term.trim();
  let page;
  if (trimmed === "" || !linked.primary) {
    page = await api.get(`/database/rows/table/${tableId}/`, { query, signal });
  } else {
    try {
      page = await api.get(`/database/rows/table/${tableId}/`, {
        query: { ...query, [`filter__field_${linked.primary.id}__contains`]: trimmed },
        signal,
      });
    } catch (error) {
      // A primary field "contains" cannot filter: the table's full-text search instead.
      if (error.status !== 400) {
        throw error;
      }
      page = await api.get(`/database/rows/table/${tableId}/`, { query: { ...query, search: trimmed }, signal });
    }
  }
  return {
    rows: page.results.map((row) => ({ id: row.id, value: primaryText(linked, row) })),
    count: page.count,
  };
}

/** Creates a row in the linked table with `text` as its primary value; answers `{id, value}`. */
export async function createRow(linked, text) {
  const row = await api.post(`/database/rows/table/${linked.table.id}/`, {
    [`field_${linked.primary.id}`]: text,
  });
  return { id: row.id, value: primaryText(linked, row) };
}

/** One row of a table as the API answers it. */
export function fetchRow(tableId, rowId) {
  return api.get(`/database/rows/table/${tableId}/${rowId}/`);
}
