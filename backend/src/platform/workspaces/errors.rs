//! Errors of workspace, member and invitation use cases.

use crate::{
    error::{Code, Detail, HasCode},
    platform::validation::ValidationError,
};

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("The requested workspace does not exist.")]
    NotFound,
    #[error("")]
    NotMember,
    #[error("You need ['ADMIN'] permissions.")]
    NotAdmin,
    #[error("You can't leave or be removed as the last admin of the workspace.")]
    LastAdmin,
    #[error("The requested workspace user does not exist.")]
    MemberNotFound,
    #[error("The user is already a member of the workspace.")]
    AlreadyMember,
    #[error("You cannot remove yourself from the workspace.")]
    CannotRemoveYourself,
    #[error("The requested workspace invitation does not exist.")]
    InvitationNotFound,
    #[error("Your email address does not match with the invitation.")]
    InvitationEmailMismatch,
    #[error("Email address has to be verified first.")]
    EmailVerificationRequired,
    #[error("The provided token is invalid.")]
    BadInvitationToken,
    #[error("The provided base url is not allowed.")]
    HostnameNotAllowed,
    #[error("Only staff can create workspaces on this instance.")]
    CreationNotAllowed,
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl HasCode for WorkspaceError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::GroupDoesNotExist,
            Self::NotMember => Code::UserNotInGroup,
            Self::NotAdmin => Code::UserInvalidGroupPermissions,
            Self::LastAdmin => Code::GroupUserIsLastAdmin,
            Self::MemberNotFound => Code::GroupUserDoesNotExist,
            Self::AlreadyMember => Code::GroupUserAlreadyExists,
            Self::CannotRemoveYourself => Code::CannotDeleteYourselfFromGroup,
            Self::InvitationNotFound => Code::GroupInvitationDoesNotExist,
            Self::InvitationEmailMismatch => Code::GroupInvitationEmailMismatch,
            Self::EmailVerificationRequired => Code::EmailVerificationRequired,
            Self::BadInvitationToken => Code::BadTokenSignature,
            Self::HostnameNotAllowed => Code::HostnameIsNotAllowed,
            Self::CreationNotAllowed => Code::PermissionDenied,
            Self::Validation(e) => e.code(),
            Self::Database(_) | Self::Internal(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
