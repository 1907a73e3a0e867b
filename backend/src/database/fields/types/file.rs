//! `file`: uploaded files attached to a cell, kept as a `jsonb` list of what Baserow
//! returns for each file but the URLs, which are added when read (they follow the
//! server's public address). Writes name files that came from the upload API.

use crate::{
    database::{
        fields::{CellValue, Field, FieldType, FileInput, Storage, field_type::column},
        filters::like_pattern,
    },
    platform::user_files::{self, names},
};
use serde_json::Value;
use sqlx::{Postgres, QueryBuilder};

/// Files one cell may hold.
const MAX_FILES_PER_CELL: usize = 1000;
/// The longest name a file may be shown under.
const MAX_VISIBLE_NAME_CHARS: usize = 255;

pub struct FileFieldType;

impl FileFieldType {
    fn parse_item(value: &Value) -> Result<FileInput, String> {
        let (name, visible_name) = match value {
            Value::String(name) => (name.trim(), None),
            Value::Object(item) => {
                let Some(name) = item.get("name").and_then(Value::as_str) else {
                    return Err("Each file needs the name of an uploaded file.".into());
                };
                let visible = match item.get("visible_name") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(v)) => Some(v.as_str()),
                    Some(_) => return Err("A visible_name must be a text.".into()),
                };
                (name, visible)
            }
            _ => return Err("Each file must be a file name or an object with a name.".into()),
        };
        if !names::is_valid(name) {
            return Err(format!(
                "The user file name {:?} is invalid.",
                name.chars().take(100).collect::<String>()
            ));
        }
        if let Some(visible) = visible_name
            && (visible.contains('\0') || visible.chars().count() > MAX_VISIBLE_NAME_CHARS)
        {
            return Err(format!(
                "A visible_name must be at most {MAX_VISIBLE_NAME_CHARS} characters, without null characters."
            ));
        }
        Ok(FileInput {
            name: name.to_owned(),
            visible_name: visible_name.map(str::to_owned),
        })
    }
}

impl FieldType for FileFieldType {
    fn name(&self) -> &'static str {
        "file"
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("JSONB")
    }

    fn can_be_primary(&self) -> bool {
        false
    }

    fn can_order_by(&self) -> bool {
        false
    }

    fn select_sql(&self, _field: &Field, col: &str) -> String {
        format!("COALESCE({col}, '[]'::jsonb)")
    }

    /// Adds `url` and `thumbnails` to each stored file.
    fn to_api(&self, _field: &Field, raw: Value) -> Value {
        let Value::Array(files) = raw else {
            return Value::Array(Vec::new());
        };
        Value::Array(
            files
                .into_iter()
                .map(|mut file| {
                    if let Value::Object(map) = &mut file {
                        let name = map
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        let is_image = map.get("is_image") == Some(&Value::Bool(true));
                        map.insert("url".into(), Value::String(user_files::url(&name)));
                        map.insert(
                            "thumbnails".into(),
                            user_files::thumbnails_json(&name, is_image),
                        );
                    }
                    file
                })
                .collect(),
        )
    }

    fn parse_cell(&self, _field: &Field, value: &Value) -> Result<CellValue, String> {
        let items: Vec<Value> = match value {
            Value::Null => Vec::new(),
            Value::Array(items) => items.clone(),
            Value::String(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
            _ => return Err("Expected a list of files.".into()),
        };
        if items.len() > MAX_FILES_PER_CELL {
            return Err(format!("A cell holds at most {MAX_FILES_PER_CELL} files."));
        }
        items
            .iter()
            .map(Self::parse_item)
            .collect::<Result<Vec<_>, _>>()
            .map(CellValue::Files)
    }

    fn text_sql(&self, _field: &Field, col: &str) -> String {
        format!(
            "(SELECT string_agg(f.v ->> 'visible_name', ', ' ORDER BY f.n) \
             FROM jsonb_array_elements({col}) WITH ORDINALITY AS f(v, n))"
        )
    }

    /// Files cannot be made from text: converting to `file` empties the cells.
    fn text_to_value_sql(&self, _field: &Field, _text: &str) -> String {
        "NULL".into()
    }

    fn push_contains(
        &self,
        _field: &Field,
        col: &str,
        sql: &mut QueryBuilder<Postgres>,
        term: &str,
    ) {
        sql.push(format!(
            "EXISTS (SELECT 1 FROM jsonb_array_elements({col}) AS f(v) WHERE f.v ->> 'visible_name' ILIKE "
        ))
        .push_bind(like_pattern(term))
        .push(")");
    }

    fn empty_sql(&self, _field: &Field, col: &str) -> String {
        format!("COALESCE(jsonb_array_length({col}), 0) = 0")
    }

    /// `visible_name (url)` per file, as Baserow's exports write them.
    fn to_text(&self, _field: &Field, value: &Value) -> String {
        value
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .map(|f| {
                        let text =
                            |key: &str| f.get(key).and_then(Value::as_str).unwrap_or_default();
                        format!("{} ({})", text("visible_name"), text("url"))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    const NAME: &str = "abcdefghijABCDEFGHIJ0123456789ab_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.png";

    #[test]
    fn files_are_written_by_name_and_read_with_urls() {
        let t = FileFieldType;
        let f = test_field("file", json!({}));
        let one = FileInput {
            name: NAME.into(),
            visible_name: Some("a.png".into()),
        };
        assert_eq!(
            t.parse_cell(&f, &json!([{"name": NAME, "visible_name": "a.png"}])),
            Ok(CellValue::Files(vec![one]))
        );
        assert_eq!(
            t.parse_cell(&f, &json!(format!("{NAME}, {NAME}"))),
            Ok(CellValue::Files(vec![
                FileInput {
                    name: NAME.into(),
                    visible_name: None
                };
                2
            ]))
        );
        assert_eq!(t.parse_cell(&f, &Value::Null), Ok(CellValue::Files(vec![])));
        for bad in [
            json!(["../../etc/passwd"]),
            json!([{"visible_name": "x"}]),
            json!([{"name": NAME, "visible_name": "a\u{0}b"}]),
            json!(5),
        ] {
            assert!(t.parse_cell(&f, &bad).is_err(), "{bad}");
        }
        let read = t.to_api(
            &f,
            json!([{"name": NAME, "visible_name": "a.png", "is_image": true}]),
        );
        assert!(
            read[0]["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/media/user_files/{NAME}"))
        );
        assert!(
            read[0]["thumbnails"]["tiny"]["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/media/thumbnails/tiny/{NAME}"))
        );
        assert_eq!(
            t.to_text(&f, &read),
            format!("a.png ({})", read[0]["url"].as_str().unwrap())
        );
    }
}
