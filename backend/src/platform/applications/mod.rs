//! Applications inside a workspace. Tessera has one application type: `database`.

mod application_type;
mod errors;
pub mod repo;
mod service;

pub use application_type::ApplicationType;
pub use errors::ApplicationError;
pub use service::*;

use chrono::{DateTime, Utc};

/// Application types a workspace can hold.
pub const TYPES: &[&str] = &["database"];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub workspace_id: i64,
    pub workspace_name: String,
    pub name: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub order: i32,
    pub created_on: DateTime<Utc>,
}
