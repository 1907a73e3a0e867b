//! `/api/licenses/…`: registering, listing, checking and deleting licenses, and the seats
//! of a license (staff only).

use super::database::{
    param,
    rows::{page_link, params},
};
use crate::{
    error::{ApiError, Detail},
    platform::licenses::{self, License, LicenseUser, check, seats},
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
use serde_json::{Value, json};
use utoipa::ToSchema;

/// Most users one lookup page lists (Baserow's page size limit).
const MAX_PAGE_SIZE: i64 = 200;
const DEFAULT_PAGE_SIZE: i64 = 100;

fn users_json(users: &[LicenseUser]) -> Vec<Value> {
    users.iter().map(LicenseUser::to_json).collect()
}

/// A license with the users holding its seats.
fn with_users(license: &License, users: &[LicenseUser]) -> Value {
    let mut body = license.to_json();
    body["users"] = Value::Array(users_json(users));
    body
}

#[utoipa::path(get, path = "/api/licenses/", tag = "Licenses",
    responses((status = 200, description = "`[{id, license_id, is_active, last_check, valid_from, valid_through, free_users_count, seats_taken, seats, application_users_taken, application_users, product_code, issued_on, issued_to_email, issued_to_name}]`"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Value>, ApiError> {
    let licenses = licenses::list(&state.ctx, &actor).await?;
    Ok(Json(Value::Array(
        licenses.iter().map(License::to_json).collect(),
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    /// The license token: `base64url(payload JSON) "." base64url(Ed25519 signature)`.
    license: String,
}

/// Registers a license (or a newer issue of a registered one, which replaces it).
#[utoipa::path(post, path = "/api/licenses/", tag = "Licenses", request_body = RegisterBody,
    responses((status = 200, description = "The license, as listed"),
        (status = 400, description = "ERROR_INVALID_LICENSE, ERROR_UNSUPPORTED_LICENSE, ERROR_LICENSE_INSTANCE_ID_MISMATCH, ERROR_LICENSE_HAS_EXPIRED, ERROR_LICENSE_ALREADY_EXISTS, ERROR_LICENSES_NOT_CONFIGURED")),
    security(("jwt" = [])))]
pub async fn register(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<Json<Value>, ApiError> {
    let license = licenses::register(&state.ctx, &actor, &body.license).await?;
    Ok(Json(license.to_json()))
}

#[utoipa::path(get, path = "/api/licenses/{id}/", tag = "Licenses", params(("id" = i64, Path)),
    responses((status = 200, description = "The license with `users: [{id, first_name, email}]`"),
        (status = 404, description = "ERROR_LICENSE_DOES_NOT_EXIST")),
    security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let license = licenses::get(&state.ctx, &actor, id).await?;
    let users = licenses::users(&state.ctx, &actor, id).await?;
    Ok(Json(with_users(&license, &users)))
}

#[utoipa::path(delete, path = "/api/licenses/{id}/", tag = "Licenses", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted, with its seats"),
        (status = 404, description = "ERROR_LICENSE_DOES_NOT_EXIST")),
    security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    licenses::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks the license with the license server now and applies the answer.
#[utoipa::path(get, path = "/api/licenses/{id}/check/", tag = "Licenses", params(("id" = i64, Path)),
    responses((status = 200, description = "The license after the check, with `users`; `last_check` stays as it was when the server could not be reached"),
        (status = 404, description = "ERROR_LICENSE_DOES_NOT_EXIST, also when the license server revoked it")),
    security(("jwt" = [])))]
pub async fn check(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let license = check::check_one(&state.ctx, &actor, id).await?;
    let users = licenses::users(&state.ctx, &actor, id).await?;
    Ok(Json(with_users(&license, &users)))
}

#[utoipa::path(post, path = "/api/licenses/{id}/{user_id}/", tag = "Licenses",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 200, description = "The user given the seat: `{id, first_name, email}`"),
        (status = 400, description = "ERROR_USER_ALREADY_ON_LICENSE, ERROR_NO_SEATS_LEFT_IN_LICENSE, ERROR_CANT_MANUALLY_CHANGE_SEATS, ERROR_USER_NOT_FOUND")),
    security(("jwt" = [])))]
pub async fn add_user(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> Result<Json<Value>, ApiError> {
    let user = seats::assign(&state.ctx, &actor, id, user_id).await?;
    Ok(Json(user.to_json()))
}

#[utoipa::path(delete, path = "/api/licenses/{id}/{user_id}/", tag = "Licenses",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204, description = "The user no longer holds a seat")),
    security(("jwt" = [])))]
pub async fn remove_user(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    seats::remove(&state.ctx, &actor, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/licenses/{id}/fill-seats/", tag = "Licenses", params(("id" = i64, Path)),
    responses((status = 200, description = "The users given a seat: `[{id, first_name, email}]`")),
    security(("jwt" = [])))]
pub async fn fill_seats(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let added = seats::fill(&state.ctx, &actor, id).await?;
    Ok(Json(Value::Array(users_json(&added))))
}

#[utoipa::path(post, path = "/api/licenses/{id}/remove-all-users/", tag = "Licenses", params(("id" = i64, Path)),
    responses((status = 204, description = "Every seat is free")),
    security(("jwt" = [])))]
pub async fn remove_all_users(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    seats::remove_all(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A positive whole number from the query string, or `default` when absent.
fn positive(params: &[(String, String)], key: &str, default: i64) -> Result<i64, ApiError> {
    match param(params, key) {
        None => Ok(default),
        Some(v) => v.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::query_validation(Detail::field(
                key,
                "invalid",
                "A valid positive integer is required.",
            ))
        }),
    }
}

/// Users without a seat, to pick from: `search` matches name or email.
#[utoipa::path(get, path = "/api/licenses/{id}/lookup-users/", tag = "Licenses",
    params(("id" = i64, Path), ("search" = Option<String>, Query), ("page" = Option<i64>, Query), ("size" = Option<i64>, Query)),
    responses((status = 200, description = "`{count, next, previous, results: [{id, value, first_name, email}]}`")),
    security(("jwt" = [])))]
pub async fn lookup_users(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let search = param(&params, "search").unwrap_or_default();
    if search.contains('\0') {
        return Err(ApiError::query_validation(Detail::field(
            "search",
            "invalid",
            "Null characters are not allowed.",
        )));
    }
    let page = positive(&params, "page", 1)?;
    let size = positive(&params, "size", DEFAULT_PAGE_SIZE)?;
    if size > MAX_PAGE_SIZE {
        return Err(ApiError::new(
            crate::error::Code::PageSizeLimit,
            format!("The page size is limited to {MAX_PAGE_SIZE}."),
        ));
    }
    let (count, users) = seats::lookup(&state.ctx, &actor, id, search, page, size).await?;
    let link = |n: i64| {
        page_link(
            &state.ctx.settings.public_url,
            uri.path(),
            &params,
            n as usize,
        )
    };
    Ok(Json(json!({
        "count": count,
        "next": (page.saturating_mul(size) < count).then(|| link(page + 1)),
        "previous": (page > 1).then(|| link(page - 1)),
        "results": users.iter().map(|u| json!({
            "id": u.id,
            "value": format!("{} ({})", u.first_name, u.email),
            "first_name": u.first_name,
            "email": u.email,
        })).collect::<Vec<_>>(),
    })))
}
