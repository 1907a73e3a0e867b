//! Imports: a file is uploaded (or text pasted), then a `file_import` job on the `low`
//! queue reads it as a stream (CSV, TSV, JSON, XML or pasted cells, in any common
//! encoding) and copies its rows into a new or an existing table; an
//! `external_database_import` job does the same with a table of an external PostgreSQL or
//! MySQL/MariaDB database.

mod encoding;
mod errors;
pub mod external;
pub mod formats;
mod headers;
pub mod indexes;
mod job;
mod queue;
mod report;
pub mod rows_body;
mod service;
pub mod sources;
pub mod uploads;
mod writer;

pub use errors::ImportError;
pub use job::run;
pub use service::{ImportRequest, start};

/// The job type, as Baserow names it.
pub const JOB_TYPE: &str = "file_import";
