//! `/ws/core/`: Baserow's WebSocket protocol (authentication, `page` / `remove_page`) plus
//! sequence numbers and replay so a client never stays stale.

mod session;

use super::state::AppState;
use crate::{
    platform::{auth::Actor, users},
    realtime::hub::Outgoing,
};
use axum::{
    extract::{
        Query, State,
        ws::{Message, WebSocket, WebSocketUpgrade},
    },
    response::Response,
};
use serde::Deserialize;
use serde_json::json;
use session::Session;
use std::time::Duration;

/// The token of an anonymous socket: it may follow shared views only (as in Baserow).
const ANONYMOUS: &str = "anonymous";

const PING_EVERY: Duration = Duration::from_secs(30);
/// Sockets one user may keep open on one backend (each browser tab has one).
const MAX_SOCKETS_PER_USER: usize = 50;
/// Client messages a socket may send per second on average, and in a burst; a socket
/// sending more is closed (subscriptions are a few per page view).
const MESSAGES_PER_SECOND: f64 = 20.0;
const MESSAGE_BURST: f64 = 100.0;
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
    let anonymous = token.as_deref() == Some(ANONYMOUS);
    let user = match &token {
        Some(t) if !anonymous => Box::pin(users::authenticate_access(&state.ctx, t))
            .await
            .ok(),
        _ => None,
    };
    let success = anonymous || user.is_some();
    let auth =
        json!({ "type": "authentication", "success": success, "web_socket_id": websocket_id });
    if socket
        .send(Message::Text(auth.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let (true, Some(websocket_id)) = (success, websocket_id) else {
        let _ = socket.send(Message::Close(None)).await;
        return;
    };
    let actor = user.map(|user| Actor {
        user,
        websocket_id: Some(websocket_id.clone()),
        session: None,
        token: None,
    });
    let Some(mut outgoing) = state.hub.connect(
        &websocket_id,
        actor.as_ref().map(Actor::id),
        MAX_SOCKETS_PER_USER,
    ) else {
        let _ = socket.send(close(POLICY, "too many sockets")).await;
        return;
    };
    let mut allowance = Allowance::new();
    let mut session = Session::new(&state, actor.as_ref(), &websocket_id);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    // The backstop of access checks: every page is checked again on a timer, so access
    // that ended without any word of it (a lost message, a change made outside the
    // product) ends here at the latest. Each socket's timer starts with the socket, which
    // spreads the checks out.
    let mut sweep = tokio::time::interval(state.ctx.settings.realtime_access_sweep);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    sweep.tick().await;
    // The session's database work is boxed: inline, its futures would make every idle
    // socket's task as large as the largest of them.
    loop {
        let sent = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(_))) if !allowance.take() => {
                    let _ = socket.send(close(POLICY, "too many messages")).await;
                    break;
                }
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
                Some(Outgoing::Message(text)) => vec![text.to_string()],
                Some(Outgoing::Page { key, seq, projected }) => Box::pin(session.live(key, seq, projected)).await,
            },
            _ = sweep.tick() => Box::pin(session.recheck()).await,
            _ = ping.tick() => {
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
                Box::pin(session.refresh_presence()).await;
                Vec::new()
            }
        };
        let mut failed = false;
        for text in sent.into_iter().filter(|t| !t.is_empty()) {
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
    session.leave_all();
}

/// Close code for a client that broke a limit (RFC 6455: policy violation).
const POLICY: u16 = 1008;

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(axum::extract::ws::CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// A token bucket of client messages: refilled at [`MESSAGES_PER_SECOND`], holding at
/// most [`MESSAGE_BURST`].
struct Allowance {
    tokens: f64,
    at: std::time::Instant,
}

impl Allowance {
    fn new() -> Self {
        Self {
            tokens: MESSAGE_BURST,
            at: std::time::Instant::now(),
        }
    }

    /// Spends one message; false when none is left.
    fn take(&mut self) -> bool {
        let now = std::time::Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * MESSAGES_PER_SECOND;
        self.tokens = (self.tokens + refill).min(MESSAGE_BURST);
        self.at = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}
