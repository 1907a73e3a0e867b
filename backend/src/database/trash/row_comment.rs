//! `row_comment`: a deleted comment (listed meanwhile without its message); restoring it
//! shows it again with `row_comment_restored`. Its parent is found through the comment.

use super::{InTable, delete_in_table, in_table, untrash_in_table};
use crate::{
    database::{comments::repo, events::TableEvent, tx::Tx},
    platform::{
        auth::Actor,
        trash::{TrashEntry, TrashError, TrashItemType},
    },
};
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct RowCommentTrashItemType;

const SQL: InTable = in_table!("database_row_comments");

impl TrashItemType for RowCommentTrashItemType {
    fn name(&self) -> &'static str {
        "row_comment"
    }

    fn deletion_rank(&self) -> u8 {
        5
    }

    fn parent_trashed_sql(&self) -> &'static str {
        SQL.parent_trashed
    }

    fn parent_name_sql(&self) -> &'static str {
        SQL.parent_name
    }

    fn orphaned_sql(&self) -> &'static str {
        SQL.orphaned
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        _actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let id = entry.trash_item_id;
            let table_id = untrash_in_table(tx, "database_row_comments", id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            let comment = repo::get(&mut **tx, table_id, id)
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
            delete_in_table(conn, "database_row_comments", entry.trash_item_id)
                .await
                .map(|_| ())
        })
    }
}
