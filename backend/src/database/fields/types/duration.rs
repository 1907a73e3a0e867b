//! `duration`: a length of time, stored and returned as seconds.

use super::choice_prop;
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

pub struct DurationFieldType;

pub(crate) const FORMATS: &[&str] = &[
    "h:mm",
    "h:mm:ss",
    "h:mm:ss.s",
    "h:mm:ss.ss",
    "h:mm:ss.sss",
    "d h",
    "d h:mm",
    "d h:mm:ss",
    "d h mm",
    "d h mm ss",
];

/// Seconds are rounded to what the format shows.
fn round_to_format(format: &str, seconds: f64) -> f64 {
    let step = match format {
        "h:mm" | "d h:mm" | "d h mm" => 60.0,
        "d h" => 3600.0,
        "h:mm:ss.s" => 0.1,
        "h:mm:ss.ss" => 0.01,
        "h:mm:ss.sss" => 0.001,
        _ => 1.0,
    };
    ((seconds / step).round() * step * 1000.0).round() / 1000.0
}

/// Parses `[d ][h:]mm[:ss[.fff]]` or `Nd Nh Nm Ns`-style text into seconds.
pub fn parse_duration_text(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return n.is_finite().then_some(n);
    }
    let (days, rest) = match s.split_once(['d', ' ']) {
        Some((d, rest)) if s.contains('d') => (d.trim().parse::<f64>().ok()?, rest.trim()),
        _ => (0.0, s),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let nums: Vec<f64> = parts
        .iter()
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    let secs = match nums.as_slice() {
        [h] => h * 3600.0,
        [h, m] => h * 3600.0 + m * 60.0,
        [h, m, s] => h * 3600.0 + m * 60.0 + s,
        _ => return None,
    };
    Some(days * 86400.0 + secs)
}

impl FieldType for DurationFieldType {
    fn name(&self) -> &'static str {
        "duration"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let format = choice_prop(
            body,
            current,
            "duration_format",
            FORMATS,
            "h:mm",
            &mut errors,
        );
        errors.into_result()?;
        Ok(json!({ "duration_format": format }))
    }

    fn can_contain(&self, term: &str) -> bool {
        super::has_digit(term)
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("DOUBLE PRECISION")
    }

    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        let seconds = match value {
            Value::Null => return Ok(CellValue::Null),
            Value::Number(n) => n.as_f64().ok_or("A valid duration is required.")?,
            Value::String(s) if s.trim().is_empty() => return Ok(CellValue::Null),
            Value::String(s) => parse_duration_text(s).ok_or("A valid duration is required.")?,
            _ => return Err("A valid duration is required.".into()),
        };
        if !seconds.is_finite() || seconds.abs() > 1e12 {
            return Err("A valid duration is required.".into());
        }
        Ok(CellValue::Float(round_to_format(
            field.opt_str("duration_format").unwrap_or("h:mm"),
            seconds,
        )))
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        format!("tessera_try_numeric({text})::double precision")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn durations_parse_from_seconds_and_text_and_round_to_the_format() {
        let f = test_field("duration", json!({"duration_format": "h:mm"}));
        assert_eq!(
            DurationFieldType.parse_cell(&f, &json!(3725)),
            Ok(CellValue::Float(3720.0))
        );
        assert_eq!(
            DurationFieldType.parse_cell(&f, &json!("1:30")),
            Ok(CellValue::Float(5400.0))
        );
        let s = test_field("duration", json!({"duration_format": "d h:mm:ss"}));
        assert_eq!(
            DurationFieldType.parse_cell(&s, &json!("1d 1:00:05")),
            Ok(CellValue::Float(90005.0))
        );
        assert!(DurationFieldType.parse_cell(&f, &json!("soon")).is_err());
    }
}
