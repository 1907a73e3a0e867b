//! `/api/database/tokens/…`: database tokens, and the token-only `check` and `all-tables`.

use crate::{
    database::{
        tables,
        tokens::{self, Token, TokenUpdate},
    },
    error::{ApiError, Code},
    web::{
        extract::{ApiJson, ApiPath, Auth, AuthOrToken, token_rejection},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// The token as the API shows it; `key` only right after creation or rotation.
fn token_json(token: &Token, key: Option<String>) -> Value {
    let mut body = json!({
        "id": token.id,
        "name": token.name,
        "workspace": token.workspace_id,
        "permissions": token.permissions.to_json(),
        "key_prefix": token.key_prefix,
        "expires_at": token.expires_at,
        "created_on": token.created_on,
    });
    if let (Some(key), Some(map)) = (key, body.as_object_mut()) {
        map.insert("key".into(), Value::String(key));
    }
    body
}

#[utoipa::path(get, path = "/api/database/tokens/", tag = "Database tokens",
    responses((status = 200, description = "The caller's tokens (without keys)")), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Vec<Value>>, ApiError> {
    Ok(Json(
        tokens::list(&state.ctx, &actor)
            .await?
            .iter()
            .map(|t| token_json(t, None))
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateBody {
    name: String,
    workspace: i64,
    expires_at: Option<DateTime<Utc>>,
}

/// The key is in this response only; it is stored hashed.
#[utoipa::path(post, path = "/api/database/tokens/", tag = "Database tokens", request_body = CreateBody,
    responses((status = 200, description = "The token with its `key`")), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<Json<Value>, ApiError> {
    let (token, key) =
        tokens::create(&state.ctx, &actor, &b.name, b.workspace, b.expires_at, None).await?;
    Ok(Json(token_json(&token, Some(key))))
}

#[utoipa::path(get, path = "/api/database/tokens/{token_id}/", tag = "Database tokens",
    params(("token_id" = i64, Path)), responses((status = 200, description = "The token")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(token_json(
        &tokens::get(&state.ctx, &actor, id).await?,
        None,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateBody {
    name: Option<String>,
    #[schema(value_type = Option<Object>)]
    permissions: Option<Value>,
    /// Absent keeps the expiry, `null` removes it, a time sets it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    expires_at: Option<Option<DateTime<Utc>>>,
    #[serde(default)]
    rotate_key: bool,
}

/// A field that is present, `null` included: `Some(value)`; absent fields get `None` from
/// `#[serde(default)]`.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[utoipa::path(patch, path = "/api/database/tokens/{token_id}/", tag = "Database tokens", request_body = UpdateBody,
    params(("token_id" = i64, Path)), responses((status = 200, description = "The token; with `key` when rotated")), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateBody>,
) -> Result<Json<Value>, ApiError> {
    let update = TokenUpdate {
        name: b.name,
        permissions: b.permissions,
        expires_at: b.expires_at,
        rotate_key: b.rotate_key,
    };
    let (token, key) = tokens::update(&state.ctx, &actor, id, update).await?;
    Ok(Json(token_json(&token, key)))
}

#[utoipa::path(delete, path = "/api/database/tokens/{token_id}/", tag = "Database tokens",
    params(("token_id" = i64, Path)), responses((status = 204, description = "Deleted; the key stops working")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    tokens::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Token only: whether the key works. Failures are 403 here, as in Baserow.
#[utoipa::path(get, path = "/api/database/tokens/check/", tag = "Database tokens",
    responses((status = 200, description = "`{\"token\": \"OK\"}`"), (status = 403, description = "The key does not work")))]
pub async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Token"))
        .map(|(_, key)| key.trim().to_owned());
    let Some(key) = key else {
        return Err(forbidden(ApiError::new(
            Code::TokenAuthFailed,
            "Authentication credentials were not provided.",
        )));
    };
    tokens::authenticate(&state.ctx, &key)
        .await
        .map_err(|r| forbidden(token_rejection(r)))?;
    Ok(Json(json!({ "token": "OK" })))
}

/// `tokens/check/` answers 403 where other endpoints answer 401.
fn forbidden(mut error: ApiError) -> ApiError {
    if error.code == Code::TokenAuthFailed {
        error.code = Code::TokenCheckFailed;
    }
    error
}

/// Token only: every table the token can read, create, update or delete rows of.
#[utoipa::path(get, path = "/api/database/tables/all-tables/", tag = "Database tables",
    responses((status = 200, description = "`[{id, name, order, database_id}]`")))]
pub async fn all_tables(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
) -> Result<Json<Vec<Value>>, ApiError> {
    let Some(grant) = tokens::grant_of(&actor) else {
        return Err(ApiError::new(
            Code::NotAuthenticated,
            "Authentication credentials were not provided.",
        ));
    };
    let list = tables::reachable_by_token(&state.ctx, &actor, grant).await?;
    Ok(Json(list.iter().map(|t| t.to_json()).collect()))
}
