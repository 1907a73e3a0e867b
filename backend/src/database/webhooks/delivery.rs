//! Delivery: each webhook works through its table's event log in order, one event at a
//! time, at least once. A transaction-scoped advisory lock keeps one runner per webhook;
//! the cursor (`delivered_seq`) moves only after an event is delivered or given up, so a
//! worker killed mid-call re-sends that event (receivers deduplicate by its id).

use super::{
    Webhook,
    call::{self, CallRequest},
    event_types, payload, repo,
    service::updated_fields_filter,
};
use crate::{
    context::AppContext,
    database::{
        access::{self, TableScope},
        events::TableEvent,
    },
    platform::{
        jobs::{self, HighJob, LowJob},
        mail,
    },
};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

/// Events read per query.
const PAGE: i64 = 50;
/// How long one job delivers before handing over, so a busy webhook shares the workers.
const SLICE: Duration = Duration::from_secs(2);
/// Advisory-lock namespace of webhook runners.
const LOCK_CLASS: i32 = 0x7e55_0001;

/// The delivery state of a webhook, read fresh for every event.
#[derive(sqlx::FromRow)]
struct State {
    #[sqlx(flatten)]
    webhook: Webhook,
    secret: String,
    delivered_seq: i64,
    attempts: i32,
    retry_at: Option<DateTime<Utc>>,
}

/// Why a runner stopped.
enum Stop {
    /// Nothing left to send.
    Idle,
    /// Waiting for a scheduled retry, or the webhook is off or gone.
    Waiting,
    /// Its time slice is used up; a follow-up job continues.
    Yield,
}

/// Job body: delivers the webhook's pending events until none are left.
pub async fn deliver(ctx: &AppContext, webhook_id: i64) -> anyhow::Result<()> {
    let key = i32::try_from(webhook_id)?;
    loop {
        let mut lock = ctx.db.begin().await?;
        let won: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(key)
            .fetch_one(&mut *lock)
            .await?;
        if !won {
            // The runner holding it looks for new events after it lets go (below).
            return Ok(());
        }
        let stop = run_locked(ctx, webhook_id).await;
        lock.commit().await?;
        match stop? {
            Stop::Waiting => return Ok(()),
            Stop::Yield => {
                let mut conn = ctx.db.acquire().await?;
                jobs::enqueue_low(&mut conn, &LowJob::DeliverWebhook { webhook_id }).await?;
                return Ok(());
            }
            // An event committed while this runner held the lock woke a job that gave up;
            // look once more now that the lock is free.
            Stop::Idle if !has_pending(ctx, webhook_id).await? => return Ok(()),
            Stop::Idle => continue,
        }
    }
}

async fn load(conn: &mut PgConnection, webhook_id: i64) -> sqlx::Result<Option<State>> {
    sqlx::query_as(
        "SELECT id, table_id, name, url, request_method, headers, include_all_events, events, \
         event_config, use_user_field_names, active, failed_triggers, created_on, updated_on, \
         secret, delivered_seq, attempts, retry_at FROM database_webhooks WHERE id = $1",
    )
    .bind(webhook_id)
    .fetch_optional(conn)
    .await
}

async fn has_pending(ctx: &AppContext, webhook_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM database_webhooks w JOIN database_table_events e \
         ON e.table_id = w.table_id AND e.seq > w.delivered_seq \
         WHERE w.id = $1 AND w.active AND (w.retry_at IS NULL OR w.retry_at <= now()))",
    )
    .bind(webhook_id)
    .fetch_one(&ctx.db)
    .await
}

/// One logged event, as a webhook needs it.
#[derive(sqlx::FromRow)]
struct Event {
    seq: i64,
    event_id: uuid::Uuid,
    event_type: String,
    payload: sqlx::types::Json<Value>,
    send_webhooks: bool,
}

async fn run_locked(ctx: &AppContext, webhook_id: i64) -> anyhow::Result<Stop> {
    let started = Instant::now();
    let mut conn = ctx.db.acquire().await?;
    let mut context: Option<(TableScope, HashMap<String, String>)> = None;
    loop {
        let Some(state) = load(&mut conn, webhook_id).await? else {
            return Ok(Stop::Waiting);
        };
        if !state.webhook.active || state.retry_at.is_some_and(|at| at > Utc::now()) {
            return Ok(Stop::Waiting);
        }
        let events: Vec<Event> = sqlx::query_as(
            "SELECT seq, event_id, event_type, payload, send_webhooks FROM database_table_events \
             WHERE table_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(state.webhook.table_id)
        .bind(state.delivered_seq)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(Stop::Idle);
        };
        // The first event this webhook wants; everything before it is passed over at once.
        let only_fields = updated_fields_filter(&state.webhook.event_config.0);
        let wanted = events.into_iter().find_map(|e| {
            let table_event = TableEvent::read(&e.event_type, &e.payload.0)?;
            let kind = event_types::for_event(&table_event)?;
            let wanted = e.send_webhooks
                && state.webhook.subscribes(kind.name)
                && touches(&table_event, &only_fields);
            wanted.then_some((e, table_event, kind))
        });
        let Some((event, table_event, kind)) = wanted else {
            advance(&mut conn, &state, last).await?;
            continue;
        };
        if context.is_none() {
            let Some(scope) = access::scope(&mut conn, state.webhook.table_id).await? else {
                // The table is in the trash: nothing to send until it comes back.
                return Ok(Stop::Waiting);
            };
            context = Some((scope, field_names(&mut conn, scope.table_id).await?));
        }
        let Some((scope, names)) = &context else {
            return Ok(Stop::Waiting);
        };
        let bodies = payload::bodies(
            kind,
            &table_event,
            scope,
            webhook_id,
            event.event_id,
            state.webhook.use_user_field_names,
            names,
        );
        let mut delivered = true;
        for body in &bodies {
            let key = match body.batch_id {
                Some(batch) => format!("{}-{batch}", event.event_id),
                None => event.event_id.to_string(),
            };
            let outcome = send_and_log(
                ctx,
                &mut conn,
                &state,
                (kind.name, event.event_id, key),
                &body.json,
            )
            .await?;
            if !outcome.ok() {
                delivered = false;
                break;
            }
        }
        if delivered {
            succeeded(&mut conn, &state, event.seq).await?;
        } else if !failed(ctx, &mut conn, &state, event.seq).await? {
            return Ok(Stop::Waiting);
        }
        if started.elapsed() > SLICE {
            return Ok(Stop::Yield);
        }
    }
}

/// Whether a `rows.updated` event changed one of the fields the webhook is limited to.
fn touches(event: &TableEvent, only_fields: &[i64]) -> bool {
    match event {
        TableEvent::RowsUpdated {
            updated_field_ids, ..
        } if !only_fields.is_empty() => updated_field_ids.iter().any(|id| only_fields.contains(id)),
        _ => true,
    }
}

/// Moves the cursor past events this webhook does not want.
async fn advance(conn: &mut PgConnection, state: &State, seq: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE database_webhooks SET delivered_seq = $3 WHERE id = $1 AND delivered_seq = $2",
    )
    .bind(state.webhook.id)
    .bind(state.delivered_seq)
    .bind(seq)
    .execute(conn)
    .await
    .map(|_| ())
}

async fn succeeded(conn: &mut PgConnection, state: &State, seq: i64) -> sqlx::Result<()> {
    // Compare-and-set on the cursor: a user turning the webhook off and on meanwhile moved it.
    sqlx::query(
        "UPDATE database_webhooks SET delivered_seq = $3, attempts = 0, retry_at = NULL, \
         failed_triggers = 0 WHERE id = $1 AND delivered_seq = $2",
    )
    .bind(state.webhook.id)
    .bind(state.delivered_seq)
    .bind(seq)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Records a failed attempt. Returns whether delivery goes on now (the event was given up
/// and the webhook is still active) rather than at a scheduled retry.
async fn failed(
    ctx: &AppContext,
    conn: &mut PgConnection,
    state: &State,
    seq: i64,
) -> anyhow::Result<bool> {
    let settings = &ctx.settings.webhooks;
    let attempts = state.attempts as u32 + 1;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    if attempts < settings.max_attempts {
        let wait = backoff(settings.retry_base, attempts);
        let changed = sqlx::query(
            "UPDATE database_webhooks SET attempts = $3, \
             retry_at = now() + make_interval(secs => $4) WHERE id = $1 AND delivered_seq = $2",
        )
        .bind(state.webhook.id)
        .bind(state.delivered_seq)
        .bind(attempts as i32)
        .bind(wait.as_secs_f64())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            // Queue times are whole seconds, rounded down: one second more makes sure the
            // job does not arrive before `retry_at` and leave finding nothing to do yet.
            jobs::enqueue_low_after(
                &mut tx,
                &LowJob::DeliverWebhook {
                    webhook_id: state.webhook.id,
                },
                wait + Duration::from_secs(1),
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(false);
    }
    // Every attempt failed: give the event up and count it.
    let failed_events = state.webhook.failed_triggers + 1;
    let still_active = (failed_events as u32) < settings.max_failed_events;
    sqlx::query(
        "UPDATE database_webhooks SET delivered_seq = $3, attempts = 0, retry_at = NULL, \
         failed_triggers = $4, active = $5 WHERE id = $1 AND delivered_seq = $2",
    )
    .bind(state.webhook.id)
    .bind(state.delivered_seq)
    .bind(seq)
    .bind(failed_events)
    .bind(still_active)
    .execute(&mut *tx)
    .await?;
    if !still_active {
        tracing::warn!(
            webhook_id = state.webhook.id,
            "webhook deactivated after failed events"
        );
        notify_deactivated(ctx, &mut tx, &state.webhook).await?;
    }
    tx.commit().await?;
    Ok(still_active)
}

/// Doubling waits from `base`, plus up to 25 % random jitter so webhooks that failed
/// together do not retry together. Never shorter than the plain doubling, so the retry
/// span the settings promise holds.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let plain = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let jitter = (uuid::Uuid::new_v4().as_u128() % 1000) as f64 / 4000.0;
    plain.mul_f64(1.0 + jitter)
}

/// Mails and notifies the admins of the table's workspace that the webhook was turned off.
async fn notify_deactivated(
    ctx: &AppContext,
    conn: &mut PgConnection,
    webhook: &Webhook,
) -> anyhow::Result<()> {
    let admins: Vec<(String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT u.email, u.first_name, t.name, u.id, a.workspace_id, a.id FROM database_tables t \
         JOIN applications a ON a.id = t.database_id \
         JOIN workspace_users wu ON wu.workspace_id = a.workspace_id AND wu.permissions = 'ADMIN' \
         JOIN users u ON u.id = wu.user_id WHERE t.id = $1",
    )
    .bind(webhook.table_id)
    .fetch_all(&mut *conn)
    .await?;
    let link = ctx.settings.public_url.clone();
    for (email, name, table, ..) in &admins {
        let message = mail::templates::webhook_deactivated(
            email,
            name,
            &webhook.name,
            table,
            &link,
            &ctx.settings.public_url,
        )?;
        jobs::enqueue(conn, &HighJob::SendEmail(message)).await?;
    }
    if let Some((_, _, _, _, workspace_id, database_id)) = admins.first() {
        let ids: Vec<i64> = admins.iter().map(|a| a.3).collect();
        crate::platform::notifications::kinds::webhook_deactivated(
            conn,
            *workspace_id,
            *database_id,
            webhook.table_id,
            webhook.id,
            &webhook.name,
            &ids,
        )
        .await?;
    }
    Ok(())
}

/// `field_{id}` → name for every field of the table, for bodies keyed by field name.
async fn field_names(
    conn: &mut PgConnection,
    table_id: i64,
) -> sqlx::Result<HashMap<String, String>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM database_fields WHERE table_id = $1")
            .bind(table_id)
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (format!("field_{id}"), name))
        .collect())
}

/// Job body: sends a logged call's body again, to the webhook's current address, freshly
/// signed, and logs the new call.
pub async fn send_again(ctx: &AppContext, call_id: i64) -> anyhow::Result<()> {
    let Some((webhook_id, event_id, event_type, body)) =
        repo::call_for_redelivery(&ctx.db, call_id).await?
    else {
        return Ok(());
    };
    let mut conn = ctx.db.acquire().await?;
    let Some(state) = load(&mut conn, webhook_id).await? else {
        return Ok(());
    };
    let key = idempotency_key(event_id, &body);
    send_and_log(ctx, &mut conn, &state, (&event_type, event_id, key), &body).await?;
    Ok(())
}

/// Sends one body to the webhook, signed, and logs the call. The event is given as its
/// type, id and idempotency key.
async fn send_and_log(
    ctx: &AppContext,
    conn: &mut PgConnection,
    state: &State,
    (event_type, event_id, idempotency_key): (&str, uuid::Uuid, String),
    body: &str,
) -> anyhow::Result<call::CallOutcome> {
    let outcome = call::perform(
        &ctx.outbound,
        &CallRequest {
            url: &state.webhook.url,
            method: &state.webhook.request_method,
            user_headers: &state.webhook.header_pairs(),
            event_type,
            event_id,
            idempotency_key,
            secret: Some(&state.secret),
            body,
        },
    )
    .await;
    repo::log_call(
        &mut *conn,
        state.webhook.id,
        event_id,
        event_type,
        &state.webhook.url,
        body,
        &outcome,
    )
    .await?;
    Ok(outcome)
}

/// The key a logged body was first sent with: the event id, plus its batch number.
fn idempotency_key(event_id: uuid::Uuid, body: &str) -> String {
    let batch = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|b| b.get("batch_id").and_then(Value::as_u64));
    match batch {
        Some(batch) => format!("{event_id}-{batch}"),
        None => event_id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_bounded_jitter_and_the_defaults_span_a_day() {
        let base = Duration::from_secs(60);
        for attempt in 1..12 {
            let plain = base * (1 << (attempt - 1));
            let wait = backoff(base, attempt);
            assert!(
                wait >= plain && wait <= plain.mul_f64(1.25),
                "{attempt}: {wait:?}"
            );
        }
        let defaults = crate::config::WebhookSettings::default();
        let span: Duration = (1..defaults.max_attempts)
            .map(|a| backoff(defaults.retry_base, a))
            .sum();
        assert!(span >= Duration::from_secs(24 * 3600), "{span:?}");
    }
}
