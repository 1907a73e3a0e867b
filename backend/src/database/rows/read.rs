//! Reading rows: one SQL expression per field, the page as JSON, then API keys and values.

use crate::database::{
    fields::{Field, FieldType, Storage, registry::field_types},
    tables::table_name,
};
use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, PgConnection};

/// How row objects name their fields: `field_{id}` (default) or the field's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowKeys {
    #[default]
    Ids,
    Names,
}

/// The SQL reading a field's stored value from the row alias `t`.
pub fn column_expr(field: &Field, ft: &dyn FieldType) -> String {
    column_expr_as(field, ft, "t")
}

/// The SQL reading a field's stored value from the row alias `alias`.
pub fn column_expr_as(field: &Field, ft: &dyn FieldType, alias: &str) -> String {
    match ft.storage(field) {
        Storage::Column { .. } => format!("{alias}.{}", field.column()),
        Storage::System(col) => format!("{alias}.{col}"),
        Storage::Virtual => "NULL".into(),
    }
}

/// `t.id, t."order"::text AS "order", <expr> AS field_N, …` for the given fields.
pub fn select_list(fields: &[Field]) -> String {
    let mut parts = vec![
        "t.id".to_owned(),
        "t.\"order\"::text AS \"order\"".to_owned(),
    ];
    for field in fields {
        if let Some(ft) = field_types().get(&field.kind) {
            parts.push(format!(
                "{} AS {}",
                ft.select_sql(field, &column_expr(field, ft)),
                field.column()
            ));
        }
    }
    parts.join(", ")
}

/// How a page of rows is read in one statement: the fields whose values come from a
/// query over the whole page ([`crate::database::fields::FieldType::grouped_sql`]) are
/// common table expressions `k{field id}`, joined to the page's rows.
pub struct PageSelect {
    /// `, k5 AS (…), …`: to follow the expression naming the page's ids.
    pub ctes: String,
    /// `t.id, …, COALESCE(k5.v, …) AS field_5, …`.
    pub list: String,
    /// ` LEFT JOIN k5 ON k5.id = t.id …`.
    pub joins: String,
}

/// The [`PageSelect`] of `fields` for the page whose ids `rows_sql` selects.
pub fn page_select(fields: &[Field], rows_sql: &str) -> PageSelect {
    let mut parts = vec![
        "t.id".to_owned(),
        "t.\"order\"::text AS \"order\"".to_owned(),
    ];
    let (mut ctes, mut joins) = (String::new(), String::new());
    for field in fields {
        let Some(ft) = field_types().get(&field.kind) else {
            continue;
        };
        let value = match ft.grouped_sql(field, rows_sql) {
            Some(grouped) => {
                let k = format!("k{}", field.id);
                ctes.push_str(&format!(", {k} AS ({})", grouped.query));
                joins.push_str(&format!(" LEFT JOIN {k} ON {k}.id = t.id"));
                format!("COALESCE({k}.v, {})", grouped.absent)
            }
            None => ft.select_sql(field, &column_expr(field, ft)),
        };
        parts.push(format!("{value} AS {}", field.column()));
    }
    PageSelect {
        ctes,
        list: parts.join(", "),
        joins,
    }
}

/// Raw rows as events carry them: API row objects keyed by field ids.
pub fn event_rows(fields: &[Field], raw: Vec<Map<String, Value>>) -> Vec<Value> {
    raw.into_iter()
        .map(|r| Value::Object(to_api_row(fields, r, RowKeys::Ids)))
        .collect()
}

/// Turns a raw row (as `row_to_json` produced it) into the API's row object.
pub fn to_api_row(
    fields: &[Field],
    mut raw: Map<String, Value>,
    keys: RowKeys,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("id".into(), raw.remove("id").unwrap_or(Value::Null));
    out.insert("order".into(), raw.remove("order").unwrap_or(Value::Null));
    for field in fields {
        let Some(ft) = field_types().get(&field.kind) else {
            continue;
        };
        let value = ft.to_api(field, raw.remove(&field.column()).unwrap_or(Value::Null));
        let key = match keys {
            RowKeys::Ids => field.column(),
            RowKeys::Names => field.name.clone(),
        };
        out.insert(key, value);
    }
    out
}

/// Runs `SELECT row_to_json(r) FROM (<inner>) r` and returns the raw rows in order.
pub async fn fetch_raw(
    conn: &mut PgConnection,
    inner: String,
    bind_ids: Option<&[i64]>,
) -> sqlx::Result<Vec<Map<String, Value>>> {
    let sql = format!("SELECT row_to_json(r)::text FROM ({inner}) r");
    let query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql));
    let texts = match bind_ids {
        Some(ids) => query.bind(ids).fetch_all(conn).await?,
        None => query.fetch_all(conn).await?,
    };
    Ok(texts
        .into_iter()
        .filter_map(|t| serde_json::from_str::<Value>(&t).ok())
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect())
}

/// Live rows with the given ids, in the order of `ids`.
pub async fn rows_by_ids(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    ids: &[i64],
) -> sqlx::Result<Vec<Map<String, Value>>> {
    let inner = format!(
        "SELECT {} FROM {} t WHERE t.id = ANY($1) AND NOT t.trashed ORDER BY array_position($1, t.id)",
        select_list(fields),
        table_name(table_id)
    );
    fetch_raw(conn, inner, Some(ids)).await
}
