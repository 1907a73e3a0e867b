//! `/api/jobs/…`: the caller's background jobs, to poll for state and progress.

use crate::{
    error::ApiError,
    platform::jobs::user_jobs,
    web::{
        extract::{ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State};
use serde_json::{Value, json};

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
