//! `uuid`: a read-only random UUID per row.

use crate::database::fields::{CellValue, Field, FieldType, Storage};
use serde_json::Value;

pub struct UuidFieldType;

impl FieldType for UuidFieldType {
    fn name(&self) -> &'static str {
        "uuid"
    }

    fn storage(&self, _field: &Field) -> Storage {
        Storage::Column {
            sql_type: "UUID".into(),
            not_null_default: Some("gen_random_uuid()"),
        }
    }

    fn is_read_only(&self) -> bool {
        true
    }

    fn parse_cell(&self, _field: &Field, _value: &Value) -> Result<CellValue, String> {
        Err("This field is read only.".into())
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        format!("COALESCE(tessera_try_uuid({text}), gen_random_uuid())")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    #[test]
    fn uuids_are_generated_never_written_and_survive_conversion() {
        let f = test_field("uuid", json!({}));
        assert!(UuidFieldType.parse_cell(&f, &json!("x")).is_err());
        assert_eq!(
            UuidFieldType.storage(&f),
            Storage::Column {
                sql_type: "UUID".into(),
                not_null_default: Some("gen_random_uuid()")
            }
        );
        assert_eq!(
            UuidFieldType.text_to_value_sql(&f, "x"),
            "COALESCE(tessera_try_uuid(x), gen_random_uuid())"
        );
    }
}
