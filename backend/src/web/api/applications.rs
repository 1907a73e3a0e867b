//! `/api/applications/…`: databases in workspaces.

use crate::dto::ApplicationBody;
use crate::{
    database::tables,
    error::ApiError,
    platform::applications,
    platform::applications::Application,
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;

/// Response bodies for databases, with their tables read in one query.
async fn bodies(state: &AppState, apps: &[Application]) -> Result<Vec<ApplicationBody>, ApiError> {
    let ids: Vec<i64> = apps.iter().map(|a| a.id).collect();
    let tables = tables::by_database(&state.ctx, &ids).await?;
    Ok(apps
        .iter()
        .map(|a| ApplicationBody::new(a, tables.get(&a.id).map(Vec::as_slice).unwrap_or_default()))
        .collect())
}

async fn one(state: &AppState, app: Application) -> Result<ApplicationBody, ApiError> {
    let mut list = bodies(state, std::slice::from_ref(&app)).await?;
    list.pop()
        .ok_or_else(|| ApiError::new(crate::error::Code::Internal, "missing application"))
}

#[utoipa::path(get, path = "/api/applications/", tag = "Applications",
    responses((status = 200, body = Vec<ApplicationBody>)), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Vec<ApplicationBody>>, ApiError> {
    let list = applications::list(&state.ctx, &actor).await?;
    Ok(Json(bodies(&state, &list).await?))
}

#[utoipa::path(get, path = "/api/applications/workspace/{workspace_id}/", tag = "Applications",
    params(("workspace_id" = i64, Path)), responses((status = 200, body = Vec<ApplicationBody>)), security(("jwt" = [])))]
pub async fn list_in_workspace(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ApplicationBody>>, ApiError> {
    let list = applications::list_in_workspace(&state.ctx, &actor, id).await?;
    Ok(Json(bodies(&state, &list).await?))
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
    Ok(Json(
        one(
            &state,
            applications::create(&state.ctx, &actor, id, &b.name, &b.kind).await?,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/applications/{application_id}/", tag = "Applications",
    params(("application_id" = i64, Path)), responses((status = 200, body = ApplicationBody)), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApplicationBody>, ApiError> {
    Ok(Json(
        one(&state, applications::get(&state.ctx, &actor, id).await?).await?,
    ))
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
    Ok(Json(
        one(
            &state,
            applications::rename(&state.ctx, &actor, id, &b.name).await?,
        )
        .await?,
    ))
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

/// Queues a copy of the database (tables, fields, rows, links, views); poll the returned
/// job, whose `duplicated_application` is set once it has finished.
#[utoipa::path(post, path = "/api/applications/{application_id}/duplicate/async/", tag = "Applications",
    params(("application_id" = i64, Path)),
    responses((status = 202, description = "A `duplicate_application` job with `original_application` and `duplicated_application`")),
    security(("jwt" = [])))]
pub async fn duplicate(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let job = crate::database::duplicate_application::start(&state.ctx, &actor, id).await?;
    Ok((StatusCode::ACCEPTED, Json(job.to_json())))
}
