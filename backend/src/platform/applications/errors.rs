//! Errors of application use cases.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{validation::ValidationError, workspaces::WorkspaceError},
};

#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error("The requested application does not exist.")]
    NotFound,
    #[error("The application id {0} does not belong to the workspace.")]
    NotInWorkspace(i64),
    #[error("You already have an unfinished job of this type.")]
    MaxJobCount,
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for ApplicationError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::ApplicationDoesNotExist,
            Self::NotInWorkspace(_) => Code::ApplicationNotInGroup,
            Self::MaxJobCount => Code::MaxJobCountExceeded,
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
