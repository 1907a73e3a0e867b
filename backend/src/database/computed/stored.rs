//! How a formula field keeps its value: the formula type saved in the field's options,
//! the column type that type needs, and the SQL that reads the column back as the API's
//! value or as text.

use crate::database::{
    fields::types::iso_datetime_sql,
    formula::types::{FormulaType, TypeKind},
};
use serde_json::{Map, Value};

/// The formula type saved in a formula field's options (`formula_type`, ...); a field
/// whose options say nothing usable is `invalid`.
pub fn stored_type(options: &Value) -> FormulaType {
    let name = options
        .get("formula_type")
        .and_then(Value::as_str)
        .unwrap_or("invalid");
    let nullable = options
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let kind = if name == "array" {
        let inner = options
            .get("array_formula_type")
            .and_then(Value::as_str)
            .and_then(|inner| kind_named(inner, options));
        inner.map(|k| TypeKind::Array(Box::new(FormulaType::new(k))))
    } else if name == "invalid" {
        None
    } else {
        kind_named(name, options)
    };
    match kind {
        Some(kind) => FormulaType::new(kind).nullable(nullable),
        None => FormulaType::invalid(
            options
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("the formula is not valid"),
        ),
    }
}

fn kind_named(name: &str, options: &Value) -> Option<TypeKind> {
    let places = options
        .get("number_decimal_places")
        .and_then(Value::as_u64)
        .unwrap_or(0) as u32;
    let include_time = options
        .get("date_include_time")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Some(match name {
        "text" => TypeKind::Text,
        "char" => TypeKind::Char,
        "url" => TypeKind::Url,
        "number" => TypeKind::Number {
            decimal_places: places,
        },
        "boolean" => TypeKind::Boolean,
        "date" => TypeKind::Date { include_time },
        "duration" => TypeKind::Duration,
        "single_select" => TypeKind::SingleSelect,
        "multiple_select" => TypeKind::MultipleSelect,
        "link" => TypeKind::Link,
        "button" => TypeKind::Button,
        _ => return None,
    })
}

/// Options of a formula field: the formula as written and its type's properties.
pub fn typed_options(formula: &str, ty: &FormulaType) -> Value {
    let mut options = Map::new();
    options.insert("formula".into(), Value::String(formula.to_owned()));
    if let Value::Object(props) = ty.to_json() {
        options.extend(props);
    }
    Value::Object(options)
}

/// The column type a value of `ty` is stored in. An invalid formula keeps an empty text
/// column, so the field can become valid again without losing its place.
pub fn sql_type(ty: &FormulaType) -> &'static str {
    match ty.kind {
        TypeKind::Text | TypeKind::Char | TypeKind::Url | TypeKind::Invalid { .. } => "TEXT",
        TypeKind::Number { .. } => "NUMERIC",
        TypeKind::Boolean => "BOOLEAN",
        TypeKind::Date { include_time: true } => "TIMESTAMPTZ",
        TypeKind::Date {
            include_time: false,
        } => "DATE",
        TypeKind::Duration => "INTERVAL",
        TypeKind::SingleSelect
        | TypeKind::MultipleSelect
        | TypeKind::Array(_)
        | TypeKind::Link
        | TypeKind::Button => "JSONB",
    }
}

/// SQL reading the stored column `col` as the API shows it: numbers as decimal text with
/// the type's places (as number fields do), dates in ISO form, durations in seconds.
pub fn select_sql(ty: &FormulaType, col: &str) -> String {
    match ty.kind {
        TypeKind::Number { decimal_places } => format!("(round({col}, {decimal_places}))::text"),
        TypeKind::Date { include_time: true } => iso_datetime_sql(col, false),
        TypeKind::Date {
            include_time: false,
        } => format!("to_char({col}, 'YYYY-MM-DD')"),
        TypeKind::Duration => format!("extract(epoch FROM {col})::float8"),
        TypeKind::Invalid { .. } => "NULL".into(),
        _ => col.to_owned(),
    }
}

/// SQL giving the stored value as text (search, text filters, conversions).
pub fn text_sql(ty: &FormulaType, col: &str) -> String {
    match &ty.kind {
        TypeKind::Text | TypeKind::Char | TypeKind::Url => col.to_owned(),
        TypeKind::SingleSelect => format!("({col}->>'value')"),
        TypeKind::Link | TypeKind::Button => format!("({col}->>'label')"),
        TypeKind::MultipleSelect => list_text_sql(col, "e->>'value'"),
        TypeKind::Array(_) => list_text_sql(
            col,
            "COALESCE(e->'value'->>'value', e->'value'->>'label', e->>'value')",
        ),
        TypeKind::Invalid { .. } => "NULL::text".into(),
        _ => format!("({})::text", select_sql(ty, col)),
    }
}

fn list_text_sql(col: &str, item: &str) -> String {
    format!("(SELECT string_agg({item}, ', ') FROM jsonb_array_elements({col}) e)")
}

/// SQL condition true when the stored value counts as empty.
pub fn empty_sql(ty: &FormulaType, col: &str) -> String {
    match ty.kind {
        TypeKind::MultipleSelect | TypeKind::Array(_) => {
            format!("COALESCE(jsonb_array_length({col}), 0) = 0")
        }
        TypeKind::Boolean => format!("NOT COALESCE({col}, FALSE)"),
        TypeKind::Number { .. } | TypeKind::Date { .. } | TypeKind::Duration => {
            format!("{col} IS NULL")
        }
        _ => format!("COALESCE({}, '') = ''", text_sql(ty, col)),
    }
}

/// SQL to sort by: the value itself where PostgreSQL orders it well, else its text.
pub fn sort_sql(ty: &FormulaType, col: &str) -> String {
    match ty.kind {
        TypeKind::Text
        | TypeKind::Char
        | TypeKind::Url
        | TypeKind::Number { .. }
        | TypeKind::Boolean
        | TypeKind::Date { .. }
        | TypeKind::Duration => col.to_owned(),
        _ => text_sql(ty, col),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_survive_the_options() {
        for ty in [
            FormulaType::number(2),
            FormulaType::date(true),
            FormulaType::date(false),
            FormulaType::text(),
            FormulaType::boolean(),
            FormulaType::duration(),
            FormulaType::new(TypeKind::Array(Box::new(FormulaType::number(1)))),
        ] {
            let options = typed_options("1", &ty);
            assert_eq!(options["formula"], "1");
            let back = stored_type(&options);
            assert_eq!(back.to_json(), ty.to_json());
        }
        let broken = typed_options("field('x')", &FormulaType::invalid("gone"));
        assert_eq!(stored_type(&broken).error(), Some("gone"));
        assert_eq!(stored_type(&json!({})).name(), "invalid");
    }

    #[test]
    fn column_types() {
        assert_eq!(sql_type(&FormulaType::number(0)), "NUMERIC");
        assert_eq!(sql_type(&FormulaType::date(false)), "DATE");
        assert_eq!(sql_type(&FormulaType::invalid("x")), "TEXT");
        assert_eq!(
            select_sql(&FormulaType::number(2), "t.field_1"),
            "(round(t.field_1, 2))::text"
        );
    }
}
