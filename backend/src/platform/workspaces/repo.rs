//! SQL for `workspaces`, `workspace_users` and `workspace_invitations`.

use super::{Invitation, Member, Membership, Workspace};
use sqlx::PgExecutor;

const MEMBERSHIP: &str = "id, workspace_id, user_id, permissions, \"order\", created_on";
const MEMBER: &str = "wu.id, wu.workspace_id, wu.user_id, u.first_name AS name, u.email, wu.permissions, wu.created_on";
const INVITATION: &str = "id, workspace_id, invited_by, email, permissions, message, created_on";

/// A live (not trashed) workspace.
pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Workspace>> {
    sqlx::query_as("SELECT id, name, created_on FROM workspaces WHERE id = $1 AND NOT trashed")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn insert(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Workspace> {
    sqlx::query_as("INSERT INTO workspaces (name) VALUES ($1) RETURNING id, name, created_on")
        .bind(name)
        .fetch_one(db)
        .await
}

pub async fn rename(db: impl PgExecutor<'_>, id: i64, name: &str) -> sqlx::Result<Workspace> {
    sqlx::query_as("UPDATE workspaces SET name = $2 WHERE id = $1 RETURNING id, name, created_on")
        .bind(id)
        .bind(name)
        .fetch_one(db)
        .await
}

pub async fn set_trashed(db: impl PgExecutor<'_>, id: i64, trashed: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE workspaces SET trashed = $2 WHERE id = $1")
        .bind(id)
        .bind(trashed)
        .execute(db)
        .await
        .map(|_| ())
}

/// One row of [`memberships_of_user`]: a workspace joined with the user's membership.
#[derive(sqlx::FromRow)]
struct MembershipRow {
    workspace_id: i64,
    name: String,
    workspace_created_on: chrono::DateTime<chrono::Utc>,
    id: i64,
    permissions: String,
    order: i32,
    created_on: chrono::DateTime<chrono::Utc>,
}

/// The user's memberships of live workspaces, in their own order.
pub async fn memberships_of_user(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<(Workspace, Membership)>> {
    let rows: Vec<MembershipRow> = sqlx::query_as(
        "SELECT w.id AS workspace_id, w.name, w.created_on AS workspace_created_on, wu.id, wu.permissions, \
           wu.\"order\", wu.created_on \
         FROM workspace_users wu JOIN workspaces w ON w.id = wu.workspace_id \
         WHERE wu.user_id = $1 AND NOT w.trashed ORDER BY wu.\"order\", w.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let workspace = Workspace {
                id: r.workspace_id,
                name: r.name,
                created_on: r.workspace_created_on,
            };
            let membership = Membership {
                id: r.id,
                workspace_id: r.workspace_id,
                user_id,
                permissions: r.permissions,
                order: r.order,
                created_on: r.created_on,
            };
            (workspace, membership)
        })
        .collect())
}

pub async fn membership(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<Membership>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MEMBERSHIP} FROM workspace_users WHERE workspace_id = $1 AND user_id = $2"
    )))
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub async fn membership_by_id(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<Membership>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MEMBERSHIP} FROM workspace_users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Adds a member at the end of the user's workspace order; `None` when already a member.
pub async fn add_member(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
    user_id: i64,
    permissions: &str,
) -> sqlx::Result<Option<Membership>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO workspace_users (workspace_id, user_id, permissions, \"order\") \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(\"order\"), 0) + 1 FROM workspace_users WHERE user_id = $2)) \
         ON CONFLICT (workspace_id, user_id) DO NOTHING RETURNING {MEMBERSHIP}"
    )))
    .bind(workspace_id)
    .bind(user_id)
    .bind(permissions)
    .fetch_optional(db)
    .await
}

pub async fn set_permissions(
    db: impl PgExecutor<'_>,
    membership_id: i64,
    permissions: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE workspace_users SET permissions = $2 WHERE id = $1")
        .bind(membership_id)
        .bind(permissions)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn remove_member(db: impl PgExecutor<'_>, membership_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM workspace_users WHERE id = $1")
        .bind(membership_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Admins left, locking the member rows so two concurrent demotions cannot both pass.
pub async fn count_admins_for_update(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
) -> sqlx::Result<i64> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM workspace_users WHERE workspace_id = $1 AND permissions = 'ADMIN' FOR UPDATE",
    )
    .bind(workspace_id)
    .fetch_all(db)
    .await?;
    Ok(ids.len() as i64)
}

pub async fn members(db: impl PgExecutor<'_>, workspace_id: i64) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MEMBER} FROM workspace_users wu JOIN users u ON u.id = wu.user_id \
         WHERE wu.workspace_id = $1 ORDER BY wu.id"
    )))
    .bind(workspace_id)
    .fetch_all(db)
    .await
}

pub async fn member(db: impl PgExecutor<'_>, membership_id: i64) -> sqlx::Result<Option<Member>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MEMBER} FROM workspace_users wu JOIN users u ON u.id = wu.user_id WHERE wu.id = $1"
    )))
    .bind(membership_id)
    .fetch_optional(db)
    .await
}

/// Sets the user's `order` of the listed workspaces to their position (1-based).
pub async fn reorder_for_user(
    db: impl PgExecutor<'_>,
    user_id: i64,
    workspace_ids: &[i64],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE workspace_users wu SET \"order\" = o.position \
         FROM unnest($2::bigint[]) WITH ORDINALITY AS o(workspace_id, position) \
         WHERE wu.user_id = $1 AND wu.workspace_id = o.workspace_id",
    )
    .bind(user_id)
    .bind(workspace_ids)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn invitation(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITATION} FROM workspace_invitations i WHERE id = $1 \
         AND EXISTS (SELECT 1 FROM workspaces w WHERE w.id = i.workspace_id AND NOT w.trashed)"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn invitations(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
) -> sqlx::Result<Vec<Invitation>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITATION} FROM workspace_invitations WHERE workspace_id = $1 ORDER BY id"
    )))
    .bind(workspace_id)
    .fetch_all(db)
    .await
}

/// Creates the invitation, or refreshes the existing one for the same email (as Baserow does).
pub async fn upsert_invitation(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
    invited_by: i64,
    email: &str,
    permissions: &str,
    message: &str,
) -> sqlx::Result<Invitation> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO workspace_invitations (workspace_id, invited_by, email, permissions, message) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (workspace_id, email) DO UPDATE SET invited_by = EXCLUDED.invited_by, \
           permissions = EXCLUDED.permissions, message = EXCLUDED.message \
         RETURNING {INVITATION}"
    )))
    .bind(workspace_id)
    .bind(invited_by)
    .bind(email)
    .bind(permissions)
    .bind(message)
    .fetch_one(db)
    .await
}

pub async fn set_invitation_permissions(
    db: impl PgExecutor<'_>,
    id: i64,
    permissions: &str,
) -> sqlx::Result<Invitation> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE workspace_invitations SET permissions = $2 WHERE id = $1 RETURNING {INVITATION}"
    )))
    .bind(id)
    .bind(permissions)
    .fetch_one(db)
    .await
}

pub async fn delete_invitation(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM workspace_invitations WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn invitations_for_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Vec<Invitation>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITATION} FROM workspace_invitations i WHERE email = $1 \
         AND EXISTS (SELECT 1 FROM workspaces w WHERE w.id = i.workspace_id AND NOT w.trashed) ORDER BY id"
    )))
    .bind(email)
    .fetch_all(db)
    .await
}
