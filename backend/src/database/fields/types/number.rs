//! `number`: a decimal with a fixed number of decimal places, optionally negative.

use super::{bool_prop, choice_prop, int_prop, string_prop};
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

pub struct NumberFieldType;

/// Total significant digits of the column: `NUMERIC(50, decimal places)`.
const PRECISION: i64 = 50;

fn decimal_places(field: &Field) -> i64 {
    field.opt_i64("number_decimal_places", 0).clamp(0, 10)
}

/// Normalises a numeric input to a plain decimal string (`-12.5`), or explains why not.
pub fn normalize_decimal(field: &Field, value: &Value) -> Result<Option<String>, String> {
    let mut text = match value {
        Value::Null => return Ok(None),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().to_owned(),
        _ => return Err("A valid number is required.".into()),
    };
    for affix in ["number_prefix", "number_suffix"] {
        if let Some(a) = field.opt_str(affix).filter(|a| !a.is_empty()) {
            text = text.replace(a, "");
        }
    }
    let text: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    // Scientific notation from JSON numbers (1e5) is expanded through f64; plain decimals stay exact.
    let text = if text.contains(['e', 'E']) {
        text.parse::<f64>()
            .map_err(|_| "A valid number is required.".to_string())?
            .to_string()
    } else {
        text
    };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(&text)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err("A valid number is required.".into());
    }
    if sign == "-"
        && !field.opt_bool("number_negative")
        && digits.chars().any(|c| c.is_ascii_digit() && c != '0')
    {
        return Err("Ensure this value is greater than or equal to 0.".into());
    }
    let int = int.trim_start_matches('0');
    if int.len() as i64 > PRECISION - decimal_places(field) {
        return Err(format!(
            "Ensure that there are no more than {} digits before the decimal point.",
            PRECISION - decimal_places(field)
        ));
    }
    let int = if int.is_empty() { "0" } else { int };
    Ok(Some(if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }))
}

impl FieldType for NumberFieldType {
    fn name(&self) -> &'static str {
        "number"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        if body.contains_key("number_type") {
            errors.add(
                "number_type",
                "invalid",
                "number_type was removed; use number_decimal_places.",
            );
        }
        let places = int_prop(
            body,
            current,
            "number_decimal_places",
            0,
            0..=10,
            &mut errors,
        );
        let negative = bool_prop(body, current, "number_negative", false, &mut errors);
        let prefix =
            string_prop(body, current, "number_prefix", 10, &mut errors).unwrap_or_default();
        let suffix =
            string_prop(body, current, "number_suffix", 100, &mut errors).unwrap_or_default();
        let separator = choice_prop(
            body,
            current,
            "number_separator",
            &[
                "",
                "SPACE_COMMA",
                "SPACE_PERIOD",
                "COMMA_PERIOD",
                "PERIOD_COMMA",
            ],
            "",
            &mut errors,
        );
        let default = string_prop(body, current, "number_default", 60, &mut errors);
        errors.into_result()?;
        Ok(json!({
            "number_decimal_places": places,
            "number_negative": negative,
            "number_prefix": prefix,
            "number_suffix": suffix,
            "number_separator": separator,
            "number_default": default,
        }))
    }

    fn can_contain(&self, term: &str) -> bool {
        super::has_digit(term)
    }

    fn storage(&self, field: &Field) -> Storage {
        column(&format!("NUMERIC({PRECISION}, {})", decimal_places(field)))
    }

    fn select_sql(&self, _field: &Field, col: &str) -> String {
        // As text, so `3.50` keeps its scale and large values their precision.
        format!("({col})::text")
    }

    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        Ok(normalize_decimal(field, value)?
            .map(CellValue::Text)
            .unwrap_or(CellValue::Null))
    }

    fn text_to_value_sql(&self, field: &Field, text: &str) -> String {
        let places = decimal_places(field);
        let limit = PRECISION - places;
        let lower = if field.opt_bool("number_negative") {
            format!("-1e{limit}")
        } else {
            "0".into()
        };
        format!(
            "(SELECT CASE WHEN n > {lower} AND n < 1e{limit} OR n = 0 THEN round(n, {places}) END \
             FROM (SELECT tessera_try_numeric({text}) AS n) AS conv)"
        )
    }

    fn default_value(&self, field: &Field) -> CellValue {
        match field
            .opt_str("number_default")
            .map(|d| normalize_decimal(field, &Value::String(d.into())))
        {
            Some(Ok(Some(d))) => CellValue::Text(d),
            _ => CellValue::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn numbers_and_numeric_strings_are_normalised() {
        let f = test_field(
            "number",
            json!({"number_decimal_places": 2, "number_prefix": "$"}),
        );
        assert_eq!(normalize_decimal(&f, &json!(3.5)), Ok(Some("3.5".into())));
        assert_eq!(
            normalize_decimal(&f, &json!("$ 1,200.25")),
            Ok(Some("1200.25".into()))
        );
        assert_eq!(normalize_decimal(&f, &json!("007")), Ok(Some("7".into())));
        assert_eq!(normalize_decimal(&f, &json!("")), Ok(None));
        assert_eq!(
            normalize_decimal(&f, &json!(1e5)),
            Ok(Some("100000.0".into()))
        );
    }

    #[test]
    fn negatives_need_the_option_and_junk_is_refused() {
        let f = test_field("number", json!({}));
        assert!(normalize_decimal(&f, &json!(-1)).is_err());
        assert_eq!(normalize_decimal(&f, &json!("-0")), Ok(Some("-0".into())));
        let neg = test_field("number", json!({"number_negative": true}));
        assert_eq!(normalize_decimal(&neg, &json!(-1)), Ok(Some("-1".into())));
        for bad in [
            json!("abc"),
            json!("1.2.3"),
            json!("--1"),
            json!([1]),
            json!("1; DROP TABLE x"),
            json!("."),
        ] {
            assert!(normalize_decimal(&f, &bad).is_err(), "{bad}");
        }
        assert!(normalize_decimal(&f, &json!("9".repeat(51))).is_err());
    }

    #[test]
    fn the_column_keeps_the_decimal_places() {
        let f = test_field("number", json!({"number_decimal_places": 3}));
        assert_eq!(NumberFieldType.storage(&f), column("NUMERIC(50, 3)"));
    }
}
