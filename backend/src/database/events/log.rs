//! The per-table event log: one row per event, a gap-free sequence per table, written in
//! the transaction of the change. What reads the log (realtime fan-out, webhooks) is
//! queued by the transaction, not here.

use super::TableEvent;
use crate::db::tx::EventOrigin;
use serde_json::Value;
use sqlx::PgConnection;

/// Logs `events` (all of one table, in order) and returns the sequence number of the
/// last. The `UPDATE … RETURNING` takes the table row's lock until commit, so concurrent
/// writers get consecutive numbers and a rolled-back writer leaves no gap.
pub async fn append(
    conn: &mut PgConnection,
    table_id: i64,
    events: &[&TableEvent],
    origin: &EventOrigin,
) -> sqlx::Result<i64> {
    let last: i64 = sqlx::query_scalar(
        "UPDATE database_tables SET event_seq = event_seq + $2 WHERE id = $1 RETURNING event_seq",
    )
    .bind(table_id)
    .bind(events.len() as i64)
    .fetch_one(&mut *conn)
    .await?;
    let first = last - events.len() as i64 + 1;
    let seqs: Vec<i64> = (first..=last).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e.name()).collect();
    let payloads: Vec<sqlx::types::Json<Value>> = events
        .iter()
        .map(|e| sqlx::types::Json(Value::Object(e.payload())))
        .collect();
    sqlx::query(
        "INSERT INTO database_table_events (table_id, seq, event_type, payload, user_id, websocket_id, send_webhooks) \
         SELECT $1, s, t, p, $5, $6, $7 FROM unnest($2::bigint[], $3::text[], $4::jsonb[]) AS e(s, t, p)",
    )
    .bind(table_id)
    .bind(&seqs)
    .bind(&kinds)
    .bind(&payloads)
    .bind(origin.user_id)
    .bind(&origin.websocket_id)
    .bind(origin.send_webhooks)
    .execute(&mut *conn)
    .await?;
    Ok(last)
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
