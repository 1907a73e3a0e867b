//! SQL of row comments and their mentions.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgExecutor};
use std::collections::HashMap;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub table_id: i64,
    pub row_id: i64,
    pub user_id: Option<i64>,
    pub first_name: Option<String>,
    pub message: sqlx::types::Json<Value>,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
    pub trashed: bool,
}

impl Comment {
    /// Baserow's `RowCommentSerializer` shape; a deleted comment keeps its place, not its text.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "user_id": self.user_id,
            "first_name": self.first_name,
            "table_id": self.table_id,
            "row_id": self.row_id,
            "message": if self.trashed { Value::Null } else { self.message.0.clone() },
            "created_on": self.created_on,
            "updated_on": self.updated_on,
            "edited": self.updated_on > self.created_on,
            "trashed": self.trashed,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.table_id, c.row_id, c.user_id, u.first_name, c.message, \
     c.created_on, c.updated_on, c.trashed FROM database_row_comments c \
     LEFT JOIN users u ON u.id = c.user_id";

pub async fn insert(
    conn: &mut PgConnection,
    table_id: i64,
    row_id: i64,
    user_id: i64,
    message: &Value,
) -> sqlx::Result<i64> {
    // Both times from one reading of the clock: a comment is "edited" when they differ,
    // and each column's own default reads the clock separately.
    sqlx::query_scalar(
        "INSERT INTO database_row_comments (table_id, row_id, user_id, message, created_on, updated_on) \
         SELECT $1, $2, $3, $4, at, at FROM (SELECT clock_timestamp() AS at) AS now RETURNING id",
    )
    .bind(table_id)
    .bind(row_id)
    .bind(user_id)
    .bind(sqlx::types::Json(message))
    .fetch_one(conn)
    .await
}

/// A comment of the table, deleted or not.
pub async fn get(db: impl PgExecutor<'_>, table_id: i64, id: i64) -> sqlx::Result<Option<Comment>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.id = $1 AND c.table_id = $2"
    )))
    .bind(id)
    .bind(table_id)
    .fetch_optional(db)
    .await
}

/// Locks a comment for a change.
pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("SELECT 1 FROM database_row_comments WHERE id = $1 FOR UPDATE")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn set_message(conn: &mut PgConnection, id: i64, message: &Value) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE database_row_comments SET message = $2, updated_on = clock_timestamp() WHERE id = $1",
    )
    .bind(id)
    .bind(sqlx::types::Json(message))
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn trash(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_row_comments SET trashed = TRUE WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// How many comments the row has, deleted ones included (they are listed).
pub async fn count(db: impl PgExecutor<'_>, table_id: i64, row_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM database_row_comments WHERE table_id = $1 AND row_id = $2",
    )
    .bind(table_id)
    .bind(row_id)
    .fetch_one(db)
    .await
}

/// A page of the row's comments, newest first (as Baserow lists them).
pub async fn page(
    db: impl PgExecutor<'_>,
    table_id: i64,
    row_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Comment>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.table_id = $1 AND c.row_id = $2 \
         ORDER BY c.created_on DESC, c.id DESC LIMIT $3 OFFSET $4"
    )))
    .bind(table_id)
    .bind(row_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// Comments per row among `row_ids`, deleted ones not counted; rows without any are absent.
pub async fn counts(
    db: impl PgExecutor<'_>,
    table_id: i64,
    row_ids: &[i64],
) -> sqlx::Result<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT row_id, count(*) FROM database_row_comments \
         WHERE table_id = $1 AND row_id = ANY($2) AND NOT trashed GROUP BY row_id",
    )
    .bind(table_id)
    .bind(row_ids)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The comment's mentions.
pub async fn mentions(db: impl PgExecutor<'_>, comment_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT user_id FROM database_row_comment_mentions WHERE comment_id = $1")
        .bind(comment_id)
        .fetch_all(db)
        .await
}

/// Replaces the comment's mentions.
pub async fn set_mentions(
    conn: &mut PgConnection,
    comment_id: i64,
    user_ids: &[i64],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM database_row_comment_mentions WHERE comment_id = $1")
        .bind(comment_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO database_row_comment_mentions (comment_id, user_id) \
         SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
    )
    .bind(comment_id)
    .bind(user_ids)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes the comments of rows deleted for good, and who followed those rows.
pub async fn delete_of_rows(
    db: impl PgExecutor<'_>,
    table_id: i64,
    row_ids: &[i64],
) -> sqlx::Result<u64> {
    sqlx::query(
        "WITH modes AS (DELETE FROM database_row_comments_notification_modes \
             WHERE table_id = $1 AND row_id = ANY($2)) \
         DELETE FROM database_row_comments WHERE table_id = $1 AND row_id = ANY($2)",
    )
    .bind(table_id)
    .bind(row_ids)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}
