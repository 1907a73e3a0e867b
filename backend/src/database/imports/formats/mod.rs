//! Import formats. Each reads UTF-8 text as a stream and hands over one row at a time, so
//! memory stays flat however large the file is. One file per format; [`formats`] lists them.

mod csv;
mod json;
mod paste;
mod tsv;
mod xml;

pub use csv::detect_delimiter as csv_delimiter;

use std::io::BufRead;

/// What a format reads, one piece at a time.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Column names, when the file itself names them (keys of JSON objects, XML element
    /// names). Sent again, longer, whenever a new name appears; always before the row that
    /// needs it.
    Columns(Vec<String>),
    /// One row's cells by position; `None` where the row has no value.
    Row(Vec<Option<String>>),
}

/// Why reading stopped: the file is malformed, could not be read, or the receiver stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl From<std::io::Error> for ParseError {
    fn from(e: std::io::Error) -> Self {
        Self(e.to_string())
    }
}

/// Receives each piece; an error stops the format.
pub type Emit<'a> = &'a mut dyn FnMut(Parsed) -> Result<(), ParseError>;

#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Cell separator of delimited formats.
    pub delimiter: u8,
    /// Most distinct column names a keyed format accepts before it gives up.
    pub max_columns: usize,
}

/// How a format separates cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Delimiter {
    /// Not a delimited format.
    None,
    /// Delimited; detected from the content unless the request names one.
    Detect,
    /// Delimited with this separator unless the request names another.
    Default(u8),
}

pub trait ImportFormat: Send + Sync + 'static {
    /// The `format` value of an import request.
    fn name(&self) -> &'static str;
    /// File name endings (lower case, without the dot) that pick this format.
    fn extensions(&self) -> &'static [&'static str] {
        &[]
    }
    fn delimiter(&self) -> Delimiter {
        Delimiter::None
    }
    /// Reads `input` to its end, handing every piece to `emit`.
    fn read(
        &self,
        input: &mut dyn BufRead,
        options: ReadOptions,
        emit: Emit<'_>,
    ) -> Result<(), ParseError>;
}

static FORMATS: &[&dyn ImportFormat] = &[
    &csv::CsvFormat,
    &tsv::TsvFormat,
    &json::JsonFormat,
    &xml::XmlFormat,
    &paste::PasteFormat,
];

/// Every format, in the order documentation lists them. Adding one is a file and a line here.
pub fn formats() -> &'static [&'static dyn ImportFormat] {
    FORMATS
}

pub fn get(name: &str) -> Option<&'static dyn ImportFormat> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// The format a file name's ending names, if any.
pub fn for_file_name(name: &str) -> Option<&'static dyn ImportFormat> {
    let (_, ext) = name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    FORMATS
        .iter()
        .copied()
        .find(|f| f.extensions().contains(&ext.as_str()))
}

/// The format the content looks like: a list for JSON, a tag for XML, text otherwise.
pub fn for_content(sample: &str) -> &'static dyn ImportFormat {
    match sample.trim_start().chars().next() {
        Some('[') => &json::JsonFormat,
        Some('<') => &xml::XmlFormat,
        _ => &csv::CsvFormat,
    }
}

/// A cell that is a number or boolean in the file still arrives as text, the way a CSV
/// cell would; the field type decides what it means.
fn json_cell(value: serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// Column name → position for keyed formats; new names are appended.
#[derive(Default)]
struct ColumnIndex {
    names: Vec<String>,
    positions: std::collections::HashMap<String, usize>,
    grew: bool,
}

impl ColumnIndex {
    fn position(&mut self, name: &str, max: usize) -> Result<usize, ParseError> {
        if let Some(&i) = self.positions.get(name) {
            return Ok(i);
        }
        if self.names.len() >= max {
            return Err(ParseError(format!(
                "The file names more than {max} different columns."
            )));
        }
        self.names.push(name.to_owned());
        self.positions.insert(name.to_owned(), self.names.len() - 1);
        self.grew = true;
        Ok(self.names.len() - 1)
    }

    /// Sends the names when they changed since last time.
    fn announce(&mut self, emit: Emit<'_>) -> Result<(), ParseError> {
        if std::mem::take(&mut self.grew) {
            emit(Parsed::Columns(self.names.clone()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn read_all(format: &str, text: &str, delimiter: u8) -> Result<Vec<Parsed>, ParseError> {
    let mut out = Vec::new();
    let format = get(format).ok_or_else(|| ParseError("no such format".into()))?;
    let options = ReadOptions {
        delimiter,
        max_columns: 100,
    };
    format.read(&mut text.as_bytes(), options, &mut |p| {
        out.push(p);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_content_pick_formats() {
        let name = |n: &str| for_file_name(n).map(|f| f.name());
        assert_eq!(name("People.CSV"), Some("csv"));
        assert_eq!(name("a.tsv"), Some("tsv"));
        assert_eq!(name("a.tab"), Some("tsv"));
        assert_eq!(name("a.json"), Some("json"));
        assert_eq!(name("a.xml"), Some("xml"));
        assert_eq!(name("a"), None);
        assert_eq!(name("a.exe"), None);
        assert_eq!(for_content("  [{\"a\": 1}]").name(), "json");
        assert_eq!(for_content("<?xml version=\"1.0\"?><rows/>").name(), "xml");
        assert_eq!(for_content("a,b\n1,2").name(), "csv");
        assert_eq!(for_content("").name(), "csv");
    }
}
