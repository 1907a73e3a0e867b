//! `/api/workspaces/…` (also served under the old `/api/groups/…`): workspaces and members.

use crate::dto::{MemberBody, WorkspaceBody};
use crate::{
    database::initial_workspace,
    error::ApiError,
    platform::{
        notifications,
        workspaces::{self, members},
    },
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct NameBody {
    name: String,
}

#[utoipa::path(get, path = "/api/workspaces/", tag = "Workspaces",
    responses((status = 200, body = Vec<WorkspaceBody>)), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Vec<WorkspaceBody>>, ApiError> {
    let list = workspaces::list(&state.ctx, &actor).await?;
    let unread = notifications::unread_in_workspaces(&state.ctx, actor.id()).await?;
    Ok(Json(
        list.iter()
            .map(|w| {
                let mut body = WorkspaceBody::from(w);
                body.unread_notifications_count = unread.get(&body.id).copied().unwrap_or(0);
                body
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/workspaces/", tag = "Workspaces", request_body = NameBody,
    responses((status = 200, body = WorkspaceBody)), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<NameBody>,
) -> Result<Json<WorkspaceBody>, ApiError> {
    let created = workspaces::create(&state.ctx, &actor, &body.name).await?;
    Ok(Json(WorkspaceBody::from(&created)))
}

/// The example workspace a new user starts with when skipping onboarding: "<first
/// name>'s workspace" with a database of two example tables. Takes no body.
#[utoipa::path(post, path = "/api/workspaces/create-initial-workspace/", tag = "Workspaces",
    responses((status = 200, body = WorkspaceBody),
        (status = 401, description = "PERMISSION_DENIED when only staff may create workspaces")),
    security(("jwt" = [])))]
pub async fn create_initial(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<WorkspaceBody>, ApiError> {
    let created = initial_workspace::create(&state.ctx, &actor).await?;
    Ok(Json(WorkspaceBody::from(&created)))
}

#[utoipa::path(get, path = "/api/workspaces/{workspace_id}/", tag = "Workspaces",
    params(("workspace_id" = i64, Path)), responses((status = 200, body = WorkspaceBody)), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<WorkspaceBody>, ApiError> {
    let mut body = WorkspaceBody::from(&workspaces::get(&state.ctx, &actor, id).await?);
    let unread = notifications::unread_in_workspaces(&state.ctx, actor.id()).await?;
    body.unread_notifications_count = unread.get(&id).copied().unwrap_or(0);
    Ok(Json(body))
}

#[utoipa::path(patch, path = "/api/workspaces/{workspace_id}/", tag = "Workspaces", request_body = NameBody,
    params(("workspace_id" = i64, Path)), responses((status = 200, body = WorkspaceBody)), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NameBody>,
) -> Result<Json<WorkspaceBody>, ApiError> {
    Ok(Json(WorkspaceBody::from(
        &workspaces::rename(&state.ctx, &actor, id, &body.name).await?,
    )))
}

#[utoipa::path(delete, path = "/api/workspaces/{workspace_id}/", tag = "Workspaces",
    params(("workspace_id" = i64, Path)), responses((status = 204, description = "Moved to the trash")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    workspaces::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/workspaces/{workspace_id}/leave/", tag = "Workspaces",
    params(("workspace_id" = i64, Path)), responses((status = 204, description = "Left")), security(("jwt" = [])))]
pub async fn leave(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    workspaces::leave(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OrderBody {
    workspaces: Vec<i64>,
}

#[utoipa::path(post, path = "/api/workspaces/order/", tag = "Workspaces", request_body = OrderBody,
    responses((status = 204, description = "Reordered")), security(("jwt" = [])))]
pub async fn order(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<OrderBody>,
) -> Result<StatusCode, ApiError> {
    workspaces::order(&state.ctx, &actor, &body.workspaces).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the caller may do in the workspace, for the UI (core's basic manager).
#[utoipa::path(get, path = "/api/workspaces/{workspace_id}/permissions/", tag = "Workspaces",
    params(("workspace_id" = i64, Path)), responses((status = 200, description = "Permission managers and their data")), security(("jwt" = [])))]
pub async fn permissions(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let workspace = workspaces::get(&state.ctx, &actor, id).await?;
    Ok(Json(json!([
        { "name": "staff", "permissions": { "is_staff": actor.user.is_staff } },
        { "name": "basic", "permissions": { "admin_only_operations": [
            "workspace.list_invitations", "workspace.create_invitation", "workspace.read_invitation",
            "workspace.update_invitation", "workspace.delete_invitation", "workspace.list_workspace_users",
            "workspace.update_workspace_user", "workspace.delete_workspace_user", "workspace.update", "workspace.delete"
        ], "is_admin": workspace.membership.is_admin() } }
    ])))
}

#[utoipa::path(get, path = "/api/workspaces/users/workspace/{workspace_id}/", tag = "Workspaces",
    params(("workspace_id" = i64, Path)), responses((status = 200, body = Vec<MemberBody>)), security(("jwt" = [])))]
pub async fn list_members(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<MemberBody>>, ApiError> {
    let list = members::list(&state.ctx, &actor, id).await?;
    Ok(Json(list.iter().map(MemberBody::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct PermissionsBody {
    permissions: String,
}

#[utoipa::path(patch, path = "/api/workspaces/users/{workspace_user_id}/", tag = "Workspaces", request_body = PermissionsBody,
    params(("workspace_user_id" = i64, Path)), responses((status = 200, body = MemberBody)), security(("jwt" = [])))]
pub async fn update_member(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PermissionsBody>,
) -> Result<Json<MemberBody>, ApiError> {
    Ok(Json(MemberBody::from(
        &members::update(&state.ctx, &actor, id, &body.permissions).await?,
    )))
}

#[utoipa::path(delete, path = "/api/workspaces/users/{workspace_user_id}/", tag = "Workspaces",
    params(("workspace_user_id" = i64, Path)), responses((status = 204, description = "Removed")), security(("jwt" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    members::remove(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
