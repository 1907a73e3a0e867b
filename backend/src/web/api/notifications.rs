//! `/api/notifications/{workspace_id}/…`: the caller's notifications in a workspace
//! (with those of no workspace, such as invitations): list, mark read, mark all read,
//! clear. JWT only.

use super::{database::rows::params, paging};
use crate::{
    error::ApiError,
    platform::notifications,
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::{StatusCode, Uri},
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Baserow pages notifications by `ROW_PAGE_SIZE_LIMIT`, its default too.
const PAGE_SIZE_LIMIT: i64 = 200;

#[derive(Deserialize, ToSchema)]
pub struct ReadBody {
    read: bool,
}

#[utoipa::path(get, path = "/api/notifications/{workspace_id}/", tag = "Notifications",
    params(("workspace_id" = i64, Path), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "`{count, next, previous, results: [{id, type, sender, workspace, created_on, read, data}]}`, newest first")),
    security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(workspace_id): ApiPath<i64>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let window = paging::window(&params, PAGE_SIZE_LIMIT, PAGE_SIZE_LIMIT, false)?;
    let (count, results) = notifications::list(
        &state.ctx,
        &actor,
        workspace_id,
        window.limit,
        window.offset,
    )
    .await?;
    Ok(Json(paging::body(
        &state.ctx.settings.public_url,
        uri.path(),
        &params,
        window,
        count,
        results,
    )))
}

#[utoipa::path(delete, path = "/api/notifications/{workspace_id}/", tag = "Notifications",
    params(("workspace_id" = i64, Path)), responses((status = 204, description = "Cleared")),
    security(("jwt" = [])))]
pub async fn clear(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(workspace_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    notifications::clear(&state.ctx, &actor, workspace_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/api/notifications/{workspace_id}/{notification_id}/", tag = "Notifications",
    params(("workspace_id" = i64, Path), ("notification_id" = i64, Path)), request_body = ReadBody,
    responses((status = 200, description = "The notification")), security(("jwt" = [])))]
pub async fn mark_read(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((workspace_id, notification_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ReadBody>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        notifications::mark_read(&state.ctx, &actor, workspace_id, notification_id, body.read)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/notifications/{workspace_id}/mark-all-as-read/", tag = "Notifications",
    params(("workspace_id" = i64, Path)), responses((status = 204, description = "All read")),
    security(("jwt" = [])))]
pub async fn mark_all_read(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(workspace_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    notifications::mark_all_read(&state.ctx, &actor, workspace_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
