//! The row before or after another in a listing's order (an expanded row's arrows).

use super::{
    RowError,
    query::{self, ListQuery},
    read::RowKeys,
    service::open,
};
use crate::{
    context::AppContext,
    database::{tables::table_name, tokens::Operation},
    platform::auth::Actor,
};
use serde_json::{Map, Value};
use sqlx::{Postgres, QueryBuilder};

/// The row next to `row_id` (before it when `previous`) among the rows `q` matches, in
/// its order; `None` at either end. The row itself must match `q`, else `NotFound`.
pub async fn adjacent(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    previous: bool,
    q: &ListQuery,
) -> Result<Option<Map<String, Value>>, RowError> {
    let mut conn = ctx.db.acquire().await?;
    let (_, _, fields) = open(&mut conn, actor, table_id, Operation::Read).await?;
    let order = query::order_clause(&fields, q.order_by.as_deref(), q.keys == RowKeys::Names)?;
    // Numbering the matching rows in order and stepping one number is what Baserow does;
    // it reads every matching id, which the listing's own indexes keep cheap.
    let mut sql = QueryBuilder::<Postgres>::new("WITH ordered AS (");
    sql.push(format!(
        "SELECT t.id, row_number() OVER (ORDER BY {}) AS n FROM {} t",
        order.clause,
        table_name(table_id)
    ));
    query::push_where(&mut sql, &fields, q)?;
    sql.push(format!(
        ") SELECT a.id FROM ordered o LEFT JOIN ordered a ON a.n = o.n {} 1 WHERE o.id = ",
        if previous { "-" } else { "+" }
    ))
    .push_bind(row_id);
    let found: Option<(Option<i64>,)> = sql.build_query_as().fetch_optional(&mut *conn).await?;
    let Some((neighbour,)) = found else {
        return Err(RowError::NotFound(vec![row_id]));
    };
    match neighbour {
        Some(id) => Ok(query::get_row(&mut conn, table_id, &fields, id, q.keys).await?),
        None => Ok(None),
    }
}
