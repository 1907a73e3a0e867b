//! `formula`: a value computed from the row's other fields (and linked rows) by
//! Baserow's formula language, stored in a column of the type the formula gives and
//! recomputed by PostgreSQL in the transaction of every change it depends on (see
//! `database::computed`). Its properties (`formula_type`, `error`, ...) are the type
//! checker's; the formula text is the only one a user sets.

use super::super::{CellValue, Field, FieldType, Storage};
use crate::{
    database::{
        computed::stored,
        formula::{self, types::FormulaType},
    },
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

pub struct FormulaFieldType;

/// The field type's name.
pub const FORMULA: &str = "formula";

fn ty(field: &Field) -> FormulaType {
    stored::stored_type(&field.options)
}

impl FieldType for FormulaFieldType {
    fn name(&self) -> &'static str {
        FORMULA
    }

    /// Keeps the formula text and the formatting the user chose; its type is filled in by
    /// the fields service, which can see the table's other fields.
    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let formula = match body.get("formula") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(ValidationError::single(
                    "formula",
                    "invalid",
                    "Not a valid string.",
                ));
            }
            None => match current
                .and_then(|c| c.get("formula"))
                .and_then(Value::as_str)
            {
                Some(s) => s.to_owned(),
                None => {
                    return Err(ValidationError::single(
                        "formula",
                        "required",
                        "This field is required.",
                    ));
                }
            },
        };
        if formula.contains('\0') {
            return Err(ValidationError::single(
                "formula",
                "invalid",
                "Null characters are not allowed.",
            ));
        }
        if formula.chars().count() > formula::MAX_FORMULA_CHARS {
            return Err(ValidationError::single(
                "formula",
                "max_length",
                format!(
                    "Ensure this value has at most {} characters.",
                    formula::MAX_FORMULA_CHARS
                ),
            ));
        }
        let mut errors = ValidationError::default();
        let formatting = super::parse_formatting(body, current, &mut errors);
        errors.into_result()?;
        let mut options = json!({ "formula": formula });
        if !formatting.is_empty() {
            options[super::FORMATTING] = Value::Object(formatting);
        }
        Ok(options)
    }

    fn storage(&self, field: &Field) -> Storage {
        Storage::Column {
            sql_type: stored::sql_type(&ty(field)).into(),
            not_null_default: None,
        }
    }

    fn is_read_only(&self) -> bool {
        true
    }

    fn select_sql(&self, field: &Field, col: &str) -> String {
        stored::select_sql(&ty(field), col)
    }

    fn parse_cell(&self, _field: &Field, _value: &Value) -> Result<CellValue, String> {
        Err("This field is read only.".into())
    }

    fn text_sql(&self, field: &Field, col: &str) -> String {
        stored::text_sql(&ty(field), col)
    }

    /// Values are recomputed after a conversion, so the column starts empty.
    fn text_to_value_sql(&self, field: &Field, _text: &str) -> String {
        format!("NULL::{}", stored::sql_type(&ty(field)))
    }

    fn empty_sql(&self, field: &Field, col: &str) -> String {
        stored::empty_sql(&ty(field), col)
    }

    fn sort_sql(&self, field: &Field, col: &str) -> String {
        stored::sort_sql(&ty(field), col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn options_keep_the_formula_text_only() {
        let t = FormulaFieldType;
        let parsed = t
            .parse_options(
                &body(json!({"formula": "1 + 1", "formula_type": "text"})),
                None,
            )
            .unwrap();
        assert_eq!(parsed, json!({"formula": "1 + 1"}));
        let kept = t
            .parse_options(&body(json!({})), Some(&json!({"formula": "2"})))
            .unwrap();
        assert_eq!(kept["formula"], "2");
        assert!(t.parse_options(&body(json!({})), None).is_err());
        assert!(
            t.parse_options(&body(json!({"formula": "'a\0'"})), None)
                .is_err()
        );
        assert!(t.parse_options(&body(json!({"formula": 3})), None).is_err());
    }
}
