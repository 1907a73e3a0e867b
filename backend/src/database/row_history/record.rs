//! Writing history as a change commits: one entry per updated row with the fields whose
//! values changed, stored in one statement, and a `row_history_updated` event per table
//! for the pages of those rows.

use super::{
    diff,
    repo::{self, NewEntry},
};
use crate::database::events::{self, EventOrigin, TableEvent};
use serde_json::{Value, json};
use sqlx::PgConnection;
use std::collections::{BTreeMap, HashMap};

/// Baserow's action type of row updates; undo and redo record the same type.
pub const UPDATE_ROWS: &str = "update_rows";

/// Records the history of the rows `pending` updated. Only changes someone made leave
/// history: those without a user (formulas following the clock) and row moves (no field
/// changed) do not. Each table's entries are logged as one event, without the
/// originating socket, whose client also shows its own entries.
pub async fn record(
    conn: &mut PgConnection,
    origin: &EventOrigin,
    pending: &BTreeMap<i64, Vec<TableEvent>>,
) -> sqlx::Result<()> {
    let Some(user_id) = origin.user_id else {
        return Ok(());
    };
    let mut new = Vec::new();
    for (table_id, table_events) in pending {
        let mut fields = None;
        for event in table_events {
            let TableEvent::RowsUpdated {
                rows_before_update,
                rows,
                updated_field_ids,
                ..
            } = event
            else {
                continue;
            };
            if updated_field_ids.is_empty() {
                continue;
            }
            if fields.is_none() {
                fields = Some(repo::fields(conn, *table_id).await?);
            }
            let fields = fields.as_deref().unwrap_or_default();
            let before: HashMap<i64, &Value> = rows_before_update
                .iter()
                .filter_map(|r| Some((r.get("id")?.as_i64()?, r)))
                .collect();
            for row in rows {
                let Some(old) = row
                    .get("id")
                    .and_then(Value::as_i64)
                    .and_then(|id| before.get(&id))
                else {
                    continue;
                };
                if let Some(change) = diff::row_change(fields, updated_field_ids, old, row) {
                    new.push(NewEntry {
                        table_id: *table_id,
                        row_id: change.row_id,
                        before: change.before,
                        after: change.after,
                        fields_metadata: change.fields_metadata,
                    });
                }
            }
        }
    }
    let stored = repo::insert(conn, user_id, UPDATE_ROWS, new).await?;
    let mut by_table: BTreeMap<i64, Vec<Value>> = BTreeMap::new();
    for entry in &stored {
        by_table.entry(entry.table_id).or_default().push(json!({
            "row_id": entry.row_id,
            "row_history_entry": entry.to_json(),
        }));
    }
    let everyone = EventOrigin {
        websocket_id: None,
        ..origin.clone()
    };
    for (table_id, entries) in by_table {
        let event = TableEvent::RowHistoryUpdated { table_id, entries };
        events::append(conn, table_id, &[&event], &everyone).await?;
    }
    Ok(())
}
