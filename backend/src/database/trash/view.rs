//! `view`: a view with its filters, sorts, group-bys and field options.

use super::{InTable, delete_in_table, in_table, untrash_in_table};
use crate::{
    database::{events::TableEvent, tx::Tx, views},
    platform::{
        auth::Actor,
        trash::{TrashEntry, TrashError, TrashItemType},
    },
};
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct ViewTrashItemType;

const SQL: InTable = in_table!("database_views");

impl TrashItemType for ViewTrashItemType {
    fn name(&self) -> &'static str {
        "view"
    }

    fn deletion_rank(&self) -> u8 {
        3
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
            let table_id = untrash_in_table(tx, "database_views", id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            let view = views::event_json(tx, id)
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
            if let Some(table_id) = delete_in_table(conn, "database_views", id).await? {
                views::index::drop_all(conn, table_id, id).await?;
            }
            Ok(())
        })
    }
}
