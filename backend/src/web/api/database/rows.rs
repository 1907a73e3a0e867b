//! `/api/database/rows/table/{table_id}/…`: list, get, create, update, delete, move, batches.

use super::{param, truthy};
use crate::{
    database::{
        comments,
        filters::FilterGroup,
        rows::{self, ListQuery, Page, Paging, RowKeys, WriteOptions},
        search::SearchMode,
    },
    error::{ApiError, Code, Detail},
    web::{
        extract::{ApiJson, ApiPath, AuthOrToken},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::{StatusCode, Uri},
};
use serde_json::{Map, Value, json};

pub(crate) fn params(raw: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub(crate) fn keys(params: &[(String, String)]) -> RowKeys {
    if truthy(param(params, "user_field_names")) {
        RowKeys::Names
    } else {
        RowKeys::Ids
    }
}

fn write_options(params: &[(String, String)]) -> WriteOptions {
    let send_webhooks = param(params, "send_webhook_events").is_none_or(|v| {
        !matches!(
            v.to_ascii_lowercase().as_str(),
            "false" | "0" | "f" | "n" | "no" | "off"
        )
    });
    WriteOptions {
        keys: keys(params),
        send_webhooks,
    }
}

fn list_of(value: Option<&str>) -> Option<Vec<String>> {
    value.map(|v| {
        v.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

pub(crate) fn optional_id(params: &[(String, String)], key: &str) -> Result<Option<i64>, ApiError> {
    match param(params, key) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            ApiError::query_validation(Detail::field(
                key,
                "invalid",
                "A valid integer is required.",
            ))
        }),
    }
}

/// `search_mode`: `compat` (the default) or `full-text-with-count`, as Baserow names them.
fn search_mode(params: &[(String, String)]) -> Result<SearchMode, ApiError> {
    match param(params, "search_mode") {
        None => Ok(SearchMode::default()),
        Some(name) => SearchMode::parse(name).ok_or_else(|| {
            ApiError::query_validation(Detail::field(
                "search_mode",
                "invalid_choice",
                format!("\"{name}\" is not a valid choice."),
            ))
        }),
    }
}

/// Reads the listing parameters shared by every row listing.
pub fn list_query(params: &[(String, String)]) -> Result<ListQuery, ApiError> {
    let number = |key: &str| param(params, key).and_then(|v| v.parse::<usize>().ok());
    let paging = match number("limit") {
        Some(limit) => Paging::Offset {
            limit,
            offset: number("offset").unwrap_or(0),
        },
        None => Paging::Page {
            page: number("page").filter(|p| *p >= 1).unwrap_or(1),
            size: number("size").filter(|s| *s >= 1).unwrap_or(100),
        },
    };
    let filter = match param(params, "filters") {
        Some(json) => Some(FilterGroup::from_json(json)?),
        None => FilterGroup::from_legacy(params, param(params, "filter_type"))?,
    };
    Ok(ListQuery {
        filter,
        search: param(params, "search").map(str::to_owned),
        search_fields: None,
        search_mode: search_mode(params)?,
        order_by: param(params, "order_by").map(str::to_owned),
        include: list_of(param(params, "include")),
        exclude: list_of(param(params, "exclude")),
        paging,
        keys: keys(params),
        with_count: param(params, "exclude_count").is_none(),
        ids: None,
    })
}

/// Absolute link to another page: keys sorted, `page` dropped for page 1 (DRF's links).
pub(crate) fn page_link(
    public_url: &str,
    path: &str,
    params: &[(String, String)],
    page: usize,
) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "page")
        .cloned()
        .collect();
    if page > 1 {
        pairs.push(("page".into(), page.to_string()));
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if query.is_empty() {
        format!("{public_url}{path}")
    } else {
        format!("{public_url}{path}?{query}")
    }
}

#[utoipa::path(get, path = "/api/database/rows/table/{table_id}/", tag = "Database rows",
    params(("table_id" = i64, Path), ("page" = Option<usize>, Query), ("size" = Option<usize>, Query), ("search" = Option<String>, Query),
        ("search_mode" = Option<String>, Query, description = "`compat` (default) or `full-text-with-count`"),
        ("order_by" = Option<String>, Query), ("filters" = Option<String>, Query), ("filter_type" = Option<String>, Query),
        ("include" = Option<String>, Query), ("exclude" = Option<String>, Query), ("user_field_names" = Option<String>, Query)),
    responses((status = 200, description = "`{count, next, previous, results}`")), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath(id): ApiPath<i64>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let mut q = list_query(&params)?;
    // A view's filters apply on top of the request's; its sorts unless `order_by` is given.
    if let Some(view_id) = optional_id(&params, "view_id")? {
        crate::database::views::listing::apply_to_table_listing(
            &state.ctx, &actor, id, view_id, &mut q,
        )
        .await?;
    }
    let page = rows::list(&state.ctx, &actor, id, &q).await?;
    let base = &state.ctx.settings.public_url;
    Ok(Json(paginated(base, uri.path(), &params, &q, page)))
}

/// `{count, next, previous, results}` with DRF's absolute page links.
pub(crate) fn paginated(
    public_url: &str,
    path: &str,
    params: &[(String, String)],
    q: &ListQuery,
    page: Page,
) -> Value {
    let count = page.count.unwrap_or(0);
    let (next, previous) = match q.paging {
        Paging::Page { page: n, size } => (
            ((n * size) < count as usize).then(|| page_link(public_url, path, params, n + 1)),
            (n > 1).then(|| page_link(public_url, path, params, n - 1)),
        ),
        Paging::Offset { .. } => (None, None),
    };
    json!({ "count": count, "next": next, "previous": previous, "results": page.results })
}

#[utoipa::path(get, path = "/api/database/rows/table/{table_id}/{row_id}/", tag = "Database rows",
    params(("table_id" = i64, Path), ("row_id" = i64, Path), ("include" = Option<String>, Query, description = "`metadata`")),
    responses((status = 200, description = "The row (with `metadata` when included)")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let params = params(raw);
    // `include=metadata` adds the row's extras (its comment count), for users only.
    let metadata = param(&params, "include").is_some_and(|i| i.split(',').any(|p| p == "metadata"));
    if metadata && actor.token.is_some() {
        return Err(ApiError::new(
            Code::CannotIncludeRowMetadata,
            "Row metadata can only be included by authenticated users.",
        ));
    }
    let mut row = rows::get(&state.ctx, &actor, table_id, row_id, keys(&params)).await?;
    if metadata {
        let extras = comments::row_metadata(&state.ctx, Some(actor.id()), table_id, &[row_id])
            .await?
            .remove(&row_id)
            .unwrap_or_default();
        row.insert("metadata".into(), Value::Object(extras));
    }
    Ok(Json(row))
}

fn row_object(value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::validation(Detail::Message(
            "The row must be a JSON object.".into(),
        ))),
    }
}

/// The `items` of a batch body: 1 to `limit` values.
fn items(body: Value, limit: usize) -> Result<Vec<Value>, ApiError> {
    let items = body.get("items").cloned().ok_or_else(|| {
        ApiError::validation(Detail::field(
            "items",
            "required",
            "This field is required.",
        ))
    })?;
    let Value::Array(items) = items else {
        return Err(ApiError::validation(Detail::field(
            "items",
            "not_a_list",
            "Expected a list of items.",
        )));
    };
    if items.is_empty() {
        return Err(ApiError::validation(Detail::field(
            "items",
            "min_length",
            "Ensure this field has at least 1 elements.",
        )));
    }
    if items.len() > limit {
        return Err(ApiError::validation(Detail::field(
            "items",
            "max_length",
            format!("Ensure this field has no more than {limit} elements."),
        )));
    }
    Ok(items)
}

#[utoipa::path(post, path = "/api/database/rows/table/{table_id}/", tag = "Database rows", request_body = Object,
    params(("table_id" = i64, Path), ("before" = Option<i64>, Query), ("user_field_names" = Option<String>, Query), ("send_webhook_events" = Option<bool>, Query)),
    responses((status = 200, description = "The new row"),
        (status = 400, description = "ERROR_FIELD_DATA_CONSTRAINT (a value a unique field already holds), ERROR_REQUEST_BODY_VALIDATION")), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let params = params(raw);
    let before = optional_id(&params, "before")?;
    let row = row_object(body)?;
    let mut created = rows::create(
        &state.ctx,
        &actor,
        id,
        &[row],
        before,
        write_options(&params),
        false,
    )
    .await?;
    created
        .pop()
        .map(Json)
        .ok_or_else(|| ApiError::new(crate::error::Code::Internal, "no row"))
}

#[utoipa::path(patch, path = "/api/database/rows/table/{table_id}/{row_id}/", tag = "Database rows", request_body = Object,
    params(("table_id" = i64, Path), ("row_id" = i64, Path)), responses((status = 200, description = "The whole row"),
        (status = 400, description = "ERROR_FIELD_DATA_CONSTRAINT (a value a unique field already holds), ERROR_REQUEST_BODY_VALIDATION")), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let row = row_object(body)?;
    let mut updated = rows::update(
        &state.ctx,
        &actor,
        table_id,
        &[(row_id, row)],
        write_options(&params(raw)),
        false,
    )
    .await?;
    updated
        .pop()
        .map(Json)
        .ok_or_else(|| ApiError::new(crate::error::Code::Internal, "no row"))
}

#[utoipa::path(delete, path = "/api/database/rows/table/{table_id}/{row_id}/", tag = "Database rows",
    params(("table_id" = i64, Path), ("row_id" = i64, Path)), responses((status = 204, description = "Moved to the trash")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    RawQuery(raw): RawQuery,
) -> Result<StatusCode, ApiError> {
    rows::delete(
        &state.ctx,
        &actor,
        table_id,
        &[row_id],
        write_options(&params(raw)),
        false,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/api/database/rows/table/{table_id}/{row_id}/move/", tag = "Database rows",
    params(("table_id" = i64, Path), ("row_id" = i64, Path), ("before_id" = Option<i64>, Query)), responses((status = 200, description = "The row with its new order")), security(("jwt" = [])))]
pub async fn move_row(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let params = params(raw);
    let before = optional_id(&params, "before_id")?;
    Ok(Json(
        rows::move_row(
            &state.ctx,
            &actor,
            table_id,
            row_id,
            before,
            write_options(&params),
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/database/rows/table/{table_id}/batch/", tag = "Database rows", request_body = Object,
    params(("table_id" = i64, Path)), responses((status = 200, description = "`{items}`"),
        (status = 400, description = "ERROR_FIELD_DATA_CONSTRAINT (nothing of the batch is written), ERROR_REQUEST_BODY_VALIDATION")), security(("jwt" = [])))]
pub async fn batch_create(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let before = optional_id(&params, "before")?;
    let rows_in = items(body, state.ctx.settings.batch_rows_limit)?
        .into_iter()
        .map(row_object)
        .collect::<Result<Vec<_>, _>>()?;
    let created = rows::create(
        &state.ctx,
        &actor,
        id,
        &rows_in,
        before,
        write_options(&params),
        true,
    )
    .await?;
    Ok(Json(json!({ "items": created })))
}

#[utoipa::path(patch, path = "/api/database/rows/table/{table_id}/batch/", tag = "Database rows", request_body = Object,
    params(("table_id" = i64, Path)), responses((status = 200, description = "`{items}`"),
        (status = 400, description = "ERROR_FIELD_DATA_CONSTRAINT (nothing of the batch is written), ERROR_REQUEST_BODY_VALIDATION")), security(("jwt" = [])))]
pub async fn batch_update(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let mut pairs = Vec::new();
    for (i, item) in items(body, state.ctx.settings.batch_rows_limit)?
        .into_iter()
        .enumerate()
    {
        let mut row = row_object(item)?;
        let row_id = row.remove("id").and_then(|v| v.as_i64()).ok_or_else(|| {
            ApiError::validation(Detail::Json(json!({ "items": { i.to_string(): { "id": [{ "error": "This field is required.", "code": "required" }] } } })))
        })?;
        pairs.push((row_id, row));
    }
    let updated = rows::update(
        &state.ctx,
        &actor,
        id,
        &pairs,
        write_options(&params(raw)),
        true,
    )
    .await?;
    Ok(Json(json!({ "items": updated })))
}

#[utoipa::path(post, path = "/api/database/rows/table/{table_id}/batch-delete/", tag = "Database rows", request_body = Object,
    params(("table_id" = i64, Path)), responses((status = 204, description = "Moved to the trash")), security(("jwt" = [])))]
pub async fn batch_delete(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Value>,
) -> Result<StatusCode, ApiError> {
    let ids = items(body, state.ctx.settings.batch_rows_limit)?
        .into_iter()
        .map(|v| {
            v.as_i64().ok_or_else(|| {
                ApiError::validation(Detail::field(
                    "items",
                    "invalid",
                    "Expected a list of row ids.",
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    rows::delete(
        &state.ctx,
        &actor,
        id,
        &ids,
        write_options(&params(raw)),
        true,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_sort_keys_and_drop_page_one() {
        let params = vec![
            ("size".to_string(), "100".to_string()),
            ("page".to_string(), "2".to_string()),
        ];
        assert_eq!(
            page_link("http://h", "/api/x/", &params, 3),
            "http://h/api/x/?page=3&size=100"
        );
        assert_eq!(
            page_link("http://h", "/api/x/", &params, 1),
            "http://h/api/x/?size=100"
        );
    }

    #[test]
    fn truthy_follows_baserow() {
        for yes in ["", "1", "true", "Yes", "on"] {
            assert!(truthy(Some(yes)));
        }
        assert!(!truthy(None) && !truthy(Some("false")) && !truthy(Some("0")));
    }
}
