//! The formula behind a `lookup`, `rollup` or `count` field, built from its settings:
//! `lookup('link', 'target')`, `function(lookup('link', 'target'))` or
//! `count(field('link'))`. The settings hold field ids, so renaming the link or the
//! target changes nothing; deleting either makes the field `invalid` until it is restored.

use super::resolver::Resolver;
use crate::database::{
    fields::{
        Field, FieldError,
        types::{COUNT, LOOKUP, ROLLUP},
    },
    formula::ast::Expr,
    links::{LINK_ROW, Relation},
};
use serde_json::{Map, Value, json};

/// The settings a computed-through field keeps besides its formula type.
const SETTINGS: [&str; 3] = ["through_field_id", "target_field_id", "rollup_function"];

/// The settings of `options`, without the formula type's properties.
pub fn settings(options: &Value) -> Map<String, Value> {
    SETTINGS
        .iter()
        .filter_map(|key| Some(((*key).to_owned(), options.get(*key)?.clone())))
        .collect()
}

fn id_of(options: &Value, key: &str) -> Option<i64> {
    options.get(key).and_then(Value::as_i64)
}

/// The link field `options` go through, among the table's live fields.
fn link<'a>(resolver: &'a Resolver, options: &Value) -> Option<&'a Field> {
    let id = id_of(options, "through_field_id")?;
    (resolver.fields().iter()).find(|f| f.id == id && f.kind == LINK_ROW)
}

/// The fields of the table `link` points to.
fn linked<'a>(resolver: &'a Resolver, link: &Field) -> &'a [Field] {
    Relation::of(link)
        .map(|rel| resolver.linked(rel.target_table))
        .unwrap_or_default()
}

/// The formula a field of type `kind` with `options` computes, or why it cannot be
/// built (its link or target field is gone).
pub fn expr(resolver: &Resolver, kind: &str, options: &Value) -> Result<Expr, String> {
    let link = link(resolver, options)
        .ok_or("the link field it goes through was deleted or is not a link field")?;
    if kind == COUNT {
        return Ok(Expr::Call {
            name: "count".into(),
            args: vec![Expr::Field(link.name.clone())],
        });
    }
    let target_id = id_of(options, "target_field_id");
    let target = (linked(resolver, link).iter())
        .find(|f| Some(f.id) == target_id)
        .ok_or_else(|| format!("the field it looks up through '{}' was deleted", link.name))?;
    let lookup = Expr::Lookup {
        link: link.name.clone(),
        target: target.name.clone(),
    };
    match (kind, options.get("rollup_function").and_then(Value::as_str)) {
        (ROLLUP, Some(function)) => Ok(Expr::Call {
            name: function.to_owned(),
            args: vec![lookup],
        }),
        (ROLLUP, None) => Err("the rollup has no function".into()),
        _ => Ok(lookup),
    }
}

/// Settings as the user gave them, with field names turned into ids: the link must be
/// a link field of the table, the target a field of the linked table.
pub fn settle(resolver: &Resolver, kind: &str, options: &Value) -> Result<Value, FieldError> {
    let mut settled = options.as_object().cloned().unwrap_or_default();
    if let Some(name) = settled.remove("through_field_name") {
        let link = (resolver.fields().iter())
            .find(|f| Some(f.name.as_str()) == name.as_str() && f.kind == LINK_ROW)
            .ok_or(FieldError::InvalidLookupThroughField)?;
        settled.insert("through_field_id".into(), json!(link.id));
    }
    let settled = Value::Object(settled);
    let link = link(resolver, &settled).ok_or(FieldError::InvalidLookupThroughField)?;
    if kind == LOOKUP || kind == ROLLUP {
        let mut settled = settled.as_object().cloned().unwrap_or_default();
        let targets = linked(resolver, link);
        let target = match settled.remove("target_field_name") {
            Some(name) => targets
                .iter()
                .find(|f| Some(f.name.as_str()) == name.as_str()),
            None => {
                let id = settled.get("target_field_id").and_then(Value::as_i64);
                targets.iter().find(|f| Some(f.id) == id)
            }
        }
        .ok_or(FieldError::InvalidLookupTargetField)?;
        settled.insert("target_field_id".into(), json!(target.id));
        return Ok(Value::Object(settled));
    }
    Ok(settled)
}
