//! Recomputing stored computed values with set-based `UPDATE`s in dependency order (a
//! formula naming another formula runs after it; fields naming none of each other share
//! one), writing only the rows whose value changed.

use super::{
    Compiled,
    changes::{Changes, affected},
    compile_field, computed_fields,
    resolver::Resolver,
    rewrite, stored,
};
use crate::database::{fields::Field, links::Relation, tables::table_name};
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
    recompute_some(conn, table_id, fields, rows, None).await?;
    Ok(())
}

/// Recomputes, for the rows `rows` of `table_id`, the computed fields whose value may
/// change with `changes` (see [`affected`]) and those that name them; returns their ids.
pub async fn recompute_affected(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    rows: &[i64],
    changes: &Changes,
) -> sqlx::Result<BTreeSet<i64>> {
    if computed_fields(fields).next().is_none() || rows.is_empty() {
        return Ok(BTreeSet::new());
    }
    let resolver = Resolver::load(&mut *conn, fields).await?;
    let only = affected(&resolver, table_id, fields, changes);
    if only.is_empty() {
        return Ok(only);
    }
    run(
        conn,
        &resolver,
        table_id,
        fields,
        Some(rows),
        Some(&only),
        &BTreeSet::new(),
    )
    .await
}

/// Like [`recompute`], limited to the formula fields `only` and those that name them;
/// returns the ids of the fields recomputed.
pub async fn recompute_some(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    rows: Option<&[i64]>,
    only: Option<&BTreeSet<i64>>,
) -> sqlx::Result<BTreeSet<i64>> {
    if computed_fields(fields).next().is_none() || rows.is_some_and(<[i64]>::is_empty) {
        return Ok(BTreeSet::new());
    }
    let resolver = Resolver::load(&mut *conn, fields).await?;
    run(
        conn,
        &resolver,
        table_id,
        fields,
        rows,
        only,
        &BTreeSet::new(),
    )
    .await
}

/// [`recompute_some`] for every row, where the fields `fresh` were created in this
/// transaction: their empty columns may be filled by a rewrite of the table
/// ([`rewrite`]).
pub async fn recompute_with_new(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    only: &BTreeSet<i64>,
    fresh: &BTreeSet<i64>,
) -> sqlx::Result<BTreeSet<i64>> {
    if computed_fields(fields).next().is_none() {
        return Ok(BTreeSet::new());
    }
    let resolver = Resolver::load(&mut *conn, fields).await?;
    run(conn, &resolver, table_id, fields, None, Some(only), fresh).await
}

/// The `UPDATE`s of [`recompute_some`], against a loaded resolver.
async fn run(
    conn: &mut PgConnection,
    resolver: &Resolver,
    table_id: i64,
    fields: &[Field],
    rows: Option<&[i64]>,
    only: Option<&BTreeSet<i64>>,
    fresh: &BTreeSet<i64>,
) -> sqlx::Result<BTreeSet<i64>> {
    let mut wanted: BTreeSet<i64> = only.cloned().unwrap_or_default();
    // Fields naming none of the others in their batch are written by one `UPDATE`, so a
    // row whose lookup and rollup both follow a change gets one new version, not two.
    let mut batches: Vec<Vec<(&Field, Compiled)>> = Vec::new();
    for (field, compiled) in in_order(resolver, fields) {
        let chosen = only.is_none()
            || wanted.contains(&field.id)
            || compiled.used.iter().any(|id| wanted.contains(id));
        if !chosen {
            continue;
        }
        wanted.insert(field.id);
        let names_batch = batches.last().is_some_and(|batch| {
            batch
                .iter()
                .any(|(earlier, _)| compiled.used.contains(&earlier.id))
        });
        match batches.last_mut() {
            Some(batch) if !names_batch => batch.push((field, compiled)),
            _ => batches.push(vec![(field, compiled)]),
        }
    }
    for batch in &batches {
        if rows.is_none() && rewrite::applies(conn, table_id, fields, batch, fresh).await? {
            rewrite::fill(conn, table_id, batch).await?;
        } else {
            update_batch(conn, table_id, batch, rows).await?;
        }
    }
    Ok(batches.iter().flatten().map(|(f, _)| f.id).collect())
}

/// One `UPDATE` writing the computed fields of `batch` (none naming another) for `rows`
/// (every row when `None`).
async fn update_batch(
    conn: &mut PgConnection,
    table_id: i64,
    batch: &[(&Field, Compiled)],
    rows: Option<&[i64]>,
) -> sqlx::Result<()> {
    let mut values = Vec::with_capacity(batch.len());
    let mut sets = Vec::with_capacity(batch.len());
    let mut differs = Vec::with_capacity(batch.len());
    for (i, (field, compiled)) in batch.iter().enumerate() {
        let value = match &compiled.sql {
            Some(sql) => format!("({sql})::{}", stored::sql_type(&compiled.ty)),
            None => "NULL".into(),
        };
        let col = field.column();
        values.push(format!("{value} AS v{i}"));
        sets.push(format!("{col} = c.v{i}"));
        differs.push(format!("u.{col} IS DISTINCT FROM c.v{i}"));
    }
    let filter = if rows.is_some() {
        " WHERE t.id = ANY($1)"
    } else {
        ""
    };
    // Values are computed once, in a subquery over the row alias `t` the formulas read,
    // and only rows whose value changes are written: most recomputes after a change
    // elsewhere leave most values as they were, and an unchanged row then costs a read
    // instead of a new row version and index entries.
    let sql = format!(
        "UPDATE {table} AS u SET {sets} \
         FROM (SELECT t.id, {values} FROM {table} AS t{filter}) AS c \
         WHERE u.id = c.id AND ({differs})",
        table = table_name(table_id),
        sets = sets.join(", "),
        values = values.join(", "),
        differs = differs.join(" OR "),
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(ids) = rows {
        query = query.bind(ids);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// The computed fields of `fields`, compiled, each after the formulas it names. Formulas
/// caught in a cycle come last (they name each other, so their type is invalid anyway).
pub fn in_order<'a>(resolver: &Resolver, fields: &'a [Field]) -> Vec<(&'a Field, Compiled)> {
    let mut pending: Vec<(&Field, Compiled)> = computed_fields(fields)
        .map(|f| (f, compile_field(resolver, f)))
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

/// `tables` (touched by one change, in the order the change reached them) ordered so
/// that a table comes after the tables its computed fields read through links: an order
/// total is recomputed before the customer's rollup of order totals. Links whose
/// computed fields read each other both ways keep the order the change reached them.
pub async fn tables_in_order(conn: &mut PgConnection, tables: &[i64]) -> sqlx::Result<Vec<i64>> {
    let mut reads: Vec<(i64, BTreeSet<i64>)> = Vec::with_capacity(tables.len());
    for &table_id in tables {
        let fields = crate::database::fields::repo::list(&mut *conn, table_id).await?;
        let mut read = BTreeSet::new();
        if computed_fields(&fields).next().is_some() {
            let resolver = Resolver::load(&mut *conn, &fields).await?;
            for field in computed_fields(&fields) {
                for used in compile_field(&resolver, field).used {
                    let link = fields.iter().find(|f| f.id == used);
                    if let Some(rel) = link.and_then(Relation::of)
                        && rel.target_table != table_id
                        && tables.contains(&rel.target_table)
                    {
                        read.insert(rel.target_table);
                    }
                }
            }
        }
        reads.push((table_id, read));
    }
    let mut out: Vec<i64> = Vec::with_capacity(tables.len());
    while !reads.is_empty() {
        let ready = reads
            .iter()
            .position(|(_, read)| read.iter().all(|t| out.contains(t)));
        out.push(reads.remove(ready.unwrap_or(0)).0);
    }
    Ok(out)
}
