//! The database application: tables stored as real PostgreSQL tables, typed fields,
//! rows, filters, and the per-table event log.

pub mod access;
pub mod events;
pub mod fields;
pub mod filters;
pub mod indexes;
pub mod rows;
pub mod tables;
pub mod tokens;
