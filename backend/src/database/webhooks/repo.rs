//! SQL for webhooks and their call log.

use super::{Webhook, WebhookCall, call::CallOutcome};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};

const COLUMNS: &str = "id, table_id, name, url, request_method, headers, include_all_events, \
    events, event_config, use_user_field_names, active, failed_triggers, created_on, updated_on";

/// The settable part of a webhook.
pub struct WebhookValues<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub request_method: &'a str,
    pub headers: &'a Value,
    pub include_all_events: bool,
    pub events: &'a [String],
    pub event_config: &'a Value,
    pub use_user_field_names: bool,
}

/// Inserts a webhook that starts after the table's current last event.
pub async fn insert(
    conn: &mut PgConnection,
    table_id: i64,
    values: &WebhookValues<'_>,
    secret: &str,
) -> sqlx::Result<Webhook> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_webhooks (table_id, name, url, request_method, headers, \
         include_all_events, events, event_config, use_user_field_names, secret, delivered_seq) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, event_seq FROM database_tables WHERE id = $1 \
         RETURNING {COLUMNS}"
    )))
    .bind(table_id)
    .bind(values.name)
    .bind(values.url)
    .bind(values.request_method)
    .bind(sqlx::types::Json(values.headers))
    .bind(values.include_all_events)
    .bind(values.events)
    .bind(sqlx::types::Json(values.event_config))
    .bind(values.use_user_field_names)
    .bind(secret)
    .fetch_one(conn)
    .await
}

/// Saves new values. Turning a webhook back on starts it after the table's current last
/// event, with a clean failure count: changes made while it was off are not sent.
pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    values: &WebhookValues<'_>,
    active: bool,
) -> sqlx::Result<Webhook> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE database_webhooks w SET name = $2, url = $3, request_method = $4, headers = $5, \
         include_all_events = $6, events = $7, event_config = $8, use_user_field_names = $9, \
         active = $10, updated_on = now(), \
         delivered_seq = CASE WHEN $10 AND NOT w.active THEN t.event_seq ELSE w.delivered_seq END, \
         failed_triggers = CASE WHEN $10 AND NOT w.active THEN 0 ELSE w.failed_triggers END, \
         attempts = CASE WHEN $10 AND NOT w.active THEN 0 ELSE w.attempts END, \
         retry_at = CASE WHEN $10 AND NOT w.active THEN NULL ELSE w.retry_at END \
         FROM database_tables t WHERE w.id = $1 AND t.id = w.table_id RETURNING {}",
        COLUMNS
            .split(", ")
            .map(|c| format!("w.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
    .bind(id)
    .bind(values.name)
    .bind(values.url)
    .bind(values.request_method)
    .bind(sqlx::types::Json(values.headers))
    .bind(values.include_all_events)
    .bind(values.events)
    .bind(sqlx::types::Json(values.event_config))
    .bind(values.use_user_field_names)
    .bind(active)
    .fetch_one(conn)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Webhook>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_webhooks WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>, table_id: i64) -> sqlx::Result<Vec<Webhook>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_webhooks WHERE table_id = $1 ORDER BY id"
    )))
    .bind(table_id)
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, table_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM database_webhooks WHERE table_id = $1")
        .bind(table_id)
        .fetch_one(db)
        .await
}

pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM database_webhooks WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_secret(db: impl PgExecutor<'_>, id: i64, secret: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_webhooks SET secret = $2, updated_on = now() WHERE id = $1")
        .bind(id)
        .bind(secret)
        .execute(db)
        .await
        .map(|_| ())
}

/// Ids of the table's active webhooks: the ones a new event wakes.
pub async fn active_ids(db: impl PgExecutor<'_>, table_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM database_webhooks WHERE table_id = $1 AND active")
        .bind(table_id)
        .fetch_all(db)
        .await
}

/// The latest `limit` calls of each of the given webhooks, newest first.
pub async fn recent_calls(
    db: impl PgExecutor<'_>,
    webhook_ids: &[i64],
    limit: i64,
) -> sqlx::Result<Vec<WebhookCall>> {
    sqlx::query_as(
        "SELECT c.id, c.webhook_id, c.event_id, c.event_type, c.called_time, c.called_url, \
         c.request, c.response, c.response_status, c.error \
         FROM unnest($1::bigint[]) AS w(id) CROSS JOIN LATERAL ( \
           SELECT * FROM database_webhook_calls WHERE webhook_id = w.id ORDER BY id DESC LIMIT $2 \
         ) c ORDER BY c.webhook_id, c.id DESC",
    )
    .bind(webhook_ids)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// A logged call as needed to send it again: webhook, event, and the body that was sent.
pub async fn call_for_redelivery(
    db: impl PgExecutor<'_>,
    call_id: i64,
) -> sqlx::Result<Option<(i64, uuid::Uuid, String, String)>> {
    sqlx::query_as(
        "SELECT webhook_id, event_id, event_type, body FROM database_webhook_calls WHERE id = $1",
    )
    .bind(call_id)
    .fetch_optional(db)
    .await
}

/// Logs one call.
pub async fn log_call(
    db: impl PgExecutor<'_>,
    webhook_id: i64,
    event_id: uuid::Uuid,
    event_type: &str,
    url: &str,
    body: &str,
    outcome: &CallOutcome,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO database_webhook_calls (webhook_id, event_id, event_type, called_url, \
         request, response, response_status, error, body, duration_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(webhook_id)
    .bind(event_id)
    .bind(event_type)
    .bind(url)
    .bind(&outcome.request)
    .bind(&outcome.response)
    .bind(outcome.status.map(i32::from))
    .bind(&outcome.error)
    .bind(body)
    .bind(outcome.duration_ms)
    .execute(db)
    .await
    .map(|_| ())
}

/// Forgets calls older than the retention.
pub async fn prune_calls(
    db: impl PgExecutor<'_>,
    retention: std::time::Duration,
) -> sqlx::Result<u64> {
    sqlx::query(
        "DELETE FROM database_webhook_calls WHERE called_time < now() - make_interval(secs => $1)",
    )
    .bind(retention.as_secs_f64())
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}
