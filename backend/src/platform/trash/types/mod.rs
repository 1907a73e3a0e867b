//! The platform's own trashable item type, the workspace, and the steps every catalogue
//! item (workspace, application, table) shares, which the applications' types reuse.

mod workspace;

pub use workspace::WorkspaceTrashItemType;

use super::TrashError;
use sqlx::{AssertSqlSafe, PgConnection};

/// Takes the item `id` of `catalogue` (`workspaces`, `applications` or `database_tables`)
/// out of the trash. One no longer trashed (restored meanwhile, or gone) counts as gone.
pub async fn untrash(
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

/// Deletes the trashed item `id` of `catalogue` (`workspaces` or `applications`) for good;
/// its foreign keys take the rest. Its PostgreSQL tables must be dropped first.
pub async fn delete_trashed(
    conn: &mut PgConnection,
    catalogue: &'static str,
    id: i64,
) -> sqlx::Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM {catalogue} WHERE id = $1 AND trashed"
    )))
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}
