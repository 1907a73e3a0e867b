//! The per-table event log: one row per mutation, gap-free sequence, same transaction.

use crate::{
    database::webhooks,
    platform::jobs::{self, HighJob, LowJob},
};
use serde_json::Value;
use sqlx::PgConnection;

/// Who caused an event; the realtime layer skips the originating socket.
#[derive(Debug, Clone)]
pub struct EventOrigin {
    pub user_id: Option<i64>,
    pub websocket_id: Option<String>,
    /// Whether webhooks should be called for this event.
    pub send_webhooks: bool,
}

/// Appends an event with Baserow's realtime name and payload; returns its sequence number.
/// The `UPDATE … RETURNING` takes the table row's lock until commit, so concurrent writers
/// get consecutive numbers and a rolled-back writer leaves no gap.
pub async fn append(
    conn: &mut PgConnection,
    table_id: i64,
    event_type: &str,
    payload: &Value,
    origin: &EventOrigin,
) -> sqlx::Result<i64> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE database_tables SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
    )
    .bind(table_id)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO database_table_events (table_id, seq, event_type, payload, user_id, websocket_id, send_webhooks) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(table_id)
    .bind(seq)
    .bind(event_type)
    .bind(sqlx::types::Json(payload))
    .bind(origin.user_id)
    .bind(&origin.websocket_id)
    .bind(origin.send_webhooks)
    .execute(&mut *conn)
    .await?;
    // Publishing happens after commit, in the worker; queued in this same transaction. The
    // queue lives in the same database, so its failures are reported as database errors.
    jobs::enqueue(conn, &HighJob::FanOutTable { table_id })
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    if origin.send_webhooks && webhooks::event_types::for_log_event(event_type).is_some() {
        for webhook_id in webhooks::repo::active_ids(&mut *conn, table_id).await? {
            jobs::enqueue_low(conn, &LowJob::DeliverWebhook { webhook_id })
                .await
                .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        }
    }
    Ok(seq)
}

/// Events of a table after `after_seq`, oldest first.
pub async fn since(
    conn: &mut PgConnection,
    table_id: i64,
    after_seq: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String, Value)>> {
    let rows: Vec<(i64, String, sqlx::types::Json<Value>)> = sqlx::query_as(
        "SELECT seq, event_type, payload FROM database_table_events WHERE table_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(table_id)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(s, t, p)| (s, t, p.0)).collect())
}

/// Deletes events older than `retention`; clients further behind are told to resync.
/// Events an active webhook has not delivered yet stay, however old.
pub async fn prune(
    db: impl sqlx::PgExecutor<'_>,
    retention: std::time::Duration,
) -> sqlx::Result<u64> {
    sqlx::query(
        "DELETE FROM database_table_events e WHERE created_on < now() - make_interval(secs => $1) \
         AND NOT EXISTS (SELECT 1 FROM database_webhooks w \
                         WHERE w.table_id = e.table_id AND w.active AND w.delivered_seq < e.seq)",
    )
    .bind(retention.as_secs_f64())
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}
