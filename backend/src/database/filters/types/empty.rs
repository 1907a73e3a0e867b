//! `empty` / `not_empty`: each field type says what empty means for it.

use crate::database::filters::{FilterTarget, FilterType};
use sqlx::{Postgres, QueryBuilder};

pub struct EmptyFilter {
    pub name: &'static str,
    pub negate: bool,
}

impl FilterType for EmptyFilter {
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
            "boolean",
            "date",
            "duration",
            "single_select",
            "multiple_select",
            "link_row",
            "file",
            "multiple_collaborators",
            "password",
            "created_on",
            "last_modified",
            "created_by",
            "last_modified_by",
            "autonumber",
            "uuid",
        ]
    }

    fn accepts_any_computed(&self) -> bool {
        true
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, _value: &str) {
        sql.push(if self.negate { "(NOT (" } else { "((" });
        sql.push(t.field_type.empty_sql(t.field, &t.col)).push("))");
    }
}
