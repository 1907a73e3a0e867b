//! Keeping each table's `search_tsv` column up to date, in the export worker.
//!
//! The write path pays one statement: a transaction whose events change what rows read
//! (rows created or updated, fields added, changed, deleted or restored, a table created or
//! refilled) sets the table's `search_queued` flag and, when it was not set yet, queues a
//! [`LowJob::RefreshSearch`] a moment later, so a burst of writes queues one refresh. The
//! refresh clears the flag, reads the table's event log from the last event the column
//! reflects (`search_seq`) to now, and recomputes the column for the rows those events
//! name — or for every row, in batches, after a field change, for a table never filled, or
//! when the log no longer reaches back that far. A refresh of every row then builds the
//! column's indexes without blocking writers, when they are missing (a table's first
//! refresh, or after a rewrite of the table emptied the column: [`forget`]). Tables that existed before full-text search
//! are filled by the periodic sweep ([`queue_unfilled`]).

use super::vector_sql;
use crate::{
    context::AppContext,
    database::{events::TableEvent, fields, indexes, tables::table_name},
    platform::jobs::{LowJob, enqueue_low, enqueue_low_after},
};
use sqlx::{AssertSqlSafe, PgConnection};
use std::time::Duration;

/// How long a refresh waits after the first write it covers, gathering the writes after.
const DEBOUNCE: Duration = Duration::from_secs(1);
/// Rows recomputed per statement (each its own transaction).
const BATCH: i64 = 500;
/// Events read per query.
const EVENT_CHUNK: i64 = 1_000;
/// More changed rows than this and every row is recomputed instead (no id list in memory).
const MAX_NAMED_ROWS: usize = 50_000;
/// Tables the periodic sweep queues for their first fill per round.
const SWEEP: i64 = 20;

/// Whether an event changes what the rows of its table read (and so their words).
pub fn affects_search(event: &TableEvent) -> bool {
    matches!(
        event,
        TableEvent::RowsCreated { .. }
            | TableEvent::RowsUpdated { .. }
            | TableEvent::FieldCreated { .. }
            | TableEvent::FieldUpdated { .. }
            | TableEvent::FieldDeleted { .. }
            | TableEvent::FieldRestored { .. }
            | TableEvent::TableCreated { .. }
            | TableEvent::TableUpdated {
                force_table_refresh: true,
                ..
            }
    )
}

/// In a write transaction that logged such events: flags the table and queues its refresh
/// unless one is queued already. The table's row is locked by the event log's sequence
/// update, so the flag read here is current.
pub async fn mark(conn: &mut PgConnection, table_id: i64) -> anyhow::Result<()> {
    let newly: Option<i64> = sqlx::query_scalar(
        "UPDATE database_tables SET search_queued = TRUE WHERE id = $1 AND NOT search_queued RETURNING id",
    )
    .bind(table_id)
    .fetch_optional(&mut *conn)
    .await?;
    if newly.is_some() {
        enqueue_low_after(conn, &LowJob::RefreshSearch { table_id }, DEBOUNCE).await?;
    }
    Ok(())
}

/// Queues the first fill of a few tables whose column was never filled (tables from before
/// full-text search, or whose first refresh failed); called by the periodic schedule.
pub async fn queue_unfilled(conn: &mut PgConnection) -> anyhow::Result<()> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE database_tables SET search_queued = TRUE WHERE id IN (\
           SELECT id FROM database_tables WHERE search_seq IS NULL AND NOT search_queued \
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id",
    )
    .bind(SWEEP)
    .fetch_all(&mut *conn)
    .await?;
    for table_id in ids {
        enqueue_low(conn, &LowJob::RefreshSearch { table_id }).await?;
    }
    Ok(())
}

/// Before a rewrite of the table empties its search column: drops the column's indexes
/// and marks it never filled, so its next refresh fills every row and builds them again
/// in bulk. A refresh running meanwhile may still mark it filled up to its own events;
/// the next one, reading the field change behind the rewrite, refills every row and
/// builds the missing indexes all the same.
pub async fn forget(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<()> {
    let [words, unfilled] = index_names(table_id);
    sqlx::query(AssertSqlSafe(format!(
        "DROP INDEX IF EXISTS {words}, {unfilled}"
    )))
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE database_tables SET search_seq = NULL WHERE id = $1")
        .bind(table_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The search column's indexes: its words, and the rows not filled yet.
fn index_names(table_id: i64) -> [String; 2] {
    let table = table_name(table_id);
    [
        format!("{table}_search"),
        format!("{table}_search_unfilled"),
    ]
}

/// Which rows a refresh recomputes.
enum Changes {
    All,
    Rows(Vec<i64>),
}

/// The refresh job (see the module documentation).
pub async fn run(ctx: &AppContext, table_id: i64) -> anyhow::Result<()> {
    let mut conn = ctx.db.acquire().await?;
    let key = format!("tessera.search.{table_id}");
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext($1))")
        .bind(&key)
        .fetch_one(&mut *conn)
        .await?;
    if !got {
        // Another refresh of this table is running: this one runs after it. The flag
        // stays set, so no write queues a third meanwhile.
        let mut tx = ctx.db.begin().await?;
        enqueue_low_after(&mut tx, &LowJob::RefreshSearch { table_id }, DEBOUNCE * 2).await?;
        tx.commit().await?;
        return Ok(());
    }
    let outcome = refresh(ctx, &mut conn, table_id).await;
    sqlx::query("SELECT pg_advisory_unlock(hashtext($1))")
        .bind(&key)
        .execute(&mut *conn)
        .await?;
    outcome
}

async fn refresh(ctx: &AppContext, conn: &mut PgConnection, table_id: i64) -> anyhow::Result<()> {
    // Clearing the flag first: a write that commits from now on queues the next refresh,
    // and one that committed before is in the log up to `target`.
    let Some((target, done)): Option<(i64, Option<i64>)> = sqlx::query_as(
        "UPDATE database_tables SET search_queued = FALSE WHERE id = $1 RETURNING event_seq, search_seq",
    )
    .bind(table_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    if done == Some(target) {
        return Ok(());
    }
    let fields = fields::repo::list(conn, table_id).await?;
    let vector = vector_sql(&fields);
    let table = table_name(table_id);
    let changes = changes(conn, table_id, done, target).await?;
    // After a refill of every row the indexes are checked too: a rewrite drops them.
    let all = matches!(changes, Changes::All);
    let refreshed = match changes {
        Changes::Rows(ids) => {
            for chunk in ids.chunks(BATCH as usize) {
                refresh_rows(conn, &table, &vector, chunk).await?;
            }
            ids.len()
        }
        Changes::All => {
            let mut after = 0_i64;
            let mut count = 0;
            loop {
                let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT id FROM {table} WHERE id > $1 ORDER BY id LIMIT $2"
                )))
                .bind(after)
                .bind(BATCH)
                .fetch_all(&mut *conn)
                .await?;
                let Some(&last) = ids.last() else { break };
                refresh_rows(conn, &table, &vector, &ids).await?;
                count += ids.len();
                after = last;
            }
            count
        }
    };
    if all {
        build_indexes(ctx, conn, table_id).await?;
    }
    sqlx::query(
        "UPDATE database_tables SET search_seq = GREATEST(COALESCE(search_seq, 0), $2) WHERE id = $1",
    )
    .bind(table_id)
    .bind(target)
    .execute(&mut *conn)
    .await?;
    tracing::debug!(table_id, target, refreshed, "search column refreshed");
    Ok(())
}

/// The rows the events after `done` up to `target` changed.
async fn changes(
    conn: &mut PgConnection,
    table_id: i64,
    done: Option<i64>,
    target: i64,
) -> anyhow::Result<Changes> {
    let Some(done) = done else {
        return Ok(Changes::All);
    };
    let mut ids = Vec::new();
    let mut seen = 0_i64;
    let mut after = done;
    loop {
        let events: Vec<(i64, bool, Vec<i64>)> = sqlx::query_as(
            "SELECT seq, \
               event_type IN ('field_created', 'field_updated', 'field_deleted', 'field_restored', 'table_created') \
                 OR (event_type = 'table_updated' AND payload->>'force_table_refresh' = 'true'), \
               CASE WHEN event_type IN ('rows_created', 'rows_updated') \
                         AND jsonb_typeof(payload->'rows') = 'array' \
                    THEN ARRAY(SELECT (r->>'id')::bigint FROM jsonb_array_elements(payload->'rows') r \
                               WHERE jsonb_typeof(r->'id') = 'number') \
                    ELSE '{}'::bigint[] END \
             FROM database_table_events WHERE table_id = $1 AND seq > $2 AND seq <= $3 \
             ORDER BY seq LIMIT $4",
        )
        .bind(table_id)
        .bind(after)
        .bind(target)
        .bind(EVENT_CHUNK)
        .fetch_all(&mut *conn)
        .await?;
        let Some(&(last, _, _)) = events.last() else {
            break;
        };
        seen += events.len() as i64;
        for (_, everything, rows) in events {
            if everything {
                return Ok(Changes::All);
            }
            ids.extend(rows);
        }
        if ids.len() > MAX_NAMED_ROWS {
            return Ok(Changes::All);
        }
        after = last;
    }
    // Events pruned before they were read: which rows they changed is unknown.
    if seen != target - done {
        return Ok(Changes::All);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Changes::Rows(ids))
}

/// Recomputes the words of the rows `ids`, writing only those that changed. Rows a writer
/// holds are skipped rather than waited for (no lock-order deadlock with a write to
/// several rows): that writer's commit queues another refresh, which takes them.
async fn refresh_rows(
    conn: &mut PgConnection,
    table: &str,
    vector: &str,
    ids: &[i64],
) -> sqlx::Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE {table} u SET search_tsv = s.v FROM (\
           SELECT t.id, {vector} AS v FROM {table} t WHERE t.id = ANY($1) FOR UPDATE OF t SKIP LOCKED\
         ) s WHERE u.id = s.id AND u.search_tsv IS DISTINCT FROM s.v"
    )))
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The column's indexes, built after its first fill (a bulk build beats growing the index
/// row by row): words for search, and the rows not filled yet, which search computes on
/// the spot.
async fn build_indexes(
    ctx: &AppContext,
    conn: &mut PgConnection,
    table_id: i64,
) -> anyhow::Result<()> {
    let table = table_name(table_id);
    let [words, unfilled] = index_names(table_id);
    let create = format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {words} ON {table} USING gin (search_tsv)"
    );
    indexes::change_concurrently(&ctx.db, conn, table_id, &words, Some(&create)).await?;
    let create = format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {unfilled} ON {table} (id) WHERE search_tsv IS NULL"
    );
    indexes::change_concurrently(&ctx.db, conn, table_id, &unfilled, Some(&create)).await?;
    Ok(())
}
