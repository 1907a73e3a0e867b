//! `/api/database/tables/…`.

use crate::{
    database::tables::{self, InitialData},
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

#[utoipa::path(get, path = "/api/database/tables/database/{database_id}/", tag = "Database tables",
    params(("database_id" = i64, Path)), responses((status = 200, description = "`[{id, name, order, database_id, data_sync}]`")), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Value>>, ApiError> {
    Ok(Json(
        tables::list(&state.ctx, &actor, id)
            .await?
            .iter()
            .map(|t| t.to_json())
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateBody {
    name: String,
    /// Rows of cells; without it the table gets Name, Notes and Active fields and two empty rows.
    #[schema(value_type = Option<Vec<Vec<Object>>>)]
    data: Option<Vec<Vec<Value>>>,
    #[serde(default)]
    first_row_header: bool,
}

#[utoipa::path(post, path = "/api/database/tables/database/{database_id}/", tag = "Database tables", request_body = CreateBody,
    params(("database_id" = i64, Path)), responses((status = 200, description = "The table")), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<Json<Value>, ApiError> {
    let initial = match b.data {
        None => InitialData::Default,
        Some(data) => InitialData::Rows {
            data,
            first_row_header: b.first_row_header,
        },
    };
    Ok(Json(
        tables::create(&state.ctx, &actor, id, &b.name, initial)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(get, path = "/api/database/tables/{table_id}/", tag = "Database tables",
    params(("table_id" = i64, Path)), responses((status = 200, description = "The table")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(tables::get(&state.ctx, &actor, id).await?.to_json()))
}

#[derive(Deserialize, ToSchema)]
pub struct RenameBody {
    name: String,
}

#[utoipa::path(patch, path = "/api/database/tables/{table_id}/", tag = "Database tables", request_body = RenameBody,
    params(("table_id" = i64, Path)), responses((status = 200, description = "The table")), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RenameBody>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        tables::rename(&state.ctx, &actor, id, &b.name)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(delete, path = "/api/database/tables/{table_id}/", tag = "Database tables",
    params(("table_id" = i64, Path)), responses((status = 204, description = "Moved to the trash")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    tables::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OrderBody {
    table_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/database/tables/database/{database_id}/order/", tag = "Database tables", request_body = OrderBody,
    params(("database_id" = i64, Path)), responses((status = 204, description = "Reordered")), security(("jwt" = [])))]
pub async fn order(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OrderBody>,
) -> Result<StatusCode, ApiError> {
    tables::order(&state.ctx, &actor, id, &b.table_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queues a copy of the table (fields, options, rows); poll the returned job.
#[utoipa::path(post, path = "/api/database/tables/{table_id}/duplicate/async/", tag = "Database tables",
    params(("table_id" = i64, Path)), responses((status = 202, description = "A `duplicate_table` job")), security(("jwt" = [])))]
pub async fn duplicate(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let job = tables::duplicate::start(&state.ctx, &actor, id).await?;
    Ok((StatusCode::ACCEPTED, Json(job.to_json())))
}
