//! Listing rows: filters, search, ordering, paging, and how `count` is produced.
//!
//! `count` never waits for an exact `COUNT(*)` of a large table: without filters or search
//! it is the table's live row counter (kept exact in every write transaction); with them,
//! PostgreSQL's planner estimate is asked first. When the estimate is at most
//! [`EXACT_COUNT_LIMIT`], one statement gathers the matches (at most [`GATHER_LIMIT`]),
//! counts them and sorts the page out of them, so they are read once for both, and `count`
//! is exact. When the estimate is larger, or more rows match than can be gathered, the page
//! is read on its own and `count` is the estimate (at least the gather limit plus one).

use super::{
    RowError,
    read::{RowKeys, column_expr, fetch_raw, page_select, select_list, to_api_row},
    service::phase_span,
};
use crate::database::{
    fields::{Field, registry::field_types},
    filters::{
        FilterGroup,
        tree::{FieldRef, resolve},
    },
    search::{self, SearchMode},
    tables::table_name,
};
use serde_json::{Map, Value};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use tracing::Instrument;

/// Filtered listings estimated at up to this many rows are counted exactly.
pub const EXACT_COUNT_LIMIT: i64 = 10_000;
/// The most matches a counted listing gathers. Estimates miss by up to about twice either
/// way; room for that keeps an underestimated listing from reading its matches twice.
pub const GATHER_LIMIT: i64 = 2 * EXACT_COUNT_LIMIT;
/// Baserow's page size limit.
pub const MAX_PAGE_SIZE: usize = 200;

#[derive(Debug, Clone, Copy)]
pub enum Paging {
    Page { page: usize, size: usize },
    Offset { limit: usize, offset: usize },
}

/// What to list.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filter: Option<FilterGroup>,
    pub search: Option<String>,
    /// The fields (ids) the search looks in; `None` = every field. A shared view searches
    /// only the fields it shows.
    pub search_fields: Option<Vec<i64>>,
    /// How `search` matches rows.
    pub search_mode: SearchMode,
    pub order_by: Option<String>,
    /// Field keys (`field_5` or names) to return; `None` = all.
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub paging: Paging,
    pub keys: RowKeys,
    /// Skip counting entirely (`exclude_count`).
    pub with_count: bool,
    /// Only these rows (by id), when given: one row of a shared view, or the rows a grid
    /// refreshes.
    pub ids: Option<Vec<i64>>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            filter: None,
            search: None,
            search_fields: None,
            search_mode: SearchMode::Compat,
            order_by: None,
            include: None,
            exclude: None,
            paging: Paging::Page { page: 1, size: 100 },
            keys: RowKeys::Ids,
            with_count: true,
            ids: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub count: Option<i64>,
    pub results: Vec<Map<String, Value>>,
}

/// Splits `order_by` at commas outside double quotes; `\` escapes the next character.
pub fn split_order_by(raw: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in raw.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// An `ORDER BY` clause over the row alias `t`, and the stored columns it reads.
pub(super) struct Order {
    pub(super) clause: String,
    columns: Vec<String>,
}

/// `ORDER BY` clause: the requested fields, then the manual order and id.
pub(super) fn order_clause(
    fields: &[Field],
    order_by: Option<&str>,
    by_name: bool,
) -> Result<Order, RowError> {
    let mut parts = Vec::new();
    let mut columns = vec!["t.id".to_owned(), "t.\"order\"".to_owned()];
    for item in order_by.map(split_order_by).unwrap_or_default() {
        let (desc, name) = match item.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, item.strip_prefix('+').unwrap_or(&item)),
        };
        // A `[type]` suffix picks a sort variant; the default one is used for every variant.
        let name = name.split_once('[').map(|(n, _)| n).unwrap_or(name);
        let field = resolve(fields, &FieldRef::Text(name.to_owned()), by_name)
            .ok_or_else(|| RowError::OrderByFieldNotFound(name.to_owned()))?;
        let ft = field_types()
            .get(&field.kind)
            .ok_or_else(|| RowError::OrderByFieldNotPossible(name.to_owned()))?;
        if !ft.can_order_by() {
            return Err(RowError::OrderByFieldNotPossible(name.to_owned()));
        }
        let column = column_expr(field, ft);
        let expr = ft.sort_sql(field, &column);
        if column.starts_with("t.") && !columns.contains(&column) {
            columns.push(column);
        }
        parts.push(format!(
            "{expr} {}",
            if desc {
                "DESC NULLS LAST"
            } else {
                "ASC NULLS FIRST"
            }
        ));
    }
    parts.push("t.\"order\" ASC".into());
    parts.push("t.id ASC".into());
    Ok(Order {
        clause: parts.join(", "),
        columns,
    })
}

/// Appends `NOT t.trashed AND <filters> AND <search>`.
pub(super) fn push_where(
    sql: &mut QueryBuilder<Postgres>,
    fields: &[Field],
    q: &ListQuery,
) -> Result<(), RowError> {
    if q.search.as_deref().is_some_and(|s| s.contains('\0')) {
        return Err(crate::platform::validation::ValidationError::single(
            "search",
            "invalid",
            "Null characters are not allowed.",
        )
        .into());
    }
    sql.push(" WHERE NOT t.trashed");
    if let Some(ids) = &q.ids {
        sql.push(" AND t.id = ANY(")
            .push_bind(ids.clone())
            .push(")");
    }
    if let Some(filter) = &q.filter {
        sql.push(" AND ");
        filter.push_sql(sql, fields, q.keys == RowKeys::Names)?;
    }
    let search = q.search.as_deref().filter(|s| !s.trim().is_empty());
    if let Some(search) = search.filter(|_| q.search_mode == SearchMode::FullText) {
        sql.push(" AND (");
        search::push_condition(sql, fields, q.search_fields.as_deref(), search);
        push_id_match(sql, search);
        sql.push(")");
    } else if let Some(search) = search {
        sql.push(" AND (FALSE");
        let searched = fields.iter().filter(|f| {
            q.search_fields
                .as_ref()
                .is_none_or(|ids| ids.contains(&f.id))
        });
        for field in searched {
            if let Some(ft) = field_types()
                .get(&field.kind)
                .filter(|ft| ft.can_contain(search.trim()))
            {
                sql.push(" OR ");
                ft.push_contains(field, &column_expr(field, ft), sql, search.trim());
            }
        }
        push_id_match(sql, search);
        sql.push(")");
    }
    Ok(())
}

/// ` OR t.id = <n>` when the search is a number: it may be a row id. Comparing ids (not
/// their text) keeps the planner's estimate and the primary key in play.
fn push_id_match(sql: &mut QueryBuilder<Postgres>, search: &str) {
    if let Ok(id) = search.trim().parse::<i64>() {
        sql.push(" OR t.id = ").push_bind(id);
    }
}

/// The fields a listing returns, after `include`/`exclude`.
fn output_fields(fields: &[Field], q: &ListQuery) -> Vec<Field> {
    let by_name = q.keys == RowKeys::Names;
    let named = |list: &Vec<String>, f: &Field| {
        list.iter().any(|k| {
            resolve(std::slice::from_ref(f), &FieldRef::Text(k.clone()), by_name).is_some()
        })
    };
    fields
        .iter()
        .filter(|f| q.include.as_ref().is_none_or(|inc| named(inc, f)))
        .filter(|f| q.exclude.as_ref().is_none_or(|exc| !named(exc, f)))
        .cloned()
        .collect()
}

/// The page's `LIMIT` and `OFFSET`. `size` and `limit` share the cap: either would
/// otherwise hand a whole table (of a shared view, to anyone) over in one answer.
fn limit_offset(q: &ListQuery) -> Result<(i64, i64), RowError> {
    let (limit, offset) = match q.paging {
        Paging::Page { page, size } => (size, (page.max(1) - 1).saturating_mul(size)),
        Paging::Offset { limit, offset } => (limit, offset),
    };
    if limit > MAX_PAGE_SIZE {
        return Err(RowError::PageSizeLimit(MAX_PAGE_SIZE));
    }
    let clamp = |n: usize| n.min(i64::MAX as usize) as i64;
    Ok((clamp(limit), clamp(offset)))
}

/// Appends the page's rows, in order, as one `text[]` of `row_to_json` texts: the rows
/// whose ids `push_ids` selects, ordered by `order`. The ids are found once (`p`); values
/// read per page (links) come from one query over them each.
fn push_page_rows(
    sql: &mut QueryBuilder<Postgres>,
    table: &str,
    out_fields: &[Field],
    order: &Order,
    push_ids: impl FnOnce(&mut QueryBuilder<Postgres>) -> Result<(), RowError>,
) -> Result<(), RowError> {
    let page = "SELECT id FROM p";
    let select = page_select(out_fields, page);
    sql.push("ARRAY(WITH p AS MATERIALIZED (");
    push_ids(sql)?;
    sql.push(format!(
        "){ctes} SELECT row_to_json(r)::text FROM (SELECT {list} FROM {table} t{joins} \
         WHERE t.id = ANY(ARRAY({page})) ORDER BY {order}) r)",
        ctes = select.ctes,
        list = select.list,
        joins = select.joins,
        order = order.clause,
    ));
    Ok(())
}

fn api_rows(out_fields: &[Field], texts: Vec<String>, keys: RowKeys) -> Vec<Map<String, Value>> {
    let _json = phase_span!("json").entered();
    texts
        .iter()
        .filter_map(|t| serde_json::from_str::<Value>(t).ok())
        .filter_map(|v| match v {
            Value::Object(m) => Some(to_api_row(out_fields, m, keys)),
            _ => None,
        })
        .collect()
}

/// One page of a table's rows; `count` is the row counter when unfiltered and `None` when
/// filtered ([`list_filtered`] counts) or not wanted.
pub async fn list(
    conn: &mut PgConnection,
    table_id: i64,
    row_count: i64,
    fields: &[Field],
    q: &ListQuery,
) -> Result<Page, RowError> {
    let (limit, offset) = limit_offset(q)?;
    let out_fields = output_fields(fields, q);
    let order = order_clause(fields, q.order_by.as_deref(), q.keys == RowKeys::Names)?;
    let table = table_name(table_id);

    // The page's ids first, then its rows: finding the page needs only the columns that
    // filter and sort, which an index can hold (an index-only scan steps over a deep offset
    // without reading the table); the full rows are read for the page alone.
    let mut sql = QueryBuilder::<Postgres>::new("SELECT ");
    push_page_rows(&mut sql, &table, &out_fields, &order, |sql| {
        sql.push(format!("SELECT t.id FROM {table} t"));
        push_where(sql, fields, q)?;
        sql.push(format!(" ORDER BY {} LIMIT ", order.clause))
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        Ok(())
    })?;
    let texts: Vec<String> = sql
        .build_query_scalar()
        .fetch_one(&mut *conn)
        .instrument(phase_span!("sql"))
        .await?;
    let count = (q.with_count && !is_filtered(q)).then_some(row_count);
    Ok(Page {
        count,
        results: api_rows(&out_fields, texts, q.keys),
    })
}

/// Whether `count` needs counting (filters or search), rather than the row counter.
pub fn is_filtered(q: &ListQuery) -> bool {
    q.with_count
        && (q.filter.is_some()
            || q.ids.is_some()
            || q.search.as_deref().is_some_and(|s| !s.trim().is_empty()))
}

/// A filtered page and its `count` (see the module documentation).
pub async fn list_filtered(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    q: &ListQuery,
) -> Result<Page, RowError> {
    let estimate = estimate(conn, &table_name(table_id), fields, q).await?;
    if estimate <= EXACT_COUNT_LIMIT
        && let Some(page) = list_counted(conn, table_id, fields, q).await?
    {
        return Ok(page);
    }
    let page = list(conn, table_id, 0, fields, q).await?;
    let floor = if estimate <= EXACT_COUNT_LIMIT {
        GATHER_LIMIT + 1
    } else {
        0
    };
    Ok(Page {
        count: Some(estimate.max(floor)),
        ..page
    })
}

/// A filtered page with its exact count from one statement, or `None` when more than
/// [`GATHER_LIMIT`] rows match. The matches are read once, with just the columns the order
/// needs and at most one more than the limit, then counted, and the page's ids are sorted
/// out of them; counting on the side would read every match a second time.
async fn list_counted(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    q: &ListQuery,
) -> Result<Option<Page>, RowError> {
    let (limit, offset) = limit_offset(q)?;
    let out_fields = output_fields(fields, q);
    let order = order_clause(fields, q.order_by.as_deref(), q.keys == RowKeys::Names)?;
    let table = table_name(table_id);
    let mut sql = QueryBuilder::<Postgres>::new(format!(
        "WITH m AS MATERIALIZED (SELECT {} FROM {table} t",
        order.columns.join(", ")
    ));
    push_where(&mut sql, fields, q)?;
    sql.push(" LIMIT ")
        .push_bind(GATHER_LIMIT + 1)
        .push(") SELECT (SELECT count(*) FROM m), ");
    push_page_rows(&mut sql, &table, &out_fields, &order, |sql| {
        sql.push(format!(
            "SELECT t.id FROM m t ORDER BY {} LIMIT ",
            order.clause
        ))
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
        Ok(())
    })?;
    let (count, texts): (i64, Vec<String>) = sql
        .build_query_as()
        .fetch_one(&mut *conn)
        .instrument(phase_span!("sql"))
        .await?;
    Ok((count <= GATHER_LIMIT).then(|| Page {
        count: Some(count),
        results: api_rows(&out_fields, texts, q.keys),
    }))
}

/// The exact number of rows a listing matches (`count=true` on a view asks for it); an
/// index holding just those rows, as a filtered view's, makes this a walk over the index.
pub async fn exact_count(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    q: &ListQuery,
) -> Result<i64, RowError> {
    let mut sql =
        QueryBuilder::<Postgres>::new(format!("SELECT count(*) FROM {} t", table_name(table_id)));
    push_where(&mut sql, fields, q)?;
    Ok(sql.build_query_scalar().fetch_one(&mut *conn).await?)
}

/// `count` of a filtered listing without its page (an export's total): the estimate, or
/// the exact number when the estimate is at most [`EXACT_COUNT_LIMIT`].
pub async fn filtered_count_of(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    q: &ListQuery,
) -> Result<i64, RowError> {
    let table = table_name(table_id);
    let estimate = estimate(conn, &table, fields, q).await?;
    if estimate > EXACT_COUNT_LIMIT {
        return Ok(estimate);
    }
    let mut sql =
        QueryBuilder::<Postgres>::new(format!("SELECT count(*) FROM (SELECT 1 FROM {table} t"));
    push_where(&mut sql, fields, q)?;
    sql.push(" LIMIT ")
        .push_bind(EXACT_COUNT_LIMIT + 1)
        .push(") c");
    let exact: i64 = sql.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(if exact > EXACT_COUNT_LIMIT {
        estimate.max(exact)
    } else {
        exact
    })
}

/// The planner's estimate of the rows a listing matches: it costs the planning alone and
/// decides whether counting exactly is affordable.
async fn estimate(
    conn: &mut PgConnection,
    table: &str,
    fields: &[Field],
    q: &ListQuery,
) -> Result<i64, RowError> {
    let mut explain =
        QueryBuilder::<Postgres>::new(format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} t"));
    push_where(&mut explain, fields, q)?;
    let plan: Value = explain
        .build_query_scalar::<sqlx::types::Json<Value>>()
        .fetch_one(&mut *conn)
        .instrument(phase_span!("estimate"))
        .await?
        .0;
    Ok(plan
        .pointer("/0/Plan/Plan Rows")
        .and_then(Value::as_f64)
        .unwrap_or(0.0) as i64)
}

/// Rows split into groups by a key (a calendar's days), each group paged on its own: the
/// listing's filters and order apply within every group.
pub struct Partition<'a> {
    /// Appends the SQL text of the key a row belongs to.
    pub key: &'a (dyn Fn(&mut QueryBuilder<Postgres>) + Sync),
    /// Appends a condition every listed row also meets.
    pub condition: &'a (dyn Fn(&mut QueryBuilder<Postgres>) + Sync),
    pub limit: usize,
    pub offset: usize,
}

/// One group of a partitioned listing: its key, how many rows it has, and the page.
pub struct Group {
    pub key: String,
    pub count: i64,
    pub results: Vec<Map<String, Value>>,
}

/// Lists rows per group in one query (see [`Partition`]); groups without rows are absent.
pub async fn list_partitioned(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    q: &ListQuery,
    partition: &Partition<'_>,
) -> Result<Vec<Group>, RowError> {
    let out_fields = output_fields(fields, q);
    let order = order_clause(fields, q.order_by.as_deref(), q.keys == RowKeys::Names)?.clause;
    let mut sql = QueryBuilder::<Postgres>::new("SELECT p.k, p.c, p.j FROM (SELECT ");
    (partition.key)(&mut sql);
    sql.push(" AS k, count(*) OVER (PARTITION BY ");
    (partition.key)(&mut sql);
    sql.push(") AS c, row_number() OVER (PARTITION BY ");
    (partition.key)(&mut sql);
    sql.push(format!(
        " ORDER BY {order}) AS n, (SELECT row_to_json(r)::text FROM (SELECT {}) r) AS j FROM {} t",
        select_list(&out_fields),
        table_name(table_id)
    ));
    push_where(&mut sql, fields, q)?;
    sql.push(" AND ");
    (partition.condition)(&mut sql);
    let first = partition.offset.min(i64::MAX as usize / 2) as i64;
    sql.push(") p WHERE p.n > ")
        .push_bind(first)
        .push(" AND p.n <= ")
        .push_bind(first + partition.limit.min(MAX_PAGE_SIZE) as i64)
        .push(" ORDER BY p.k, p.n");
    let rows: Vec<(Option<String>, i64, String)> =
        sql.build_query_as().fetch_all(&mut *conn).await?;
    let mut groups: Vec<Group> = Vec::new();
    for (key, count, text) in rows {
        let key = key.unwrap_or_else(|| "null".to_owned());
        let Ok(Value::Object(raw)) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let row = to_api_row(&out_fields, raw, q.keys);
        match groups.last_mut() {
            Some(group) if group.key == key => group.results.push(row),
            _ => groups.push(Group {
                key,
                count,
                results: vec![row],
            }),
        }
    }
    Ok(groups)
}

/// Aggregates over every row a listing matches (all pages): `push_values` appends a
/// comma-separated list of SQL expressions, each yielding `jsonb`; their values come back
/// in that order.
pub async fn aggregate(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    q: &ListQuery,
    push_values: impl FnOnce(&mut QueryBuilder<Postgres>),
) -> Result<Vec<Value>, RowError> {
    let mut sql = QueryBuilder::<Postgres>::new("SELECT jsonb_build_array(");
    push_values(&mut sql);
    sql.push(format!(") FROM {} t", table_name(table_id)));
    push_where(&mut sql, fields, q)?;
    let values: sqlx::types::Json<Vec<Value>> =
        sql.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(values.0)
}

/// The `limit` most frequent values of `value_sql` (an expression over the row alias `t`)
/// among the rows a listing matches, each as `[value, count]`, the most frequent first.
pub async fn distribution(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    q: &ListQuery,
    value_sql: &str,
    limit: i64,
) -> Result<Vec<Value>, RowError> {
    let mut sql = QueryBuilder::<Postgres>::new("SELECT jsonb_build_array(v, n) FROM (");
    sql.push(format!(
        "SELECT v, count(*) AS n FROM (SELECT {value_sql} AS v FROM {} t",
        table_name(table_id)
    ));
    push_where(&mut sql, fields, q)?;
    sql.push(") s GROUP BY v ORDER BY n DESC, v LIMIT ")
        .push_bind(limit)
        .push(") d");
    let pairs: Vec<sqlx::types::Json<Value>> =
        sql.build_query_scalar().fetch_all(&mut *conn).await?;
    Ok(pairs.into_iter().map(|p| p.0).collect())
}

/// Appends the query of every row a listing matches, in its order, each row as
/// `row_to_json` text of `out_fields`: what an export reads through a cursor, a chunk at a
/// time, however many rows match.
pub fn push_all_rows(
    sql: &mut QueryBuilder<Postgres>,
    table_id: i64,
    fields: &[Field],
    out_fields: &[Field],
    q: &ListQuery,
) -> Result<(), RowError> {
    let order = order_clause(fields, q.order_by.as_deref(), q.keys == RowKeys::Names)?.clause;
    sql.push(format!(
        "SELECT row_to_json(r)::text FROM (SELECT {} FROM {} t",
        select_list(out_fields),
        table_name(table_id)
    ));
    push_where(sql, fields, q)?;
    sql.push(format!(" ORDER BY {order}) r"));
    Ok(())
}

/// One live row by id, as the API shows it.
pub async fn get_row(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    row_id: i64,
    keys: RowKeys,
) -> Result<Option<Map<String, Value>>, RowError> {
    let inner = format!(
        "SELECT {} FROM {} t WHERE t.id = ANY($1) AND NOT t.trashed",
        select_list(fields),
        table_name(table_id)
    );
    let rows = fetch_raw(conn, inner, Some(&[row_id])).await?;
    Ok(rows.into_iter().next().map(|r| to_api_row(fields, r, keys)))
}

/// The fields a listing sorts by, with their directions, up to the first that does not
/// sort by its own column (an index can serve only that prefix of the order).
pub fn indexable_sort_fields<'a>(fields: &'a [Field], q: &ListQuery) -> Vec<(&'a Field, bool)> {
    let mut indexable = Vec::new();
    for item in split_order_by(q.order_by.as_deref().unwrap_or_default()) {
        let desc = item.starts_with('-');
        let name = item.trim_start_matches(['-', '+']);
        let name = name.split_once('[').map(|(n, _)| n).unwrap_or(name);
        let Some(field) = resolve(
            fields,
            &FieldRef::Text(name.to_owned()),
            q.keys == RowKeys::Names,
        ) else {
            break;
        };
        let Some(ft) = field_types().get(&field.kind) else {
            break;
        };
        let col = column_expr(field, ft);
        if ft.sort_sql(field, &col) != col || !col.starts_with("t.field_") {
            break;
        }
        indexable.push((field, desc));
    }
    indexable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_by_splits_on_unquoted_commas() {
        assert_eq!(
            split_order_by("-field_1, field_2"),
            vec!["-field_1", "field_2"]
        );
        assert_eq!(split_order_by(r#""a,b",-c\,d"#), vec!["a,b", "-c,d"]);
        assert!(split_order_by("").is_empty());
    }

    #[test]
    fn rows_are_ordered_by_fields_then_manual_order() {
        let fields = vec![crate::database::fields::test_field(
            "text",
            serde_json::json!({}),
        )];
        let order = order_clause(&fields, Some("-field_1,field_1"), false).unwrap();
        assert_eq!(
            order.clause,
            "t.field_1 DESC NULLS LAST, t.field_1 ASC NULLS FIRST, t.\"order\" ASC, t.id ASC"
        );
        // The columns a page is sorted from, each once.
        assert_eq!(order.columns, vec!["t.id", "t.\"order\"", "t.field_1"]);
        assert!(matches!(
            order_clause(&fields, Some("field_9"), false),
            Err(RowError::OrderByFieldNotFound(_))
        ));
        assert!(matches!(
            order_clause(&fields, Some("f"), false),
            Err(RowError::OrderByFieldNotFound(_))
        ));
        assert!(order_clause(&fields, Some("f"), true).is_ok());
    }
}
