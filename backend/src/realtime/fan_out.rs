//! Worker side: publishes a table's new events, in order, to Redis.

use super::envelope::{Envelope, Target, table_event_message, table_page};
use crate::context::AppContext;
use fred::prelude::*;
use serde_json::Value;

/// At most this many events are published per job run; the rest wait for the next run.
const BATCH: i64 = 500;

/// Publishes every event of `table_id` after its cursor. A per-table transaction lock
/// keeps publication in sequence order even with many workers; the cursor only advances
/// when the transaction commits, so a crash means republishing, never skipping.
pub async fn publish_table_events(ctx: &AppContext, table_id: i64) -> anyhow::Result<usize> {
    let mut published = 0;
    loop {
        let mut tx = ctx.db.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('tessera.fan_out'), $1::int)")
            .bind((table_id % i64::from(i32::MAX)) as i32)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO realtime_cursors (table_id) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(table_id)
            .execute(&mut *tx)
            .await?;
        let cursor: i64 =
            sqlx::query_scalar("SELECT published_seq FROM realtime_cursors WHERE table_id = $1")
                .bind(table_id)
                .fetch_one(&mut *tx)
                .await?;
        let events: Vec<(i64, String, sqlx::types::Json<Value>, Option<String>)> = sqlx::query_as(
            "SELECT seq, event_type, payload, websocket_id FROM database_table_events WHERE table_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(table_id)
        .bind(cursor)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = events.last().map(|e| e.0) else {
            tx.commit().await?;
            return Ok(published);
        };
        // Read after the events, so it covers every revocation committed before any of
        // them: their subscribers are re-checked before these events reach them.
        let access_epoch = super::access::current_epoch(&mut tx).await?;
        let channel = super::channel(&ctx.settings.redis_prefix);
        for (seq, event_type, payload, websocket_id) in &events {
            let envelope = Envelope {
                target: Target::Page {
                    page: table_page(table_id),
                },
                skip_websocket_id: websocket_id.clone(),
                table_seq: Some((table_id, *seq)),
                access_epoch: Some(access_epoch),
                message: table_event_message(table_id, *seq, event_type, &payload.0),
            };
            let _: i64 = ctx
                .redis
                .publish(&channel, serde_json::to_string(&envelope)?)
                .await?;
        }
        sqlx::query("UPDATE realtime_cursors SET published_seq = $2 WHERE table_id = $1")
            .bind(table_id)
            .bind(last)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        published += events.len();
        if (events.len() as i64) < BATCH {
            return Ok(published);
        }
    }
}

/// Publishes a message to users' sockets (e.g. `force_disconnect`).
pub async fn publish_to_users(
    ctx: &AppContext,
    user_ids: Vec<i64>,
    skip_websocket_id: Option<String>,
    message: Value,
) -> anyhow::Result<()> {
    let envelope = Envelope {
        target: Target::Users { user_ids },
        skip_websocket_id,
        table_seq: None,
        access_epoch: None,
        message,
    };
    let _: i64 = ctx
        .redis
        .publish(
            super::channel(&ctx.settings.redis_prefix),
            serde_json::to_string(&envelope)?,
        )
        .await?;
    Ok(())
}

/// Tells the users' sockets to re-check their subscriptions (after losing access).
pub async fn publish_recheck(ctx: &AppContext, user_ids: Vec<i64>) -> anyhow::Result<()> {
    let envelope = Envelope {
        target: Target::Recheck { user_ids },
        skip_websocket_id: None,
        table_seq: None,
        access_epoch: None,
        message: Value::Null,
    };
    let _: i64 = ctx
        .redis
        .publish(
            super::channel(&ctx.settings.redis_prefix),
            serde_json::to_string(&envelope)?,
        )
        .await?;
    Ok(())
}
