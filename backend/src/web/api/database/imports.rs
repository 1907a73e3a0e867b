//! `/api/database/import/upload/`: receives a file to import, streamed to disk; and
//! `/api/database/import/external/tables/`: lists an external database's tables.

use crate::{
    database::imports::{self, ImportError},
    error::{ApiError, Detail},
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::{HeaderMap, header::CONTENT_LENGTH},
};
use serde_json::Value;

/// Room for the multipart framing around the file itself.
const FRAMING_BYTES: u64 = 64 * 1024;

fn invalid(message: &str) -> ApiError {
    ApiError::validation(Detail::field("file", "invalid", message))
}

/// Stores the `file` part of a multipart body; its `upload_id` goes into a `file_import` job.
#[utoipa::path(post, path = "/api/database/import/upload/", tag = "Imports",
    request_body(content_type = "multipart/form-data", description = "A `file` part"),
    responses((status = 200, description = "`{upload_id, name, size}`"),
        (status = 413, description = "`ERROR_IMPORT_FILE_TOO_LARGE`")),
    security(("jwt" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, ApiError> {
    let max = state.ctx.settings.import_max_bytes;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Refused before a byte is read when the client says up front that it is too large.
    if declared.is_some_and(|n| n > max.saturating_add(FRAMING_BYTES)) {
        return Err(ImportError::FileTooLarge(max).into());
    }
    let mut multipart = multipart
        .map_err(|_| invalid("Send the file as multipart/form-data in a part named file."))?;
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| invalid(&format!("The upload could not be read: {e}")))?;
        let Some(field) = field else {
            return Err(ApiError::validation(Detail::field(
                "file",
                "required",
                "No file was submitted.",
            )));
        };
        if field.name() == Some("file") {
            let name = field.file_name().map(str::to_owned);
            let upload =
                imports::uploads::store(&state.ctx, &actor, name.as_deref(), field).await?;
            return Ok(Json(upload.to_json()));
        }
    }
}

/// Lists the tables of an external PostgreSQL or MySQL/MariaDB database, to pick the
/// `source_table` of an `external_database_import` job. Any signed-in user may ask; the
/// server must pass the outbound address checks like the import itself.
#[utoipa::path(post, path = "/api/database/import/external/tables/", tag = "Imports",
    request_body(content = Object, description = "`{connection_url}`"),
    responses((status = 200, description = "`{tables: [\"schema.table\" | \"table\"]}`"),
        (status = 400, description = "`ERROR_EXTERNAL_DATABASE_UNREACHABLE`, `ERROR_REQUEST_BODY_VALIDATION`")),
    security(("jwt" = [])))]
pub async fn external_tables(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let Some(url) = body.get("connection_url").and_then(Value::as_str) else {
        return Err(ApiError::validation(Detail::field(
            "connection_url",
            "required",
            "This field is required.",
        )));
    };
    let tables = imports::external::list_tables(&state.ctx, &actor, url).await?;
    Ok(Json(serde_json::json!({ "tables": tables })))
}

/// Baserow's table creation with data: `{name, data: [[cell, …], …], first_row_header?}`
/// becomes a `file_import` job into a new table (the same job as `POST /api/jobs/`).
#[utoipa::path(post, path = "/api/database/tables/database/{database_id}/async/", tag = "Imports",
    request_body(content = Object, description = "`{name, data: [[cell]], first_row_header?}`"),
    params(("database_id" = i64, Path)),
    responses((status = 200, description = "The `file_import` job"), (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION, ERROR_MAX_JOB_COUNT_EXCEEDED")),
    security(("jwt" = [])))]
pub async fn create_table_async(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(database_id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let request = imports::rows_body::new_table_request(database_id, &body)?;
    Ok(Json(
        imports::start(&state.ctx, &actor, request).await?.to_json(),
    ))
}

/// Baserow's import into a table: `{data: [[cell, …], …]}`, cells by position over the
/// table's writable fields, as a `file_import` job.
#[utoipa::path(post, path = "/api/database/tables/{table_id}/import/async/", tag = "Imports",
    request_body(content = Object, description = "`{data: [[cell]]}`"),
    params(("table_id" = i64, Path)),
    responses((status = 200, description = "The `file_import` job"), (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION, ERROR_MAX_JOB_COUNT_EXCEEDED")),
    security(("jwt" = [])))]
pub async fn import_into_table_async(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(table_id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let request = imports::rows_body::append_request(table_id, &body)?;
    Ok(Json(
        imports::start(&state.ctx, &actor, request).await?.to_json(),
    ))
}
