//! Filters on computed fields (formula, lookup, rollup, count), decided by the formula type
//! the field stores rather than by its field type: a number formula takes the number
//! filters, a date formula the date filters, and so on, by reading its column as the plain
//! field type with the same values would store it; array formulas take the array filters.

use super::{FilterError, FilterTarget, FilterType};
use crate::database::{
    computed::{is_computed, stored::stored_type},
    fields::{Field, FieldType, registry::field_types},
    formula::types::{FormulaType, TypeKind},
};
use serde_json::json;

/// A computed field seen as a plain field: the field with the plain type's name and
/// options, and SQL turning the stored column into that type's stored value.
pub struct AsPlain {
    pub field: Field,
    pub col: String,
}

/// The plain field type whose stored values a formula type's column can be read as, and
/// the options that type needs; `None` for types no plain field stores alike (arrays,
/// links, buttons, invalid formulas).
fn plain_kind(ty: &FormulaType) -> Option<(&'static str, serde_json::Value)> {
    Some(match ty.kind {
        TypeKind::Text | TypeKind::Char => ("text", json!({})),
        TypeKind::Url => ("url", json!({})),
        TypeKind::Number { decimal_places } => {
            ("number", json!({ "number_decimal_places": decimal_places }))
        }
        TypeKind::Boolean => ("boolean", json!({})),
        TypeKind::Date { include_time } => ("date", json!({ "date_include_time": include_time })),
        TypeKind::Duration => ("duration", json!({})),
        TypeKind::SingleSelect => ("single_select", json!({})),
        TypeKind::MultipleSelect => ("multiple_select", json!({})),
        _ => return None,
    })
}

/// `col` (a computed column of type `ty`) as the plain type stores it.
fn plain_col(ty: &FormulaType, col: &str) -> String {
    match ty.kind {
        // Compared as shown: a formula keeps every digit but shows its decimal places.
        TypeKind::Number { decimal_places } => format!("round({col}, {decimal_places})"),
        // A formula's boolean can be NULL; a boolean field's is never.
        TypeKind::Boolean => format!("COALESCE({col}, FALSE)"),
        // Duration fields keep seconds.
        TypeKind::Duration => format!("extract(epoch FROM {col})::float8"),
        // Select formulas keep the option object; select fields its id (or ids).
        TypeKind::SingleSelect => format!("(({col})->>'id')::bigint"),
        TypeKind::MultipleSelect => {
            format!("ARRAY(SELECT (o.v->>'id')::bigint FROM jsonb_array_elements({col}) AS o(v))")
        }
        _ => col.to_owned(),
    }
}

/// The computed `field` (stored in `col`) as a plain field, when its formula type has one.
pub fn as_plain(field: &Field, col: &str) -> Option<AsPlain> {
    let ty = stored_type(&field.options);
    let (kind, options) = plain_kind(&ty)?;
    Some(AsPlain {
        field: Field {
            kind: kind.to_owned(),
            options,
            select_options: field.select_options.clone(),
            ..field.clone()
        },
        col: plain_col(&ty, col),
    })
}

/// The element type of an array formula.
pub fn array_element(field: &Field) -> Option<FormulaType> {
    match stored_type(&field.options).kind {
        TypeKind::Array(inner) => Some(*inner),
        _ => None,
    }
}

/// How a filter reads a computed field.
enum Reading {
    /// Through the field's own type (text and emptiness of any formula).
    Own,
    /// As the plain field type its values are stored like.
    Plain,
    /// As an array of values (the array filters).
    Array,
}

fn reading(filter: &dyn FilterType, ty: &FormulaType) -> Option<Reading> {
    if filter.accepts_any_computed() {
        return Some(Reading::Own);
    }
    if let TypeKind::Array(element) = &ty.kind {
        return filter.supports_array(element).then_some(Reading::Array);
    }
    plain_kind(ty)
        .filter(|(kind, _)| filter.supports(kind))
        .map(|_| Reading::Plain)
}

/// Whether `filter` applies to computed fields of formula type `ty`.
pub fn applies_to_formula(filter: &dyn FilterType, ty: &FormulaType) -> bool {
    reading(filter, ty).is_some()
}

/// Whether `filter` applies to `field`: plain fields by their type, computed fields by
/// the formula type they store (which can change when a field they use changes).
pub fn applies(filter: &dyn FilterType, field: &Field) -> bool {
    if is_computed(&field.kind) {
        applies_to_formula(filter, &stored_type(&field.options))
    } else {
        filter.supports(&field.kind)
    }
}

/// Calls `f` with the target `filter` reads `field` through (its column read by
/// `column`), or refuses the pair as a filter of the wrong field type.
pub fn with_target<R>(
    filter: &dyn FilterType,
    field: &Field,
    column: impl Fn(&Field, &dyn FieldType) -> String,
    f: impl FnOnce(&FilterTarget<'_>) -> R,
) -> Result<R, FilterError> {
    let unsupported =
        || FilterError::UnsupportedField(filter.name().to_owned(), field.kind.clone());
    let own = field_types().get(&field.kind).ok_or_else(unsupported)?;
    let col = column(field, own);
    if !is_computed(&field.kind) {
        if !filter.supports(&field.kind) {
            return Err(unsupported());
        }
        return Ok(f(&FilterTarget {
            field,
            field_type: own,
            col,
        }));
    }
    match reading(filter, &stored_type(&field.options)).ok_or_else(unsupported)? {
        Reading::Own | Reading::Array => Ok(f(&FilterTarget {
            field,
            field_type: own,
            col,
        })),
        Reading::Plain => {
            let plain = as_plain(field, &col).ok_or_else(unsupported)?;
            let ft = field_types()
                .get(&plain.field.kind)
                .ok_or_else(unsupported)?;
            Ok(f(&FilterTarget {
                field: &plain.field,
                field_type: ft,
                col: plain.col.clone(),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::{
        fields::test_field, filters::registry::filter_types, formula::types::FormulaType,
    };
    use sqlx::{Postgres, QueryBuilder};

    pub fn computed(kind: &str, ty: &FormulaType) -> Field {
        test_field(
            kind,
            crate::database::computed::stored::typed_options("x", ty),
        )
    }

    fn sql(filter: &str, field: &Field, value: &str) -> Result<String, FilterError> {
        let filter = filter_types().get(filter).unwrap();
        let mut qb = QueryBuilder::<Postgres>::new("");
        with_target(
            filter,
            field,
            |f, _| format!("t.{}", f.column()),
            |t| filter.push_condition(&mut qb, t, value),
        )?;
        Ok(qb.sql().as_str().to_owned())
    }

    #[test]
    fn computed_fields_take_the_filters_of_their_formula_type() {
        let number = computed("formula", &FormulaType::number(2));
        assert_eq!(
            sql("higher_than", &number, "3").unwrap(),
            "(round(t.field_1, 2)::numeric > $1::numeric)"
        );
        assert!(matches!(
            sql("boolean", &number, "1"),
            Err(FilterError::UnsupportedField(..))
        ));
        let text = computed("formula", &FormulaType::text());
        assert_eq!(sql("equal", &text, "a").unwrap(), "((t.field_1 = $1))");
        // Every computed field type is decided alike, by its formula type.
        let rollup = computed("rollup", &FormulaType::number(0));
        assert!(applies(filter_types().get("higher_than").unwrap(), &rollup));
        assert!(!applies(
            filter_types().get("contains_word").unwrap(),
            &rollup
        ));
        assert!(sql("higher_than", &text, "1").is_err());
        let select = computed("formula", &FormulaType::new(TypeKind::SingleSelect));
        assert_eq!(
            sql("single_select_equal", &select, "4").unwrap(),
            "((((t.field_1)->>'id')::bigint = ANY($1)))"
        );
        // Text and emptiness read the formula's own value, whatever its type.
        let array = computed(
            "formula",
            &FormulaType::new(TypeKind::Array(Box::new(FormulaType::number(0)))),
        );
        assert!(
            sql("empty", &array, "")
                .unwrap()
                .contains("jsonb_array_length")
        );
        assert!(sql("equal", &array, "1").is_err());
        assert!(sql("has_value_higher", &array, "1").is_ok());
        assert!(sql("has_value_contains_word", &array, "a").is_err());
        let invalid = computed("formula", &FormulaType::invalid("gone"));
        assert!(sql("not_empty", &invalid, "").is_ok());
        assert!(sql("equal", &invalid, "a").is_err());
    }

    #[test]
    fn plain_fields_keep_their_types() {
        assert!(applies(
            filter_types().get("equal").unwrap(),
            &test_field("text", json!({}))
        ));
        assert!(!applies(
            filter_types().get("boolean").unwrap(),
            &test_field("text", json!({}))
        ));
    }
}
