//! What travels through Redis: a client message plus who should receive it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Who receives a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// Sockets subscribed to a page, e.g. `table-12`.
    Page { page: String },
    /// Every socket of these users.
    Users { user_ids: Vec<i64> },
    /// These users lost some access: their sockets re-check every subscription and drop
    /// what they may no longer read. Nothing is sent to the client for it.
    Recheck { user_ids: Vec<i64> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub target: Target,
    /// The socket whose request caused the event; it does not get its own echo.
    pub skip_websocket_id: Option<String>,
    /// `(table_id, seq)` of table events, for per-socket de-duplication and replay.
    pub table_seq: Option<(i64, i64)>,
    /// Of table events: the access epoch read after the event (see `realtime::access`).
    /// Absent from other messages, and from those of a worker that predates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_epoch: Option<i64>,
    /// The client message: `{"type": …, …payload}`.
    pub message: Value,
}

/// The page key of a table.
pub fn table_page(table_id: i64) -> String {
    format!("table-{table_id}")
}

/// Builds the client message of a logged table event: Baserow's payload plus its type
/// and (beyond Baserow) the table's sequence number.
pub fn table_event_message(table_id: i64, seq: i64, event_type: &str, payload: &Value) -> Value {
    let mut message = Map::new();
    message.insert("type".into(), Value::String(event_type.to_owned()));
    if let Some(fields) = payload.as_object() {
        for (k, v) in fields {
            message.insert(k.clone(), v.clone());
        }
    }
    message.insert("table_id".into(), Value::from(table_id));
    message.insert("seq".into(), Value::from(seq));
    Value::Object(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_access_epoch_is_optional_both_ways_for_backends_of_mixed_versions() {
        let old = json!({"target": {"kind": "users", "user_ids": [1]}, "skip_websocket_id": null,
            "table_seq": null, "message": {"type": "x"}});
        let envelope: Envelope = serde_json::from_value(old.clone()).unwrap();
        assert_eq!(envelope.access_epoch, None);
        assert_eq!(serde_json::to_value(&envelope).unwrap(), old);
    }
}
