//! `multiple_collaborators_has` / `multiple_collaborators_has_not`: whether a cell holds
//! the user with the given id.

use crate::database::filters::{FilterTarget, FilterType};
use sqlx::{Postgres, QueryBuilder};

pub struct CollaboratorsHasFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for CollaboratorsHasFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["multiple_collaborators"]
    }

    /// An empty value does not filter; a value that is no user id matches no cell, like
    /// the other id filters.
    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        let Some(user_id) = super::user::user_id_or_push(sql, value, self.negate) else {
            return;
        };
        sql.push("((")
            .push(&t.col)
            .push(" @> ARRAY[")
            .push_bind(user_id)
            .push("]::bigint[])");
        sql.push(if self.negate { " IS NOT TRUE)" } else { ")" });
    }
}

#[cfg(test)]
mod tests {
    use crate::database::filters::types::test_sql::{field, sql};

    #[test]
    fn has_binds_the_user_and_bad_values_match_nothing() {
        let f = field("multiple_collaborators");
        assert_eq!(
            sql("multiple_collaborators_has", &f, "5"),
            "((t.field_1 @> ARRAY[$1]::bigint[]))"
        );
        assert_eq!(
            sql("multiple_collaborators_has_not", &f, "5"),
            "((t.field_1 @> ARRAY[$1]::bigint[]) IS NOT TRUE)"
        );
        assert_eq!(sql("multiple_collaborators_has", &f, "x"), "FALSE");
        assert_eq!(sql("multiple_collaborators_has_not", &f, "x"), "TRUE");
        assert_eq!(sql("multiple_collaborators_has", &f, " "), "TRUE");
    }
}
