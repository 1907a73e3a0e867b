//! The database application's trashable items (tables, fields, views, rows, comments and
//! the database itself), registered into the platform's trash in `crate::registries`, and
//! the steps they share.

mod application;
mod field;
mod row_comment;
mod rows;
mod table;
mod view;

pub use application::ApplicationTrashItemType;
pub use field::FieldTrashItemType;
pub use row_comment::RowCommentTrashItemType;
pub use rows::RowsTrashItemType;
pub use table::TableTrashItemType;
pub use view::ViewTrashItemType;

use crate::database::{
    computed::{self, changes::Changes},
    events::TableEvent,
    fields, links,
    row_history::RowAction,
    rows::read,
    tables,
    tx::Tx,
};
use crate::platform::trash::{TrashError, TrashItemType};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgConnection};

/// The database's item types, parents first.
pub fn item_types() -> Vec<Box<dyn TrashItemType>> {
    vec![
        Box::new(ApplicationTrashItemType),
        Box::new(TableTrashItemType),
        Box::new(FieldTrashItemType),
        Box::new(ViewTrashItemType),
        Box::new(RowsTrashItemType::ONE),
        Box::new(RowsTrashItemType::BATCH),
        Box::new(RowCommentTrashItemType),
    ]
}

/// The SQL over a trash entry `e` of an item that is a row of a metadata table with a
/// `table_id` (fields, views, comments): static text, never user input.
pub(crate) struct InTable {
    /// Its table, database or workspace is trashed.
    pub parent_trashed: &'static str,
    /// Its table's name.
    pub parent_name: &'static str,
    /// The item is gone.
    pub orphaned: &'static str,
}

/// [`InTable`] for the metadata table `$catalogue`.
macro_rules! in_table {
    ($catalogue:literal) => {
        $crate::database::trash::InTable {
            parent_trashed: concat!(
                "EXISTS (SELECT 1 FROM ",
                $catalogue,
                " x JOIN database_tables t ON t.id = x.table_id \
                 JOIN applications a ON a.id = t.database_id JOIN workspaces w ON w.id = a.workspace_id \
                 WHERE x.id = e.trash_item_id AND (t.trashed OR a.trashed OR w.trashed))"
            ),
            parent_name: concat!(
                "(SELECT t.name FROM ",
                $catalogue,
                " x JOIN database_tables t ON t.id = x.table_id WHERE x.id = e.trash_item_id)"
            ),
            orphaned: concat!(
                "NOT EXISTS (SELECT 1 FROM ",
                $catalogue,
                " x WHERE x.id = e.trash_item_id)"
            ),
        }
    };
}
pub(crate) use in_table;

/// Takes the item `id` of the metadata table `catalogue` out of the trash and answers its
/// table; `None` when it is no longer trashed (restored meanwhile, or gone).
async fn untrash_in_table(
    conn: &mut PgConnection,
    catalogue: &'static str,
    id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(AssertSqlSafe(format!(
        "UPDATE {catalogue} SET trashed = FALSE WHERE id = $1 AND trashed RETURNING table_id"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Deletes the trashed item `id` of the metadata table `catalogue` for good (what refers to
/// it goes with it) and answers its table; `None` when it was not trashed.
async fn delete_in_table(
    conn: &mut PgConnection,
    catalogue: &'static str,
    id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(AssertSqlSafe(format!(
        "DELETE FROM {catalogue} WHERE id = $1 AND trashed RETURNING table_id"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Takes rows of a table out of the trash: they count as live again and reach live clients
/// (and webhooks) as `rows_created`, as in Baserow. Rows no longer in the trash are skipped;
/// when none is left the item counts as gone.
async fn restore_rows(tx: &mut Tx, table_id: i64, row_ids: &[i64]) -> Result<(), TrashError> {
    let conn: &mut PgConnection = tx;
    if tables::repo::get(&mut *conn, table_id).await?.is_none() {
        return Err(TrashError::ItemNotFound);
    }
    // Writers of one table queue on its row, which keeps the row counter exact.
    tables::repo::lock(&mut *conn, table_id).await?;
    // Rows elsewhere that link to these show them again (and recompute what they look up).
    let mut changes = Changes::new();
    changes.add_all([table_id]);
    let touched =
        links::ripple::linking_rows(&mut *conn, table_id, row_ids, Some(&changes)).await?;
    let ripple =
        links::ripple::Ripple::capture(&mut *conn, touched, changes, table_id, row_ids).await?;
    let restored: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "UPDATE {} SET trashed = FALSE WHERE id = ANY($1) AND trashed RETURNING id",
        tables::table_name(table_id)
    )))
    .bind(row_ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| {
        // A value another row took meanwhile, on a field whose values must be unique.
        if fields::constraints::violated(&e) {
            TrashError::FieldDataConstraint
        } else {
            e.into()
        }
    })?;
    if restored.is_empty() {
        return Err(TrashError::ItemNotFound);
    }
    tables::repo::add_row_count(&mut *conn, table_id, restored.len() as i64).await?;
    // In the order they were trashed in.
    let ids: Vec<i64> = row_ids
        .iter()
        .copied()
        .filter(|id| restored.contains(id))
        .collect();
    let field_list = fields::repo::list(&mut *conn, table_id).await?;
    // What they look up may have changed while they were in the trash.
    computed::recompute(&mut *conn, table_id, &field_list, Some(&ids)).await?;
    let rows: Vec<_> = read::rows_by_ids(conn, table_id, &field_list, &ids)
        .await?
        .into_iter()
        .map(|raw| read::to_api_row(&field_list, raw, read::RowKeys::Ids))
        .collect();
    tx.emit_rows(
        table_id,
        TableEvent::RowsCreated {
            table_id,
            rows: rows.into_iter().map(Value::Object).collect(),
            metadata: json!({}),
            before_row_id: None,
        },
        RowAction::RestoreFromTrash,
    );
    ripple.emit(tx).await?;
    Ok(())
}

/// Deletes trashed rows for good; live rows with the same ids are left alone.
async fn delete_rows(conn: &mut PgConnection, table_id: i64, row_ids: &[i64]) -> sqlx::Result<()> {
    if tables::repo::exists_any(&mut *conn, table_id).await? {
        let deleted: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
            "DELETE FROM {} WHERE id = ANY($1) AND trashed RETURNING id",
            tables::table_name(table_id)
        )))
        .bind(row_ids)
        .fetch_all(&mut *conn)
        .await?;
        // Comments name their row by id only: they go with it.
        crate::database::comments::repo::delete_of_rows(&mut *conn, table_id, &deleted).await?;
    }
    Ok(())
}
