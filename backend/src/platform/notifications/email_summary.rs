//! Email summaries of unread notifications (job `send_notification_emails`, queue `high`),
//! per each user's `email_notification_frequency`: `instant` users get theirs as soon as
//! the job runs (it is queued with each such notification, and every scheduling round),
//! `daily` ones once a day at `DAILY_HOUR` in their own time zone (UTC without one),
//! `weekly` ones on their Mondays at that hour, `never` ones none. Reading a notification first takes it out of its summary.

use crate::{
    context::AppContext,
    platform::{
        jobs::{self, HighJob},
        mail, rich_text as message,
    },
};
use chrono::{DateTime, Utc, Weekday};
use serde_json::Value;

/// The local hour daily and weekly summaries go out, as Baserow's default.
pub const DAILY_HOUR: u32 = 0;
/// The local day weekly summaries go out (ISO number: Monday is 1).
pub const WEEKLY_DAY: Weekday = Weekday::Mon;
/// At most this many notifications are spelled out in one email; the rest are counted.
pub const LISTED_PER_EMAIL: usize = 10;
/// Users handled per run; a later run takes the rest.
const USERS_PER_RUN: i64 = 500;

/// Sends the summaries due at `now`; returns how many were queued.
pub async fn send_due(ctx: &AppContext, now: DateTime<Utc>) -> anyhow::Result<usize> {
    // `local` is `now` on the user's clock; an unknown zone counts as UTC.
    // The last-sent guards keep a summary from going out twice in its hour (the job runs
    // several times an hour) or after a change of frequency.
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u \
         CROSS JOIN LATERAL (SELECT $3 AT TIME ZONE tessera_safe_timezone(COALESCE(u.timezone, 'UTC')) AS at) local \
         WHERE u.is_active AND EXISTS ( \
             SELECT 1 FROM notification_recipients r \
             WHERE r.recipient_id = u.id AND r.email_scheduled AND NOT r.read) \
         AND (u.email_notification_frequency = 'instant' \
           OR (u.email_notification_frequency = 'daily' AND EXTRACT(HOUR FROM local.at) = $1 AND (u.last_notifications_email_sent_at IS NULL \
               OR u.last_notifications_email_sent_at < $3 - interval '12 hours')) \
           OR (u.email_notification_frequency = 'weekly' AND EXTRACT(HOUR FROM local.at) = $1 \
               AND EXTRACT(ISODOW FROM local.at) = $2 AND (u.last_notifications_email_sent_at IS NULL \
               OR u.last_notifications_email_sent_at < $3 - interval '4 days'))) \
         ORDER BY u.id LIMIT $4",
    )
    .bind(DAILY_HOUR as i32)
    .bind(WEEKLY_DAY.number_from_monday() as i32)
    .bind(now)
    .bind(USERS_PER_RUN)
    .fetch_all(&ctx.db)
    .await?;
    let mut sent = 0;
    for user_id in users {
        if send_to(ctx, user_id, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Takes the user's scheduled notifications out of the schedule and queues their email,
/// in one transaction: two runs at once cannot both send them.
async fn send_to(ctx: &AppContext, user_id: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = ctx.db.begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE notification_recipients SET email_scheduled = FALSE \
         WHERE recipient_id = $1 AND email_scheduled AND NOT read RETURNING notification_id",
    )
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let Some((email, name)) =
        sqlx::query_as::<_, (String, String)>("SELECT email, first_name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(false);
    };
    if ids.is_empty() {
        return Ok(false);
    }
    let listed: Vec<(String, sqlx::types::Json<Value>, Option<String>)> = sqlx::query_as(
        "SELECT n.type, n.data, s.first_name FROM notifications n \
         LEFT JOIN users s ON s.id = n.sender_id WHERE n.id = ANY($1) \
         ORDER BY n.created_on DESC, n.id DESC LIMIT $2",
    )
    .bind(&ids)
    .bind(LISTED_PER_EMAIL as i64)
    .fetch_all(&mut *tx)
    .await?;
    let items: Vec<(String, String)> = listed
        .iter()
        .map(|(kind, data, sender)| describe(kind, &data.0, sender.as_deref()))
        .collect();
    let message = mail::templates::notifications_summary(
        &email,
        &name,
        &items,
        ids.len(),
        &ctx.settings.public_url,
    )?;
    jobs::enqueue(&mut tx, &HighJob::SendEmail(message)).await?;
    sqlx::query("UPDATE users SET last_notifications_email_sent_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A notification's title and description in an email.
pub fn describe(kind: &str, data: &Value, sender: Option<&str>) -> (String, String) {
    let text = |key: &str| {
        data.get(key)
            .map(|v| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    let sender = sender.unwrap_or("Someone");
    match kind {
        super::kinds::ROW_COMMENT_MENTION => (
            format!(
                "{sender} mentioned you in row {} in {}.",
                Some(text("row_name"))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| text("row_id")),
                text("table_name")
            ),
            data.get("message")
                .map(message::plain_text)
                .unwrap_or_default(),
        ),
        super::kinds::ROW_COMMENT => (
            format!(
                "{sender} posted a comment in row {} in {}.",
                Some(text("row_name"))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| text("row_id")),
                text("table_name")
            ),
            data.get("message")
                .map(message::plain_text)
                .unwrap_or_default(),
        ),
        super::kinds::FORM_SUBMITTED => (
            format!(
                "{} has been submitted in {}",
                text("form_name"),
                text("table_name")
            ),
            String::new(),
        ),
        super::kinds::WEBHOOK_DEACTIVATED => (
            format!("{} webhook has been deactivated.", text("webhook_name")),
            String::new(),
        ),
        super::kinds::WORKSPACE_INVITATION_CREATED => (
            format!(
                "{sender} invited you to {}.",
                text("invited_to_workspace_name")
            ),
            String::new(),
        ),
        super::kinds::WORKSPACE_INVITATION_ACCEPTED => (
            format!(
                "{sender} accepted your invitation to collaborate on {}.",
                text("invited_to_workspace_name")
            ),
            String::new(),
        ),
        super::kinds::WORKSPACE_INVITATION_REJECTED => (
            format!(
                "{sender} rejected your invitation to collaborate on {}.",
                text("invited_to_workspace_name")
            ),
            String::new(),
        ),
        other => (format!("New notification: {other}"), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_mention_is_described_by_its_sender_row_table_and_text() {
        let data = json!({"row_name": "", "row_id": 4, "table_name": "Tasks",
            "message": {"type": "doc", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "see "}, {"type": "mention", "attrs": {"id": 2, "label": "Bob"}}]}]}});
        let (title, description) = describe("row_comment_mention", &data, Some("Ann"));
        assert_eq!(title, "Ann mentioned you in row 4 in Tasks.");
        assert_eq!(description, "see @Bob");
    }
}
