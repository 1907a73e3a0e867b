//! `csv`: comma-separated values (RFC 4180 quoting, newlines inside quotes, rows of any
//! width); the delimiter is detected when the request names none.

use super::{Delimiter, Emit, ImportFormat, ParseError, Parsed, ReadOptions};
use std::io::BufRead;

pub struct CsvFormat;

impl ImportFormat for CsvFormat {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["csv", "txt"]
    }

    fn delimiter(&self) -> Delimiter {
        Delimiter::Detect
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        options: ReadOptions,
        emit: Emit<'_>,
    ) -> Result<(), ParseError> {
        read_delimited(input, options.delimiter, emit)
    }
}

/// Shared by every delimited format. Blank lines are skipped.
pub(super) fn read_delimited(
    input: &mut dyn BufRead,
    delimiter: u8,
    emit: Emit<'_>,
) -> Result<(), ParseError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => emit(Parsed::Row(
                record.iter().map(|cell| Some(cell.to_owned())).collect(),
            ))?,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or_default();
                return Err(match e.into_kind() {
                    ::csv::ErrorKind::Io(io) => io.into(),
                    other => ParseError(format!(
                        "The file could not be read near line {line}: {other:?}"
                    )),
                });
            }
        }
    }
}

/// Guesses the delimiter from the start of a file: the candidate that splits the most
/// rows into the same number (above one) of cells; a comma when none does.
pub fn detect_delimiter(sample: &str, complete: bool) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for candidate in [b',', b';', b'\t', b'|'] {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(candidate)
            .from_reader(sample.as_bytes());
        let mut widths: Vec<usize> = reader
            .records()
            .take(100)
            .map_while(Result::ok)
            .map(|r| r.len())
            .collect();
        if !complete && widths.len() > 1 {
            // The sample may end inside its last row.
            widths.pop();
        }
        let mut counts = std::collections::HashMap::new();
        for w in widths.iter().filter(|w| **w > 1) {
            *counts.entry(*w).or_insert(0usize) += 1;
        }
        let Some((&width, &rows)) = counts.iter().max_by_key(|(w, n)| (**n, **w)) else {
            continue;
        };
        if (rows, width) > (best.1, best.2) {
            best = (candidate, rows, width);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::super::{Parsed, read_all};
    use super::detect_delimiter;

    fn rows(text: &str, d: u8) -> Vec<Vec<Option<String>>> {
        read_all("csv", text, d)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| match p {
                Parsed::Row(r) => Some(r),
                Parsed::Columns(_) => None,
            })
            .collect()
    }

    #[test]
    fn quotes_newlines_ragged_rows_and_blank_lines() {
        let got = rows("a,b\r\n\"x, \"\"y\"\"\",\"line\nbreak\"\n\nlast\n", b',');
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            got,
            vec![
                vec![s("a"), s("b")],
                vec![s("x, \"y\""), s("line\nbreak")],
                vec![s("last")],
            ]
        );
    }

    #[test]
    fn delimiters_are_detected() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3\n4;5;6", true), b';');
        assert_eq!(detect_delimiter("a\tb\n1\t2, 3\n", true), b'\t');
        assert_eq!(detect_delimiter("a,b\n1,2\n", true), b',');
        assert_eq!(detect_delimiter("a|b|c\n1|2|3\n", true), b'|');
        assert_eq!(detect_delimiter("\"x;y\",b\n\"1;2\",3\n", true), b',');
        assert_eq!(detect_delimiter("single\ncolumn\n", true), b',');
        assert_eq!(detect_delimiter("", true), b',');
    }
}
