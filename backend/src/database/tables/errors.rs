//! Errors of table use cases.

use crate::{
    database::fields::FieldError,
    error::{Code, Detail, HasCode},
    platform::{
        applications::ApplicationError, validation::ValidationError, workspaces::WorkspaceError,
    },
};

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("The requested table does not exist.")]
    NotFound,
    #[error("The table id {0} does not belong to the database.")]
    NotInDatabase(i64),
    #[error("The provided data must contain at least one row and one column.")]
    InvalidInitialData,
    #[error("The header row contains duplicate field names.")]
    DuplicateHeaderNames,
    #[error("You already have an unfinished job of this type.")]
    MaxJobCount,
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Row(#[from] crate::database::rows::RowError),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for TableError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::TableDoesNotExist,
            Self::NotInDatabase(_) => Code::TableNotInDatabase,
            Self::InvalidInitialData => Code::InvalidInitialTableData,
            Self::DuplicateHeaderNames => Code::InitialTableDataHasDuplicateNames,
            Self::MaxJobCount => Code::MaxJobCountExceeded,
            Self::Field(e) => e.code(),
            Self::Row(e) => e.code(),
            Self::Application(e) => e.code(),
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Field(e) => e.detail(),
            Self::Row(e) => e.detail(),
            Self::Application(e) => e.detail(),
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
