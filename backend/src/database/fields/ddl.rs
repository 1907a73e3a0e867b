//! Schema changes of user tables for fields: add a column, convert it to another type.
//! Identifiers come only from numeric ids.

use super::{Field, FieldType, Storage};
use crate::database::tables::table_name;
use sqlx::{AssertSqlSafe, PgConnection};

async fn exec(conn: &mut PgConnection, sql: String) -> sqlx::Result<()> {
    sqlx::query(AssertSqlSafe(sql))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Adds the field's column (when it has one) to its table.
pub async fn add_column(
    conn: &mut PgConnection,
    field: &Field,
    ft: &dyn FieldType,
) -> sqlx::Result<()> {
    let table = table_name(field.table_id);
    if let Storage::Column {
        sql_type,
        not_null_default,
    } = ft.storage(field)
    {
        let constraint = not_null_default
            .map(|d| format!(" NOT NULL DEFAULT {d}"))
            .unwrap_or_default();
        exec(
            conn,
            format!(
                "ALTER TABLE {table} ADD COLUMN {} {sql_type}{constraint}",
                field.column()
            ),
        )
        .await?;
        for sql in ft.column_setup_sql(field, &table) {
            exec(conn, sql).await?;
        }
    }
    Ok(())
}

/// Converts the stored values of `old` (of type `old_ft`) to `new` (of type `new_ft`).
/// Every value goes through text; what does not fit the new type becomes empty. The new
/// column is filled with an `UPDATE` (which, unlike `ALTER … USING`, may look values up,
/// e.g. select options), then replaces the old one.
pub async fn convert_column(
    conn: &mut PgConnection,
    old: &Field,
    old_ft: &dyn FieldType,
    new: &Field,
    new_ft: &dyn FieldType,
) -> sqlx::Result<()> {
    let table = table_name(old.table_id);
    let col = old.column();
    let old_storage = old_ft.storage(old);
    let new_storage = new_ft.storage(new);
    if old.kind == new.kind && old_storage == new_storage {
        return Ok(());
    }
    let Storage::Column {
        sql_type,
        not_null_default,
    } = new_storage
    else {
        // The new type reads a system column or nothing: the old column goes.
        if matches!(old_storage, Storage::Column { .. }) {
            exec(conn, format!("ALTER TABLE {table} DROP COLUMN {col}")).await?;
        }
        return Ok(());
    };
    let source = match old_storage {
        Storage::Column { .. } => format!("t.{col}"),
        Storage::System(system) => format!("t.{system}"),
        Storage::Virtual => "NULL".into(),
    };
    let tmp = format!("{col}_converting");
    exec(
        conn,
        format!("ALTER TABLE {table} ADD COLUMN {tmp} {sql_type}"),
    )
    .await?;
    let text = old_ft.text_sql(old, &source);
    let value = new_ft.text_to_value_sql(new, &text);
    exec(conn, format!("UPDATE {table} t SET {tmp} = {value}")).await?;
    if matches!(old_ft.storage(old), Storage::Column { .. }) {
        exec(conn, format!("ALTER TABLE {table} DROP COLUMN {col}")).await?;
    }
    exec(
        conn,
        format!("ALTER TABLE {table} RENAME COLUMN {tmp} TO {col}"),
    )
    .await?;
    if let Some(default) = not_null_default {
        exec(
            conn,
            format!("UPDATE {table} SET {col} = {default} WHERE {col} IS NULL"),
        )
        .await?;
        exec(conn, format!("ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT {default}, ALTER COLUMN {col} SET NOT NULL")).await?;
    }
    for sql in new_ft.column_setup_sql(new, &table) {
        exec(conn, sql).await?;
    }
    Ok(())
}

/// Drops a field's column (fields stored elsewhere have none) and the sequence an
/// autonumber field made, which belongs to no column and so outlives it otherwise.
pub async fn drop_column(
    conn: &mut PgConnection,
    table_id: i64,
    field_id: i64,
) -> sqlx::Result<()> {
    let table = table_name(table_id);
    exec(
        conn,
        format!("ALTER TABLE {table} DROP COLUMN IF EXISTS field_{field_id}"),
    )
    .await?;
    exec(
        conn,
        format!("DROP SEQUENCE IF EXISTS {table}_field_{field_id}_seq"),
    )
    .await
}
