//! `/api/jobs/…`: the caller's background jobs, to poll for state and progress.

use crate::{
    database::imports,
    error::{ApiError, Detail},
    platform::jobs::user_jobs,
    web::{
        extract::{ApiJson, ApiPath, Auth, parse_json_body},
        state::AppState,
    },
};
use axum::{Json, extract::State};
use serde_json::{Value, json};

/// Starts a job of the given `type` (`file_import`, `external_database_import`); the other
/// keys are the type's own.
#[utoipa::path(post, path = "/api/jobs/", tag = "Jobs",
    request_body(content = Object, description = "`{type: \"file_import\", upload_id | data, database_id + name | table_id, format?, first_row_header?, delimiter?, encoding?}` or `{type: \"external_database_import\", connection_url, source_table, database_id + name | table_id}`"),
    responses((status = 200, description = "The job")), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    match body.get("type").and_then(Value::as_str) {
        Some(imports::JOB_TYPE) => {
            let request: imports::ImportRequest =
                parse_json_body(&serde_json::to_vec(&body).unwrap_or_default())?;
            let job = imports::start(&state.ctx, &actor, request).await?;
            Ok(Json(job.to_json()))
        }
        Some(imports::external::JOB_TYPE) => {
            let request: imports::external::ExternalImportRequest =
                parse_json_body(&serde_json::to_vec(&body).unwrap_or_default())?;
            let job = imports::external::start(&state.ctx, &actor, request).await?;
            Ok(Json(job.to_json()))
        }
        Some(other) => Err(ApiError::validation(Detail::field(
            "type",
            "invalid_choice",
            format!("\"{}\" is not a valid choice.", other.replace('\0', "")),
        ))),
        None => Err(ApiError::validation(Detail::field(
            "type",
            "required",
            "This field is required.",
        ))),
    }
}

#[utoipa::path(get, path = "/api/jobs/", tag = "Jobs",
    responses((status = 200, description = "`{jobs: [...]}`, newest first")), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Value>, ApiError> {
    let jobs: Vec<Value> = user_jobs::list(&state.ctx, &actor)
        .await?
        .iter()
        .map(|j| j.to_json())
        .collect();
    Ok(Json(json!({ "jobs": jobs })))
}

#[utoipa::path(get, path = "/api/jobs/{job_id}/", tag = "Jobs",
    params(("job_id" = i64, Path)), responses((status = 200, description = "The job: `{id, type, state, progress_percentage, human_readable_error, …}`")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        user_jobs::get(&state.ctx, &actor, id).await?.to_json(),
    ))
}
