//! Grid view footers: `…/grid/{id}/aggregations/` (every aggregation the field options
//! set), `…/grid/{id}/aggregation/{field_id}/?type=…` (one, ad hoc; both also under the
//! older `field-aggregations/` and `field-aggregation/` paths) and the shared
//! view's `…/grid/{slug}/public/aggregations/`. Filters and search narrow the rows as in the
//! listing; `include=total` adds the row count.

use super::{
    param,
    public_views::view_token,
    rows::{list_query, params},
    views::includes,
};
use crate::{
    database::views::aggregations,
    error::ApiError,
    platform::validation::ValidationError,
    web::{
        extract::{ApiPath, Auth},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::HeaderMap,
};
use serde_json::Value;

fn with_total(params: &[(String, String)]) -> bool {
    includes(params, "total")
}

#[utoipa::path(get, path = "/api/database/views/grid/{view_id}/aggregations/", tag = "Database views",
    params(("view_id" = i64, Path), ("include" = Option<String>, Query, description = "`total`"),
        ("search" = Option<String>, Query), ("filters" = Option<String>, Query)),
    responses((status = 200, description = "`{\"field_{id}\": value, …, \"total\"?}`")), security(("jwt" = [])))]
pub async fn of_view(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let q = list_query(&params)?;
    let values = aggregations::of_view(&state.ctx, &actor, id, q, with_total(&params)).await?;
    Ok(Json(Value::Object(values)))
}

#[utoipa::path(get, path = "/api/database/views/grid/{view_id}/aggregation/{field_id}/", tag = "Database views",
    params(("view_id" = i64, Path), ("field_id" = i64, Path),
        ("type" = String, Query, description = "`empty_count`, `not_empty_count`, `checked_count`, `not_checked_count`, `unique_count`, `min`, `max`, `sum`, `average`, `median`, `std_dev`, `variance`, `count`, `decile`, `distribution`"),
        ("include" = Option<String>, Query, description = "`total`")),
    responses((status = 200, description = "`{value, total?}`")), security(("jwt" = [])))]
pub async fn of_field(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((view_id, field_id)): ApiPath<(i64, i64)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let kind = param(&params, "type")
        .ok_or_else(|| {
            ValidationError::single("type", "required", "An aggregation type is required.")
        })?
        .to_owned();
    let q = list_query(&params)?;
    let value = aggregations::of_field(
        &state.ctx,
        &actor,
        view_id,
        field_id,
        &kind,
        q,
        with_total(&params),
    )
    .await?;
    Ok(Json(value))
}

/// The older path of [`of_view`].
#[utoipa::path(get, path = "/api/database/views/grid/{view_id}/field-aggregations/", tag = "Database views",
    params(("view_id" = i64, Path)), responses((status = 200, description = "As `…/aggregations/`")), security(("jwt" = [])))]
pub async fn of_view_old_path(
    state: State<AppState>,
    actor: Auth,
    id: ApiPath<i64>,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    of_view(state, actor, id, raw).await
}

/// The older path of [`of_field`].
#[utoipa::path(get, path = "/api/database/views/grid/{view_id}/field-aggregation/{field_id}/", tag = "Database views",
    params(("view_id" = i64, Path), ("field_id" = i64, Path)), responses((status = 200, description = "As `…/aggregation/{field_id}/`")), security(("jwt" = [])))]
pub async fn of_field_old_path(
    state: State<AppState>,
    actor: Auth,
    ids: ApiPath<(i64, i64)>,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    of_field(state, actor, ids, raw).await
}

#[utoipa::path(get, path = "/api/database/views/grid/{slug}/public/aggregations/", tag = "Shared views",
    params(("slug" = String, Path), ("include" = Option<String>, Query, description = "`total`")),
    responses((status = 200, description = "`{\"field_{id}\": value, …}` for the fields the view shows")))]
pub async fn of_public_view(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let q = list_query(&params)?;
    let values = aggregations::of_public_view(
        &state.ctx,
        &slug,
        view_token(&headers).as_deref(),
        q,
        with_total(&params),
    )
    .await?;
    Ok(Json(Value::Object(values)))
}
