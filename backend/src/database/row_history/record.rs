//! Writing history as a change commits, as Baserow's history providers do: one entry per
//! updated row with the fields whose values changed; one per row created with the values
//! it was given; one per row trashed or taken out of the trash, with nothing else; and
//! for an undo or redo of these, one per row with the replayed action's type and no
//! values. They are stored in one statement, with a `row_history_updated` event per table
//! for the pages of those rows.

use super::{
    diff::{self, FieldInfo},
    kind::{Command, RowAction, Tag},
    repo::{self, NewEntry},
};
use crate::database::events::{self, EventOrigin, TableEvent};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use std::collections::{BTreeMap, HashMap};

/// Baserow's action type of row updates; undo and redo record the same type.
pub const UPDATE_ROWS: &str = "update_rows";

/// Records the history of the rows the events of `pending` changed; `emitted` names the
/// table of each event in the order they were emitted and `tags` says, in the same
/// order, which row action and which replay each came from. Only changes someone made
/// leave history: those without a user (formulas following the clock) and row moves (no
/// field changed) do not, nor do rows created by form submissions (as in Baserow).
/// Imports write their rows' entries themselves (`repo::insert_marks_after`). Each
/// table's entries are logged as one event, without the originating socket, whose client
/// also shows its own entries.
pub async fn record(
    conn: &mut PgConnection,
    origin: &EventOrigin,
    emitted: &[i64],
    tags: &[Tag],
    pending: &BTreeMap<i64, Vec<TableEvent>>,
) -> sqlx::Result<()> {
    let Some(user_id) = origin.user_id else {
        return Ok(());
    };
    let mut next: HashMap<i64, usize> = HashMap::new();
    let mut fields: HashMap<i64, Vec<FieldInfo>> = HashMap::new();
    let mut new = Vec::new();
    for (i, table_id) in emitted.iter().enumerate() {
        let cursor = next.entry(*table_id).or_default();
        let Some(event) = pending.get(table_id).and_then(|e| e.get(*cursor)) else {
            continue;
        };
        *cursor += 1;
        let tag = tags.get(i).cloned().unwrap_or_default();
        let command = tag.replay.as_ref().map_or(Command::Do, |r| r.command);
        if wants_fields(event, &tag) && !fields.contains_key(table_id) {
            fields.insert(*table_id, repo::fields(conn, *table_id).await?);
        }
        let table_fields = fields.get(table_id).map(Vec::as_slice).unwrap_or_default();
        new.extend(entries(event, &tag, command, table_fields));
    }
    let stored = repo::insert(conn, user_id, new).await?;
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

/// Whether the entries of `event` need the table's fields (to diff values).
fn wants_fields(event: &TableEvent, tag: &Tag) -> bool {
    match event {
        TableEvent::RowsUpdated {
            updated_field_ids, ..
        } => !updated_field_ids.is_empty(),
        TableEvent::RowsCreated { .. } => {
            tag.replay.is_none() && tag.rows.is_some_and(RowAction::is_creation)
        }
        _ => false,
    }
}

/// The entries one event amounts to.
fn entries(event: &TableEvent, tag: &Tag, command: Command, fields: &[FieldInfo]) -> Vec<NewEntry> {
    match event {
        TableEvent::RowsUpdated {
            table_id,
            rows_before_update,
            rows,
            updated_field_ids,
            ..
        } => {
            if updated_field_ids.is_empty() {
                return Vec::new();
            }
            let before: HashMap<i64, &Value> = rows_before_update
                .iter()
                .filter_map(|r| Some((r.get("id")?.as_i64()?, r)))
                .collect();
            rows.iter()
                .filter_map(|row| {
                    let old = before.get(&row.get("id")?.as_i64()?)?;
                    diff::row_change(fields, updated_field_ids, old, row)
                })
                .map(|change| NewEntry {
                    table_id: *table_id,
                    row_id: change.row_id,
                    action_type: UPDATE_ROWS.to_owned(),
                    command,
                    before: change.before,
                    after: change.after,
                    fields_metadata: change.fields_metadata,
                })
                .collect()
        }
        TableEvent::RowsCreated { table_id, rows, .. } => {
            let row_ids = rows
                .iter()
                .filter_map(|r| r.get("id").and_then(Value::as_i64));
            match (&tag.replay, tag.rows) {
                (Some(_), _) => marks(*table_id, row_ids, tag, command),
                (None, Some(action)) if action.is_creation() => rows
                    .iter()
                    .filter_map(|row| diff::row_created(fields, row))
                    .map(|change| NewEntry {
                        table_id: *table_id,
                        row_id: change.row_id,
                        action_type: action.action_type().to_owned(),
                        command,
                        before: change.before,
                        after: change.after,
                        fields_metadata: change.fields_metadata,
                    })
                    .collect(),
                (None, Some(RowAction::RestoreFromTrash)) => {
                    marks(*table_id, row_ids, tag, command)
                }
                _ => Vec::new(),
            }
        }
        TableEvent::RowsDeleted {
            table_id, row_ids, ..
        } => match (&tag.replay, tag.rows) {
            (Some(_), _) | (None, Some(RowAction::DeleteRow | RowAction::DeleteRows)) => {
                marks(*table_id, row_ids.iter().copied(), tag, command)
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Entries that only say what happened to each row: a deletion, a restore, or an undo or
/// redo of a creation, an import or a deletion (named by the replayed action; other
/// replays leave none).
fn marks(
    table_id: i64,
    row_ids: impl Iterator<Item = i64>,
    tag: &Tag,
    command: Command,
) -> Vec<NewEntry> {
    let action_type = match &tag.replay {
        Some(replay) => RowAction::from_action_type(&replay.action_type),
        None => tag.rows,
    };
    let Some(action) = action_type else {
        return Vec::new();
    };
    row_ids
        .map(|row_id| NewEntry {
            table_id,
            row_id,
            action_type: action.action_type().to_owned(),
            command,
            before: Map::new(),
            after: Map::new(),
            fields_metadata: Map::new(),
        })
        .collect()
}
