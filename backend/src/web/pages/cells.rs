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
        ("number" | "rating" | "autonumber" | "count", Value::String(s)) => Cell::Number(s.clone()),
        (_, Value::Number(n)) => Cell::Number(n.to_string()),
        (_, Value::String(s)) => Cell::Text(s.clone()),
        (_, Value::Bool(b)) => Cell::Bool(*b),
        (_, Value::Array(items)) if items.is_empty() => Cell::Empty,
        (_, Value::Array(items)) => Cell::Chips(items.iter().map(label).collect()),
        (_, Value::Object(_)) => Cell::Chips(vec![label(value)]),
    }
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
