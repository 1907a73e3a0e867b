//! `table`: a table with its PostgreSQL table; deleting it for good drops both.

use crate::{
    database::{events::TableEvent, tables, tx::Tx},
    platform::{
        auth::Actor,
        trash::{self, TrashEntry, TrashError, TrashItemType},
    },
    realtime::notify,
};
use futures::future::BoxFuture;
use serde_json::json;
use sqlx::PgConnection;

pub struct TableTrashItemType;

impl TrashItemType for TableTrashItemType {
    fn name(&self) -> &'static str {
        "table"
    }

    fn deletion_rank(&self) -> u8 {
        2
    }

    fn parent_trashed_sql(&self) -> &'static str {
        "EXISTS (SELECT 1 FROM database_tables t JOIN applications a ON a.id = t.database_id \
         JOIN workspaces w ON w.id = a.workspace_id \
         WHERE t.id = e.trash_item_id AND (a.trashed OR w.trashed))"
    }

    fn parent_name_sql(&self) -> &'static str {
        "(SELECT a.name FROM database_tables t JOIN applications a ON a.id = t.database_id \
         WHERE t.id = e.trash_item_id)"
    }

    fn orphaned_sql(&self) -> &'static str {
        "NOT EXISTS (SELECT 1 FROM database_tables t WHERE t.id = e.trash_item_id)"
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
            trash::untrash(&mut *conn, "database_tables", id).await?;
            let table = tables::repo::get(&mut *conn, id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            let keys = json!({ "table": table.to_json() });
            notify::workspace(conn, actor, entry.workspace_id, "table_created", keys).await?;
            let table = table.to_json();
            tx.emit(id, TableEvent::TableCreated { table });
            Ok(())
        })
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            let trashed: Option<bool> =
                sqlx::query_scalar("SELECT trashed FROM database_tables WHERE id = $1")
                    .bind(entry.trash_item_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            if trashed == Some(true) {
                tables::repo::drop_for_good(conn, entry.trash_item_id).await?;
            }
            Ok(())
        })
    }
}
