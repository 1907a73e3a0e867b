//! Array filters for array formulas (lookups and other formulas of many values):
//! `has_value_equal`, `has_value_contains`, `has_value_higher`, … and their `has_not_`
//! forms. An array formula stores `[{id, value}, …]` (one item per linked row, `value`
//! shaped like the element type), so each filter is one `EXISTS` over its elements.

use super::{contains::word_regex, decimal, ids, like_pattern};
use crate::database::{
    computed::stored::stored_type,
    fields::{Field, registry::field_types},
    filters::{FilterTarget, FilterType, registry::filter_types},
    formula::types::{FormulaType, TypeKind},
};
use serde_json::json;
use sqlx::{Postgres, QueryBuilder};

/// What is asked of one element.
#[derive(Clone, Copy, PartialEq)]
enum Test {
    /// Equals the value: text exactly, numbers as numbers.
    Equal,
    /// Its text contains the value, ignoring case.
    Contains,
    /// Its text contains the value as a whole word.
    ContainsWord,
    /// Its text is shorter than the value.
    LengthLower,
    /// Is empty (no value filter).
    Empty,
    /// Is one of the option ids of the value.
    SelectAnyOf,
    /// Compares as a number with one of a closed set of operators.
    Compare(&'static str),
}

/// Which kinds of elements a test reads.
fn applies(test: Test, all: bool, element: &TypeKind) -> bool {
    use TypeKind as T;
    let text_like = matches!(element, T::Text | T::Char | T::Url);
    let number = matches!(element, T::Number { .. });
    match test {
        Test::Equal if all => text_like || number || matches!(element, T::Boolean),
        Test::Equal => text_like || number,
        Test::Contains => text_like || number || matches!(element, T::SingleSelect | T::Link),
        Test::ContainsWord => text_like || matches!(element, T::SingleSelect),
        Test::LengthLower => text_like,
        Test::Empty => {
            text_like || number || matches!(element, T::Date { .. } | T::SingleSelect | T::Link)
        }
        Test::SelectAnyOf => matches!(element, T::SingleSelect),
        Test::Compare(_) => number,
    }
}

pub struct ArrayFilter {
    name: &'static str,
    test: Test,
    /// `has_not_…`: no element passes the test.
    negate: bool,
    /// `has_all_values_equal`: there are elements, and every one passes.
    all: bool,
}

/// Every array filter type.
pub fn array_filters() -> Vec<Box<dyn FilterType>> {
    let mut out: Vec<Box<dyn FilterType>> = Vec::new();
    let mut add = |name, test, negate, all| {
        out.push(Box::new(ArrayFilter {
            name,
            test,
            negate,
            all,
        }))
    };
    add("has_value_equal", Test::Equal, false, false);
    add("has_not_value_equal", Test::Equal, true, false);
    add("has_value_contains", Test::Contains, false, false);
    add("has_not_value_contains", Test::Contains, true, false);
    add("has_value_contains_word", Test::ContainsWord, false, false);
    add(
        "has_not_value_contains_word",
        Test::ContainsWord,
        true,
        false,
    );
    add(
        "has_value_length_is_lower_than",
        Test::LengthLower,
        false,
        false,
    );
    add("has_all_values_equal", Test::Equal, false, true);
    add("has_empty_value", Test::Empty, false, false);
    add("has_not_empty_value", Test::Empty, true, false);
    add(
        "has_any_select_option_equal",
        Test::SelectAnyOf,
        false,
        false,
    );
    add(
        "has_none_select_option_equal",
        Test::SelectAnyOf,
        true,
        false,
    );
    for (name, not_name, op) in [
        ("has_value_higher", "has_not_value_higher", ">"),
        (
            "has_value_higher_or_equal",
            "has_not_value_higher_or_equal",
            ">=",
        ),
        ("has_value_lower", "has_not_value_lower", "<"),
        (
            "has_value_lower_or_equal",
            "has_not_value_lower_or_equal",
            "<=",
        ),
    ] {
        add(name, Test::Compare(op), false, false);
        add(not_name, Test::Compare(op), true, false);
    }
    for (name, not_name, inner) in [
        ("has_date_equal", "has_not_date_equal", "date_is"),
        ("has_date_before", "has_not_date_before", "date_is_before"),
        (
            "has_date_on_or_before",
            "has_not_date_on_or_before",
            "date_is_on_or_before",
        ),
        ("has_date_after", "has_not_date_after", "date_is_after"),
        (
            "has_date_on_or_after",
            "has_not_date_on_or_after",
            "date_is_on_or_after",
        ),
        ("has_date_within", "has_not_date_within", "date_is_within"),
    ] {
        for (name, negate) in [(name, false), (not_name, true)] {
            out.push(Box::new(ArrayDateFilter {
                name,
                inner,
                negate,
            }));
        }
    }
    out
}

/// An element's text (`v` is the `{id, value}` item).
fn element_text(element: &FormulaType) -> String {
    match element.kind {
        TypeKind::Number { decimal_places } => {
            format!("(round(tessera_try_numeric(v->>'value'), {decimal_places}))::text")
        }
        TypeKind::SingleSelect => "(v->'value'->>'value')".into(),
        TypeKind::Link | TypeKind::Button => "(v->'value'->>'label')".into(),
        _ => "(v->>'value')".into(),
    }
}

/// An element as a number.
const ELEMENT_NUMBER: &str = "tessera_try_numeric(v->>'value')";

/// A truthy filter value, as the `boolean` filter reads it.
fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_lowercase().as_str(),
        "1" | "true" | "t" | "y" | "yes" | "on" | "checked"
    )
}

impl ArrayFilter {
    /// Appends the test on one element; `false` when the value can match no element.
    fn push_test(
        &self,
        sql: &mut QueryBuilder<Postgres>,
        element: &FormulaType,
        value: &str,
    ) -> bool {
        let text = element_text(element);
        match self.test {
            Test::Equal => match element.kind {
                TypeKind::Number { .. } => {
                    let Some(d) = decimal(value) else {
                        return false;
                    };
                    sql.push(ELEMENT_NUMBER)
                        .push(" = ")
                        .push_bind(d)
                        .push("::numeric");
                }
                TypeKind::Boolean => {
                    sql.push("COALESCE((v->>'value')::boolean, FALSE) = ")
                        .push_bind(truthy(value));
                }
                _ => {
                    sql.push(text).push(" = ").push_bind(value.to_owned());
                }
            },
            Test::Contains => {
                sql.push(text)
                    .push(" ILIKE ")
                    .push_bind(like_pattern(value));
            }
            Test::ContainsWord => {
                sql.push(text)
                    .push(" ~* ")
                    .push_bind(word_regex(value.trim()));
            }
            Test::LengthLower => {
                let Ok(n) = value.trim().parse::<i64>() else {
                    return false;
                };
                sql.push("char_length(COALESCE(")
                    .push(text)
                    .push(", '')) < ")
                    .push_bind(n);
            }
            Test::Empty => {
                sql.push("COALESCE(").push(text).push(", '') = ''");
            }
            Test::SelectAnyOf => {
                let Some(wanted) = ids(value) else {
                    return false;
                };
                sql.push("(v->'value'->>'id')::bigint = ANY(")
                    .push_bind(wanted)
                    .push(")");
            }
            Test::Compare(op) => {
                let Some(d) = decimal(value) else {
                    return false;
                };
                sql.push(ELEMENT_NUMBER)
                    .push(" ")
                    .push(op)
                    .push(" ")
                    .push_bind(d)
                    .push("::numeric");
            }
        }
        true
    }
}

impl FilterType for ArrayFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    /// Only array formulas, which [`Self::supports_array`] decides on.
    fn compatible_field_types(&self) -> &'static [&'static str] {
        &[]
    }

    fn supports_array(&self, element: &FormulaType) -> bool {
        applies(self.test, self.all, &element.kind)
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        let TypeKind::Array(element) = stored_type(&t.field.options).kind else {
            sql.push("FALSE");
            return;
        };
        if self.test != Test::Empty && value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        let elements = format!(
            "jsonb_array_elements(COALESCE({}, '[]'::jsonb)) AS e(v)",
            t.col
        );
        if self.all {
            // Some element, and none failing the test.
            sql.push("(EXISTS (SELECT 1 FROM ")
                .push(&elements)
                .push(") AND NOT EXISTS (SELECT 1 FROM ")
                .push(&elements)
                .push(" WHERE (");
            if !self.push_test(sql, &element, value) {
                sql.push("FALSE");
            }
            sql.push(") IS NOT TRUE))");
            return;
        }
        sql.push(if self.negate {
            "(NOT EXISTS (SELECT 1 FROM "
        } else {
            "(EXISTS (SELECT 1 FROM "
        })
        .push(&elements)
        .push(" WHERE ");
        if !self.push_test(sql, &element, value) {
            sql.push("FALSE");
        }
        sql.push("))");
    }
}

/// `has_date_…` / `has_not_date_…`: the multi-step date filter `inner` (same value,
/// `"<time zone>?<value>?<operator>"`) on each element of an array of dates.
pub struct ArrayDateFilter {
    name: &'static str,
    inner: &'static str,
    negate: bool,
}

impl FilterType for ArrayDateFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &[]
    }

    fn supports_array(&self, element: &FormulaType) -> bool {
        matches!(element.kind, TypeKind::Date { .. })
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        let include_time = match stored_type(&t.field.options).kind {
            TypeKind::Array(inner) => match inner.kind {
                TypeKind::Date { include_time } => include_time,
                _ => {
                    sql.push("FALSE");
                    return;
                }
            },
            _ => {
                sql.push("FALSE");
                return;
            }
        };
        let (Some(inner), Some(date_type)) =
            (filter_types().get(self.inner), field_types().get("date"))
        else {
            sql.push("FALSE");
            return;
        };
        if value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        // Each element as a date field would hold it; the values are the formula's own
        // ISO text, so the casts cannot fail.
        let element = Field {
            kind: "date".into(),
            options: json!({ "date_include_time": include_time }),
            ..t.field.clone()
        };
        let col = if include_time {
            "(v->>'value')::timestamptz"
        } else {
            "(v->>'value')::date"
        };
        sql.push(if self.negate {
            "(NOT EXISTS (SELECT 1 FROM "
        } else {
            "(EXISTS (SELECT 1 FROM "
        })
        .push(format!(
            "jsonb_array_elements(COALESCE({}, '[]'::jsonb)) AS e(v)",
            t.col
        ))
        .push(" WHERE ");
        inner.push_condition(
            sql,
            &FilterTarget {
                field: &element,
                field_type: date_type,
                col: col.into(),
            },
            value,
        );
        sql.push("))");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::{
        computed::stored::typed_options,
        fields::{registry::field_types, test_field},
        filters::registry::filter_types,
    };

    fn sql(filter: &str, element: FormulaType, value: &str) -> String {
        let ty = FormulaType::new(TypeKind::Array(Box::new(element)));
        let field = test_field("formula", typed_options("x", &ty));
        let target = FilterTarget {
            field: &field,
            field_type: field_types().get("formula").unwrap(),
            col: "t.field_1".into(),
        };
        let mut qb = QueryBuilder::<Postgres>::new("");
        filter_types()
            .get(filter)
            .unwrap()
            .push_condition(&mut qb, &target, value);
        qb.sql().as_str().to_owned()
    }

    #[test]
    fn elements_are_tested_in_one_exists_with_bound_values() {
        let from = "jsonb_array_elements(COALESCE(t.field_1, '[]'::jsonb)) AS e(v)";
        assert_eq!(
            sql("has_value_equal", FormulaType::text(), "a'b"),
            format!("(EXISTS (SELECT 1 FROM {from} WHERE (v->>'value') = $1))")
        );
        assert_eq!(
            sql("has_not_value_higher", FormulaType::number(0), "3"),
            format!(
                "(NOT EXISTS (SELECT 1 FROM {from} WHERE tessera_try_numeric(v->>'value') > $1::numeric))"
            )
        );
        assert_eq!(
            sql("has_value_lower", FormulaType::number(0), "abc"),
            format!("(EXISTS (SELECT 1 FROM {from} WHERE FALSE))")
        );
        assert_eq!(sql("has_value_contains", FormulaType::text(), ""), "TRUE");
        assert!(sql("has_all_values_equal", FormulaType::boolean(), "1").contains("IS NOT TRUE"));
        assert!(
            sql(
                "has_any_select_option_equal",
                FormulaType::new(TypeKind::SingleSelect),
                "1,2"
            )
            .contains("= ANY($1)")
        );
    }

    #[test]
    fn each_filter_takes_the_elements_it_understands() {
        let get = |n| filter_types().get(n).unwrap();
        assert!(get("has_value_contains_word").supports_array(&FormulaType::text()));
        assert!(!get("has_value_contains_word").supports_array(&FormulaType::number(0)));
        assert!(get("has_value_higher").supports_array(&FormulaType::number(2)));
        assert!(!get("has_value_higher").supports_array(&FormulaType::text()));
        assert!(!get("has_any_select_option_equal").supports_array(&FormulaType::text()));
        assert!(get("has_all_values_equal").supports_array(&FormulaType::boolean()));
        assert!(!get("has_value_equal").supports("text"));
        assert!(get("has_date_before").supports_array(&FormulaType::date(false)));
        assert!(!get("has_not_date_within").supports_array(&FormulaType::text()));
    }

    #[test]
    fn date_elements_take_the_date_filters() {
        let s = sql(
            "has_not_date_before",
            FormulaType::date(false),
            "UTC?2024-01-31?exact_date",
        );
        assert!(s.starts_with("(NOT EXISTS (SELECT 1 FROM "), "{s}");
        assert!(s.contains("(v->>'value')::date < ($1::date)"), "{s}");
        assert_eq!(sql("has_date_equal", FormulaType::date(true), ""), "TRUE");
    }
}
