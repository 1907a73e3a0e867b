//! SQL for the `actions` table.

use super::{ActionSession, model::Params};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, types::Json};
use uuid::Uuid;

/// Most actions of one group undone or redone together (Baserow's
/// `MAX_UNDOABLE_ACTIONS_PER_ACTION_GROUP`).
pub const MAX_PER_GROUP: i64 = 20;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActionRow {
    pub id: i64,
    pub action_type: String,
    pub scope: String,
    pub params: Json<Params>,
    pub action_group: Option<Uuid>,
    pub undone_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, action_type, scope, params, action_group, undone_at";

pub async fn insert(
    conn: &mut PgConnection,
    user_id: i64,
    session: &ActionSession,
    params: &Params,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO actions (user_id, session, action_group, action_type, scope, params) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(&session.session)
    .bind(session.group)
    .bind(params.action_type())
    .bind(params.scope())
    .bind(Json(params))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Takes the tab's undo/redo lock for the transaction; `false` when another undo or redo
/// of the tab holds it.
pub async fn try_lock(conn: &mut PgConnection, user_id: i64, session: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT pg_try_advisory_xact_lock(hashtext('tessera.undo'), hashtext($1::bigint::text || ':' || $2))",
    )
    .bind(user_id)
    .bind(session)
    .fetch_one(conn)
    .await
}

/// The newest action of the tab in these scopes that is not undone (nor failed).
pub async fn newest_to_undo(
    conn: &mut PgConnection,
    user_id: i64,
    session: &str,
    scopes: &[String],
) -> sqlx::Result<Option<ActionRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM actions WHERE user_id = $1 AND session = $2 AND scope = ANY($3) \
         AND undone_at IS NULL AND error IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE"
    )))
    .bind(user_id)
    .bind(session)
    .bind(scopes)
    .fetch_optional(conn)
    .await
}

/// The most recently undone action of the tab in these scopes (the first of its undo).
pub async fn newest_to_redo(
    conn: &mut PgConnection,
    user_id: i64,
    session: &str,
    scopes: &[String],
) -> sqlx::Result<Option<ActionRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM actions WHERE user_id = $1 AND session = $2 AND scope = ANY($3) \
         AND undone_at IS NOT NULL AND error IS NULL ORDER BY undone_at DESC, id LIMIT 1 FOR UPDATE"
    )))
    .bind(user_id)
    .bind(session)
    .bind(scopes)
    .fetch_optional(conn)
    .await
}

/// Whether the tab did something new in these scopes after `since` (an undo): then
/// what was undone cannot be redone.
pub async fn done_since(
    conn: &mut PgConnection,
    user_id: i64,
    session: &str,
    scopes: &[String],
    since: DateTime<Utc>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM actions WHERE user_id = $1 AND session = $2 \
         AND scope = ANY($3) AND undone_at IS NULL AND created_on > $4)",
    )
    .bind(user_id)
    .bind(session)
    .bind(scopes)
    .bind(since)
    .fetch_one(conn)
    .await
}

/// The group's actions still to undo (newest first) or to redo (oldest first).
pub async fn group(
    conn: &mut PgConnection,
    user_id: i64,
    session: &str,
    group: Uuid,
    undone: bool,
) -> sqlx::Result<Vec<ActionRow>> {
    let (state, order) = if undone {
        ("IS NOT NULL", "id")
    } else {
        ("IS NULL", "id DESC")
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM actions WHERE user_id = $1 AND session = $2 AND action_group = $3 \
         AND undone_at {state} AND error IS NULL ORDER BY {order} LIMIT $4 FOR UPDATE"
    )))
    .bind(user_id)
    .bind(session)
    .bind(group)
    .bind(MAX_PER_GROUP)
    .fetch_all(conn)
    .await
}

/// Marks actions undone (`true`, now) or redone (`false`).
pub async fn set_undone(conn: &mut PgConnection, ids: &[i64], undone: bool) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE actions SET undone_at = CASE WHEN $2 THEN clock_timestamp() END WHERE id = ANY($1)",
    )
    .bind(ids)
    .bind(undone)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks actions whose undo or redo failed; they are skipped from then on.
pub async fn set_error(db: &sqlx::PgPool, ids: &[i64], error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE actions SET error = $2 WHERE id = ANY($1)")
        .bind(ids)
        .bind(error)
        .execute(db)
        .await
        .map(|_| ())
}
