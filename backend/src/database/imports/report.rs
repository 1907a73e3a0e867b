//! What an import reports: rows refused with the reason per field (up to a limit; the
//! rest are only counted), rows imported, and file columns that matched no field.

use serde_json::{Map, Value, json};

pub struct Report {
    failing_rows: Map<String, Value>,
    failing_row_count: u64,
    limit: usize,
    pub imported_row_count: u64,
    pub ignored_columns: Vec<String>,
}

impl Report {
    pub fn new(limit: usize) -> Self {
        Self {
            failing_rows: Map::new(),
            failing_row_count: 0,
            limit,
            imported_row_count: 0,
            ignored_columns: Vec::new(),
        }
    }

    /// A refused row: its index among the data rows (the header not counted) and
    /// Baserow's per-field errors (`{"field_5": [{"error", "code"}]}`).
    pub fn fail(&mut self, row_index: u64, errors: Map<String, Value>) {
        self.failing_row_count += 1;
        if self.failing_rows.len() < self.limit {
            self.failing_rows
                .insert(row_index.to_string(), Value::Object(errors));
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "failing_rows": self.failing_rows,
            "failing_row_count": self.failing_row_count,
            "failing_rows_not_listed": self.failing_row_count - self.failing_rows.len() as u64,
            "imported_row_count": self.imported_row_count,
            "ignored_columns": self.ignored_columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_rows_are_listed_up_to_the_limit_and_counted_beyond() {
        let mut report = Report::new(2);
        for i in 0..5 {
            report.fail(i, Map::new());
        }
        let json = report.to_json();
        assert_eq!(json["failing_rows"].as_object().map(Map::len), Some(2));
        assert_eq!(json["failing_row_count"], 5);
        assert_eq!(json["failing_rows_not_listed"], 3);
    }
}
