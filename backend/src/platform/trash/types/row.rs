//! `row`: one row deleted on its own; its parent is its table.

use super::super::{TrashEntry, TrashError, TrashItemType};
use crate::database::tx::Tx;
use crate::platform::auth::Actor;
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct RowTrashItemType;

/// Boolean SQL over `e`: the table named as parent (or its database or workspace) is trashed.
pub(super) const TABLE_TRASHED: &str = "EXISTS (SELECT 1 FROM database_tables t \
    JOIN applications a ON a.id = t.database_id JOIN workspaces w ON w.id = a.workspace_id \
    WHERE t.id = e.parent_trash_item_id AND (t.trashed OR a.trashed OR w.trashed))";
pub(super) const TABLE_NAME: &str =
    "(SELECT t.name FROM database_tables t WHERE t.id = e.parent_trash_item_id)";

impl TrashItemType for RowTrashItemType {
    fn name(&self) -> &'static str {
        "row"
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
        "NOT EXISTS (SELECT 1 FROM database_tables t WHERE t.id = e.parent_trash_item_id)"
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        _actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let table_id = entry.parent_trash_item_id.ok_or(TrashError::ItemNotFound)?;
            super::restore_rows(tx, table_id, &[entry.trash_item_id]).await
        })
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            match entry.parent_trash_item_id {
                Some(table_id) => super::delete_rows(conn, table_id, &[entry.trash_item_id]).await,
                None => Ok(()),
            }
        })
    }
}
