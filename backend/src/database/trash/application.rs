//! `application`: a database with its tables.

use crate::{
    database::{tables, tx::Tx},
    dto::ApplicationBody,
    platform::{
        applications,
        auth::Actor,
        trash::{self, TrashEntry, TrashError, TrashItemType},
    },
    realtime::notify,
};
use futures::future::BoxFuture;
use serde_json::json;
use sqlx::PgConnection;

pub struct ApplicationTrashItemType;

impl TrashItemType for ApplicationTrashItemType {
    fn name(&self) -> &'static str {
        "application"
    }

    fn deletion_rank(&self) -> u8 {
        1
    }

    fn parent_trashed_sql(&self) -> &'static str {
        "EXISTS (SELECT 1 FROM applications a JOIN workspaces w ON w.id = a.workspace_id \
         WHERE a.id = e.trash_item_id AND w.trashed)"
    }

    fn parent_name_sql(&self) -> &'static str {
        "(SELECT w.name FROM applications a JOIN workspaces w ON w.id = a.workspace_id \
         WHERE a.id = e.trash_item_id)"
    }

    fn orphaned_sql(&self) -> &'static str {
        "NOT EXISTS (SELECT 1 FROM applications a WHERE a.id = e.trash_item_id)"
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let conn: &mut PgConnection = tx;
            let id = entry.trash_item_id;
            trash::untrash(&mut *conn, "applications", id).await?;
            let app = applications::repo::get(&mut *conn, id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            let tables = tables::repo::list(&mut *conn, id).await?;
            let keys = json!({ "application": ApplicationBody::new(&app, &tables) });
            notify::workspace(conn, actor, app.workspace_id, "application_created", keys).await?;
            Ok(())
        })
    }

    fn tables_inside<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<Vec<i64>>> {
        Box::pin(
            // The hidden copies its snapshots keep go with it.
            sqlx::query_scalar(
                "SELECT t.id FROM database_tables t JOIN applications a ON a.id = t.database_id \
                 WHERE a.trashed AND (a.id = $1 OR a.id IN (SELECT s.snapshot_to_application_id \
                   FROM snapshots s WHERE s.snapshot_from_application_id = $1)) ORDER BY t.id",
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
        Box::pin(tables::repo::drop_for_good(conn, table_id))
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            let tables_inside = self.tables_inside(conn, entry).await?;
            for table_id in tables_inside {
                tables::repo::drop_for_good(&mut *conn, table_id).await?;
            }
            // Its snapshots' copies, now without tables; the snapshots go with the database.
            sqlx::query(
                "DELETE FROM applications WHERE trashed AND id IN (SELECT s.snapshot_to_application_id \
                 FROM snapshots s WHERE s.snapshot_from_application_id = $1)",
            )
            .bind(entry.trash_item_id)
            .execute(&mut *conn)
            .await?;
            trash::delete_trashed(conn, "applications", entry.trash_item_id).await
        })
    }
}
