//! Row names: the text of the primary field of given rows, for showing a row referenced
//! from elsewhere (Baserow's `rows/names/`).

use super::{RowError, read::column_expr, service::open};
use crate::{
    context::AppContext,
    database::{fields::registry::field_types, tables::table_name, tokens::Operation},
    platform::auth::Actor,
};
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;

/// For each `(table id, row ids)`: `{"<table id>": {"<row id>": "<primary text>"}}`. Every
/// table must be readable and in the database of the first; missing rows are left out.
pub async fn names(
    ctx: &AppContext,
    actor: &Actor,
    wanted: &[(i64, Vec<i64>)],
) -> Result<Map<String, Value>, RowError> {
    let mut conn = ctx.db.acquire().await?;
    let mut database = None;
    let mut out = Map::new();
    for (table_id, row_ids) in wanted {
        let (table, _, fields) = open(&mut conn, actor, *table_id, Operation::Read).await?;
        // Tables of another database are treated as missing, as Baserow does.
        if *database.get_or_insert(table.database_id) != table.database_id {
            return Err(RowError::TableNotFound);
        }
        let text = fields
            .iter()
            .find(|f| f.primary)
            .and_then(|f| field_types().get(&f.kind).map(|ft| (f, ft)))
            .map(|(f, ft)| ft.text_sql(f, &column_expr(f, ft)))
            .unwrap_or_else(|| "NULL::text".into());
        let sql = format!(
            "SELECT t.id, COALESCE(({text})::text, '') FROM {} t \
             WHERE t.id = ANY($1) AND NOT t.trashed ORDER BY t.id",
            table_name(table.id)
        );
        let rows: Vec<(i64, String)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(row_ids)
            .fetch_all(&mut *conn)
            .await?;
        let names = rows
            .into_iter()
            .map(|(id, name)| (id.to_string(), Value::String(name)))
            .collect();
        out.insert(table_id.to_string(), Value::Object(names));
    }
    Ok(out)
}
