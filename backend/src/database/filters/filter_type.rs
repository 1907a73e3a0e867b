//! The `FilterType` trait: a condition users put on rows (`equal`, `contains`, `date_is`, …).

use crate::database::{
    fields::{Field, FieldType},
    formula::types::FormulaType,
};
use sqlx::{Postgres, QueryBuilder};

/// The field a filter applies to, with the SQL that reads it.
pub struct FilterTarget<'a> {
    pub field: &'a Field,
    pub field_type: &'a dyn FieldType,
    /// The stored value (`t.field_5`, `t.created_on`).
    pub col: String,
}

impl FilterTarget<'_> {
    /// The value as text (search, text comparisons).
    pub fn text(&self) -> String {
        self.field_type.text_sql(self.field, &self.col)
    }
}

pub trait FilterType: Send + Sync + 'static {
    fn name(&self) -> &'static str;

    /// Field types this filter applies to (Baserow's `compatible_field_types`).
    fn compatible_field_types(&self) -> &'static [&'static str];

    /// Appends one SQL condition. Values are bound, never inlined. An empty value means
    /// "no filtering" for comparison filters (the condition is then `TRUE`).
    fn push_condition(
        &self,
        sql: &mut QueryBuilder<Postgres>,
        target: &FilterTarget<'_>,
        value: &str,
    );

    fn supports(&self, field_type: &str) -> bool {
        self.compatible_field_types().contains(&field_type)
    }

    /// Whether the filter reads any computed field through the field's own text and
    /// emptiness, whatever its formula type (`contains`, `empty`, …). Other filters apply
    /// to a computed field by its formula type, see [`super::computed`].
    fn accepts_any_computed(&self) -> bool {
        false
    }

    /// Whether the filter applies to array formulas (lookups) with elements of `element`.
    fn supports_array(&self, element: &FormulaType) -> bool {
        let _ = element;
        false
    }
}

/// Field types whose values are text.
pub const TEXTUAL: &[&str] = &["text", "long_text", "url", "email", "phone_number"];
/// Field types whose values are numbers.
pub const NUMERIC: &[&str] = &["number", "rating", "autonumber", "duration"];
/// Field types holding dates.
pub const DATES: &[&str] = &["date", "created_on", "last_modified"];
