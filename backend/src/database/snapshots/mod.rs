//! Database snapshots (Baserow's `snapshots`): named copies of a database kept out of
//! sight, listed per database, restored as a new database of its workspace, deleted for
//! good (by hand, or by the export worker once expired). Taking and restoring one are jobs
//! (`create_snapshot`, `restore_snapshot`).

mod errors;
pub mod expiry;
pub mod job;
pub mod repo;
mod service;

pub use errors::SnapshotError;
pub use service::*;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// A snapshot with the name of whoever took it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Snapshot {
    pub id: i64,
    pub name: String,
    pub snapshot_from_application_id: i64,
    /// The hidden copy; `None` while the creating job has not finished.
    pub snapshot_to_application_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The taker's email (Baserow's username); `None` once their account is gone.
    pub created_by_username: Option<String>,
}

impl Snapshot {
    /// Baserow's `SnapshotSerializer`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "snapshot_from_application": self.snapshot_from_application_id,
            "created_at": self.created_at,
            "created_by": self.created_by_username.as_ref().map(|u| json!({ "username": u })),
        })
    }
}
