//! Formula fields kept true by PostgreSQL: each formula is type checked against its
//! table's fields, compiled to one SQL expression and stored in a real column, which a
//! set-based `UPDATE` recomputes in the transaction of every change it depends on — rows
//! written in its table, rows of linked tables (through [`crate::database::links::ripple`])
//! and changes to the fields it names.
//!
//! - [`stored`]: the formula type kept in the field's options and the column it needs.
//! - [`resolver`]: the fields a formula may name, with the SQL that reads them.
//! - [`recompute`]: the `UPDATE`s, in dependency order.
//! - [`refresh`]: what a field change (rename, deletion, restore, new type) does to the
//!   formulas that name it.

pub mod recompute;
pub mod refresh;
pub mod resolver;
pub mod stored;

use crate::database::{
    fields::{Field, FieldError},
    formula::{self, FormulaError, types::FormulaType},
};
use resolver::Resolver;
use std::collections::BTreeSet;

pub use recompute::recompute;

/// A formula checked and compiled against its table.
pub struct Compiled {
    pub ty: FormulaType,
    /// The expression over the row alias `t`; `None` when the formula is invalid.
    pub sql: Option<String>,
    /// Fields of the table it names.
    pub used: BTreeSet<i64>,
}

/// Checks and compiles `text` for field `id` (`None` before the field exists). A syntax
/// error is an `invalid` type too, so a stored formula never stops a change.
pub fn compile(resolver: &Resolver, id: Option<i64>, text: &str) -> Compiled {
    let resolver = resolver.excluding(id);
    let checked = match formula::typecheck::check_formula(text, &resolver) {
        Ok(checked) => checked,
        Err(e) => return invalid(e, resolver.used()),
    };
    if !checked.formula_type.is_valid() {
        return Compiled {
            ty: checked.formula_type,
            sql: None,
            used: resolver.used(),
        };
    }
    match formula::compile::compile(&checked) {
        Ok(sql) => Compiled {
            ty: checked.formula_type,
            sql: Some(sql),
            used: resolver.used(),
        },
        Err(e) => invalid(e, resolver.used()),
    }
}

fn invalid(e: FormulaError, used: BTreeSet<i64>) -> Compiled {
    Compiled {
        ty: FormulaType::invalid(e.message),
        sql: None,
        used,
    }
}

/// The options of a formula field about to be created or changed by a user: the formula
/// must be valid now (a formula broken later by a change elsewhere becomes `invalid`
/// instead, see [`refresh`]).
pub fn options_for(
    resolver: &Resolver,
    id: Option<i64>,
    text: &str,
) -> Result<serde_json::Value, FieldError> {
    let compiled = compile(resolver, id, text);
    if let Some(error) = compiled.ty.error() {
        return Err(FieldError::Formula(error.to_owned()));
    }
    if let Some(id) = id {
        refresh::refuse_cycles(resolver, id, &compiled.used)?;
    }
    Ok(stored::typed_options(text, &compiled.ty))
}

/// [`options_for`] the formula in `parsed` (the type's parsed options) against the
/// live fields of `table_id`.
pub async fn options_in_table(
    conn: &mut sqlx::PgConnection,
    table_id: i64,
    id: Option<i64>,
    parsed: &serde_json::Value,
) -> Result<serde_json::Value, FieldError> {
    let fields = crate::database::fields::repo::list(&mut *conn, table_id).await?;
    let resolver = Resolver::load(conn, &fields).await?;
    let text = parsed
        .get("formula")
        .and_then(|f| f.as_str())
        .unwrap_or_default();
    options_for(&resolver, id, text)
}

/// Field types whose values are computed: `formula`, and `lookup`, `rollup` and
/// `count`, which are formulas built from their settings (a link field, a field of the
/// linked table, a function). All keep their formula type in their options.
pub const COMPUTED_TYPES: [&str; 4] = ["formula", "lookup", "rollup", "count"];

/// Whether fields of type `kind` are computed (read only, typed by their formula).
pub fn is_computed(kind: &str) -> bool {
    COMPUTED_TYPES.contains(&kind)
}

/// The formula text of a formula field.
pub fn formula_of(field: &Field) -> &str {
    field.opt_str("formula").unwrap_or_default()
}

/// Formula fields among `fields`.
pub fn formulas(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields
        .iter()
        .filter(|f| f.kind == crate::database::fields::types::FORMULA)
}

/// The type a formula would have as field `name` of `table_id` (the field of that name is
/// left out, as when it is being edited), for the field editor to show before saving.
/// A formula that cannot be parsed or typed is refused with its error.
pub async fn type_for(
    ctx: &crate::context::AppContext,
    actor: &crate::platform::auth::Actor,
    table_id: i64,
    text: &str,
    name: Option<&str>,
) -> Result<serde_json::Value, FieldError> {
    if text.contains('\0') || text.chars().count() > formula::MAX_FORMULA_CHARS {
        return Err(FieldError::Formula(format!(
            "a formula is at most {} characters, without null characters",
            formula::MAX_FORMULA_CHARS
        )));
    }
    let mut conn = ctx.db.acquire().await?;
    crate::database::fields::table_scope(&mut conn, actor, table_id).await?;
    let fields = crate::database::fields::repo::list(&mut conn, table_id).await?;
    let own = name.and_then(|n| fields.iter().find(|f| f.name == n).map(|f| f.id));
    let resolver = Resolver::load(&mut conn, &fields).await?;
    let compiled = compile(&resolver, own, text);
    if let Some(error) = compiled.ty.error() {
        return Err(FieldError::Formula(error.to_owned()));
    }
    Ok(stored::typed_options(text, &compiled.ty))
}
