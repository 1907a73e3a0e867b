//! `single_select`: one option of the field's `select_options`.

use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};
use sqlx::{Postgres, QueryBuilder};

pub struct SingleSelectFieldType;

/// Finds an option by id (number or numeric string) or by exact value.
pub fn find_option(field: &Field, value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .filter(|id| field.select_options.iter().any(|o| o.id == *id)),
        Value::String(s) => field
            .select_options
            .iter()
            .find(|o| o.value == *s)
            .or_else(|| {
                s.trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| field.select_options.iter().find(|o| o.id == id))
            })
            .map(|o| o.id),
        _ => None,
    }
}

/// SQL reading an option id as Baserow's `{id, value, color}` object.
pub fn option_object_sql(id_sql: &str) -> String {
    format!(
        "(SELECT json_build_object('id', o.id, 'value', o.value, 'color', o.color) FROM database_select_options o WHERE o.id = {id_sql})"
    )
}

impl FieldType for SingleSelectFieldType {
    fn name(&self) -> &'static str {
        "single_select"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let default = super::prop(body, current, "single_select_default")
            .cloned()
            .unwrap_or(Value::Null);
        if !(default.is_null() || default.is_i64()) {
            return Err(ValidationError::single(
                "single_select_default",
                "invalid",
                "Must be an option id.",
            ));
        }
        Ok(json!({ "single_select_default": default }))
    }

    fn push_contains(
        &self,
        field: &Field,
        col: &str,
        sql: &mut QueryBuilder<Postgres>,
        term: &str,
    ) {
        let ids = field.options_containing(term);
        if ids.is_empty() {
            sql.push("FALSE");
        } else {
            sql.push(format!("{col} = ANY(")).push_bind(ids).push(")");
        }
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("BIGINT")
    }

    fn has_select_options(&self) -> bool {
        true
    }

    fn select_sql(&self, _field: &Field, col: &str) -> String {
        option_object_sql(col)
    }

    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        if value.is_null() || value.as_str().is_some_and(|s| s.is_empty()) {
            return Ok(CellValue::Null);
        }
        find_option(field, value)
            .map(CellValue::Int)
            .ok_or_else(|| "The provided select option value does not exist.".into())
    }

    fn text_sql(&self, _field: &Field, col: &str) -> String {
        format!("(SELECT o.value FROM database_select_options o WHERE o.id = {col})")
    }

    fn text_to_value_sql(&self, field: &Field, text: &str) -> String {
        format!(
            "(SELECT o.id FROM database_select_options o WHERE o.field_id = {} AND o.value = btrim({text}) ORDER BY o.\"order\", o.id LIMIT 1)",
            field.id
        )
    }

    fn sort_sql(&self, field: &Field, col: &str) -> String {
        self.text_sql(field, col)
    }

    fn to_text(&self, _field: &Field, value: &Value) -> String {
        value
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    fn default_value(&self, field: &Field) -> CellValue {
        match field.opt("single_select_default").as_i64() {
            Some(id) if field.select_options.iter().any(|o| o.id == id) => CellValue::Int(id),
            _ => CellValue::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::{SelectOption, test_field};

    fn field() -> Field {
        let mut f = test_field("single_select", json!({}));
        f.select_options = vec![
            SelectOption {
                id: 7,
                value: "Red".into(),
                color: "red".into(),
                order: 0,
            },
            SelectOption {
                id: 8,
                value: "8".into(),
                color: "blue".into(),
                order: 1,
            },
        ];
        f
    }

    #[test]
    fn options_are_found_by_id_or_value() {
        let f = field();
        assert_eq!(
            SingleSelectFieldType.parse_cell(&f, &json!(7)),
            Ok(CellValue::Int(7))
        );
        assert_eq!(
            SingleSelectFieldType.parse_cell(&f, &json!("Red")),
            Ok(CellValue::Int(7))
        );
        assert_eq!(
            SingleSelectFieldType.parse_cell(&f, &json!("8")),
            Ok(CellValue::Int(8)),
            "value before id"
        );
        assert_eq!(
            SingleSelectFieldType.parse_cell(&f, &Value::Null),
            Ok(CellValue::Null)
        );
        assert!(SingleSelectFieldType.parse_cell(&f, &json!(999)).is_err());
        assert!(
            SingleSelectFieldType
                .parse_cell(&f, &json!("Green"))
                .is_err()
        );
        assert!(
            SingleSelectFieldType
                .text_to_value_sql(&f, "x")
                .contains("o.field_id = 1")
        );
    }
}
