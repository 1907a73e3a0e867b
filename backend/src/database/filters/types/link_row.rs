//! `link_row_has`, `link_row_has_not` (a linked row id) and `link_row_contains`,
//! `link_row_not_contains` (text of a linked row's primary field).

use crate::database::{
    filters::{FilterTarget, FilterType},
    links::{Relation, push_linked_text_contains},
};
use sqlx::{Postgres, QueryBuilder};

pub struct LinkRowHasFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for LinkRowHasFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["link_row"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        let (Some(rel), Ok(id)) = (Relation::of(t.field), value.trim().parse::<i64>()) else {
            sql.push(if self.negate { "TRUE" } else { "FALSE" });
            return;
        };
        sql.push(if self.negate { "NOT " } else { "" });
        sql.push(format!(
            "EXISTS (SELECT 1 {} AND l{}.id = ",
            rel.from_linked(t.field.id, "t.id"),
            t.field.id
        ))
        .push_bind(id)
        .push(")");
    }
}

pub struct LinkRowContainsFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for LinkRowContainsFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["link_row"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.is_empty() {
            sql.push("TRUE");
            return;
        }
        sql.push(if self.negate { "NOT " } else { "" });
        push_linked_text_contains(sql, t.field, value);
    }
}
