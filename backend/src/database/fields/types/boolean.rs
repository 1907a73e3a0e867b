//! `boolean`: a checkbox (never empty).

use super::bool_prop;
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

pub struct BooleanFieldType;

const TRUE: &[&str] = &["t", "y", "yes", "true", "on", "1", "checked"];
const FALSE: &[&str] = &["f", "n", "no", "false", "off", "0", "unchecked", ""];

impl FieldType for BooleanFieldType {
    fn name(&self) -> &'static str {
        "boolean"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let default = bool_prop(body, current, "boolean_default", false, &mut errors);
        errors.into_result()?;
        Ok(json!({ "boolean_default": default }))
    }

    fn can_contain(&self, _term: &str) -> bool {
        false
    }

    fn storage(&self, _field: &Field) -> Storage {
        Storage::Column {
            sql_type: "BOOLEAN".into(),
            not_null_default: Some("FALSE"),
        }
    }

    fn parse_cell(&self, _field: &Field, value: &Value) -> Result<CellValue, String> {
        match value {
            Value::Bool(b) => Ok(CellValue::Bool(*b)),
            Value::Null => Ok(CellValue::Bool(false)),
            Value::Number(n) if n.as_i64() == Some(1) => Ok(CellValue::Bool(true)),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(CellValue::Bool(false)),
            Value::String(s) if TRUE.contains(&s.trim().to_lowercase().as_str()) => {
                Ok(CellValue::Bool(true))
            }
            Value::String(s) if FALSE.contains(&s.trim().to_lowercase().as_str()) => {
                Ok(CellValue::Bool(false))
            }
            _ => Err("Must be a valid boolean.".into()),
        }
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        format!(
            "COALESCE(lower(btrim({text})) IN ('t', 'y', 'yes', 'true', 'on', '1', 'checked'), FALSE)"
        )
    }

    fn empty_sql(&self, _field: &Field, col: &str) -> String {
        format!("NOT {col}")
    }

    fn default_value(&self, field: &Field) -> CellValue {
        CellValue::Bool(field.opt_bool("boolean_default"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn booleans_accept_baserows_words() {
        let f = test_field("boolean", json!({}));
        for yes in [
            json!(true),
            json!(1),
            json!("Yes"),
            json!("checked"),
            json!(" on "),
        ] {
            assert_eq!(
                BooleanFieldType.parse_cell(&f, &yes),
                Ok(CellValue::Bool(true)),
                "{yes}"
            );
        }
        for no in [json!(false), json!(0), json!("off"), json!(""), Value::Null] {
            assert_eq!(
                BooleanFieldType.parse_cell(&f, &no),
                Ok(CellValue::Bool(false)),
                "{no}"
            );
        }
        assert!(BooleanFieldType.parse_cell(&f, &json!("maybe")).is_err());
        assert!(BooleanFieldType.parse_cell(&f, &json!(2)).is_err());
        assert_eq!(
            BooleanFieldType
                .default_value(&test_field("boolean", json!({"boolean_default": true}))),
            CellValue::Bool(true)
        );
    }
}
