//! Member management: list, change role, remove (admins only).

use super::{Member, Role, WorkspaceError, access, repo};
use crate::{
    context::AppContext,
    db::tx::{EventOrigin, Tx},
    platform::{
        auth::Actor,
        jobs::{self, HighJob},
        validation::{self, ValidationError},
    },
    realtime::{
        self,
        notify::{self, Audience, WorkspaceEvent},
    },
};
use serde_json::{Value, json};
use sqlx::PgConnection;

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
    let mut tx = Tx::begin(&ctx.db, EventOrigin::unattributed()).await?;
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
    notify::workspace(
        &mut tx,
        actor,
        member.workspace_id,
        "group_user_updated",
        member_keys(&member),
    )
    .await?;
    tx.commit().await?;
    Ok(member)
}

/// Removes another member; removing yourself is `leave`.
pub async fn remove(
    ctx: &AppContext,
    actor: &Actor,
    membership_id: i64,
) -> Result<(), WorkspaceError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::unattributed()).await?;
    let target = repo::membership_by_id(&mut *tx, membership_id)
        .await?
        .ok_or(WorkspaceError::MemberNotFound)?;
    access::require_admin(&mut tx, actor.id(), target.workspace_id).await?;
    if target.user_id == actor.id() {
        return Err(WorkspaceError::CannotRemoveYourself);
    }
    let member = repo::member(&mut *tx, membership_id).await?;
    repo::remove_member(&mut *tx, membership_id).await?;
    // With the membership, the member leaves every collaborator cell of the workspace.
    ctx.registries
        .application
        .member_removed(&mut tx, target.workspace_id, target.user_id)
        .await?;
    if let Some(member) = member {
        notify_removed(&mut tx, actor, &member).await?;
    }
    // The removed member's open subscriptions must not outlive their access: the job
    // drops them at once, and the revocation keeps every event committed from now on
    // from reaching them even if the job is late or lost.
    jobs::enqueue(
        &mut tx,
        &HighJob::RecheckAccess {
            user_ids: vec![target.user_id],
        },
    )
    .await?;
    realtime::access::revoke(&mut tx, &[target.user_id]).await?;
    tx.commit().await?;
    Ok(())
}

/// `{id, workspace_id, workspace_user}` of the member events.
pub fn member_keys(member: &Member) -> Value {
    json!({
        "id": member.id,
        "workspace_id": member.workspace_id,
        "workspace_user": crate::dto::MemberBody::from(member),
    })
}

/// `group_user_deleted` to the remaining members and to the one who is gone.
pub async fn notify_removed(
    conn: &mut PgConnection,
    actor: &Actor,
    member: &Member,
) -> sqlx::Result<()> {
    notify::queue(
        conn,
        WorkspaceEvent {
            workspace_id: member.workspace_id,
            audience: Audience::Members,
            also_user_ids: vec![member.user_id],
            skip_websocket_id: actor.websocket_id.clone(),
            message: notify::message("group_user_deleted", member_keys(member)),
        },
    )
    .await
}

/// `group_user_added` to the members, the new one included.
pub async fn notify_added(conn: &mut PgConnection, member: &Member) -> sqlx::Result<()> {
    notify::queue(
        conn,
        WorkspaceEvent {
            workspace_id: member.workspace_id,
            audience: Audience::Members,
            also_user_ids: Vec::new(),
            skip_websocket_id: None,
            message: notify::message("group_user_added", member_keys(member)),
        },
    )
    .await
}
