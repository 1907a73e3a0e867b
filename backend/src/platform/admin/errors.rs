//! Errors of the staff administration use cases, with Baserow's codes.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{auth::AuthError, validation::ValidationError},
};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("You cannot de-activate or un-staff yourself.")]
    CannotDeactivateSelf,
    #[error("You cannot delete yourself.")]
    CannotDeleteSelf,
    #[error("Unknown user supplied.")]
    UnknownUser,
    #[error("A user with that username/email already exists.")]
    UserAlreadyExists,
    #[error("The requested workspace does not exist.")]
    WorkspaceNotFound,
    #[error("Attributes to sort by must be prefixed with one of '-' or '+'.")]
    InvalidSortDirection,
    #[error("Invalid attribute name provided to sort by.")]
    InvalidSortAttribute,
    #[error("The timezone {0} is not supported.")]
    UnknownTimeZone(String),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl HasCode for AdminError {
    fn code(&self) -> Code {
        match self {
            Self::CannotDeactivateSelf => Code::UserAdminCannotDeactivateSelf,
            Self::CannotDeleteSelf => Code::UserAdminCannotDeleteSelf,
            Self::UnknownUser => Code::UserAdminUnknownUser,
            Self::UserAlreadyExists => Code::UserAdminAlreadyExists,
            Self::WorkspaceNotFound => Code::GroupDoesNotExist,
            Self::InvalidSortDirection => Code::InvalidSortDirection,
            Self::InvalidSortAttribute => Code::InvalidSortAttribute,
            Self::UnknownTimeZone(_) => Code::UnknownTimeZone,
            Self::Validation(e) => e.code(),
            Self::Auth(e) => e.code(),
            Self::Database(_) | Self::Internal(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Validation(e) => e.detail(),
            Self::Auth(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
