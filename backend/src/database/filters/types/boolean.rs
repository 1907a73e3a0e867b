//! `boolean`: the checkbox is (un)checked.

use crate::database::filters::{FilterTarget, FilterType};
use sqlx::{Postgres, QueryBuilder};

pub struct BooleanFilter;

impl FilterType for BooleanFilter {
    fn name(&self) -> &'static str {
        "boolean"
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["boolean"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        let wanted = match value.trim().to_lowercase().as_str() {
            "" => {
                sql.push("TRUE");
                return;
            }
            "1" | "true" | "t" | "y" | "yes" | "on" | "checked" => true,
            _ => false,
        };
        sql.push("(")
            .push(&t.col)
            .push(" = ")
            .push_bind(wanted)
            .push(")");
    }
}
