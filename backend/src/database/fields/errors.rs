//! Errors of field use cases.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{validation::ValidationError, workspaces::WorkspaceError},
};

#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    #[error("The requested table does not exist.")]
    TableNotFound,
    #[error("The requested field does not exist.")]
    NotFound,
    #[error("A field with that name already exists.")]
    NameNotUnique,
    #[error("\"{0}\" is a reserved field name.")]
    ReservedName(String),
    #[error("Fields must have a name.")]
    InvalidName,
    #[error("A field name can be at most 255 characters long.")]
    NameTooLong,
    #[error("A table can have at most {0} fields.")]
    MaxFieldCount(usize),
    #[error("The primary field cannot be deleted.")]
    CannotDeletePrimary,
    #[error("The {0} field type cannot be the primary field.")]
    IncompatiblePrimaryType(String),
    #[error("A link field needs the table to link to (link_row_table_id).")]
    LinkRowTableNotProvided,
    #[error("The table to link to must exist in the same database.")]
    LinkRowTableNotInSameDatabase,
    #[error("A link to its own table cannot have a related field.")]
    SelfReferencingLinkRowCannotHaveRelatedField,
    #[error("Error with formula: {0}")]
    Formula(String),
    #[error("The field to look up through must be a link field of this table.")]
    InvalidLookupThroughField,
    #[error("The field to look up must be a field of the table the link points to.")]
    InvalidLookupTargetField,
    #[error("The requested field type is not compatible with generating unique values: {0}.")]
    NoUniqueValues(String),
    #[error("The token does not have permission to the table.")]
    NoPermissionToTable,
    #[error("The row {0} does not exist.")]
    RowNotFound(i64),
    #[error("The password does not match the one stored in the cell.")]
    InvalidPasswordFieldPassword,
    /// Not transparent: the throttle stays the error's source, where `Retry-After` is read.
    #[error("{0}")]
    Throttled(#[from] crate::platform::throttle::Throttled),
    #[error("You have too many jobs of this type running.")]
    MaxJobCount,
    #[error("The field is already the primary field.")]
    AlreadyPrimary,
    #[error("The field does not belong to the table.")]
    NotInTable,
    #[error("The table has no primary field.")]
    NoPrimaryField,
    #[error("The field constraint {constraint} is not supported for field {field_type}.")]
    InvalidConstraint {
        constraint: String,
        field_type: String,
    },
    #[error("Cannot set this constraint when default value is set.")]
    ConstraintDoesNotSupportDefaultValue,
    #[error(
        "The field type {0} does not support database indexes. Explicitly set `db_index` to `false` to fix this error."
    )]
    DbIndexNotSupported(String),
    #[error("Cannot apply field constraint due to existing data conflicts.")]
    ConstraintConflict,
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for FieldError {
    fn code(&self) -> Code {
        match self {
            Self::TableNotFound => Code::TableDoesNotExist,
            Self::NotFound => Code::FieldDoesNotExist,
            Self::NameNotUnique => Code::FieldWithSameNameAlreadyExists,
            Self::ReservedName(_) => Code::ReservedBaserowFieldName,
            Self::InvalidName => Code::InvalidBaserowFieldName,
            Self::NameTooLong => Code::MaxFieldNameLengthExceeded,
            Self::MaxFieldCount(_) => Code::MaxFieldCountExceeded,
            Self::CannotDeletePrimary => Code::CannotDeletePrimaryField,
            Self::IncompatiblePrimaryType(_) => Code::IncompatiblePrimaryFieldType,
            Self::LinkRowTableNotProvided => Code::LinkRowTableNotProvided,
            Self::LinkRowTableNotInSameDatabase => Code::LinkRowTableNotInSameDatabase,
            Self::SelfReferencingLinkRowCannotHaveRelatedField => {
                Code::SelfReferencingLinkRowCannotHaveRelatedField
            }
            Self::Formula(_) => Code::WithFormula,
            Self::InvalidLookupThroughField => Code::InvalidLookupThroughField,
            Self::InvalidLookupTargetField => Code::InvalidLookupTargetField,
            Self::NoUniqueValues(_) => Code::IncompatibleFieldTypeForUniqueValues,
            Self::NoPermissionToTable => Code::NoPermissionToTable,
            Self::RowNotFound(_) => Code::RowDoesNotExist,
            Self::InvalidPasswordFieldPassword => Code::InvalidPasswordFieldPassword,
            Self::Throttled(e) => e.code(),
            Self::MaxJobCount => Code::MaxJobCountExceeded,
            Self::AlreadyPrimary => Code::FieldIsAlreadyPrimary,
            Self::NotInTable => Code::FieldNotInTable,
            Self::NoPrimaryField => Code::TableHasNoPrimaryField,
            Self::InvalidConstraint { .. } => Code::InvalidFieldConstraint,
            Self::ConstraintDoesNotSupportDefaultValue => {
                Code::FieldConstraintDoesNotSupportDefaultValue
            }
            Self::DbIndexNotSupported(_) => Code::DbIndexNotSupported,
            Self::ConstraintConflict => Code::FieldConstraint,
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(e) if super::constraints::violated(e) => Code::FieldDataConstraint,
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            Self::Database(e) if super::constraints::violated(e) => {
                Detail::Message(super::constraints::VIOLATED.into())
            }
            other => Detail::Message(other.to_string()),
        }
    }
}
