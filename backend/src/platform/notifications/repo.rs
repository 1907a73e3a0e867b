//! SQL of notifications and their recipients.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgExecutor};

/// One notification as one recipient sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Received {
    pub id: i64,
    pub kind: String,
    pub workspace_id: Option<i64>,
    pub data: sqlx::types::Json<Value>,
    pub created_on: DateTime<Utc>,
    pub read: bool,
    pub sender_id: Option<i64>,
    pub sender_email: Option<String>,
    pub sender_first_name: Option<String>,
}

impl Received {
    /// Baserow's `NotificationRecipientSerializer` shape.
    pub fn to_json(&self) -> Value {
        let sender = match (self.sender_id, &self.sender_email, &self.sender_first_name) {
            (Some(id), Some(email), Some(name)) => {
                json!({"id": id, "username": email, "first_name": name})
            }
            _ => Value::Null,
        };
        json!({
            "id": self.id,
            "type": self.kind,
            "sender": sender,
            "workspace": self.workspace_id.map(|id| json!({"id": id})),
            "created_on": self.created_on,
            "read": self.read,
            "data": self.data.0,
        })
    }
}

const SELECT: &str = "SELECT n.id, n.type AS kind, n.workspace_id, n.data, n.created_on, r.read, \
     s.id AS sender_id, s.email AS sender_email, s.first_name AS sender_first_name \
     FROM notification_recipients r JOIN notifications n ON n.id = r.notification_id \
     LEFT JOIN users s ON s.id = n.sender_id";

/// Rows of a recipient's listing: the workspace's notifications and those of no workspace.
const MINE: &str = "r.recipient_id = $1 AND (r.workspace_id = $2 OR r.workspace_id IS NULL)";

/// Stores a notification; returns its id.
pub async fn insert(
    conn: &mut PgConnection,
    kind: &str,
    workspace_id: Option<i64>,
    sender_id: Option<i64>,
    data: &Value,
) -> sqlx::Result<(i64, DateTime<Utc>)> {
    sqlx::query_as(
        "INSERT INTO notifications (type, workspace_id, sender_id, data) VALUES ($1, $2, $3, $4) \
         RETURNING id, created_on",
    )
    .bind(kind)
    .bind(workspace_id)
    .bind(sender_id)
    .bind(sqlx::types::Json(data))
    .fetch_one(conn)
    .await
}

/// Gives the notification to the active users among `user_ids`; an email summary is
/// scheduled for those whose frequency is not `never` when `email` is set. Returns the
/// recipients and whether any of them gets an email.
pub async fn add_recipients(
    conn: &mut PgConnection,
    notification_id: i64,
    workspace_id: Option<i64>,
    created_on: DateTime<Utc>,
    user_ids: &[i64],
    email: bool,
) -> sqlx::Result<Vec<(i64, bool)>> {
    sqlx::query_as(
        "INSERT INTO notification_recipients \
           (notification_id, recipient_id, workspace_id, created_on, email_scheduled, queued) \
         SELECT $1, u.id, $2, $3, $4 AND u.email_notification_frequency <> 'never', TRUE \
         FROM users u WHERE u.id = ANY($5) AND u.is_active \
         ON CONFLICT DO NOTHING RETURNING recipient_id, email_scheduled",
    )
    .bind(notification_id)
    .bind(workspace_id)
    .bind(created_on)
    .bind(email)
    .bind(user_ids)
    .fetch_all(conn)
    .await
}

/// A notification as it was just sent (unread), for the live event.
pub async fn sent(conn: &mut PgConnection, notification_id: i64) -> sqlx::Result<Option<Received>> {
    sqlx::query_as(
        "SELECT n.id, n.type AS kind, n.workspace_id, n.data, n.created_on, FALSE AS read, \
         s.id AS sender_id, s.email AS sender_email, s.first_name AS sender_first_name \
         FROM notifications n LEFT JOIN users s ON s.id = n.sender_id WHERE n.id = $1",
    )
    .bind(notification_id)
    .fetch_optional(conn)
    .await
}

/// The recipient's notifications among `ids`, as they are now, newest first.
pub async fn received(
    conn: &mut PgConnection,
    user_id: i64,
    ids: &[i64],
) -> sqlx::Result<Vec<Received>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.recipient_id = $1 AND n.id = ANY($2) ORDER BY n.created_on DESC, n.id DESC"
    )))
    .bind(user_id)
    .bind(ids)
    .fetch_all(conn)
    .await
}

/// How many notifications the recipient's listing of the workspace holds.
pub async fn count(db: impl PgExecutor<'_>, user_id: i64, workspace_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM notification_recipients r WHERE {MINE}"
    )))
    .bind(user_id)
    .bind(workspace_id)
    .fetch_one(db)
    .await
}

/// A page of the recipient's listing, newest first.
pub async fn page(
    db: impl PgExecutor<'_>,
    user_id: i64,
    workspace_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Received>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE {MINE} ORDER BY r.created_on DESC, r.id DESC LIMIT $3 OFFSET $4"
    )))
    .bind(user_id)
    .bind(workspace_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// Sets one notification's read flag (reading it also cancels its email); `None` when it
/// is not in the recipient's listing.
pub async fn set_read(
    conn: &mut PgConnection,
    user_id: i64,
    workspace_id: i64,
    notification_id: i64,
    read: bool,
) -> sqlx::Result<Option<Received>> {
    let updated = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE notification_recipients r SET read = $3, email_scheduled = FALSE \
         WHERE {MINE} AND r.notification_id = $4"
    )))
    .bind(user_id)
    .bind(workspace_id)
    .bind(read)
    .bind(notification_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(None);
    }
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.recipient_id = $1 AND r.notification_id = $2"
    )))
    .bind(user_id)
    .bind(notification_id)
    .fetch_optional(conn)
    .await
}

/// Marks the recipient's whole listing read.
pub async fn set_all_read(
    db: impl PgExecutor<'_>,
    user_id: i64,
    workspace_id: i64,
) -> sqlx::Result<u64> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE notification_recipients r SET read = TRUE, email_scheduled = FALSE \
         WHERE {MINE} AND NOT r.read"
    )))
    .bind(user_id)
    .bind(workspace_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Empties the recipient's listing; notifications left without recipients go too.
pub async fn clear(conn: &mut PgConnection, user_id: i64, workspace_id: i64) -> sqlx::Result<()> {
    let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "DELETE FROM notification_recipients r WHERE {MINE} RETURNING r.notification_id"
    )))
    .bind(user_id)
    .bind(workspace_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM notifications n WHERE n.id = ANY($1) \
         AND NOT EXISTS (SELECT 1 FROM notification_recipients r WHERE r.notification_id = n.id)",
    )
    .bind(&ids)
    .execute(conn)
    .await?;
    Ok(())
}

/// Unread notifications per workspace of the user (workspaces without any are absent).
pub async fn unread_per_workspace(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT workspace_id, count(*) FROM notification_recipients \
         WHERE recipient_id = $1 AND NOT read AND workspace_id IS NOT NULL GROUP BY workspace_id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Unread notifications of the user that belong to no workspace (invitations).
pub async fn unread_outside_workspaces(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM notification_recipients \
         WHERE recipient_id = $1 AND NOT read AND workspace_id IS NULL",
    )
    .bind(user_id)
    .fetch_one(db)
    .await
}
