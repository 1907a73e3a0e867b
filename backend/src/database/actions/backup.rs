//! Column data kept for undoing a field's type change: before the conversion the column
//! is copied into `database_field_backup_{id}` (row `id` and `value`), undo writes it back
//! after converting the field back, and the clean-up drops it with its action.

use crate::database::{
    computed,
    fields::{self, Field, field_type::Storage, registry::field_types},
    tables,
};
use serde_json::Value;
use sqlx::{AssertSqlSafe, PgConnection};

fn table(backup_id: i64) -> String {
    format!("database_field_backup_{backup_id}")
}

/// Copies the field's column; `None` for fields without a column of their own (links,
/// formulas, system values), whose data the conversion back recomputes.
pub async fn save(conn: &mut PgConnection, field: &Field) -> sqlx::Result<Option<i64>> {
    let own_column = field_types()
        .get(&field.kind)
        .is_some_and(|ft| matches!(ft.storage(field), Storage::Column { .. }));
    if !own_column || computed::is_computed(&field.kind) {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar("SELECT nextval('database_field_backup_seq')")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {} AS SELECT id, {} AS value FROM {}",
        table(id),
        field.column(),
        tables::table_name(field.table_id)
    )))
    .execute(&mut *conn)
    .await?;
    Ok(Some(id))
}

/// Writes the kept values back into the field's column (converted back to the old type
/// already). Rows created since keep their converted values.
pub async fn restore(conn: &mut PgConnection, backup_id: i64, field_id: i64) -> anyhow::Result<()> {
    let field = fields::repo::get(&mut *conn, field_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("field {field_id} is gone"))?;
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE {t} SET {c} = b.value FROM {b} b WHERE {t}.id = b.id",
        t = tables::table_name(field.table_id),
        c = field.column(),
        b = table(backup_id),
    )))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts a select field's old options back under their old ids before it is converted
/// back, so the conversion and the kept values find them.
pub async fn bring_back_select_options(
    conn: &mut PgConnection,
    field_id: i64,
    before: &Value,
) -> sqlx::Result<()> {
    let Some(options) = before.get("select_options").and_then(Value::as_array) else {
        return Ok(());
    };
    for (i, option) in options.iter().enumerate() {
        let (Some(id), Some(value)) = (
            option.get("id").and_then(Value::as_i64),
            option.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        let color = option
            .get("color")
            .and_then(Value::as_str)
            .unwrap_or("blue");
        sqlx::query(
            "INSERT INTO database_select_options (id, field_id, value, color, \"order\") \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(field_id)
        .bind(value)
        .bind(color)
        .bind(i as i32)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Drops a backup whose action is gone.
pub async fn discard(conn: &mut PgConnection, backup_id: i64) -> sqlx::Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "DROP TABLE IF EXISTS {}",
        table(backup_id)
    )))
    .execute(conn)
    .await
    .map(|_| ())
}
