//! Trash use cases: the structure, a page of entries, emptying, restoring.

use super::{ApplicationNode, TrashError, TrashPage, WorkspaceNode, repo};
use crate::db::tx::{EventOrigin, Tx};
use crate::{
    context::AppContext,
    platform::{
        applications::ApplicationError,
        auth::Actor,
        jobs::{self, LowJob},
        validation::{self, ValidationError},
        workspaces::{self, Membership, WorkspaceError},
    },
};
use sqlx::PgConnection;

/// Baserow's `TRASH_PAGE_SIZE_LIMIT`.
pub const MAX_PAGE_SIZE: u64 = 200;

/// The caller's membership of a workspace, trashed or not, and the check that the database
/// (when given) belongs to it.
async fn require_scope(
    conn: &mut PgConnection,
    actor: &Actor,
    workspace_id: i64,
    application_id: Option<i64>,
) -> Result<Membership, TrashError> {
    if repo::workspace(&mut *conn, workspace_id).await?.is_none() {
        return Err(WorkspaceError::NotFound.into());
    }
    let membership = workspaces::repo::membership(&mut *conn, workspace_id, actor.id())
        .await?
        .ok_or(WorkspaceError::NotMember)?;
    if let Some(id) = application_id {
        let app = repo::application(&mut *conn, id)
            .await?
            .ok_or(ApplicationError::NotFound)?;
        if app.workspace_id != workspace_id {
            return Err(ApplicationError::NotInWorkspace(id).into());
        }
    }
    Ok(membership)
}

/// The caller's workspaces and their databases, trashed ones included, so the trash can be
/// browsed.
pub async fn structure(ctx: &AppContext, actor: &Actor) -> Result<Vec<WorkspaceNode>, TrashError> {
    let mut conn = ctx.db.acquire().await?;
    let workspaces = repo::workspaces_of_user(&mut *conn, actor.id()).await?;
    let ids: Vec<i64> = workspaces.iter().map(|w| w.0).collect();
    let mut apps: Vec<ApplicationNode> = repo::applications_of(&mut *conn, &ids).await?;
    Ok(workspaces
        .into_iter()
        .map(|(id, name, trashed)| {
            let (own, rest) = apps.drain(..).partition(|a| a.workspace_id == id);
            apps = rest;
            WorkspaceNode {
                id,
                name,
                trashed,
                applications: own,
            }
        })
        .collect())
}

/// One page (1-based, `size` entries) of a workspace's own trash, or of one of its
/// databases, newest first.
pub async fn contents(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
    application_id: Option<i64>,
    page: u64,
    size: u64,
) -> Result<TrashPage, TrashError> {
    if size > MAX_PAGE_SIZE {
        return Err(TrashError::PageSizeLimit(MAX_PAGE_SIZE as usize));
    }
    let mut conn = ctx.db.acquire().await?;
    require_scope(&mut conn, actor, workspace_id, application_id).await?;
    let count = repo::count(&mut conn, workspace_id, application_id).await?;
    let offset = page.saturating_sub(1).saturating_mul(size);
    let entries = match i64::try_from(offset) {
        Ok(offset) if offset < count => {
            repo::page(
                &mut conn,
                &ctx.registries.trash,
                workspace_id,
                application_id,
                size as i64,
                offset,
            )
            .await?
        }
        _ => Vec::new(),
    };
    Ok(TrashPage { count, entries })
}

/// Empties a workspace's own trash (the workspace itself, when trashed) or a database's:
/// the entries are marked, disappear from the trash, and the permanent deletion job removes
/// their items, queued right away.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), workspace_id, application_id))]
pub async fn empty(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
    application_id: Option<i64>,
) -> Result<(), TrashError> {
    let mut tx = ctx.db.begin().await?;
    let membership = require_scope(&mut tx, actor, workspace_id, application_id).await?;
    let marked = repo::mark_for_deletion(&mut tx, workspace_id, application_id).await?;
    let needs_admin = marked
        .iter()
        .any(|t| ctx.registries.trash.get(t).is_some_and(|t| t.admin_only()));
    if needs_admin && !membership.is_admin() {
        return Err(WorkspaceError::NotAdmin.into());
    }
    if !marked.is_empty() {
        jobs::enqueue_low(&mut tx, &LowJob::DeleteTrash)
            .await
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a restore request names.
#[derive(Debug, Clone)]
pub struct RestoreRequest {
    pub item_type: String,
    pub item_id: i64,
    pub parent_id: Option<i64>,
}

/// Takes an item out of the trash, in one transaction with its events.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), item_type = %req.item_type, item_id = req.item_id))]
pub async fn restore(
    ctx: &AppContext,
    actor: &Actor,
    req: &RestoreRequest,
) -> Result<(), TrashError> {
    let types = &ctx.registries.trash;
    let Some(item_type) = types.get(&req.item_type) else {
        let mut errors = ValidationError::default();
        validation::choice(
            &mut errors,
            "trash_item_type",
            &req.item_type,
            &types.names(),
        );
        return Err(errors.into());
    };
    match (item_type.requires_parent_id(), req.parent_id) {
        (true, None) => return Err(TrashError::ParentIdRequired),
        (false, Some(_)) => return Err(TrashError::ParentIdNotAllowed),
        _ => {}
    }
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    let entry_id = restore_in(&mut tx, actor, item_type, req).await?;
    tx.commit().await?;
    tracing::info!(entry_id, "restored from the trash");
    Ok(())
}

/// [`restore`] inside the caller's transaction (undo restores this way); answers the
/// entry's id.
pub async fn restore_in(
    tx: &mut Tx,
    actor: &Actor,
    item_type: &dyn super::TrashItemType,
    req: &RestoreRequest,
) -> Result<i64, TrashError> {
    let entry = repo::lock_for_restore(tx, item_type.name(), req.item_id, req.parent_id)
        .await?
        .ok_or(TrashError::ItemNotFound)?;
    let membership = workspaces::repo::membership(&mut **tx, entry.workspace_id, actor.id())
        .await?
        .ok_or(WorkspaceError::NotMember)?;
    if item_type.admin_only() && !membership.is_admin() {
        return Err(WorkspaceError::NotAdmin.into());
    }
    if repo::parent_trashed(tx, item_type, entry.id).await? {
        return Err(TrashError::ParentTrashed);
    }
    repo::delete(&mut **tx, entry.id).await?;
    item_type.restore(tx, actor, &entry).await?;
    Ok(entry.id)
}
