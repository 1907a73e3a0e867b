//! Turns a committing transaction's events into the action it amounts to. A change emits
//! its own event first (rows) or last (fields, after those of related fields and
//! formulas), and the events of the rows and fields it touched elsewhere around it; only
//! the change itself is undone, and the services redo the rest as they did the first time.

use crate::{
    database::events::{TableEvent, ViewPart},
    platform::actions::Params,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The undoable action a transaction's events amount to (`emitted`: the table of each
/// event, in emission order), if the change is one that can be undone.
pub fn derive_action(emitted: &[i64], pending: &BTreeMap<i64, Vec<TableEvent>>) -> Option<Params> {
    derive(&in_order(emitted, pending))
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
    // A table's creation, rename or deletion is the change, not the fields, rows and
    // views a new table comes with; a table refreshed by something else is not undone.
    let table_event = events.iter().find(|e| {
        matches!(
            e,
            TableEvent::TableCreated { .. }
                | TableEvent::TableUpdated { .. }
                | TableEvent::TableDeleted { .. }
        )
    });
    if let Some(event) = table_event {
        return table_action(event);
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
        return match field_action(event)? {
            Params::UpdateField {
                table_id,
                field_id,
                before,
                after,
                backup,
                ..
            } => Some(Params::UpdateField {
                table_id,
                field_id,
                before,
                after,
                backup,
                views: events.iter().filter_map(|e| view_part_action(e)).collect(),
            }),
            other => Some(other),
        };
    }
    if let Some(params) = events.iter().find_map(|e| view_part_action(e)) {
        return Some(params);
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
    let reordered = events.iter().find_map(|e| match e {
        TableEvent::ViewsReordered {
            table_id,
            order,
            before: Some(before),
        } => Some(Params::OrderViews {
            table_id: *table_id,
            before: before.clone(),
            after: order.clone(),
        }),
        _ => None,
    });
    if reordered.is_some() {
        return reordered;
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

fn table_action(event: &TableEvent) -> Option<Params> {
    match event {
        TableEvent::TableCreated { table } => Some(Params::CreateTable {
            database_id: table.get("database_id")?.as_i64()?,
            table_id: table.get("id")?.as_i64()?,
        }),
        TableEvent::TableUpdated {
            table_id,
            table,
            before: Some(before),
            ..
        } => Some(Params::UpdateTable {
            database_id: table.get("database_id")?.as_i64()?,
            table_id: *table_id,
            before: (**before).clone(),
            after: table.clone(),
        }),
        TableEvent::TableDeleted {
            database_id,
            table_id,
        } => Some(Params::DeleteTable {
            database_id: *database_id,
            table_id: *table_id,
        }),
        _ => None,
    }
}

/// A change of a view's filters, filter groups, sorts, group-bys or field options that
/// its user asked for (those carry what was there before).
fn view_part_action(event: &TableEvent) -> Option<Params> {
    let created = |part: ViewPart, value: &Value| {
        Some(Params::CreateViewPart {
            view_id: value.get("view")?.as_i64()?,
            part,
            value: value.clone(),
        })
    };
    let updated = |part: ViewPart, value: &Value, before: &Option<Box<Value>>| {
        Some(Params::UpdateViewPart {
            view_id: value.get("view")?.as_i64()?,
            part,
            before: (**before.as_ref()?).clone(),
            after: value.clone(),
        })
    };
    let deleted = |part: ViewPart, view_id: i64, id: i64, removed: &Vec<(ViewPart, Value)>| {
        (!removed.is_empty()).then(|| Params::DeleteViewPart {
            view_id,
            part,
            id,
            removed: removed.clone(),
        })
    };
    match event {
        TableEvent::ViewFilterCreated { view_filter: v } => created(ViewPart::Filter, v),
        TableEvent::ViewFilterGroupCreated {
            view_filter_group: v,
        } => created(ViewPart::FilterGroup, v),
        TableEvent::ViewSortCreated { view_sort: v } => created(ViewPart::Sort, v),
        TableEvent::ViewGroupByCreated { view_group_by: v } => created(ViewPart::GroupBy, v),
        TableEvent::ViewFilterUpdated {
            view_filter: v,
            before,
            ..
        } => updated(ViewPart::Filter, v, before),
        TableEvent::ViewFilterGroupUpdated {
            view_filter_group: v,
            before,
            ..
        } => updated(ViewPart::FilterGroup, v, before),
        TableEvent::ViewSortUpdated {
            view_sort: v,
            before,
            ..
        } => updated(ViewPart::Sort, v, before),
        TableEvent::ViewGroupByUpdated {
            view_group_by: v,
            before,
            ..
        } => updated(ViewPart::GroupBy, v, before),
        TableEvent::ViewFilterDeleted {
            view_id,
            view_filter_id: id,
            removed,
        } => deleted(ViewPart::Filter, *view_id, *id, removed),
        TableEvent::ViewFilterGroupDeleted {
            view_id,
            view_filter_group_id: id,
            removed,
        } => deleted(ViewPart::FilterGroup, *view_id, *id, removed),
        TableEvent::ViewSortDeleted {
            view_id,
            view_sort_id: id,
            removed,
        } => deleted(ViewPart::Sort, *view_id, *id, removed),
        TableEvent::ViewGroupByDeleted {
            view_id,
            view_group_by_id: id,
            removed,
        } => deleted(ViewPart::GroupBy, *view_id, *id, removed),
        TableEvent::ViewFieldOptionsUpdated {
            view_id,
            field_options,
            before: Some(before),
        } => {
            let before = before.as_object()?;
            let after: Map<String, Value> = before
                .keys()
                .filter_map(|k| Some((k.clone(), field_options.get(k)?.clone())))
                .collect();
            Some(Params::UpdateViewFieldOptions {
                view_id: *view_id,
                before: Value::Object(before.clone()),
                after: Value::Object(after),
            })
        }
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
            views: Vec::new(),
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
        // Moving a row changes no field, only its order.
        TableEvent::RowsUpdated {
            table_id,
            rows_before_update,
            rows,
            updated_field_ids,
            ..
        } if updated_field_ids.is_empty() => {
            let ([before], [after]) = (rows_before_update.as_slice(), rows.as_slice()) else {
                return None;
            };
            let order = |row: &Value| row.get("order")?.as_str().map(str::to_owned);
            Some(Params::MoveRow {
                table_id: *table_id,
                row_id: after.get("id")?.as_i64()?,
                before: order(before)?,
                after: order(after)?,
            })
        }
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

    #[test]
    fn tables_view_parts_and_moves_are_derived_with_what_undo_needs() {
        let created = TableEvent::TableCreated {
            table: json!({"id": 4, "database_id": 2, "name": "T"}),
        };
        let field = TableEvent::FieldCreated {
            field: json!({"id": 10, "table_id": 4}),
            related_fields: vec![],
        };
        let params = derive(&[&field, &created]).unwrap();
        assert_eq!(
            (params.action_type(), params.scope()),
            ("create_table", "application2".to_owned())
        );
        // A table refreshed by something else than its user is not undone.
        let refreshed = TableEvent::TableUpdated {
            table_id: 4,
            table: json!({"id": 4, "database_id": 2}),
            force_table_refresh: true,
            before: None,
        };
        assert_eq!(derive(&[&refreshed]), None);

        let removed = vec![(ViewPart::Filter, json!({"id": 3, "view": 7}))];
        let deleted = ViewPart::Filter.deleted(7, 3, removed.clone());
        let params = derive(&[&deleted]).unwrap();
        assert_eq!(
            (params.action_type(), params.scope()),
            ("delete_view_filter", "view7".to_owned())
        );
        assert_eq!(
            params,
            Params::DeleteViewPart {
                view_id: 7,
                part: ViewPart::Filter,
                id: 3,
                removed
            }
        );
        // One the undo itself deleted carries nothing to bring back: not recorded.
        assert_eq!(derive(&[&ViewPart::Sort.deleted(7, 3, Vec::new())]), None);
        let group_by = ViewPart::GroupBy.created(json!({"id": 5, "view": 7}));
        assert_eq!(
            derive(&[&group_by]).unwrap().action_type(),
            "create_view_group"
        );

        let moved = TableEvent::RowsUpdated {
            table_id: 1,
            rows_before_update: vec![json!({"id": 5, "order": "2.00000000000000000000"})],
            rows: vec![json!({"id": 5, "order": "0.50000000000000000000"})],
            updated_field_ids: vec![],
            metadata: json!({}),
        };
        assert_eq!(
            derive(&[&moved]),
            Some(Params::MoveRow {
                table_id: 1,
                row_id: 5,
                before: "2.00000000000000000000".into(),
                after: "0.50000000000000000000".into(),
            })
        );
    }
}
