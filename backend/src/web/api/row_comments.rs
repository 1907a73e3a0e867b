//! `/api/row_comments/…`: comments on rows, free for everyone (a premium feature in
//! Baserow, with its paths and shapes). JWT only.

use super::{database::rows::params, paging};
use crate::{
    database::comments,
    error::ApiError,
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

/// Baserow's `ROW_COMMENT_PAGE_SIZE_LIMIT`, also the default page size.
const PAGE_SIZE_LIMIT: i64 = 200;

/// A comment's rich text: `{"type": "doc", "content": [{"type": "paragraph", "content":
/// [{"type": "text", "text": "hi "}, {"type": "mention", "attrs": {"id": 2, "label": "Bob"}}]}]}`.
#[derive(Deserialize, ToSchema)]
pub struct CommentBody {
    #[schema(value_type = Object)]
    message: Value,
}

#[utoipa::path(get, path = "/api/row_comments/{table_id}/{row_id}/", tag = "Row comments",
    params(("table_id" = i64, Path), ("row_id" = i64, Path), ("limit" = Option<i64>, Query),
        ("offset" = Option<i64>, Query), ("page" = Option<i64>, Query), ("size" = Option<i64>, Query)),
    responses((status = 200, description = "`{count, next, previous, results}`, newest first; deleted comments have `trashed: true` and no `message`")),
    security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let window = paging::window(&params, PAGE_SIZE_LIMIT, PAGE_SIZE_LIMIT, true)?;
    let (count, results) = comments::list(
        &state.ctx,
        &actor,
        table_id,
        row_id,
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

#[utoipa::path(post, path = "/api/row_comments/{table_id}/{row_id}/", tag = "Row comments",
    params(("table_id" = i64, Path), ("row_id" = i64, Path)), request_body = CommentBody,
    responses((status = 200, description = "The comment")), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        comments::create(&state.ctx, &actor, table_id, row_id, &body.message).await?,
    ))
}

#[utoipa::path(patch, path = "/api/row_comments/{table_id}/comment/{comment_id}/", tag = "Row comments",
    params(("table_id" = i64, Path), ("comment_id" = i64, Path)), request_body = CommentBody,
    responses((status = 200, description = "The comment")), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((table_id, comment_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        comments::update(&state.ctx, &actor, table_id, comment_id, &body.message).await?,
    ))
}

#[utoipa::path(delete, path = "/api/row_comments/{table_id}/comment/{comment_id}/", tag = "Row comments",
    params(("table_id" = i64, Path), ("comment_id" = i64, Path)),
    responses((status = 200, description = "The deleted comment (`trashed: true`, no `message`)")),
    security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((table_id, comment_id)): ApiPath<(i64, i64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        comments::delete(&state.ctx, &actor, table_id, comment_id).await?,
    ))
}

#[utoipa::path(put, path = "/api/row_comments/{table_id}/{row_id}/notification-mode/", tag = "Row comments",
    params(("table_id" = i64, Path), ("row_id" = i64, Path)),
    request_body(content = Object, description = "`{\"mode\": \"all\" | \"mentions\"}`"),
    responses((status = 204, description = "The caller's mode for the row is set")),
    security(("jwt" = [])))]
pub async fn notification_mode(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<Value>,
) -> Result<StatusCode, ApiError> {
    comments::notification_mode::set(&state.ctx, &actor, table_id, row_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
