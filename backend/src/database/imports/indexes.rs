//! The search indexes of a table an import created, built after the import commits with
//! `CREATE INDEX CONCURRENTLY`. Building ten trigram indexes over a million rows takes far
//! longer than copying the rows; meanwhile the table is usable and search reads it whole.

use crate::{
    context::AppContext,
    database::{
        fields::{self, registry::field_types},
        tables::{self, table_name},
    },
};
use sqlx::AssertSqlSafe;

/// Creates the missing indexes the table's fields ask for (runs in the export worker).
pub async fn build(ctx: &AppContext, table_id: i64) -> anyhow::Result<()> {
    let mut conn = ctx.db.acquire().await?;
    if tables::repo::get(&mut *conn, table_id).await?.is_none() {
        return Ok(());
    }
    let table = table_name(table_id);
    for field in fields::repo::list(&mut conn, table_id).await? {
        let Some(ft) = field_types().get(&field.kind) else {
            continue;
        };
        for sql in ft.column_setup_sql(&field, &table) {
            // An import's new table has text fields only, whose setup is just this index;
            // other setup statements never run here.
            if let Some(rest) = sql.strip_prefix("CREATE INDEX IF NOT EXISTS ") {
                sqlx::query(AssertSqlSafe(format!(
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS {rest}"
                )))
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    tracing::info!(table_id, "indexes of an imported table built");
    Ok(())
}
