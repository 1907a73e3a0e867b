//! `/api/database/…`: tables, fields, rows, views, exports, imports, tokens and webhooks.

pub mod export;
pub mod fields;
pub mod imports;
pub mod public_views;
pub mod row_history;
pub mod row_lookups;
pub mod rows;
pub mod tables;
pub mod tokens;
pub mod view_aggregations;
pub mod view_parts;
pub mod views;
pub mod webhooks;

/// Baserow's truthy query values: present and empty, or `y`, `yes`, `true`, `t`, `on`, `1`.
pub fn truthy(value: Option<&str>) -> bool {
    matches!(
        value.map(|v| v.to_ascii_lowercase()).as_deref(),
        Some("" | "y" | "yes" | "true" | "t" | "on" | "1")
    )
}

/// The first value of a query key.
pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}
