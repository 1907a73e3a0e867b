//! `/api/workspaces/invitations/…`: invite by email, send the email again, public lookup by
//! token, accept, reject.

use crate::dto::{InvitationBody, WorkspaceBody};
use crate::{
    error::ApiError,
    platform::workspaces::invitations::{self, NewInvitation},
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[utoipa::path(get, path = "/api/workspaces/invitations/workspace/{workspace_id}/", tag = "Invitations",
    params(("workspace_id" = i64, Path)), responses((status = 200, body = Vec<InvitationBody>)), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<InvitationBody>>, ApiError> {
    let list = invitations::list(&state.ctx, &actor, id).await?;
    Ok(Json(list.iter().map(InvitationBody::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateBody {
    email: String,
    permissions: String,
    #[serde(default)]
    message: String,
    /// The accept link in the email is `base_url/<token>`; must be on the public host.
    base_url: String,
}

#[utoipa::path(post, path = "/api/workspaces/invitations/workspace/{workspace_id}/", tag = "Invitations", request_body = CreateBody,
    params(("workspace_id" = i64, Path)), responses((status = 200, body = InvitationBody)), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<Json<InvitationBody>, ApiError> {
    let new = NewInvitation {
        email: b.email,
        permissions: b.permissions,
        message: b.message,
        base_url: b.base_url,
    };
    Ok(Json(InvitationBody::from(
        &invitations::create(&state.ctx, &actor, id, new).await?,
    )))
}

#[utoipa::path(get, path = "/api/workspaces/invitations/{invitation_id}/", tag = "Invitations",
    params(("invitation_id" = i64, Path)), responses((status = 200, body = InvitationBody)), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<InvitationBody>, ApiError> {
    Ok(Json(InvitationBody::from(
        &invitations::get(&state.ctx, &actor, id).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateBody {
    permissions: String,
}

#[utoipa::path(patch, path = "/api/workspaces/invitations/{invitation_id}/", tag = "Invitations", request_body = UpdateBody,
    params(("invitation_id" = i64, Path)), responses((status = 200, body = InvitationBody)), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateBody>,
) -> Result<Json<InvitationBody>, ApiError> {
    Ok(Json(InvitationBody::from(
        &invitations::update(&state.ctx, &actor, id, &b.permissions).await?,
    )))
}

#[utoipa::path(delete, path = "/api/workspaces/invitations/{invitation_id}/", tag = "Invitations",
    params(("invitation_id" = i64, Path)), responses((status = 204, description = "Deleted")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    invitations::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ResendBody {
    /// As when inviting: the accept link is `base_url/<token>`, on the public host.
    base_url: String,
}

/// Sends a pending invitation's email again. Not in Baserow's API.
#[utoipa::path(post, path = "/api/workspaces/invitations/{invitation_id}/resend/", tag = "Invitations", request_body = ResendBody,
    params(("invitation_id" = i64, Path)), responses((status = 200, body = InvitationBody)), security(("jwt" = [])))]
pub async fn resend(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResendBody>,
) -> Result<Json<InvitationBody>, ApiError> {
    Ok(Json(InvitationBody::from(
        &invitations::resend(&state.ctx, &actor, id, &b.base_url).await?,
    )))
}

/// What the public token lookup shows.
#[derive(Serialize, ToSchema)]
pub struct PublicInvitationBody {
    id: i64,
    invited_by: String,
    workspace: String,
    email: String,
    message: String,
    created_on: DateTime<Utc>,
    email_exists: bool,
}

#[utoipa::path(get, path = "/api/workspaces/invitations/token/{token}/", tag = "Invitations",
    params(("token" = String, Path)), responses((status = 200, body = PublicInvitationBody)))]
pub async fn by_token(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<PublicInvitationBody>, ApiError> {
    let info = invitations::info_by_token(&state.ctx, &token).await?;
    Ok(Json(PublicInvitationBody {
        id: info.invitation.id,
        invited_by: info.invited_by,
        workspace: info.workspace_name,
        email: info.invitation.email,
        message: info.invitation.message,
        created_on: info.invitation.created_on,
        email_exists: info.email_exists,
    }))
}

#[utoipa::path(post, path = "/api/workspaces/invitations/{invitation_id}/accept/", tag = "Invitations",
    params(("invitation_id" = i64, Path)), responses((status = 200, body = WorkspaceBody)), security(("jwt" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<WorkspaceBody>, ApiError> {
    Ok(Json(WorkspaceBody::from(
        &invitations::accept(&state.ctx, &actor, id).await?,
    )))
}

#[utoipa::path(post, path = "/api/workspaces/invitations/{invitation_id}/reject/", tag = "Invitations",
    params(("invitation_id" = i64, Path)), responses((status = 204, description = "Rejected")), security(("jwt" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    invitations::reject(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
