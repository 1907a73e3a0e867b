//! `created_by` and `last_modified_by`: read-only users taken from the row's system columns.

use crate::database::{
    fields::{CellValue, Field, FieldType, Storage},
    filters::like_pattern,
};
use serde_json::Value;
use sqlx::{Postgres, QueryBuilder};

pub struct UserStampFieldType {
    pub name: &'static str,
    pub system_column: &'static str,
}

impl FieldType for UserStampFieldType {
    fn name(&self) -> &'static str {
        self.name
    }

    fn push_contains(
        &self,
        _field: &Field,
        col: &str,
        sql: &mut QueryBuilder<Postgres>,
        term: &str,
    ) {
        sql.push(format!(
            "{col} IN (SELECT u.id FROM users u WHERE u.first_name ILIKE "
        ));
        sql.push_bind(like_pattern(term)).push(")");
    }

    fn storage(&self, _field: &Field) -> Storage {
        Storage::System(self.system_column)
    }

    fn is_read_only(&self) -> bool {
        true
    }

    fn select_sql(&self, _field: &Field, col: &str) -> String {
        format!(
            "(SELECT json_build_object('id', u.id, 'name', u.first_name) FROM users u WHERE u.id = {col})"
        )
    }

    fn parse_cell(&self, _field: &Field, _value: &Value) -> Result<CellValue, String> {
        Err("This field is read only.".into())
    }

    fn text_sql(&self, _field: &Field, col: &str) -> String {
        format!("(SELECT u.first_name FROM users u WHERE u.id = {col})")
    }

    fn text_to_value_sql(&self, _field: &Field, _text: &str) -> String {
        "NULL".into()
    }

    fn sort_sql(&self, field: &Field, col: &str) -> String {
        self.text_sql(field, col)
    }

    fn to_text(&self, _field: &Field, value: &Value) -> String {
        value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    #[test]
    fn user_stamps_read_a_system_column_as_id_and_name() {
        let t = UserStampFieldType {
            name: "created_by",
            system_column: "created_by",
        };
        let f = test_field("created_by", json!({}));
        assert_eq!(t.storage(&f), Storage::System("created_by"));
        assert!(t.parse_cell(&f, &json!({"id": 1})).is_err());
        assert!(
            t.select_sql(&f, "t.created_by")
                .contains("json_build_object('id', u.id, 'name', u.first_name)")
        );
        assert_eq!(t.to_text(&f, &json!({"id": 1, "name": "Ann"})), "Ann");
    }
}
