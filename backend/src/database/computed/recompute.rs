//! Recomputing stored formula values with one set-based `UPDATE` per formula field, in
//! dependency order (a formula naming another formula runs after it).

use super::{Compiled, compile, formula_of, formulas, resolver::Resolver, stored};
use crate::database::{fields::Field, tables::table_name};
use sqlx::{AssertSqlSafe, PgConnection};
use std::collections::BTreeSet;

/// Recomputes the formulas of `table_id` (whose live fields are `fields`) for the rows
/// `rows`, or for every row when `None`. Only `only` formulas (and those depending on
/// them) when given.
pub async fn recompute(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    rows: Option<&[i64]>,
) -> sqlx::Result<()> {
    recompute_some(conn, table_id, fields, rows, None).await
}

/// Like [`recompute`], limited to the formula fields `only` and those that name them.
pub async fn recompute_some(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    rows: Option<&[i64]>,
    only: Option<&BTreeSet<i64>>,
) -> sqlx::Result<()> {
    if formulas(fields).next().is_none() || rows.is_some_and(<[i64]>::is_empty) {
        return Ok(());
    }
    let resolver = Resolver::load(&mut *conn, fields).await?;
    let mut wanted: BTreeSet<i64> = only.cloned().unwrap_or_default();
    for (field, compiled) in in_order(&resolver, fields) {
        let chosen = only.is_none()
            || wanted.contains(&field.id)
            || compiled.used.iter().any(|id| wanted.contains(id));
        if !chosen {
            continue;
        }
        wanted.insert(field.id);
        let value = match &compiled.sql {
            Some(sql) => format!("({sql})::{}", stored::sql_type(&compiled.ty)),
            None => "NULL".into(),
        };
        let filter = if rows.is_some() {
            " WHERE t.id = ANY($1)"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE {} AS t SET {} = {value}{filter}",
            table_name(table_id),
            field.column()
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(ids) = rows {
            query = query.bind(ids);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The formula fields of `fields`, compiled, each after the formulas it names. Formulas
/// caught in a cycle come last (they name each other, so their type is invalid anyway).
pub fn in_order<'a>(resolver: &Resolver, fields: &'a [Field]) -> Vec<(&'a Field, Compiled)> {
    let mut pending: Vec<(&Field, Compiled)> = formulas(fields)
        .map(|f| (f, compile(resolver, Some(f.id), formula_of(f))))
        .collect();
    let formula_ids: BTreeSet<i64> = pending.iter().map(|(f, _)| f.id).collect();
    let mut done: BTreeSet<i64> = BTreeSet::new();
    let mut out = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending.iter().position(|(_, c)| {
            c.used
                .iter()
                .all(|id| !formula_ids.contains(id) || done.contains(id))
        });
        let (field, compiled) = pending.remove(ready.unwrap_or(0));
        done.insert(field.id);
        out.push((field, compiled));
    }
    out
}
