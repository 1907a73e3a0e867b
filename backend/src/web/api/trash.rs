//! `/api/trash/…`: the trash's structure, a page of entries, emptying, restoring.

use super::database::{
    param,
    rows::{page_link, params},
};
use crate::{
    error::{ApiError, Detail},
    platform::trash::{self, RestoreRequest, TrashPage, WorkspaceNode},
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
use serde_json::{Value, json};
use utoipa::ToSchema;

/// Baserow's default page size of the trash listing.
const DEFAULT_PAGE_SIZE: u64 = 100;

/// A positive whole number from the query string, or `default` when absent.
fn positive(params: &[(String, String)], key: &str, default: u64) -> Result<u64, ApiError> {
    match param(params, key) {
        None => Ok(default),
        Some(v) => v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::query_validation(Detail::field(
                key,
                "invalid",
                "A valid positive integer is required.",
            ))
        }),
    }
}

/// `application_id`: absent or empty means the workspace's own trash.
fn application_id(params: &[(String, String)]) -> Result<Option<i64>, ApiError> {
    match param(params, "application_id") {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            ApiError::query_validation(Detail::field(
                "application_id",
                "invalid",
                "A valid integer is required.",
            ))
        }),
    }
}

fn workspace_json(w: &WorkspaceNode) -> Value {
    json!({
        "id": w.id,
        "name": w.name,
        "trashed": w.trashed,
        "applications": w.applications.iter().map(|a| json!({
            "id": a.id,
            "name": a.name,
            "trashed": a.trashed,
            "type": a.kind,
        })).collect::<Vec<_>>(),
    })
}

#[utoipa::path(get, path = "/api/trash/", tag = "Trash",
    responses((status = 200, description = "`{workspaces: [{id, name, trashed, applications: [{id, name, trashed, type}]}]}`")),
    security(("jwt" = [])))]
pub async fn structure(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Value>, ApiError> {
    let workspaces = trash::structure(&state.ctx, &actor).await?;
    Ok(Json(json!({
        "workspaces": workspaces.iter().map(workspace_json).collect::<Vec<_>>(),
    })))
}

fn page_json(page: &TrashPage) -> Vec<Value> {
    page.entries
        .iter()
        .map(|listed| {
            let e = &listed.entry;
            json!({
                "id": e.id,
                "user_who_trashed": listed.user_who_trashed,
                "trash_item_type": e.trash_item_type,
                "trash_item_id": e.trash_item_id,
                "parent_trash_item_id": e.parent_trash_item_id,
                "trashed_at": e.trashed_at,
                "application": e.application_id,
                "workspace": e.workspace_id,
                "name": e.name,
                "names": e.names,
                "parent_name": listed.parent_name,
            })
        })
        .collect()
}

#[utoipa::path(get, path = "/api/trash/workspace/{workspace_id}/", tag = "Trash",
    params(("workspace_id" = i64, Path), ("application_id" = Option<i64>, Query),
        ("page" = Option<u64>, Query), ("size" = Option<u64>, Query)),
    responses((status = 200, description = "`{count, next, previous, results}`, newest first")),
    security(("jwt" = [])))]
pub async fn contents(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(workspace_id): ApiPath<i64>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let application_id = application_id(&params)?;
    let page = positive(&params, "page", 1)?;
    let size = positive(&params, "size", DEFAULT_PAGE_SIZE)?;
    let result =
        trash::contents(&state.ctx, &actor, workspace_id, application_id, page, size).await?;
    let link = |n: u64| {
        page_link(
            &state.ctx.settings.public_url,
            uri.path(),
            &params,
            n as usize,
        )
    };
    let count = result.count.max(0) as u64;
    Ok(Json(json!({
        "count": result.count,
        "next": (page.saturating_mul(size) < count).then(|| link(page + 1)),
        "previous": (page > 1).then(|| link(page - 1)),
        "results": page_json(&result),
    })))
}

#[utoipa::path(delete, path = "/api/trash/workspace/{workspace_id}/", tag = "Trash",
    params(("workspace_id" = i64, Path), ("application_id" = Option<i64>, Query)),
    responses((status = 204, description = "Emptied: the items are deleted for good shortly")),
    security(("jwt" = [])))]
pub async fn empty(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(workspace_id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<StatusCode, ApiError> {
    let application_id = application_id(&params(raw))?;
    trash::empty(&state.ctx, &actor, workspace_id, application_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct RestoreBody {
    trash_item_type: String,
    trash_item_id: i64,
    #[serde(default)]
    parent_trash_item_id: Option<i64>,
}

#[utoipa::path(patch, path = "/api/trash/restore/", tag = "Trash", request_body = RestoreBody,
    responses((status = 204, description = "Restored")), security(("jwt" = [])))]
pub async fn restore(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<RestoreBody>,
) -> Result<StatusCode, ApiError> {
    let request = RestoreRequest {
        item_type: body.trash_item_type,
        item_id: body.trash_item_id,
        parent_id: body.parent_trash_item_id,
    };
    trash::restore(&state.ctx, &actor, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}
