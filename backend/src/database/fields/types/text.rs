//! `text`: a single line of text.

use super::{string_prop, text_cell, text_input};
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

pub struct TextFieldType;

impl FieldType for TextFieldType {
    fn name(&self) -> &'static str {
        "text"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let default = string_prop(body, current, "text_default", 255, &mut errors);
        errors.into_result()?;
        Ok(json!({ "text_default": default.unwrap_or_default() }))
    }

    fn text_sql(&self, _field: &Field, col: &str) -> String {
        // Already text: no cast, so the trigram index on the column applies.
        col.to_owned()
    }

    fn column_setup_sql(&self, field: &Field, table: &str) -> Vec<String> {
        super::text_search_sql(field, table)
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("TEXT")
    }

    fn parse_cell(&self, _field: &Field, value: &Value) -> Result<CellValue, String> {
        Ok(text_cell(text_input(value, 1_000_000)?))
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        text.to_owned()
    }

    fn default_value(&self, field: &Field) -> CellValue {
        match field.opt_str("text_default") {
            Some(d) if !d.is_empty() => CellValue::Text(d.to_owned()),
            _ => CellValue::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn text_accepts_strings_and_scalars_and_refuses_nul_and_objects() {
        let f = test_field("text", json!({}));
        assert_eq!(
            TextFieldType.parse_cell(&f, &json!("a")),
            Ok(CellValue::Text("a".into()))
        );
        assert_eq!(
            TextFieldType.parse_cell(&f, &json!(5)),
            Ok(CellValue::Text("5".into()))
        );
        assert_eq!(
            TextFieldType.parse_cell(&f, &Value::Null),
            Ok(CellValue::Null)
        );
        assert!(TextFieldType.parse_cell(&f, &json!("a\u{0}")).is_err());
        assert!(TextFieldType.parse_cell(&f, &json!({"a": 1})).is_err());
    }

    #[test]
    fn text_default_applies_to_new_rows() {
        let f = test_field("text", json!({"text_default": "hi"}));
        assert_eq!(
            TextFieldType.default_value(&f),
            CellValue::Text("hi".into())
        );
    }
}
