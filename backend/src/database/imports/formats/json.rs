//! `json`: a list of objects (keys are columns) or of lists (cells by position), read one
//! item at a time from the stream: only the current item is ever in memory.

use super::{ColumnIndex, Emit, ImportFormat, ParseError, Parsed, ReadOptions, json_cell};
use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;
use std::{fmt, io::BufRead};

pub struct JsonFormat;

impl ImportFormat for JsonFormat {
    fn name(&self) -> &'static str {
        "json"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["json"]
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        options: ReadOptions,
        emit: Emit<'_>,
    ) -> Result<(), ParseError> {
        let mut items = Items {
            emit,
            columns: ColumnIndex::default(),
            max_columns: options.max_columns,
            stopped: None,
        };
        let mut de = serde_json::Deserializer::from_reader(input);
        let outcome = (&mut items).deserialize(&mut de).and_then(|()| de.end());
        match (items.stopped, outcome) {
            // The receiver's own reason wins over serde's wrapping of it.
            (Some(stop), _) => Err(stop),
            (None, Ok(())) => Ok(()),
            (None, Err(e)) if e.is_io() => {
                Err(ParseError(format!("The file could not be read: {e}")))
            }
            (None, Err(e)) => Err(ParseError(format!(
                "The file is not a valid JSON list: {e}"
            ))),
        }
    }
}

struct Items<'e> {
    emit: Emit<'e>,
    columns: ColumnIndex,
    max_columns: usize,
    stopped: Option<ParseError>,
}

impl Items<'_> {
    fn item(&mut self, index: usize, item: Value) -> Result<(), ParseError> {
        let row = match item {
            Value::Object(map) => {
                let mut row = vec![None; self.columns.names.len()];
                for (key, value) in map {
                    let i = self.columns.position(&key, self.max_columns)?;
                    if i >= row.len() {
                        row.resize(i + 1, None);
                    }
                    row[i] = json_cell(value);
                }
                row
            }
            Value::Array(cells) => cells.into_iter().map(json_cell).collect(),
            _ => {
                return Err(ParseError(format!(
                    "Item {index} of the list is neither an object nor a list."
                )));
            }
        };
        self.columns.announce(self.emit)?;
        (self.emit)(Parsed::Row(row))
    }
}

impl<'de> DeserializeSeed<'de> for &mut Items<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Items<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of objects or of lists")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(item) = seq.next_element::<Value>()? {
            if let Err(stop) = self.item(index, item) {
                let message = stop.0.clone();
                self.stopped = Some(stop);
                return Err(de::Error::custom(message));
            }
            index += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Parsed, read_all};

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn objects_grow_columns_and_lists_are_positional() {
        let got = read_all(
            "json",
            r#" [{"a": "x", "b": 2}, {"b": true, "c": null, "d": {"n": 1}}, ["p", "q"]] "#,
            b',',
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                Parsed::Columns(vec!["a".into(), "b".into()]),
                Parsed::Row(vec![s("x"), s("2")]),
                Parsed::Columns(vec!["a".into(), "b".into(), "c".into(), "d".into()]),
                Parsed::Row(vec![None, s("true"), None, s("{\"n\":1}")]),
                Parsed::Row(vec![s("p"), s("q")]),
            ]
        );
    }

    #[test]
    fn anything_but_a_list_of_items_is_refused() {
        assert!(read_all("json", r#"{"a": 1}"#, b',').is_err());
        assert!(read_all("json", r#"[1, 2]"#, b',').is_err());
        assert!(read_all("json", r#"[{"a": 1}] trailing"#, b',').is_err());
        assert!(read_all("json", r#"[{"a": 1}"#, b',').is_err());
        let deep = format!("[{}{}]", "[".repeat(10_000), "]".repeat(10_000));
        assert!(read_all("json", &deep, b',').is_err());
        assert_eq!(read_all("json", "[]", b','), Ok(vec![]));
    }

    #[test]
    fn a_nul_escape_arrives_as_it_is_for_the_field_type_to_refuse() {
        let got = read_all("json", r#"[["a\u0000b"]]"#, b',').unwrap();
        assert_eq!(got, vec![Parsed::Row(vec![s("a\0b")])]);
    }
}
