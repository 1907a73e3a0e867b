//! `/api/database/views/…`: views of a table, their order, duplication, public slug, field
//! options, and the rows a grid or gallery view shows.

use super::{
    fields::object,
    param,
    rows::{list_query, paginated, params},
    truthy,
};
use crate::{
    database::{
        comments,
        views::{self, Include, calendar, listing},
    },
    error::{ApiError, Detail},
    platform::validation::ValidationError,
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
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

fn include(params: &[(String, String)]) -> Include {
    Include::parse(param(params, "include"))
}

#[utoipa::path(get, path = "/api/database/views/table/{table_id}/", tag = "Database views",
    params(("table_id" = i64, Path), ("include" = Option<String>, Query, description = "`filters,sortings,decorations,group_bys`"),
        ("type" = Option<String>, Query)),
    responses((status = 200, description = "The table's views, in order")), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(table_id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<Value>>, ApiError> {
    let params = params(raw);
    let list = views::list(
        &state.ctx,
        &actor,
        table_id,
        include(&params),
        param(&params, "type"),
    )
    .await?;
    Ok(Json(list.iter().map(|v| v.to_json()).collect()))
}

/// Body: `{name, type, filter_type?, filters_disabled?, public?, public_view_password?, …type settings}`.
#[utoipa::path(post, path = "/api/database/views/table/{table_id}/", tag = "Database views", request_body = Object,
    params(("table_id" = i64, Path)), responses((status = 200, description = "The view")), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(table_id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::create(&state.ctx, &actor, table_id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(get, path = "/api/database/views/{view_id}/", tag = "Database views",
    params(("view_id" = i64, Path), ("include" = Option<String>, Query)), responses((status = 200, description = "The view")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    Ok(Json(
        views::get(&state.ctx, &actor, id, include(&params))
            .await?
            .to_json(),
    ))
}

#[utoipa::path(patch, path = "/api/database/views/{view_id}/", tag = "Database views", request_body = Object,
    params(("view_id" = i64, Path)), responses((status = 200, description = "The view")), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::update(&state.ctx, &actor, id, &object(body)?)
            .await?
            .to_json(),
    ))
}

#[utoipa::path(delete, path = "/api/database/views/{view_id}/", tag = "Database views",
    params(("view_id" = i64, Path)), responses((status = 204, description = "Moved to the trash")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    views::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OrderBody {
    view_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/database/views/table/{table_id}/order/", tag = "Database views", request_body = OrderBody,
    params(("table_id" = i64, Path)), responses((status = 204, description = "Reordered")), security(("jwt" = [])))]
pub async fn order(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(table_id): ApiPath<i64>,
    ApiJson(body): ApiJson<OrderBody>,
) -> Result<StatusCode, ApiError> {
    views::order(&state.ctx, &actor, table_id, &body.view_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/database/views/{view_id}/duplicate/", tag = "Database views",
    params(("view_id" = i64, Path)), responses((status = 200, description = "The copy")), security(("jwt" = [])))]
pub async fn duplicate(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::duplicate(&state.ctx, &actor, id).await?.to_json(),
    ))
}

#[utoipa::path(post, path = "/api/database/views/{view_id}/rotate-slug/", tag = "Database views",
    params(("view_id" = i64, Path)), responses((status = 200, description = "The view with a new `slug`")), security(("jwt" = [])))]
pub async fn rotate_slug(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::rotate_slug(&state.ctx, &actor, id).await?.to_json(),
    ))
}

#[utoipa::path(get, path = "/api/database/views/{view_id}/field-options/", tag = "Database views",
    params(("view_id" = i64, Path)), responses((status = 200, description = "`{field_options: {field id: options}}`")), security(("jwt" = [])))]
pub async fn field_options(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let options = views::field_options(&state.ctx, &actor, id).await?;
    Ok(Json(json!({ "field_options": options })))
}

#[utoipa::path(patch, path = "/api/database/views/{view_id}/field-options/", tag = "Database views", request_body = Object,
    params(("view_id" = i64, Path)), responses((status = 200, description = "Every field's options")), security(("jwt" = [])))]
pub async fn update_field_options(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let options = views::update_field_options(&state.ctx, &actor, id, &object(body)?).await?;
    Ok(Json(json!({ "field_options": options })))
}

/// Body of `POST /api/database/views/grid/{view_id}/`.
#[derive(Deserialize, ToSchema)]
pub struct RowsByIdBody {
    /// The rows to return (at most 200).
    row_ids: Vec<i64>,
    /// Only these fields; every field when absent.
    #[serde(default)]
    field_ids: Option<Vec<i64>>,
}

/// Rows of the grid view's table by id, for refreshing rows a client shows: every field
/// (or `field_ids`), the view's filters not applied; ids of missing rows are left out.
#[utoipa::path(post, path = "/api/database/views/grid/{view_id}/", tag = "Database views", request_body = RowsByIdBody,
    params(("view_id" = i64, Path)),
    responses((status = 200, description = "`[{id, order, field_<id>…}]`: the rows, in the table's order"),
        (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION, ERROR_USER_NOT_IN_GROUP"),
        (status = 404, description = "ERROR_GRID_DOES_NOT_EXIST")), security(("jwt" = [])))]
pub async fn rows_by_id(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RowsByIdBody>,
) -> Result<Json<Vec<Map<String, Value>>>, ApiError> {
    let mut errors = ValidationError::default();
    if body.row_ids.is_empty() {
        errors.add("row_ids", "empty", "This list may not be empty.");
    }
    if body.row_ids.len() > listing::MAX_ROWS_BY_ID {
        errors.add(
            "row_ids",
            "max_length",
            format!(
                "Ensure this field has no more than {} elements.",
                listing::MAX_ROWS_BY_ID
            ),
        );
    }
    if body.field_ids.as_ref().is_some_and(Vec::is_empty) {
        errors.add("field_ids", "empty", "This list may not be empty.");
    }
    errors.into_result()?;
    let rows = listing::rows_by_id(&state.ctx, &actor, id, body.row_ids, body.field_ids).await?;
    Ok(Json(rows))
}

/// Rows through a grid or gallery view: its filters and sorts apply; the request's own
/// `filters`/`order_by` replace them. `include=field_options` adds every field's options;
/// `include_fields`/`exclude_fields` pick fields.
#[utoipa::path(get, path = "/api/database/views/grid/{view_id}/", tag = "Database views",
    params(("view_id" = i64, Path), ("limit" = Option<usize>, Query), ("offset" = Option<usize>, Query),
        ("page" = Option<usize>, Query), ("size" = Option<usize>, Query), ("search" = Option<String>, Query),
        ("search_mode" = Option<String>, Query, description = "`compat` (default) or `full-text-with-count`"),
        ("include" = Option<String>, Query), ("order_by" = Option<String>, Query), ("filters" = Option<String>, Query)),
    responses((status = 200, description = "`{count, next, previous, results, field_options?}`")), security(("jwt" = [])))]
pub async fn rows(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let mut q = list_query(&params)?;
    q.include = param(&params, "include_fields").map(split);
    q.exclude = param(&params, "exclude_fields").map(split);
    // `count=true` answers `{count}` alone, exact (Baserow's way for a grid footer).
    if param(&params, "count").is_some_and(|v| truthy(Some(v))) {
        let count = listing::count(&state.ctx, &actor, id, q).await?;
        return Ok(Json(json!({ "count": count })));
    }
    let with_options = wants_field_options(&params);
    let (page, options) = listing::list(&state.ctx, &actor, id, q.clone(), with_options).await?;
    let mut body = paginated(
        &state.ctx.settings.public_url,
        uri.path(),
        &params,
        &q,
        page,
    );
    if let Some(map) = body.as_object_mut() {
        if let Some(options) = options {
            map.insert("field_options".into(), Value::Object(options));
        }
        // Row metadata is per-row extras for rows that have any: their comment counts.
        if includes(&params, "row_metadata") {
            let ids: Vec<i64> = map
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| r.get("id").and_then(Value::as_i64))
                .collect();
            let metadata =
                comments::row_metadata_of_view(&state.ctx, Some(actor.id()), id, &ids).await?;
            map.insert("row_metadata".into(), metadata);
        }
    }
    Ok(Json(body))
}

/// Rows through a gallery view; the same parameters as the grid listing.
#[utoipa::path(get, path = "/api/database/views/gallery/{view_id}/", tag = "Database views",
    params(("view_id" = i64, Path)), responses((status = 200, description = "`{count, next, previous, results, field_options?}`")), security(("jwt" = [])))]
pub async fn gallery_rows(
    state: State<AppState>,
    auth: Auth,
    id: ApiPath<i64>,
    uri: Uri,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    rows(state, auth, id, uri, raw).await
}

/// Rows of a kanban view per select option (`"null"`: no option), 40 per column unless
/// `select_option=<option id or null>,<limit>,<offset>` (repeatable) pages single columns.
#[utoipa::path(get, path = "/api/database/views/kanban/{view_id}/", tag = "Database views",
    params(("view_id" = i64, Path), ("select_option" = Option<String>, Query)),
    responses((status = 200, description = "`{\"rows\": {\"<option id>\": {count, results}, \"null\": {…}}, field_options?}`")), security(("jwt" = [])))]
pub async fn kanban_rows(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let q = list_query(&params)?;
    let columns = kanban_columns(&params);
    let rows = listing::kanban(&state.ctx, &actor, id, q, columns).await?;
    let mut body = json!({ "rows": rows });
    if wants_field_options(&params)
        && let Some(map) = body.as_object_mut()
    {
        let options = views::field_options(&state.ctx, &actor, id).await?;
        map.insert("field_options".into(), Value::Object(options));
    }
    Ok(Json(body))
}

/// Rows of a calendar view per day of `[from_timestamp, to_timestamp)` (ISO 8601), days
/// counted in `user_timezone` (default UTC); `limit`/`offset` page every day.
#[utoipa::path(get, path = "/api/database/views/calendar/{view_id}/", tag = "Database views",
    params(("view_id" = i64, Path), ("from_timestamp" = String, Query), ("to_timestamp" = String, Query),
        ("user_timezone" = Option<String>, Query), ("limit" = Option<usize>, Query), ("offset" = Option<usize>, Query),
        ("include" = Option<String>, Query, description = "`field_options`")),
    responses((status = 200, description = "`{\"rows\": {\"YYYY-MM-DD\": {count, results}}, field_options?}`")), security(("jwt" = [])))]
pub async fn calendar_rows(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let range = day_range(&params)?;
    let q = list_query(&params)?;
    let rows = calendar::rows_per_day(&state.ctx, &actor, id, q, range).await?;
    let mut body = json!({ "rows": rows });
    if wants_field_options(&params)
        && let Some(map) = body.as_object_mut()
    {
        let options = views::field_options(&state.ctx, &actor, id).await?;
        map.insert("field_options".into(), Value::Object(options));
    }
    Ok(Json(body))
}

/// `select_option=<option id or null>,<limit>,<offset>` (repeatable): the kanban columns
/// asked for, each paged on its own.
pub(super) fn kanban_columns(params: &[(String, String)]) -> Vec<listing::ColumnPage> {
    let mut columns = Vec::new();
    for (_, value) in params.iter().filter(|(k, _)| k == "select_option") {
        let mut parts = value.split(',').map(str::trim);
        let option = parts.next().unwrap_or_default().to_owned();
        let number =
            |v: Option<&str>, default: usize| v.and_then(|n| n.parse().ok()).unwrap_or(default);
        let limit = number(parts.next(), listing::KANBAN_DEFAULT_LIMIT);
        let offset = number(parts.next(), 0);
        columns.push(listing::ColumnPage {
            option,
            limit,
            offset,
        });
    }
    columns
}

/// `from_timestamp`, `to_timestamp` (ISO 8601), `user_timezone`, `limit` and `offset` of
/// a calendar listing.
pub(super) fn day_range(params: &[(String, String)]) -> Result<calendar::DayRange, ApiError> {
    let timestamp = |key: &str| {
        param(params, key)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|t| t.to_utc())
            .ok_or_else(|| {
                ApiError::query_validation(Detail::Message(format!(
                    "{key} is required: a date and time in ISO 8601 (2024-05-01T00:00:00Z)."
                )))
            })
    };
    let number = |key: &str, default: usize| {
        param(params, key)
            .map(|v| v.parse::<usize>())
            .transpose()
            .map(|n| n.unwrap_or(default))
            .map_err(|_| {
                ApiError::query_validation(Detail::Message(format!("{key} must be a number.")))
            })
    };
    Ok(calendar::DayRange {
        from: timestamp("from_timestamp")?,
        to: timestamp("to_timestamp")?,
        timezone: param(params, "user_timezone").unwrap_or("UTC").to_owned(),
        limit: number("limit", calendar::DEFAULT_LIMIT)?,
        offset: number("offset", 0)?,
    })
}

/// A new slug for the calendar's iCal feed (`ical_feed_url` changes; the old one stops).
#[utoipa::path(post, path = "/api/database/views/calendar/{view_id}/ical_slug_rotate/", tag = "Database views",
    params(("view_id" = i64, Path)), responses((status = 200, description = "The view")), security(("jwt" = [])))]
pub async fn rotate_ical_slug(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        views::rotate_ical_slug(&state.ctx, &actor, id)
            .await?
            .to_json(),
    ))
}

/// `GET /api/database/views/calendar/{ical_slug}.ics`: the calendar's rows as iCalendar
/// events while `ical_public` is true. No account needed: the slug is the key.
#[utoipa::path(get, path = "/api/database/views/calendar/{ical_slug}.ics", tag = "Database views",
    params(("ical_slug" = String, Path)),
    responses((status = 200, description = "`text/calendar`"), (status = 404, description = "`ERROR_VIEW_DOES_NOT_EXIST`")))]
pub async fn ical_feed(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let slug = file
        .strip_suffix(".ics")
        .ok_or(views::ViewError::NotFound)?;
    let body = views::ical::feed(&state.ctx, slug).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "max-age=1800"),
        ],
        body,
    )
        .into_response())
}

/// Whether `include` names `part` (`include=field_options,row_metadata`).
pub(super) fn includes(params: &[(String, String)], part: &str) -> bool {
    param(params, "include").is_some_and(|i| i.split(',').any(|p| p.trim() == part))
}

pub(super) fn wants_field_options(params: &[(String, String)]) -> bool {
    includes(params, "field_options")
}

fn split(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}
