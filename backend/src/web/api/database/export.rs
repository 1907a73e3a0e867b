//! `/api/database/export/…`: exporting a table or view to a file, and the export job.

use crate::{
    database::export::{self, ExportRequest},
    error::ApiError,
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct ExportBody {
    /// `csv`, `json`, `xml` or `excel`.
    exporter_type: String,
    /// Export this view of the table: its filters, sorts and visible fields.
    view_id: Option<i64>,
    /// `utf-8` (default), `utf-16`, `latin-1`, `windows-1252`, …
    export_charset: Option<String>,
    /// A filter tree `{filter_type, filters, groups}` on top of the view's.
    #[schema(value_type = Option<Object>)]
    filters: Option<Value>,
    /// As on the row listing; replaces the view's sorts.
    order_by: Option<String>,
    /// Field ids to export, in this order.
    fields: Option<Vec<i64>>,
    /// `,` (default), `;`, `|`, `tab`, `record_separator`, `unit_separator`.
    csv_column_separator: Option<String>,
    /// Default true.
    csv_include_header: Option<bool>,
    /// Default false.
    excel_include_header: Option<bool>,
}

impl From<ExportBody> for ExportRequest {
    fn from(b: ExportBody) -> Self {
        Self {
            exporter_type: b.exporter_type,
            view_id: b.view_id,
            export_charset: b.export_charset,
            filters: b.filters,
            order_by: b.order_by,
            fields: b.fields,
            csv_column_separator: b.csv_column_separator,
            csv_include_header: b.csv_include_header,
            excel_include_header: b.excel_include_header,
        }
    }
}

#[utoipa::path(post, path = "/api/database/export/table/{table_id}/", tag = "Database exports", request_body = ExportBody,
    params(("table_id" = i64, Path)), responses((status = 200, description = "The export job: `{id, table, view, exporter_type, state, status, exported_file_name, created_at, progress_percentage, url}`")), security(("jwt" = [])))]
pub async fn start(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ExportBody>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(export::start(&state.ctx, &actor, id, b.into()).await?))
}

#[utoipa::path(get, path = "/api/database/export/{job_id}/", tag = "Database exports",
    params(("job_id" = i64, Path)), responses((status = 200, description = "The export job")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(export::get(&state.ctx, &actor, id).await?))
}
