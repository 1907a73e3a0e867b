//! Errors of undo and redo, in Baserow's vocabulary.

use crate::error::{Code, HasCode};

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error(
        "An invalid ClientSessionId header was provided. It must be between 1 and 256 characters long and must only contain alphanumeric or the - characters."
    )]
    InvalidSession,
    #[error(
        "An invalid ClientUndoRedoActionGroupId header was provided. It must be a valid Version 4 UUID."
    )]
    InvalidGroup,
    #[error("The ClientSessionId must be set when using this endpoint.")]
    SessionHeaderNotSet,
    #[error(
        "An operation is running in the background or triggered by another user preventing your undo/redo action. Please wait until the other operation finishes."
    )]
    LockConflict,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for ActionError {
    fn code(&self) -> Code {
        match self {
            Self::InvalidSession => Code::InvalidClientSessionId,
            Self::InvalidGroup => Code::InvalidClientActionGroup,
            Self::SessionHeaderNotSet => Code::ClientSessionIdHeaderNotSet,
            Self::LockConflict => Code::UndoRedoLockConflict,
            Self::Database(_) => Code::Internal,
        }
    }
}
