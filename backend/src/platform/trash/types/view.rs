//! `view`: a view with its filters, sorts, group-bys and field options.

use super::super::{TrashEntry, TrashError, TrashItemType};
use crate::{
    database::{events::TableEvent, tx::Tx, views},
    platform::auth::Actor,
};
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct ViewTrashItemType;

impl TrashItemType for ViewTrashItemType {
    fn name(&self) -> &'static str {
        "view"
    }

    fn deletion_rank(&self) -> u8 {
        3
    }

    fn parent_trashed_sql(&self) -> &'static str {
        "EXISTS (SELECT 1 FROM database_views v JOIN database_tables t ON t.id = v.table_id \
         JOIN applications a ON a.id = t.database_id JOIN workspaces w ON w.id = a.workspace_id \
         WHERE v.id = e.trash_item_id AND (t.trashed OR a.trashed OR w.trashed))"
    }

    fn parent_name_sql(&self) -> &'static str {
        "(SELECT t.name FROM database_views v JOIN database_tables t ON t.id = v.table_id \
         WHERE v.id = e.trash_item_id)"
    }

    fn orphaned_sql(&self) -> &'static str {
        "NOT EXISTS (SELECT 1 FROM database_views v WHERE v.id = e.trash_item_id)"
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        _actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let conn: &mut PgConnection = tx;
            let id = entry.trash_item_id;
            let table_id: i64 = sqlx::query_scalar(
                "UPDATE database_views SET trashed = FALSE WHERE id = $1 AND trashed RETURNING table_id",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(TrashError::ItemNotFound)?;
            let view = views::event_json(&mut *conn, id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            tx.emit(table_id, TableEvent::ViewCreated { view });
            Ok(())
        })
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            let id = entry.trash_item_id;
            // Its filters, sorts, group-bys and field options go with it.
            let table_id: Option<i64> = sqlx::query_scalar(
                "DELETE FROM database_views WHERE id = $1 AND trashed RETURNING table_id",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some(table_id) = table_id {
                views::index::drop_all(conn, table_id, id).await?;
            }
            Ok(())
        })
    }
}
