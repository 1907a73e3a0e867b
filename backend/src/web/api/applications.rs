//! `/api/applications/…`: databases in workspaces.

use super::dto::ApplicationBody;
use crate::{
    error::ApiError,
    platform::applications,
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;

#[utoipa::path(get, path = "/api/applications/", tag = "Applications",
    responses((status = 200, body = Vec<ApplicationBody>)), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Vec<ApplicationBody>>, ApiError> {
    let list = applications::list(&state.ctx, &actor).await?;
    Ok(Json(list.iter().map(ApplicationBody::from).collect()))
}

#[utoipa::path(get, path = "/api/applications/workspace/{workspace_id}/", tag = "Applications",
    params(("workspace_id" = i64, Path)), responses((status = 200, body = Vec<ApplicationBody>)), security(("jwt" = [])))]
pub async fn list_in_workspace(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ApplicationBody>>, ApiError> {
    let list = applications::list_in_workspace(&state.ctx, &actor, id).await?;
    Ok(Json(list.iter().map(ApplicationBody::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateBody {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

#[utoipa::path(post, path = "/api/applications/workspace/{workspace_id}/", tag = "Applications", request_body = CreateBody,
    params(("workspace_id" = i64, Path)), responses((status = 200, body = ApplicationBody)), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<Json<ApplicationBody>, ApiError> {
    Ok(Json(ApplicationBody::from(
        &applications::create(&state.ctx, &actor, id, &b.name, &b.kind).await?,
    )))
}

#[utoipa::path(get, path = "/api/applications/{application_id}/", tag = "Applications",
    params(("application_id" = i64, Path)), responses((status = 200, body = ApplicationBody)), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApplicationBody>, ApiError> {
    Ok(Json(ApplicationBody::from(
        &applications::get(&state.ctx, &actor, id).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct RenameBody {
    name: String,
}

#[utoipa::path(patch, path = "/api/applications/{application_id}/", tag = "Applications", request_body = RenameBody,
    params(("application_id" = i64, Path)), responses((status = 200, body = ApplicationBody)), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RenameBody>,
) -> Result<Json<ApplicationBody>, ApiError> {
    Ok(Json(ApplicationBody::from(
        &applications::rename(&state.ctx, &actor, id, &b.name).await?,
    )))
}

#[utoipa::path(delete, path = "/api/applications/{application_id}/", tag = "Applications",
    params(("application_id" = i64, Path)), responses((status = 204, description = "Moved to the trash")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    applications::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OrderBody {
    application_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/applications/workspace/{workspace_id}/order/", tag = "Applications", request_body = OrderBody,
    params(("workspace_id" = i64, Path)), responses((status = 204, description = "Reordered")), security(("jwt" = [])))]
pub async fn order(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OrderBody>,
) -> Result<StatusCode, ApiError> {
    applications::order(&state.ctx, &actor, id, &b.application_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}
