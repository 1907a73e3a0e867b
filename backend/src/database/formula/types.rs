//! Formula types as Baserow names them in a formula field's `formula_type` (`text`,
//! `number`, `date`, `array`, `invalid`, ...), and the way a formula reaches the
//! table's fields: the [`FieldLookup`] trait, which the fields module implements.
//!
//! The type checker itself is in [`super::typecheck`].

use super::functions::Kind;
use serde_json::{Value, json};

/// Most decimal places a number field (and so a formula) can show, Baserow's
/// `NUMBER_MAX_DECIMAL_PLACES`.
pub const NUMBER_MAX_DECIMAL_PLACES: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    Text,
    /// Baserow's `char`: text stored as varchar (what `tovarchar` gives).
    Char,
    Url,
    Number {
        decimal_places: u32,
    },
    Boolean,
    Date {
        include_time: bool,
    },
    Duration,
    SingleSelect,
    MultipleSelect,
    /// A list of values, what a lookup becomes at the top of a formula.
    Array(Box<FormulaType>),
    Link,
    Button,
    /// The formula cannot be computed; `error` says why, for the person who wrote it.
    Invalid {
        error: String,
    },
}

/// The type of a formula or of one of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaType {
    pub kind: TypeKind,
    /// Whether the value can be empty (SQL NULL); Baserow reports it as `nullable`.
    pub nullable: bool,
}

impl FormulaType {
    pub fn new(kind: TypeKind) -> Self {
        Self {
            kind,
            nullable: false,
        }
    }

    pub fn text() -> Self {
        Self::new(TypeKind::Text)
    }

    pub fn boolean() -> Self {
        Self::new(TypeKind::Boolean)
    }

    pub fn number(decimal_places: u32) -> Self {
        Self::new(TypeKind::Number { decimal_places })
    }

    pub fn date(include_time: bool) -> Self {
        Self::new(TypeKind::Date { include_time })
    }

    pub fn duration() -> Self {
        Self::new(TypeKind::Duration)
    }

    pub fn invalid(error: impl Into<String>) -> Self {
        Self::new(TypeKind::Invalid {
            error: error.into(),
        })
    }

    pub fn nullable(self, nullable: bool) -> Self {
        Self { nullable, ..self }
    }

    /// Baserow's `formula_type` string.
    pub fn name(&self) -> &'static str {
        match self.kind {
            TypeKind::Text => "text",
            TypeKind::Char => "char",
            TypeKind::Url => "url",
            TypeKind::Number { .. } => "number",
            TypeKind::Boolean => "boolean",
            TypeKind::Date { .. } => "date",
            TypeKind::Duration => "duration",
            TypeKind::SingleSelect => "single_select",
            TypeKind::MultipleSelect => "multiple_select",
            TypeKind::Array(_) => "array",
            TypeKind::Link => "link",
            TypeKind::Button => "button",
            TypeKind::Invalid { .. } => "invalid",
        }
    }

    pub fn error(&self) -> Option<&str> {
        match &self.kind {
            TypeKind::Invalid { error } => Some(error),
            _ => None,
        }
    }

    pub fn is_valid(&self) -> bool {
        self.error().is_none()
    }

    /// Whether a value of this type may be passed where `kind` is asked for. Char and
    /// url count as text and a button as a link, as subclasses do in Baserow.
    pub fn is(&self, kind: Kind) -> bool {
        use TypeKind as T;
        matches!(
            (kind, &self.kind),
            (Kind::Text, T::Text | T::Char | T::Url)
                | (Kind::Number, T::Number { .. })
                | (Kind::Boolean, T::Boolean)
                | (Kind::Date, T::Date { .. })
                | (Kind::Duration, T::Duration)
                | (Kind::SingleSelect, T::SingleSelect)
                | (Kind::MultipleSelect, T::MultipleSelect)
                | (Kind::Link, T::Link | T::Button)
                | (Kind::Array, T::Array(_))
        ) || (kind == Kind::Any && self.is_valid())
    }

    pub fn decimal_places(&self) -> Option<u32> {
        match self.kind {
            TypeKind::Number { decimal_places } => Some(decimal_places),
            _ => None,
        }
    }

    /// The properties a formula field shows for this type, as Baserow names them:
    /// `formula_type`, `error`, `nullable`, `array_formula_type`,
    /// `number_decimal_places`, `date_include_time`. Formatting options the user picks
    /// (prefixes, date formats, ...) belong to the field, not to the type.
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "formula_type": self.name(),
            "error": self.error(),
            "nullable": self.nullable,
            "array_formula_type": Value::Null,
            "number_decimal_places": Value::Null,
            "date_include_time": Value::Null,
        });
        let inner = match &self.kind {
            TypeKind::Array(inner) => {
                out["array_formula_type"] = json!(inner.name());
                inner
            }
            _ => self,
        };
        match inner.kind {
            TypeKind::Number { decimal_places } => {
                out["number_decimal_places"] = json!(decimal_places);
            }
            TypeKind::Date { include_time } => out["date_include_time"] = json!(include_time),
            _ => {}
        }
        out
    }
}

/// A field a formula refers to, as the fields module resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefField {
    pub id: i64,
    /// The field's value as a formula type (a number field with 2 decimal places is
    /// `number` with `number_decimal_places` 2, a link field's values are its primary
    /// field's type, ...).
    pub formula_type: FormulaType,
    /// Trusted SQL giving the value, in the representation [`super::compile`] expects
    /// for the type: text → text, number → numeric, boolean → boolean, date → date or
    /// timestamptz, duration → interval, single_select → jsonb `{id, value, color}`,
    /// multiple_select → jsonb array of those, link/button → jsonb `{url, label}`.
    /// For a plain field it is over the row alias `t` (e.g. `t."field_12"`); for a
    /// value reached through a link it is over the aliases of [`Many::from_sql`].
    pub column_sql: String,
    /// Set when the reference stands for many values: a lookup, or a link field.
    pub many: Option<Many>,
}

/// Where the many values of a lookup come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Many {
    /// Trusted SQL `FROM ... WHERE ...` giving one row per linked row of the current
    /// row `t`, e.g. `FROM "database_relation_3" r JOIN "database_table_9" l ON
    /// l.id = r."table9_id" WHERE r."table5_id" = t.id`. Two references through the
    /// same link field must give the same text.
    pub from_sql: String,
    /// Trusted SQL for the linked row's id within `from_sql` (e.g. `l.id`), which the
    /// `{id, value}` items of an array result carry and which orders them.
    pub id_sql: String,
}

/// Why a `lookup(link, target)` could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupError {
    /// The table has no field named `link`.
    NoSuchField,
    /// `link` exists but is not a link to another table.
    NotALink,
    /// The linked table has no field named `target`.
    NoSuchTarget,
}

/// Resolves the fields a formula names. Implemented by the fields module over the
/// table's fields; it should not return the formula's own field (Baserow refuses a
/// formula that refers to itself).
pub trait FieldLookup {
    fn field(&self, name: &str) -> Option<RefField>;
    fn lookup(&self, link: &str, target: &str) -> Result<RefField, LookupError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_kinds() {
        assert_eq!(FormulaType::number(2).name(), "number");
        assert_eq!(FormulaType::new(TypeKind::Char).name(), "char");
        assert!(FormulaType::new(TypeKind::Url).is(Kind::Text));
        assert!(FormulaType::new(TypeKind::Button).is(Kind::Link));
        assert!(!FormulaType::number(0).is(Kind::Text));
        assert!(FormulaType::boolean().is(Kind::Any));
        assert!(!FormulaType::invalid("x").is(Kind::Any));
    }

    #[test]
    fn json_properties() {
        assert_eq!(
            FormulaType::number(2).to_json(),
            json!({"formula_type": "number", "error": null, "nullable": false,
                   "array_formula_type": null, "number_decimal_places": 2,
                   "date_include_time": null})
        );
        let array = FormulaType::new(TypeKind::Array(Box::new(FormulaType::date(true))));
        assert_eq!(array.to_json()["formula_type"], "array");
        assert_eq!(array.to_json()["array_formula_type"], "date");
        assert_eq!(array.to_json()["date_include_time"], true);
        let bad = FormulaType::invalid("field 'x' does not exist");
        assert_eq!(bad.to_json()["formula_type"], "invalid");
        assert_eq!(bad.to_json()["error"], "field 'x' does not exist");
    }
}
