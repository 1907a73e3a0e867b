//! `row`: the events of one row (its updates, its deletion and its new history entries),
//! for an expanded row that follows it without the whole table.

use super::{id_param, table::readable};
use crate::{
    context::AppContext,
    database::{events::TableEvent, tables::table_name},
    platform::auth::Actor,
    realtime::{
        page::PageKey,
        page_type::{After, PageType, Projected, Subscription},
    },
};
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};

pub struct RowPageType;

impl PageType for RowPageType {
    fn name(&self) -> &'static str {
        "row"
    }

    fn identity(&self) -> &'static [&'static str] {
        &["table_id", "row_id"]
    }

    fn open<'a>(
        &'a self,
        ctx: &'a AppContext,
        user: Option<&'a Actor>,
        message: &'a Value,
    ) -> BoxFuture<'a, sqlx::Result<Option<Subscription>>> {
        Box::pin(async move {
            let (Some(user), Some(table_id), Some(row_id)) = (
                user,
                id_param(message, "table_id"),
                id_param(message, "row_id"),
            ) else {
                return Ok(None);
            };
            // The table check comes first: the row query names the table's own SQL table.
            if !readable(ctx, user, table_id).await? {
                return Ok(None);
            }
            let live: Option<bool> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT NOT trashed FROM {} WHERE id = $1",
                table_name(table_id)
            )))
            .bind(row_id)
            .fetch_optional(&ctx.db)
            .await?;
            if live != Some(true) {
                return Ok(None);
            }
            Ok(Some(Subscription {
                key: PageKey::Row { table_id, row_id },
                parameters: json!({ "table_id": table_id, "row_id": row_id }),
            }))
        })
    }

    /// A row that went to the trash keeps its page (it may come back); only access counts.
    fn still_allowed<'a>(
        &'a self,
        ctx: &'a AppContext,
        user: Option<&'a Actor>,
        subscription: &'a Subscription,
    ) -> BoxFuture<'a, sqlx::Result<bool>> {
        Box::pin(async move {
            match user {
                Some(user) => readable(ctx, user, subscription.key.table_id()).await,
                None => Ok(false),
            }
        })
    }
}

fn has_id(row: &Value, row_id: i64) -> bool {
    row.get("id").and_then(Value::as_i64) == Some(row_id)
}

/// The event cut down to the row: `rows_updated` and `rows_deleted` that include it, with
/// only its entries, and its comments' events; a deleted table ends the page. Other events
/// are not the row's.
/// `message` is the event as sent (its extra keys, such as `seq`, are kept).
pub fn project(message: &Value, event: Option<&TableEvent>, row_id: i64) -> Projected {
    let Some(fields) = message.as_object() else {
        return Projected::default();
    };
    let only_row = |rows: &[Value]| -> Value {
        Value::Array(rows.iter().filter(|r| has_id(r, row_id)).cloned().collect())
    };
    let mut out = fields.clone();
    match event {
        Some(TableEvent::RowsUpdated {
            rows,
            rows_before_update,
            metadata,
            ..
        }) => {
            let rows = only_row(rows);
            if rows.as_array().is_none_or(Vec::is_empty) {
                return Projected::default();
            }
            out.insert("rows".into(), rows);
            out.insert("rows_before_update".into(), only_row(rows_before_update));
            let key = row_id.to_string();
            let metadata: Map<String, Value> = metadata
                .get(&key)
                .map(|m| Map::from_iter([(key, m.clone())]))
                .unwrap_or_default();
            out.insert("metadata".into(), Value::Object(metadata));
        }
        Some(TableEvent::RowsDeleted { row_ids, rows, .. }) => {
            if !row_ids.contains(&row_id) {
                return Projected::default();
            }
            out.insert("row_ids".into(), json!([row_id]));
            out.insert("rows".into(), only_row(rows));
        }
        Some(TableEvent::RowHistoryUpdated { table_id, entries }) => {
            let Some(entry) = entries
                .iter()
                .find(|e| e.get("row_id").and_then(Value::as_i64) == Some(row_id))
            else {
                return Projected::default();
            };
            let mut message = Map::new();
            message.insert("type".into(), json!("row_history_updated"));
            message.insert(
                "row_history_entry".into(),
                entry.get("row_history_entry").cloned().unwrap_or_default(),
            );
            message.insert("table_id".into(), json!(table_id));
            message.insert("row_id".into(), json!(row_id));
            if let Some(seq) = fields.get("seq") {
                message.insert("seq".into(), seq.clone());
            }
            return Projected::send(vec![Value::Object(message).to_string()]);
        }
        Some(event) if event.row_comment().is_some() => {
            let of_row = event
                .row_comment()
                .and_then(|c| c.get("row_id"))
                .and_then(Value::as_i64)
                == Some(row_id);
            if !of_row {
                return Projected::default();
            }
        }
        Some(TableEvent::TableDeleted { .. }) => {
            return Projected {
                messages: vec![message.to_string()],
                then: After::Discard,
            };
        }
        _ => return Projected::default(),
    }
    Projected::send(vec![Value::Object(out).to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_are_cut_to_the_row_and_others_skipped() {
        let message = json!({"type": "rows_updated", "table_id": 1, "seq": 4,
            "rows": [{"id": 1, "field_2": "a"}, {"id": 7, "field_2": "b"}],
            "rows_before_update": [{"id": 1, "field_2": "x"}, {"id": 7, "field_2": "y"}],
            "updated_field_ids": [2], "metadata": {"1": {"c": 1}, "7": {"c": 2}}});
        let event = TableEvent::from_message(&message);
        let p = project(&message, event.as_ref(), 7);
        let m: Value = serde_json::from_str(&p.messages[0]).unwrap();
        assert_eq!(m["rows"], json!([{"id": 7, "field_2": "b"}]));
        assert_eq!(m["rows_before_update"], json!([{"id": 7, "field_2": "y"}]));
        assert_eq!(m["metadata"], json!({"7": {"c": 2}}));
        assert_eq!(m["seq"], 4);
        assert!(project(&message, event.as_ref(), 8).messages.is_empty());
        let created = json!({"type": "rows_created", "table_id": 1, "rows": [{"id": 7}],
                             "metadata": {}, "before_row_id": null});
        let event = TableEvent::from_message(&created);
        assert!(event.is_some());
        assert!(project(&created, event.as_ref(), 7).messages.is_empty());
    }

    #[test]
    fn a_history_event_gives_each_row_page_its_own_entry_only() {
        let message = json!({"type": "row_history_updated", "table_id": 1, "seq": 9,
            "entries": [{"row_id": 3, "row_history_entry": {"id": 11}},
                        {"row_id": 7, "row_history_entry": {"id": 12}}]});
        let event = TableEvent::from_message(&message);
        let m: Value =
            serde_json::from_str(&project(&message, event.as_ref(), 7).messages[0]).unwrap();
        assert_eq!(
            m,
            json!({"type": "row_history_updated", "row_history_entry": {"id": 12},
                   "table_id": 1, "row_id": 7, "seq": 9})
        );
        assert!(project(&message, event.as_ref(), 4).messages.is_empty());
    }

    #[test]
    fn comment_events_reach_only_their_rows_page() {
        let message = json!({"type": "row_comment_created", "table_id": 1, "seq": 5,
            "row_comment": {"id": 9, "row_id": 7, "message": null}});
        let event = TableEvent::from_message(&message);
        assert!(event.is_some());
        let p = project(&message, event.as_ref(), 7);
        let m: Value = serde_json::from_str(&p.messages[0]).unwrap();
        assert_eq!(m["row_comment"]["id"], 9);
        assert!(project(&message, event.as_ref(), 8).messages.is_empty());
    }

    #[test]
    fn deletions_name_only_the_row_and_a_deleted_table_ends_the_page() {
        let message = json!({"type": "rows_deleted", "table_id": 1, "row_ids": [3, 7],
                             "rows": [{"id": 3}, {"id": 7}]});
        let event = TableEvent::from_message(&message);
        let m: Value =
            serde_json::from_str(&project(&message, event.as_ref(), 3).messages[0]).unwrap();
        assert_eq!(m["row_ids"], json!([3]));
        assert_eq!(m["rows"], json!([{"id": 3}]));
        let deleted = json!({"type": "table_deleted", "database_id": 1, "table_id": 1});
        let gone = project(&deleted, TableEvent::from_message(&deleted).as_ref(), 3);
        assert_eq!(gone.then, After::Discard);
    }
}
