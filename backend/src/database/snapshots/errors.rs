//! Errors of snapshot use cases, with Baserow's codes.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{applications::ApplicationError, validation::ValidationError},
};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("The requested snapshot does not exist.")]
    NotFound,
    #[error("The group has already reached the snapshot limit.")]
    MaximumReached,
    #[error("Snapshots creation is already in progress for the application.")]
    BeingCreated,
    #[error("Snapshots can't be manipulated while being restored.")]
    BeingRestored,
    #[error("Snapshots names must be unique per application.")]
    NameNotUnique,
    #[error("The limit of number of the same operation exceeded by the user.")]
    OperationLimitExceeded,
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<crate::platform::workspaces::WorkspaceError> for SnapshotError {
    fn from(e: crate::platform::workspaces::WorkspaceError) -> Self {
        Self::Application(e.into())
    }
}

impl HasCode for SnapshotError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::SnapshotDoesNotExist,
            Self::MaximumReached => Code::MaximumSnapshotsReached,
            Self::BeingCreated => Code::SnapshotIsBeingCreated,
            Self::BeingRestored => Code::SnapshotIsBeingRestored,
            Self::NameNotUnique => Code::SnapshotNameNotUnique,
            Self::OperationLimitExceeded => Code::SnapshotOperationLimitExceeded,
            Self::Application(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Application(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
