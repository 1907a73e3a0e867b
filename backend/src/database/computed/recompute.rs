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
            update_batch(conn, table_id, fields, batch, rows).await?;
        }
    }
    Ok(batches.iter().flatten().map(|(f, _)| f.id).collect())
}

/// One `UPDATE` writing the computed fields of `batch` (none naming another) for `rows`
/// (every row when `None`).
async fn update_batch(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
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
    let table = table_name(table_id);
    let sets = sets.join(", ");
    let values = values.join(", ");
    let differs = differs.join(" OR ");
    let sql = match keyed_links(fields, batch) {
        Some(links) => keyed_update(&table, &links, rows.is_some(), &sets, &values, &differs),
        None => {
            let filter = if rows.is_some() {
                " WHERE t.id = ANY($1)"
            } else {
                ""
            };
            // Values are computed once, in a subquery over the row alias `t` the formulas
            // read (`OFFSET 0` keeps PostgreSQL from folding it into the `UPDATE`, which
            // would compute each value twice: to compare it and to write it), and only
            // rows whose value changes are written: most recomputes after a change
            // elsewhere leave most values as they were, and an unchanged row then costs a
            // read instead of a new row version and index entries.
            format!(
                "UPDATE {table} AS u SET {sets} \
                 FROM (SELECT t.id, {values} FROM {table} AS t{filter} OFFSET 0) AS c \
                 WHERE u.id = c.id AND ({differs})"
            )
        }
    };
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(ids) = rows {
        query = query.bind(ids);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// The `UPDATE` of [`update_batch`] for formulas that read their row only through the
/// links `links`: rows linking to the same rows get the same values, so each value is
/// computed once per distinct set of linked rows (on one row having it) and joined to
/// the rows by that set. Ten thousand rows linking to one row cost one computation and
/// one read of the relation, not ten thousand correlated subqueries.
fn keyed_update(
    table: &str,
    links: &[Relation],
    some_rows: bool,
    sets: &str,
    values: &str,
    differs: &str,
) -> String {
    let mut keys = Vec::with_capacity(links.len());
    let mut joins = String::new();
    for (j, rel) in links.iter().enumerate() {
        let own_filter = if some_rows {
            format!(" WHERE r.{} = ANY($1)", rel.own)
        } else {
            String::new()
        };
        // A row without links has the empty set, not NULL, so it joins like the others.
        keys.push(format!("COALESCE(k{j}.k, '{{}}') AS k{j}"));
        joins.push_str(&format!(
            " LEFT JOIN (SELECT r.{own} AS id, array_agg(r.{other} ORDER BY r.{other}) AS k \
             FROM {rel} AS r{own_filter} GROUP BY r.{own}) AS k{j} ON k{j}.id = t.id",
            own = rel.own,
            other = rel.other,
            rel = rel.table(),
        ));
    }
    let names: Vec<String> = (0..links.len()).map(|j| format!("k{j}")).collect();
    let names = names.join(", ");
    let filter = if some_rows {
        " WHERE t.id = ANY($1)"
    } else {
        ""
    };
    format!(
        "WITH link_keys AS MATERIALIZED (SELECT t.id, {keys} FROM {table} AS t{joins}{filter}), \
         key_values AS MATERIALIZED (SELECT g.*, {values} \
           FROM (SELECT DISTINCT ON ({names}) {names}, id FROM link_keys ORDER BY {names}, id) AS g \
           JOIN {table} AS t ON t.id = g.id) \
         UPDATE {table} AS u SET {sets} \
         FROM (SELECT link_keys.id AS row_id, key_values.* FROM link_keys JOIN key_values USING ({names})) AS c \
         WHERE u.id = c.row_id AND ({differs})",
        keys = keys.join(", "),
    )
}

/// The relations of the link fields through which the formulas of `batch` read their
/// row, when that is all they read of it (lookups, rollups and counts, and formulas of
/// looked-up values only); `None` when one reads a value of the row itself (a field,
/// its id) or none reads through a link. The compiled SQL is the ground truth: each
/// read through a link is the clause [`Relation::from_linked`] gives for the row `t`,
/// and with those clauses taken out, no other reference to `t` may be left.
fn keyed_links(fields: &[Field], batch: &[(&Field, Compiled)]) -> Option<Vec<Relation>> {
    let links: Vec<(i64, Relation)> = fields
        .iter()
        .filter_map(|f| Relation::of(f).map(|rel| (f.id, rel)))
        .collect();
    let mut used: Vec<Relation> = Vec::new();
    for (_, compiled) in batch {
        let Some(sql) = &compiled.sql else {
            continue;
        };
        let mut rest = sql.clone();
        for (id, rel) in &links {
            let clause = rel.from_linked(*id, "t.id");
            if rest.contains(&clause) {
                rest = rest.replace(&clause, "");
                if !used.contains(rel) {
                    used.push(rel.clone());
                }
            }
        }
        if reads_row(&rest) {
            return None;
        }
    }
    (!used.is_empty()).then_some(used)
}

/// Whether compiled SQL names the row alias `t` (`t.` at the start of a word).
fn reads_row(sql: &str) -> bool {
    sql.match_indices("t.").any(|(at, _)| {
        sql[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_' && c != '.' && c != '"')
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::{fields::test_field, formula::types::FormulaType, links::LINK_ROW};
    use serde_json::json;

    fn field(id: i64, kind: &str, options: serde_json::Value) -> Field {
        Field {
            id,
            ..test_field(kind, options)
        }
    }

    fn compiled(sql: &str) -> Compiled {
        Compiled {
            ty: FormulaType::text(),
            sql: Some(sql.into()),
            used: BTreeSet::new(),
        }
    }

    /// A table with a link field 5 to table 2 and a number field 6, and the SQL the
    /// resolver gives for reads through the link.
    fn table() -> (Vec<Field>, String) {
        let link = field(
            5,
            LINK_ROW,
            json!({"link_row_relation_id": 5, "link_row_table_id": 2}),
        );
        let from = Relation::of(&link).map(|rel| rel.from_linked(5, "t.id"));
        (
            vec![link, field(6, "number", json!({}))],
            from.unwrap_or_default(),
        )
    }

    #[test]
    fn lookups_rollups_and_counts_are_keyed_by_their_links() {
        let (fields, from) = table();
        let lookup = compiled(&format!(
            "(SELECT COALESCE(jsonb_agg(jsonb_build_object('id', l5.id, 'value', (l5.field_7)) \
             ORDER BY l5.id), '[]'::jsonb) {from})"
        ));
        let rollup = compiled(&format!("(SELECT COALESCE(SUM((l5.field_8)), 0) {from})"));
        let count = compiled(&format!("(SELECT (COUNT(*))::numeric {from})"));
        let (a, b, c) = (fields[0].clone(), fields[1].clone(), fields[0].clone());
        let batch = vec![(&a, lookup), (&b, rollup), (&c, count)];
        let links = keyed_links(&fields, &batch).map(|l| l.len());
        assert_eq!(links, Some(1));
    }

    #[test]
    fn a_formula_reading_its_own_row_is_not_keyed() {
        let (fields, from) = table();
        let own = compiled(&format!(
            "((SELECT COALESCE(SUM((l5.field_8)), 0) {from}) + t.field_6)"
        ));
        let row_id = compiled(&format!(
            "((SELECT (COUNT(*))::numeric {from}) + (t.id)::numeric)"
        ));
        let filtered = compiled(&format!(
            "(SELECT COALESCE(SUM((l5.field_8)), 0) {from} AND ((l5.field_8 > t.field_6)))"
        ));
        let plain = compiled("((t.field_6) * 2)");
        for sql in [own, row_id, filtered, plain] {
            let batch = vec![(&fields[1], sql)];
            assert!(keyed_links(&fields, &batch).is_none());
        }
    }

    #[test]
    fn the_row_alias_is_found_only_at_the_start_of_a_word() {
        assert!(reads_row("(t.field_6)"));
        assert!(reads_row("t.id"));
        assert!(!reads_row("l5.trashed AND NOT l5.field_7"));
        assert!(!reads_row("octet_length(v1) + count(*)"));
        assert!(!reads_row("r5.a_id = 3"));
    }

    #[test]
    fn a_keyed_update_groups_the_relation_once_for_the_rows() {
        let (fields, _) = table();
        let links: Vec<Relation> = fields.iter().filter_map(Relation::of).collect();
        let sql = keyed_update(
            "database_table_1",
            &links,
            true,
            "field_9 = c.v0",
            "x AS v0",
            "d",
        );
        assert!(sql.contains(
            "LEFT JOIN (SELECT r.a_id AS id, array_agg(r.b_id ORDER BY r.b_id) AS k \
             FROM database_relation_5 AS r WHERE r.a_id = ANY($1) GROUP BY r.a_id) AS k0"
        ));
        assert!(sql.contains("SELECT DISTINCT ON (k0) k0, id FROM link_keys"));
        assert!(sql.contains("JOIN key_values USING (k0)"));
    }
}
