//! Writing links: the link cells of a write are resolved to rows of the linked tables and
//! checked (unknown ids or texts refuse the whole write), then each changed row's links
//! are replaced. Resolution takes one query per field and kind of input, never one per
//! row, so a batch of 200 rows costs what one row does.

use super::{Relation, primary_text_sql, ripple::Touched};
use crate::database::{
    fields::{Field, LinkInput},
    rows::{RowError, read::RowKeys},
    tables::table_name,
};
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, PgConnection};
use std::collections::HashMap;

/// The link cells of a write: per row, field index → what to link.
pub type LinkCells = Vec<(i64, Vec<(usize, LinkInput)>)>;

/// One link field's resolved change.
struct FieldChange {
    relation: Relation,
    /// Rows whose links change, each with the rows it links to afterwards, in order.
    rows: Vec<(i64, Vec<i64>)>,
}

/// Link changes resolved and checked, not yet written.
#[derive(Default)]
pub struct LinkPlan {
    changes: Vec<FieldChange>,
    /// Rows of linked tables that gain or lose a link, when the link shows there too.
    pub touched: Touched,
}

fn invalid(field: &Field, keys: RowKeys, message: String) -> RowError {
    let key = match keys {
        RowKeys::Ids => field.column(),
        RowKeys::Names => field.name.clone(),
    };
    let mut detail = Map::new();
    detail.insert(key, json!([{ "error": message, "code": "invalid" }]));
    RowError::Invalid(Value::Object(detail))
}

/// Resolves and checks the link cells of a write.
pub async fn plan(
    conn: &mut PgConnection,
    fields: &[Field],
    cells: LinkCells,
    keys: RowKeys,
) -> Result<LinkPlan, RowError> {
    let mut by_field: HashMap<usize, Vec<(i64, LinkInput)>> = HashMap::new();
    for (row_id, row_cells) in cells {
        for (i, input) in row_cells {
            by_field.entry(i).or_default().push((row_id, input));
        }
    }
    let mut plan = LinkPlan::default();
    let mut indexes: Vec<usize> = by_field.keys().copied().collect();
    indexes.sort_unstable();
    for i in indexes {
        let field = &fields[i];
        let Some(relation) = Relation::of(field) else {
            continue;
        };
        let inputs = by_field.remove(&i).unwrap_or_default();
        let resolved = resolve(conn, field, &relation, &inputs, keys).await?;
        let row_ids: Vec<i64> = inputs.iter().map(|(id, _)| *id).collect();
        let old = current_links(conn, &relation, &row_ids).await?;
        let shows_back = field.opt("link_row_related_field_id").as_i64().is_some();
        let mut rows = Vec::new();
        for (row_id, wanted) in row_ids.into_iter().zip(resolved) {
            let before = old.get(&row_id).cloned().unwrap_or_default();
            if before == wanted {
                continue;
            }
            if shows_back {
                let set = plan.touched.entry(relation.target_table).or_default();
                set.extend(before.iter().filter(|id| !wanted.contains(id)));
                set.extend(wanted.iter().filter(|id| !before.contains(id)));
            }
            rows.push((row_id, wanted));
        }
        if !rows.is_empty() {
            plan.changes.push(FieldChange { relation, rows });
        }
    }
    plan.touched.retain(|_, rows| !rows.is_empty());
    Ok(plan)
}

/// Each input as the ids of live rows of the linked table, in the order given.
async fn resolve(
    conn: &mut PgConnection,
    field: &Field,
    relation: &Relation,
    inputs: &[(i64, LinkInput)],
    keys: RowKeys,
) -> Result<Vec<Vec<i64>>, RowError> {
    let target = table_name(relation.target_table);
    let mut ids: Vec<i64> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (_, input) in inputs {
        match input {
            LinkInput::Ids(list) => ids.extend(list),
            LinkInput::Names(list) => names.extend(list.iter().cloned()),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    names.sort_unstable();
    names.dedup();
    if !ids.is_empty() {
        let found: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT id FROM {target} WHERE id = ANY($1) AND NOT trashed"
        )))
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
        let missing: Vec<i64> = ids.into_iter().filter(|id| !found.contains(id)).collect();
        if !missing.is_empty() {
            return Err(invalid(
                field,
                keys,
                format!("The provided row ids {missing:?} do not exist in the linked table."),
            ));
        }
    }
    let mut by_name: HashMap<String, i64> = HashMap::new();
    if !names.is_empty() {
        let n = field.id;
        let text = primary_text_sql(field);
        let found: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT DISTINCT ON (v) v, id FROM (SELECT {text} AS v, l{n}.id FROM {target} l{n} \
             WHERE NOT l{n}.trashed) m WHERE v = ANY($1) ORDER BY v, id"
        )))
        .bind(&names)
        .fetch_all(&mut *conn)
        .await?;
        by_name.extend(found);
        if let Some(missing) = names.iter().find(|n| !by_name.contains_key(*n)) {
            return Err(invalid(
                field,
                keys,
                format!(
                    "The provided text value '{missing}' does not match any row of the linked table."
                ),
            ));
        }
    }
    Ok(inputs
        .iter()
        .map(|(_, input)| {
            let mut out: Vec<i64> = match input {
                LinkInput::Ids(list) => list.clone(),
                LinkInput::Names(list) => list
                    .iter()
                    .filter_map(|n| by_name.get(n).copied())
                    .collect(),
            };
            let mut seen = std::collections::HashSet::new();
            out.retain(|id| seen.insert(*id));
            out
        })
        .collect())
}

/// The rows each of `row_ids` links to now, in link order.
async fn current_links(
    conn: &mut PgConnection,
    relation: &Relation,
    row_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<i64>>> {
    let pairs: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT r.{own}, r.{other} FROM {rel} r JOIN {target} l ON l.id = r.{other} AND NOT l.trashed \
         WHERE r.{own} = ANY($1) ORDER BY r.id",
        own = relation.own,
        other = relation.other,
        rel = relation.table(),
        target = table_name(relation.target_table),
    )))
    .bind(row_ids)
    .fetch_all(conn)
    .await?;
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for (row, linked) in pairs {
        map.entry(row).or_default().push(linked);
    }
    Ok(map)
}

impl LinkPlan {
    /// Writes the planned links: each changed row's links are replaced, in the order given.
    pub async fn apply(&self, conn: &mut PgConnection) -> sqlx::Result<()> {
        for change in &self.changes {
            let rel = &change.relation;
            let rows: Vec<i64> = change.rows.iter().map(|(id, _)| *id).collect();
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {} WHERE {} = ANY($1)",
                rel.table(),
                rel.own
            )))
            .bind(&rows)
            .execute(&mut *conn)
            .await?;
            let (owns, others): (Vec<i64>, Vec<i64>) = change
                .rows
                .iter()
                .flat_map(|(row, linked)| linked.iter().map(move |l| (*row, *l)))
                .unzip();
            if owns.is_empty() {
                continue;
            }
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO {} ({}, {}) SELECT o, l FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS v(o, l, n) \
                 ORDER BY n ON CONFLICT DO NOTHING",
                rel.table(),
                rel.own,
                rel.other
            )))
            .bind(&owns)
            .bind(&others)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}
