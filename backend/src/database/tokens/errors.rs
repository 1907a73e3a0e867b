//! Errors of token use cases and token authentication.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{validation::ValidationError, workspaces::WorkspaceError},
};

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("The token does not exist.")]
    NotFound,
    #[error("The token does not have permission to the table.")]
    NoPermissionToTable,
    #[error("Too many requests with this token; retry in {0} seconds.")]
    RateLimited(u64),
    #[error("The {0} {1} does not exist in the token's workspace.")]
    InvalidScope(String, i64),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for TokenError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::TokenDoesNotExist,
            Self::NoPermissionToTable => Code::NoPermissionToTable,
            Self::RateLimited(_) => Code::RateLimitExceeded,
            Self::InvalidScope(..) => Code::RequestBodyValidation,
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::InvalidScope(kind, _) => Detail::field(
                "permissions",
                &format!("invalid_{kind}_id"),
                self.to_string(),
            ),
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
