//! Formula fields kept true by PostgreSQL: each formula is type checked against its
//! table's fields, compiled to one SQL expression and stored in a real column, which a
//! set-based `UPDATE` recomputes in the transaction of every change it depends on — rows
//! written in its table, rows of linked tables (through [`crate::database::links::ripple`])
//! and changes to the fields it names.
//!
//! - [`stored`]: the formula type kept in the field's options and the column it needs.
//! - [`through`]: the formula behind `lookup`, `rollup` and `count` fields.
//! - [`resolver`]: the fields a formula may name, with the SQL that reads them.
//! - [`recompute`]: the `UPDATE`s, in dependency order.
//! - [`rewrite`]: a new formula on a large table, filled by one rewrite of the table.
//! - [`changes`]: what a write changed, and which computed fields elsewhere read it.
//! - [`refresh`]: what a field change (rename, deletion, restore, new type) does to the
//!   formulas that name it.

pub mod changes;
pub mod clock;
pub mod recompute;
pub mod refresh;
pub mod resolver;
pub mod rewrite;
pub mod stored;
pub mod through;

use crate::database::{
    fields::{
        Field, FieldError,
        types::{FORMATTING, FORMULA},
    },
    formula::{
        self, FormulaError,
        typecheck::Checked,
        types::{FormulaType, TypeKind},
    },
};
use resolver::{FormulaView, Resolver};
use serde_json::Value;
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
    let view = resolver.excluding(id);
    match formula::typecheck::check_formula(text, &view) {
        Ok(checked) => finish(checked, &view),
        Err(e) => invalid(e, view.used()),
    }
}

/// Checks and compiles what a computed field of type `kind` with `options` computes:
/// its formula, or the formula its lookup/rollup/count settings stand for.
pub fn compile_as(resolver: &Resolver, id: Option<i64>, kind: &str, options: &Value) -> Compiled {
    if kind == FORMULA {
        let text = options.get("formula").and_then(Value::as_str);
        return compile(resolver, id, text.unwrap_or_default());
    }
    let view = resolver.excluding(id);
    match through::expr(resolver, kind, options) {
        Ok(expr) => finish(formula::typecheck::check(&expr, &view), &view),
        Err(why) => invalid(FormulaError::new(why), view.used()),
    }
}

/// [`compile_as`] for a computed field as it is saved.
pub fn compile_field(resolver: &Resolver, field: &Field) -> Compiled {
    compile_as(resolver, Some(field.id), &field.kind, &field.options)
}

fn finish(checked: Checked, view: &FormulaView) -> Compiled {
    if !checked.formula_type.is_valid() {
        return Compiled {
            ty: checked.formula_type,
            sql: None,
            used: view.used(),
        };
    }
    match formula::compile::compile(&checked) {
        Ok(sql) => Compiled {
            ty: checked.formula_type,
            sql: Some(sql),
            used: view.used(),
        },
        Err(e) => invalid(e, view.used()),
    }
}

fn invalid(e: FormulaError, used: BTreeSet<i64>) -> Compiled {
    Compiled {
        ty: FormulaType::invalid(e.message),
        sql: None,
        used,
    }
}

/// The options of a computed field of type `kind` about to be created or changed by a
/// user (`parsed`: what its type's `parse_options` kept): what it computes must be valid
/// now (a field broken later by a change elsewhere becomes `invalid` instead, see
/// [`refresh`]).
pub fn options_for(
    resolver: &Resolver,
    id: Option<i64>,
    kind: &str,
    parsed: &Value,
) -> Result<Value, FieldError> {
    let settled = if kind == FORMULA {
        parsed.clone()
    } else {
        through::settle(resolver, kind, parsed)?
    };
    let compiled = compile_as(resolver, id, kind, &settled);
    if let Some(error) = compiled.ty.error() {
        return Err(FieldError::Formula(error.to_owned()));
    }
    if let Some(id) = id {
        refresh::refuse_cycles(resolver, id, &compiled.used)?;
    }
    Ok(typed_options(kind, &settled, &compiled.ty))
}

/// [`options_for`] against the live fields of `table_id`.
pub async fn options_in_table(
    conn: &mut sqlx::PgConnection,
    table_id: i64,
    id: Option<i64>,
    kind: &str,
    parsed: &Value,
) -> Result<Value, FieldError> {
    let fields = crate::database::fields::repo::list(&mut *conn, table_id).await?;
    let resolver = Resolver::load(conn, &fields).await?;
    options_for(&resolver, id, kind, parsed)
}

/// The options saved for a computed field of type `kind`: its formula or settings, the
/// properties of its formula type `ty`, and the formatting its user chose (which wins
/// over the type's where it fits the type).
pub fn typed_options(kind: &str, options: &Value, ty: &FormulaType) -> Value {
    let mut out = if kind == FORMULA {
        let text = options.get("formula").and_then(Value::as_str);
        let mut out = serde_json::Map::new();
        out.insert("formula".into(), text.unwrap_or_default().into());
        out
    } else {
        through::settings(options)
    };
    if let Value::Object(props) = ty.to_json() {
        out.extend(props);
    }
    if let Some(Value::Object(chosen)) = options.get(FORMATTING) {
        let shown = match &ty.kind {
            TypeKind::Array(item) => &item.kind,
            kind => kind,
        };
        for (key, value) in chosen {
            let fits = match shown {
                TypeKind::Number { .. } => key == "number_decimal_places",
                TypeKind::Date { .. } => key.starts_with("date_"),
                TypeKind::Duration => key == "duration_format",
                _ => false,
            };
            if fits {
                out.insert(key.clone(), value.clone());
            }
        }
        out.insert(FORMATTING.into(), Value::Object(chosen.clone()));
    }
    Value::Object(out)
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

/// Formula fields among `fields` (the ones with a formula text).
pub fn formulas(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields.iter().filter(|f| f.kind == FORMULA)
}

/// Computed fields among `fields`: formulas, lookups, rollups and counts.
pub fn computed_fields(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields.iter().filter(|f| is_computed(&f.kind))
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
