//! Setting up the relations benchmark through the API (fields, each creation timed) and
//! filling link fields in the database, straight into their relation tables: the row API
//! would take hours for millions of links, and the fill is not what is measured.

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgConnection};
use std::time::{Duration, Instant};
use tessera_bench::server::{Api, id_of};

/// Creates a field in `table_id` from `body`; returns its id and the wall time of the
/// `POST`, which for a computed field includes computing every row.
pub async fn add_field(api: &Api, table_id: i64, body: Value) -> anyhow::Result<(i64, Duration)> {
    let path = format!("/api/database/fields/table/{table_id}/");
    let at = Instant::now();
    let field = api.call(Method::POST, &path, Some(&body)).await?;
    let took = at.elapsed();
    if let Some(error) = field["error"].as_str() {
        anyhow::bail!("field {} was created invalid: {error}", body["name"]);
    }
    Ok((id_of(&field)?, took))
}

/// A link field from `table_id` to `target` without a related field: a row of the linked
/// table then does not carry the tens of thousands of rows linking to it in every answer,
/// so what is timed is the recomputation and announcement, not that list.
pub async fn add_link(
    api: &Api,
    table_id: i64,
    name: &str,
    target: i64,
) -> anyhow::Result<(i64, Duration)> {
    add_field(
        api,
        table_id,
        json!({"name": name, "type": "link_row", "link_row_table_id": target,
            "has_related_field": false}),
    )
    .await
}

/// Links every live row of `table` through the link field `field_id` (whose relation
/// table is `database_relation_{field_id}`, the field's rows in `a_id`): rows with
/// `"order"` up to `hot_rows` to `hot`, the others spread over `others` by id (shifted by
/// `shift`, so two link fields do not pair the same rows). Returns the links written.
pub async fn fill(
    conn: &mut PgConnection,
    table: &str,
    field_id: i64,
    hot: Option<(i64, u64)>,
    others: &[i64],
    shift: i64,
) -> anyhow::Result<u64> {
    anyhow::ensure!(!others.is_empty(), "no rows to link to");
    let relation = format!("database_relation_{field_id}");
    let (hot_row, hot_rows) = hot.unwrap_or((0, 0));
    let written = sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {relation} (a_id, b_id) \
         SELECT t.id, CASE WHEN t.\"order\" <= $1 THEN $2 \
                ELSE ($3::bigint[])[((t.id + $4) % cardinality($3::bigint[])) + 1] END \
         FROM {table} t WHERE NOT t.trashed"
    )))
    .bind(hot_rows as i64)
    .bind(hot_row)
    .bind(others)
    .bind(shift)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::raw_sql(AssertSqlSafe(format!("VACUUM (ANALYZE) {relation}")))
        .execute(&mut *conn)
        .await?;
    Ok(written)
}

/// Rows of `table` whose column `field_{field_id}` is not `expected` (SQL, over `t`):
/// zero when a computed field holds what it should in every row.
pub async fn mismatches(
    conn: &mut PgConnection,
    table: &str,
    field_id: i64,
    expected: &str,
) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT count(*) FROM {table} t WHERE NOT t.trashed \
         AND t.field_{field_id} IS DISTINCT FROM ({expected})"
    )))
    .fetch_one(conn)
    .await?)
}
