//! Downloads of exported files: a name is served only while its export is finished (not
//! expired), under the name `<table name>.<extension>`.

use super::{ExportError, JOB_TYPE, charset::Charset, files, registry};
use crate::context::AppContext;
use std::path::PathBuf;

pub struct Download {
    pub path: PathBuf,
    /// What the browser saves it as: the table's name and the format's extension.
    pub file_name: String,
    pub content_type: String,
}

/// The finished export a file name belongs to; `None` for any other name.
pub async fn find(ctx: &AppContext, name: &str) -> Result<Option<Download>, ExportError> {
    let Some(path) = files::path(&ctx.settings.media_dir, name) else {
        return Ok(None);
    };
    let row: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT t.name, j.params ->> 'exporter_type', j.params ->> 'export_charset' FROM jobs j \
         LEFT JOIN database_tables t ON t.id = (j.params ->> 'table')::bigint \
         WHERE j.type = $1 AND j.state = 'finished' AND j.result ->> 'exported_file_name' = $2",
    )
    .bind(JOB_TYPE)
    .bind(name)
    .fetch_optional(&ctx.db)
    .await?;
    let Some((table_name, exporter, charset)) = row else {
        return Ok(None);
    };
    let Some(exporter) = exporter.as_deref().and_then(registry::get) else {
        return Ok(None);
    };
    let charset = charset
        .as_deref()
        .and_then(Charset::parse)
        .unwrap_or(Charset::Utf8);
    let stem = table_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "export".into());
    Ok(Some(Download {
        path,
        file_name: format!("{}.{}", stem.trim(), exporter.extension()),
        content_type: exporter.content_type(charset),
    }))
}

/// `attachment` with the name twice: plain ASCII for old clients (anything else, quotes
/// and separators become `_`) and UTF-8 percent-encoded (RFC 6266) for the rest.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '/' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_given_plain_and_encoded() {
        assert_eq!(
            content_disposition("Sales 2024.csv"),
            "attachment; filename=\"Sales 2024.csv\"; filename*=UTF-8''Sales%202024.csv"
        );
        assert_eq!(
            content_disposition("a\"b/c\r\nd é.csv"),
            "attachment; filename=\"a_b_c__d _.csv\"; filename*=UTF-8''a%22b%2Fc%0D%0Ad%20%C3%A9.csv"
        );
    }
}
