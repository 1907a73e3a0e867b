//! `rows`: the rows of one batch delete under a single entry (Baserow's `TrashedRows`),
//! whose `names` list them; its parent is their table.

use super::{
    super::{TrashEntry, TrashError, TrashItemType},
    row::{TABLE_NAME, TABLE_TRASHED},
};
use crate::database::tx::Tx;
use crate::platform::auth::Actor;
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct RowsTrashItemType;

/// The row ids of a batch of the given table.
async fn row_ids(conn: &mut PgConnection, entry: &TrashEntry) -> sqlx::Result<Option<Vec<i64>>> {
    sqlx::query_scalar("SELECT row_ids FROM database_trashed_rows WHERE id = $1 AND table_id = $2")
        .bind(entry.trash_item_id)
        .bind(entry.parent_trash_item_id)
        .fetch_optional(conn)
        .await
}

async fn forget_batch(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM database_trashed_rows WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

impl TrashItemType for RowsTrashItemType {
    fn name(&self) -> &'static str {
        "rows"
    }

    fn requires_parent_id(&self) -> bool {
        true
    }

    fn deletion_rank(&self) -> u8 {
        4
    }

    fn parent_trashed_sql(&self) -> &'static str {
        TABLE_TRASHED
    }

    fn parent_name_sql(&self) -> &'static str {
        TABLE_NAME
    }

    fn orphaned_sql(&self) -> &'static str {
        "NOT EXISTS (SELECT 1 FROM database_trashed_rows r WHERE r.id = e.trash_item_id)"
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        _actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let conn: &mut PgConnection = tx;
            let table_id = entry.parent_trash_item_id.ok_or(TrashError::ItemNotFound)?;
            let ids = row_ids(conn, entry)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            forget_batch(conn, entry.trash_item_id).await?;
            super::restore_rows(tx, table_id, &ids).await
        })
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            if let (Some(table_id), Some(ids)) =
                (entry.parent_trash_item_id, row_ids(conn, entry).await?)
            {
                super::delete_rows(conn, table_id, &ids).await?;
            }
            forget_batch(conn, entry.trash_item_id).await
        })
    }
}
