//! Staff administration (Baserow's admin area): listing, editing, impersonating and
//! deleting any account, listing and deleting any workspace, the instance dashboard and
//! the email tester. Every use case refuses callers who are not staff.

pub mod dashboard;
pub mod email_test;
mod errors;
pub mod listing;
pub mod users;
pub mod workspaces;

pub use errors::AdminError;

use crate::platform::auth::{Actor, AuthError};

/// Staff only, with the error the other staff-only endpoints give.
pub fn require_staff(actor: &Actor) -> Result<(), AuthError> {
    if actor.user.is_staff {
        Ok(())
    } else {
        Err(AuthError::PermissionDenied)
    }
}
