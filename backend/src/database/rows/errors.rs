//! Errors of row use cases.

use crate::{
    database::{
        fields::{FieldError, constraints},
        filters::FilterError,
    },
    error::{Code, Detail, HasCode},
    platform::{validation::ValidationError, workspaces::WorkspaceError},
};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum RowError {
    #[error("The requested table does not exist.")]
    TableNotFound,
    #[error("The rows {0:?} do not exist.")]
    NotFound(Vec<i64>),
    #[error("The provided row ids are not unique.")]
    IdsNotUnique,
    #[error("The page size is limited to {0}.")]
    PageSizeLimit(usize),
    #[error("The field {0} was not found in the table.")]
    OrderByFieldNotFound(String),
    #[error("It is not possible to order by {0} because the field type does not support it.")]
    OrderByFieldNotPossible(String),
    /// Per-row, per-field problems in Baserow's validation shape.
    #[error("Invalid row values.")]
    Invalid(Value),
    #[error("{0}")]
    ReadOnlyField(String),
    #[error("The user files {0:?} do not exist.")]
    UserFilesNotFound(Vec<String>),
    /// Collaborators who are not (or no longer) members of the table's workspace.
    #[error("{}", crate::database::collaborators::not_members_message(.0))]
    NotMembers(Vec<i64>),
    #[error("The password could not be hashed: {0}")]
    PasswordHashing(String),
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for RowError {
    fn code(&self) -> Code {
        match self {
            Self::TableNotFound => Code::TableDoesNotExist,
            Self::NotFound(_) => Code::RowDoesNotExist,
            Self::IdsNotUnique => Code::RowIdsNotUnique,
            Self::PageSizeLimit(_) => Code::PageSizeLimit,
            Self::OrderByFieldNotFound(_) => Code::OrderByFieldNotFound,
            Self::OrderByFieldNotPossible(_) => Code::OrderByFieldNotPossible,
            Self::Invalid(_) | Self::ReadOnlyField(_) | Self::NotMembers(_) => {
                Code::RequestBodyValidation
            }
            Self::PasswordHashing(_) => Code::Internal,
            Self::UserFilesNotFound(_) => Code::UserFileDoesNotExist,
            Self::Filter(e) => e.code(),
            Self::Field(e) => e.code(),
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(e) if constraints::violated(e) => Code::FieldDataConstraint,
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Invalid(detail) => Detail::Json(detail.clone()),
            Self::Filter(e) => e.detail(),
            Self::Field(e) => e.detail(),
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            Self::Database(e) if constraints::violated(e) => {
                Detail::Message(constraints::VIOLATED.into())
            }
            other => Detail::Message(other.to_string()),
        }
    }
}
