//! `/api/snapshots/…`: snapshots of a database, taken and restored as jobs.

use crate::{
    database::snapshots,
    error::ApiError,
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The database's snapshots, newest first: `{id, name, snapshot_from_application,
/// created_at, created_by: {username}}` each.
#[utoipa::path(get, path = "/api/snapshots/application/{application_id}/", tag = "Snapshots",
    params(("application_id" = i64, Path)),
    responses((status = 200, description = "`[{id, name, snapshot_from_application, created_at, created_by: {username}}]`, newest first")),
    security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let list = snapshots::list(&state.ctx, &actor, id).await?;
    Ok(Json(
        list.iter().map(snapshots::Snapshot::to_json).collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateBody {
    name: String,
}

/// Queues taking a snapshot of the database; poll the returned job.
#[utoipa::path(post, path = "/api/snapshots/application/{application_id}/", tag = "Snapshots",
    request_body = CreateBody, params(("application_id" = i64, Path)),
    responses((status = 202, description = "A `create_snapshot` job with its `snapshot`")),
    security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let job = snapshots::start_create(&state.ctx, &actor, id, &b.name).await?;
    Ok((StatusCode::ACCEPTED, Json(job.to_json())))
}

/// Queues restoring the snapshot as a new database of the workspace; poll the returned job.
#[utoipa::path(post, path = "/api/snapshots/{snapshot_id}/restore/", tag = "Snapshots",
    params(("snapshot_id" = i64, Path)),
    responses((status = 200, description = "A `restore_snapshot` job with its `snapshot`")),
    security(("jwt" = [])))]
pub async fn restore(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let job = snapshots::start_restore(&state.ctx, &actor, id).await?;
    Ok(Json(job.to_json()))
}

/// Deletes the snapshot for good.
#[utoipa::path(delete, path = "/api/snapshots/{snapshot_id}/", tag = "Snapshots",
    params(("snapshot_id" = i64, Path)),
    responses((status = 204, description = "Deleted")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    snapshots::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
