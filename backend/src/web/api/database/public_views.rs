//! Shared views, without an account: `…/{slug}/public/info/`, `…/{slug}/public/auth/`,
//! the rows of public grid, gallery, kanban and calendar views, and public forms. Ids of the workspace and database are
//! replaced by 0, as Baserow does.

use super::rows::{list_query, paginated, params};
use super::views::{day_range, kanban_columns, wants_field_options};
use crate::web::extract::ClientIp;
use crate::{
    database::{
        access::TableScope,
        fields::public_field_json,
        rows::query::MAX_PAGE_SIZE,
        views::{form, link_lookup, public},
    },
    error::ApiError,
    web::{
        api::paging,
        extract::{ApiJson, ApiPath},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, Uri},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

/// `Baserow-View-Authorization: JWT <token>` from `public/auth/`.
pub fn view_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get("Baserow-View-Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("JWT"))
        .map(|(_, token)| token.trim().to_owned())
}

#[utoipa::path(get, path = "/api/database/views/{slug}/public/info/", tag = "Shared views",
    params(("slug" = String, Path)), responses((status = 200, description = "`{view, fields}`: the fields the view shows")))]
pub async fn info(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (view, fields) = public::info(&state.ctx, &slug, view_token(&headers).as_deref()).await?;
    let placeholder = TableScope {
        table_id: view.table_id,
        database_id: 0,
        workspace_id: 0,
    };
    let mut shown = json!({
        "id": view.id, "name": view.name, "type": view.kind, "slug": view.slug, "public": true,
        "public_view_has_password": view.has_password, "show_logo": true, "allow_public_export": false,
    });
    if let Some(map) = shown.as_object_mut() {
        for (k, v) in view.shown_options() {
            map.insert(k.clone(), v);
        }
    }
    let fields: Vec<Value> = fields
        .iter()
        .map(|f| public_field_json(f, &placeholder))
        .collect();
    Ok(Json(json!({ "view": shown, "fields": fields })))
}

#[derive(Deserialize, ToSchema)]
pub struct AuthBody {
    password: String,
}

#[utoipa::path(post, path = "/api/database/views/{slug}/public/auth/", tag = "Shared views", request_body = AuthBody,
    params(("slug" = String, Path)),
    responses((status = 200, description = "`{access_token}` for `Baserow-View-Authorization: JWT <token>`, valid 24 hours"),
        (status = 401, description = "Wrong password")))]
pub async fn auth(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<AuthBody>,
) -> Result<Json<Value>, ApiError> {
    let token = public::authenticate(&state.ctx, &slug, &body.password, client).await?;
    Ok(Json(json!({ "access_token": token })))
}

/// Rows of a shared grid view: its filters and sorts, the request's filters on top; only
/// visible fields, and the request may filter and sort by those alone.
#[utoipa::path(get, path = "/api/database/views/grid/{slug}/public/rows/", tag = "Shared views",
    params(("slug" = String, Path), ("search" = Option<String>, Query), ("search_mode" = Option<String>, Query, description = "`compat` (default) or `full-text-with-count`")), responses((status = 200, description = "`{count, next, previous, results}`")))]
pub async fn grid_rows(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let q = list_query(&params)?;
    let page = public::rows(
        &state.ctx,
        &slug,
        view_token(&headers).as_deref(),
        q.clone(),
    )
    .await?;
    Ok(Json(paginated(
        &state.ctx.settings.public_url,
        uri.path(),
        &params,
        &q,
        page,
    )))
}

/// Rows of a shared gallery view; as the grid's.
#[utoipa::path(get, path = "/api/database/views/gallery/{slug}/public/rows/", tag = "Shared views",
    params(("slug" = String, Path), ("search" = Option<String>, Query), ("search_mode" = Option<String>, Query, description = "`compat` (default) or `full-text-with-count`")), responses((status = 200, description = "`{count, next, previous, results}`")))]
pub async fn gallery_rows(
    state: State<AppState>,
    slug: ApiPath<String>,
    headers: HeaderMap,
    uri: Uri,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    grid_rows(state, slug, headers, uri, raw).await
}

/// Rows of a shared kanban view per select option (`"null"`: no option), as the signed-in
/// listing gives them; the view's filters and the request's both apply.
#[utoipa::path(get, path = "/api/database/views/kanban/{slug}/public/rows/", tag = "Shared views",
    params(("slug" = String, Path), ("select_option" = Option<String>, Query, description = "`<option id or null>,<limit>,<offset>`, repeatable"),
        ("include" = Option<String>, Query, description = "`field_options`")),
    responses((status = 200, description = "`{\"rows\": {\"<option id>\": {count, results}, \"null\": {…}}, field_options?}`")))]
pub async fn kanban_rows(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let q = list_query(&params)?;
    let columns = kanban_columns(&params);
    let token = view_token(&headers);
    let rows = public::kanban_rows(&state.ctx, &slug, token.as_deref(), q, columns).await?;
    with_field_options(
        &state,
        &slug,
        token.as_deref(),
        &params,
        json!({ "rows": rows }),
    )
    .await
}

/// Rows of a shared calendar view per day of `[from_timestamp, to_timestamp)`, as the
/// signed-in listing gives them; the view's filters and the request's both apply.
#[utoipa::path(get, path = "/api/database/views/calendar/{slug}/public/rows/", tag = "Shared views",
    params(("slug" = String, Path), ("from_timestamp" = String, Query), ("to_timestamp" = String, Query),
        ("user_timezone" = Option<String>, Query), ("limit" = Option<usize>, Query), ("offset" = Option<usize>, Query),
        ("include" = Option<String>, Query, description = "`field_options`")),
    responses((status = 200, description = "`{\"rows\": {\"YYYY-MM-DD\": {count, results}}, field_options?}`")))]
pub async fn calendar_rows(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let range = day_range(&params)?;
    let q = list_query(&params)?;
    let token = view_token(&headers);
    let rows = public::calendar_rows(&state.ctx, &slug, token.as_deref(), q, range).await?;
    with_field_options(
        &state,
        &slug,
        token.as_deref(),
        &params,
        json!({ "rows": rows }),
    )
    .await
}

/// Adds the shown fields' options to `body` when `include=field_options` asks for them.
async fn with_field_options(
    state: &AppState,
    slug: &str,
    token: Option<&str>,
    params: &[(String, String)],
    mut body: Value,
) -> Result<Json<Value>, ApiError> {
    if wants_field_options(params)
        && let Some(map) = body.as_object_mut()
    {
        let options = public::field_options(&state.ctx, slug, token).await?;
        map.insert("field_options".into(), Value::Object(options));
    }
    Ok(Json(body))
}

/// A shared form: its settings and the fields it asks for.
#[utoipa::path(get, path = "/api/database/views/form/{slug}/submit/", tag = "Shared views",
    params(("slug" = String, Path)),
    responses((status = 200, description = "`{title, description, mode, submit_text, fields: [{name, description, required, order, show_when_matching_conditions, condition_type, conditions, condition_groups, field_id, field}]}`")))]
pub async fn form_page(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (view, fields) = form::page(&state.ctx, &slug, view_token(&headers).as_deref()).await?;
    let placeholder = TableScope {
        table_id: view.table_id,
        database_id: 0,
        workspace_id: 0,
    };
    let mut body = json!({ "id": view.id, "name": view.name, "slug": view.slug,
                           "public_view_has_password": view.has_password });
    if let Some(map) = body.as_object_mut() {
        for (k, v) in view.shown_options() {
            map.insert(k.clone(), v);
        }
        let fields: Vec<Value> = fields
            .iter()
            .map(|(f, o)| {
                json!({
                    "name": o.get("name").cloned().unwrap_or(Value::Null),
                    "description": o.get("description").cloned().unwrap_or(Value::Null),
                    "required": o.get("required").cloned().unwrap_or(Value::Null),
                    "order": o.get("order").cloned().unwrap_or(Value::Null),
                    "show_when_matching_conditions": o.get("show_when_matching_conditions").cloned().unwrap_or(Value::Bool(false)),
                    "condition_type": o.get("condition_type").cloned().unwrap_or(Value::Null),
                    "conditions": o.get("conditions").cloned().unwrap_or(Value::Null),
                    "condition_groups": o.get("condition_groups").cloned().unwrap_or(Value::Null),
                    "field_id": f.id,
                    "field": public_field_json(f, &placeholder),
                })
            })
            .collect();
        map.insert("fields".into(), Value::Array(fields));
    }
    Ok(Json(body))
}

/// Submits a shared form: `field_{id}` values of its enabled fields become a new row.
#[utoipa::path(post, path = "/api/database/views/form/{slug}/submit/", tag = "Shared views", request_body = Object,
    params(("slug" = String, Path)),
    responses((status = 200, description = "`{submit_action, submit_action_message, submit_action_redirect_url, row_id}`")))]
pub async fn form_submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let body = super::fields::object(body)?;
    Ok(Json(
        form::submit(
            &state.ctx,
            &slug,
            view_token(&headers).as_deref(),
            &body,
            client,
        )
        .await?,
    ))
}

/// One row of a shared view: only the fields it shows, and only if its filters let the
/// row through (else `ERROR_ROW_DOES_NOT_EXIST`).
#[utoipa::path(get, path = "/api/database/views/{slug}/row/{row_id}/", tag = "Shared views",
    params(("slug" = String, Path), ("row_id" = i64, Path)),
    responses((status = 200, description = "`{id, order, field_<id>…}`: the row, with the view's visible fields only"),
        (status = 400, description = "ERROR_VIEW_DOES_NOT_SUPPORT_LISTING_ROWS (a form)"),
        (status = 401, description = "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW"),
        (status = 404, description = "ERROR_VIEW_DOES_NOT_EXIST, ERROR_ROW_DOES_NOT_EXIST")))]
pub async fn row(
    State(state): State<AppState>,
    ApiPath((slug, row_id)): ApiPath<(String, i64)>,
    headers: HeaderMap,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let token = view_token(&headers);
    Ok(Json(
        public::row(&state.ctx, &slug, token.as_deref(), row_id).await?,
    ))
}

/// The rows a link field of a shared view can point at (a public form's link picker):
/// `{id, value, order}` of the linked table's rows, `search` in their primary field.
#[utoipa::path(get, path = "/api/database/views/{slug}/link-row-field-lookup/{field_id}/", tag = "Shared views",
    params(("slug" = String, Path), ("field_id" = i64, Path),
        ("search" = Option<String>, Query, description = "Only rows whose primary field contains this"),
        ("page" = Option<i64>, Query), ("size" = Option<i64>, Query, description = "Up to 200 (default 100)")),
    responses((status = 200, description = "`{count, next, previous, results: [{id, value, order}]}`"),
        (status = 400, description = "ERROR_PAGE_SIZE_LIMIT, ERROR_QUERY_PARAMETER_VALIDATION"),
        (status = 401, description = "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW"),
        (status = 404, description = "ERROR_VIEW_DOES_NOT_EXIST, ERROR_FIELD_DOES_NOT_EXIST")))]
pub async fn link_row_lookup(
    State(state): State<AppState>,
    ApiPath((slug, field_id)): ApiPath<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let window = paging::window(&params, 100, MAX_PAGE_SIZE as i64, true)?;
    let search = super::param(&params, "search");
    let page = link_lookup::lookup(
        &state.ctx,
        &slug,
        view_token(&headers).as_deref(),
        field_id,
        search,
        window.limit,
        window.offset,
    )
    .await?;
    Ok(Json(paging::body(
        &state.ctx.settings.public_url,
        uri.path(),
        &params,
        window,
        page.count,
        page.results,
    )))
}
