//! Listing a row's history.

use super::repo;
use crate::{
    context::AppContext,
    database::{fields, rows::RowError, tables},
    platform::auth::Actor,
};
use serde_json::Value;

/// One page of a row's history, newest first, and how many entries it has in all.
pub struct HistoryPage {
    pub count: i64,
    pub results: Vec<Value>,
}

/// The history of a live row of a table the caller may read. A trashed row has none to
/// show until it is restored (its entries are kept).
#[tracing::instrument(skip_all, fields(user_id = actor.id(), table_id, row_id))]
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    limit: i64,
    offset: i64,
) -> Result<HistoryPage, RowError> {
    let mut conn = ctx.db.acquire().await?;
    fields::table_scope(&mut conn, actor, table_id).await?;
    let live: Option<bool> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT NOT trashed FROM {} WHERE id = $1",
        tables::table_name(table_id)
    )))
    .bind(row_id)
    .fetch_optional(&mut *conn)
    .await?;
    if live != Some(true) {
        return Err(RowError::NotFound(vec![row_id]));
    }
    let count = repo::count(&mut conn, table_id, row_id).await?;
    let results = repo::list(&mut conn, table_id, row_id, limit, offset)
        .await?
        .iter()
        .map(repo::Entry::to_json)
        .collect();
    Ok(HistoryPage { count, results })
}
