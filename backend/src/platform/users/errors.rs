//! Errors of the user use cases.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{auth::AuthError, validation::ValidationError, workspaces::WorkspaceError},
};

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("")]
    EmailAlreadyExists,
    #[error("Sign up is disabled.")]
    SignupDisabled,
    #[error("Resetting passwords is disabled.")]
    ResetPasswordDisabled,
    #[error("The provided old password is incorrect.")]
    InvalidOldPassword,
    #[error("The user was not found.")]
    NotFound,
    #[error("The provided token is invalid.")]
    BadToken,
    #[error("The provided token has expired.")]
    ExpiredToken,
    #[error("The provided base url is not allowed.")]
    HostnameNotAllowed,
    #[error("Nothing to update: provide at least one field.")]
    NothingToUpdate,
    #[error("The user's email is verified already.")]
    EmailAlreadyVerified,
    #[error("A valid verification token is required.")]
    InvalidVerificationToken,
    #[error("Email address has to be verified first.")]
    EmailVerificationRequired,
    #[error("You are the last admin of the instance.")]
    LastAdmin,
    /// Not transparent: the throttle stays the error's source, where its `Retry-After` is read.
    #[error("{0}")]
    Throttled(#[from] crate::platform::throttle::Throttled),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Workspace(Box<WorkspaceError>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<WorkspaceError> for UserError {
    fn from(e: WorkspaceError) -> Self {
        Self::Workspace(Box::new(e))
    }
}

impl HasCode for UserError {
    fn code(&self) -> Code {
        match self {
            Self::EmailAlreadyExists => Code::EmailAlreadyExists,
            Self::SignupDisabled => Code::DisabledSignup,
            Self::ResetPasswordDisabled => Code::DisabledResetPassword,
            Self::InvalidOldPassword => Code::InvalidOldPassword,
            Self::NotFound => Code::UserNotFound,
            Self::BadToken => Code::BadTokenSignature,
            Self::ExpiredToken => Code::ExpiredTokenSignature,
            Self::HostnameNotAllowed => Code::HostnameIsNotAllowed,
            Self::NothingToUpdate => Code::RequestBodyValidation,
            Self::EmailAlreadyVerified => Code::EmailAlreadyVerified,
            Self::InvalidVerificationToken => Code::InvalidVerificationToken,
            Self::EmailVerificationRequired => Code::EmailVerificationRequired,
            Self::LastAdmin => Code::UserIsLastAdmin,
            Self::Throttled(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Auth(e) => e.code(),
            Self::Workspace(e) => e.code(),
            Self::Database(_) | Self::Internal(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Validation(e) => e.detail(),
            Self::Auth(e) => e.detail(),
            Self::Workspace(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
