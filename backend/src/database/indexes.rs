//! Indexes that follow use: the first time a field is used to sort a table, an index on it
//! is built in the background (`CREATE INDEX CONCURRENTLY` on the `low` queue, so writers
//! are never blocked). Later sorts — with or without a filter — then read rows in order and
//! stop after a page instead of sorting the whole table.

use super::{
    fields::{Storage, registry::field_types, repo as field_repo},
    tables::table_name,
};
use crate::{
    context::AppContext,
    platform::jobs::{LowJob, enqueue_low},
};
use sqlx::AssertSqlSafe;

pub fn sort_index_name(table_id: i64, field_id: i64) -> String {
    format!("{}_field_{field_id}_sort", table_name(table_id))
}

/// Queues the sort index of a field unless this process already did (or it exists).
pub async fn request_sort_index(ctx: &AppContext, table_id: i64, field_id: i64, kind: &str) {
    let key = (table_id, field_id, kind.to_owned());
    let first_time = ctx
        .index_requests
        .lock()
        .map(|mut seen| seen.insert(key))
        .unwrap_or(false);
    if !first_time {
        return;
    }
    let result: anyhow::Result<()> = async {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(sort_index_name(table_id, field_id))
            .fetch_one(&ctx.db)
            .await?;
        if !exists {
            let mut conn = ctx.db.acquire().await?;
            enqueue_low(&mut conn, &LowJob::CreateSortIndex { table_id, field_id }).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, table_id, field_id, "could not queue a sort index");
    }
}

/// Builds the index (runs in the export worker). Fields without a column of their own,
/// or gone meanwhile, need none.
pub async fn create_sort_index(
    ctx: &AppContext,
    table_id: i64,
    field_id: i64,
) -> anyhow::Result<()> {
    let mut conn = ctx.db.acquire().await?;
    let Some(field) = field_repo::get(&mut conn, field_id).await? else {
        return Ok(());
    };
    let Some(ft) = field_types().get(&field.kind) else {
        return Ok(());
    };
    if field.table_id != table_id || !matches!(ft.storage(&field), Storage::Column { .. }) {
        return Ok(());
    }
    let table = table_name(table_id);
    // Matches `ORDER BY col ASC NULLS FIRST` and, scanned backwards, `DESC NULLS LAST`.
    let sql = format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {table} ({} NULLS FIRST, \"order\", id) WHERE NOT trashed",
        sort_index_name(table_id, field_id),
        field.column()
    );
    sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
    tracing::info!(table_id, field_id, "sort index built");
    Ok(())
}
