//! `url`: a link. Only web, mail, phone and FTP links (or bare host names) are accepted,
//! so a stored value can never be a `javascript:` or `data:` URL.

use super::text_input;
use crate::database::fields::{CellValue, Field, FieldType, Storage, field_type::column};
use serde_json::Value;

pub struct UrlFieldType;

/// Whether `url` is an acceptable link.
pub fn is_safe_url(url: &str) -> bool {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match url.split_once(':') {
        // A colon before any slash is a scheme separator (or a port after a bare host).
        Some((scheme, rest)) if !scheme.contains('/') && !scheme.contains('.') => {
            let scheme = scheme.to_ascii_lowercase();
            match scheme.as_str() {
                "http" | "https" | "ftp" | "ftps" => rest.starts_with("//") && rest.len() > 2,
                "mailto" | "tel" => !rest.is_empty(),
                _ => false,
            }
        }
        _ => url.contains('.'),
    }
}

impl FieldType for UrlFieldType {
    fn name(&self) -> &'static str {
        "url"
    }

    fn text_sql(&self, _field: &Field, col: &str) -> String {
        // Already text: no cast, so the trigram index on the column applies.
        col.to_owned()
    }

    fn column_setup_sql(&self, field: &Field, table: &str) -> Vec<String> {
        super::text_search_sql(field, table)
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("TEXT")
    }

    fn to_api(&self, _field: &Field, raw: Value) -> Value {
        super::empty_string_for_null(raw)
    }

    fn parse_cell(&self, _field: &Field, value: &Value) -> Result<CellValue, String> {
        match text_input(value, 2000)? {
            None => Ok(CellValue::Null),
            Some(s) if s.trim().is_empty() => Ok(CellValue::Null),
            Some(s) if is_safe_url(&s) => Ok(CellValue::Text(s.trim().to_owned())),
            Some(_) => Err("Enter a valid URL.".into()),
        }
    }

    fn text_to_value_sql(&self, _field: &Field, text: &str) -> String {
        // Mirrors `is_safe_url` closely enough for conversions: unsafe schemes become NULL.
        format!(
            "CASE WHEN ({text}) ~* '^(https?|ftps?)://[^[:space:]]+$' OR ({text}) ~* '^(mailto|tel):[^[:space:]]+$' \
             OR (({text}) ~ '^[^[:space:]:/]+\\.[^[:space:]]+$') THEN btrim({text}) END"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::is_safe_url;

    #[test]
    fn only_safe_schemes_pass() {
        for ok in [
            "https://example.com",
            "http://a.b/c?d",
            "mailto:a@b.io",
            "tel:+123",
            "example.com",
            "example.com:8080/x",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript://x.y",
            "data:text/html,<b>",
            "vbscript:x",
            "https://",
            "no dots",
            "",
            "http://a b",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
