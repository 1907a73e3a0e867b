//! Errors of import requests (the job's own failures become its `human_readable_error`).

use crate::{
    database::tables::TableError,
    error::{Code, Detail, HasCode},
    platform::{applications::ApplicationError, validation::ValidationError},
};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("The upload does not exist, belongs to someone else or has expired.")]
    UploadNotFound,
    #[error("The file is larger than the limit of {0} bytes.")]
    FileTooLarge(u64),
    /// Not transparent: the throttle stays the error's source, where `Retry-After` is read.
    #[error("{0}")]
    Throttled(#[from] crate::platform::throttle::Throttled),
    /// The uploader's files waiting to be imported (or the server's) already use the quota.
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("You already have an unfinished job of this type.")]
    MaxJobCount,
    /// An external database could not be used; the message has no password in it.
    #[error("{0}")]
    ExternalDatabase(String),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for ImportError {
    fn code(&self) -> Code {
        match self {
            Self::UploadNotFound => Code::ImportUploadDoesNotExist,
            Self::Throttled(e) => e.code(),
            Self::FileTooLarge(_) => Code::ImportFileTooLarge,
            Self::QuotaExceeded(_) => Code::ImportUploadQuotaExceeded,
            Self::MaxJobCount => Code::MaxJobCountExceeded,
            Self::ExternalDatabase(_) => Code::ExternalDatabaseUnreachable,
            Self::Validation(e) => e.code(),
            Self::Application(e) => e.code(),
            Self::Table(e) => e.code(),
            Self::Io(_) | Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Validation(e) => e.detail(),
            Self::Application(e) => e.detail(),
            Self::Table(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
