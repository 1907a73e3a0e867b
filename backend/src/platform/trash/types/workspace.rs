//! `workspace`: a whole workspace; like deleting it, restoring or emptying it takes the
//! admin role.

use super::super::{TrashEntry, TrashError, TrashItemType};
use crate::database::tx::Tx;
use crate::{
    database::tables,
    dto::{ApplicationBody, WorkspaceBody},
    platform::{
        applications,
        auth::Actor,
        workspaces::{self, WorkspaceWithMembers},
    },
    realtime::notify::{self, Audience, WorkspaceEvent},
};
use futures::future::BoxFuture;
use serde_json::{Value, json};
use sqlx::PgConnection;

pub struct WorkspaceTrashItemType;

/// Tells every member the workspace is back: `group_restored` with the workspace as that
/// member sees it (their role and order) and its databases, so clients need not reload.
async fn notify_restored(
    conn: &mut PgConnection,
    actor: &Actor,
    workspace_id: i64,
) -> Result<(), TrashError> {
    let workspace = workspaces::repo::get(&mut *conn, workspace_id)
        .await?
        .ok_or(TrashError::ItemNotFound)?;
    let members = workspaces::repo::members(&mut *conn, workspace_id).await?;
    let apps = applications::repo::list_in_workspace(&mut *conn, workspace_id).await?;
    let app_ids: Vec<i64> = apps.iter().map(|a| a.id).collect();
    let all_tables = tables::repo::list_for_databases(&mut *conn, &app_ids).await?;
    let applications: Vec<Value> = apps
        .iter()
        .map(|app| {
            let own: Vec<_> = all_tables
                .iter()
                .filter(|t| t.database_id == app.id)
                .cloned()
                .collect();
            json!(ApplicationBody::new(app, &own))
        })
        .collect();
    for member in &members {
        let Some(membership) =
            workspaces::repo::membership(&mut *conn, workspace_id, member.user_id).await?
        else {
            continue;
        };
        let seen = WorkspaceWithMembers {
            workspace: workspace.clone(),
            membership,
            members: members.clone(),
        };
        let keys = json!({
            "workspace_id": workspace_id,
            "workspace": WorkspaceBody::from(&seen),
            "applications": applications,
        });
        let event = WorkspaceEvent {
            workspace_id,
            audience: Audience::Listed,
            also_user_ids: vec![member.user_id],
            skip_websocket_id: actor.websocket_id.clone(),
            message: notify::message("group_restored", keys),
        };
        notify::queue(conn, event).await?;
    }
    Ok(())
}

impl TrashItemType for WorkspaceTrashItemType {
    fn name(&self) -> &'static str {
        "workspace"
    }

    fn admin_only(&self) -> bool {
        true
    }

    fn deletion_rank(&self) -> u8 {
        0
    }

    fn parent_trashed_sql(&self) -> &'static str {
        "FALSE"
    }

    fn orphaned_sql(&self) -> &'static str {
        "NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = e.trash_item_id)"
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let conn: &mut PgConnection = tx;
            super::untrash(&mut *conn, "workspaces", entry.trash_item_id).await?;
            notify_restored(conn, actor, entry.trash_item_id).await
        })
    }

    fn tables_inside<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<Vec<i64>>> {
        Box::pin(
            sqlx::query_scalar(
                "SELECT t.id FROM database_tables t JOIN applications a ON a.id = t.database_id \
                 JOIN workspaces w ON w.id = a.workspace_id WHERE w.id = $1 AND w.trashed \
                 ORDER BY t.id",
            )
            .bind(entry.trash_item_id)
            .fetch_all(conn),
        )
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            // Members, invitations, databases, tokens and trash entries go with it.
            let tables_inside = self.tables_inside(conn, entry).await?;
            super::delete_with_tables(conn, tables_inside, "workspaces", entry.trash_item_id).await
        })
    }
}
