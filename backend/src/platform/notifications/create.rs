//! Creating a notification for named users, in the caller's transaction: stored, queued for
//! the recipients' sockets (see [`super::live`]) and, when it goes into email summaries,
//! the summary job queued, all only if the transaction commits.

use super::repo;
use crate::platform::jobs::{self, HighJob};
use serde_json::Value;
use sqlx::PgConnection;

/// What a new notification says.
pub struct NewNotification<'a> {
    /// Baserow's notification type (`row_comment_mention`, `form_submitted`, …).
    pub kind: &'a str,
    /// The workspace it is about, or `None` (an invitation to a workspace not joined yet).
    pub workspace_id: Option<i64>,
    pub sender_id: Option<i64>,
    pub data: Value,
    /// Whether it goes into email summaries (kinds already mailed on their own do not).
    pub email: bool,
}

/// Gives a notification to the active users among `recipients`; nothing happens without
/// any. Returns the notification's id.
pub async fn create(
    conn: &mut PgConnection,
    new: NewNotification<'_>,
    recipients: &[i64],
) -> sqlx::Result<Option<i64>> {
    if recipients.is_empty() {
        return Ok(None);
    }
    let (id, created_on) =
        repo::insert(conn, new.kind, new.workspace_id, new.sender_id, &new.data).await?;
    let added = repo::add_recipients(
        conn,
        id,
        new.workspace_id,
        created_on,
        recipients,
        new.email,
    )
    .await?;
    if added.is_empty() {
        sqlx::query("DELETE FROM notifications WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        return Ok(None);
    }
    jobs::enqueue(conn, &HighJob::SendQueuedNotifications)
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    if added.iter().any(|(_, email)| *email) {
        // Recipients who want instant summaries get theirs now; the job leaves the others
        // to their daily or weekly round.
        jobs::enqueue(conn, &HighJob::SendNotificationEmails)
            .await
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    }
    Ok(Some(id))
}
