//! `lookup`, `rollup` and `count`: values gathered through a link field — the linked
//! rows' values of one field, those values rolled up by an aggregate, or the number of
//! linked rows. Each is a formula built from its settings (see
//! `database::computed::through`), stored and recomputed like a formula field, so only
//! the settings differ from [`FormulaFieldType`].

use super::super::{CellValue, Field, FieldType, Storage};
use super::FormulaFieldType;
use crate::{database::formula::functions, platform::validation::ValidationError};
use serde_json::{Map, Value, json};

/// The field type's names.
pub const LOOKUP: &str = "lookup";
pub const ROLLUP: &str = "rollup";
pub const COUNT: &str = "count";

/// A field computed through a link field; `name` is one of [`LOOKUP`], [`ROLLUP`] and
/// [`COUNT`].
pub struct ThroughFieldType {
    pub name: &'static str,
}

/// Whether `name` is a function a rollup can use: an aggregate of one argument.
pub fn is_rollup_function(name: &str) -> bool {
    functions::get(name).is_some_and(|f| f.aggregate && f.arity.accepts(1))
}

/// Reads `{key}_id` or `{key}_name` from the body (the body's wins), else keeps the
/// current id; `None` when none is given.
fn field_ref(
    body: &Map<String, Value>,
    current: Option<&Value>,
    key: &str,
    errors: &mut ValidationError,
) -> Option<(String, Value)> {
    let id_key = format!("{key}_id");
    let name_key = format!("{key}_name");
    match (body.get(&id_key), body.get(&name_key)) {
        (Some(v), _) if !v.is_null() => match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        {
            Some(id) => Some((id_key, json!(id))),
            None => {
                errors.add(&id_key, "invalid", "A valid integer is required.");
                None
            }
        },
        (_, Some(Value::String(name))) if name.contains('\0') => {
            errors.add(&name_key, "invalid", "Null characters are not allowed.");
            None
        }
        (_, Some(Value::String(name))) => Some((name_key, json!(name))),
        (_, Some(v)) if !v.is_null() => {
            errors.add(&name_key, "invalid", "Not a valid string.");
            None
        }
        _ => current
            .and_then(|c| c.get(&id_key))
            .filter(|v| v.is_i64())
            .map(|v| (id_key, v.clone())),
    }
}

impl FieldType for ThroughFieldType {
    fn name(&self) -> &'static str {
        self.name
    }

    /// Keeps the settings only: the link field (`through_field_id` or `_name`), the
    /// field looked up in the linked table (`target_field_id` or `_name`) and the rollup
    /// function. Names are turned into ids, and the formula type is filled in, by the
    /// fields service, which can see the tables' fields.
    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let mut options = Map::new();
        let keys: &[&str] = if self.name == COUNT {
            &["through_field"]
        } else {
            &["through_field", "target_field"]
        };
        for key in keys {
            let mut found = ValidationError::default();
            match field_ref(body, current, key, &mut found) {
                Some((key, value)) => {
                    options.insert(key, value);
                }
                None if found.is_empty() => {
                    errors.add(&format!("{key}_id"), "required", "This field is required.")
                }
                None => errors.merge(found),
            }
        }
        if self.name == ROLLUP {
            let function = super::prop(body, current, "rollup_function");
            match function.and_then(Value::as_str) {
                Some(f) if is_rollup_function(f) => {
                    options.insert("rollup_function".into(), json!(f.to_lowercase()));
                }
                Some(_) => errors.add(
                    "rollup_function",
                    "invalid",
                    "Not a rollup function: use sum, avg, min, max, count, stddev_pop, \
                     stddev_sample, variance_pop or variance_sample.",
                ),
                None => errors.add("rollup_function", "required", "This field is required."),
            }
        }
        let formatting = super::parse_formatting(body, current, &mut errors);
        if !formatting.is_empty() {
            options.insert(super::FORMATTING.into(), Value::Object(formatting));
        }
        errors.into_result()?;
        Ok(Value::Object(options))
    }

    fn storage(&self, field: &Field) -> Storage {
        FormulaFieldType.storage(field)
    }

    fn is_read_only(&self) -> bool {
        true
    }

    fn select_sql(&self, field: &Field, col: &str) -> String {
        FormulaFieldType.select_sql(field, col)
    }

    fn parse_cell(&self, _field: &Field, _value: &Value) -> Result<CellValue, String> {
        Err("This field is read only.".into())
    }

    fn text_sql(&self, field: &Field, col: &str) -> String {
        FormulaFieldType.text_sql(field, col)
    }

    fn text_to_value_sql(&self, field: &Field, text: &str) -> String {
        FormulaFieldType.text_to_value_sql(field, text)
    }

    fn empty_sql(&self, field: &Field, col: &str) -> String {
        FormulaFieldType.empty_sql(field, col)
    }

    fn sort_sql(&self, field: &Field, col: &str) -> String {
        FormulaFieldType.sort_sql(field, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn settings_by_id_or_name() {
        let lookup = ThroughFieldType { name: LOOKUP };
        let parsed = lookup
            .parse_options(
                &body(json!({"through_field_id": 3, "target_field_name": "Total"})),
                None,
            )
            .unwrap();
        assert_eq!(
            parsed,
            json!({"through_field_id": 3, "target_field_name": "Total"})
        );
        let kept = lookup
            .parse_options(
                &body(json!({"target_field_id": "9"})),
                Some(&json!({"through_field_id": 3, "target_field_id": 4})),
            )
            .unwrap();
        assert_eq!(kept, json!({"through_field_id": 3, "target_field_id": 9}));
        assert!(lookup.parse_options(&body(json!({})), None).is_err());
        assert!(
            lookup
                .parse_options(&body(json!({"through_field_id": 3})), None)
                .is_err()
        );
        assert!(
            lookup
                .parse_options(
                    &body(json!({"through_field_id": 3, "target_field_name": "a\0"})),
                    None
                )
                .is_err()
        );
    }

    #[test]
    fn count_needs_the_link_only_and_rollup_a_function() {
        let count = ThroughFieldType { name: COUNT };
        assert_eq!(
            count
                .parse_options(&body(json!({"through_field_id": 1})), None)
                .unwrap(),
            json!({"through_field_id": 1})
        );
        let rollup = ThroughFieldType { name: ROLLUP };
        let settings = json!({"through_field_id": 1, "target_field_id": 2});
        assert!(rollup.parse_options(&body(settings.clone()), None).is_err());
        let mut with = body(settings);
        with.insert("rollup_function".into(), json!("SUM"));
        assert_eq!(
            rollup.parse_options(&with, None).unwrap()["rollup_function"],
            "sum"
        );
        with.insert("rollup_function".into(), json!("join"));
        assert!(rollup.parse_options(&with, None).is_err());
        with.insert("rollup_function".into(), json!("upper"));
        assert!(rollup.parse_options(&with, None).is_err());
    }
}
