//! `date`: a date, or a date and time stored in UTC.

use super::{date_props, iso_datetime_sql};
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

pub struct DateFieldType;

fn includes_time(field: &Field) -> bool {
    field.opt_bool("date_include_time")
}

/// Parses ISO 8601 first, then the field's day order (`EU` day-first, `US` month-first).
pub fn parse_date_input(field: &Field, raw: &str) -> Option<NaiveDateTime> {
    let s = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc).naive_utc());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0);
    }
    let day_first = field.opt_str("date_format") != Some("US");
    let (date_part, time_part) = s
        .split_once(' ')
        .map(|(d, t)| (d, Some(t)))
        .unwrap_or((s, None));
    let fmts: &[&str] = if day_first {
        &["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
    } else {
        &["%m/%d/%Y", "%m-%d-%Y"]
    };
    let date = fmts
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(date_part, f).ok())?;
    let time = match time_part {
        None => chrono::NaiveTime::MIN,
        Some(t) => ["%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p"]
            .iter()
            .find_map(|f| chrono::NaiveTime::parse_from_str(t, f).ok())?,
    };
    Some(date.and_time(time))
}

impl FieldType for DateFieldType {
    fn name(&self) -> &'static str {
        "date"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let props = date_props(body, current, false, &mut errors);
        errors.into_result()?;
        Ok(Value::Object(props))
    }

    fn can_contain(&self, term: &str) -> bool {
        super::has_digit(term)
    }

    fn storage(&self, field: &Field) -> Storage {
        column(if includes_time(field) {
            "TIMESTAMPTZ"
        } else {
            "DATE"
        })
    }

    fn select_sql(&self, field: &Field, col: &str) -> String {
        if includes_time(field) {
            iso_datetime_sql(col, false)
        } else {
            format!("to_char({col}, 'YYYY-MM-DD')")
        }
    }

    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        let raw = match value {
            Value::Null => return Ok(CellValue::Null),
            Value::String(s) if s.trim().is_empty() => return Ok(CellValue::Null),
            Value::String(s) if !s.contains('\0') => s,
            _ => return Err("Date has wrong format.".into()),
        };
        let dt = parse_date_input(field, raw).ok_or("Date has wrong format. Use one of these formats instead: YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][Z].")?;
        Ok(CellValue::Text(if includes_time(field) {
            Utc.from_utc_datetime(&dt)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        } else {
            dt.date().format("%Y-%m-%d").to_string()
        }))
    }

    fn text_sql(&self, field: &Field, col: &str) -> String {
        self.select_sql(field, col)
    }

    fn text_to_value_sql(&self, field: &Field, text: &str) -> String {
        if includes_time(field) {
            format!("tessera_try_timestamptz({text})")
        } else {
            format!("tessera_try_date({text})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    #[test]
    fn iso_first_then_the_fields_day_order() {
        let eu = test_field("date", json!({"date_format": "EU"}));
        let us = test_field("date", json!({"date_format": "US"}));
        assert_eq!(
            DateFieldType.parse_cell(&eu, &json!("2024-01-31")),
            Ok(CellValue::Text("2024-01-31".into()))
        );
        assert_eq!(
            DateFieldType.parse_cell(&eu, &json!("02/03/2024")),
            Ok(CellValue::Text("2024-03-02".into()))
        );
        assert_eq!(
            DateFieldType.parse_cell(&us, &json!("02/03/2024")),
            Ok(CellValue::Text("2024-02-03".into()))
        );
        assert!(DateFieldType.parse_cell(&eu, &json!("31/31/2024")).is_err());
        assert!(DateFieldType.parse_cell(&eu, &json!(12)).is_err());
    }

    #[test]
    fn datetimes_are_converted_to_utc() {
        let f = test_field("date", json!({"date_include_time": true}));
        assert_eq!(
            DateFieldType.parse_cell(&f, &json!("2024-01-31T15:45:00+02:00")),
            Ok(CellValue::Text("2024-01-31T13:45:00Z".into()))
        );
        assert_eq!(DateFieldType.storage(&f), column("TIMESTAMPTZ"));
    }
}
