//! `long_text`: multi-line text (optionally rich text, stored as markdown).

use super::{bool_prop, text_cell, text_input};
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

pub struct LongTextFieldType;

impl FieldType for LongTextFieldType {
    fn name(&self) -> &'static str {
        "long_text"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let rich = bool_prop(
            body,
            current,
            "long_text_enable_rich_text",
            false,
            &mut errors,
        );
        errors.into_result()?;
        Ok(json!({ "long_text_enable_rich_text": rich }))
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
        Ok(text_cell(text_input(value, 10_000_000)?))
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn long_text_keeps_newlines_and_refuses_nul() {
        let f = test_field("long_text", json!({}));
        assert_eq!(
            LongTextFieldType.parse_cell(&f, &json!("a\nb")),
            Ok(CellValue::Text("a\nb".into()))
        );
        assert!(LongTextFieldType.parse_cell(&f, &json!("a\u{0}")).is_err());
        assert_eq!(
            LongTextFieldType.parse_options(&Map::new(), None).unwrap(),
            json!({"long_text_enable_rich_text": false})
        );
    }
}
