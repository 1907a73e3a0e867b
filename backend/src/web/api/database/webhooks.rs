//! `/api/database/webhooks/…`: webhooks of a table, their call log, test calls and
//! redelivery. JWT only, as in Baserow.

use crate::{
    database::webhooks::{
        self, TestCallInput, WebhookCall, WebhookInput, WebhookView, is_unreachable,
    },
    error::ApiError,
    web::{
        extract::{ApiJson, ApiPath, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

fn call_json(call: &WebhookCall) -> Value {
    json!({
        "id": call.id,
        "event_id": call.event_id,
        "event_type": call.event_type,
        "called_time": call.called_time,
        "called_url": call.called_url,
        "request": call.request,
        "response": call.response,
        "response_status": call.response_status,
        "error": call.error,
    })
}

/// Baserow's webhook object; `secret` only right after creation or rotation.
fn webhook_json(view: &WebhookView, secret: Option<String>) -> Value {
    let w = &view.webhook;
    let mut body = json!({
        "id": w.id,
        "table_id": w.table_id,
        "name": w.name,
        "url": w.url,
        "request_method": w.request_method,
        "headers": w.headers.0,
        "include_all_events": w.include_all_events,
        "events": w.events,
        "event_config": w.event_config.0,
        "use_user_field_names": w.use_user_field_names,
        "active": w.active,
        "failed_triggers": w.failed_triggers,
        "calls": view.calls.iter().map(call_json).collect::<Vec<_>>(),
        "created_on": w.created_on,
        "updated_on": w.updated_on,
    });
    if let (Some(secret), Some(map)) = (secret, body.as_object_mut()) {
        map.insert("secret".into(), Value::String(secret));
    }
    body
}

/// Create and update body; on update every key is optional.
#[derive(Deserialize, ToSchema)]
pub struct WebhookBody {
    name: Option<String>,
    url: Option<String>,
    /// `POST` (default), `GET`, `PUT`, `PATCH` or `DELETE`.
    request_method: Option<String>,
    /// Extra headers, `{"Name": "value"}`.
    #[schema(value_type = Option<Object>)]
    headers: Option<Value>,
    include_all_events: Option<bool>,
    /// Event types when `include_all_events` is false, e.g. `rows.created`.
    events: Option<Vec<String>>,
    /// `[{"event_type": "rows.updated", "fields": [ids]}]`: limits `rows.updated` to fields.
    #[schema(value_type = Option<Vec<Object>>)]
    event_config: Option<Value>,
    use_user_field_names: Option<bool>,
    /// Update only: turn the webhook off or back on.
    active: Option<bool>,
}

impl From<WebhookBody> for WebhookInput {
    fn from(b: WebhookBody) -> Self {
        WebhookInput {
            name: b.name,
            url: b.url,
            request_method: b.request_method,
            headers: b.headers,
            include_all_events: b.include_all_events,
            events: b.events,
            event_config: b.event_config,
            use_user_field_names: b.use_user_field_names,
            active: b.active,
        }
    }
}

#[utoipa::path(get, path = "/api/database/webhooks/table/{table_id}/", tag = "Database webhooks",
    params(("table_id" = i64, Path)), responses((status = 200, description = "The table's webhooks with their latest calls")), security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(table_id): ApiPath<i64>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let views = webhooks::list(&state.ctx, &actor, table_id).await?;
    Ok(Json(views.iter().map(|v| webhook_json(v, None)).collect()))
}

/// The response holds the signing `secret`, shown only here and on rotation.
#[utoipa::path(post, path = "/api/database/webhooks/table/{table_id}/", tag = "Database webhooks",
    params(("table_id" = i64, Path)), request_body = WebhookBody,
    responses((status = 200, description = "The webhook with its `secret`")), security(("jwt" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(table_id): ApiPath<i64>,
    ApiJson(body): ApiJson<WebhookBody>,
) -> Result<Json<Value>, ApiError> {
    let (view, secret) = webhooks::create(&state.ctx, &actor, table_id, body.into()).await?;
    Ok(Json(webhook_json(&view, Some(secret))))
}

#[utoipa::path(get, path = "/api/database/webhooks/{webhook_id}/", tag = "Database webhooks",
    params(("webhook_id" = i64, Path)), responses((status = 200, description = "The webhook")), security(("jwt" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let view = webhooks::get(&state.ctx, &actor, id).await?;
    Ok(Json(webhook_json(&view, None)))
}

#[utoipa::path(patch, path = "/api/database/webhooks/{webhook_id}/", tag = "Database webhooks",
    params(("webhook_id" = i64, Path)), request_body = WebhookBody,
    responses((status = 200, description = "The webhook")), security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WebhookBody>,
) -> Result<Json<Value>, ApiError> {
    let view = webhooks::update(&state.ctx, &actor, id, body.into()).await?;
    Ok(Json(webhook_json(&view, None)))
}

#[utoipa::path(delete, path = "/api/database/webhooks/{webhook_id}/", tag = "Database webhooks",
    params(("webhook_id" = i64, Path)), responses((status = 204, description = "Deleted")), security(("jwt" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    webhooks::delete(&state.ctx, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the signing secret; the new one is in this response only.
#[utoipa::path(post, path = "/api/database/webhooks/{webhook_id}/rotate-secret/", tag = "Database webhooks",
    params(("webhook_id" = i64, Path)), responses((status = 200, description = "The webhook with its new `secret`")), security(("jwt" = [])))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let (view, secret) = webhooks::rotate_secret(&state.ctx, &actor, id).await?;
    Ok(Json(webhook_json(&view, Some(secret))))
}

/// Queues a logged call to be sent again (same body and event id, fresh signature).
#[utoipa::path(post, path = "/api/database/webhooks/calls/{call_id}/redeliver/", tag = "Database webhooks",
    params(("call_id" = i64, Path)), responses((status = 202, description = "Queued; the new call appears in the log")), security(("jwt" = [])))]
pub async fn redeliver(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(call_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    webhooks::redeliver(&state.ctx, &actor, call_id).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
pub struct TestCallBody {
    url: String,
    event_type: String,
    request_method: Option<String>,
    #[schema(value_type = Option<Object>)]
    headers: Option<Value>,
    use_user_field_names: Option<bool>,
}

/// Sends an example event now and shows the raw request and response.
#[utoipa::path(post, path = "/api/database/webhooks/table/{table_id}/test-call/", tag = "Database webhooks",
    params(("table_id" = i64, Path)), request_body = TestCallBody,
    responses((status = 200, description = "`{request, response, status_code, is_unreachable}`")), security(("jwt" = [])))]
pub async fn test_call(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(table_id): ApiPath<i64>,
    ApiJson(b): ApiJson<TestCallBody>,
) -> Result<Json<Value>, ApiError> {
    let input = TestCallInput {
        url: b.url,
        event_type: b.event_type,
        request_method: b.request_method,
        headers: b.headers,
        use_user_field_names: b.use_user_field_names,
    };
    let outcome = webhooks::test_call(&state.ctx, &actor, table_id, input).await?;
    Ok(Json(json!({
        "request": outcome.request,
        "response": outcome.response.clone().or(outcome.error.clone()),
        "status_code": outcome.status,
        "is_unreachable": is_unreachable(&outcome),
    })))
}
