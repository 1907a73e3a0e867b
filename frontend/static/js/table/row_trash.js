// Deleted rows go to the trash; this brings them back. One row is its own trash entry
// (`row`, its id); a batch is one `rows` entry whose id the delete does not answer, so it
// is found in the database's trash: the newest batch of this table with these rows' names.

/** The primary values of rows as the trash names them (text; empty for none). */
function names(rows, primary) {
  return rows
    .map((row) => {
      const value = primary ? row[`field_${primary.id}`] : null;
      return value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
    })
    .sort();
}

/** The trash entry of a batch of deleted rows of `tableId`, or null when it is gone. */
async function findBatch(api, { tableId, databaseId, rows, primary }) {
  const database = await api.get(`/applications/${databaseId}/`);
  const page = await api.get(`/trash/workspace/${database.workspace.id}/`, {
    query: { application_id: databaseId, size: 50 },
  });
  const batches = page.results.filter(
    (e) => e.trash_item_type === "rows" && e.parent_trash_item_id === tableId && (e.names || []).length === rows.length,
  );
  const wanted = names(rows, primary).join("\u0000");
  return batches.find((e) => [...e.names].sort().join("\u0000") === wanted) ?? batches[0] ?? null;
}

/**
 * Restores rows deleted together from the trash.
 * @param {import("./api.js").Api} api
 * @param {object} options  {tableId, databaseId, rows (as they were), primary (field)}
 */
export async function restoreRows(api, options) {
  const { tableId, rows } = options;
  if (rows.length === 1) {
    await api.patch("/trash/restore/", { trash_item_type: "row", trash_item_id: rows[0].id, parent_trash_item_id: tableId });
    return;
  }
  const entry = await findBatch(api, options);
  if (!entry) {
    throw new Error("These rows are no longer in the trash.");
  }
  await api.patch("/trash/restore/", {
    trash_item_type: "rows",
    trash_item_id: entry.trash_item_id,
    parent_trash_item_id: tableId,
  });
}
