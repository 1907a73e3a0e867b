//! The search indexes of a table an import created, built after the import commits with
//! `CREATE INDEX CONCURRENTLY`. Building ten trigram indexes over a million rows takes far
//! longer than copying the rows; meanwhile the table is usable and search reads it whole.

use crate::{
    context::AppContext,
    database::{
        fields::{self, registry::field_types},
        indexes,
        tables::{self, table_name},
    },
};

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
            // The fields an import creates (text ones, and from external databases also
            // numbers, dates, booleans and selects) set up nothing but such indexes, the
            // only setup the import dropped; other setup statements never run here.
            let Some(rest) = sql.strip_prefix("CREATE INDEX IF NOT EXISTS ") else {
                continue;
            };
            let Some(name) = rest.split_whitespace().next() else {
                continue;
            };
            // In the table's turn: concurrent builds on one table would deadlock.
            let create = format!("CREATE INDEX CONCURRENTLY IF NOT EXISTS {rest}");
            indexes::change_concurrently(&ctx.db, &mut conn, table_id, name, Some(&create)).await?;
        }
    }
    tracing::info!(table_id, "indexes of an imported table built");
    Ok(())
}
