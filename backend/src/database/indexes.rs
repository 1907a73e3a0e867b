//! Indexes that follow use: the first time a table is sorted a given way, an index for that
//! order is built in the background (`CREATE INDEX CONCURRENTLY` on the `low` queue, so
//! writers are never blocked). Later listings in that order — with or without filters, and
//! views whose sorts ask for it — then read rows in order and stop after a page instead of
//! sorting the whole table.
//!
//! One sort field gets a single-column index that serves both directions. Several sort
//! fields get one composite index per combination of fields and relative directions
//! (`a, -b` and `-a, b` share one, scanned backwards), over at most [`MAX_INDEX_KEYS`]
//! fields: beyond that PostgreSQL sorts the few rows that tie on the indexed prefix.

use super::{
    fields::{Field, Storage, registry::field_types, repo as field_repo},
    tables::table_name,
};
use crate::{
    context::AppContext,
    platform::jobs::{LowJob, enqueue_low},
};
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, PgConnection, PgPool};
use std::time::{Duration, Instant};

/// Sort fields a composite index covers.
pub const MAX_INDEX_KEYS: usize = 3;

/// One sort key of an index: a field and whether it sorts descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexKey {
    pub field_id: i64,
    pub desc: bool,
}

/// Keys as indexed: the first ascending (a reversed order is the same index read
/// backwards), so both directions of one ordering map to one index.
fn normalized(keys: &[IndexKey]) -> Vec<IndexKey> {
    let flip = keys.first().is_some_and(|k| k.desc);
    keys.iter()
        .take(MAX_INDEX_KEYS)
        .map(|k| IndexKey {
            field_id: k.field_id,
            desc: k.desc != flip,
        })
        .collect()
}

/// `database_table_{t}_field_{f}_sort` for one field (both directions);
/// `database_table_{t}_sort_{a}_{b}d` for several, `d` marking a key that runs opposite
/// to the first.
pub fn sort_index_name(table_id: i64, keys: &[IndexKey]) -> String {
    let keys = normalized(keys);
    match keys.as_slice() {
        [only] => format!("{}_field_{}_sort", table_name(table_id), only.field_id),
        _ => {
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}{}", k.field_id, if k.desc { "d" } else { "" }))
                .collect();
            format!("{}_sort_{}", table_name(table_id), parts.join("_"))
        }
    }
}

/// Queues the index for an ordering unless this process already did (or it exists).
/// `fields` are the sort fields in order with their directions; the field kinds are part
/// of the memo so a field converted to another type is looked at again.
pub async fn request_sort_index(ctx: &AppContext, table_id: i64, fields: &[(&Field, bool)]) {
    if fields.is_empty() {
        return;
    }
    let keys: Vec<IndexKey> = fields
        .iter()
        .map(|(f, desc)| IndexKey {
            field_id: f.id,
            desc: *desc,
        })
        .collect();
    let keys = normalized(&keys);
    let kinds: Vec<&str> = fields.iter().map(|(f, _)| f.kind.as_str()).collect();
    let memo = format!("{} {}", sort_index_name(table_id, &keys), kinds.join(","));
    if !first_request(ctx, memo) {
        return;
    }
    let result: anyhow::Result<()> = async {
        if !is_built(&ctx.db, &sort_index_name(table_id, &keys)).await? {
            let mut conn = ctx.db.acquire().await?;
            enqueue_low(&mut conn, &LowJob::CreateSortIndex { table_id, keys }).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, table_id, "could not queue a sort index");
    }
}

/// Whether the index exists and is usable. A concurrent build that failed leaves an
/// invalid index behind under its name; that counts as missing.
pub async fn is_built(db: impl sqlx::PgExecutor<'_>, name: &str) -> sqlx::Result<bool> {
    let valid: Option<bool> =
        sqlx::query_scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)")
            .bind(name)
            .fetch_optional(db)
            .await?;
    Ok(valid == Some(true))
}

/// How long a build waits for another build on the same table before it gives up (the
/// job then fails and the index is asked for again on a later listing).
const BUILD_WAIT: Duration = Duration::from_secs(1800);
/// Attempts of a build that keeps giving way to other work on its table.
const BUILD_ATTEMPTS: u32 = 20;

/// Waits for this table's turn to change its indexes: two concurrent builds (or a build
/// and a concurrent drop) on one table wait for each other's snapshots and one of them
/// dies in a deadlock. The turn is a session advisory lock taken with
/// `pg_try_advisory_lock` in a polling loop — a blocking wait would itself hold a snapshot
/// the running build waits for.
async fn take_turn(conn: &mut PgConnection, key: &str, table_id: i64) -> anyhow::Result<()> {
    let waited = Instant::now();
    loop {
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext($1))")
            .bind(key)
            .fetch_one(&mut *conn)
            .await?;
        if got {
            return Ok(());
        }
        if waited.elapsed() > BUILD_WAIT {
            anyhow::bail!("another index change on table {table_id} is still running");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Builds (`create` is its `CREATE INDEX CONCURRENTLY` statement) or, with `None`, drops
/// the index `name` of a table, in the table's turn (see [`take_turn`]). An invalid
/// leftover of an earlier failed build is dropped first, and so is this build's if it
/// fails.
///
/// A user's change always wins over the build. A concurrent build waits for every
/// transaction older than it, while a schema change on the table (a field added, a column
/// converted) waits for the build's lock: each waits for the other and PostgreSQL aborts
/// one of them — often the user's. So the build gives way: it waits for locks at most
/// briefly (`lock_timeout`), and while it runs, [`yielding`] cancels it as soon as any
/// session waits for it. It then tries again a little later.
pub async fn change_concurrently(
    db: &PgPool,
    conn: &mut PgConnection,
    table_id: i64,
    name: &str,
    create: Option<&str>,
) -> anyhow::Result<()> {
    let key = format!("tessera.index.{table_id}");
    take_turn(conn, &key, table_id).await?;
    let outcome = async {
        if create.is_some() && is_built(&mut *conn, name).await? {
            return Ok(());
        }
        sqlx::query("SET lock_timeout = '500ms'")
            .execute(&mut *conn)
            .await?;
        // The timeout is reset whatever happens: the connection goes back to the pool.
        let changed = give_way_until_done(db, conn, name, create).await;
        sqlx::query("RESET lock_timeout")
            .execute(&mut *conn)
            .await?;
        changed
    }
    .await;
    sqlx::query("SELECT pg_advisory_unlock(hashtext($1))")
        .bind(&key)
        .execute(&mut *conn)
        .await?;
    outcome
}

/// Drops any leftover and builds (or only drops), starting again after each time the
/// change gave way to other work on the table.
async fn give_way_until_done(
    db: &PgPool,
    conn: &mut PgConnection,
    name: &str,
    create: Option<&str>,
) -> anyhow::Result<()> {
    let drop = format!("DROP INDEX CONCURRENTLY IF EXISTS {name}");
    let mut attempt = 0;
    loop {
        let mut done = yielding(db, conn, &drop).await;
        if done.is_ok()
            && let Some(create) = create
        {
            done = yielding(db, conn, create).await;
        }
        let Err(e) = done else {
            return Ok(());
        };
        attempt += 1;
        if !gave_way(&e) || attempt >= BUILD_ATTEMPTS {
            // Leave no invalid index behind (best effort: the next build drops it too).
            if create.is_some() {
                let _ = yielding(db, conn, &drop).await;
            }
            return Err(e.into());
        }
        tracing::info!(
            index = name,
            attempt,
            "an index change gave way to other work on its table"
        );
        tokio::time::sleep(Duration::from_millis(500) * attempt).await;
    }
}

/// Whether a statement failed because it gave way: a lock it waited for too long, a
/// deadlock it lost, or its cancellation by [`yielding`].
fn gave_way(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| matches!(code.as_ref(), "55P03" | "40P01" | "57014"))
}

/// How often a running index change looks for sessions waiting on it: well below
/// PostgreSQL's one-second deadlock check, so a waiting user's transaction is freed first.
const YIELD_CHECK: Duration = Duration::from_millis(100);

/// Runs `sql` on `conn` and cancels it as soon as another session waits for a lock this
/// one holds (its `pg_blocking_pids` names this backend). Other index changes are not
/// given way to: two of them that wait for each other are settled by PostgreSQL's
/// deadlock check, and both try again.
async fn yielding(db: &PgPool, conn: &mut PgConnection, sql: &str) -> Result<(), sqlx::Error> {
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *conn)
        .await?;
    let statement = sqlx::query(AssertSqlSafe(sql.to_owned())).execute(&mut *conn);
    tokio::pin!(statement);
    let watch = async {
        loop {
            tokio::time::sleep(YIELD_CHECK).await;
            let blocks: Result<bool, _> = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity \
                  WHERE wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid)) \
                    AND query NOT LIKE '%INDEX CONCURRENTLY%')",
            )
            .bind(pid)
            .fetch_one(db)
            .await;
            if blocks.unwrap_or(false) {
                let _ = sqlx::query("SELECT pg_cancel_backend($1)")
                    .bind(pid)
                    .execute(db)
                    .await;
                return;
            }
        }
    };
    tokio::select! {
        done = &mut statement => return done.map(|_| ()),
        () = watch => {}
    }
    statement.await.map(|_| ())
}

/// Whether this process has not asked for the index `memo` describes before (it asks once;
/// the job checks again whether it exists).
pub fn first_request(ctx: &AppContext, memo: String) -> bool {
    ctx.index_requests
        .lock()
        .map(|mut seen| seen.insert(memo))
        .unwrap_or(false)
}

/// Builds the index (runs in the export worker). When a field is gone meanwhile or has no
/// column of its own, none is built.
pub async fn create_sort_index(
    ctx: &AppContext,
    table_id: i64,
    keys: &[IndexKey],
) -> anyhow::Result<()> {
    let keys = normalized(keys);
    let mut conn = ctx.db.acquire().await?;
    let mut columns = Vec::with_capacity(keys.len() + 2);
    for key in &keys {
        let Some(field) = field_repo::get(&mut conn, key.field_id).await? else {
            return Ok(());
        };
        let Some(ft) = field_types().get(&field.kind) else {
            return Ok(());
        };
        if field.table_id != table_id || !matches!(ft.storage(&field), Storage::Column { .. }) {
            return Ok(());
        }
        // The listing orders `ASC NULLS FIRST` / `DESC NULLS LAST`, then by manual order
        // and id ascending; the index follows that exactly (or its reverse).
        let direction = if key.desc {
            "DESC NULLS LAST"
        } else {
            "ASC NULLS FIRST"
        };
        columns.push(format!("{} {direction}", field.column()));
    }
    let tail = if keys.len() == 1 {
        // One field: scanned backwards for descending sorts; ties then run in reverse
        // manual order and are put right by an incremental sort of the few tied rows.
        "\"order\", id"
    } else {
        "\"order\" ASC, id ASC"
    };
    let name = sort_index_name(table_id, &keys);
    let sql = format!(
        "CREATE INDEX CONCURRENTLY {name} ON {} ({}, {tail}) WHERE NOT trashed",
        table_name(table_id),
        columns.join(", ")
    );
    change_concurrently(&ctx.db, &mut conn, table_id, &name, Some(&sql)).await?;
    tracing::info!(table_id, ?keys, "sort index built");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(spec: &[(i64, bool)]) -> Vec<IndexKey> {
        spec.iter()
            .map(|&(field_id, desc)| IndexKey { field_id, desc })
            .collect()
    }

    #[test]
    fn an_ordering_and_its_reverse_share_one_index() {
        let forward = sort_index_name(7, &keys(&[(1, false), (2, true)]));
        let reverse = sort_index_name(7, &keys(&[(1, true), (2, false)]));
        assert_eq!(forward, "database_table_7_sort_1_2d");
        assert_eq!(forward, reverse);
        assert_ne!(
            forward,
            sort_index_name(7, &keys(&[(1, false), (2, false)]))
        );
    }

    #[test]
    fn one_field_keeps_its_single_column_index() {
        assert_eq!(
            sort_index_name(7, &keys(&[(3, true)])),
            "database_table_7_field_3_sort"
        );
    }

    #[test]
    fn composite_indexes_stop_at_the_key_limit() {
        let many = keys(&[(1, false), (2, false), (3, false), (4, false)]);
        assert_eq!(normalized(&many).len(), MAX_INDEX_KEYS);
        assert_eq!(sort_index_name(7, &many), "database_table_7_sort_1_2_3");
    }
}
