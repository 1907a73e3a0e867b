//! Events by user id: workspace-level ones (workspaces, members, invitations, databases,
//! tables) go to whoever may see them at sending time; personal ones (jobs) to named users.
//! Both are queued in the change's transaction.

use super::fan_out::publish_to_users;
use crate::{
    context::AppContext,
    platform::{
        auth::Actor,
        jobs::{self, HighJob},
    },
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::PgConnection;

/// Who of a workspace receives an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Members,
    /// Admins only (invitations, which only admins can see).
    Admins,
    /// Only the users in `also_user_ids`, for messages that differ per member (a restored
    /// workspace carries each member's own role and order).
    Listed,
}

/// A workspace event, as queued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkspaceEvent {
    pub workspace_id: i64,
    pub audience: Audience,
    /// Users who get it although they are no longer members (someone just removed).
    pub also_user_ids: Vec<i64>,
    /// The socket of the tab that made the change: it has applied it already.
    pub skip_websocket_id: Option<String>,
    pub message: Value,
}

/// Builds a `{"type": …, …}` message from an event name and its keys.
pub fn message(event_type: &str, keys: Value) -> Value {
    let mut message = Map::new();
    message.insert("type".into(), Value::String(event_type.to_owned()));
    if let Value::Object(keys) = keys {
        message.extend(keys);
    }
    Value::Object(message)
}

/// An id as reorder events carry it (SHA-256 of its decimal digits, in hex), so a member
/// who may not see an item does not learn its id from the new order.
pub fn hashed_id(id: i64) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(id.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Queues an event for the members of a workspace, in the caller's transaction.
pub async fn workspace(
    conn: &mut PgConnection,
    actor: &Actor,
    workspace_id: i64,
    event_type: &str,
    keys: Value,
) -> sqlx::Result<()> {
    queue(
        conn,
        WorkspaceEvent {
            workspace_id,
            audience: Audience::Members,
            also_user_ids: Vec::new(),
            skip_websocket_id: actor.websocket_id.clone(),
            message: message(event_type, keys),
        },
    )
    .await
}

/// Queues an event. The queue lives in the same database, so its failures are reported as
/// database errors, which every use case's error type carries.
pub async fn queue(conn: &mut PgConnection, event: WorkspaceEvent) -> sqlx::Result<()> {
    jobs::enqueue(conn, &HighJob::NotifyWorkspace(event))
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))
}

/// An event for named users (a job's owner), as queued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsersEvent {
    pub user_ids: Vec<i64>,
    pub skip_websocket_id: Option<String>,
    pub message: Value,
}

/// Queues an event for these users' sockets, in the caller's transaction.
pub async fn users(
    conn: &mut PgConnection,
    user_ids: Vec<i64>,
    skip_websocket_id: Option<String>,
    message: Value,
) -> sqlx::Result<()> {
    let event = UsersEvent {
        user_ids,
        skip_websocket_id,
        message,
    };
    jobs::enqueue(conn, &HighJob::NotifyUsers(event))
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))
}

/// Worker side: resolves the recipients now and publishes to their sockets.
pub async fn send(ctx: &AppContext, event: WorkspaceEvent) -> anyhow::Result<()> {
    let role = match event.audience {
        Audience::Members => Some("members"),
        Audience::Admins => Some("admins"),
        Audience::Listed => None,
    };
    let mut user_ids: Vec<i64> = match role {
        Some(role) => {
            sqlx::query_scalar(
                "SELECT user_id FROM workspace_users WHERE workspace_id = $1 \
                 AND ($2 = 'members' OR permissions = 'ADMIN')",
            )
            .bind(event.workspace_id)
            .bind(role)
            .fetch_all(&ctx.db)
            .await?
        }
        None => Vec::new(),
    };
    for id in event.also_user_ids {
        if !user_ids.contains(&id) {
            user_ids.push(id);
        }
    }
    if user_ids.is_empty() {
        return Ok(());
    }
    publish_to_users(ctx, user_ids, event.skip_websocket_id, event.message).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hashed_ids_are_the_sha256_of_the_decimal_id() {
        assert_eq!(
            hashed_id(1),
            "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"
        );
    }

    #[test]
    fn messages_carry_their_type_and_keys() {
        assert_eq!(
            message("group_deleted", json!({"workspace_id": 3})),
            json!({"type": "group_deleted", "workspace_id": 3})
        );
    }
}
