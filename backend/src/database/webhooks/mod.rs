//! Outbound webhooks: per-table HTTP callbacks for row, field and view changes, delivered
//! from the event log in order, signed, retried with back-off and logged.

mod call;
mod delivery;
mod errors;
pub mod event_types;
mod payload;
pub mod repo;
mod service;
mod signature;

pub use call::{CallOutcome, truncate_middle};
pub use delivery::{deliver, send_again};
pub use errors::WebhookError;
pub use service::*;
pub use signature::{SIGNATURE_HEADER, sign, verify};

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A webhook as stored; the secret stays inside the delivery path.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Webhook {
    pub id: i64,
    pub table_id: i64,
    pub name: String,
    pub url: String,
    pub request_method: String,
    pub headers: sqlx::types::Json<Value>,
    pub include_all_events: bool,
    pub events: Vec<String>,
    pub event_config: sqlx::types::Json<Value>,
    pub use_user_field_names: bool,
    pub active: bool,
    pub failed_triggers: i32,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
}

impl Webhook {
    /// Whether this webhook wants events of `event_type` (a webhook event name).
    pub fn subscribes(&self, event_type: &str) -> bool {
        self.include_all_events || self.events.iter().any(|e| e == event_type)
    }

    /// The user's extra headers, in order.
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        header_pairs(&self.headers.0)
    }
}

/// `{"Name": "value"}` as pairs; non-string values were refused on input.
pub fn header_pairs(headers: &Value) -> Vec<(String, String)> {
    headers
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// One logged call.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookCall {
    pub id: i64,
    pub webhook_id: i64,
    pub event_id: uuid::Uuid,
    pub event_type: String,
    pub called_time: DateTime<Utc>,
    pub called_url: String,
    pub request: String,
    pub response: Option<String>,
    pub response_status: Option<i32>,
    pub error: Option<String>,
}
