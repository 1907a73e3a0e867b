//! `/api/database/views/…`: a view's filters, filter groups, sorts, group-bys and
//! decorations.

use super::fields::object;
use crate::{
    database::views::{self, Ordering},
    error::ApiError,
    platform::validation::ValidationError,
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use serde_json::Value;

#[utoipa::path(get, path = "/api/database/views/{view_id}/filters/", tag = "Database view filters",
    params(("view_id" = i64, Path)), responses((status = 200, description = "`[{id, view, field, type, value, preload_values, group}]`")), security(("jwt" = [])))]
pub async fn list_filters(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let filters = views::list_filters(&state.ctx, &actor, id).await?;
    Ok(Json(filters.iter().map(|f| f.to_json()).collect()))
}

/// Body: `{field, type, value?, group?}`.
#[utoipa::path(post, path = "/api/database/views/{view_id}/filters/", tag = "Database view filters", request_body = Object,
    params(("view_id" = i64, Path)), responses((status = 200, description = "The filter")), security(("jwt" = [])))]
pub async fn create_filter(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::create_filter(&state.ctx, &actor, id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(get, path = "/api/database/views/filter/{filter_id}/", tag = "Database view filters",
    params(("filter_id" = i64, Path)), responses((status = 200, description = "The filter")), security(("jwt" = [])))]
pub async fn get_filter(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::get_filter(&state.ctx, &actor, id).await?.to_json(),
    ))
}

#[utoipa::path(patch, path = "/api/database/views/filter/{filter_id}/", tag = "Database view filters", request_body = Object,
    params(("filter_id" = i64, Path)), responses((status = 200, description = "The filter")), security(("jwt" = [])))]
pub async fn update_filter(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::update_filter(&state.ctx, &actor, id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(delete, path = "/api/database/views/filter/{filter_id}/", tag = "Database view filters",
    params(("filter_id" = i64, Path)), responses((status = 204, description = "Deleted")), security(("jwt" = [])))]
pub async fn delete_filter(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    views::delete_filter(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body: `{filter_type?, parent_group?}`.
#[utoipa::path(post, path = "/api/database/views/{view_id}/filter-groups/", tag = "Database view filters", request_body = Object,
    params(("view_id" = i64, Path)), responses((status = 200, description = "`{id, filter_type, view, parent_group}`")), security(("jwt" = [])))]
pub async fn create_filter_group(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::create_filter_group(&state.ctx, &actor, id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(get, path = "/api/database/views/filter-group/{group_id}/", tag = "Database view filters",
    params(("group_id" = i64, Path)), responses((status = 200, description = "The group")), security(("jwt" = [])))]
pub async fn get_filter_group(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::get_filter_group(&state.ctx, &actor, id)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(patch, path = "/api/database/views/filter-group/{group_id}/", tag = "Database view filters", request_body = Object,
    params(("group_id" = i64, Path)), responses((status = 200, description = "The group")), security(("jwt" = [])))]
pub async fn update_filter_group(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::update_filter_group(&state.ctx, &actor, id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(delete, path = "/api/database/views/filter-group/{group_id}/", tag = "Database view filters",
    params(("group_id" = i64, Path)), responses((status = 204, description = "Deleted with its filters and sub-groups")), security(("jwt" = [])))]
pub async fn delete_filter_group(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    views::delete_filter_group(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! ordering_handlers {
    ($what:expr, $tag:literal, $list_path:literal, $one_path:literal,
     $list:ident, $create:ident, $get:ident, $update:ident, $delete:ident) => {
        #[utoipa::path(get, path = $list_path, tag = $tag, params(("view_id" = i64, Path)),
            responses((status = 200, description = "`[{id, view, field, order, type}]`")), security(("jwt" = [])))]
        pub async fn $list(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
        ) -> Result<Json<Vec<Value>>, ApiError> {
            let list = views::list_orderings(&state.ctx, &actor, id, $what).await?;
            Ok(Json(list.iter().map(|s| s.to_json()).collect()))
        }

        /// Body: `{field, order? (ASC, DESC), type? (default, order)}`; group-bys also `width?`.
        #[utoipa::path(post, path = $list_path, tag = $tag, request_body = Object, params(("view_id" = i64, Path)),
            responses((status = 200, description = "Created")), security(("jwt" = [])))]
        pub async fn $create(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
            ApiJson(body): ApiJson<Value>,
        ) -> Result<Json<Value>, ApiError> {
            let created = views::create_ordering(&state.ctx, &actor, id, $what, &object(body)?).await?;
            Ok(Json(created.to_json()))
        }

        #[utoipa::path(get, path = $one_path, tag = $tag, params(("id" = i64, Path)),
            responses((status = 200, description = "Found")), security(("jwt" = [])))]
        pub async fn $get(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
        ) -> Result<Json<Value>, ApiError> {
            Ok(Json(views::get_ordering(&state.ctx, &actor, id, $what).await?.to_json()))
        }

        #[utoipa::path(patch, path = $one_path, tag = $tag, request_body = Object, params(("id" = i64, Path)),
            responses((status = 200, description = "Updated")), security(("jwt" = [])))]
        pub async fn $update(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
            ApiJson(body): ApiJson<Value>,
        ) -> Result<Json<Value>, ApiError> {
            let updated = views::update_ordering(&state.ctx, &actor, id, $what, &object(body)?).await?;
            Ok(Json(updated.to_json()))
        }

        #[utoipa::path(delete, path = $one_path, tag = $tag, params(("id" = i64, Path)),
            responses((status = 204, description = "Deleted")), security(("jwt" = [])))]
        pub async fn $delete(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
        ) -> Result<StatusCode, ApiError> {
            views::delete_ordering(&state.ctx, &actor, id, $what).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

ordering_handlers!(
    Ordering::Sort,
    "Database view sorts",
    "/api/database/views/{view_id}/sortings/",
    "/api/database/views/sort/{id}/",
    list_sorts,
    create_sort,
    get_sort,
    update_sort,
    delete_sort
);
ordering_handlers!(
    Ordering::GroupBy,
    "Database view group-bys",
    "/api/database/views/{view_id}/group_bys/",
    "/api/database/views/group_by/{id}/",
    list_group_bys,
    create_group_by,
    get_group_by,
    update_group_by,
    delete_group_by
);

#[utoipa::path(get, path = "/api/database/views/{view_id}/decorations/", tag = "Database view decorations",
    params(("view_id" = i64, Path)), responses((status = 200, description = "`[{id, view, type, value_provider_type, value_provider_conf, order}]`")), security(("jwt" = [])))]
pub async fn list_decorations(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let list = views::list_decorations(&state.ctx, &actor, id).await?;
    Ok(Json(list.iter().map(|d| d.to_json()).collect()))
}

/// Body: `{type (left_border_color, background_color), value_provider_type?
/// (single_select_color, conditional_color or ""), value_provider_conf?, order?}`.
#[utoipa::path(post, path = "/api/database/views/{view_id}/decorations/", tag = "Database view decorations", request_body = Object,
    params(("view_id" = i64, Path)), responses((status = 200, description = "The decoration")), security(("jwt" = [])))]
pub async fn create_decoration(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::create_decoration(&state.ctx, &actor, id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(get, path = "/api/database/views/decoration/{decoration_id}/", tag = "Database view decorations",
    params(("decoration_id" = i64, Path)), responses((status = 200, description = "The decoration")), security(("jwt" = [])))]
pub async fn get_decoration(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::get_decoration(&state.ctx, &actor, id)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(patch, path = "/api/database/views/decoration/{decoration_id}/", tag = "Database view decorations", request_body = Object,
    params(("decoration_id" = i64, Path)), responses((status = 200, description = "The decoration")), security(("jwt" = [])))]
pub async fn update_decoration(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::update_decoration(&state.ctx, &actor, id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(delete, path = "/api/database/views/decoration/{decoration_id}/", tag = "Database view decorations",
    params(("decoration_id" = i64, Path)), responses((status = 204, description = "Deleted")), security(("jwt" = [])))]
pub async fn delete_decoration(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    views::delete_decoration(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Tessera's own: the colours the view's decorations give some rows, worked out on the
/// server with the same filter SQL as listings (Baserow's web client evaluates the
/// conditions itself).
#[utoipa::path(get, path = "/api/database/views/{view_id}/decorations/colors/", tag = "Database view decorations",
    params(("view_id" = i64, Path), ("row_ids" = String, Query, description = "Comma-separated row ids, at most 500")),
    responses((status = 200, description = "`{\"<decoration id>\": {\"<row id>\": \"<colour>\"}}`")), security(("jwt" = [])))]
pub async fn decoration_colors(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = super::rows::params(raw);
    let raw_ids = super::param(&params, "row_ids").unwrap_or_default();
    let mut ids = Vec::new();
    for part in raw_ids.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part.parse::<i64>().map_err(|_| {
            ApiError::from(ValidationError::single(
                "row_ids",
                "invalid",
                "Comma-separated row ids are required.",
            ))
        })?;
        if ids.len() > views::MAX_DECORATED_ROWS {
            break;
        }
        ids.push(id);
    }
    Ok(Json(Value::Object(
        views::decoration_colors(&state.ctx, &actor, id, &ids).await?,
    )))
}
