//! The index of a filtered view on a large table: the view's rows alone, in the view's
//! order. Its predicate is the view's filter with the filter values written in, so finding
//! a page — even at a deep offset — is a walk over an index holding nothing but the view's
//! rows, which never touches the table (an index-only scan, see `rows::query::list`).
//!
//! The predicate text comes from PostgreSQL itself: the filter is planned once with its
//! values bound, and the plan's filter — PostgreSQL's own rendering of the condition as SQL,
//! values quoted — becomes the index's `WHERE`. A view whose filter cannot be indexed (it
//! depends on today's date or on other tables) simply gets none. Built with
//! `CREATE INDEX CONCURRENTLY` on the `low` queue; a view's older index is dropped once
//! the new one exists.

use super::{View, listing, repo};
use crate::{
    context::AppContext,
    database::{
        fields,
        indexes::{self, MAX_INDEX_KEYS},
        rows::{ListQuery, query::indexable_sort_fields},
        tables::{self, table_name},
    },
    platform::jobs::{LowJob, enqueue_low},
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, PgConnection, PgPool, Postgres, QueryBuilder};

/// What a view's index is built from: its sort keys and its filter.
struct Plan {
    /// `field_5 ASC NULLS FIRST`, … (at most [`MAX_INDEX_KEYS`]).
    keys: Vec<String>,
    filter: crate::database::filters::FilterGroup,
}

/// The index's name: the view's, with a digest of what it is built from, so a changed view
/// gets a new index rather than a stale one under the old name.
fn index_name(view: &View, plan: &Plan) -> String {
    let digest = Sha256::digest(format!("{:?}{:?}", plan.keys, plan.filter).as_bytes());
    let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{}_view_{}_{short}", table_name(view.table_id), view.id)
}

/// The view's index plan; `None` when it has no live filters (the sort index serves it).
async fn plan(conn: &mut PgConnection, view: &View) -> anyhow::Result<Option<Plan>> {
    let Some(filter) = listing::saved_filter(conn, view).await? else {
        return Ok(None);
    };
    let fields = fields::repo::list(&mut *conn, view.table_id).await?;
    let q = ListQuery {
        order_by: listing::saved_order_by(conn, view).await?,
        ..ListQuery::default()
    };
    let keys = indexable_sort_fields(&fields, &q)
        .into_iter()
        .take(MAX_INDEX_KEYS)
        .map(|(field, desc)| {
            format!(
                "{} {}",
                field.column(),
                if desc {
                    "DESC NULLS LAST"
                } else {
                    "ASC NULLS FIRST"
                }
            )
        })
        .collect();
    Ok(Some(Plan { keys, filter }))
}

/// Asks for the view's index when its table is large enough and it has filters.
/// Failures only cost speed: logged.
pub async fn request(ctx: &AppContext, view: &View) {
    let result: anyhow::Result<()> = async {
        let mut conn = ctx.db.acquire().await?;
        let Some(table) = tables::repo::get(&mut *conn, view.table_id).await? else {
            return Ok(());
        };
        if table.row_count < ctx.settings.view_index_min_rows {
            return Ok(());
        }
        let Some(plan) = plan(&mut conn, view).await? else {
            return Ok(());
        };
        let name = index_name(view, &plan);
        if !indexes::first_request(ctx, name.clone()) {
            return Ok(());
        }
        if !indexes::is_built(&mut *conn, &name).await? {
            enqueue_low(&mut conn, &LowJob::CreateViewIndex { view_id: view.id }).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, view_id = view.id, "could not ask for the view's index");
    }
}

/// The view's filter as PostgreSQL writes it back with its values in place.
async fn predicate(
    conn: &mut PgConnection,
    view: &View,
    plan: &Plan,
) -> anyhow::Result<Option<String>> {
    let fields = fields::repo::list(&mut *conn, view.table_id).await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    // A plain sequential scan keeps the whole condition in one `Filter`.
    for setting in [
        "SET LOCAL enable_indexscan = off",
        "SET LOCAL enable_indexonlyscan = off",
        "SET LOCAL enable_bitmapscan = off",
        "SET LOCAL max_parallel_workers_per_gather = 0",
    ] {
        sqlx::query(setting).execute(&mut *tx).await?;
    }
    let mut explain = QueryBuilder::<Postgres>::new(format!(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM {} t WHERE NOT t.trashed AND ",
        table_name(view.table_id)
    ));
    plan.filter.push_sql(&mut explain, &fields, false)?;
    let out: sqlx::types::Json<Value> = explain.build_query_scalar().fetch_one(&mut *tx).await?;
    tx.rollback().await?;
    let node = out.0.pointer("/0/Plan").cloned().unwrap_or(Value::Null);
    // Sub-plans (conditions that read other tables or compute a value first, like a time
    // zone) cannot be part of an index.
    let plain_scan = node.get("Node Type").and_then(Value::as_str) == Some("Seq Scan")
        && node.get("Plans").is_none();
    let filter = plain_scan
        .then(|| node.get("Filter").and_then(Value::as_str))
        .flatten();
    Ok(filter.map(str::to_owned))
}

/// Builds the view's index (runs in the export worker) and drops its older ones.
pub async fn create(ctx: &AppContext, view_id: i64) -> anyhow::Result<()> {
    let mut conn = ctx.db.acquire().await?;
    let Some(view) = repo::get(&mut *conn, view_id).await? else {
        return Ok(());
    };
    let table = table_name(view.table_id);
    let keep = match plan(&mut conn, &view).await? {
        None => None,
        Some(plan) => {
            let name = index_name(&view, &plan);
            match predicate(&mut conn, &view, &plan).await? {
                Some(predicate) => {
                    let mut columns = plan.keys.clone();
                    columns.extend(["\"order\"".to_owned(), "id".to_owned()]);
                    let sql = format!(
                        "CREATE INDEX CONCURRENTLY {name} ON {table} ({}) WHERE {predicate}",
                        columns.join(", ")
                    );
                    match indexes::change_concurrently(
                        &ctx.db,
                        &mut conn,
                        view.table_id,
                        &name,
                        Some(&sql),
                    )
                    .await
                    {
                        Ok(()) => {
                            tracing::info!(view_id, index = %name, "view index built");
                            Some(name)
                        }
                        Err(e) => {
                            // Functions that are not immutable (dates relative to today)
                            // cannot be in an index predicate.
                            tracing::info!(view_id, error = %e, "the view's filter cannot be indexed");
                            None
                        }
                    }
                }
                None => None,
            }
        }
    };
    drop_others(&ctx.db, &mut conn, &view, keep.as_deref()).await
}

/// The names of a view's own indexes, from the catalog. Only names of the exact shape
/// `database_table_{t}_view_{v}_{hex}` are returned, so they are safe to put in SQL.
async fn view_index_names(
    conn: &mut PgConnection,
    table_id: i64,
    view_id: i64,
) -> sqlx::Result<Vec<String>> {
    let table = table_name(table_id);
    let prefix = format!("{table}_view_{view_id}_");
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() \
         AND tablename = $1 AND starts_with(indexname, $2)",
    )
    .bind(&table)
    .bind(&prefix)
    .fetch_all(&mut *conn)
    .await?;
    Ok(names
        .into_iter()
        .filter(|name| name[prefix.len()..].chars().all(|c| c.is_ascii_hexdigit()))
        .collect())
}

/// Drops the view's indexes other than `keep`.
async fn drop_others(
    db: &PgPool,
    conn: &mut PgConnection,
    view: &View,
    keep: Option<&str>,
) -> anyhow::Result<()> {
    for name in view_index_names(conn, view.table_id, view.id).await? {
        if Some(name.as_str()) != keep {
            indexes::change_concurrently(db, conn, view.table_id, &name, None).await?;
        }
    }
    Ok(())
}

/// Drops every index of a view in the caller's transaction, for a view deleted for good:
/// the indexes belong to its table, which outlives it.
pub async fn drop_all(conn: &mut PgConnection, table_id: i64, view_id: i64) -> sqlx::Result<()> {
    for name in view_index_names(conn, table_id, view_id).await? {
        sqlx::query(AssertSqlSafe(format!("DROP INDEX IF EXISTS {name}")))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
