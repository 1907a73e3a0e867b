//! SQL for views and their parts.

use super::{View, ViewFilter, ViewFilterGroup, ViewSort};
use serde_json::{Map, Value};
use sqlx::{PgConnection, PgExecutor};

const COLUMNS: &str = "id, table_id, name, type, \"order\", filter_type, filters_disabled, options, \
    row_identifier_type, public, slug, (public_view_password IS NOT NULL) AS has_password, \
    ownership_type, owned_by_id, created_on";

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<View>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_views WHERE id = $1 AND NOT trashed"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Locks a view's row until the transaction ends: an update merges its changes into the
/// current settings, so two at once must not both start from the same ones.
pub async fn lock(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("SELECT 1 FROM database_views WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(db)
        .await
        .map(|_| ())
}

/// Ids of the table's fields that are not in the trash: view parts on others are skipped.
pub async fn live_field_ids(db: impl PgExecutor<'_>, table_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM database_fields WHERE table_id = $1 AND NOT trashed")
        .bind(table_id)
        .fetch_all(db)
        .await
}

pub async fn list(db: impl PgExecutor<'_>, table_id: i64) -> sqlx::Result<Vec<View>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_views WHERE table_id = $1 AND NOT trashed ORDER BY \"order\", id"
    )))
    .bind(table_id)
    .fetch_all(db)
    .await
}

/// The settable columns of a view.
pub struct ViewValues<'a> {
    pub name: &'a str,
    pub filter_type: &'a str,
    pub filters_disabled: bool,
    pub options: &'a Map<String, Value>,
    pub row_identifier_type: &'a str,
    pub public: bool,
}

pub async fn insert(
    conn: &mut PgConnection,
    table_id: i64,
    kind: &str,
    values: &ViewValues<'_>,
) -> sqlx::Result<View> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_views (table_id, name, type, \"order\", filter_type, filters_disabled, \
         options, row_identifier_type, public) \
         SELECT $1, $2, $3, coalesce(max(\"order\"), 0) + 1, $4, $5, $6, $7, $8 \
         FROM database_views WHERE table_id = $1 RETURNING {COLUMNS}"
    )))
    .bind(table_id)
    .bind(values.name)
    .bind(kind)
    .bind(values.filter_type)
    .bind(values.filters_disabled)
    .bind(sqlx::types::Json(values.options))
    .bind(values.row_identifier_type)
    .bind(values.public)
    .fetch_one(conn)
    .await
}

pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    values: &ViewValues<'_>,
) -> sqlx::Result<View> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE database_views SET name = $2, filter_type = $3, filters_disabled = $4, options = $5, \
         row_identifier_type = $6, public = $7 WHERE id = $1 RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(values.name)
    .bind(values.filter_type)
    .bind(values.filters_disabled)
    .bind(sqlx::types::Json(values.options))
    .bind(values.row_identifier_type)
    .bind(values.public)
    .fetch_one(conn)
    .await
}

pub async fn set_password(
    db: impl PgExecutor<'_>,
    id: i64,
    hash: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_views SET public_view_password = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn rotate_slug(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE database_views SET slug = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn set_trashed(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_views SET trashed = TRUE WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_order(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE database_views v SET \"order\" = o.n FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n) WHERE v.id = o.id",
    )
    .bind(ids)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn filters(db: impl PgExecutor<'_>, view_id: i64) -> sqlx::Result<Vec<ViewFilter>> {
    sqlx::query_as(
        "SELECT f.id, f.view_id, f.field_id, f.type, f.value, f.group_id FROM database_view_filters f \
         WHERE f.view_id = $1 ORDER BY f.id",
    )
    .bind(view_id)
    .fetch_all(db)
    .await
}

pub async fn filter_groups(
    db: impl PgExecutor<'_>,
    view_id: i64,
) -> sqlx::Result<Vec<ViewFilterGroup>> {
    sqlx::query_as(
        "SELECT id, view_id, filter_type, parent_group_id FROM database_view_filter_groups \
         WHERE view_id = $1 ORDER BY id",
    )
    .bind(view_id)
    .fetch_all(db)
    .await
}

pub async fn sorts(db: impl PgExecutor<'_>, view_id: i64) -> sqlx::Result<Vec<ViewSort>> {
    sqlx::query_as(
        "SELECT id, view_id, field_id, \"order\", type, NULL::int AS width FROM database_view_sorts \
         WHERE view_id = $1 ORDER BY id",
    )
    .bind(view_id)
    .fetch_all(db)
    .await
}

pub async fn group_bys(db: impl PgExecutor<'_>, view_id: i64) -> sqlx::Result<Vec<ViewSort>> {
    sqlx::query_as(
        "SELECT id, view_id, field_id, \"order\", type, width FROM database_view_group_bys \
         WHERE view_id = $1 ORDER BY id",
    )
    .bind(view_id)
    .fetch_all(db)
    .await
}

/// Stored field options of a view: `field id → options that differ from the defaults`.
pub async fn field_options(
    db: impl PgExecutor<'_>,
    view_id: i64,
) -> sqlx::Result<Vec<(i64, sqlx::types::Json<Map<String, Value>>)>> {
    sqlx::query_as("SELECT field_id, options FROM database_view_field_options WHERE view_id = $1")
        .bind(view_id)
        .fetch_all(db)
        .await
}

pub async fn merge_field_options(
    db: impl PgExecutor<'_>,
    view_id: i64,
    field_id: i64,
    options: &Map<String, Value>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO database_view_field_options (view_id, field_id, options) VALUES ($1, $2, $3) \
         ON CONFLICT (view_id, field_id) DO UPDATE SET options = database_view_field_options.options || $3",
    )
    .bind(view_id)
    .bind(field_id)
    .bind(sqlx::types::Json(options))
    .execute(db)
    .await
    .map(|_| ())
}

/// Copies a view's parts onto another view (duplication), keeping the group structure.
pub async fn copy_parts(conn: &mut PgConnection, from: i64, to: i64) -> sqlx::Result<()> {
    sqlx::query(
        "WITH RECURSIVE src AS (SELECT * FROM database_view_filter_groups WHERE view_id = $1), \
         mapping AS (SELECT id AS old_id, nextval(pg_get_serial_sequence('database_view_filter_groups', 'id')) AS new_id FROM src), \
         ins AS (INSERT INTO database_view_filter_groups (id, view_id, filter_type, parent_group_id) \
                 SELECT m.new_id, $2, s.filter_type, pm.new_id FROM src s JOIN mapping m ON m.old_id = s.id \
                 LEFT JOIN mapping pm ON pm.old_id = s.parent_group_id ORDER BY s.id RETURNING 1) \
         INSERT INTO database_view_filters (view_id, field_id, type, value, group_id) \
         SELECT $2, f.field_id, f.type, f.value, m.new_id FROM database_view_filters f \
         LEFT JOIN mapping m ON m.old_id = f.group_id WHERE f.view_id = $1 ORDER BY f.id",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    for statement in [
        "INSERT INTO database_view_sorts (view_id, field_id, \"order\", type) SELECT $2, field_id, \"order\", type FROM database_view_sorts WHERE view_id = $1 ORDER BY id",
        "INSERT INTO database_view_group_bys (view_id, field_id, \"order\", width, type) SELECT $2, field_id, \"order\", width, type FROM database_view_group_bys WHERE view_id = $1 ORDER BY id",
        "INSERT INTO database_view_field_options (view_id, field_id, options) SELECT $2, field_id, options FROM database_view_field_options WHERE view_id = $1",
        // Decorations name fields of the same table, so their configurations copy as they are.
        "INSERT INTO database_view_decorations (view_id, type, value_provider_type, value_provider_conf, \"order\") SELECT $2, type, value_provider_type, value_provider_conf, \"order\" FROM database_view_decorations WHERE view_id = $1 ORDER BY id",
    ] {
        sqlx::query(statement)
            .bind(from)
            .bind(to)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
