//! Membership checks every workspace-scoped use case starts with.

use super::{Membership, WorkspaceError, repo};
use sqlx::PgConnection;

/// The caller's membership of a live workspace: 404 when the workspace does not exist (or is
/// trashed), `ERROR_USER_NOT_IN_GROUP` when the caller is not a member.
pub async fn require_member(
    conn: &mut PgConnection,
    user_id: i64,
    workspace_id: i64,
) -> Result<Membership, WorkspaceError> {
    if repo::get(&mut *conn, workspace_id).await?.is_none() {
        return Err(WorkspaceError::NotFound);
    }
    repo::membership(&mut *conn, workspace_id, user_id)
        .await?
        .ok_or(WorkspaceError::NotMember)
}

/// Like [`require_member`], and the member must be an admin.
pub async fn require_admin(
    conn: &mut PgConnection,
    user_id: i64,
    workspace_id: i64,
) -> Result<Membership, WorkspaceError> {
    let membership = require_member(conn, user_id, workspace_id).await?;
    if membership.is_admin() {
        Ok(membership)
    } else {
        Err(WorkspaceError::NotAdmin)
    }
}
