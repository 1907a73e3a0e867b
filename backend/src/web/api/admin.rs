//! `/api/admin/…`: Baserow's staff administration: the dashboard, every account (list,
//! create, edit, delete, impersonate) and every workspace (list, delete). Staff only.

use super::{
    database::{param, rows::params},
    paging,
    users::session_body,
};
use crate::{
    error::{ApiError, Detail},
    platform::{
        admin::{
            self,
            dashboard::PerDay,
            listing::Listing,
            users::{AdminUser, UserChanges},
            workspaces::AdminWorkspace,
        },
        notifications, users,
    },
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

/// Baserow's admin listings page by at most 100.
const PAGE_SIZE_LIMIT: i64 = 100;

fn user_json(u: &AdminUser) -> Value {
    json!({
        "id": u.id,
        "username": u.email,
        "name": u.first_name,
        "workspaces": u.workspaces.0,
        "last_login": u.last_login,
        "date_joined": u.date_joined,
        "is_active": u.is_active,
        "is_staff": u.is_staff,
    })
}

fn workspace_json(w: &AdminWorkspace) -> Value {
    json!({
        "id": w.id,
        "name": w.name,
        "users": w.users.0,
        "application_count": w.application_count,
        "row_count": w.row_count,
        "storage_usage": w.storage_usage,
        // Seats belong to licenses with per-workspace seats, which Tessera has not.
        "seats_taken": null,
        "free_users": null,
        "created_on": w.created_on,
    })
}

/// The search, sorts and page of a listing request.
fn listing(
    params: &[(String, String)],
    sorts: &[(&str, &'static str)],
    id: &'static str,
) -> Result<(Listing, paging::Window), ApiError> {
    let search = param(params, "search");
    if search.is_some_and(|s| s.contains('\0')) {
        return Err(ApiError::query_validation(Detail::field(
            "search",
            "invalid",
            "Null characters are not allowed.",
        )));
    }
    let window = paging::window(params, PAGE_SIZE_LIMIT, PAGE_SIZE_LIMIT, true)?;
    let listing = Listing::parse(
        search,
        param(params, "sorts"),
        sorts,
        id,
        (window.limit, window.offset),
    )?;
    Ok((listing, window))
}

#[utoipa::path(get, path = "/api/admin/dashboard/", tag = "Admin",
    params(("timezone" = Option<String>, Query, description = "IANA time zone the per-day lists are counted in; UTC when absent")),
    responses((status = 200, description = "`{total_users, total_workspaces, total_applications, new_users_last_24_hours, new_users_last_7_days, new_users_last_30_days, previous_new_users_…, active_users_last_…, previous_active_users_…, new_users_per_day: [{date, count}], active_users_per_day: [{date, count}]}`"),
        (status = 400, description = "UNKNOWN_TIME_ZONE_ERROR"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn dashboard(
    State(state): State<AppState>,
    Auth(actor): Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    admin::require_staff(&actor)?;
    let params = params(raw);
    let timezone = param(&params, "timezone").filter(|t| !t.is_empty());
    let d = admin::dashboard::get(&state.ctx, &actor, timezone).await?;
    let mut body = Map::new();
    body.insert("total_users".into(), json!(d.total_users));
    body.insert("total_workspaces".into(), json!(d.total_workspaces));
    body.insert("total_applications".into(), json!(d.total_applications));
    for (key, count) in d.counts {
        body.insert(key, json!(count));
    }
    let days = |list: &[PerDay]| serde_json::to_value(list).unwrap_or_default();
    body.insert("new_users_per_day".into(), days(&d.new_users_per_day));
    body.insert("active_users_per_day".into(), days(&d.active_users_per_day));
    Ok(Json(Value::Object(body)))
}

#[utoipa::path(get, path = "/api/admin/users/", tag = "Admin",
    params(("search" = Option<String>, Query, description = "Matches id, email or name"),
        ("sorts" = Option<String>, Query, description = "Comma-separated, each `+` (ascending) or `-` (descending) then one of `id`, `is_active`, `name`, `username`, `date_joined`, `last_login`"),
        ("page" = Option<i64>, Query), ("size" = Option<i64>, Query, description = "At most 100")),
    responses((status = 200, description = "`{count, next, previous, results: [{id, username, name, workspaces: [{id, name, permissions}], last_login, date_joined, is_active, is_staff}]}`"),
        (status = 400, description = "ERROR_PAGE_SIZE_LIMIT, ERROR_INVALID_SORT_DIRECTION, ERROR_INVALID_SORT_ATTRIBUTE"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    Auth(actor): Auth,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    admin::require_staff(&actor)?;
    let params = params(raw);
    let (listing, window) = listing(&params, admin::users::SORTS, "u.id")?;
    let (count, list) = admin::users::list(&state.ctx, &actor, &listing).await?;
    Ok(Json(paging::body(
        &state.ctx.settings.public_url,
        uri.path(),
        &params,
        window,
        count,
        list.iter().map(user_json).collect(),
    )))
}

/// What staff may set on an account. Unknown keys are refused, as Baserow does.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminUserBody {
    /// The email address.
    username: Option<String>,
    name: Option<String>,
    password: Option<String>,
    is_active: Option<bool>,
    is_staff: Option<bool>,
}

impl From<AdminUserBody> for UserChanges {
    fn from(b: AdminUserBody) -> Self {
        Self {
            email: b.username,
            name: b.name,
            password: b.password,
            is_active: b.is_active,
            is_staff: b.is_staff,
        }
    }
}

/// Creates an account, even when sign-ups are off.
#[utoipa::path(post, path = "/api/admin/users/", tag = "Admin", request_body = AdminUserBody,
    responses((status = 200, description = "The account, as listed"),
        (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION (`username`, `name` and `password` are required), USER_ADMIN_ALREADY_EXISTS"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<AdminUserBody>,
) -> Result<Json<Value>, ApiError> {
    admin::require_staff(&actor)?;
    let user = admin::users::create(&state.ctx, &actor, body.into()).await?;
    Ok(Json(user_json(&user)))
}

/// Edits an account. Deactivating it or setting its password ends its sessions at once.
#[utoipa::path(patch, path = "/api/admin/users/{user_id}/", tag = "Admin", request_body = AdminUserBody,
    params(("user_id" = i64, Path)),
    responses((status = 200, description = "The account, as listed"),
        (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION, USER_ADMIN_CANNOT_DEACTIVATE_SELF, USER_ADMIN_UNKNOWN_USER, USER_ADMIN_ALREADY_EXISTS"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn update_user(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(user_id): ApiPath<i64>,
    ApiJson(body): ApiJson<AdminUserBody>,
) -> Result<Json<Value>, ApiError> {
    admin::require_staff(&actor)?;
    let user = admin::users::update(&state.ctx, &actor, user_id, body.into()).await?;
    Ok(Json(user_json(&user)))
}

/// Deletes an account for good; its workspaces stay.
#[utoipa::path(delete, path = "/api/admin/users/{user_id}/", tag = "Admin",
    params(("user_id" = i64, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 400, description = "USER_ADMIN_CANNOT_DELETE_SELF, USER_ADMIN_UNKNOWN_USER"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn delete_user(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(user_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    admin::require_staff(&actor)?;
    admin::users::delete(&state.ctx, &actor, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ImpersonateBody {
    /// The id of the account to act as; staff accounts cannot be impersonated.
    user: i64,
}

/// Tokens for another (non-staff) account, in the log-in payload's shape; logged.
#[utoipa::path(post, path = "/api/admin/users/impersonate/", tag = "Admin", request_body = ImpersonateBody,
    responses((status = 200, description = "`{token, access_token, refresh_token, user, permissions, user_notifications}` of the impersonated account"),
        (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION: no such account, or a staff account"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn impersonate(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<ImpersonateBody>,
) -> Result<Json<Value>, ApiError> {
    admin::require_staff(&actor)?;
    let target = admin::users::impersonation_target(&state.ctx, &actor, body.user).await?;
    let session = users::issue_session(&state.ctx, target);
    let unread = notifications::unread_outside_workspaces(&state.ctx, session.user.id).await?;
    Ok(Json(
        serde_json::to_value(session_body(&session, unread)).unwrap_or_default(),
    ))
}

#[utoipa::path(get, path = "/api/admin/workspaces/", tag = "Admin",
    params(("search" = Option<String>, Query, description = "Matches id or name"),
        ("sorts" = Option<String>, Query, description = "Comma-separated, each `+` (ascending) or `-` (descending) then one of `id`, `name`, `application_count`, `created_on`, `row_count`, `storage_usage`"),
        ("page" = Option<i64>, Query), ("size" = Option<i64>, Query, description = "At most 100")),
    responses((status = 200, description = "`{count, next, previous, results: [{id, name, users: [{id, email, permissions}], application_count, row_count, storage_usage, seats_taken, free_users, created_on}]}`"),
        (status = 400, description = "ERROR_PAGE_SIZE_LIMIT, ERROR_INVALID_SORT_DIRECTION, ERROR_INVALID_SORT_ATTRIBUTE"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn list_workspaces(
    State(state): State<AppState>,
    Auth(actor): Auth,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    admin::require_staff(&actor)?;
    let params = params(raw);
    let (listing, window) = listing(&params, admin::workspaces::SORTS, "w.id")?;
    let (count, list) = admin::workspaces::list(&state.ctx, &actor, &listing).await?;
    Ok(Json(paging::body(
        &state.ctx.settings.public_url,
        uri.path(),
        &params,
        window,
        count,
        list.iter().map(workspace_json).collect(),
    )))
}

/// Deletes a workspace for good, with its databases and tables, whoever its members are.
#[utoipa::path(delete, path = "/api/admin/workspaces/{workspace_id}/", tag = "Admin",
    params(("workspace_id" = i64, Path)),
    responses((status = 204, description = "Deleted; its tables are dropped by a job queued at once"),
        (status = 404, description = "ERROR_GROUP_DOES_NOT_EXIST"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn delete_workspace(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(workspace_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    admin::require_staff(&actor)?;
    admin::workspaces::delete(&state.ctx, &actor, workspace_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
