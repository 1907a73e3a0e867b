//! SQL for the `applications` table.

use super::Application;
use sqlx::PgExecutor;

const SELECT: &str = "SELECT a.id, a.workspace_id, w.name AS workspace_name, a.name, a.type, a.\"order\", a.created_on \
    FROM applications a JOIN workspaces w ON w.id = a.workspace_id \
    WHERE NOT a.trashed AND NOT w.trashed";

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Application>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} AND a.id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Every live application in workspaces the user belongs to.
pub async fn list_for_user(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<Application>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND a.workspace_id IN (SELECT workspace_id FROM workspace_users WHERE user_id = $1) \
         ORDER BY a.workspace_id, a.\"order\", a.id"
    )))
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn list_in_workspace(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
) -> sqlx::Result<Vec<Application>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND a.workspace_id = $1 ORDER BY a.\"order\", a.id"
    )))
    .bind(workspace_id)
    .fetch_all(db)
    .await
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
    name: &str,
    kind: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO applications (workspace_id, name, type, \"order\") \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(\"order\"), 0) + 1 FROM applications WHERE workspace_id = $1)) \
         RETURNING id",
    )
    .bind(workspace_id)
    .bind(name)
    .bind(kind)
    .fetch_one(db)
    .await
}

pub async fn rename(db: impl PgExecutor<'_>, id: i64, name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET name = $2 WHERE id = $1")
        .bind(id)
        .bind(name)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_trashed(db: impl PgExecutor<'_>, id: i64, trashed: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET trashed = $2 WHERE id = $1")
        .bind(id)
        .bind(trashed)
        .execute(db)
        .await
        .map(|_| ())
}

/// Ids of all live applications of a workspace, in their current order.
pub async fn ids_in_workspace(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM applications WHERE workspace_id = $1 AND NOT trashed ORDER BY \"order\", id")
        .bind(workspace_id)
        .fetch_all(db)
        .await
}

/// Renumbers the given ids 1..n.
pub async fn set_order(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE applications a SET \"order\" = o.position \
         FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, position) WHERE a.id = o.id",
    )
    .bind(ids)
    .execute(db)
    .await
    .map(|_| ())
}
