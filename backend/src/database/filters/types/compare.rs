//! `higher_than`, `higher_than_or_equal`, `lower_than`, `lower_than_or_equal`, `is_even_and_whole`.

use super::decimal;
use crate::database::filters::{FilterTarget, FilterType, filter_type::NUMERIC};
use sqlx::{Postgres, QueryBuilder};

pub struct CompareFilter {
    pub name: &'static str,
    /// One of a closed set of operators, never user text.
    pub op: &'static str,
}

impl FilterType for CompareFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        NUMERIC
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        match decimal(value) {
            Some(d) => {
                sql.push("(")
                    .push(&t.col)
                    .push("::numeric ")
                    .push(self.op)
                    .push(" ")
                    .push_bind(d)
                    .push("::numeric)");
            }
            None => {
                sql.push("FALSE");
            }
        }
    }
}

pub struct IsEvenAndWholeFilter;

impl FilterType for IsEvenAndWholeFilter {
    fn name(&self) -> &'static str {
        "is_even_and_whole"
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        NUMERIC
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, _value: &str) {
        sql.push("(").push(&t.col).push("::numeric % 2 = 0)");
    }
}
