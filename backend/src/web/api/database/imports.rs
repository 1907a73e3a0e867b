//! `/api/database/import/upload/`: receives a file to import, streamed to disk; and
//! `/api/database/import/external/tables/`: lists an external database's tables.

use crate::{
    database::imports::{self, ImportError},
    error::{ApiError, Detail},
    web::{
        extract::{ApiJson, Auth},
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
