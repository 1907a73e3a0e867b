//! `workspace`: a whole workspace; like deleting it, restoring or emptying it takes the
//! admin role.

use super::super::{TrashEntry, TrashError, TrashItemType};
use crate::{
    db::tx::Tx,
    dto::WorkspaceBody,
    platform::{
        applications::{self, ApplicationType},
        auth::Actor,
        workspaces::{self, WorkspaceWithMembers},
    },
    realtime::notify::{self, Audience, WorkspaceEvent},
};
use futures::future::BoxFuture;
use serde_json::{Value, json};
use sqlx::PgConnection;
use std::sync::Arc;

pub struct WorkspaceTrashItemType {
    /// The application type whose data a workspace holds.
    applications: Arc<dyn ApplicationType>,
}

impl WorkspaceTrashItemType {
    pub fn new(applications: Arc<dyn ApplicationType>) -> Self {
        Self { applications }
    }
}

/// Tells every member the workspace is back: `group_restored` with the workspace as that
/// member sees it (their role and order) and its databases, so clients need not reload.
async fn notify_restored(
    conn: &mut PgConnection,
    applications: &dyn ApplicationType,
    actor: &Actor,
    workspace_id: i64,
) -> Result<(), TrashError> {
    let workspace = workspaces::repo::get(&mut *conn, workspace_id)
        .await?
        .ok_or(TrashError::ItemNotFound)?;
    let members = workspaces::repo::members(&mut *conn, workspace_id).await?;
    let apps = applications::repo::list_in_workspace(&mut *conn, workspace_id).await?;
    let applications: Vec<Value> = applications
        .bodies(&mut *conn, &apps)
        .await?
        .iter()
        .map(|body| json!(body))
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
            notify_restored(conn, &*self.applications, actor, entry.trash_item_id).await
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

    fn drop_table_inside<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        table_id: i64,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        self.applications.drop_table(conn, table_id)
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            // Its tables are normally gone already (dropped a few per transaction first).
            for table_id in self.tables_inside(conn, entry).await? {
                self.applications.drop_table(conn, table_id).await?;
            }
            // Members, invitations, databases, tokens and trash entries go with it.
            super::delete_trashed(conn, "workspaces", entry.trash_item_id).await
        })
    }
}
