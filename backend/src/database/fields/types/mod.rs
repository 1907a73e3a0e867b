//! One file per field type, plus the small helpers they share.

mod autonumber;
mod boolean;
mod created_by;
mod created_on;
mod date;
mod duration;
mod email;
mod file;
mod formatting;
mod formula;
mod link_row;
mod long_text;
mod multiple_collaborators;
mod multiple_select;
mod number;
mod password;
mod phone_number;
mod rating;
mod single_select;
mod text;
mod through;
mod url;
mod uuid;

pub use autonumber::AutonumberFieldType;
pub use boolean::BooleanFieldType;
pub use created_by::UserStampFieldType;
pub use created_on::TimestampFieldType;
pub use date::DateFieldType;
pub use duration::DurationFieldType;
pub use email::EmailFieldType;
pub use file::FileFieldType;
pub use formatting::{FORMATTING, parse_formatting};
pub use formula::{FORMULA, FormulaFieldType};
pub use link_row::LinkRowFieldType;
pub use long_text::LongTextFieldType;
pub use multiple_collaborators::MultipleCollaboratorsFieldType;
pub use multiple_select::MultipleSelectFieldType;
pub use number::NumberFieldType;
pub use password::PasswordFieldType;
pub use phone_number::PhoneNumberFieldType;
pub use rating::RatingFieldType;
pub use single_select::SingleSelectFieldType;
pub use text::TextFieldType;
pub use through::{COUNT, LOOKUP, ROLLUP, ThroughFieldType, is_rollup_function};
pub use url::UrlFieldType;
pub use uuid::UuidFieldType;

use super::CellValue;
use crate::platform::validation::ValidationError;
use serde_json::{Map, Value};

/// Text input: strings, and numbers or booleans written as text; refuses NUL bytes.
pub(crate) fn text_input(value: &Value, max_chars: usize) -> Result<Option<String>, String> {
    let text = match value {
        Value::Null => return Ok(None),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return Err("Not a valid string.".into()),
    };
    if text.contains('\0') {
        return Err("Null characters are not allowed.".into());
    }
    if text.chars().count() > max_chars {
        return Err(format!(
            "Ensure this value has at most {max_chars} characters."
        ));
    }
    Ok(Some(text))
}

/// `Some(text)` → text cell, `None` → NULL.
pub(crate) fn text_cell(text: Option<String>) -> CellValue {
    text.map(CellValue::Text).unwrap_or(CellValue::Null)
}

/// Reads an optional property: the body's value, else the current one, else `default`.
pub(crate) fn prop<'a>(
    body: &'a Map<String, Value>,
    current: Option<&'a Value>,
    key: &str,
) -> Option<&'a Value> {
    body.get(key).or_else(|| current.and_then(|c| c.get(key)))
}

pub(crate) fn bool_prop(
    body: &Map<String, Value>,
    current: Option<&Value>,
    key: &str,
    default: bool,
    errors: &mut ValidationError,
) -> bool {
    match prop(body, current, key) {
        None | Some(Value::Null) => default,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add(key, "invalid", "Must be a valid boolean.");
            default
        }
    }
}

pub(crate) fn int_prop(
    body: &Map<String, Value>,
    current: Option<&Value>,
    key: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    errors: &mut ValidationError,
) -> i64 {
    match prop(body, current, key) {
        None | Some(Value::Null) => default,
        Some(v) => match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        {
            Some(n) if range.contains(&n) => n,
            _ => {
                errors.add(
                    key,
                    "invalid",
                    format!(
                        "Ensure this value is between {} and {}.",
                        range.start(),
                        range.end()
                    ),
                );
                default
            }
        },
    }
}

pub(crate) fn choice_prop(
    body: &Map<String, Value>,
    current: Option<&Value>,
    key: &str,
    allowed: &[&str],
    default: &str,
    errors: &mut ValidationError,
) -> String {
    match prop(body, current, key) {
        None | Some(Value::Null) => default.to_owned(),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => s.clone(),
        Some(_) => {
            errors.add(key, "invalid_choice", "This is not a valid choice.");
            default.to_owned()
        }
    }
}

pub(crate) fn string_prop(
    body: &Map<String, Value>,
    current: Option<&Value>,
    key: &str,
    max: usize,
    errors: &mut ValidationError,
) -> Option<String> {
    match prop(body, current, key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.contains('\0') && s.chars().count() <= max => Some(s.clone()),
        Some(_) => {
            errors.add(
                key,
                "invalid",
                format!("Must be a text of at most {max} characters."),
            );
            None
        }
    }
}

/// The date properties shared by `date`, `created_on` and `last_modified`.
pub(crate) fn date_props(
    body: &Map<String, Value>,
    current: Option<&Value>,
    include_time_default: bool,
    errors: &mut ValidationError,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(
        "date_format".into(),
        choice_prop(
            body,
            current,
            "date_format",
            &["EU", "US", "ISO"],
            "EU",
            errors,
        )
        .into(),
    );
    out.insert(
        "date_include_time".into(),
        bool_prop(
            body,
            current,
            "date_include_time",
            include_time_default,
            errors,
        )
        .into(),
    );
    out.insert(
        "date_time_format".into(),
        choice_prop(
            body,
            current,
            "date_time_format",
            &["24", "12"],
            "24",
            errors,
        )
        .into(),
    );
    out.insert(
        "date_show_tzinfo".into(),
        bool_prop(body, current, "date_show_tzinfo", false, errors).into(),
    );
    let tz = string_prop(body, current, "date_force_timezone", 64, errors);
    if let Some(tz) = &tz
        && !tz
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
    {
        errors.add(
            "date_force_timezone",
            "invalid",
            "Not a valid time zone name.",
        );
    }
    out.insert(
        "date_force_timezone".into(),
        tz.map(Value::String).unwrap_or(Value::Null),
    );
    out
}

/// SQL rendering a timestamptz as Baserow's UTC ISO string.
pub(crate) fn iso_datetime_sql(col: &str, with_micros: bool) -> String {
    let pattern = if with_micros {
        r#"YYYY-MM-DD"T"HH24:MI:SS.US"Z""#
    } else {
        r#"YYYY-MM-DD"T"HH24:MI:SS"Z""#
    };
    format!("to_char(({col}) AT TIME ZONE 'UTC', '{pattern}')")
}

/// What a searchable text column needs: a trigram index, so `contains` and search need no
/// full scan, and a finer statistics sample. The planner judges how many rows a
/// `contains` term matches from the column's most common values and histogram; with the
/// default 100 entries each, a term matching 0.2–1 % of a large table is estimated at a
/// tenth of that or less, and the planner then walks a sort index through tens of
/// thousands of rows instead of reading the few matches. 1,000 entries estimate such
/// terms within about 20 %.
pub(crate) fn text_search_sql(field: &crate::database::fields::Field, table: &str) -> Vec<String> {
    let col = field.column();
    vec![
        format!(
            "CREATE INDEX IF NOT EXISTS {table}_{col}_trgm ON {table} USING gin ({col} gin_trgm_ops)"
        ),
        format!("ALTER TABLE {table} ALTER COLUMN {col} SET STATISTICS 1000"),
    ]
}

/// Numbers and dates only contain terms that have a digit.
pub(crate) fn has_digit(term: &str) -> bool {
    term.chars().any(|c| c.is_ascii_digit())
}

/// Baserow shows empty URL, email and phone values as `""`, not `null`.
pub(crate) fn empty_string_for_null(raw: Value) -> Value {
    if raw.is_null() {
        Value::String(String::new())
    } else {
        raw
    }
}
