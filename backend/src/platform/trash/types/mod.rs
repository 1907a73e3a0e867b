//! The built-in trashable item types, one per file.

mod application;
mod field;
mod row;
mod row_comment;
mod rows;
mod table;
mod view;
mod workspace;

pub use application::ApplicationTrashItemType;
pub use field::FieldTrashItemType;
pub use row::RowTrashItemType;
pub use row_comment::RowCommentTrashItemType;
pub use rows::RowsTrashItemType;
pub use table::TableTrashItemType;
pub use view::ViewTrashItemType;
pub use workspace::WorkspaceTrashItemType;

use super::TrashError;
use crate::database::{
    computed::{self, changes::Changes},
    events::TableEvent,
    fields, links,
    row_history::RowAction,
    rows::read,
    tables,
    tx::Tx,
};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgConnection};

/// Takes rows of a table out of the trash: they count as live again and reach live clients
/// (and webhooks) as `rows_created`, as in Baserow. Rows no longer in the trash are skipped;
/// when none is left the item counts as gone.
pub(super) async fn restore_rows(
    tx: &mut Tx,
    table_id: i64,
    row_ids: &[i64],
) -> Result<(), TrashError> {
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
pub(super) async fn delete_rows(
    conn: &mut PgConnection,
    table_id: i64,
    row_ids: &[i64],
) -> sqlx::Result<()> {
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

/// Takes the item `id` of `catalogue` (`workspaces`, `applications` or `database_tables`)
/// out of the trash. One no longer trashed (restored meanwhile, or gone) counts as gone.
pub(super) async fn untrash(
    conn: &mut PgConnection,
    catalogue: &'static str,
    id: i64,
) -> Result<(), TrashError> {
    let restored = sqlx::query(AssertSqlSafe(format!(
        "UPDATE {catalogue} SET trashed = FALSE WHERE id = $1 AND trashed"
    )))
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    if restored == 0 {
        return Err(TrashError::ItemNotFound);
    }
    Ok(())
}

/// Deletes the trashed item `id` of `catalogue` (`workspaces` or `applications`) for good:
/// first the PostgreSQL tables of `tables_inside` it, which are normally gone already
/// (dropped a few per transaction first), then its row, whose foreign keys take the rest.
pub(super) async fn delete_with_tables(
    conn: &mut PgConnection,
    tables_inside: Vec<i64>,
    catalogue: &'static str,
    id: i64,
) -> sqlx::Result<()> {
    for table_id in tables_inside {
        tables::repo::drop_for_good(&mut *conn, table_id).await?;
    }
    sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM {catalogue} WHERE id = $1 AND trashed"
    )))
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}
