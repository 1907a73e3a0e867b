//! Delivering new notifications to their recipients' sockets (job `send_queued_notifications`,
//! queue `high`), as Baserow's `send_queued_notifications_to_users`: a user's queued
//! notifications go out together in one `notifications_created`, or, past
//! [`FETCH_REQUIRED_OVER`] at once, as `notifications_fetch_required` with their number per
//! workspace, and the client fetches its listing.

use super::repo::{self, Received};
use crate::{context::AppContext, realtime::fan_out};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Baserow's `notification_batch_limit`: more new notifications than this for one user in
/// one delivery are announced by their number only.
pub const FETCH_REQUIRED_OVER: usize = 20;

/// Takes every queued notification off the queue and tells its recipient; each is delivered
/// once.
///
/// The rows are locked in id order and waited for, not skipped: other writers lock them too
/// (the email summary job, marking as read), and a row skipped because one of them held it
/// would stay queued with no run left to deliver it. A row another run of this job took
/// meanwhile is no longer `queued` once its lock is released, so it is not taken twice; the
/// id order keeps two runs from deadlocking.
pub async fn send_queued(ctx: &AppContext) -> anyhow::Result<()> {
    let mut tx = ctx.db.begin().await?;
    let taken: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "UPDATE notification_recipients SET queued = FALSE WHERE id IN ( \
             SELECT id FROM notification_recipients WHERE queued ORDER BY id FOR UPDATE) \
         RETURNING recipient_id, notification_id, workspace_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut per_user: BTreeMap<i64, Vec<(i64, Option<i64>)>> = BTreeMap::new();
    for (user_id, notification_id, workspace_id) in taken {
        per_user
            .entry(user_id)
            .or_default()
            .push((notification_id, workspace_id));
    }
    let mut messages = Vec::with_capacity(per_user.len());
    for (user_id, taken) in per_user {
        let message = if taken.len() > FETCH_REQUIRED_OVER {
            fetch_required(&taken)
        } else {
            let ids: Vec<i64> = taken.iter().map(|(id, _)| *id).collect();
            let notifications = repo::received(&mut tx, user_id, &ids).await?;
            json!({
                "type": "notifications_created",
                "notifications": notifications.iter().map(Received::to_json).collect::<Vec<_>>(),
            })
        };
        messages.push((user_id, message));
    }
    tx.commit().await?;
    // Taken off the queue now: one user's failed publish must not cost the others theirs.
    let mut failed = None;
    for (user_id, message) in messages {
        if let Err(e) = fan_out::publish_to_users(ctx, vec![user_id], None, message).await {
            tracing::warn!(user_id, error = %e, "new notifications not announced live");
            failed.get_or_insert(e);
        }
    }
    failed.map_or(Ok(()), Err)
}

/// `{"type": "notifications_fetch_required", "notifications_added": [{"workspace_id", "count"}]}`.
fn fetch_required(taken: &[(i64, Option<i64>)]) -> Value {
    let mut counts: BTreeMap<Option<i64>, usize> = BTreeMap::new();
    for (_, workspace_id) in taken {
        *counts.entry(*workspace_id).or_default() += 1;
    }
    let added: Vec<Value> = counts
        .into_iter()
        .map(|(workspace_id, count)| json!({"workspace_id": workspace_id, "count": count}))
        .collect();
    json!({"type": "notifications_fetch_required", "notifications_added": added})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_required_counts_per_workspace() {
        let taken = [(1, Some(3)), (2, Some(3)), (3, None), (4, Some(5))];
        assert_eq!(
            fetch_required(&taken),
            json!({"type": "notifications_fetch_required", "notifications_added": [
                {"workspace_id": null, "count": 1},
                {"workspace_id": 3, "count": 2},
                {"workspace_id": 5, "count": 1},
            ]})
        );
    }
}
