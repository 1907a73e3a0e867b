//! Per-row comment notification modes (Baserow's `row_comments_notification_mode`): a user
//! hears of every comment on a row they follow with `all`, and only of mentions with
//! `mentions` (the default). Commenting on a row follows it, unless the user chose a
//! mode for it before.

use super::{CommentError, repo};
use crate::{
    context::AppContext,
    database::access::TableScope,
    platform::{
        auth::Actor,
        notifications::kinds::{self, CommentPlace},
        validation::ValidationError,
    },
    realtime::notify,
};
use serde_json::{Value, json};
use sqlx::PgConnection;
use std::collections::HashMap;

pub const ALL: &str = "all";
pub const MENTIONS: &str = "mentions";

/// `PUT /api/row_comments/{table_id}/{row_id}/notification-mode/`: sets the caller's mode
/// for the row and tells their other tabs.
pub async fn set(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    body: &Value,
) -> Result<(), CommentError> {
    let mode = match body.get("mode").and_then(Value::as_str) {
        Some(m @ (ALL | MENTIONS)) => m,
        _ => {
            return Err(ValidationError::single(
                "mode",
                "invalid_choice",
                "The mode must be \"all\" or \"mentions\".",
            )
            .into());
        }
    };
    let mut tx = ctx.db.begin().await?;
    super::service::open(&mut tx, actor, table_id).await?;
    super::service::require_row(&mut tx, table_id, row_id).await?;
    store(&mut tx, table_id, row_id, actor.id(), mode).await?;
    announce(
        &mut tx,
        actor.id(),
        actor.websocket_id.clone(),
        table_id,
        row_id,
        mode,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn store(
    conn: &mut PgConnection,
    table_id: i64,
    row_id: i64,
    user_id: i64,
    mode: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO database_row_comments_notification_modes (table_id, row_id, user_id, mode) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (table_id, row_id, user_id) \
         DO UPDATE SET mode = EXCLUDED.mode, updated_on = clock_timestamp()",
    )
    .bind(table_id)
    .bind(row_id)
    .bind(user_id)
    .bind(mode)
    .execute(conn)
    .await?;
    Ok(())
}

/// Baserow's `row_comments_notification_mode_updated`, to the user's sockets but
/// `skip_websocket_id`.
async fn announce(
    conn: &mut PgConnection,
    user_id: i64,
    skip_websocket_id: Option<String>,
    table_id: i64,
    row_id: i64,
    mode: &str,
) -> sqlx::Result<()> {
    let message = json!({
        "type": "row_comments_notification_mode_updated",
        "table_id": table_id,
        "row_id": row_id,
        "mode": mode,
    });
    notify::users(conn, vec![user_id], skip_websocket_id, message).await
}

/// After a comment: notifies the row's followers (`row_comment`), save its author and the
/// users it mentions (they have their mention), who are still active members; then the
/// author follows the row if they never chose a mode for it (told to all their tabs).
pub async fn after_comment(
    conn: &mut PgConnection,
    scope: &TableScope,
    place: &CommentPlace<'_>,
    comment: &repo::Comment,
    author_id: i64,
    mentioned: &[i64],
) -> sqlx::Result<()> {
    let followers: Vec<i64> = sqlx::query_scalar(
        "SELECT m.user_id FROM database_row_comments_notification_modes m \
         JOIN workspace_users wu ON wu.user_id = m.user_id AND wu.workspace_id = $3 \
         JOIN users u ON u.id = m.user_id AND u.is_active \
         WHERE m.table_id = $1 AND m.row_id = $2 AND m.mode = 'all' \
           AND m.user_id <> $4 AND NOT (m.user_id = ANY($5)) ORDER BY m.user_id",
    )
    .bind(scope.table_id)
    .bind(comment.row_id)
    .bind(scope.workspace_id)
    .bind(author_id)
    .bind(mentioned)
    .fetch_all(&mut *conn)
    .await?;
    kinds::row_comment(
        conn,
        place,
        comment.id,
        &comment.message.0,
        author_id,
        &followers,
    )
    .await?;
    let chose: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM database_row_comments_notification_modes \
         WHERE table_id = $1 AND row_id = $2 AND user_id = $3)",
    )
    .bind(scope.table_id)
    .bind(comment.row_id)
    .bind(author_id)
    .fetch_one(&mut *conn)
    .await?;
    if !chose {
        store(conn, scope.table_id, comment.row_id, author_id, ALL).await?;
        announce(conn, author_id, None, scope.table_id, comment.row_id, ALL).await?;
    }
    Ok(())
}

/// The user's modes other than the default for the rows, by row id (Baserow's row
/// metadata `row_comments_notification_mode`).
pub async fn of_rows(
    conn: &mut PgConnection,
    user_id: i64,
    table_id: i64,
    row_ids: &[i64],
) -> sqlx::Result<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT row_id, mode FROM database_row_comments_notification_modes \
         WHERE user_id = $1 AND table_id = $2 AND row_id = ANY($3) AND mode <> 'mentions'",
    )
    .bind(user_id)
    .bind(table_id)
    .bind(row_ids)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().collect())
}
