//! XML in Baserow's shape: `<rows>` of `<row>` elements, one child element per field named
//! after it (made a safe tag name: `Unit price` → `Unit-price`, `2nd` → `field-2nd`), values
//! as the API gives them — lists as `<item>`s, objects as nested elements, empty as `<x/>`.

use super::json::unique_name;
use crate::database::export::{
    cells::xml_text,
    charset::Charset,
    exporter::{ExportRow, Exporter, RowWriter, WriterSetup},
};
use serde_json::Value;
use std::{
    fs::File,
    io::{self, BufWriter, Write},
};

pub struct Xml;

impl Exporter for Xml {
    fn name(&self) -> &'static str {
        "xml"
    }

    fn extension(&self) -> &'static str {
        "xml"
    }

    fn content_type(&self, charset: Charset) -> String {
        format!("application/xml; charset={}", charset.name())
    }

    fn open(&self, mut out: BufWriter<File>, setup: WriterSetup) -> io::Result<Box<dyn RowWriter>> {
        out.write_all(setup.charset.preamble())?;
        let mut tags: Vec<String> = vec!["id".to_owned()];
        for column in setup.columns.iter() {
            let fallback = format!("field-{}", column.field.id);
            let tag = unique_name(&tags, &safe_tag_name(column.name(), &fallback), "-");
            tags.push(tag);
        }
        let mut writer = XmlWriter {
            out,
            charset: setup.charset,
            tags,
            text: String::new(),
            bytes: Vec::new(),
        };
        writer.text = format!(
            "<?xml version=\"1.0\" encoding=\"{}\" ?>\n<rows>\n",
            setup.charset.name()
        );
        writer.flush_text()?;
        Ok(Box::new(writer))
    }
}

/// A valid element name from any text: characters other than letters and digits become
/// `-` (runs of them one, none at either end); a leading digit gets `field-` before it;
/// nothing left gives `fallback`.
pub fn safe_tag_name(name: &str, fallback: &str) -> String {
    let mut safe = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            safe.push(c);
        } else if !safe.is_empty() && !safe.ends_with('-') {
            safe.push('-');
        }
    }
    while safe.ends_with('-') {
        safe.pop();
    }
    match safe.chars().next() {
        None => fallback.to_owned(),
        Some(c) if c.is_numeric() => format!("field-{safe}"),
        Some(_) => safe,
    }
}

/// Appends `<tag>value</tag>` (or `<tag/>` when the value is empty).
fn push_element(out: &mut String, tag: &str, value: &Value) {
    let mut inner = String::new();
    push_value(&mut inner, value);
    if inner.is_empty() {
        out.push_str(&format!("<{tag}/>"));
    } else {
        out.push_str(&format!("<{tag}>{inner}</{tag}>"));
    }
}

fn push_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => xml_text(s, out),
        Value::Array(items) => items.iter().for_each(|v| push_element(out, "item", v)),
        Value::Object(map) => {
            for (key, v) in map {
                push_element(out, &safe_tag_name(key, "value"), v);
            }
        }
    }
}

struct XmlWriter {
    out: BufWriter<File>,
    charset: Charset,
    /// `id`, then one unique element name per column.
    tags: Vec<String>,
    text: String,
    bytes: Vec<u8>,
}

impl XmlWriter {
    fn flush_text(&mut self) -> io::Result<()> {
        self.bytes.clear();
        self.charset.encode_into(&self.text, &mut self.bytes);
        self.text.clear();
        self.out.write_all(&self.bytes)
    }
}

impl RowWriter for XmlWriter {
    fn write_rows(&mut self, rows: &[ExportRow]) -> io::Result<()> {
        for row in rows {
            self.text.push_str("<row>");
            push_element(&mut self.text, &self.tags[0], &Value::from(row.id));
            for (tag, value) in self.tags[1..].iter().zip(&row.values) {
                push_element(&mut self.text, tag, value);
            }
            self.text.push_str("</row>\n");
            self.flush_text()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.text.push_str("</rows>\n");
        self.flush_text()?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_become_safe_tags() {
        assert_eq!(safe_tag_name("Unit price", "f"), "Unit-price");
        assert_eq!(safe_tag_name("  a -- b  ", "f"), "a-b");
        assert_eq!(safe_tag_name("2nd", "f"), "field-2nd");
        assert_eq!(safe_tag_name("<>&", "field-7"), "field-7");
        assert_eq!(safe_tag_name("Größe", "f"), "Größe");
    }

    #[test]
    fn values_become_elements() {
        let mut out = String::new();
        push_element(&mut out, "a", &json!(null));
        push_element(&mut out, "b", &json!(true));
        push_element(&mut out, "c", &json!([{"id": 1, "value": "x<y"}]));
        push_element(&mut out, "d", &json!("1 & 2"));
        assert_eq!(
            out,
            "<a/><b>true</b><c><item><id>1</id><value>x&lt;y</value></item></c><d>1 &amp; 2</d>"
        );
    }
}
