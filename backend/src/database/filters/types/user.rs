//! `user_is` / `user_is_not`: who created or last modified the row.

use crate::database::filters::{FilterTarget, FilterType};
use sqlx::{Postgres, QueryBuilder};

/// The user id a filter value names. An empty value does not filter and a value that is
/// no id matches nothing (or everything, negated): those conditions are pushed here and
/// `None` is returned.
pub(super) fn user_id_or_push(
    sql: &mut QueryBuilder<Postgres>,
    value: &str,
    negate: bool,
) -> Option<i64> {
    if value.trim().is_empty() {
        sql.push("TRUE");
        return None;
    }
    let parsed = value.trim().parse::<i64>().ok();
    if parsed.is_none() {
        sql.push(if negate { "TRUE" } else { "FALSE" });
    }
    parsed
}

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
        let Some(user_id) = user_id_or_push(sql, value, self.negate) else {
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
