//! Webhook use cases: list, create, get, update, delete, rotate the secret, test-call, and
//! queue a logged call for redelivery. Every one checks that the caller can reach the table.

use super::{
    Webhook, WebhookCall, WebhookError,
    call::{self, CallOutcome, CallRequest},
    event_types, header_pairs, payload, repo,
};
use crate::{
    context::AppContext,
    database::{access::TableScope, tables},
    platform::{
        auth::Actor,
        jobs::{self, LowJob},
        outbound,
        validation::{self, ValidationError},
    },
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use std::collections::HashMap;

/// Calls shown with a webhook (Baserow: 10).
pub const CALLS_SHOWN: i64 = 10;
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
/// Headers the delivery sets itself; a user header may not replace them.
const RESERVED_HEADERS: &[&str] = &[
    "content-length",
    "host",
    "idempotency-key",
    "x-baserow-event",
    "x-baserow-delivery",
    "x-tessera-signature",
];
const MAX_HEADERS: usize = 50;

/// Input of create and update; `None` keeps the current value (or the default on create).
#[derive(Debug, Default)]
pub struct WebhookInput {
    pub name: Option<String>,
    pub url: Option<String>,
    pub request_method: Option<String>,
    pub headers: Option<Value>,
    pub include_all_events: Option<bool>,
    pub events: Option<Vec<String>>,
    pub event_config: Option<Value>,
    pub use_user_field_names: Option<bool>,
    pub active: Option<bool>,
}

/// A webhook with its latest calls, as the API shows it.
pub struct WebhookView {
    pub webhook: Webhook,
    pub calls: Vec<WebhookCall>,
}

/// A new random signing secret (`whsec_` + 43 URL-safe characters, 256 random bits).
fn new_secret() -> String {
    let mut bytes = uuid::Uuid::new_v4().as_bytes().to_vec();
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    format!("whsec_{}", B64.encode(bytes))
}

async fn with_calls(
    db: &sqlx::PgPool,
    webhooks: Vec<Webhook>,
) -> Result<Vec<WebhookView>, WebhookError> {
    let ids: Vec<i64> = webhooks.iter().map(|w| w.id).collect();
    let mut calls: HashMap<i64, Vec<WebhookCall>> = HashMap::new();
    for call in repo::recent_calls(db, &ids, CALLS_SHOWN).await? {
        calls.entry(call.webhook_id).or_default().push(call);
    }
    Ok(webhooks
        .into_iter()
        .map(|webhook| WebhookView {
            calls: calls.remove(&webhook.id).unwrap_or_default(),
            webhook,
        })
        .collect())
}

async fn one_with_calls(ctx: &AppContext, webhook: Webhook) -> Result<WebhookView, WebhookError> {
    with_calls(&ctx.db, vec![webhook])
        .await?
        .pop()
        .ok_or(WebhookError::NotFound)
}

/// A webhook on a table the caller can reach. Someone who cannot reach the table gets
/// "does not exist", so ids of other workspaces' webhooks reveal nothing.
async fn accessible(
    conn: &mut PgConnection,
    actor: &Actor,
    webhook_id: i64,
) -> Result<(Webhook, TableScope), WebhookError> {
    let webhook = repo::get(&mut *conn, webhook_id)
        .await?
        .ok_or(WebhookError::NotFound)?;
    let (_, scope) = tables::accessible(conn, actor, webhook.table_id)
        .await
        .map_err(|_| WebhookError::NotFound)?;
    Ok((webhook, scope))
}

pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
) -> Result<Vec<WebhookView>, WebhookError> {
    let mut conn = ctx.db.acquire().await?;
    tables::accessible(&mut conn, actor, table_id).await?;
    let webhooks = repo::list(&mut *conn, table_id).await?;
    drop(conn);
    with_calls(&ctx.db, webhooks).await
}

pub async fn get(
    ctx: &AppContext,
    actor: &Actor,
    webhook_id: i64,
) -> Result<WebhookView, WebhookError> {
    let mut conn = ctx.db.acquire().await?;
    let (webhook, _) = accessible(&mut conn, actor, webhook_id).await?;
    drop(conn);
    one_with_calls(ctx, webhook).await
}

/// Creates a webhook; its signing secret is returned only here and on rotation.
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    input: WebhookInput,
) -> Result<(WebhookView, String), WebhookError> {
    let mut tx = ctx.db.begin().await?;
    tables::accessible(&mut tx, actor, table_id).await?;
    let valid = validate(ctx, &mut tx, table_id, &input, None).await?;
    // The table row's lock orders concurrent creations, so the limit holds under races.
    tables::repo::lock(&mut *tx, table_id).await?;
    let max = ctx.settings.webhooks.max_per_table;
    if repo::count(&mut *tx, table_id).await? >= max as i64 {
        return Err(WebhookError::MaxLimitExceeded(max));
    }
    let secret = new_secret();
    let webhook = repo::insert(&mut tx, table_id, &valid.values(), &secret).await?;
    tx.commit().await?;
    Ok((one_with_calls(ctx, webhook).await?, secret))
}

pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    webhook_id: i64,
    input: WebhookInput,
) -> Result<WebhookView, WebhookError> {
    let mut tx = ctx.db.begin().await?;
    let (current, _) = accessible(&mut tx, actor, webhook_id).await?;
    let valid = validate(ctx, &mut tx, current.table_id, &input, Some(&current)).await?;
    let active = input.active.unwrap_or(current.active);
    let webhook = repo::update(&mut tx, webhook_id, &valid.values(), active).await?;
    tx.commit().await?;
    one_with_calls(ctx, webhook).await
}

pub async fn delete(ctx: &AppContext, actor: &Actor, webhook_id: i64) -> Result<(), WebhookError> {
    let mut tx = ctx.db.begin().await?;
    accessible(&mut tx, actor, webhook_id).await?;
    repo::delete(&mut *tx, webhook_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the signing secret; calls from now on are signed with the new one.
pub async fn rotate_secret(
    ctx: &AppContext,
    actor: &Actor,
    webhook_id: i64,
) -> Result<(WebhookView, String), WebhookError> {
    let mut tx = ctx.db.begin().await?;
    let (webhook, _) = accessible(&mut tx, actor, webhook_id).await?;
    let secret = new_secret();
    repo::set_secret(&mut *tx, webhook_id, &secret).await?;
    tx.commit().await?;
    Ok((one_with_calls(ctx, webhook).await?, secret))
}

/// Queues a logged call to be sent again by the export worker.
pub async fn redeliver(ctx: &AppContext, actor: &Actor, call_id: i64) -> Result<(), WebhookError> {
    let mut tx = ctx.db.begin().await?;
    let (webhook_id, ..) = repo::call_for_redelivery(&mut *tx, call_id)
        .await?
        .ok_or(WebhookError::CallNotFound)?;
    accessible(&mut tx, actor, webhook_id)
        .await
        .map_err(|_| WebhookError::CallNotFound)?;
    jobs::enqueue_low(&mut tx, &LowJob::RedeliverWebhookCall { call_id }).await?;
    tx.commit().await?;
    Ok(())
}

/// Input of a test call: where to send an example event.
pub struct TestCallInput {
    pub url: String,
    pub event_type: String,
    pub request_method: Option<String>,
    pub headers: Option<Value>,
    pub use_user_field_names: Option<bool>,
}

/// Sends an example event right away (not queued: the user waits for the answer) and
/// returns what was sent and received. Nothing is logged.
pub async fn test_call(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    input: TestCallInput,
) -> Result<CallOutcome, WebhookError> {
    let mut conn = ctx.db.acquire().await?;
    let (_, scope) = tables::accessible(&mut conn, actor, table_id).await?;
    // Each test call makes the server call out at once: a few a minute per user.
    let per_minute = crate::platform::throttle::Limit::per(10, std::time::Duration::from_secs(60));
    crate::platform::throttle::hit(ctx, "webhook-test", &actor.id().to_string(), per_minute)
        .await?;
    let probe = WebhookInput {
        name: Some("test".into()),
        url: Some(input.url),
        request_method: input.request_method,
        headers: input.headers,
        events: Some(vec![input.event_type.clone()]),
        ..Default::default()
    };
    let valid = validate(ctx, &mut conn, table_id, &probe, None).await?;
    let kind = event_types::by_name(&input.event_type).ok_or_else(|| {
        ValidationError::single("event_type", "invalid_choice", "Unknown event type.")
    })?;
    let fields: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM database_fields WHERE table_id = $1 AND NOT trashed ORDER BY id",
    )
    .bind(table_id)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut row = Map::new();
    row.insert("id".into(), json!(0));
    row.insert("order".into(), json!("1.00000000000000000000"));
    for (id, _) in &fields {
        row.insert(format!("field_{id}"), Value::Null);
    }
    let example = event_types::example(kind, table_id, Value::Object(row));
    let names: HashMap<String, String> = fields
        .into_iter()
        .map(|(id, name)| (format!("field_{id}"), name))
        .collect();
    let event_id = uuid::Uuid::new_v4();
    let bodies = payload::bodies(
        kind,
        &example,
        &scope,
        0,
        event_id,
        input.use_user_field_names.unwrap_or(true),
        &names,
    );
    let body = bodies.first().map(|b| b.json.as_str()).unwrap_or("{}");
    let headers = header_pairs(&valid.headers);
    Ok(call::perform(
        &ctx.outbound,
        &CallRequest {
            url: &valid.url,
            method: &valid.request_method,
            user_headers: &headers,
            event_type: kind.name,
            event_id,
            idempotency_key: event_id.to_string(),
            secret: None,
            body,
        },
    )
    .await)
}

/// Checked, complete values.
struct Valid {
    name: String,
    url: String,
    request_method: String,
    headers: Value,
    include_all_events: bool,
    events: Vec<String>,
    event_config: Value,
    use_user_field_names: bool,
}

impl Valid {
    fn values(&self) -> repo::WebhookValues<'_> {
        repo::WebhookValues {
            name: &self.name,
            url: &self.url,
            request_method: &self.request_method,
            headers: &self.headers,
            include_all_events: self.include_all_events,
            events: &self.events,
            event_config: &self.event_config,
            use_user_field_names: self.use_user_field_names,
        }
    }
}

async fn validate(
    ctx: &AppContext,
    conn: &mut PgConnection,
    table_id: i64,
    input: &WebhookInput,
    current: Option<&Webhook>,
) -> Result<Valid, WebhookError> {
    let mut errors = ValidationError::default();
    let name = match (&input.name, current) {
        (Some(name), _) => validation::text(&mut errors, "name", name, 1, 255),
        (None, Some(c)) => c.name.clone(),
        (None, None) => {
            errors.add("name", "required", "This field is required.");
            String::new()
        }
    };
    let url = match (&input.url, current) {
        (Some(url), _) => check_url(ctx, &mut errors, url).await,
        (None, Some(c)) => c.url.clone(),
        (None, None) => {
            errors.add("url", "required", "This field is required.");
            String::new()
        }
    };
    let request_method = match (&input.request_method, current) {
        (Some(m), _) if METHODS.contains(&m.as_str()) => m.clone(),
        (Some(m), _) => {
            errors.add(
                "request_method",
                "invalid_choice",
                format!("\"{}\" is not a valid choice.", m.replace('\0', "")),
            );
            String::new()
        }
        (None, Some(c)) => c.request_method.clone(),
        (None, None) => "POST".into(),
    };
    let headers = match (&input.headers, current) {
        (Some(h), _) => {
            check_headers(&mut errors, h);
            h.clone()
        }
        (None, Some(c)) => c.headers.0.clone(),
        (None, None) => json!({}),
    };
    let events = match (&input.events, current) {
        (Some(events), _) => {
            for e in events {
                if event_types::by_name(e).is_none() {
                    errors.add(
                        "events",
                        "invalid_choice",
                        format!("\"{}\" is not a valid choice.", e.replace('\0', "")),
                    );
                }
            }
            let mut unique: Vec<String> = Vec::new();
            for e in events {
                if !unique.contains(e) {
                    unique.push(e.clone());
                }
            }
            unique
        }
        (None, Some(c)) => c.events.clone(),
        (None, None) => Vec::new(),
    };
    let event_config = match (&input.event_config, current) {
        (Some(config), _) => {
            check_event_config(conn, &mut errors, table_id, config).await?;
            config.clone()
        }
        (None, Some(c)) => c.event_config.0.clone(),
        (None, None) => json!([]),
    };
    errors.into_result()?;
    Ok(Valid {
        name,
        url,
        request_method,
        headers,
        include_all_events: input
            .include_all_events
            .or(current.map(|c| c.include_all_events))
            .unwrap_or(true),
        events,
        event_config,
        use_user_field_names: input
            .use_user_field_names
            .or(current.map(|c| c.use_user_field_names))
            .unwrap_or(true),
    })
}

/// An absolute http(s) URL of at most 2,000 characters that, unless private addresses are
/// allowed, resolves only to public addresses.
async fn check_url(ctx: &AppContext, errors: &mut ValidationError, url: &str) -> String {
    let url = url.trim();
    if url.contains('\0') || url.chars().count() > 2000 {
        errors.add(
            "url",
            "invalid",
            "Enter a valid URL of at most 2000 characters.",
        );
        return url.to_owned();
    }
    let parsed = match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => u,
        _ => {
            errors.add("url", "invalid", "Enter a valid URL.");
            return url.to_owned();
        }
    };
    match outbound::check_url(ctx.outbound.policy(), &parsed).await {
        Ok(()) => {}
        // Whoever meets this refusal needs to know it is the server's rule, and which
        // setting lifts it.
        Err(outbound::OutboundError::Forbidden(host)) => errors.add(
            "url",
            "invalid_url",
            format!(
                "{host} is a private or local network address, and this server does not let \
                 webhooks call those. A server administrator can allow it by listing it in \
                 TESSERA_OUTBOUND_ALLOWED_ADDRESSES, or allow every private address with \
                 TESSERA_ALLOW_PRIVATE_ADDRESSES=1."
            ),
        ),
        Err(e) => errors.add("url", "invalid_url", format!("Invalid URL: {e}")),
    }
    url.to_owned()
}

fn check_headers(errors: &mut ValidationError, headers: &Value) {
    let Some(map) = headers.as_object() else {
        errors.add(
            "headers",
            "invalid",
            "Headers must be an object of names and values.",
        );
        return;
    };
    if map.len() > MAX_HEADERS {
        errors.add(
            "headers",
            "max_length",
            format!("At most {MAX_HEADERS} headers."),
        );
    }
    for (name, value) in map {
        let valid_name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok();
        let valid_value = value.as_str().is_some_and(|v| {
            reqwest::header::HeaderValue::from_str(v).is_ok() && !v.contains('\0')
        });
        if !valid_name || !valid_value {
            errors.add(
                "headers",
                "invalid",
                format!("\"{}\" is not a valid header.", name.replace('\0', "")),
            );
        } else if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            errors.add(
                "headers",
                "invalid",
                format!("The header \"{name}\" is set by Tessera."),
            );
        }
    }
}

/// `[{"event_type": name, "fields": [ids of this table], "views": [ids]}]`.
async fn check_event_config(
    conn: &mut PgConnection,
    errors: &mut ValidationError,
    table_id: i64,
    config: &Value,
) -> Result<(), WebhookError> {
    let Some(entries) = config.as_array() else {
        errors.add("event_config", "invalid", "Expected a list.");
        return Ok(());
    };
    for entry in entries {
        let kind = entry.get("event_type").and_then(Value::as_str);
        if kind.and_then(event_types::by_name).is_none() {
            errors.add("event_config", "invalid_choice", "Unknown event_type.");
            continue;
        }
        let fields = match entry.get("fields") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ids)) if ids.iter().all(Value::is_i64) => {
                ids.iter().filter_map(Value::as_i64).collect()
            }
            Some(_) => {
                errors.add(
                    "event_config",
                    "invalid",
                    "fields must be a list of field ids.",
                );
                continue;
            }
        };
        let found: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM database_fields WHERE table_id = $1 AND id = ANY($2) AND NOT trashed",
        )
        .bind(table_id)
        .bind(&fields)
        .fetch_one(&mut *conn)
        .await?;
        if found != fields.len() as i64 {
            errors.add(
                "event_config",
                "field_not_in_table",
                "Every field of event_config must belong to the webhook's table.",
            );
        }
    }
    Ok(())
}

/// The fields a webhook limits `rows.updated` to; empty means every field.
pub fn updated_fields_filter(config: &Value) -> Vec<i64> {
    config
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e.get("event_type").and_then(Value::as_str) == Some("rows.updated"))
        .flat_map(|e| {
            e.get("fields")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|v| v.as_i64())
        .collect()
}

/// Whether an outcome shows the target could not be reached at all.
pub fn is_unreachable(outcome: &CallOutcome) -> bool {
    outcome.status.is_none()
}
