//! Filters of `file` fields: `filename_contains` (a file's visible name),
//! `has_file_type` (`image` or `document`) and `files_lower_than` (fewer files than n).

use crate::database::filters::{FilterTarget, FilterType, like_pattern};
use sqlx::{Postgres, QueryBuilder};

pub struct FilenameContainsFilter;

impl FilterType for FilenameContainsFilter {
    fn name(&self) -> &'static str {
        "filename_contains"
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["file"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        if value.is_empty() {
            sql.push("TRUE");
            return;
        }
        sql.push(format!(
            "EXISTS (SELECT 1 FROM jsonb_array_elements({}) AS f(v) WHERE f.v ->> 'visible_name' ILIKE ",
            t.col
        ))
        .push_bind(like_pattern(value))
        .push(")");
    }
}

pub struct HasFileTypeFilter;

impl FilterType for HasFileTypeFilter {
    fn name(&self) -> &'static str {
        "has_file_type"
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["file"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        let is_image = match value.trim() {
            "image" => true,
            "document" => false,
            // Baserow ignores any other value.
            _ => {
                sql.push("TRUE");
                return;
            }
        };
        sql.push(format!(
            "EXISTS (SELECT 1 FROM jsonb_array_elements({}) AS f(v) \
             WHERE COALESCE((f.v ->> 'is_image')::boolean, FALSE) = {is_image})",
            t.col
        ));
    }
}

pub struct FilesLowerThanFilter;

impl FilterType for FilesLowerThanFilter {
    fn name(&self) -> &'static str {
        "files_lower_than"
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        &["file"]
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        let Ok(n) = value.trim().parse::<i64>() else {
            sql.push("TRUE");
            return;
        };
        sql.push(format!("COALESCE(jsonb_array_length({}), 0) < ", t.col))
            .push_bind(n);
    }
}

#[cfg(test)]
mod tests {
    use crate::database::filters::types::test_sql::{field, sql};

    #[test]
    fn file_filters_read_the_stored_list_and_bind_values() {
        let f = field("file");
        let s = sql("filename_contains", &f, "report");
        assert!(s.contains("->> 'visible_name' ILIKE $1"), "{s}");
        assert!(sql("has_file_type", &f, "image").contains("= true"));
        assert!(sql("has_file_type", &f, "document").contains("= false"));
        assert_eq!(sql("has_file_type", &f, "x'; DROP"), "TRUE");
        assert!(sql("files_lower_than", &f, "2").contains("< $1"));
        assert_eq!(sql("files_lower_than", &f, "two"), "TRUE");
    }
}
