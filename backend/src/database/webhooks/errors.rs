//! Errors of the webhook use cases.

use crate::{
    database::tables::TableError,
    error::{Code, Detail, HasCode},
    platform::{validation::ValidationError, workspaces::WorkspaceError},
};

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("The webhook does not exist.")]
    NotFound,
    /// Not transparent: the throttle stays the error's source, where `Retry-After` is read.
    #[error("{0}")]
    Throttled(#[from] crate::platform::throttle::Throttled),
    #[error("The webhook call does not exist.")]
    CallNotFound,
    #[error("The table already has the maximum of {0} webhooks.")]
    MaxLimitExceeded(usize),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for WebhookError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::TableWebhookDoesNotExist,
            Self::Throttled(e) => e.code(),
            Self::CallNotFound => Code::TableWebhookCallDoesNotExist,
            Self::MaxLimitExceeded(_) => Code::TableWebhookMaxLimitExceeded,
            Self::Table(e) => e.code(),
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Internal(_) | Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Table(e) => e.detail(),
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
