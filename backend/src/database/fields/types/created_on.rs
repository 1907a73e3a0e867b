//! `created_on` and `last_modified`: read-only timestamps taken from the row's system columns.

use super::{date_props, iso_datetime_sql};
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value};

/// One type per system column: `created_on` reads `created_on`, `last_modified` reads `updated_on`.
pub struct TimestampFieldType {
    pub name: &'static str,
    pub system_column: &'static str,
}

impl FieldType for TimestampFieldType {
    fn name(&self) -> &'static str {
        self.name
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let props = date_props(body, current, true, &mut errors);
        errors.into_result()?;
        Ok(Value::Object(props))
    }

    fn can_contain(&self, term: &str) -> bool {
        super::has_digit(term)
    }

    fn storage(&self, _field: &Field) -> Storage {
        Storage::System(self.system_column)
    }

    fn is_read_only(&self) -> bool {
        true
    }

    fn select_sql(&self, field: &Field, col: &str) -> String {
        if field.opt_bool("date_include_time") {
            iso_datetime_sql(col, true)
        } else {
            format!("to_char(({col}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
        }
    }

    fn parse_cell(&self, _field: &Field, _value: &Value) -> Result<CellValue, String> {
        Err("This field is read only.".into())
    }

    fn text_sql(&self, field: &Field, col: &str) -> String {
        self.select_sql(field, col)
    }

    fn text_to_value_sql(&self, _field: &Field, _text: &str) -> String {
        "NULL".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    #[test]
    fn timestamps_read_system_columns_and_refuse_writes() {
        let t = TimestampFieldType {
            name: "last_modified",
            system_column: "updated_on",
        };
        let f = test_field("last_modified", json!({"date_include_time": true}));
        assert_eq!(t.storage(&f), Storage::System("updated_on"));
        assert!(t.is_read_only());
        assert!(t.parse_cell(&f, &json!("2024-01-01")).is_err());
        assert!(
            t.select_sql(&f, "t.updated_on").contains("US\"Z\""),
            "microseconds, UTC"
        );
        let date_only = test_field("last_modified", json!({"date_include_time": false}));
        assert!(
            t.select_sql(&date_only, "t.updated_on")
                .contains("'YYYY-MM-DD'")
        );
    }
}
