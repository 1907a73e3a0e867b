//! `phone_number`: digits and the punctuation phone numbers use.

use super::text_input;
use crate::database::fields::{CellValue, Field, FieldType, Storage, field_type::column};
use serde_json::Value;

pub struct PhoneNumberFieldType;

const ALLOWED: &str = "0123456789NnXx,+._*()#=;/- ";

impl FieldType for PhoneNumberFieldType {
    fn name(&self) -> &'static str {
        "phone_number"
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

    fn to_api(&self, _field: &Field, raw: Value) -> Value {
        super::empty_string_for_null(raw)
    }

    fn parse_cell(&self, _field: &Field, value: &Value) -> Result<CellValue, String> {
        match text_input(value, 100)? {
            None => Ok(CellValue::Null),
            Some(s) if s.is_empty() => Ok(CellValue::Null),
            Some(s) if s.chars().all(|c| ALLOWED.contains(c)) => Ok(CellValue::Text(s)),
            Some(_) => Err("Enter a valid phone number.".into()),
        }
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        format!("CASE WHEN ({text}) ~ '^[0-9NnXx,+._*()#=;/ -]{{1,100}}$' THEN {text} END")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    #[test]
    fn phone_numbers_allow_only_phone_characters() {
        let f = test_field("phone_number", json!({}));
        assert_eq!(
            PhoneNumberFieldType.parse_cell(&f, &json!("+1 (555) 010-99 x12")),
            Ok(CellValue::Text("+1 (555) 010-99 x12".into()))
        );
        assert!(
            PhoneNumberFieldType
                .parse_cell(&f, &json!("call me"))
                .is_err()
        );
        assert!(
            PhoneNumberFieldType
                .parse_cell(&f, &json!("1".repeat(101)))
                .is_err()
        );
    }
}
