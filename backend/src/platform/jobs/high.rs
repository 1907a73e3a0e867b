//! Jobs of the `high` queue, run by `tessera-worker`.

use crate::{context::AppContext, platform::mail::EmailMessage, realtime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HighJob {
    SendEmail(EmailMessage),
    /// Publish a table's new events to the realtime channel.
    FanOutTable {
        table_id: i64,
    },
    /// Users lost access to a workspace or database: drop their subscriptions that no longer hold.
    RecheckAccess {
        user_ids: Vec<i64>,
    },
    /// Send a workspace-level event to the workspace's members.
    NotifyWorkspace(realtime::notify::WorkspaceEvent),
    /// Send an event to named users' sockets (a job's owner).
    NotifyUsers(realtime::notify::UsersEvent),
    /// Close a user's sockets (after a password change), except the one that made it.
    ForceDisconnect {
        user_id: i64,
        except_websocket_id: Option<String>,
    },
    /// Email the summaries of unread notifications that are due (per user frequency).
    SendNotificationEmails,
    /// Deliver queued notifications to their recipients' sockets.
    SendQueuedNotifications,
}

impl HighJob {
    pub async fn run(self, ctx: &AppContext) -> anyhow::Result<()> {
        match self {
            HighJob::SendEmail(message) => {
                ctx.mailer.send(&message).await?;
                tracing::info!(to = %message.to, subject = %message.subject, "email sent");
                Ok(())
            }
            HighJob::FanOutTable { table_id } => {
                realtime::fan_out::publish_table_events(ctx, table_id).await?;
                Ok(())
            }
            HighJob::NotifyWorkspace(event) => realtime::notify::send(ctx, event).await,
            HighJob::NotifyUsers(event) => {
                realtime::fan_out::publish_to_users(
                    ctx,
                    event.user_ids,
                    event.skip_websocket_id,
                    event.message,
                )
                .await
            }
            HighJob::RecheckAccess { user_ids } => {
                realtime::fan_out::publish_recheck(ctx, user_ids).await
            }
            HighJob::SendQueuedNotifications => {
                crate::platform::notifications::live::send_queued(ctx).await
            }
            HighJob::SendNotificationEmails => {
                let sent = crate::platform::notifications::email_summary::send_due(
                    ctx,
                    chrono::Utc::now(),
                )
                .await?;
                if sent > 0 {
                    tracing::info!(sent, "notification summaries queued");
                }
                Ok(())
            }
            HighJob::ForceDisconnect {
                user_id,
                except_websocket_id,
            } => {
                let message = serde_json::json!({ "type": "force_disconnect" });
                realtime::fan_out::publish_to_users(
                    ctx,
                    vec![user_id],
                    except_websocket_id,
                    message,
                )
                .await
            }
        }
    }
}
