//! Workspace members as cell values: who may be chosen in `multiple_collaborators`
//! fields, and taking a member out of every such value when they leave the workspace.

use crate::database::tables::table_name;
use serde::Serialize;
use sqlx::{AssertSqlSafe, PgConnection};

/// The field type whose values are workspace members.
pub const MULTIPLE_COLLABORATORS: &str = "multiple_collaborators";

/// A member as cells and fields show them: `{"id": user_id, "name": first_name}`.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Collaborator {
    pub id: i64,
    pub name: String,
}

/// The members of the workspaces of `table_ids`, per table, in the order they joined.
pub async fn of_tables(
    conn: &mut PgConnection,
    table_ids: &[i64],
) -> sqlx::Result<Vec<(i64, Collaborator)>> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT t.id, u.id, u.first_name FROM database_tables t \
         JOIN applications a ON a.id = t.database_id \
         JOIN workspace_users wu ON wu.workspace_id = a.workspace_id \
         JOIN users u ON u.id = wu.user_id \
         WHERE t.id = ANY($1) ORDER BY wu.id",
    )
    .bind(table_ids)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(table_id, id, name)| (table_id, Collaborator { id, name }))
        .collect())
}

/// Those of `user_ids` who are members of the table's workspace. Their memberships stay
/// locked (`FOR KEY SHARE`) until the transaction ends: a concurrent removal waits, and
/// then finds the value written here and takes the member out of it.
pub async fn lock_members(
    conn: &mut PgConnection,
    table_id: i64,
    user_ids: &[i64],
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT wu.user_id FROM database_tables t \
         JOIN applications a ON a.id = t.database_id \
         JOIN workspace_users wu ON wu.workspace_id = a.workspace_id \
         WHERE t.id = $1 AND wu.user_id = ANY($2) FOR KEY SHARE OF wu",
    )
    .bind(table_id)
    .bind(user_ids)
    .fetch_all(conn)
    .await
}

/// Takes a user who left (or was removed from) a workspace out of every
/// `multiple_collaborators` value in its tables, trashed tables and fields included so a
/// restore does not bring them back. Runs in the transaction removing the membership.
/// Rows are not marked as modified and no row events are sent, as in Baserow, where the
/// relation rows simply disappear with the membership.
pub async fn remove_user(
    conn: &mut PgConnection,
    workspace_id: i64,
    user_id: i64,
) -> sqlx::Result<()> {
    let fields: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT f.id, f.table_id FROM database_fields f \
         JOIN database_tables t ON t.id = f.table_id \
         JOIN applications a ON a.id = t.database_id \
         WHERE a.workspace_id = $1 AND f.type = $2 ORDER BY f.table_id, f.id",
    )
    .bind(workspace_id)
    .bind(MULTIPLE_COLLABORATORS)
    .fetch_all(&mut *conn)
    .await?;
    for (field_id, table_id) in fields {
        // Identifiers come from ids only; the user is bound.
        let sql = format!(
            "UPDATE {table} SET field_{field_id} = array_remove(field_{field_id}, $1) \
             WHERE field_{field_id} @> ARRAY[$1]::bigint[]",
            table = table_name(table_id)
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Why a write naming non-members is refused, for the row error's detail.
pub fn not_members_message(user_ids: &[i64]) -> String {
    let ids: Vec<String> = user_ids.iter().map(i64::to_string).collect();
    format!(
        "The users {} are not members of this workspace.",
        ids.join(", ")
    )
}
