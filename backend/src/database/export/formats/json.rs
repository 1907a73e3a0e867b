//! JSON: one array of row objects, `id` first, then each field by name with the value the
//! API gives it. A name used twice gets ` 2`, ` 3`, … (as Baserow does).

use crate::database::export::{
    charset::Charset,
    exporter::{ExportRow, Exporter, RowWriter, WriterSetup},
};
use serde_json::{Map, Value};
use std::{
    fs::File,
    io::{self, BufWriter, Write},
};

pub struct Json;

impl Exporter for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn extension(&self) -> &'static str {
        "json"
    }

    fn content_type(&self, charset: Charset) -> String {
        format!("application/json; charset={}", charset.name())
    }

    fn open(&self, mut out: BufWriter<File>, setup: WriterSetup) -> io::Result<Box<dyn RowWriter>> {
        out.write_all(setup.charset.preamble())?;
        let mut keys: Vec<String> = vec!["id".to_owned()];
        for column in setup.columns.iter() {
            let key = unique_name(&keys, column.name(), " ");
            keys.push(key);
        }
        let mut writer = JsonWriter {
            out,
            charset: setup.charset,
            keys,
            rows_written: 0,
            bytes: Vec::new(),
        };
        writer.write_text("[\n")?;
        Ok(Box::new(writer))
    }
}

/// `base`, or `base<sep>2`, `base<sep>3`, … whichever is not taken yet.
pub fn unique_name(taken: &[String], base: &str, sep: &str) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{sep}{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_default()
}

struct JsonWriter {
    out: BufWriter<File>,
    charset: Charset,
    /// `id`, then one unique key per column.
    keys: Vec<String>,
    rows_written: u64,
    bytes: Vec<u8>,
}

impl JsonWriter {
    fn write_text(&mut self, text: &str) -> io::Result<()> {
        self.bytes.clear();
        self.charset.encode_into(text, &mut self.bytes);
        self.out.write_all(&self.bytes)
    }
}

impl RowWriter for JsonWriter {
    fn write_rows(&mut self, rows: &[ExportRow]) -> io::Result<()> {
        for row in rows {
            let mut object = Map::new();
            object.insert(self.keys[0].clone(), Value::from(row.id));
            for (key, value) in self.keys[1..].iter().zip(&row.values) {
                object.insert(key.clone(), value.clone());
            }
            let mut text = if self.rows_written == 0 {
                String::new()
            } else {
                ",\n".to_owned()
            };
            text.push_str(&Value::Object(object).to_string());
            self.write_text(&text)?;
            self.rows_written += 1;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.write_text("\n]\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_get_numbers() {
        let taken = vec!["id".to_owned(), "Name".to_owned(), "Name 2".to_owned()];
        assert_eq!(unique_name(&taken, "Name", " "), "Name 3");
        assert_eq!(unique_name(&taken, "Other", " "), "Other");
        assert_eq!(unique_name(&taken, "id", "-"), "id-2");
    }
}
