//! Manual row order: `order` is a NUMERIC(40,20); inserting before a row takes the
//! midpoint between it and its predecessor.

use crate::database::tables::table_name;
use sqlx::{AssertSqlSafe, PgConnection};

/// The order for a row placed at the end: `ceil(max) + 1`, as Baserow does.
pub async fn next_order(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar(AssertSqlSafe(format!(
        // `NOT trashed` lets the partial (order, id) index answer instead of a full scan.
        "SELECT (COALESCE(ceil(MAX(\"order\")), 0) + 1)::text FROM {} WHERE NOT trashed",
        table_name(table_id)
    )))
    .fetch_one(conn)
    .await
}

/// `count` orders strictly between the predecessor of `before_id` (or 0) and `before_id`,
/// evenly spaced. `None` when the row does not exist; renumbers the table first when the
/// gap has no room left at 20 decimal places.
pub async fn orders_before(
    conn: &mut PgConnection,
    table_id: i64,
    before_id: i64,
    count: usize,
) -> sqlx::Result<Option<Vec<String>>> {
    let table = table_name(table_id);
    for _ in 0..2 {
        let bounds: Option<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT b.\"order\"::text, COALESCE((SELECT MAX(p.\"order\") FROM {table} p WHERE p.\"order\" < b.\"order\" AND NOT p.trashed), 0)::text \
             FROM {table} b WHERE b.id = $1 AND NOT b.trashed"
        )))
        .bind(before_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((high, low)) = bounds else {
            return Ok(None);
        };
        let orders: Vec<String> = sqlx::query_scalar(
            "SELECT round($1::numeric + ($2::numeric - $1::numeric) * i / ($3 + 1), 20)::text FROM generate_series(1, $3) AS i ORDER BY i",
        )
        .bind(&low)
        .bind(&high)
        .bind(count as i64)
        .fetch_all(&mut *conn)
        .await?;
        let distinct = orders.first() != Some(&low)
            && orders.last() != Some(&high)
            && orders.windows(2).all(|w| w[0] != w[1]);
        if distinct {
            return Ok(Some(orders));
        }
        renumber(conn, table_id).await?;
    }
    Ok(None)
}

/// Renumbers every row 1..n in its current order (when fractions run out).
pub async fn renumber(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<()> {
    let table = table_name(table_id);
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE {table} t SET \"order\" = n.num FROM (SELECT id, row_number() OVER (ORDER BY \"order\", id) AS num FROM {table}) n WHERE n.id = t.id"
    )))
    .execute(conn)
    .await
    .map(|_| ())
}
