//! Why a request could not be authenticated.

use crate::error::{Code, HasCode};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("Authentication credentials were not provided.")]
    NotAuthenticated,
    #[error("Access token is expired or invalid.")]
    InvalidAccessToken,
    #[error("Refresh token is expired or invalid.")]
    InvalidRefreshToken,
    #[error("No active account found with the given credentials.")]
    InvalidCredentials,
    #[error("User account is disabled.")]
    Deactivated,
    #[error("You do not have permission to perform this action.")]
    PermissionDenied,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for AuthError {
    fn code(&self) -> Code {
        match self {
            Self::NotAuthenticated => Code::NotAuthenticated,
            Self::InvalidAccessToken => Code::InvalidAccessToken,
            Self::InvalidRefreshToken => Code::InvalidRefreshToken,
            Self::InvalidCredentials => Code::InvalidCredentials,
            Self::Deactivated => Code::DeactivatedUser,
            Self::PermissionDenied => Code::PermissionDenied,
            Self::Database(_) => Code::Internal,
        }
    }
}
