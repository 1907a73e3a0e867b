//! A shared view as its live subscribers see it: the fields it shows, its filter, and which
//! rows of a change it shows now and showed before. Evaluated once per event and view.

use super::{View, ViewError, listing::saved_filter, repo, types};
use crate::database::{
    fields::{self, Field, Storage, registry::field_types},
    filters::FilterGroup,
    tables::table_name,
};
use serde_json::{Map, Value};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use std::collections::{HashMap, HashSet};

/// What the live page of a shared view needs to cut events down.
#[derive(Debug, Clone)]
pub struct LiveView {
    pub view: View,
    /// The table's live fields (the filter may name hidden ones).
    pub fields: Vec<Field>,
    /// Stored `hidden` options; fields without one take `hidden_default`.
    hidden: HashMap<i64, bool>,
    hidden_default: bool,
    /// Fields shown whatever their option says (see [`super::public::always_shown`]).
    always: Vec<i64>,
    pub filter: Option<FilterGroup>,
}

impl LiveView {
    /// Whether the view shows the field (also answers for fields already in the trash).
    pub fn shows(&self, field_id: i64) -> bool {
        self.always.contains(&field_id)
            || !self
                .hidden
                .get(&field_id)
                .copied()
                .unwrap_or(self.hidden_default)
    }

    /// Whether the view's filter reads the field.
    pub fn filters_on(&self, field_id: i64) -> bool {
        self.filter.as_ref().is_some_and(|f| {
            f.walk().iter().any(|n| {
                matches!(n, crate::database::filters::FilterNode::Leaf(l)
                    if l.field == crate::database::filters::tree::FieldRef::Id(field_id))
            })
        })
    }

    /// A row as the API shows it, cut to `id`, `order` and the shown `field_{id}` keys.
    pub fn cut_row(&self, row: &Value) -> Value {
        let Some(row) = row.as_object() else {
            return Value::Null;
        };
        let mut out = Map::new();
        for (key, value) in row {
            let keep = match key.strip_prefix("field_") {
                Some(id) => id.parse::<i64>().is_ok_and(|id| self.shows(id)),
                None => key == "id" || key == "order",
            };
            if keep {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }
}

/// The shared view as it is now; `None` when it is no longer public, in the trash, or its
/// table is gone.
pub async fn load(conn: &mut PgConnection, view_id: i64) -> Result<Option<LiveView>, ViewError> {
    let Some(view) = repo::get(&mut *conn, view_id).await? else {
        return Ok(None);
    };
    let live: Option<bool> =
        sqlx::query_scalar("SELECT public AND NOT trashed FROM database_views WHERE id = $1")
            .bind(view_id)
            .fetch_optional(&mut *conn)
            .await?;
    if live != Some(true)
        || crate::database::access::scope(conn, view.table_id)
            .await?
            .is_none()
    {
        return Ok(None);
    }
    let Some(kind) = types::by_name(&view.kind) else {
        return Ok(None);
    };
    let hidden_default = kind
        .field_option_defaults()
        .get("hidden")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let hidden: HashMap<i64, bool> = repo::field_options(&mut *conn, view_id)
        .await?
        .into_iter()
        .filter_map(|(id, o)| o.0.get("hidden").and_then(Value::as_bool).map(|h| (id, h)))
        .collect();
    let fields = fields::repo::list(&mut *conn, view.table_id).await?;
    let filter = saved_filter(conn, &view).await?;
    let always = super::public::always_shown(&view, &fields, |id| hidden.get(&id) == Some(&true));
    Ok(Some(LiveView {
        always,
        view,
        fields,
        hidden,
        hidden_default,
        filter,
    }))
}

/// Which rows of a change the view shows.
#[derive(Debug, Default, PartialEq)]
pub struct Matches {
    pub now: HashSet<i64>,
    pub before: HashSet<i64>,
}

/// One query: which of the event's rows match the view's filter with the values the event
/// gives them (`rows`), and with their values before it (`before`, for updates). The
/// event's values are what counts, not the table's current ones: the table may have
/// changed again by the time the event is delivered.
pub async fn matching(
    conn: &mut PgConnection,
    live: &LiveView,
    rows: &[Value],
    before: Option<&[Value]>,
) -> Result<Matches, ViewError> {
    let Some(filter) = &live.filter else {
        // No filter: every row matches, as it did before.
        let ids = |rows: &[Value]| -> HashSet<i64> {
            rows.iter()
                .filter_map(|r| r.get("id").and_then(Value::as_i64))
                .collect()
        };
        return Ok(Matches {
            now: ids(rows),
            before: before.map(ids).unwrap_or_default(),
        });
    };
    let table = table_name(live.view.table_id);
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("");
    for (now, versions) in [(true, Some(rows)), (false, before)] {
        let Some(versions) = versions else {
            continue;
        };
        if !now {
            sql.push(" UNION ALL ");
        }
        let (ids, values) = stored_values(live, versions);
        // The stored row fills in what the event does not hold (it may be in the trash
        // by now; its values in the event still count).
        sql.push("SELECT t.id, ")
            .push(if now { "TRUE" } else { "FALSE" })
            .push(" FROM ")
            .push(&table)
            .push(" c CROSS JOIN LATERAL jsonb_populate_record(c, ")
            .push_bind(values)
            .push("::jsonb -> c.id::text) t WHERE c.id = ANY(")
            .push_bind(ids)
            .push(") AND ");
        filter.push_sql(&mut sql, &live.fields, false)?;
    }
    let found: Vec<(i64, bool)> = sql
        .build_query_as()
        .persistent(false)
        .fetch_all(conn)
        .await?;
    let mut out = Matches::default();
    for (id, now) in found {
        if now {
            out.now.insert(id);
        } else {
            out.before.insert(id);
        }
    }
    Ok(out)
}

/// The rows' ids, and `{"<row id>": {"<column>": stored value}}` for the fields the filter
/// reads. API values become stored ones: select options and users by id.
fn stored_values(live: &LiveView, rows: &[Value]) -> (Vec<i64>, Value) {
    let mut ids = Vec::new();
    let mut out = Map::new();
    for row in rows {
        let Some(id) = row.get("id").and_then(Value::as_i64) else {
            continue;
        };
        ids.push(id);
        let mut stored = Map::new();
        for field in live.fields.iter().filter(|f| live.filters_on(f.id)) {
            let Some(ft) = field_types().get(&field.kind) else {
                continue;
            };
            let column = match ft.storage(field) {
                Storage::Column { .. } => field.column(),
                Storage::System(col) => col.to_owned(),
                Storage::Virtual => continue,
            };
            if let Some(value) = row.get(field.column()) {
                stored.insert(column, as_stored(value));
            }
        }
        out.insert(id.to_string(), Value::Object(stored));
    }
    (ids, Value::Object(out))
}

fn as_stored(value: &Value) -> Value {
    match value {
        Value::Object(o) if o.contains_key("id") => o["id"].clone(),
        Value::Array(items) => Value::Array(items.iter().map(as_stored).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn api_values_become_stored_ones() {
        assert_eq!(as_stored(&json!({"id": 3, "value": "a"})), json!(3));
        assert_eq!(
            as_stored(&json!([{"id": 1, "value": "a"}, {"id": 2}])),
            json!([1, 2])
        );
        assert_eq!(as_stored(&json!("text")), json!("text"));
    }
}
