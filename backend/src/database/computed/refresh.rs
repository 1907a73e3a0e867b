//! What a field change does to formulas: a rename rewrites the formulas that name the
//! field (also `lookup()`s from linked tables), and every formula of the table and of the
//! tables that look into it is type checked again. A formula whose field went away (or
//! changed to a type it cannot use) becomes `invalid` with an error and an empty column;
//! it becomes valid again when the field comes back. Formulas whose type changed, or
//! that name the changed field, are recomputed for every row.

use super::{
    COMPUTED_TYPES, compile_field, computed_fields, formula_of, formulas,
    recompute::{in_order, recompute_with_new},
    resolver::Resolver,
    stored,
};
use crate::database::{
    access,
    events::TableEvent,
    fields::{self, Field, FieldError, field_json},
    formula::rename,
    tables::table_name,
    tx::Tx,
    views,
};
use serde_json::Value;
use sqlx::{AssertSqlSafe, PgConnection};
use std::collections::BTreeSet;

/// How many times a table's formulas are re-typed in a row: a formula's new type can
/// change the type of a formula naming it, one level per round.
const MAX_ROUNDS: usize = 8;

/// Brings the formulas that depend on field `changed` of `table_id` up to date after it
/// was created, changed, renamed (`renamed`: old and new name), trashed or restored.
pub async fn field_changed(
    tx: &mut Tx,
    table_id: i64,
    changed: i64,
    renamed: Option<(&str, &str)>,
) -> sqlx::Result<()> {
    if let Some((old, new)) = renamed.filter(|(old, new)| old != new) {
        rewrite_names(tx, table_id, old, new).await?;
    }
    follow(tx, table_id, changed, &BTreeSet::new()).await
}

/// [`field_changed`] for field `created`, just added to `table_id`: being empty, its
/// column may be filled by a rewrite of the table (see [`super::rewrite`]).
pub async fn field_created(tx: &mut Tx, table_id: i64, created: i64) -> sqlx::Result<()> {
    follow(tx, table_id, created, &BTreeSet::from([created])).await
}

/// Re-types the formulas of the table and of the tables looking into it after a change
/// of field `changed`; `fresh` are the fields created in this transaction.
async fn follow(
    tx: &mut Tx,
    table_id: i64,
    changed: i64,
    fresh: &BTreeSet<i64>,
) -> sqlx::Result<()> {
    retype(tx, table_id, &BTreeSet::from([changed]), fresh).await?;
    for (other, links) in looking_into(tx, table_id).await? {
        if other != table_id {
            retype(tx, other, &links, &BTreeSet::new()).await?;
        }
    }
    Ok(())
}

/// Tables with formulas whose links reach `table_id`, with those link fields.
async fn looking_into(
    conn: &mut PgConnection,
    table_id: i64,
) -> sqlx::Result<Vec<(i64, BTreeSet<i64>)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT l.table_id, l.id FROM database_fields l \
         WHERE l.type = 'link_row' AND NOT l.trashed \
         AND (l.options->>'link_row_table_id')::bigint = $1 \
         AND EXISTS (SELECT 1 FROM database_fields f WHERE f.table_id = l.table_id \
                     AND f.type = ANY($2) AND NOT f.trashed) ORDER BY l.table_id, l.id",
    )
    .bind(table_id)
    .bind(&COMPUTED_TYPES[..])
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(i64, BTreeSet<i64>)> = Vec::new();
    for (table, link) in rows {
        match out.last_mut() {
            Some((t, links)) if *t == table => {
                links.insert(link);
            }
            _ => out.push((table, BTreeSet::from([link]))),
        }
    }
    Ok(out)
}

/// Rewrites `field('old')` in the table's formulas and `lookup(link, 'old')` in the
/// formulas of tables linking to it.
async fn rewrite_names(
    conn: &mut PgConnection,
    table_id: i64,
    old: &str,
    new: &str,
) -> sqlx::Result<()> {
    let own = fields::repo::list(&mut *conn, table_id).await?;
    for field in formulas(&own) {
        let text = rename::rename_field(formula_of(field), old, new);
        set_formula(conn, field, &text).await?;
    }
    for (other, links) in looking_into(conn, table_id).await? {
        let their = fields::repo::list(&mut *conn, other).await?;
        let link_names: Vec<&str> = their
            .iter()
            .filter(|f| links.contains(&f.id))
            .map(|f| f.name.as_str())
            .collect();
        for field in formulas(&their) {
            let mut text = formula_of(field).to_owned();
            for link in &link_names {
                text = rename::rename_lookup_target(&text, link, old, new);
            }
            set_formula(conn, field, &text).await?;
        }
    }
    Ok(())
}

async fn set_formula(conn: &mut PgConnection, field: &Field, text: &str) -> sqlx::Result<()> {
    if text == formula_of(field) {
        return Ok(());
    }
    sqlx::query(
        "UPDATE database_fields SET options = jsonb_set(options, '{formula}', to_jsonb($2::text)) \
         WHERE id = $1",
    )
    .bind(field.id)
    .bind(text)
    .execute(conn)
    .await?;
    Ok(())
}

/// Type checks the table's formulas again, saves the types that changed (changing their
/// column's type, emptied, when needed), announces them as `field_updated` and
/// recomputes them with every formula that names `changed` (or a formula recomputed);
/// `fresh` are fields created in this transaction.
async fn retype(
    tx: &mut Tx,
    table_id: i64,
    changed: &BTreeSet<i64>,
    fresh: &BTreeSet<i64>,
) -> sqlx::Result<()> {
    let mut recompute: BTreeSet<i64> = BTreeSet::new();
    let mut announced: BTreeSet<i64> = BTreeSet::new();
    for _ in 0..MAX_ROUNDS {
        let fields = fields::repo::list(&mut *tx, table_id).await?;
        if computed_fields(&fields).next().is_none() {
            return Ok(());
        }
        let resolver = Resolver::load(&mut *tx, &fields).await?;
        let mut retyped = false;
        for (field, compiled) in in_order(&resolver, &fields) {
            if changed.contains(&field.id) || compiled.used.iter().any(|id| changed.contains(id)) {
                recompute.insert(field.id);
            }
            let options = super::typed_options(&field.kind, &field.options, &compiled.ty);
            if options == field.options {
                continue;
            }
            let old_type = stored::sql_type(&stored::stored_type(&field.options));
            let new_type = stored::sql_type(&compiled.ty);
            sqlx::query("UPDATE database_fields SET options = $2 WHERE id = $1")
                .bind(field.id)
                .bind(&options)
                .execute(&mut **tx)
                .await?;
            if old_type != new_type {
                sqlx::query(AssertSqlSafe(format!(
                    "ALTER TABLE {} ALTER COLUMN {col} TYPE {new_type} USING NULL",
                    table_name(table_id),
                    col = field.column(),
                )))
                .execute(&mut **tx)
                .await?;
            }
            recompute.insert(field.id);
            announced.insert(field.id);
            retyped = true;
        }
        if !retyped {
            break;
        }
    }
    let fields = fields::repo::list(&mut *tx, table_id).await?;
    recompute_with_new(tx, table_id, &fields, &recompute, fresh).await?;
    announce(tx, table_id, &fields, &announced).await?;
    Ok(())
}

/// `field_updated` for computed fields whose type changed, so open pages and webhooks
/// see the new type (and fetch the recomputed values); their view filters and
/// aggregations that no longer fit are removed first.
async fn announce(
    tx: &mut Tx,
    table_id: i64,
    fields: &[Field],
    ids: &BTreeSet<i64>,
) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let Some(scope) = access::scope(&mut *tx, table_id).await? else {
        return Ok(());
    };
    for field in fields.iter().filter(|f| ids.contains(&f.id)) {
        // Filters and footer aggregations that no longer fit the new type go, as after a
        // type change by hand.
        views::field_changes::field_converted(tx, field).await?;
        tx.emit(
            table_id,
            TableEvent::FieldUpdated {
                field_id: field.id,
                field: field_json(field, &scope),
                related_fields: Vec::<Value>::new(),
                before: None,
            },
        );
    }
    Ok(())
}

/// Whether rows of `table_id` are looked up by formulas elsewhere: then a change of any
/// of their values reaches the rows linking to them.
pub async fn is_looked_up(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<bool> {
    Ok(!looking_into(conn, table_id).await?.is_empty())
}

/// Refuses a formula for field `id` that names, directly or through other formulas,
/// the field itself.
pub fn refuse_cycles(resolver: &Resolver, id: i64, used: &BTreeSet<i64>) -> Result<(), FieldError> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<i64> = used.iter().copied().collect();
    while let Some(next) = stack.pop() {
        if next == id {
            return Err(FieldError::Formula(
                "the formula refers to itself through another formula".into(),
            ));
        }
        if !seen.insert(next) {
            continue;
        }
        if let Some(field) = computed_fields(resolver.fields()).find(|f| f.id == next) {
            stack.extend(compile_field(resolver, field).used);
        }
    }
    Ok(())
}
