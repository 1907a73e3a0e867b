//! CSV (Baserow's core exporter): a header of `id` and the field names, one line per row,
//! values as text, `\r\n` line ends, a byte order mark when the charset is UTF-8, and
//! formula-looking cells quoted with `'`.

use crate::{
    database::export::{
        ExportParams,
        cells::spreadsheet_safe,
        charset::Charset,
        exporter::{Column, ExportRow, Exporter, RowWriter, WriterSetup},
    },
    platform::validation::ValidationError,
};
use std::{
    fs::File,
    io::{self, BufWriter, Write},
    sync::Arc,
};

pub struct Csv;

/// `csv_column_separator` choices and the character each stands for.
const SEPARATORS: &[(&str, char)] = &[
    (",", ','),
    (";", ';'),
    ("|", '|'),
    ("tab", '\t'),
    ("record_separator", '\u{1e}'),
    ("unit_separator", '\u{1f}'),
];

fn separator(name: &str) -> Option<char> {
    SEPARATORS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

impl Exporter for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn extension(&self) -> &'static str {
        "csv"
    }

    fn content_type(&self, charset: Charset) -> String {
        format!("text/csv; charset={}", charset.name())
    }

    fn check(&self, params: &ExportParams, errors: &mut ValidationError) {
        if separator(&params.csv_column_separator).is_none() {
            let choices: Vec<&str> = SEPARATORS.iter().map(|(n, _)| *n).collect();
            errors.add(
                "csv_column_separator",
                "invalid_choice",
                format!("Choose one of: {}.", choices.join(", ")),
            );
        }
    }

    fn open(&self, mut out: BufWriter<File>, setup: WriterSetup) -> io::Result<Box<dyn RowWriter>> {
        let separator = separator(&setup.params.csv_column_separator).unwrap_or(',');
        if setup.charset == Charset::Utf8 {
            // Spreadsheet programs take BOM-less CSV for their local legacy charset.
            out.write_all("\u{feff}".as_bytes())?;
        }
        out.write_all(setup.charset.preamble())?;
        let mut writer = CsvWriter {
            out,
            separator,
            charset: setup.charset,
            columns: setup.columns,
            line: String::new(),
            bytes: Vec::new(),
        };
        if setup.params.csv_include_header {
            let header: Vec<String> = std::iter::once("id".to_owned())
                .chain(writer.columns.iter().map(|c| c.name().to_owned()))
                .collect();
            writer.write_line(header.iter().map(String::as_str))?;
        }
        Ok(Box::new(writer))
    }
}

struct CsvWriter {
    out: BufWriter<File>,
    separator: char,
    charset: Charset,
    columns: Arc<[Column]>,
    /// Reused between lines, so writing allocates only when a line outgrows the last.
    line: String,
    bytes: Vec<u8>,
}

impl CsvWriter {
    fn write_line<'a>(&mut self, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
        self.line.clear();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                self.line.push(self.separator);
            }
            push_cell(&mut self.line, &spreadsheet_safe(cell), self.separator);
        }
        self.line.push_str("\r\n");
        self.bytes.clear();
        self.charset.encode_into(&self.line, &mut self.bytes);
        self.out.write_all(&self.bytes)
    }
}

/// Quotes a cell when it holds the separator, a quote or a line break (doubling quotes).
fn push_cell(line: &mut String, cell: &str, separator: char) {
    if cell.contains([separator, '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&cell.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(cell);
    }
}

impl RowWriter for CsvWriter {
    fn write_rows(&mut self, rows: &[ExportRow]) -> io::Result<()> {
        for row in rows {
            let texts: Vec<String> = std::iter::once(row.id.to_string())
                .chain(
                    self.columns
                        .iter()
                        .zip(&row.values)
                        .map(|(column, value)| column.text(value)),
                )
                .collect();
            self.write_line(texts.iter().map(String::as_str))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_needed() {
        let mut line = String::new();
        push_cell(&mut line, "plain", ',');
        push_cell(&mut line, "a,b", ',');
        push_cell(&mut line, "say \"hi\"", ';');
        push_cell(&mut line, "two\nlines", '\t');
        push_cell(&mut line, "a,b", ';');
        assert_eq!(line, "plain\"a,b\"\"say \"\"hi\"\"\"\"two\nlines\"a,b");
        assert_eq!(separator("tab"), Some('\t'));
        assert_eq!(separator("record_separator"), Some('\u{1e}'));
        assert_eq!(separator("\t"), None);
    }
}
