//! Cell values as the pages show them: always text, links only to safe schemes.

use crate::database::fields::Field;
use serde_json::Value;

/// One cell ready for a template.
pub enum Cell {
    Empty,
    Text(String),
    /// Right-aligned numbers.
    Number(String),
    Bool(bool),
    /// A link whose scheme is http(s), mailto or tel.
    Link {
        href: String,
        text: String,
    },
    /// Select options, linked rows, files: one label each.
    Chips(Vec<String>),
}

impl Cell {
    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Number(_))
    }
}

/// Whether `href` may become a link: http(s), mailto and tel only (never `javascript:`).
pub fn safe_href(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        && !href.chars().any(char::is_control)
}

/// How `value` of `field` shows in a read-only grid.
pub fn cell(field: &Field, value: Option<&Value>) -> Cell {
    let Some(value) = value else {
        return Cell::Empty;
    };
    match (field.kind.as_str(), value) {
        (_, Value::Null) => Cell::Empty,
        ("boolean", Value::Bool(b)) => Cell::Bool(*b),
        ("url", Value::String(s)) if safe_href(s) => Cell::Link {
            href: s.trim().to_owned(),
            text: s.clone(),
        },
        ("email", Value::String(s)) if !s.is_empty() => {
            let href = format!("mailto:{s}");
            if safe_href(&href) {
                Cell::Link {
                    href,
                    text: s.clone(),
                }
            } else {
                Cell::Text(s.clone())
            }
        }
        ("phone_number", Value::String(s)) if !s.is_empty() => Cell::Link {
            href: format!(
                "tel:{}",
                s.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect::<String>()
            ),
            text: s.clone(),
        },
        (_, Value::String(s)) if s.is_empty() => Cell::Empty,
        ("number", Value::String(s)) => Cell::Number(number_text(&field.options, s)),
        ("rating" | "autonumber" | "count", Value::String(s)) => Cell::Number(s.clone()),
        (_, Value::Number(n)) => Cell::Number(n.to_string()),
        (_, Value::String(s)) => Cell::Text(s.clone()),
        (_, Value::Bool(b)) => Cell::Bool(*b),
        (_, Value::Array(items)) if items.is_empty() => Cell::Empty,
        (_, Value::Array(items)) => Cell::Chips(items.iter().map(label).collect()),
        (_, Value::Object(_)) => Cell::Chips(vec![label(value)]),
    }
}

/// A number field's value as the grid's script shows it: grouped and marked as its
/// `number_separator` says, between its `number_prefix` and `number_suffix`, so the first
/// response and the live grid read the same.
fn number_text(options: &Value, value: &str) -> String {
    let text = |key: &str| options.get(key).and_then(Value::as_str).unwrap_or("");
    let (thousands, decimal) = match text("number_separator") {
        "COMMA_PERIOD" => (",", "."),
        "PERIOD_COMMA" => (".", ","),
        "SPACE_PERIOD" => (" ", "."),
        "SPACE_COMMA" => (" ", ","),
        _ => ("", "."),
    };
    let (sign, digits) = value
        .strip_prefix('-')
        .map_or(("", value), |rest| ("-", rest));
    let (whole, fraction) = digits
        .split_once('.')
        .map_or((digits, None), |(w, f)| (w, Some(f)));
    let plain = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let body = if plain(whole) && fraction.is_none_or(plain) {
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push_str(thousands);
            }
            grouped.push(digit);
        }
        match fraction {
            Some(f) => format!("{sign}{grouped}{decimal}{f}"),
            None => format!("{sign}{grouped}"),
        }
    } else {
        value.to_owned()
    };
    format!("{}{body}{}", text("number_prefix"), text("number_suffix"))
}

/// The readable part of an option, linked row, file or user object.
fn label(value: &Value) -> String {
    match value {
        Value::Object(map) => ["value", "visible_name", "name", "email", "id"]
            .iter()
            .find_map(|k| match map.get(*k) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .unwrap_or_default(),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_with_their_fields_marks_prefix_and_suffix() {
        let options = serde_json::json!({
            "number_separator": "PERIOD_COMMA", "number_prefix": "€ ", "number_suffix": " net"
        });
        assert_eq!(number_text(&options, "-1234567.50"), "€ -1.234.567,50 net");
        assert_eq!(number_text(&options, "999"), "€ 999 net");
        let plain = serde_json::json!({});
        assert_eq!(number_text(&plain, "1234.5"), "1234.5");
        assert_eq!(
            number_text(
                &serde_json::json!({"number_separator": "SPACE_COMMA"}),
                "1000"
            ),
            "1 000"
        );
        // Anything not a plain decimal is shown as it is.
        assert_eq!(number_text(&plain, "NaN"), "NaN");
    }

    #[test]
    fn only_safe_schemes_become_links() {
        assert!(safe_href("https://example.com/a"));
        assert!(safe_href("mailto:a@b.c"));
        assert!(safe_href("tel:+123"));
        assert!(!safe_href("javascript:alert(1)"));
        assert!(!safe_href(" JavaScript:alert(1)"));
        assert!(!safe_href("data:text/html,x"));
        assert!(!safe_href("https://a\n.example"));
    }
}
