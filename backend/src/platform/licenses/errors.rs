//! Why a license request was refused.

use crate::{
    error::{Code, Detail, HasCode},
    platform::{auth::AuthError, validation::ValidationError},
};

#[derive(Debug, thiserror::Error)]
pub enum LicenseError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(
        "Licenses cannot be registered: this instance has no license public key configured \
         (TESSERA_LICENSE_PUBLIC_KEY)."
    )]
    NotConfigured,
    #[error("The provided license is invalid.")]
    Invalid,
    #[error("The provided license is not supported by this version.")]
    Unsupported,
    #[error("The instance id of the license does not match the instance id of this instance.")]
    InstanceIdMismatch,
    #[error("The license has expired.")]
    Expired,
    #[error("The license already exists.")]
    AlreadyExists,
    #[error("The license does not exist.")]
    DoesNotExist,
    #[error("The specified user could not be found.")]
    UserNotFound,
    #[error("The user already has a seat on this license.")]
    UserAlreadyOnLicense,
    #[error("There are no seats left on this license.")]
    NoSeatsLeft,
    #[error("The seats of this license cannot be changed by hand: every user has one.")]
    CantManuallyChangeSeats,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for LicenseError {
    fn code(&self) -> Code {
        match self {
            Self::Auth(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::NotConfigured => Code::LicensesNotConfigured,
            Self::Invalid => Code::InvalidLicense,
            Self::Unsupported => Code::UnsupportedLicense,
            Self::InstanceIdMismatch => Code::LicenseInstanceIdMismatch,
            Self::Expired => Code::LicenseHasExpired,
            Self::AlreadyExists => Code::LicenseAlreadyExists,
            Self::DoesNotExist => Code::LicenseDoesNotExist,
            Self::UserNotFound => Code::UserNotFound,
            Self::UserAlreadyOnLicense => Code::UserAlreadyOnLicense,
            Self::NoSeatsLeft => Code::NoSeatsLeftInLicense,
            Self::CantManuallyChangeSeats => Code::CantManuallyChangeSeats,
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Auth(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
