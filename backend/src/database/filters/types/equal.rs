//! `equal` / `not_equal`: the value is exactly the given one.

use super::decimal;
use crate::database::filters::{
    FilterTarget, FilterType,
    filter_type::{NUMERIC, TEXTUAL},
};
use sqlx::{Postgres, QueryBuilder};

pub struct EqualFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for EqualFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &[
            "text",
            "long_text",
            "url",
            "email",
            "phone_number",
            "number",
            "rating",
            "autonumber",
            "duration",
            "uuid",
        ]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.is_empty() {
            sql.push("TRUE");
            return;
        }
        sql.push("((");
        let kind = t.field.kind.as_str();
        if NUMERIC.contains(&kind) {
            match decimal(value) {
                Some(d) => {
                    sql.push(&t.col)
                        .push("::numeric = ")
                        .push_bind(d)
                        .push("::numeric");
                }
                None => {
                    sql.push("FALSE");
                }
            }
        } else if TEXTUAL.contains(&kind) || kind == "uuid" {
            sql.push(t.text()).push(" = ").push_bind(value.to_owned());
        } else {
            sql.push("FALSE");
        }
        sql.push(if self.negate { ") IS NOT TRUE)" } else { "))" });
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_sql::{field, sql};

    #[test]
    fn binds_values_and_casts_numbers() {
        assert_eq!(sql("equal", &field("text"), "x"), "((t.field_1 = $1))");
        assert_eq!(
            sql("not_equal", &field("number"), "3.5"),
            "((t.field_1::numeric = $1::numeric) IS NOT TRUE)"
        );
        assert_eq!(sql("equal", &field("number"), "abc"), "((FALSE))");
        assert_eq!(sql("equal", &field("text"), ""), "TRUE");
    }
}
