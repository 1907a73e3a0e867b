//! `email`: an email address.

use super::text_input;
use crate::database::fields::{CellValue, Field, FieldType, Storage, field_type::column};
use serde_json::Value;

pub struct EmailFieldType;

/// Baserow's permissive `local@domain` check.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    (3..=254).contains(&s.chars().count())
        && !local.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

impl FieldType for EmailFieldType {
    fn name(&self) -> &'static str {
        "email"
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
        match text_input(value, 254)? {
            None => Ok(CellValue::Null),
            Some(s) if s.trim().is_empty() => Ok(CellValue::Null),
            Some(s) if is_email(s.trim()) => Ok(CellValue::Text(s.trim().to_owned())),
            Some(_) => Err("Enter a valid email address.".into()),
        }
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        format!(
            "CASE WHEN btrim({text}) ~ '^[^@[:space:]]+@[^@[:space:].][^@[:space:]]*\\.[^@[:space:].]+$' THEN btrim({text}) END"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    #[test]
    fn emails_are_checked_and_empty_reads_as_empty_string() {
        let f = test_field("email", json!({}));
        assert_eq!(
            EmailFieldType.parse_cell(&f, &json!(" Ann@X.io ")),
            Ok(CellValue::Text("Ann@X.io".into()))
        );
        assert_eq!(
            EmailFieldType.parse_cell(&f, &json!("")),
            Ok(CellValue::Null)
        );
        for bad in ["ann", "ann@x", "a b@x.io", "@x.io"] {
            assert!(EmailFieldType.parse_cell(&f, &json!(bad)).is_err(), "{bad}");
        }
        assert_eq!(EmailFieldType.to_api(&f, Value::Null), json!(""));
    }
}
