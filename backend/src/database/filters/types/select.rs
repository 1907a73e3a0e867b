//! `single_select_equal`, `single_select_not_equal`, `single_select_is_any_of`,
//! `single_select_is_none_of`, `multiple_select_has`, `multiple_select_has_not`.

use super::ids;
use crate::database::filters::{FilterTarget, FilterType};
use sqlx::{Postgres, QueryBuilder};

pub struct SingleSelectFilter {
    pub name: &'static str,
    /// Accepts a comma-separated list of option ids.
    pub any_of: bool,
    pub negate: bool,
}

impl FilterType for SingleSelectFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["single_select"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        let Some(wanted) = ids(value).filter(|ids| self.any_of || ids.len() == 1) else {
            sql.push(if self.negate { "TRUE" } else { "FALSE" });
            return;
        };
        sql.push("((")
            .push(&t.col)
            .push(" = ANY(")
            .push_bind(wanted)
            .push("))");
        sql.push(if self.negate { " IS NOT TRUE)" } else { ")" });
    }
}

pub struct MultipleSelectHasFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for MultipleSelectHasFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["multiple_select"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.trim().is_empty() {
            sql.push("TRUE");
            return;
        }
        let Some(wanted) = ids(value) else {
            sql.push(if self.negate { "TRUE" } else { "FALSE" });
            return;
        };
        sql.push("((")
            .push(&t.col)
            .push(" && ")
            .push_bind(wanted)
            .push("::bigint[])");
        sql.push(if self.negate { " IS NOT TRUE)" } else { ")" });
    }
}
