//! The kinds of notification, with Baserow's type names and `data` keys. Form answers,
//! turned-off webhooks and invitations are mailed on their own when they happen, so only
//! mentions and answered invitations go into email summaries.

use super::{NewNotification, create};
use serde_json::{Value, json};
use sqlx::PgConnection;

pub const ROW_COMMENT_MENTION: &str = "row_comment_mention";
pub const ROW_COMMENT: &str = "row_comment";
pub const FORM_SUBMITTED: &str = "form_submitted";
pub const WEBHOOK_DEACTIVATED: &str = "webhook_deactivated";
pub const WORKSPACE_INVITATION_CREATED: &str = "workspace_invitation_created";
pub const WORKSPACE_INVITATION_ACCEPTED: &str = "workspace_invitation_accepted";
pub const WORKSPACE_INVITATION_REJECTED: &str = "workspace_invitation_rejected";

/// Where a commented row is, for a mention's `data`.
pub struct CommentPlace<'a> {
    pub workspace_id: i64,
    pub database_id: i64,
    pub database_name: &'a str,
    pub table_id: i64,
    pub table_name: &'a str,
    pub row_id: i64,
    pub row_name: &'a str,
}

/// Tells the mentioned users that `sender` mentioned them in a comment.
pub async fn row_comment_mention(
    conn: &mut PgConnection,
    place: &CommentPlace<'_>,
    comment_id: i64,
    message: &Value,
    sender_id: i64,
    mentioned: &[i64],
) -> sqlx::Result<Option<i64>> {
    comment_notification(
        conn,
        ROW_COMMENT_MENTION,
        place,
        comment_id,
        message,
        sender_id,
        mentioned,
    )
    .await
}

/// Tells the users who follow a row with mode `all` that `sender` commented on it.
pub async fn row_comment(
    conn: &mut PgConnection,
    place: &CommentPlace<'_>,
    comment_id: i64,
    message: &Value,
    sender_id: i64,
    followers: &[i64],
) -> sqlx::Result<Option<i64>> {
    comment_notification(
        conn,
        ROW_COMMENT,
        place,
        comment_id,
        message,
        sender_id,
        followers,
    )
    .await
}

/// Both comment kinds share Baserow's `RowCommentNotificationData`.
async fn comment_notification(
    conn: &mut PgConnection,
    kind: &'static str,
    place: &CommentPlace<'_>,
    comment_id: i64,
    message: &Value,
    sender_id: i64,
    recipients: &[i64],
) -> sqlx::Result<Option<i64>> {
    let data = json!({
        "database_id": place.database_id,
        "database_name": place.database_name,
        "table_id": place.table_id,
        "table_name": place.table_name,
        "row_id": place.row_id,
        "row_name": place.row_name,
        "comment_id": comment_id,
        "message": message,
    });
    let new = NewNotification {
        kind,
        workspace_id: Some(place.workspace_id),
        sender_id: Some(sender_id),
        data,
        email: true,
    };
    create(conn, new, recipients).await
}

/// A form's answer, for who asked to hear of answers: `values` are `[question, answer]`.
pub struct FormAnswer<'a> {
    pub workspace_id: i64,
    pub database_id: i64,
    pub table_id: i64,
    pub table_name: &'a str,
    pub form_id: i64,
    pub form_name: &'a str,
    pub row_id: i64,
    pub values: &'a [(String, String)],
}

pub async fn form_submitted(
    conn: &mut PgConnection,
    answer: &FormAnswer<'_>,
    recipients: &[i64],
) -> sqlx::Result<Option<i64>> {
    let values: Vec<Value> = answer.values.iter().map(|(q, a)| json!([q, a])).collect();
    let data = json!({
        "form_id": answer.form_id,
        "form_name": answer.form_name,
        "table_id": answer.table_id,
        "table_name": answer.table_name,
        "database_id": answer.database_id,
        "row_id": answer.row_id,
        "values": values,
    });
    let new = NewNotification {
        kind: FORM_SUBMITTED,
        workspace_id: Some(answer.workspace_id),
        sender_id: None,
        data,
        email: false,
    };
    create(conn, new, recipients).await
}

/// A webhook turned off after failing, for the workspace's admins.
#[allow(clippy::too_many_arguments)]
pub async fn webhook_deactivated(
    conn: &mut PgConnection,
    workspace_id: i64,
    database_id: i64,
    table_id: i64,
    webhook_id: i64,
    webhook_name: &str,
    admins: &[i64],
) -> sqlx::Result<Option<i64>> {
    let new = NewNotification {
        kind: WEBHOOK_DEACTIVATED,
        workspace_id: Some(workspace_id),
        sender_id: None,
        data: json!({
            "webhook_id": webhook_id,
            "table_id": table_id,
            "database_id": database_id,
            "webhook_name": webhook_name,
        }),
        email: false,
    };
    create(conn, new, admins).await
}

/// An invitation, for the invited user when they have an account. It belongs to no
/// workspace: the user is not a member of the one they are invited to.
pub async fn workspace_invitation_created(
    conn: &mut PgConnection,
    invitation_id: i64,
    workspace_id: i64,
    workspace_name: &str,
    sender_id: i64,
    invited_user_id: i64,
) -> sqlx::Result<Option<i64>> {
    let new = NewNotification {
        kind: WORKSPACE_INVITATION_CREATED,
        workspace_id: None,
        sender_id: Some(sender_id),
        data: json!({
            "invitation_id": invitation_id,
            "invited_to_workspace_id": workspace_id,
            "invited_to_workspace_name": workspace_name,
        }),
        email: false,
    };
    create(conn, new, &[invited_user_id]).await
}

/// Marks the user's notification of an invitation read once they accepted or rejected it
/// (as Baserow does), and tells all their sockets.
pub async fn invitation_answered(
    conn: &mut PgConnection,
    user_id: i64,
    invitation_id: i64,
) -> sqlx::Result<()> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE notification_recipients r SET read = TRUE, email_scheduled = FALSE \
         FROM notifications n WHERE n.id = r.notification_id AND r.recipient_id = $1 \
         AND NOT r.read AND n.type = $2 AND n.data->>'invitation_id' = $3::text \
         RETURNING n.id",
    )
    .bind(user_id)
    .bind(WORKSPACE_INVITATION_CREATED)
    .bind(invitation_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        let Some(mut notification) = super::repo::sent(conn, id).await? else {
            continue;
        };
        notification.read = true;
        let message =
            json!({"type": "notification_marked_as_read", "notification": notification.to_json()});
        crate::realtime::notify::users(conn, vec![user_id], None, message).await?;
    }
    Ok(())
}

/// Tells whoever sent an invitation that `user_id` accepted (`accepted`) or rejected it.
pub async fn invitation_answered_to_inviter(
    conn: &mut PgConnection,
    invitation_id: i64,
    workspace_id: i64,
    workspace_name: &str,
    user_id: i64,
    inviter_id: i64,
    accepted: bool,
) -> sqlx::Result<Option<i64>> {
    let new = NewNotification {
        kind: if accepted {
            WORKSPACE_INVITATION_ACCEPTED
        } else {
            WORKSPACE_INVITATION_REJECTED
        },
        workspace_id: Some(workspace_id),
        sender_id: Some(user_id),
        data: json!({
            "invitation_id": invitation_id,
            "invited_to_workspace_id": workspace_id,
            "invited_to_workspace_name": workspace_name,
        }),
        email: true,
    };
    create(conn, new, &[inviter_id]).await
}
