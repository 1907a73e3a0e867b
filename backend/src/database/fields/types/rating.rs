//! `rating`: 0 to `max_value` stars (never empty).

use super::{choice_prop, int_prop, string_prop};
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

pub struct RatingFieldType;

impl FieldType for RatingFieldType {
    fn name(&self) -> &'static str {
        "rating"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let max = int_prop(body, current, "max_value", 5, 1..=10, &mut errors);
        let color = string_prop(body, current, "color", 50, &mut errors)
            .unwrap_or_else(|| "dark-orange".into());
        let style = choice_prop(
            body,
            current,
            "style",
            &["star", "heart", "thumbs-up", "flag", "smile"],
            "star",
            &mut errors,
        );
        errors.into_result()?;
        Ok(json!({ "max_value": max, "color": color, "style": style }))
    }

    fn can_contain(&self, term: &str) -> bool {
        super::has_digit(term)
    }

    fn storage(&self, _field: &Field) -> Storage {
        Storage::Column {
            sql_type: "SMALLINT".into(),
            not_null_default: Some("0"),
        }
    }

    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        let max = field.opt_i64("max_value", 5);
        let n = match value {
            Value::Null => 0,
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .ok_or("A valid integer is required.")?,
            Value::String(s) if s.trim().is_empty() => 0,
            Value::String(s) => s
                .trim()
                .parse()
                .map_err(|_| "A valid integer is required.")?,
            _ => return Err("A valid integer is required.".into()),
        };
        if !(0..=max).contains(&n) {
            return Err(format!("Ensure this value is between 0 and {max}."));
        }
        Ok(CellValue::Int(n))
    }

    fn text_to_value_sql(&self, field: &Field, text: &str) -> String {
        let max = field.opt_i64("max_value", 5);
        format!(
            "COALESCE(LEAST(GREATEST(round(tessera_try_numeric({text})), 0), {max})::smallint, 0)"
        )
    }

    fn empty_sql(&self, _field: &Field, col: &str) -> String {
        format!("{col} = 0")
    }

    fn default_value(&self, _field: &Field) -> CellValue {
        CellValue::Int(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn ratings_are_whole_numbers_up_to_the_maximum() {
        let f = test_field("rating", json!({"max_value": 3}));
        assert_eq!(
            RatingFieldType.parse_cell(&f, &json!(3)),
            Ok(CellValue::Int(3))
        );
        assert_eq!(
            RatingFieldType.parse_cell(&f, &json!("2")),
            Ok(CellValue::Int(2))
        );
        assert_eq!(
            RatingFieldType.parse_cell(&f, &Value::Null),
            Ok(CellValue::Int(0))
        );
        assert!(RatingFieldType.parse_cell(&f, &json!(4)).is_err());
        assert!(RatingFieldType.parse_cell(&f, &json!(-1)).is_err());
        assert!(RatingFieldType.parse_cell(&f, &json!(1.5)).is_err());
        assert_eq!(
            RatingFieldType.text_to_value_sql(&f, "x"),
            "COALESCE(LEAST(GREATEST(round(tessera_try_numeric(x)), 0), 3)::smallint, 0)"
        );
        assert_eq!(RatingFieldType.empty_sql(&f, "t.c"), "t.c = 0");
    }
}
