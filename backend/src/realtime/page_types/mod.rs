//! The built-in page types, one per file.

pub mod public_view;
pub mod row;
pub mod table;

use serde_json::Value;

/// A positive id parameter of a client message.
fn id_param(message: &Value, key: &str) -> Option<i64> {
    message
        .get(key)
        .and_then(Value::as_i64)
        .filter(|id| *id > 0)
}
