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

/// The handlers of one kind of view part: listed and created under a view (from a JSON
/// object), then read, changed and deleted by its own id, each answered as its JSON. The
/// service functions take the view's or the part's id, then `args` (the kind of ordering),
/// then the body; the strings are the OpenAPI document's.
macro_rules! view_part_handlers {
    // A service call: the handler's values, the kind's `args`, then the body if any.
    (@call $service:path, ($($first:expr),*), ($($arg:expr),*), ($($last:expr),*)) => {
        $service($($first,)* $($arg,)* $($last),*)
    };
    // A handler that passes a JSON object body on to the service (create, update).
    (@with_body $method:ident, $path:literal, $tag:literal, $id:literal, $answer:literal, $args:tt,
     $(#[$doc:meta])* $name:ident => $service:path) => {
        $(#[$doc])*
        #[utoipa::path($method, path = $path, tag = $tag, request_body = Object, params(($id = i64, Path)),
            responses((status = 200, description = $answer)), security(("jwt" = [])))]
        pub async fn $name(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
            ApiJson(body): ApiJson<Value>,
        ) -> Result<Json<Value>, ApiError> {
            let body = object(body)?;
            let part = view_part_handlers!(@call $service, (&state.ctx, &actor, id), $args, (&body)).await?;
            Ok(Json(part.to_json()))
        }
    };
    (tag: $tag:literal, under: $($rest:tt)*) => {
        view_part_handlers!(tag: $tag, args: (), under: $($rest)*);
    };
    (
        tag: $tag:literal,
        args: $args:tt,
        under: $view_path:literal,
        $(list: $list:ident => $list_fn:path, $listed:literal,)?
        $(#[$create_doc:meta])*
        create: $create:ident => $create_fn:path, $created:literal,
        at: $part_path:literal, $part_id:literal,
        get: $get:ident => $get_fn:path, $found:literal,
        update: $update:ident => $update_fn:path, $updated:literal,
        delete: $delete:ident => $delete_fn:path, $deleted:literal $(,)?
    ) => {
        $(
            #[utoipa::path(get, path = $view_path, tag = $tag, params(("view_id" = i64, Path)),
                responses((status = 200, description = $listed)), security(("jwt" = [])))]
            pub async fn $list(
                State(state): State<AppState>,
                Auth(actor): Auth,
                ApiPath(id): ApiPath<i64>,
            ) -> Result<Json<Vec<Value>>, ApiError> {
                let list =
                    view_part_handlers!(@call $list_fn, (&state.ctx, &actor, id), $args, ()).await?;
                Ok(Json(list.iter().map(|part| part.to_json()).collect()))
            }
        )?

        view_part_handlers!(@with_body post, $view_path, $tag, "view_id", $created, $args,
            $(#[$create_doc])* $create => $create_fn);

        #[utoipa::path(get, path = $part_path, tag = $tag, params(($part_id = i64, Path)),
            responses((status = 200, description = $found)), security(("jwt" = [])))]
        pub async fn $get(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
        ) -> Result<Json<Value>, ApiError> {
            let found = view_part_handlers!(@call $get_fn, (&state.ctx, &actor, id), $args, ()).await?;
            Ok(Json(found.to_json()))
        }

        view_part_handlers!(@with_body patch, $part_path, $tag, $part_id, $updated, $args,
            $update => $update_fn);

        #[utoipa::path(delete, path = $part_path, tag = $tag, params(($part_id = i64, Path)),
            responses((status = 204, description = $deleted)), security(("jwt" = [])))]
        pub async fn $delete(
            State(state): State<AppState>,
            Auth(actor): Auth,
            ApiPath(id): ApiPath<i64>,
        ) -> Result<StatusCode, ApiError> {
            view_part_handlers!(@call $delete_fn, (&state.ctx, &actor, id), $args, ()).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

view_part_handlers!(
    tag: "Database view filters",
    under: "/api/database/views/{view_id}/filters/",
    list: list_filters => views::list_filters,
        "`[{id, view, field, type, value, preload_values, group}]`",
    /// Body: `{field, type, value?, group?}`.
    create: create_filter => views::create_filter, "The filter",
    at: "/api/database/views/filter/{filter_id}/", "filter_id",
    get: get_filter => views::get_filter, "The filter",
    update: update_filter => views::update_filter, "The filter",
    delete: delete_filter => views::delete_filter, "Deleted",
);
view_part_handlers!(
    tag: "Database view filters",
    under: "/api/database/views/{view_id}/filter-groups/",
    /// Body: `{filter_type?, parent_group?}`.
    create: create_filter_group => views::create_filter_group,
        "`{id, filter_type, view, parent_group}`",
    at: "/api/database/views/filter-group/{group_id}/", "group_id",
    get: get_filter_group => views::get_filter_group, "The group",
    update: update_filter_group => views::update_filter_group, "The group",
    delete: delete_filter_group => views::delete_filter_group,
        "Deleted with its filters and sub-groups",
);
view_part_handlers!(
    tag: "Database view sorts",
    args: (Ordering::Sort),
    under: "/api/database/views/{view_id}/sortings/",
    list: list_sorts => views::list_orderings, "`[{id, view, field, order, type}]`",
    /// Body: `{field, order? (ASC, DESC), type? (default, order)}`.
    create: create_sort => views::create_ordering, "Created",
    at: "/api/database/views/sort/{id}/", "id",
    get: get_sort => views::get_ordering, "Found",
    update: update_sort => views::update_ordering, "Updated",
    delete: delete_sort => views::delete_ordering, "Deleted",
);
view_part_handlers!(
    tag: "Database view group-bys",
    args: (Ordering::GroupBy),
    under: "/api/database/views/{view_id}/group_bys/",
    list: list_group_bys => views::list_orderings, "`[{id, view, field, order, type}]`",
    /// Body: `{field, order? (ASC, DESC), type? (default, order), width?}`.
    create: create_group_by => views::create_ordering, "Created",
    at: "/api/database/views/group_by/{id}/", "id",
    get: get_group_by => views::get_ordering, "Found",
    update: update_group_by => views::update_ordering, "Updated",
    delete: delete_group_by => views::delete_ordering, "Deleted",
);
view_part_handlers!(
    tag: "Database view decorations",
    under: "/api/database/views/{view_id}/decorations/",
    list: list_decorations => views::list_decorations,
        "`[{id, view, type, value_provider_type, value_provider_conf, order}]`",
    /// Body: `{type (left_border_color, background_color), value_provider_type?
    /// (single_select_color, conditional_color or ""), value_provider_conf?, order?}`.
    create: create_decoration => views::create_decoration, "The decoration",
    at: "/api/database/views/decoration/{decoration_id}/", "decoration_id",
    get: get_decoration => views::get_decoration, "The decoration",
    update: update_decoration => views::update_decoration, "The decoration",
    delete: delete_decoration => views::delete_decoration, "Deleted",
);

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
