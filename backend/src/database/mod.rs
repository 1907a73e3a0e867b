//! The database application: tables stored as real PostgreSQL tables, typed fields,
//! rows, their history and comments, the links between them, workspace members as values,
//! filters, search, the per-table event log, exports, tokens and webhooks.

pub mod access;
pub mod actions;
pub mod application_type;
pub mod collaborators;
pub mod comments;
pub mod computed;
pub mod duplicate_application;
pub mod events;
pub mod export;
pub mod fields;
pub mod filters;
pub mod formula;
pub mod id_map;
pub mod imports;
pub mod indexes;
pub mod initial_workspace;
pub mod job_start;
pub mod links;
pub mod metadata_cache;
pub mod row_history;
pub mod rows;
pub mod search;
pub mod snapshots;
pub mod tables;
pub mod tokens;
pub mod trash;
pub mod user_job_types;
/// The transaction the database's changes run in, shared with the platform.
pub use crate::db::tx;
pub mod views;
pub mod webhooks;
