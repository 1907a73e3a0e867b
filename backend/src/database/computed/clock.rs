//! Refreshing the formulas that follow the clock (`now()`, `today()` and the formulas
//! naming them): their stored values go stale with time alone, so the export worker
//! refreshes them on a schedule, besides the recomputation every change brings.
//!
//! Each table is one short transaction that recomputes, with [`recompute_some`], only
//! those formulas and only on the rows whose value is now different, found by comparing
//! the stored value with the formula evaluated again in SQL. Those rows are announced as
//! `rows_updated` (or, above [`MAX_ANNOUNCED_ROWS`], as a refresh of the table), and the
//! rows of other tables looking them up follow as for any write
//! ([`crate::database::links::ripple`]). A table whose values did not change is not
//! written at all, so refreshing every minute neither rewrites big tables nor floods
//! open pages. The refresh is nobody's doing: it calls no webhooks.

use super::{
    COMPUTED_TYPES,
    changes::{Changed, Changes},
    compile, formula_of, formulas,
    recompute::recompute_some,
    resolver::Resolver,
    stored,
};
use crate::database::{
    events::{EventOrigin, TableEvent},
    fields::{self, Field},
    formula::clock::{clock_dependent, text_calls_clock},
    links::ripple::{MAX_ANNOUNCED_ROWS, Ripple, Touched},
    rows::read::{event_rows, rows_by_ids},
    tables::{self, table_name},
    tx::Tx,
};
use serde_json::json;
use sqlx::{AssertSqlSafe, PgConnection, PgPool};
use std::collections::BTreeSet;

/// How much one refresh may do, so a round ends in bounded time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Tables visited per call (at least one); the rest wait for the next call (see
    /// [`Refreshed::resume_after`]).
    pub max_tables: usize,
    /// Rows refreshed per table per call; the rest are still stale at the next call,
    /// which takes them then.
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_tables: 100,
            max_rows: 10_000,
        }
    }
}

/// What one table's refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRefreshed {
    pub table_id: i64,
    /// The table's formula fields that follow the clock, directly or through others.
    pub fields: BTreeSet<i64>,
    /// Rows whose values changed and were written and announced.
    pub rows: Vec<i64>,
    /// More rows were stale than [`Limits::max_rows`]: the next call goes on.
    pub more: bool,
}

/// What one call of [`refresh`] did.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// The tables with formulas following the clock that were visited, in id order.
    pub tables: Vec<TableRefreshed>,
    /// Tables whose refresh failed (a lock held too long, a table changing meanwhile),
    /// with the error; they are tried again at the next call.
    pub failed: Vec<(i64, String)>,
    /// Set when [`Limits::max_tables`] stopped the call: the next call should start
    /// after this table id.
    pub resume_after: Option<i64>,
}

/// How long a refresh waits for a row a user is writing before giving the table up
/// until the next call: users' writes come first.
const LOCK_TIMEOUT: &str = "2s";

/// Refreshes the clock formulas of the tables with an id above `after`, in id order,
/// within `limits`. Callers running it on a schedule from several processes should hold
/// a lock so one runs at a time (the export worker takes an advisory lock).
pub async fn refresh(db: &PgPool, after: i64, limits: Limits) -> sqlx::Result<Refreshed> {
    let mut conn = db.acquire().await?;
    let tables = tables_following_clock(&mut conn, after).await?;
    drop(conn);
    let mut out = Refreshed::default();
    // At least one table, so every call moves on.
    let max_tables = limits.max_tables.max(1);
    for (i, table_id) in tables.iter().copied().enumerate() {
        if i == max_tables {
            out.resume_after = Some(tables[i - 1]);
            break;
        }
        match refresh_table(db, table_id, limits.max_rows).await {
            Ok(Some(done)) => out.tables.push(done),
            Ok(None) => {}
            Err(e) => out.failed.push((table_id, e.to_string())),
        }
    }
    Ok(out)
}

/// Live tables above `after` with a live computed field whose formula calls `now()` or
/// `today()`. SQL picks the formulas mentioning either word; the parsed formula decides.
pub async fn tables_following_clock(conn: &mut PgConnection, after: i64) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT f.table_id, f.options->>'formula' FROM database_fields f \
         JOIN database_tables t ON t.id = f.table_id AND NOT t.trashed \
         JOIN applications a ON a.id = t.database_id AND NOT a.trashed \
         JOIN workspaces w ON w.id = a.workspace_id AND NOT w.trashed \
         WHERE f.table_id > $1 AND f.type = ANY($2) AND NOT f.trashed \
         AND f.options->>'formula' ~* '(now|today)' ORDER BY f.table_id, f.id",
    )
    .bind(after)
    .bind(&COMPUTED_TYPES[..])
    .fetch_all(conn)
    .await?;
    let mut out: Vec<i64> = Vec::new();
    for (table_id, text) in rows {
        if out.last() != Some(&table_id) && text_calls_clock(&text) {
            out.push(table_id);
        }
    }
    Ok(out)
}

/// Refreshes one table in one transaction; `None` when it has no formula following the
/// clock (any more).
pub async fn refresh_table(
    db: &PgPool,
    table_id: i64,
    max_rows: usize,
) -> sqlx::Result<Option<TableRefreshed>> {
    let origin = EventOrigin {
        user_id: None,
        websocket_id: None,
        send_webhooks: false,
        session: None,
    };
    let mut tx = Tx::begin(db, origin).await?;
    sqlx::query(AssertSqlSafe(format!(
        "SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"
    )))
    .execute(&mut *tx)
    .await?;
    let fields = fields::repo::list(&mut tx, table_id).await?;
    // The fields `recompute_some` recomputes, so a stale value found is a value fixed.
    let computed: Vec<&Field> = formulas(&fields).collect();
    let direct: Vec<&Field> = computed
        .iter()
        .copied()
        .filter(|f| text_calls_clock(formula_of(f)))
        .collect();
    if direct.is_empty() {
        tx.rollback().await?;
        return Ok(None);
    }
    let names = clock_dependent(computed.iter().map(|f| (f.name.as_str(), formula_of(f))));
    let following: BTreeSet<i64> = computed
        .iter()
        .filter(|f| names.contains(f.name.as_str()))
        .map(|f| f.id)
        .collect();
    let (mut rows, more) = stale_rows(&mut tx, table_id, &fields, &direct, max_rows).await?;
    rows.sort_unstable();
    let done = TableRefreshed {
        table_id,
        fields: following,
        rows,
        more,
    };
    if done.rows.is_empty() {
        tx.rollback().await?;
        return Ok(Some(done));
    }
    let ids = &done.rows;
    let before = if ids.len() <= MAX_ANNOUNCED_ROWS {
        Some(event_rows(
            &fields,
            rows_by_ids(&mut tx, table_id, &fields, ids).await?,
        ))
    } else {
        None
    };
    // Rows elsewhere looking these up are read before and recomputed after, as for a
    // write; these rows themselves are announced below.
    let touched = Touched::from([(table_id, ids.iter().copied().collect())]);
    let mut ripple = Ripple::capture(&mut tx, touched, Changes::new(), table_id, ids).await?;
    let only: BTreeSet<i64> = direct.iter().map(|f| f.id).collect();
    let recomputed = recompute_some(&mut tx, table_id, &fields, Some(ids), Some(&only)).await?;
    ripple.note(table_id, Changed::Fields(recomputed));
    match before {
        Some(before) => {
            let after = event_rows(&fields, rows_by_ids(&mut tx, table_id, &fields, ids).await?);
            tx.emit(
                table_id,
                TableEvent::RowsUpdated {
                    table_id,
                    rows_before_update: before,
                    rows: after,
                    updated_field_ids: done.fields.iter().copied().collect(),
                    metadata: json!({}),
                },
            );
        }
        None => {
            if let Some(table) = tables::repo::get(&mut *tx, table_id).await? {
                tx.emit(
                    table_id,
                    TableEvent::TableUpdated {
                        table_id,
                        table: table.to_json(),
                        force_table_refresh: true,
                        before: None,
                    },
                );
            }
        }
    }
    ripple.emit(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(done))
}

/// Live rows (at most `max_rows`) where a formula of `direct` gives another value now
/// than the one stored, and whether there were more. The formulas naming them need not
/// be evaluated: they can only change on rows where these did.
async fn stale_rows(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    direct: &[&Field],
    max_rows: usize,
) -> sqlx::Result<(Vec<i64>, bool)> {
    let resolver = Resolver::load(&mut *conn, fields).await?;
    // The same value `recompute_some` writes; an invalid formula stores NULL and stays.
    let differs: Vec<String> = direct
        .iter()
        .filter_map(|f| {
            let compiled = compile(&resolver, Some(f.id), formula_of(f));
            let sql = compiled.sql?;
            Some(format!(
                "t.{} IS DISTINCT FROM ({sql})::{}",
                f.column(),
                stored::sql_type(&compiled.ty)
            ))
        })
        .collect();
    if differs.is_empty() || max_rows == 0 {
        return Ok((Vec::new(), false));
    }
    let limit = i64::try_from(max_rows).unwrap_or(i64::MAX - 1) + 1;
    let mut ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT t.id FROM {} t WHERE NOT t.trashed AND ({}) ORDER BY t.id LIMIT $1",
        table_name(table_id),
        differs.join(" OR ")
    )))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let more = ids.len() > max_rows;
    ids.truncate(max_rows);
    Ok((ids, more))
}
