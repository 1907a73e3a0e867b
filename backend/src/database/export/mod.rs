//! Exports of tables and views (CSV, JSON, XML, Excel): a user job on the `low` queue that
//! streams rows into a file under the media folder, downloadable until it expires.

mod cells;
mod charset;
pub mod cleanup;
pub mod download;
mod errors;
pub mod exporter;
pub mod files;
mod formats;
mod model;
mod plan;
pub mod registry;
mod run;
mod service;

pub use errors::ExportError;
pub use model::{ExportParams, ExportRequest, job_json};
pub use run::run;
pub use service::{get, start};

/// The export jobs' type in the jobs table.
pub const JOB_TYPE: &str = "export_table";
