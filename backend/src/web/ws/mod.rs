//! `/ws/core/`: Baserow's WebSocket protocol (authentication, `page` / `remove_page`) plus
//! sequence numbers and replay so a client never stays stale.

use super::state::AppState;
use crate::{
    database::fields,
    platform::{auth::Actor, users},
    realtime::{
        envelope::table_page,
        hub::Outgoing,
        replay::{self, Replay},
    },
};
use axum::{
    extract::{
        Query, State,
        ws::{Message, WebSocket, WebSocketUpgrade},
    },
    response::Response,
};
use serde::Deserialize;
use serde_json::{Value, json};
use std::{collections::HashMap, time::Duration};

const PING_EVERY: Duration = Duration::from_secs(30);
const READ_BUFFER_BYTES: usize = 4 * 1024;

#[derive(Deserialize)]
pub struct ConnectParams {
    jwt_token: Option<String>,
}

pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Query(params): Query<ConnectParams>,
) -> Response {
    // Client messages are small (subscriptions); the library's default 128 KiB read buffer
    // per socket would dominate the memory of thousands of idle sockets. It grows when a
    // larger message arrives, up to the size limit.
    ws.max_message_size(64 * 1024)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| run(socket, state, params.jwt_token))
}

/// One socket's life: authenticate, then serve subscriptions until either side closes.
async fn run(mut socket: WebSocket, state: AppState, token: Option<String>) {
    // Baserow sends an id whenever a token parameter is present, even a bad one.
    let websocket_id = token.as_ref().map(|_| uuid::Uuid::new_v4().to_string());
    let user = match &token {
        Some(t) => Box::pin(users::authenticate_access(&state.ctx, t))
            .await
            .ok(),
        None => None,
    };
    let auth = json!({ "type": "authentication", "success": user.is_some(), "web_socket_id": websocket_id });
    if socket
        .send(Message::Text(auth.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let (Some(user), Some(websocket_id)) = (user, websocket_id) else {
        let _ = socket.send(Message::Close(None)).await;
        return;
    };
    let actor = Actor {
        user,
        websocket_id: Some(websocket_id.clone()),
        token: None,
    };
    let mut outgoing = state.hub.connect(&websocket_id, actor.id());
    let mut session = Session {
        state: &state,
        actor: &actor,
        websocket_id: &websocket_id,
        last_seq: HashMap::new(),
        broken: false,
    };
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    // The session's database work is boxed: inline, its futures would make every idle
    // socket's task as large as the largest of them.
    loop {
        let sent = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => Box::pin(session.handle_client_message(text.as_str())).await,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => Vec::new(),
            },
            out = outgoing.recv() => match out {
                // The hub dropped this socket (buffer full or access lost).
                None => break,
                Some(Outgoing::CatchUp) => Box::pin(session.catch_up()).await,
                Some(Outgoing::Recheck) => Box::pin(session.recheck()).await,
                Some(Outgoing::Seen { table_id, seq }) => Box::pin(session.seen(table_id, seq)).await,
                Some(Outgoing::Message { table_seq, text }) => Box::pin(session.live(table_seq, text.to_string())).await,
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
                Vec::new()
            }
        };
        let mut failed = false;
        for text in sent {
            if socket.send(Message::Text(text.into())).await.is_err() {
                failed = true;
                break;
            }
        }
        if failed || session.broken {
            break;
        }
    }
    state.hub.disconnect(&websocket_id);
}

struct Session<'a> {
    state: &'a AppState,
    actor: &'a Actor,
    websocket_id: &'a str,
    /// Last sequence number sent per subscribed table.
    last_seq: HashMap<i64, i64>,
    /// Set when the session can no longer keep its promise (the database failed); the
    /// socket is then closed and the client reconnects and replays.
    broken: bool,
}

impl Session<'_> {
    /// Handles `{"page": …}` and `{"remove_page": …}`; returns messages to send.
    async fn handle_client_message(&mut self, text: &str) -> Vec<String> {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return Vec::new();
        };
        let table_id = message.get("table_id").and_then(Value::as_i64);
        if let (Some("table"), Some(table_id)) =
            (message.get("page").and_then(Value::as_str), table_id)
        {
            let after_seq = message.get("after_seq").and_then(Value::as_i64);
            return self.subscribe_table(table_id, after_seq).await;
        }
        if let (Some("table"), Some(table_id)) =
            (message.get("remove_page").and_then(Value::as_str), table_id)
        {
            return vec![self.discard(table_id)];
        }
        // Unknown pages and missing permission get no answer, as in Baserow.
        Vec::new()
    }

    async fn subscribe_table(&mut self, table_id: i64, after_seq: Option<i64>) -> Vec<String> {
        let Ok(mut conn) = self.state.ctx.db.acquire().await else {
            self.broken = true;
            return Vec::new();
        };
        match fields::table_scope(&mut conn, self.actor, table_id).await {
            Ok(_) => {}
            // The database failed, not the permission check: close, so the client
            // reconnects and subscribes again instead of silently missing events.
            Err(fields::FieldError::Database(_)) => {
                self.broken = true;
                return Vec::new();
            }
            Err(_) => return Vec::new(),
        }
        // Subscribe before reading the log: anything committed later arrives live, anything
        // earlier is in the replay, and duplicates are dropped by sequence number.
        self.state
            .hub
            .subscribe(self.websocket_id, &table_page(table_id));
        let current: i64 =
            sqlx::query_scalar("SELECT event_seq FROM database_tables WHERE id = $1")
                .bind(table_id)
                .fetch_one(&mut *conn)
                .await
                .unwrap_or(0);
        let mut out = vec![json!({ "type": "page_add", "page": "table", "parameters": { "table_id": table_id }, "seq": current }).to_string()];
        match after_seq {
            None => {
                self.last_seq.insert(table_id, current);
            }
            Some(after) => {
                self.last_seq.insert(table_id, after);
                out.extend(self.replay(table_id).await);
            }
        }
        out
    }

    /// Sends what the log holds after this socket's last sequence for the table.
    async fn replay(&mut self, table_id: i64) -> Vec<String> {
        let after = self.last_seq.get(&table_id).copied().unwrap_or(0);
        let Ok(mut conn) = self.state.ctx.db.acquire().await else {
            self.broken = true;
            return Vec::new();
        };
        match replay::missed(&mut conn, table_id, after, self.websocket_id).await {
            Ok(Replay::Events(events)) => {
                if let Some((seq, _)) = events.last() {
                    self.last_seq.insert(table_id, *seq);
                }
                events
                    .into_iter()
                    .filter_map(|(_, m)| m.map(|m| m.to_string()))
                    .collect()
            }
            Ok(Replay::ResyncRequired) => {
                let latest: i64 =
                    sqlx::query_scalar("SELECT event_seq FROM database_tables WHERE id = $1")
                        .bind(table_id)
                        .fetch_one(&mut *conn)
                        .await
                        .unwrap_or(after);
                self.last_seq.insert(table_id, latest);
                vec![
                    json!({ "type": "resync_required", "table_id": table_id, "seq": latest })
                        .to_string(),
                ]
            }
            Err(e) => {
                tracing::warn!(error = %e, table_id, "replay failed; closing the socket");
                self.broken = true;
                Vec::new()
            }
        }
    }

    /// A live message: table events are de-duplicated, and a gap is filled from the log first.
    async fn live(&mut self, table_seq: Option<(i64, i64)>, text: String) -> Vec<String> {
        let Some((table_id, seq)) = table_seq else {
            return vec![text];
        };
        let Some(&last) = self.last_seq.get(&table_id) else {
            return Vec::new();
        };
        if seq <= last {
            return Vec::new();
        }
        if seq > last + 1 {
            return self.replay(table_id).await;
        }
        self.last_seq.insert(table_id, seq);
        // A deleted table ends its subscriptions; the client gets the event, then the discard.
        if text.contains("\"table_deleted\"")
            && serde_json::from_str::<Value>(&text).is_ok_and(|m| m["type"] == "table_deleted")
        {
            return vec![text, self.discard(table_id)];
        }
        vec![text]
    }

    /// Ends a table subscription; returns the `page_discard` message.
    fn discard(&mut self, table_id: i64) -> String {
        self.state
            .hub
            .unsubscribe(self.websocket_id, &table_page(table_id));
        self.last_seq.remove(&table_id);
        json!({ "type": "page_discard", "page": "table", "parameters": { "table_id": table_id } })
            .to_string()
    }

    /// Drops every subscription the user may no longer read (removed from a workspace, …).
    async fn recheck(&mut self) -> Vec<String> {
        let Ok(mut conn) = self.state.ctx.db.acquire().await else {
            return Vec::new();
        };
        let tables: Vec<i64> = self.last_seq.keys().copied().collect();
        let mut out = Vec::new();
        for table_id in tables {
            if fields::table_scope(&mut conn, self.actor, table_id)
                .await
                .is_err()
            {
                out.push(self.discard(table_id));
            }
        }
        out
    }

    /// Counts this socket's own edit as seen (after filling any gap before it).
    async fn seen(&mut self, table_id: i64, seq: i64) -> Vec<String> {
        let Some(&last) = self.last_seq.get(&table_id) else {
            return Vec::new();
        };
        if seq <= last {
            return Vec::new();
        }
        if seq > last + 1 {
            return self.replay(table_id).await;
        }
        self.last_seq.insert(table_id, seq);
        Vec::new()
    }

    async fn catch_up(&mut self) -> Vec<String> {
        let tables: Vec<i64> = self.last_seq.keys().copied().collect();
        let mut out = Vec::new();
        for table_id in tables {
            out.extend(self.replay(table_id).await);
        }
        out
    }
}
