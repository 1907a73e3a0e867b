//! `user_is` / `user_is_not`: who created or last modified the row.

use crate::database::filters::{FilterTarget, FilterType};
use sqlx::{Postgres, QueryBuilder};

pub struct UserIsFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for UserIsFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["created_by", "last_modified_by"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        let Ok(user_id) = value.trim().parse::<i64>() else {
            sql.push(if self.negate { "TRUE" } else { "FALSE" });
            return;
        };
        sql.push("((")
            .push(&t.col)
            .push(" = ")
            .push_bind(user_id)
            .push(")");
        sql.push(if self.negate { " IS NOT TRUE)" } else { ")" });
    }
}
