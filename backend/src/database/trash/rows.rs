//! `row` and `rows`: one row deleted on its own, or the rows of one batch delete under a
//! single entry (Baserow's `TrashedRows`, whose `names` list them). Their parent is their
//! table; the two differ only in how the entry names its rows.

use super::{delete_rows, restore_rows};
use crate::{
    database::tx::Tx,
    platform::{
        auth::Actor,
        trash::{TrashEntry, TrashError, TrashItemType},
    },
};
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct RowsTrashItemType {
    /// Whether an entry is a batch (`rows`, its item a `database_trashed_rows` id) rather
    /// than one row (`row`, its item the row id).
    batch: bool,
}

impl RowsTrashItemType {
    pub const ONE: Self = Self { batch: false };
    pub const BATCH: Self = Self { batch: true };

    /// The ids of the entry's rows; `None` when its batch is gone.
    async fn row_ids(
        &self,
        conn: &mut PgConnection,
        entry: &TrashEntry,
    ) -> sqlx::Result<Option<Vec<i64>>> {
        if !self.batch {
            return Ok(Some(vec![entry.trash_item_id]));
        }
        sqlx::query_scalar(
            "SELECT row_ids FROM database_trashed_rows WHERE id = $1 AND table_id = $2",
        )
        .bind(entry.trash_item_id)
        .bind(entry.parent_trash_item_id)
        .fetch_optional(conn)
        .await
    }

    /// Forgets a batch once its rows are restored or deleted.
    async fn forget(&self, conn: &mut PgConnection, entry: &TrashEntry) -> sqlx::Result<()> {
        if self.batch {
            sqlx::query("DELETE FROM database_trashed_rows WHERE id = $1")
                .bind(entry.trash_item_id)
                .execute(conn)
                .await?;
        }
        Ok(())
    }
}

impl TrashItemType for RowsTrashItemType {
    fn name(&self) -> &'static str {
        if self.batch { "rows" } else { "row" }
    }

    fn requires_parent_id(&self) -> bool {
        true
    }

    fn deletion_rank(&self) -> u8 {
        4
    }

    fn parent_trashed_sql(&self) -> &'static str {
        "EXISTS (SELECT 1 FROM database_tables t \
         JOIN applications a ON a.id = t.database_id JOIN workspaces w ON w.id = a.workspace_id \
         WHERE t.id = e.parent_trash_item_id AND (t.trashed OR a.trashed OR w.trashed))"
    }

    fn parent_name_sql(&self) -> &'static str {
        "(SELECT t.name FROM database_tables t WHERE t.id = e.parent_trash_item_id)"
    }

    fn orphaned_sql(&self) -> &'static str {
        if self.batch {
            "NOT EXISTS (SELECT 1 FROM database_trashed_rows r WHERE r.id = e.trash_item_id)"
        } else {
            "NOT EXISTS (SELECT 1 FROM database_tables t WHERE t.id = e.parent_trash_item_id)"
        }
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        _actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let table_id = entry.parent_trash_item_id.ok_or(TrashError::ItemNotFound)?;
            let ids = self
                .row_ids(tx, entry)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            self.forget(tx, entry).await?;
            restore_rows(tx, table_id, &ids).await
        })
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            if let (Some(table_id), Some(ids)) =
                (entry.parent_trash_item_id, self.row_ids(conn, entry).await?)
            {
                delete_rows(conn, table_id, &ids).await?;
            }
            self.forget(conn, entry).await
        })
    }
}
