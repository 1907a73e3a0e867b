//! How a computed field's result is shown, when its user chooses: decimal places of a
//! number, the date and time formats of a date, the format of a duration (Baserow's
//! formatting properties of formula, lookup, rollup and count fields). Only what the user
//! set is kept, under [`FORMATTING`] in the field's options, so a result type that
//! changes later still gets its own defaults for the rest.

use super::{bool_prop, choice_prop, duration::FORMATS, int_prop, string_prop};
use crate::{
    database::formula::types::NUMBER_MAX_DECIMAL_PLACES, platform::validation::ValidationError,
};
use serde_json::{Map, Value};

/// The options key holding the user's choices (left out of the field's API answer,
/// which shows the choices among its other properties).
pub const FORMATTING: &str = "_formatting";

/// Reads the formatting properties given in `body`, keeping the ones set before
/// (`current`: the field's options) that the body does not change. `null` resets one.
pub fn parse_formatting(
    body: &Map<String, Value>,
    current: Option<&Value>,
    errors: &mut ValidationError,
) -> Map<String, Value> {
    let kept = current.and_then(|c| c.get(FORMATTING));
    let mut out = Map::new();
    for key in [
        "number_decimal_places",
        "date_format",
        "date_time_format",
        "date_show_tzinfo",
        "date_force_timezone",
        "duration_format",
    ] {
        if body.get(key).is_some_and(Value::is_null) {
            continue;
        }
        let Some(_) = body.get(key).or_else(|| kept.and_then(|k| k.get(key))) else {
            continue;
        };
        let value: Value = match key {
            "number_decimal_places" => int_prop(
                body,
                kept,
                key,
                0,
                0..=NUMBER_MAX_DECIMAL_PLACES as i64,
                errors,
            )
            .into(),
            "date_format" => {
                choice_prop(body, kept, key, &["EU", "US", "ISO"], "EU", errors).into()
            }
            "date_time_format" => choice_prop(body, kept, key, &["24", "12"], "24", errors).into(),
            "date_show_tzinfo" => bool_prop(body, kept, key, false, errors).into(),
            "date_force_timezone" => {
                let tz = string_prop(body, kept, key, 64, errors);
                if tz.as_deref().is_some_and(|tz| {
                    !tz.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
                }) {
                    errors.add(key, "invalid", "Not a valid time zone name.");
                }
                tz.map(Value::String).unwrap_or(Value::Null)
            }
            _ => choice_prop(body, kept, key, FORMATS, "h:mm", errors).into(),
        };
        out.insert(key.into(), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn keeps_what_was_set_and_resets_on_null() {
        let mut errors = ValidationError::default();
        let set = parse_formatting(
            &body(json!({"number_decimal_places": 3, "date_format": "US"})),
            None,
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(
            set,
            body(json!({"number_decimal_places": 3, "date_format": "US"}))
        );
        let current = json!({ FORMATTING: set });
        let next = parse_formatting(
            &body(json!({"date_format": null, "duration_format": "d h"})),
            Some(&current),
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(
            next,
            body(json!({"number_decimal_places": 3, "duration_format": "d h"}))
        );
    }

    #[test]
    fn refuses_what_does_not_fit() {
        for bad in [
            json!({"number_decimal_places": 11}),
            json!({"date_format": "XX"}),
            json!({"date_force_timezone": "Europe/Paris; DROP"}),
            json!({"duration_format": 5}),
        ] {
            let mut errors = ValidationError::default();
            parse_formatting(&body(bad.clone()), None, &mut errors);
            assert!(!errors.is_empty(), "{bad}");
        }
    }
}
