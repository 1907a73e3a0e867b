//! Fields: typed columns of a table, one `FieldType` per kind.

pub mod constraints;
pub mod ddl;
pub mod duplicate;
mod errors;
pub mod field_type;
mod model;
mod password_check;
pub mod primary;
pub mod registry;
pub mod repo;
mod service;
pub mod types;
mod unique_values;

pub use errors::FieldError;
pub use field_type::{
    CellValue, FieldType, FileInput, GroupedSql, LinkInput, PlainPassword, Storage,
};
pub use model::{Field, SelectOption};
pub use password_check::authenticate as authenticate_password;
pub use service::*;
pub use unique_values::{MAX_UNIQUE_VALUES, unique_values};

/// A field for unit tests of field types.
#[cfg(test)]
pub fn test_field(kind: &str, options: serde_json::Value) -> Field {
    Field {
        id: 1,
        table_id: 1,
        name: "f".into(),
        kind: kind.into(),
        order: 1,
        primary: false,
        description: None,
        options,
        select_options: Vec::new(),
        linked_primary: None,
        collaborators: Vec::new(),
        db_index: false,
        constraints: Vec::new(),
    }
}
