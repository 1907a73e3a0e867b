//! `xml`: `<rows><row><name>Ann</name><age>3</age></row>…</rows>`: any root element, one
//! child per row, one grandchild per cell (element names are columns). Read as a stream.
//! A `DOCTYPE` is refused, and with it every entity but the five predefined ones: entity
//! expansion is how "billion laughs" files blow up.

use super::{ColumnIndex, Emit, ImportFormat, ParseError, Parsed, ReadOptions};
use quick_xml::{Reader, events::Event};
use std::io::BufRead;

pub struct XmlFormat;

impl ImportFormat for XmlFormat {
    fn name(&self) -> &'static str {
        "xml"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["xml"]
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        options: ReadOptions,
        emit: Emit<'_>,
    ) -> Result<(), ParseError> {
        let mut reader = Reader::from_reader(input);
        let mut columns = ColumnIndex::default();
        let mut buf = Vec::new();
        let mut depth = 0usize;
        let mut row: Vec<Option<String>> = Vec::new();
        // The cell being read: its column and text so far.
        let mut cell: Option<(usize, String)> = None;
        let malformed =
            |e: quick_xml::Error| ParseError(format!("The XML is not well-formed: {e}"));
        loop {
            match reader.read_event_into(&mut buf).map_err(malformed)? {
                Event::DocType(_) => {
                    return Err(ParseError(
                        "XML with a document type declaration (DOCTYPE) is refused: its entities could expand without bound."
                            .into(),
                    ));
                }
                Event::Start(e) => {
                    depth += 1;
                    match depth {
                        2 => row.clear(),
                        3 => {
                            let i =
                                columns.position(e.local_name().as_ref(), options.max_columns)?;
                            cell = Some((i, String::new()));
                        }
                        _ => {}
                    }
                }
                Event::Empty(e) => match depth + 1 {
                    2 => {
                        columns.announce(emit)?;
                        emit(Parsed::Row(Vec::new()))?;
                    }
                    3 => {
                        columns.position(e.local_name().as_ref(), options.max_columns)?;
                    }
                    _ => {}
                },
                Event::End(_) => {
                    match depth {
                        3 => {
                            if let Some((i, text)) = cell.take() {
                                if row.len() <= i {
                                    row.resize(i + 1, None);
                                }
                                row[i] = Some(text);
                            }
                        }
                        2 => {
                            columns.announce(emit)?;
                            emit(Parsed::Row(std::mem::take(&mut row)))?;
                        }
                        _ => {}
                    }
                    depth = depth.saturating_sub(1);
                }
                Event::Text(t) => {
                    if let Some((_, text)) = cell.as_mut() {
                        text.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if let Some((_, text)) = cell.as_mut() {
                        text.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    let ch = match r.resolve_char_ref().map_err(malformed)? {
                        Some(ch) => ch,
                        None => match &*r {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            other => {
                                return Err(ParseError(format!(
                                    "The XML refers to the entity &{}; which is not defined.",
                                    other
                                        .chars()
                                        .filter(|c| !c.is_control())
                                        .take(50)
                                        .collect::<String>()
                                )));
                            }
                        },
                    };
                    if let Some((_, text)) = cell.as_mut() {
                        text.push(ch);
                    }
                }
                Event::Eof => return Ok(()),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
            buf.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Parsed, read_all};

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn rows_cells_entities_and_cdata() {
        let xml = r#"<?xml version="1.0"?>
            <rows>
              <row><name>Ann &amp; Bob</name><age>3</age></row>
              <row><age>&#52;</age><note><![CDATA[<b>x</b>]]></note><empty/></row>
              <row/>
            </rows>"#;
        assert_eq!(
            read_all("xml", xml, b',').unwrap(),
            vec![
                Parsed::Columns(vec!["name".into(), "age".into()]),
                Parsed::Row(vec![s("Ann & Bob"), s("3")]),
                Parsed::Columns(vec![
                    "name".into(),
                    "age".into(),
                    "note".into(),
                    "empty".into()
                ]),
                Parsed::Row(vec![None, s("4"), s("<b>x</b>")]),
                Parsed::Row(vec![]),
            ]
        );
    }

    #[test]
    fn doctypes_unknown_entities_and_broken_files_are_refused() {
        let bomb = r#"<?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
            <rows><row><a>&lol2;</a></row></rows>"#;
        let err = read_all("xml", bomb, b',').unwrap_err();
        assert!(err.0.contains("DOCTYPE"), "{err}");
        assert!(read_all("xml", "<rows><row><a>&lol;</a></row></rows>", b',').is_err());
        assert!(read_all("xml", "<rows><row><a>x</b></row></rows>", b',').is_err());
        assert!(read_all("xml", "<rows><row><a>&#0;</a></row></rows>", b',').is_err());
    }
}
