//! `row_comment`: a deleted comment (listed meanwhile without its message); restoring it
//! shows it again with `row_comment_restored`. Its parent is found through the comment.

use super::super::{TrashEntry, TrashError, TrashItemType};
use crate::{
    database::{comments::repo, events::TableEvent, tx::Tx},
    platform::auth::Actor,
};
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct RowCommentTrashItemType;

impl TrashItemType for RowCommentTrashItemType {
    fn name(&self) -> &'static str {
        "row_comment"
    }

    fn deletion_rank(&self) -> u8 {
        5
    }

    fn parent_trashed_sql(&self) -> &'static str {
        "EXISTS (SELECT 1 FROM database_row_comments c JOIN database_tables t ON t.id = c.table_id \
         JOIN applications a ON a.id = t.database_id JOIN workspaces w ON w.id = a.workspace_id \
         WHERE c.id = e.trash_item_id AND (t.trashed OR a.trashed OR w.trashed))"
    }

    fn parent_name_sql(&self) -> &'static str {
        "(SELECT t.name FROM database_row_comments c JOIN database_tables t ON t.id = c.table_id \
         WHERE c.id = e.trash_item_id)"
    }

    fn orphaned_sql(&self) -> &'static str {
        "NOT EXISTS (SELECT 1 FROM database_row_comments c WHERE c.id = e.trash_item_id)"
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
                "UPDATE database_row_comments SET trashed = FALSE WHERE id = $1 AND trashed \
                 RETURNING table_id",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(TrashError::ItemNotFound)?;
            let comment = repo::get(&mut *conn, table_id, id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            tx.emit(
                table_id,
                TableEvent::RowCommentRestored {
                    row_comment: comment.to_json(),
                },
            );
            Ok(())
        })
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM database_row_comments WHERE id = $1 AND trashed")
                .bind(entry.trash_item_id)
                .execute(conn)
                .await
                .map(|_| ())
        })
    }
}
