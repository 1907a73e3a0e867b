//! `contains`, `contains_not`, `contains_word`, `doesnt_contain_word`, `length_is_lower_than`.

use crate::database::filters::{FilterTarget, FilterType};
use sqlx::{Postgres, QueryBuilder};

/// Every type with a text form.
const TEXT_FORMS: &[&str] = &[
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
    "date",
    "created_on",
    "last_modified",
    "single_select",
    "multiple_select",
    "created_by",
    "last_modified_by",
];

/// `%`, `_` and `\` are literal in the user's text.
pub fn like_pattern(value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A PostgreSQL regular expression matching `value` as a whole word.
pub(super) fn word_regex(value: &str) -> String {
    let escaped: String = value
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect();
    format!("\\m{escaped}\\M")
}

pub struct ContainsFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for ContainsFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        TEXT_FORMS
    }

    fn accepts_any_computed(&self) -> bool {
        true
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.is_empty() {
            sql.push("TRUE");
            return;
        }
        if !t.field_type.can_contain(value) {
            sql.push(if self.negate { "TRUE" } else { "FALSE" });
            return;
        }
        sql.push("((");
        t.field_type.push_contains(t.field, &t.col, sql, value);
        sql.push(if self.negate { ") IS NOT TRUE)" } else { "))" });
    }
}

pub struct ContainsWordFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for ContainsWordFilter {
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
            "single_select",
            "multiple_select",
        ]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        sql.push("((")
            .push(t.text())
            .push(" ~* ")
            .push_bind(word_regex(value.trim()));
        sql.push(if self.negate { ") IS NOT TRUE)" } else { "))" });
    }
}

pub struct LengthIsLowerThanFilter;

impl FilterType for LengthIsLowerThanFilter {
    fn name(&self) -> &'static str {
        "length_is_lower_than"
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["text", "long_text", "url", "email", "phone_number"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        match value.trim().parse::<i64>() {
            Ok(n) => {
                sql.push("(char_length(COALESCE(")
                    .push(t.text())
                    .push(", '')) < ")
                    .push_bind(n)
                    .push(")");
            }
            Err(_) => {
                sql.push("TRUE");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_sql::{field, sql};
    use super::*;

    #[test]
    fn like_wildcards_in_user_text_are_literal() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(
            sql("contains", &field("text"), "x"),
            "((t.field_1 ILIKE $1))"
        );
    }

    #[test]
    fn words_are_escaped_for_the_regex() {
        assert_eq!(word_regex("a.b"), "\\ma\\.b\\M");
        assert!(sql("doesnt_contain_word", &field("text"), "x").contains("IS NOT TRUE"));
    }
}
