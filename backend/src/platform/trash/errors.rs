//! Errors of trash use cases, in Baserow's vocabulary.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{
        applications::ApplicationError, validation::ValidationError, workspaces::WorkspaceError,
    },
};

#[derive(Debug, thiserror::Error)]
pub enum TrashError {
    #[error("The requested trash item does not exist.")]
    ItemNotFound,
    #[error(
        "Cannot restore a trashed item if its parent is also trashed, please restore the parent first."
    )]
    ParentTrashed,
    #[error("A parent id must be provided when using this trashable item type.")]
    ParentIdRequired,
    #[error("A parent id must NOT be provided when using this trashable item type.")]
    ParentIdNotAllowed,
    #[error("The page size is limited to {0}.")]
    PageSizeLimit(usize),
    #[error("The operation violates a field constraint")]
    FieldDataConstraint,
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for TrashError {
    fn code(&self) -> Code {
        match self {
            Self::ItemNotFound => Code::TrashItemDoesNotExist,
            Self::ParentTrashed => Code::CannotRestoreParentBeforeChild,
            Self::ParentIdRequired => Code::ParentIdMustBeProvided,
            Self::ParentIdNotAllowed => Code::ParentIdMustNotBeProvided,
            Self::PageSizeLimit(_) => Code::PageSizeLimit,
            Self::FieldDataConstraint => Code::FieldDataConstraint,
            Self::Workspace(e) => e.code(),
            Self::Application(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Workspace(e) => e.detail(),
            Self::Application(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
