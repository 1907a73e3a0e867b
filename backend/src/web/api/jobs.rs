//! `/api/jobs/…`: the caller's background jobs, to poll for state and progress.

use super::database::{param, rows::params};
use crate::{
    database::imports,
    error::{ApiError, Detail},
    platform::jobs::user_jobs,
    web::{
        extract::{ApiJson, ApiPath, Auth, parse_json_body},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
};
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

/// `states=a,b,!c` (any of `a`, `b`, and not `c`) and `job_ids=1,2`.
fn job_filter(params: &[(String, String)]) -> Result<user_jobs::JobFilter, ApiError> {
    let mut filter = user_jobs::JobFilter::default();
    let list = |key: &str| {
        param(params, key)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    for state in list("states") {
        let (negated, name) = match state.strip_prefix('!') {
            Some(name) => (true, name.to_owned()),
            None => (false, state.clone()),
        };
        if !user_jobs::STATES.contains(&name.as_str()) {
            return Err(ApiError::query_validation(Detail::field(
                "states",
                "invalid",
                format!(
                    "State {} is not a valid state. Valid states are: {}.",
                    name.replace('\0', ""),
                    user_jobs::STATES.join(", ")
                ),
            )));
        }
        if negated {
            filter.not_states.push(name);
        } else {
            filter.states.push(name);
        }
    }
    for id in list("job_ids") {
        filter.ids.push(id.parse().map_err(|_| {
            ApiError::query_validation(Detail::field(
                "job_ids",
                "invalid",
                format!("Job id {} is not a valid integer.", id.replace('\0', "")),
            ))
        })?);
    }
    Ok(filter)
}

#[utoipa::path(get, path = "/api/jobs/", tag = "Jobs",
    params(("states" = Option<String>, Query, description = "Comma-separated states; `!state` leaves a state out"),
        ("job_ids" = Option<String>, Query, description = "Comma-separated job ids")),
    responses((status = 200, description = "`{jobs: [...]}`, newest first"), (status = 400, description = "ERROR_QUERY_PARAMETER_VALIDATION")),
    security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let filter = job_filter(&params(raw))?;
    let jobs: Vec<Value> = user_jobs::list(&state.ctx, &actor, &filter)
        .await?
        .iter()
        .map(|j| j.to_json())
        .collect();
    Ok(Json(json!({ "jobs": jobs })))
}

/// Cancels the caller's pending or running job: an import or duplication leaves nothing
/// behind, an export no file.
#[utoipa::path(post, path = "/api/jobs/{job_id}/cancel/", tag = "Jobs",
    params(("job_id" = i64, Path)),
    responses((status = 200, description = "The job, `state: cancelled`"), (status = 400, description = "ERROR_JOB_NOT_CANCELLABLE"),
        (status = 404, description = "ERROR_JOB_DOES_NOT_EXIST")),
    security(("jwt" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        user_jobs::cancel(&state.ctx, &actor, id).await?.to_json(),
    ))
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
