//! Webhook bodies made from a table event: Baserow's shape, row keys by field name when
//! the webhook asks for it, and changes of more than 200 rows split into batches.

use super::event_types::WebhookEventType;
use crate::database::{access::TableScope, events::TableEvent};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Rows per call; bigger changes are sent in numbered batches (Baserow: 200).
pub const BATCH_ROWS: usize = 200;

/// One call's body and its batch number (1-based), when the change was split.
#[derive(Debug)]
pub struct Body {
    pub json: String,
    pub batch_id: Option<usize>,
}

/// The bodies for one event. `field_names` maps `field_{id}` to the field's name and is
/// used when `user_field_names` is set; keys of fields since deleted stay as they were.
pub fn bodies(
    kind: &WebhookEventType,
    event: &TableEvent,
    scope: &TableScope,
    webhook_id: i64,
    event_id: uuid::Uuid,
    user_field_names: bool,
    field_names: &HashMap<String, String>,
) -> Vec<Body> {
    let mut base = Map::new();
    base.insert("table_id".into(), json!(scope.table_id));
    base.insert("database_id".into(), json!(scope.database_id));
    base.insert("workspace_id".into(), json!(scope.workspace_id));
    base.insert("webhook_id".into(), json!(webhook_id));
    base.insert("event_id".into(), json!(event_id));
    base.insert("event_type".into(), json!(kind.name));
    let rename = |rows: &[Value]| -> Vec<Value> {
        rows.iter()
            .map(|row| rename_keys(row, user_field_names, field_names))
            .collect()
    };
    match event {
        TableEvent::RowsCreated { rows, .. } => batches(base, &[("items", rename(rows))]),
        TableEvent::RowsUpdated {
            rows,
            rows_before_update,
            ..
        } => batches(
            base,
            &[
                ("items", rename(rows)),
                ("old_items", rename(rows_before_update)),
            ],
        ),
        TableEvent::RowsDeleted { row_ids, .. } => batches(
            base,
            &[("row_ids", row_ids.iter().map(|id| json!(id)).collect())],
        ),
        TableEvent::FieldCreated { field, .. } | TableEvent::FieldUpdated { field, .. } => {
            base.insert("field".into(), field.clone());
            vec![single(base)]
        }
        TableEvent::FieldDeleted { field_id, .. } => {
            base.insert("field_id".into(), json!(field_id));
            vec![single(base)]
        }
        TableEvent::ViewCreated { view } | TableEvent::ViewUpdated { view, .. } => {
            base.insert("view".into(), view.clone());
            vec![single(base)]
        }
        TableEvent::ViewDeleted { view_id, .. } => {
            base.insert("view_id".into(), json!(view_id));
            vec![single(base)]
        }
        // Not a webhook event: nothing to send.
        _ => Vec::new(),
    }
}

fn single(body: Map<String, Value>) -> Body {
    Body {
        json: Value::Object(body).to_string(),
        batch_id: None,
    }
}

/// Splits parallel lists (items and old items) into batches of [`BATCH_ROWS`].
fn batches(base: Map<String, Value>, lists: &[(&str, Vec<Value>)]) -> Vec<Body> {
    let total = lists.first().map(|(_, l)| l.len()).unwrap_or_default();
    if total <= BATCH_ROWS {
        let mut body = base;
        for (key, list) in lists {
            body.insert((*key).into(), Value::Array(list.clone()));
        }
        return vec![single(body)];
    }
    (0..total)
        .step_by(BATCH_ROWS)
        .enumerate()
        .map(|(i, offset)| {
            let mut body = base.clone();
            for (key, list) in lists {
                let end = (offset + BATCH_ROWS).min(list.len());
                let part = list.get(offset..end).unwrap_or_default().to_vec();
                body.insert((*key).into(), Value::Array(part));
            }
            body.insert("offset".into(), json!(offset));
            body.insert("batch_size".into(), json!(BATCH_ROWS));
            body.insert("batch_id".into(), json!(i + 1));
            Body {
                json: Value::Object(body).to_string(),
                batch_id: Some(i + 1),
            }
        })
        .collect()
}

fn rename_keys(row: &Value, user_field_names: bool, names: &HashMap<String, String>) -> Value {
    let Some(map) = row.as_object() else {
        return row.clone();
    };
    if !user_field_names {
        return row.clone();
    }
    Value::Object(
        map.iter()
            .map(|(k, v)| {
                (
                    names.get(k).cloned().unwrap_or_else(|| k.clone()),
                    v.clone(),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::webhooks::event_types::by_name;

    fn scope() -> TableScope {
        TableScope {
            table_id: 1,
            database_id: 2,
            workspace_id: 3,
        }
    }

    fn names() -> HashMap<String, String> {
        HashMap::from([("field_7".to_owned(), "Name".to_owned())])
    }

    fn parse(body: &Body) -> Value {
        serde_json::from_str(&body.json).unwrap()
    }

    #[test]
    fn updated_rows_carry_items_and_old_items_by_field_name() {
        let payload = TableEvent::RowsUpdated {
            table_id: 1,
            rows: vec![json!({"id": 1, "order": "1.00000000000000000000", "field_7": "Ann"})],
            rows_before_update: vec![
                json!({"id": 1, "order": "1.00000000000000000000", "field_7": "An"}),
            ],
            updated_field_ids: vec![7],
            metadata: json!({}),
        };
        let id = uuid::Uuid::new_v4();
        let kind = by_name("rows.updated").unwrap();
        let out = bodies(kind, &payload, &scope(), 4, id, true, &names());
        assert_eq!(out.len(), 1);
        let body = parse(&out[0]);
        assert_eq!(body["event_type"], "rows.updated");
        assert_eq!(body["event_id"], json!(id));
        assert_eq!(
            (
                &body["table_id"],
                &body["database_id"],
                &body["workspace_id"],
                &body["webhook_id"]
            ),
            (&json!(1), &json!(2), &json!(3), &json!(4))
        );
        assert_eq!(body["items"][0]["Name"], "Ann");
        assert_eq!(body["old_items"][0]["Name"], "An");
        assert!(body.get("offset").is_none());
        let by_id = bodies(kind, &payload, &scope(), 4, id, false, &names());
        assert_eq!(parse(&by_id[0])["items"][0]["field_7"], "Ann");
    }

    #[test]
    fn more_than_200_rows_are_split_into_numbered_batches() {
        let rows: Vec<Value> = (1..=450)
            .map(|i| json!({"id": i, "field_7": "x"}))
            .collect();
        let payload = TableEvent::RowsCreated {
            table_id: 1,
            rows,
            metadata: json!({}),
            before_row_id: None,
        };
        let kind = by_name("rows.created").unwrap();
        let out = bodies(
            kind,
            &payload,
            &scope(),
            4,
            uuid::Uuid::nil(),
            true,
            &names(),
        );
        assert_eq!(out.len(), 3);
        let last = parse(&out[2]);
        assert_eq!(
            (last["offset"].clone(), last["batch_id"].clone()),
            (json!(400), json!(3))
        );
        assert_eq!(last["items"].as_array().unwrap().len(), 50);
        assert_eq!(last["items"][0]["id"], 401);
        assert_eq!(out[1].batch_id, Some(2));
    }

    #[test]
    fn deletions_and_schema_changes_have_their_own_keys() {
        let deleted = bodies(
            by_name("rows.deleted").unwrap(),
            &TableEvent::RowsDeleted {
                table_id: 1,
                row_ids: vec![3, 4],
                rows: vec![json!({"id": 3})],
            },
            &scope(),
            4,
            uuid::Uuid::nil(),
            true,
            &names(),
        );
        let body = parse(&deleted[0]);
        assert_eq!(body["row_ids"], json!([3, 4]));
        assert!(body.get("items").is_none());
        let field = bodies(
            by_name("field.deleted").unwrap(),
            &TableEvent::FieldDeleted {
                table_id: 1,
                field_id: 9,
                related_fields: vec![],
            },
            &scope(),
            4,
            uuid::Uuid::nil(),
            true,
            &names(),
        );
        assert_eq!(parse(&field[0])["field_id"], 9);
    }
}
