//! A field's distinct values as text, most frequent first: what filters and type changes
//! offer to pick from (Baserow's `unique_row_values/`).

use super::{FieldError, Storage, registry::field_types, service::accessible};
use crate::{
    context::AppContext,
    database::{rows::read::column_expr, tables::table_name},
    platform::auth::Actor,
};
use sqlx::{Postgres, QueryBuilder};

/// Baserow's `BASEROW_UNIQUE_ROW_VALUES_SIZE_LIMIT`: at most this many values.
pub const MAX_UNIQUE_VALUES: i64 = 100;

/// Types whose cells hold several things or nothing comparable as one text (Baserow's
/// `can_get_unique_values = False`).
const WITHOUT_UNIQUE_VALUES: &[&str] = &[
    "link_row",
    "file",
    "multiple_select",
    "multiple_collaborators",
    "password",
    "count",
    "rollup",
    "lookup",
];

/// A comma outside double quotes, with an optional space after it (how text is split
/// into select options on conversion).
const SPLIT_REGEX: &str = r#",\s?(?=(?:[^"]*"[^"]*")*[^"]*$)"#;

/// Up to `limit` (capped at [`MAX_UNIQUE_VALUES`]) distinct non-empty texts of the
/// field's live rows, the most frequent first; split at commas when `split`, and only
/// those containing `search` (any case) when given.
pub async fn unique_values(
    ctx: &AppContext,
    actor: &Actor,
    field_id: i64,
    limit: Option<i64>,
    split: bool,
    search: Option<&str>,
) -> Result<Vec<String>, FieldError> {
    let mut conn = ctx.db.acquire().await?;
    let (field, _) = accessible(&mut conn, actor, field_id).await?;
    let ft = field_types()
        .get(&field.kind)
        .filter(|ft| {
            !WITHOUT_UNIQUE_VALUES.contains(&ft.name())
                && !matches!(ft.storage(&field), Storage::Virtual)
        })
        .ok_or_else(|| FieldError::NoUniqueValues(field.kind.clone()))?;
    let limit = limit
        .filter(|l| *l > 0)
        .map_or(MAX_UNIQUE_VALUES, |l| l.min(MAX_UNIQUE_VALUES));
    let text = ft.text_sql(&field, &column_expr(&field, ft));
    let value = if split {
        format!("btrim(unnest(regexp_split_to_array(({text})::text, '{SPLIT_REGEX}')), ' \"')")
    } else {
        format!("({text})::text")
    };
    let mut sql = QueryBuilder::<Postgres>::new("SELECT v FROM (");
    sql.push(format!(
        "SELECT {value} AS v FROM {} t WHERE NOT t.trashed",
        table_name(field.table_id)
    ));
    sql.push(") s WHERE v <> ''");
    if let Some(term) = search.filter(|s| !s.is_empty()) {
        sql.push(" AND v ILIKE ")
            .push_bind(crate::database::filters::like_pattern(term));
    }
    // Ties in frequency by the value itself, so the answer does not change between calls.
    sql.push(" GROUP BY v ORDER BY count(*) DESC, v LIMIT ")
        .push_bind(limit);
    Ok(sql.build_query_scalar().fetch_all(&mut *conn).await?)
}
