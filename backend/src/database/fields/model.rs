//! Field records and select options.

use crate::database::collaborators::Collaborator;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Field {
    pub id: i64,
    pub table_id: i64,
    pub name: String,
    /// Registered type name (`text`, `number`, …).
    pub kind: String,
    pub order: i32,
    pub primary: bool,
    pub description: Option<String>,
    /// The type's own properties, validated by its `FieldType`.
    pub options: Value,
    pub select_options: Vec<SelectOption>,
    /// For `link_row` fields: the primary field of the linked table, whose text is the
    /// value a link shows. Loaded with the field, so reading links needs no extra query.
    pub linked_primary: Option<Box<Field>>,
    /// For `multiple_collaborators` fields: the workspace's members, the values a cell may
    /// hold. Loaded with the field, like `linked_primary`.
    pub collaborators: Vec<Collaborator>,
    /// Baserow's `db_index`: the column has an index of its own (see `constraints`).
    pub db_index: bool,
    /// Baserow's `field_constraints` by name (`unique_with_empty`), each enforced by
    /// PostgreSQL (see `constraints`).
    pub constraints: Vec<String>,
}

impl Field {
    /// The ids of the select options whose text contains `term`, ignoring case (as `ILIKE`
    /// does). Matching here rather than in SQL hands the planner the ids themselves, so its
    /// row estimates for a search or `contains` filter come from the column's statistics.
    pub fn options_containing(&self, term: &str) -> Vec<i64> {
        let term = term.to_lowercase();
        self.select_options
            .iter()
            .filter(|o| o.value.to_lowercase().contains(&term))
            .map(|o| o.id)
            .collect()
    }

    /// The ids of the collaborators whose name contains `term`, ignoring case (see
    /// [`Field::options_containing`] for why this is matched here).
    pub fn collaborators_containing(&self, term: &str) -> Vec<i64> {
        let term = term.to_lowercase();
        self.collaborators
            .iter()
            .filter(|c| c.name.to_lowercase().contains(&term))
            .map(|c| c.id)
            .collect()
    }

    /// The column of this field in `database_table_{table_id}`; ids only, never user text.
    pub fn column(&self) -> String {
        format!("field_{}", self.id)
    }

    /// A type property, e.g. `number_decimal_places`.
    pub fn opt(&self, key: &str) -> &Value {
        self.options.get(key).unwrap_or(&Value::Null)
    }

    pub fn opt_bool(&self, key: &str) -> bool {
        self.opt(key).as_bool().unwrap_or(false)
    }

    pub fn opt_i64(&self, key: &str, default: i64) -> i64 {
        self.opt(key).as_i64().unwrap_or(default)
    }

    pub fn opt_str(&self, key: &str) -> Option<&str> {
        self.opt(key).as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct SelectOption {
    pub id: i64,
    pub value: String,
    pub color: String,
    #[serde(skip)]
    pub order: i32,
}
