//! `password`: an argon2 hash in a `text` column, read back only as whether one is set
//! (`true` or `null`). The hash never leaves the database: no text, no search, no export.

use crate::{
    database::fields::{CellValue, Field, FieldType, PlainPassword, Storage, field_type::column},
    platform::{auth::password::MAX_PASSWORD_BYTES, validation::ValidationError},
};
use serde_json::{Map, Value, json};
use sqlx::{Postgres, QueryBuilder};

pub struct PasswordFieldType;

impl FieldType for PasswordFieldType {
    fn name(&self) -> &'static str {
        "password"
    }

    /// `allow_endpoint_authentication`: whether `password-authentication/` may check a
    /// password against this field's cells.
    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let allow = super::bool_prop(
            body,
            current,
            "allow_endpoint_authentication",
            false,
            &mut errors,
        );
        errors.into_result()?;
        Ok(json!({ "allow_endpoint_authentication": allow }))
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("TEXT")
    }

    fn can_be_primary(&self) -> bool {
        false
    }

    fn can_order_by(&self) -> bool {
        false
    }

    fn select_sql(&self, _field: &Field, col: &str) -> String {
        format!("(CASE WHEN {col} IS NULL THEN NULL ELSE TRUE END)")
    }

    /// A text sets the password (hashed before it is written), `null` or `""` clears it,
    /// and `true` — what reading gives back — keeps the current one, as in Baserow.
    fn parse_cell(&self, _field: &Field, value: &Value) -> Result<CellValue, String> {
        match value {
            Value::Null => Ok(CellValue::Null),
            Value::Bool(true) => Ok(CellValue::Keep),
            Value::String(s) if s.is_empty() => Ok(CellValue::Null),
            Value::String(s) if s.contains('\0') => Err("Null characters are not allowed.".into()),
            Value::String(s) if s.len() > MAX_PASSWORD_BYTES => Err(format!(
                "Ensure this value has at most {MAX_PASSWORD_BYTES} bytes."
            )),
            Value::String(s) => Ok(CellValue::Password(PlainPassword(s.clone()))),
            _ => Err("Expected a password text, null or true.".into()),
        }
    }

    /// Nothing: conversions to other types, lookups and `contains` never see the hash.
    fn text_sql(&self, _field: &Field, _col: &str) -> String {
        "NULL::text".into()
    }

    /// A hash cannot be made from another field's text: converting empties the cells.
    fn text_to_value_sql(&self, _field: &Field, _text: &str) -> String {
        "NULL".into()
    }

    fn can_contain(&self, _term: &str) -> bool {
        false
    }

    fn push_contains(
        &self,
        _field: &Field,
        _col: &str,
        sql: &mut QueryBuilder<Postgres>,
        _term: &str,
    ) {
        sql.push("FALSE");
    }

    fn empty_sql(&self, _field: &Field, col: &str) -> String {
        format!("{col} IS NULL")
    }

    /// Exports and e-mails show nothing.
    fn to_text(&self, _field: &Field, _value: &Value) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn texts_set_null_clears_true_keeps_and_nothing_leaks() {
        let t = PasswordFieldType;
        let f = test_field("password", json!({}));
        assert_eq!(
            t.parse_cell(&f, &json!("s3cret")),
            Ok(CellValue::Password(PlainPassword("s3cret".into())))
        );
        assert_eq!(t.parse_cell(&f, &Value::Null), Ok(CellValue::Null));
        assert_eq!(t.parse_cell(&f, &json!("")), Ok(CellValue::Null));
        assert_eq!(t.parse_cell(&f, &json!(true)), Ok(CellValue::Keep));
        for bad in [
            json!(false),
            json!(5),
            json!(["x"]),
            json!("a\u{0}b"),
            json!("x".repeat(MAX_PASSWORD_BYTES + 1)),
        ] {
            assert!(t.parse_cell(&f, &bad).is_err(), "{bad}");
        }
        assert_eq!(t.text_sql(&f, "t.field_1"), "NULL::text");
        assert_eq!(t.to_text(&f, &json!(true)), "");
        assert!(!t.can_contain("a") && !t.can_be_primary() && !t.can_order_by());
        assert_eq!(
            t.parse_options(&Map::new(), None).unwrap(),
            json!({"allow_endpoint_authentication": false})
        );
    }
}
