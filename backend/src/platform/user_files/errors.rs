//! Errors of uploads and of file names in cell values, with Baserow's codes.

use crate::{
    error::{Code, HasCode},
    platform::throttle::Throttled,
};

#[derive(Debug, thiserror::Error)]
pub enum UserFileError {
    #[error("No file has been provided or the file is invalid.")]
    InvalidFile,
    #[error("The provided file is too large. Max {0}MB is allowed.")]
    TooLarge(u64),
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("The provided URL is not valid: {0}")]
    InvalidUrl(String),
    #[error("The provided URL could not be reached: {0}")]
    Unreachable(String),
    /// Not transparent: the throttle stays the error's source, where `Retry-After` is read.
    #[error("{0}")]
    Throttled(#[from] Throttled),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for UserFileError {
    fn code(&self) -> Code {
        match self {
            Self::InvalidFile => Code::InvalidFile,
            Self::TooLarge(_) => Code::FileSizeTooLarge,
            Self::QuotaExceeded(_) => Code::UserFileQuotaExceeded,
            Self::InvalidUrl(_) => Code::InvalidFileUrl,
            Self::Unreachable(_) => Code::FileUrlCouldNotBeReached,
            Self::Throttled(e) => e.code(),
            Self::Io(_) | Self::Database(_) => Code::Internal,
        }
    }
}
