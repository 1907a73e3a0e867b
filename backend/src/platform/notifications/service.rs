//! A user's notifications in a workspace: listed, marked read one by one or all at once,
//! cleared. Each change is sent to the user's other sockets.

use super::{NotificationError, repo};
use crate::{
    context::AppContext,
    platform::{auth::Actor, workspaces::require_member},
    realtime::notify,
};
use serde_json::{Value, json};
use std::collections::HashMap;

/// `(count, page)` of the user's notifications in the workspace (and those of no
/// workspace), newest first.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<Value>), NotificationError> {
    let mut conn = ctx.db.acquire().await?;
    require_member(&mut conn, actor.id(), workspace_id).await?;
    let count = repo::count(&mut *conn, actor.id(), workspace_id).await?;
    let page = repo::page(&mut *conn, actor.id(), workspace_id, limit, offset).await?;
    Ok((count, page.iter().map(repo::Received::to_json).collect()))
}

/// Marks one notification read (or unread again); returns it.
pub async fn mark_read(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
    notification_id: i64,
    read: bool,
) -> Result<Value, NotificationError> {
    let mut tx = ctx.db.begin().await?;
    require_member(&mut tx, actor.id(), workspace_id).await?;
    let received = repo::set_read(&mut tx, actor.id(), workspace_id, notification_id, read)
        .await?
        .ok_or(NotificationError::NotFound)?;
    let notification = received.to_json();
    notify::users(
        &mut tx,
        vec![actor.id()],
        actor.websocket_id.clone(),
        json!({"type": "notification_marked_as_read", "notification": notification}),
    )
    .await?;
    tx.commit().await?;
    Ok(notification)
}

/// Marks every notification of the user's listing read.
pub async fn mark_all_read(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
) -> Result<(), NotificationError> {
    let mut tx = ctx.db.begin().await?;
    require_member(&mut tx, actor.id(), workspace_id).await?;
    repo::set_all_read(&mut *tx, actor.id(), workspace_id).await?;
    notify::users(
        &mut tx,
        vec![actor.id()],
        actor.websocket_id.clone(),
        json!({"type": "all_notifications_marked_as_read", "workspace_id": workspace_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes every notification of the user's listing.
pub async fn clear(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
) -> Result<(), NotificationError> {
    let mut tx = ctx.db.begin().await?;
    require_member(&mut tx, actor.id(), workspace_id).await?;
    repo::clear(&mut tx, actor.id(), workspace_id).await?;
    notify::users(
        &mut tx,
        vec![actor.id()],
        actor.websocket_id.clone(),
        json!({"type": "all_notifications_cleared", "workspace_id": workspace_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Unread notifications per workspace of the user (`unread_notifications_count`).
pub async fn unread_in_workspaces(
    ctx: &AppContext,
    user_id: i64,
) -> Result<HashMap<i64, i64>, NotificationError> {
    Ok(repo::unread_per_workspace(&ctx.db, user_id)
        .await?
        .into_iter()
        .collect())
}

/// Unread notifications of no workspace (`user_notifications.unread_count`).
pub async fn unread_outside_workspaces(
    ctx: &AppContext,
    user_id: i64,
) -> Result<i64, NotificationError> {
    Ok(repo::unread_outside_workspaces(&ctx.db, user_id).await?)
}
