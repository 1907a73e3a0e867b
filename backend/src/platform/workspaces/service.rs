//! Workspace use cases: list, create, rename, delete (to trash), reorder, leave.

use super::{Role, WorkspaceError, WorkspaceWithMembers, access, repo};
use crate::{
    context::AppContext,
    db::tx::{EventOrigin, Tx},
    platform::{
        actions::Params,
        auth::Actor,
        jobs::{self, HighJob},
        settings, trash,
        validation::{self, ValidationError},
    },
    realtime::{self, notify},
};
use serde_json::json;

/// Baserow's workspace name limit.
pub const MAX_NAME_LENGTH: usize = 165;

fn valid_name(name: &str) -> Result<String, ValidationError> {
    let mut errors = ValidationError::default();
    let name = validation::text(&mut errors, "name", name, 1, MAX_NAME_LENGTH);
    errors.into_result().map(|_| name)
}

/// The caller's workspaces with their members, in the caller's order.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
) -> Result<Vec<WorkspaceWithMembers>, WorkspaceError> {
    let mut conn = ctx.db.acquire().await?;
    let mut result = Vec::new();
    for (workspace, membership) in repo::memberships_of_user(&mut *conn, actor.id()).await? {
        let members = repo::members(&mut *conn, workspace.id).await?;
        result.push(WorkspaceWithMembers {
            workspace,
            membership,
            members,
        });
    }
    Ok(result)
}

/// One workspace of the caller with its members.
pub async fn get(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
) -> Result<WorkspaceWithMembers, WorkspaceError> {
    let mut conn = ctx.db.acquire().await?;
    let membership = access::require_member(&mut conn, actor.id(), id).await?;
    let workspace = repo::get(&mut *conn, id)
        .await?
        .ok_or(WorkspaceError::NotFound)?;
    let members = repo::members(&mut *conn, id).await?;
    Ok(WorkspaceWithMembers {
        workspace,
        membership,
        members,
    })
}

/// Creates a workspace with the caller as its admin.
#[tracing::instrument(skip_all, fields(user_id = actor.id()))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    name: &str,
) -> Result<WorkspaceWithMembers, WorkspaceError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    let created = create_in(&mut tx, actor, name).await?;
    tx.did(Params::CreateWorkspace {
        workspace_id: created.workspace.id,
    });
    tx.commit().await?;
    Ok(created)
}

/// [`create`] in the caller's transaction, which records no undoable action for it.
pub async fn create_in(
    tx: &mut Tx,
    actor: &Actor,
    name: &str,
) -> Result<WorkspaceWithMembers, WorkspaceError> {
    let name = valid_name(name)?;
    let instance = settings::repo::get(&mut **tx).await?;
    if !instance.allow_global_workspace_creation && !actor.user.is_staff {
        return Err(WorkspaceError::CreationNotAllowed);
    }
    let workspace = repo::insert(&mut **tx, &name).await?;
    let membership = repo::add_member(&mut **tx, workspace.id, actor.id(), Role::Admin.as_str())
        .await?
        .ok_or(WorkspaceError::AlreadyMember)?;
    let members = repo::members(&mut **tx, workspace.id).await?;
    Ok(WorkspaceWithMembers {
        workspace,
        membership,
        members,
    })
}

/// Renames a workspace; admins only.
pub async fn rename(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<WorkspaceWithMembers, WorkspaceError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    let renamed = rename_in(&mut tx, actor, id, name).await?;
    tx.commit().await?;
    Ok(renamed)
}

/// [`rename`] in the caller's transaction.
pub async fn rename_in(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<WorkspaceWithMembers, WorkspaceError> {
    let name = valid_name(name)?;
    let membership = access::require_admin(tx, actor.id(), id).await?;
    let before = repo::get(&mut **tx, id)
        .await?
        .ok_or(WorkspaceError::NotFound)?;
    let workspace = repo::rename(&mut **tx, id, &name).await?;
    let members = repo::members(&mut **tx, id).await?;
    let keys = json!({"workspace_id": id, "workspace": {"id": id, "name": workspace.name}});
    notify::workspace(tx, actor, id, "group_updated", keys).await?;
    tx.did(Params::UpdateWorkspace {
        workspace_id: id,
        before: before.name,
        after: workspace.name.clone(),
    });
    Ok(WorkspaceWithMembers {
        workspace,
        membership,
        members,
    })
}

/// Moves a workspace to the trash; admins only.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), workspace_id = id))]
pub async fn delete(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), WorkspaceError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    delete_in(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(())
}

/// [`delete`] in the caller's transaction; the revocation it ends with holds a lock until
/// the commit, so nothing else should follow it.
pub async fn delete_in(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), WorkspaceError> {
    access::require_admin(tx, actor.id(), id).await?;
    let workspace = repo::get(&mut **tx, id)
        .await?
        .ok_or(WorkspaceError::NotFound)?;
    repo::set_trashed(&mut **tx, id, true).await?;
    let entry = trash::NewTrashEntry {
        item_type: "workspace",
        item_id: id,
        parent_item_id: None,
        workspace_id: id,
        application_id: None,
        user_id: actor.id(),
        name: &workspace.name,
    };
    trash::record(&mut **tx, &entry).await?;
    let user_ids: Vec<i64> = repo::members(&mut **tx, id)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    jobs::enqueue(
        tx,
        &HighJob::RecheckAccess {
            user_ids: user_ids.clone(),
        },
    )
    .await?;
    notify::workspace(tx, actor, id, "group_deleted", json!({"workspace_id": id})).await?;
    tx.did(Params::DeleteWorkspace { workspace_id: id });
    // Last before the commit (it locks the revocation counter until then).
    realtime::access::revoke(tx, &user_ids).await?;
    Ok(())
}

/// Sets the caller's order of their workspaces; ids they are not a member of are refused.
pub async fn order(
    ctx: &AppContext,
    actor: &Actor,
    workspace_ids: &[i64],
) -> Result<(), WorkspaceError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    order_in(&mut tx, actor, workspace_ids).await?;
    tx.commit().await?;
    Ok(())
}

/// [`order`] in the caller's transaction.
pub async fn order_in(
    tx: &mut Tx,
    actor: &Actor,
    workspace_ids: &[i64],
) -> Result<(), WorkspaceError> {
    for id in workspace_ids {
        access::require_member(tx, actor.id(), *id).await?;
    }
    let ids = |list: Vec<(super::Workspace, super::Membership)>| -> Vec<i64> {
        list.into_iter().map(|(w, _)| w.id).collect()
    };
    let before = ids(repo::memberships_of_user(&mut **tx, actor.id()).await?);
    repo::reorder_for_user(&mut **tx, actor.id(), workspace_ids).await?;
    let after = ids(repo::memberships_of_user(&mut **tx, actor.id()).await?);
    tx.did(Params::OrderWorkspaces { before, after });
    Ok(())
}

/// Leaves a workspace; the last admin cannot.
pub async fn leave(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), WorkspaceError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::unattributed()).await?;
    let membership = access::require_member(&mut tx, actor.id(), id).await?;
    if membership.is_admin() && repo::count_admins_for_update(&mut *tx, id).await? <= 1 {
        return Err(WorkspaceError::LastAdmin);
    }
    let member = repo::member(&mut *tx, membership.id).await?;
    repo::remove_member(&mut *tx, membership.id).await?;
    // With the membership, the member leaves every collaborator cell of the workspace.
    ctx.registries
        .application
        .member_removed(&mut tx, id, actor.id())
        .await?;
    jobs::enqueue(
        &mut tx,
        &HighJob::RecheckAccess {
            user_ids: vec![actor.id()],
        },
    )
    .await?;
    if let Some(member) = member {
        super::members::notify_removed(&mut tx, actor, &member).await?;
    }
    realtime::access::revoke(&mut tx, &[actor.id()]).await?;
    tx.commit().await?;
    Ok(())
}
