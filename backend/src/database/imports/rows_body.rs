//! Baserow's import bodies, where the browser has parsed the file: `data` is a list of
//! rows, each a list of cells. They become CSV text for the one `file_import` job.

use super::ImportRequest;
use crate::platform::validation::ValidationError;
use serde_json::Value;

/// One cell as CSV: text as is, numbers and booleans as their text, nested values as
/// JSON, quoted when it holds a comma, a quote or a line break.
fn csv_cell(value: &Value, out: &mut String) {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// `data` (at least one row, each a list) as CSV text.
fn rows_as_csv(data: Option<&Value>) -> Result<String, ValidationError> {
    let invalid = |message: &str| ValidationError::single("data", "invalid", message);
    let rows = match data {
        None | Some(Value::Null) => {
            return Err(ValidationError::single(
                "data",
                "required",
                "This field is required.",
            ));
        }
        Some(Value::Array(rows)) if !rows.is_empty() => rows,
        Some(Value::Array(_)) => {
            return Err(ValidationError::single(
                "data",
                "min_length",
                "Ensure this field has at least 1 elements.",
            ));
        }
        Some(_) => return Err(invalid("Expected a list of items.")),
    };
    let mut csv = String::new();
    for row in rows {
        let Value::Array(cells) = row else {
            return Err(invalid("Every row must be a list of values."));
        };
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                csv.push(',');
            }
            csv_cell(cell, &mut csv);
        }
        csv.push('\n');
    }
    Ok(csv)
}

/// `POST /api/database/tables/database/{id}/async/`: `{name, data, first_row_header?}`
/// as an import into a new table.
pub fn new_table_request(database_id: i64, body: &Value) -> Result<ImportRequest, ValidationError> {
    let name = match body.get("name") {
        Some(Value::String(name)) => name.clone(),
        _ => {
            return Err(ValidationError::single(
                "name",
                "required",
                "This field is required.",
            ));
        }
    };
    Ok(ImportRequest {
        data: Some(rows_as_csv(body.get("data"))?),
        format: Some("csv".into()),
        delimiter: Some(",".into()),
        first_row_header: body
            .get("first_row_header")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        database_id: Some(database_id),
        name: Some(name),
        ..ImportRequest::default()
    })
}

/// `POST /api/database/tables/{id}/import/async/`: `{data}` appended to the table, cells
/// by position over its writable fields.
pub fn append_request(table_id: i64, body: &Value) -> Result<ImportRequest, ValidationError> {
    Ok(ImportRequest {
        data: Some(rows_as_csv(body.get("data"))?),
        format: Some("csv".into()),
        delimiter: Some(",".into()),
        table_id: Some(table_id),
        ..ImportRequest::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_become_csv_with_quotes_where_needed() {
        let csv = rows_as_csv(Some(&json!([["a", "b,c"], [1, null, "say \"hi\""]]))).unwrap();
        assert_eq!(csv, "a,\"b,c\"\n1,,\"say \"\"hi\"\"\"\n");
        assert!(rows_as_csv(Some(&json!([]))).is_err());
        assert!(rows_as_csv(Some(&json!(["a"]))).is_err());
        assert!(rows_as_csv(None).is_err());
    }
}
