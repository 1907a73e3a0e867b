//! The `FieldType` trait: everything that differs between kinds of field.
//!
//! A type either owns a column (`Storage::Column`), reads a system column of the row
//! (`Storage::System`), or has no column at all (`Storage::Virtual`, for fields computed
//! from other data such as links or formulas). Values are always read through
//! [`FieldType::select_sql`], one SQL expression per field, so a whole page — including
//! values looked up in other tables — comes back in one query.

use super::{Field, SelectOption};
use crate::{database::filters::like_pattern, platform::validation::ValidationError};
use serde_json::{Map, Value};
use sqlx::{Postgres, QueryBuilder};

/// Where a field's values live.
#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    /// Its own column `field_{id}` of this SQL type; `not_null_default` for types that are never empty.
    Column {
        sql_type: String,
        not_null_default: Option<&'static str>,
    },
    /// A system column of the row (`created_on`, `updated_on`, `created_by`, `last_modified_by`).
    System(&'static str),
    /// No column: computed when read.
    Virtual,
}

/// A parsed cell value, bound as a parameter (text values are cast to the column type).
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Null,
    Text(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Ids(Vec<i64>),
    /// Rows of another table to link to; written to the relation table, not a column.
    Links(LinkInput),
    /// Uploaded files by name, checked and completed from `user_files` before writing.
    Files(Vec<FileInput>),
    /// A JSON value for a `jsonb` column.
    Json(Value),
    /// Users for a `multiple_collaborators` cell, checked against the workspace's
    /// memberships (and those locked) before writing.
    Collaborators(Vec<i64>),
    /// A password to hash before writing; only its hash is ever stored.
    Password(PlainPassword),
    /// Keep what the cell holds (a password written back as `true`); a new row gets NULL.
    Keep,
}

/// A password as written, until it is hashed. `Debug` hides it so it cannot reach a log.
#[derive(Clone, PartialEq)]
pub struct PlainPassword(pub String);

impl std::fmt::Debug for PlainPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainPassword(..)")
    }
}

/// A file a write names: a user file's name and, optionally, the name to show.
#[derive(Debug, Clone, PartialEq)]
pub struct FileInput {
    pub name: String,
    pub visible_name: Option<String>,
}

/// Linked rows as a write names them: by id or by the text of their primary field.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkInput {
    Ids(Vec<i64>),
    Names(Vec<String>),
}

pub trait FieldType: Send + Sync + 'static {
    fn name(&self) -> &'static str;

    /// Validates and normalises this type's properties from a create or update body.
    /// `current` holds the field's present properties on update (same type), so omitted
    /// keys keep their value.
    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let _ = (body, current);
        Ok(Value::Object(Map::new()))
    }

    fn storage(&self, field: &Field) -> Storage;

    /// Whether values are chosen from `select_options`.
    fn has_select_options(&self) -> bool {
        false
    }
    /// Values are computed; writing them is refused.
    fn is_read_only(&self) -> bool {
        false
    }
    fn can_be_primary(&self) -> bool {
        true
    }
    fn can_order_by(&self) -> bool {
        true
    }

    /// SQL reading the value; `col` is the qualified column (or system column) expression.
    /// Must produce something `row_to_json` renders as the API value (or close to it, see
    /// [`FieldType::to_api`]).
    fn select_sql(&self, field: &Field, col: &str) -> String {
        let _ = field;
        col.to_owned()
    }

    /// For a value read with a subquery per row (links): the values of many rows at once,
    /// so a page reads them with one query, not one per row. Gives SQL selecting `id` and
    /// the value `v` of each row whose id `rows_sql` (a query of one `id` column) selects,
    /// leaving out rows without a value, and the value those read as.
    fn grouped_sql(&self, field: &Field, rows_sql: &str) -> Option<GroupedSql> {
        let _ = (field, rows_sql);
        None
    }

    /// Final touch on the value read by `select_sql` (e.g. `""` for an empty URL).
    fn to_api(&self, field: &Field, raw: Value) -> Value {
        let _ = field;
        raw
    }

    /// API input → value to store, or the reason it is refused.
    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String>;

    /// An imported file's text → value to store. Most types read text as the API does;
    /// those whose API takes ids (collaborators) find them by what a file holds instead.
    fn parse_text_cell(&self, field: &Field, text: &str) -> Result<CellValue, String> {
        self.parse_cell(field, &Value::String(text.to_owned()))
    }

    /// The value as text in SQL: used by search, text filters and type conversion.
    fn text_sql(&self, field: &Field, col: &str) -> String {
        let _ = field;
        format!("({col})::text")
    }

    /// SQL turning a text expression into this type's stored value, for conversions from
    /// any other type. Must never fail: what does not fit becomes NULL (or the default).
    fn text_to_value_sql(&self, field: &Field, text: &str) -> String;

    /// Whether the value's text could contain `term` at all (numbers need a digit); search
    /// skips types that cannot, which keeps it on indexes.
    fn can_contain(&self, term: &str) -> bool {
        let _ = term;
        true
    }

    /// Appends a condition true when the value's text contains `term`, ignoring case
    /// (search and the `contains` filter). Types whose text lives elsewhere (select
    /// options, user names) match there first instead of per row.
    fn push_contains(
        &self,
        field: &Field,
        col: &str,
        sql: &mut QueryBuilder<Postgres>,
        term: &str,
    ) {
        sql.push(self.text_sql(field, col))
            .push(" ILIKE ")
            .push_bind(like_pattern(term));
    }

    /// SQL condition true when the value counts as empty (the `empty` filter).
    fn empty_sql(&self, field: &Field, col: &str) -> String {
        format!("COALESCE({}, '') = ''", self.text_sql(field, col))
    }

    /// SQL expression to sort by.
    fn sort_sql(&self, field: &Field, col: &str) -> String {
        let _ = field;
        col.to_owned()
    }

    /// Plain text of an API value (exports, row names, emails).
    fn to_text(&self, field: &Field, value: &Value) -> String {
        let _ = field;
        match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Statements run after the column is added to `table` (sequences, back-filling).
    fn column_setup_sql(&self, field: &Field, table: &str) -> Vec<String> {
        let _ = (field, table);
        Vec::new()
    }

    /// The value a new row gets when none is given.
    fn default_value(&self, field: &Field) -> CellValue {
        let _ = field;
        CellValue::Null
    }
}

/// Reads options of select types from a body: `[{id?, value, color}]`.
pub fn parse_select_options(
    body: &Map<String, Value>,
    errors: &mut ValidationError,
) -> Option<Vec<SelectOption>> {
    let raw = body.get("select_options")?;
    let Some(items) = raw.as_array() else {
        errors.add("select_options", "not_a_list", "Expected a list of items.");
        return None;
    };
    let mut options = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let value = item
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let color = item
            .get("color")
            .and_then(Value::as_str)
            .unwrap_or("light-blue");
        if value.contains('\0')
            || color.contains('\0')
            || value.chars().count() > 255
            || color.chars().count() > 255
        {
            errors.add(
                "select_options",
                "invalid",
                format!("Option {i} is invalid."),
            );
            continue;
        }
        let id = item.get("id").and_then(Value::as_i64).unwrap_or(0);
        options.push(SelectOption {
            id,
            value: value.to_owned(),
            color: color.to_owned(),
            order: i as i32,
        });
    }
    Some(options)
}

/// Quotes nothing: a helper for the many types whose SQL type needs no parameters.
pub fn column(sql_type: &str) -> Storage {
    Storage::Column {
        sql_type: sql_type.to_owned(),
        not_null_default: None,
    }
}

/// A field's values for many rows in one query (see [`FieldType::grouped_sql`]).
pub struct GroupedSql {
    /// `SELECT … AS id, … AS v … GROUP BY …`.
    pub query: String,
    /// The value of a row the query leaves out.
    pub absent: String,
}
