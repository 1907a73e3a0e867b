//! SQL for `database_tables` and the DDL that creates a user table.

use super::{Table, table_name};
use sqlx::{AssertSqlSafe, PgConnection, PgExecutor};

const SELECT: &str =
    "SELECT id, database_id, name, \"order\", created_on, row_count FROM database_tables";

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Table>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT} WHERE id = $1 AND NOT trashed"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>, database_id: i64) -> sqlx::Result<Vec<Table>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT} WHERE database_id = $1 AND NOT trashed ORDER BY \"order\", id"
    )))
    .bind(database_id)
    .fetch_all(db)
    .await
}

/// Live tables of several databases at once (for database listings).
pub async fn list_for_databases(
    db: impl PgExecutor<'_>,
    database_ids: &[i64],
) -> sqlx::Result<Vec<Table>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT} WHERE database_id = ANY($1) AND NOT trashed ORDER BY \"order\", id"
    )))
    .bind(database_ids)
    .fetch_all(db)
    .await
}

pub async fn insert(db: impl PgExecutor<'_>, database_id: i64, name: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO database_tables (database_id, name, \"order\") \
         VALUES ($1, $2, (SELECT COALESCE(MAX(\"order\"), 0) + 1 FROM database_tables WHERE database_id = $1)) RETURNING id",
    )
    .bind(database_id)
    .bind(name)
    .fetch_one(db)
    .await
}

pub async fn rename(db: impl PgExecutor<'_>, id: i64, name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_tables SET name = $2 WHERE id = $1")
        .bind(id)
        .bind(name)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_trashed(db: impl PgExecutor<'_>, id: i64, trashed: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_tables SET trashed = $2 WHERE id = $1")
        .bind(id)
        .bind(trashed)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_order(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_tables t SET \"order\" = o.position FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, position) WHERE t.id = o.id")
        .bind(ids)
        .execute(db)
        .await
        .map(|_| ())
}

/// Adds `delta` to the live row count (negative for deletions).
pub async fn add_row_count(db: impl PgExecutor<'_>, id: i64, delta: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_tables SET row_count = row_count + $2 WHERE id = $1")
        .bind(id)
        .bind(delta)
        .execute(db)
        .await
        .map(|_| ())
}

/// Creates `database_table_{id}` with the system columns (and the full-text search column,
/// whose indexes its first refresh builds: see `database::search`).
pub async fn create_user_table(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    let table = table_name(id);
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (\
           id BIGSERIAL PRIMARY KEY, \
           \"order\" NUMERIC(40, 20) NOT NULL DEFAULT 1, \
           created_on TIMESTAMPTZ NOT NULL DEFAULT now(), \
           updated_on TIMESTAMPTZ NOT NULL DEFAULT now(), \
           created_by BIGINT, \
           last_modified_by BIGINT, \
           trashed BOOLEAN NOT NULL DEFAULT FALSE, \
           search_tsv TSVECTOR)"
    )))
    .execute(&mut *conn)
    .await?;
    sqlx::query(AssertSqlSafe(format!(
        "CREATE INDEX {table}_order ON {table} (\"order\", id) WHERE NOT trashed"
    )))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The default "Grid" view every new table gets.
pub async fn create_default_view(db: impl PgExecutor<'_>, table_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO database_views (table_id, name, type, \"order\") VALUES ($1, 'Grid', 'grid', 1) RETURNING id")
        .bind(table_id)
        .fetch_one(db)
        .await
}

/// Locks the table's row until the transaction ends: writers of one table queue here, which
/// keeps row orders and the event sequence free of races.
pub async fn lock(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("SELECT 1 FROM database_tables WHERE id = $1 FOR UPDATE")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Deletes a table for good, in the caller's transaction so the schema and the metadata
/// change together: the PostgreSQL table, the sequences its autonumber fields made (they
/// belong to no column, so `DROP TABLE` leaves them), its metadata (fields, views and
/// webhooks go with it), its event log and its realtime cursor.
pub async fn drop_for_good(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    let table = table_name(id);
    crate::database::links::schema::forget_links_to(conn, id).await?;
    sqlx::query(AssertSqlSafe(format!("DROP TABLE IF EXISTS {table}")))
        .execute(&mut *conn)
        .await?;
    let prefix = format!("{table}_field_");
    let sequences: Vec<String> = sqlx::query_scalar(
        "SELECT relname::text FROM pg_class WHERE relkind = 'S' AND starts_with(relname::text, $1)",
    )
    .bind(&prefix)
    .fetch_all(&mut *conn)
    .await?;
    // Names are rebuilt from the numeric field id they carry, never used as found.
    for field_id in sequences.iter().filter_map(|name| {
        name.strip_prefix(&prefix)?
            .strip_suffix("_seq")?
            .parse::<i64>()
            .ok()
    }) {
        sqlx::query(AssertSqlSafe(format!(
            "DROP SEQUENCE IF EXISTS {table}_field_{field_id}_seq"
        )))
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM database_tables WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM database_table_events WHERE table_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM realtime_cursors WHERE table_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether the table's metadata exists, trashed or not; its PostgreSQL table then does too.
pub async fn exists_any(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM database_tables WHERE id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}
