//! Member management: list, change role, remove (admins only).

use super::{Member, Role, WorkspaceError, access, repo};
use crate::{
    context::AppContext,
    platform::{
        auth::Actor,
        jobs::{self, HighJob},
        validation::{self, ValidationError},
    },
};

pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
) -> Result<Vec<Member>, WorkspaceError> {
    let mut conn = ctx.db.acquire().await?;
    access::require_admin(&mut conn, actor.id(), workspace_id).await?;
    Ok(repo::members(&mut *conn, workspace_id).await?)
}

/// Changes a member's role; demoting the last admin is refused.
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    membership_id: i64,
    permissions: &str,
) -> Result<Member, WorkspaceError> {
    let mut errors = ValidationError::default();
    validation::choice(&mut errors, "permissions", permissions, Role::NAMES);
    errors.into_result()?;
    let mut tx = ctx.db.begin().await?;
    let target = repo::membership_by_id(&mut *tx, membership_id)
        .await?
        .ok_or(WorkspaceError::MemberNotFound)?;
    access::require_admin(&mut tx, actor.id(), target.workspace_id).await?;
    if target.is_admin()
        && permissions != Role::Admin.as_str()
        && repo::count_admins_for_update(&mut *tx, target.workspace_id).await? <= 1
    {
        return Err(WorkspaceError::LastAdmin);
    }
    repo::set_permissions(&mut *tx, membership_id, permissions).await?;
    let member = repo::member(&mut *tx, membership_id)
        .await?
        .ok_or(WorkspaceError::MemberNotFound)?;
    tx.commit().await?;
    Ok(member)
}

/// Removes another member; removing yourself is `leave`.
pub async fn remove(
    ctx: &AppContext,
    actor: &Actor,
    membership_id: i64,
) -> Result<(), WorkspaceError> {
    let mut tx = ctx.db.begin().await?;
    let target = repo::membership_by_id(&mut *tx, membership_id)
        .await?
        .ok_or(WorkspaceError::MemberNotFound)?;
    access::require_admin(&mut tx, actor.id(), target.workspace_id).await?;
    if target.user_id == actor.id() {
        return Err(WorkspaceError::CannotRemoveYourself);
    }
    repo::remove_member(&mut *tx, membership_id).await?;
    // The removed member's open subscriptions must not outlive their access.
    jobs::enqueue(
        &mut tx,
        &HighJob::RecheckAccess {
            user_ids: vec![target.user_id],
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
