//! Errors of row comment use cases.

use crate::{
    database::fields::FieldError,
    error::{Code, Detail, HasCode},
    platform::{validation::ValidationError, workspaces::WorkspaceError},
};

#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("The requested row does not exist.")]
    RowNotFound,
    #[error("The requested row comment does not exist.")]
    NotFound,
    #[error("The requesting user is not the author of the comment.")]
    NotAuthor,
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for CommentError {
    fn code(&self) -> Code {
        match self {
            Self::RowNotFound => Code::RowDoesNotExist,
            Self::NotFound => Code::RowCommentDoesNotExist,
            Self::NotAuthor => Code::UserNotCommentAuthor,
            Self::Field(e) => e.code(),
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Field(e) => e.detail(),
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
