//! Which Tessera field type a source column becomes, and how its values are read as text
//! that the field type's own parser accepts (numbers as plain decimals, dates in ISO form,
//! times in UTC). Whatever is not recognised becomes text, read through a text cast.

use super::super::FieldPlan;
use serde_json::{Map, Value, json};

/// A column as the source's `information_schema` describes it (names in lower case).
#[derive(Debug, Clone, Default)]
pub struct SourceColumn {
    pub name: String,
    /// `data_type`: `integer`, `character varying`, `USER-DEFINED` (lower-cased), `tinyint`, …
    pub data_type: String,
    /// MySQL's full `column_type` (`tinyint(1) unsigned`, `enum('a','b')`); PostgreSQL's
    /// `udt_name`.
    pub column_type: String,
    pub scale: Option<i64>,
    pub max_length: Option<i64>,
    /// The labels of an enum type, in order.
    pub labels: Vec<String>,
}

/// How a column's values are read, beyond a plain text cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Text,
    /// A timestamp with time zone: read in UTC.
    Utc,
    /// Bytes: read as hexadecimal digits.
    Hex,
    /// MySQL's `bit(1)`: read as 0 or 1.
    Bit,
}

/// Most options an enum may have to become a single select.
const MAX_SELECT_OPTIONS: usize = 100;
/// Longest select option Tessera stores.
const MAX_OPTION_LENGTH: usize = 255;
/// Strings up to this length become `text`; longer or unbounded ones `long_text`.
const SHORT_TEXT: i64 = 255;
/// Decimal places of floating-point columns (whose scale is not fixed).
const FLOAT_PLACES: i64 = 6;
/// The most decimal places a number field has.
const MAX_PLACES: i64 = 10;

const COLORS: &[&str] = &[
    "light-blue",
    "light-green",
    "light-orange",
    "light-red",
    "light-purple",
    "light-gray",
];

fn number(places: i64) -> (&'static str, Map<String, Value>) {
    let options = json!({
        "number_decimal_places": places.clamp(0, MAX_PLACES),
        "number_negative": true,
    });
    ("number", into_map(options))
}

fn date(with_time: bool) -> (&'static str, Map<String, Value>) {
    let options = json!({
        "date_format": "ISO",
        "date_include_time": with_time,
        "date_time_format": "24",
    });
    ("date", into_map(options))
}

fn text(max_length: Option<i64>) -> (&'static str, Map<String, Value>) {
    match max_length {
        Some(n) if n <= SHORT_TEXT => ("text", Map::new()),
        _ => ("long_text", Map::new()),
    }
}

/// A single select of the labels, or text when there are too many or they do not fit.
fn choice(labels: &[String]) -> (&'static str, Map<String, Value>) {
    let fits = !labels.is_empty()
        && labels.len() <= MAX_SELECT_OPTIONS
        && labels
            .iter()
            .all(|l| !l.is_empty() && !l.contains('\0') && l.chars().count() <= MAX_OPTION_LENGTH)
        && labels
            .iter()
            .enumerate()
            .all(|(i, l)| !labels[..i].contains(l));
    if !fits {
        return ("text", Map::new());
    }
    let options: Vec<Value> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| json!({ "value": l, "color": COLORS[i % COLORS.len()] }))
        .collect();
    (
        "single_select",
        into_map(json!({ "select_options": options })),
    )
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn plan(column: &SourceColumn, (kind, options): (&'static str, Map<String, Value>)) -> FieldPlan {
    FieldPlan {
        name: column.name.clone(),
        kind,
        options,
    }
}

/// A PostgreSQL column's field and how to read it.
pub fn postgres(column: &SourceColumn) -> (FieldPlan, Read) {
    let (field, read) = match column.data_type.as_str() {
        "smallint" | "integer" | "bigint" => (number(0), Read::Text),
        "numeric" => (number(column.scale.unwrap_or(MAX_PLACES)), Read::Text),
        "real" | "double precision" => (number(FLOAT_PLACES), Read::Text),
        "boolean" => (("boolean", Map::new()), Read::Text),
        "date" => (date(false), Read::Text),
        "timestamp without time zone" => (date(true), Read::Text),
        "timestamp with time zone" => (date(true), Read::Utc),
        "character varying" | "character" => (text(column.max_length), Read::Text),
        "text" | "json" | "jsonb" | "xml" => (text(None), Read::Text),
        "user-defined" if !column.labels.is_empty() => (choice(&column.labels), Read::Text),
        // bytea's text form is already hexadecimal (`\x…`).
        _ => (("text", Map::new()), Read::Text),
    };
    (plan(column, field), read)
}

/// A MySQL or MariaDB column's field and how to read it.
pub fn mysql(column: &SourceColumn) -> (FieldPlan, Read) {
    // The type's spelling is compared in lower case; enum labels keep theirs.
    let full = column.column_type.to_lowercase();
    let (field, read) = match column.data_type.as_str() {
        "tinyint" if full.starts_with("tinyint(1)") => (("boolean", Map::new()), Read::Text),
        "bit" if full == "bit(1)" => (("boolean", Map::new()), Read::Bit),
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "year" => {
            (number(0), Read::Text)
        }
        "bit" => (number(0), Read::Bit),
        "decimal" | "numeric" => (number(column.scale.unwrap_or(MAX_PLACES)), Read::Text),
        "float" | "double" | "real" => (number(FLOAT_PLACES), Read::Text),
        "date" => (date(false), Read::Text),
        // The session's time zone is UTC, so TIMESTAMP values arrive in UTC.
        "datetime" | "timestamp" => (date(true), Read::Text),
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" | "json" => {
            (text(column.max_length), Read::Text)
        }
        "enum" => (choice(&mysql_enum_labels(&column.column_type)), Read::Text),
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
            (("text", Map::new()), Read::Hex)
        }
        _ => (("text", Map::new()), Read::Text),
    };
    (plan(column, field), read)
}

/// The labels of `enum('a','it''s')`; nothing if the definition is not of that shape.
pub fn mysql_enum_labels(column_type: &str) -> Vec<String> {
    let Some(inner) = column_type
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("enum("))
        .and_then(|_| column_type[5..].strip_suffix(')'))
    else {
        return Vec::new();
    };
    let mut labels = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        if chars.next() != Some('\'') {
            return Vec::new();
        }
        let mut label = String::new();
        loop {
            match chars.next() {
                Some('\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                    label.push('\'');
                }
                Some('\'') => break,
                Some('\\') => match chars.next() {
                    Some(c) => label.push(c),
                    None => return Vec::new(),
                },
                Some(c) => label.push(c),
                None => return Vec::new(),
            }
        }
        labels.push(label);
        match chars.next() {
            Some(',') => continue,
            None => return labels,
            Some(_) => return Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(data_type: &str, column_type: &str) -> SourceColumn {
        SourceColumn {
            name: "c".into(),
            data_type: data_type.into(),
            column_type: column_type.into(),
            ..Default::default()
        }
    }

    #[test]
    fn postgres_types_map_to_fields() {
        let kind = |c: SourceColumn| postgres(&c).0.kind;
        assert_eq!(kind(col("bigint", "int8")), "number");
        assert_eq!(kind(col("boolean", "bool")), "boolean");
        assert_eq!(kind(col("text", "text")), "long_text");
        assert_eq!(kind(col("jsonb", "jsonb")), "long_text");
        assert_eq!(kind(col("interval", "interval")), "text");
        let short = SourceColumn {
            max_length: Some(40),
            ..col("character varying", "varchar")
        };
        assert_eq!(kind(short), "text");
        let money = SourceColumn {
            scale: Some(2),
            ..col("numeric", "numeric")
        };
        assert_eq!(postgres(&money).0.options["number_decimal_places"], 2);
        let (field, read) = postgres(&col("timestamp with time zone", "timestamptz"));
        assert_eq!((field.kind, read), ("date", Read::Utc));
        assert_eq!(field.options["date_include_time"], true);
        let mood = SourceColumn {
            labels: vec!["sad".into(), "ok".into()],
            ..col("user-defined", "mood")
        };
        let field = postgres(&mood).0;
        assert_eq!(field.kind, "single_select");
        assert_eq!(field.options["select_options"][1]["value"], "ok");
        assert_eq!(kind(col("user-defined", "geometry")), "text");
    }

    #[test]
    fn mysql_types_map_to_fields() {
        let kind = |c: SourceColumn| mysql(&c).0.kind;
        assert_eq!(kind(col("tinyint", "tinyint(1)")), "boolean");
        assert_eq!(kind(col("tinyint", "tinyint(4)")), "number");
        assert_eq!(kind(col("int", "int(10) unsigned")), "number");
        assert_eq!(kind(col("datetime", "datetime")), "date");
        assert_eq!(mysql(&col("blob", "blob")).1, Read::Hex);
        assert_eq!(kind(col("tinyint", "TINYINT(1)")), "boolean");
        let sizes = mysql(&col("enum", "ENUM('S','M')")).0;
        assert_eq!(sizes.kind, "single_select");
        assert_eq!(sizes.options["select_options"][1]["value"], "M");
        assert_eq!(kind(col("set", "set('a','b')")), "text");
        let many: Vec<String> = (0..101).map(|i| format!("'{i}'")).collect();
        assert_eq!(
            kind(col("enum", &format!("enum({})", many.join(",")))),
            "text"
        );
    }

    #[test]
    fn mysql_enum_definitions_are_read() {
        assert_eq!(
            mysql_enum_labels("enum('a','it''s','x,y')"),
            ["a", "it's", "x,y"]
        );
        assert!(mysql_enum_labels("enum('a'").is_empty());
        assert!(mysql_enum_labels("set('a')").is_empty());
        assert!(choice(&["a".into(), "a".into()]).0 == "text");
    }
}
