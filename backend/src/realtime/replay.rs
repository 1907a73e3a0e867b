//! Replay: the events of a table a client missed, read back from the event log.

use super::envelope::table_event_message;
use serde_json::Value;
use sqlx::PgConnection;

/// The most events one replay sends; a client further behind is told to reload.
pub const MAX_REPLAY: i64 = 10_000;

pub enum Replay {
    /// Missed events, oldest first; `None` for the socket's own edits (seen, not sent).
    Events(Vec<(i64, Option<Value>)>),
    /// The log no longer holds what the client missed: it must reload the table.
    ResyncRequired,
}

/// Events of `table_id` after `after_seq`, as client messages, leaving out the content of
/// those caused by the socket `own_websocket_id` itself (Baserow never echoes them).
pub async fn missed(
    conn: &mut PgConnection,
    table_id: i64,
    after_seq: i64,
    own_websocket_id: &str,
) -> sqlx::Result<Replay> {
    let oldest: Option<i64> =
        sqlx::query_scalar("SELECT MIN(seq) FROM database_table_events WHERE table_id = $1")
            .bind(table_id)
            .fetch_one(&mut *conn)
            .await?;
    let latest: i64 = sqlx::query_scalar("SELECT event_seq FROM database_tables WHERE id = $1")
        .bind(table_id)
        .fetch_one(&mut *conn)
        .await?;
    if after_seq >= latest {
        return Ok(Replay::Events(Vec::new()));
    }
    // Pruned past the client's position, or too far behind to replay cheaply.
    if oldest.is_none_or(|o| o > after_seq + 1) || latest - after_seq > MAX_REPLAY {
        return Ok(Replay::ResyncRequired);
    }
    let rows: Vec<(i64, String, sqlx::types::Json<Value>, Option<String>)> = sqlx::query_as(
        "SELECT seq, event_type, payload, websocket_id FROM database_table_events \
         WHERE table_id = $1 AND seq > $2 ORDER BY seq",
    )
    .bind(table_id)
    .bind(after_seq)
    .fetch_all(conn)
    .await?;
    let events = rows
        .into_iter()
        .map(|(seq, event_type, payload, origin)| {
            let own = origin.as_deref() == Some(own_websocket_id);
            (
                seq,
                (!own).then(|| table_event_message(table_id, seq, &event_type, &payload.0)),
            )
        })
        .collect();
    Ok(Replay::Events(events))
}
