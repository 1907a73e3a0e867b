//! Turns a committing transaction's events into the action it records. A change emits
//! its own event first (rows) or last (fields, after those of related fields and
//! formulas), and the events of the rows and fields it touched elsewhere around it; only
//! the change itself is undone, and the services redo the rest as they did the first time.

use super::{model::Params, repo};
use crate::database::events::{EventOrigin, TableEvent};
use serde_json::{Map, Value};
use sqlx::PgConnection;
use std::collections::BTreeMap;

/// Records what the transaction did as one undoable action, when its origin carries an
/// undo stack and the change is one that can be undone.
pub async fn record(
    conn: &mut PgConnection,
    origin: &EventOrigin,
    emitted: &[i64],
    pending: &BTreeMap<i64, Vec<TableEvent>>,
) -> sqlx::Result<()> {
    let (Some(session), Some(user_id)) = (&origin.session, origin.user_id) else {
        return Ok(());
    };
    let events = in_order(emitted, pending);
    match derive(&events) {
        Some(params) => repo::insert(conn, user_id, session, &params).await,
        None => Ok(()),
    }
}

/// The events in the order they were emitted, across tables.
fn in_order<'a>(
    emitted: &[i64],
    pending: &'a BTreeMap<i64, Vec<TableEvent>>,
) -> Vec<&'a TableEvent> {
    let mut next: BTreeMap<i64, usize> = BTreeMap::new();
    emitted
        .iter()
        .filter_map(|table_id| {
            let i = next.entry(*table_id).or_default();
            let event = pending.get(table_id)?.get(*i);
            *i += 1;
            event
        })
        .collect()
}

/// The action a list of events amounts to, if it is one that can be undone.
fn derive(events: &[&TableEvent]) -> Option<Params> {
    // Tables are not undone (yet): nothing is recorded for them, nor for the rows and
    // fields a new table comes with.
    let table_change = events.iter().any(|e| {
        matches!(
            e,
            TableEvent::TableCreated { .. }
                | TableEvent::TableUpdated { .. }
                | TableEvent::TableDeleted { .. }
        )
    });
    if table_change {
        return None;
    }
    let field_event = events.iter().rev().find(|e| {
        matches!(
            e,
            TableEvent::FieldCreated { .. }
                | TableEvent::FieldUpdated { .. }
                | TableEvent::FieldDeleted { .. }
        )
    });
    if let Some(event) = field_event {
        return field_action(event);
    }
    let view_event = events.iter().find(|e| {
        matches!(
            e,
            TableEvent::ViewCreated { .. }
                | TableEvent::ViewDeleted { .. }
                | TableEvent::ViewUpdated {
                    before: Some(_),
                    ..
                }
        )
    });
    match view_event {
        Some(TableEvent::ViewCreated { view }) => {
            return Some(Params::CreateView {
                table_id: view.get("table_id")?.as_i64()?,
                view_id: view.get("id")?.as_i64()?,
            });
        }
        Some(TableEvent::ViewUpdated {
            view_id,
            view,
            before: Some(before),
        }) => {
            return Some(Params::UpdateView {
                table_id: view.get("table_id")?.as_i64()?,
                view_id: *view_id,
                before: (**before).clone(),
                after: view.clone(),
            });
        }
        Some(TableEvent::ViewDeleted { table_id, view_id }) => {
            return Some(Params::DeleteView {
                table_id: *table_id,
                view_id: *view_id,
            });
        }
        _ => {}
    }
    if let Some(params) = events.iter().find_map(|e| decoration_action(e)) {
        return Some(params);
    }
    let row_event = events.iter().find(|e| e.is_row_change())?;
    row_action(row_event)
}

/// A decoration's change, when its user asked for it (the events carry what it was).
fn decoration_action(event: &TableEvent) -> Option<Params> {
    let view_of = |d: &Value| d.get("view").and_then(Value::as_i64);
    match event {
        TableEvent::ViewDecorationCreated { view_decoration } => Some(Params::CreateDecoration {
            view_id: view_of(view_decoration)?,
            decoration: view_decoration.clone(),
        }),
        TableEvent::ViewDecorationUpdated {
            view_decoration_id,
            view_decoration,
            before: Some(before),
        } => Some(Params::UpdateDecoration {
            view_id: view_of(view_decoration)?,
            decoration_id: *view_decoration_id,
            before: (**before).clone(),
            after: view_decoration.clone(),
        }),
        TableEvent::ViewDecorationDeleted {
            view_id,
            before: Some(before),
            ..
        } => Some(Params::DeleteDecoration {
            view_id: *view_id,
            decoration: (**before).clone(),
        }),
        _ => None,
    }
}

fn field_action(event: &TableEvent) -> Option<Params> {
    match event {
        TableEvent::FieldCreated { field, .. } => Some(Params::CreateField {
            table_id: field.get("table_id")?.as_i64()?,
            field_id: field.get("id")?.as_i64()?,
        }),
        // Formula fields whose type followed another change have no `before`: they are
        // not what the user changed.
        TableEvent::FieldUpdated {
            field_id,
            field,
            before: Some(before),
            ..
        } => Some(Params::UpdateField {
            table_id: field.get("table_id")?.as_i64()?,
            field_id: *field_id,
            before: before.field.clone(),
            after: field.clone(),
            backup: before.backup,
        }),
        TableEvent::FieldDeleted {
            table_id, field_id, ..
        } => Some(Params::DeleteField {
            table_id: *table_id,
            field_id: *field_id,
        }),
        _ => None,
    }
}

fn row_action(event: &TableEvent) -> Option<Params> {
    match event {
        TableEvent::RowsCreated { table_id, rows, .. } => Some(Params::CreateRows {
            table_id: *table_id,
            row_ids: rows
                .iter()
                .filter_map(|r| r.get("id").and_then(Value::as_i64))
                .collect(),
        }),
        // Moving a row changes no field: not undone (yet).
        TableEvent::RowsUpdated {
            updated_field_ids, ..
        } if updated_field_ids.is_empty() => None,
        TableEvent::RowsUpdated {
            table_id,
            rows_before_update,
            rows,
            updated_field_ids,
            ..
        } => Some(Params::UpdateRows {
            table_id: *table_id,
            before: only_fields(rows_before_update, updated_field_ids),
            after: only_fields(rows, updated_field_ids),
        }),
        TableEvent::RowsDeleted {
            table_id, row_ids, ..
        } => Some(Params::DeleteRows {
            table_id: *table_id,
            row_ids: row_ids.clone(),
        }),
        _ => None,
    }
}

/// Each row's id and the values of the changed fields, as writes take them back.
fn only_fields(rows: &[Value], field_ids: &[i64]) -> Vec<Map<String, Value>> {
    rows.iter()
        .filter_map(|row| {
            let row = row.as_object()?;
            let mut kept = Map::new();
            kept.insert("id".into(), row.get("id")?.clone());
            for id in field_ids {
                let key = format!("field_{id}");
                if let Some(v) = row.get(&key) {
                    kept.insert(key, writable(v));
                }
            }
            Some(kept)
        })
        .collect()
}

/// A value as read (`{"id": 3, "value": "A", "color": …}` for a select option, lists of
/// them for links and multiple selects) turned into what a write accepts (ids).
fn writable(value: &Value) -> Value {
    let id_of = |v: &Value| v.as_object().and_then(|o| o.get("id")).cloned();
    match value {
        Value::Object(_) => id_of(value).unwrap_or_else(|| value.clone()),
        Value::Array(items) if items.iter().all(|v| id_of(v).is_some()) => {
            Value::Array(items.iter().filter_map(id_of).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_change_itself_is_recorded_not_its_ripples() {
        let update = TableEvent::RowsUpdated {
            table_id: 1,
            rows_before_update: vec![
                json!({"id": 5, "field_2": "a", "field_3": {"id": 9, "value": "x"}, "field_4": 1}),
            ],
            rows: vec![json!({"id": 5, "field_2": "b", "field_3": null, "field_4": 1})],
            updated_field_ids: vec![2, 3],
            metadata: json!({}),
        };
        let ripple = TableEvent::RowsUpdated {
            table_id: 7,
            rows_before_update: vec![json!({"id": 1})],
            rows: vec![json!({"id": 1})],
            updated_field_ids: vec![8],
            metadata: json!({}),
        };
        let mut pending = BTreeMap::new();
        pending.insert(1, vec![update]);
        pending.insert(7, vec![ripple]);
        // Emitted in this order: the change on table 1, then the linked rows of table 7.
        let events = in_order(&[1, 7], &pending);
        let params = derive(&events).unwrap();
        assert_eq!(
            serde_json::to_value(&params).unwrap(),
            json!({"kind": "update_rows", "table_id": 1,
                   "before": [{"id": 5, "field_2": "a", "field_3": 9}],
                   "after": [{"id": 5, "field_2": "b", "field_3": null}]})
        );
        assert_eq!(
            writable(&json!([{"id": 1, "value": "a"}, {"id": 2}])),
            json!([1, 2])
        );
        assert_eq!(
            writable(&json!([{"name": "f.txt"}])),
            json!([{"name": "f.txt"}])
        );
    }

    #[test]
    fn a_field_change_is_its_last_field_event() {
        let related = TableEvent::FieldCreated {
            field: json!({"id": 11, "table_id": 2}),
            related_fields: vec![json!({"id": 10})],
        };
        let own = TableEvent::FieldCreated {
            field: json!({"id": 10, "table_id": 1}),
            related_fields: vec![json!({"id": 11})],
        };
        let mut pending = BTreeMap::new();
        pending.insert(2, vec![related]);
        pending.insert(1, vec![own]);
        let events = in_order(&[2, 1], &pending);
        assert_eq!(
            derive(&events),
            Some(Params::CreateField {
                table_id: 1,
                field_id: 10
            })
        );
        let table = TableEvent::TableCreated { table: json!({}) };
        assert_eq!(derive(&[&table]), None);
    }
}
