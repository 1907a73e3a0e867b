//! Reaching a table: it must exist, live in a live database, and the caller be a member.

use crate::platform::workspaces::{WorkspaceError, require_member};
use sqlx::PgConnection;

/// Where a table lives, for permission checks and event payloads.
#[derive(Debug, Clone, Copy)]
pub struct TableScope {
    pub table_id: i64,
    pub database_id: i64,
    pub workspace_id: i64,
}

/// The scope of a live table, or `None` when it (or its database or workspace) is gone.
pub async fn scope(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<Option<TableScope>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT t.database_id, a.workspace_id FROM database_tables t \
         JOIN applications a ON a.id = t.database_id JOIN workspaces w ON w.id = a.workspace_id \
         WHERE t.id = $1 AND NOT t.trashed AND NOT a.trashed AND NOT w.trashed",
    )
    .bind(table_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(database_id, workspace_id)| TableScope {
        table_id,
        database_id,
        workspace_id,
    }))
}

/// Checks membership of the table's workspace.
pub async fn require_table_member(
    conn: &mut PgConnection,
    user_id: i64,
    scope: &TableScope,
) -> Result<(), WorkspaceError> {
    require_member(conn, user_id, scope.workspace_id)
        .await
        .map(|_| ())
}
