//! What an export was asked for (checked, then kept as its job's params) and the export
//! job as Baserow shows it.

use super::files;
use crate::platform::jobs::user_jobs::UserJob;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// An export request as it arrives; [`super::start`] checks it.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    pub exporter_type: String,
    pub view_id: Option<i64>,
    pub export_charset: Option<String>,
    /// A filter tree (`{filter_type, filters, groups}`), as an object or as JSON text.
    pub filters: Option<Value>,
    pub order_by: Option<String>,
    /// Field ids to export, in this order; `None`: the view's visible fields or the table's.
    pub fields: Option<Vec<i64>>,
    pub csv_column_separator: Option<String>,
    pub csv_include_header: Option<bool>,
    pub excel_include_header: Option<bool>,
}

/// A checked request: the job's params, read again by the runner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportParams {
    pub table: i64,
    pub view: Option<i64>,
    pub exporter_type: String,
    pub export_charset: String,
    pub csv_column_separator: String,
    pub csv_include_header: bool,
    pub excel_include_header: bool,
    pub filters: Option<Value>,
    pub order_by: Option<String>,
    pub fields: Option<Vec<i64>>,
}

/// The state names of exports: the jobs table's `started` is Baserow's `exporting`.
fn export_state(state: &str) -> &str {
    match state {
        "started" => "exporting",
        other => other,
    }
}

/// Baserow's export job: `{id, table, view, exporter_type, state, status,
/// exported_file_name, created_at, progress_percentage, url}` (plus the reason of a failure).
pub fn job_json(job: &UserJob, public_url: &str) -> Value {
    let params = &job.params.0;
    let state = export_state(&job.state);
    let file_name = (job.state == "finished")
        .then(|| {
            job.result
                .0
                .get("exported_file_name")
                .and_then(Value::as_str)
        })
        .flatten();
    json!({
        "id": job.id,
        "table": params.get("table").cloned().unwrap_or(Value::Null),
        "view": params.get("view").cloned().unwrap_or(Value::Null),
        "exporter_type": params.get("exporter_type").cloned().unwrap_or(Value::Null),
        "state": state,
        "status": state,
        "exported_file_name": file_name,
        "created_at": job.created_on,
        "progress_percentage": job.progress_percentage,
        "url": file_name.map(|name| files::url(public_url, name)),
        "human_readable_error": job.human_readable_error,
    })
}
