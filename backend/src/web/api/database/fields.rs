//! `/api/database/fields/…`.

use super::{param, rows::params, truthy};
use crate::{
    database::{
        computed,
        fields::{self, field_json},
    },
    error::{ApiError, Detail},
    web::{
        extract::{ApiJson, ApiPath, Auth, AuthOrToken},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

pub(crate) fn object(body: Value) -> Result<Map<String, Value>, ApiError> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::validation(Detail::Message(
            "The body must be a JSON object.".into(),
        ))),
    }
}

#[utoipa::path(get, path = "/api/database/fields/table/{table_id}/", tag = "Database fields",
    params(("table_id" = i64, Path)), responses((status = 200, description = "Fields, primary first")), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let (list, scope) = fields::list(&state.ctx, &actor, id).await?;
    Ok(Json(list.iter().map(|f| field_json(f, &scope)).collect()))
}

/// Body: `{name, type, description?, db_index?, field_constraints?, …type properties}`;
/// the response adds `related_fields`.
#[utoipa::path(post, path = "/api/database/fields/table/{table_id}/", tag = "Database fields", request_body = Object,
    params(("table_id" = i64, Path)), responses((status = 200, description = "The field with `related_fields`"),
        (status = 400, description = "ERROR_INVALID_FIELD_CONSTRAINT, ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE, ERROR_DB_INDEX_NOT_SUPPORTED, ERROR_REQUEST_BODY_VALIDATION")),
    security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let change = fields::create(&state.ctx, &actor, id, &object(body)?).await?;
    Ok(Json(with_related(change)))
}

/// The field as the API shows it, with the fields changed with it in other tables.
fn with_related(change: fields::FieldChange) -> Value {
    let mut field = field_json(&change.field, &change.scope);
    if let Some(map) = field.as_object_mut() {
        map.insert("related_fields".into(), Value::Array(change.related_fields));
    }
    field
}

#[utoipa::path(get, path = "/api/database/fields/{field_id}/", tag = "Database fields",
    params(("field_id" = i64, Path)), responses((status = 200, description = "The field")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let (field, scope) = fields::get(&state.ctx, &actor, id).await?;
    Ok(Json(field_json(&field, &scope)))
}

/// A new `type` converts every value; what does not fit becomes empty. `db_index` and
/// `field_constraints` left out stay as they are (and must suit a new type).
#[utoipa::path(patch, path = "/api/database/fields/{field_id}/", tag = "Database fields", request_body = Object,
    params(("field_id" = i64, Path)), responses((status = 200, description = "The field with `related_fields`"),
        (status = 400, description = "ERROR_FIELD_CONSTRAINT (the values already repeat), ERROR_INVALID_FIELD_CONSTRAINT, ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE, ERROR_DB_INDEX_NOT_SUPPORTED, ERROR_REQUEST_BODY_VALIDATION")),
    security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let change = fields::update(&state.ctx, &actor, id, &object(body)?).await?;
    Ok(Json(with_related(change)))
}

#[utoipa::path(delete, path = "/api/database/fields/{field_id}/", tag = "Database fields",
    params(("field_id" = i64, Path)), responses((status = 200, description = "`{related_fields}`")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let related_fields = fields::delete(&state.ctx, &actor, id).await?;
    Ok(Json(json!({ "related_fields": related_fields })))
}

/// Body: `{formula, name?}`; answers the formula's type properties (`formula_type`,
/// `error`, `number_decimal_places`, ...) as the field would have them, without saving.
#[utoipa::path(post, path = "/api/database/formula/{table_id}/type/", tag = "Database fields", request_body = Object,
    params(("table_id" = i64, Path)), responses((status = 200, description = "The formula's type properties"),
    (status = 400, description = "ERROR_WITH_FORMULA")), security(("jwt" = [])))]
pub async fn formula_type(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let body = object(body)?;
    let Some(Value::String(formula)) = body.get("formula") else {
        return Err(ApiError::validation(Detail::Message(
            "formula: a text is required.".into(),
        )));
    };
    let name = body.get("name").and_then(Value::as_str);
    let typed = computed::type_for(&state.ctx, &actor, id, formula, name).await?;
    Ok(Json(typed))
}

/// Up to `limit` (at most 100) distinct texts of the field's cells, the most frequent
/// first; `split_comma_separated` splits them at commas first, `search` keeps those
/// containing it.
#[utoipa::path(get, path = "/api/database/fields/{field_id}/unique_row_values/", tag = "Database fields",
    params(("field_id" = i64, Path), ("limit" = Option<i64>, Query), ("split_comma_separated" = Option<bool>, Query),
        ("search" = Option<String>, Query)),
    responses((status = 200, description = "`{values: [text]}`"),
        (status = 400, description = "ERROR_INCOMPATIBLE_FIELD_TYPE_FOR_UNIQUE_VALUES, ERROR_QUERY_PARAMETER_VALIDATION")),
    security(("jwt" = [])))]
pub async fn unique_row_values(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let limit = match param(&params, "limit") {
        None | Some("") => None,
        Some(v) => Some(v.parse::<i64>().map_err(|_| {
            ApiError::query_validation(Detail::field(
                "limit",
                "invalid",
                "A valid integer is required.",
            ))
        })?),
    };
    let search = param(&params, "search");
    if search.is_some_and(|s| s.contains('\0')) {
        return Err(ApiError::query_validation(Detail::field(
            "search",
            "invalid",
            "Null characters are not allowed.",
        )));
    }
    let split = truthy(param(&params, "split_comma_separated"));
    let values = fields::unique_values(&state.ctx, &actor, id, limit, split, search).await?;
    Ok(Json(json!({ "values": values })))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordCheckBody {
    /// The `password` field, which must have `allow_endpoint_authentication`.
    field_id: i64,
    row_id: i64,
    password: String,
}

/// Whether `password` is the one stored in the row's cell: `{"is_correct": true}`, or
/// 401 when it is not. Database tokens need the read right on the table.
#[utoipa::path(post, path = "/api/database/fields/password-authentication/", tag = "Database fields",
    request_body = PasswordCheckBody,
    responses((status = 200, description = "`{is_correct: true}`"),
        (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION"),
        (status = 401, description = "ERROR_INVALID_PASSWORD_FIELD_PASSWORD, ERROR_NO_PERMISSION_TO_TABLE"),
        (status = 404, description = "ERROR_FIELD_DOES_NOT_EXIST, ERROR_ROW_DOES_NOT_EXIST"),
        (status = 429, description = "ERROR_RATE_LIMIT_EXCEEDED")),
    security(("jwt" = [])))]
pub async fn password_authentication(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiJson(body): ApiJson<PasswordCheckBody>,
) -> Result<Json<Value>, ApiError> {
    fields::authenticate_password(
        &state.ctx,
        &actor,
        body.field_id,
        body.row_id,
        &body.password,
    )
    .await?;
    Ok(Json(json!({ "is_correct": true })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct DuplicateBody {
    /// Copy the values too (default `false`: the copy starts empty).
    #[serde(default)]
    duplicate_data: bool,
}

/// Queues a copy of the field (`<name> 2`, same settings, never primary); poll the job.
#[utoipa::path(post, path = "/api/database/fields/{field_id}/duplicate/async/", tag = "Database fields",
    request_body = DuplicateBody, params(("field_id" = i64, Path)),
    responses((status = 202, description = "A `duplicate_field` job whose result holds `duplicated_field`")), security(("jwt" = [])))]
pub async fn duplicate(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DuplicateBody>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let job = fields::duplicate::start(&state.ctx, &actor, id, body.duplicate_data).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(job.to_json())))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ChangePrimaryBody {
    new_primary_field_id: i64,
}

/// Makes another field of the table its primary field; `related_fields` holds the old one.
#[utoipa::path(post, path = "/api/database/fields/table/{table_id}/change-primary-field/", tag = "Database fields",
    request_body = ChangePrimaryBody, params(("table_id" = i64, Path)),
    responses((status = 200, description = "The new primary field with `related_fields` [the old primary]"),
        (status = 400, description = "ERROR_FIELD_IS_ALREADY_PRIMARY, ERROR_FIELD_NOT_IN_TABLE, ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE, ERROR_TABLE_HAS_NO_PRIMARY_FIELD")),
    security(("jwt" = [])))]
pub async fn change_primary(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ChangePrimaryBody>,
) -> Result<Json<Value>, ApiError> {
    let change = fields::primary::change(&state.ctx, &actor, id, body.new_primary_field_id).await?;
    Ok(Json(with_related(change)))
}
