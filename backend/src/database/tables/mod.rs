//! Tables: each one a real PostgreSQL table `database_table_{id}`.

pub mod copy;
pub mod duplicate;
mod errors;
pub mod repo;
mod service;

pub use errors::TableError;
pub use service::*;

use chrono::{DateTime, Utc};

/// The user table's SQL name; built from the numeric id only.
pub fn table_name(table_id: i64) -> String {
    format!("database_table_{table_id}")
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Table {
    pub id: i64,
    pub database_id: i64,
    pub name: String,
    pub order: i32,
    pub created_on: DateTime<Utc>,
    pub row_count: i64,
}

impl Table {
    /// Baserow's table object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "name": self.name,
            "order": self.order,
            "database_id": self.database_id,
            "data_sync": null,
        })
    }
}
