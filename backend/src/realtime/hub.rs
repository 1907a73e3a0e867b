//! Backend side: this process's sockets, their page subscriptions, and delivery of what
//! arrives from Redis.

use super::envelope::{Envelope, Target};
use crate::config::Settings;
use fred::prelude::*;
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::mpsc;

/// Messages a socket can buffer before it is closed rather than slow everyone down.
pub const SOCKET_BUFFER: usize = 256;

/// What the hub hands a socket task.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A message to send; table events carry `(table_id, seq)` for de-duplication.
    Message {
        table_seq: Option<(i64, i64)>,
        text: Arc<str>,
    },
    /// This socket's own edit: not sent back, but its sequence number counts as seen.
    Seen { table_id: i64, seq: i64 },
    /// The Redis subscription was interrupted: replay what may have been missed.
    CatchUp,
    /// The user lost some access: re-check subscriptions.
    Recheck,
}

struct Socket {
    user_id: i64,
    pages: HashSet<String>,
    tx: mpsc::Sender<Outgoing>,
}

#[derive(Default)]
pub struct Hub {
    sockets: Mutex<HashMap<String, Socket>>,
}

impl Hub {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Registers a socket; the receiver ends when the hub drops it (buffer full, access lost).
    pub fn connect(&self, websocket_id: &str, user_id: i64) -> mpsc::Receiver<Outgoing> {
        let (tx, rx) = mpsc::channel(SOCKET_BUFFER);
        if let Ok(mut sockets) = self.sockets.lock() {
            sockets.insert(
                websocket_id.to_owned(),
                Socket {
                    user_id,
                    pages: HashSet::new(),
                    tx,
                },
            );
        }
        rx
    }

    pub fn disconnect(&self, websocket_id: &str) {
        if let Ok(mut sockets) = self.sockets.lock() {
            sockets.remove(websocket_id);
        }
    }

    pub fn subscribe(&self, websocket_id: &str, page: &str) {
        if let Ok(mut sockets) = self.sockets.lock()
            && let Some(s) = sockets.get_mut(websocket_id)
        {
            s.pages.insert(page.to_owned());
        }
    }

    pub fn unsubscribe(&self, websocket_id: &str, page: &str) {
        if let Ok(mut sockets) = self.sockets.lock()
            && let Some(s) = sockets.get_mut(websocket_id)
        {
            s.pages.remove(page);
        }
    }

    /// How many sockets this process holds.
    pub fn len(&self) -> usize {
        self.sockets.lock().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Delivers an envelope to every matching socket except the originating one. A socket
    /// whose buffer is full is dropped (its client reconnects and replays).
    pub fn deliver(&self, envelope: &Envelope) {
        let text: Arc<str> = Arc::from(envelope.message.to_string());
        let Ok(mut sockets) = self.sockets.lock() else {
            return;
        };
        let mut dropped = Vec::new();
        for (id, socket) in sockets.iter() {
            if envelope.skip_websocket_id.as_deref() == Some(id.as_str()) {
                if let Some((table_id, seq)) = envelope.table_seq {
                    let _ = socket.tx.try_send(Outgoing::Seen { table_id, seq });
                }
                continue;
            }
            let wanted = match &envelope.target {
                Target::Page { page } => socket.pages.contains(page),
                Target::Users { user_ids } => user_ids.contains(&socket.user_id),
                Target::Recheck { user_ids } => {
                    if user_ids.contains(&socket.user_id)
                        && socket.tx.try_send(Outgoing::Recheck).is_err()
                    {
                        dropped.push(id.clone());
                    }
                    false
                }
            };
            if wanted
                && socket
                    .tx
                    .try_send(Outgoing::Message {
                        table_seq: envelope.table_seq,
                        text: text.clone(),
                    })
                    .is_err()
            {
                dropped.push(id.clone());
            }
        }
        for id in dropped {
            tracing::warn!(websocket_id = %id, "socket too slow or gone; closing it");
            sockets.remove(&id);
        }
    }

    /// Asks every socket to replay what it may have missed.
    fn catch_up_all(&self) {
        if let Ok(sockets) = self.sockets.lock() {
            for socket in sockets.values() {
                let _ = socket.tx.try_send(Outgoing::CatchUp);
            }
        }
    }
}

/// Listens on the Redis channel for the life of the process and feeds the hub. Survives
/// Redis restarts: fred reconnects and resubscribes, and sockets then replay from the log.
pub async fn run_subscriber(settings: Arc<Settings>, hub: Arc<Hub>) {
    loop {
        if let Err(e) = subscribe_once(&settings, &hub).await {
            tracing::warn!(error = %e, "realtime subscriber failed; retrying");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn subscribe_once(settings: &Settings, hub: &Arc<Hub>) -> anyhow::Result<()> {
    let subscriber = Builder::from_config(Config::from_url(&settings.redis_url)?)
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
        .build_subscriber_client()?;
    let mut messages = subscriber.message_rx();
    let mut reconnects = subscriber.reconnect_rx();
    subscriber.init().await?;
    let _resubscribe = subscriber.manage_subscriptions();
    subscriber
        .subscribe(super::channel(&settings.redis_prefix))
        .await?;
    tracing::info!("realtime subscriber listening");
    loop {
        tokio::select! {
            message = messages.recv() => match message {
                Ok(message) => {
                    let Ok(text) = message.value.convert::<String>() else { continue };
                    match serde_json::from_str::<Envelope>(&text) {
                        Ok(envelope) => hub.deliver(&envelope),
                        Err(e) => tracing::warn!(error = %e, "unreadable realtime message"),
                    }
                }
                // Fell behind the broadcast buffer: some messages were skipped, so replay.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => hub.catch_up_all(),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => anyhow::bail!("subscriber closed"),
            },
            Ok(_) = reconnects.recv() => {
                // Subscribe before catching up: anything published from then on arrives
                // live, anything earlier is in the log the sockets replay from.
                subscriber.subscribe(super::channel(&settings.redis_prefix)).await?;
                tracing::info!("realtime subscriber reconnected; sockets catch up");
                hub.catch_up_all();
            }
        }
    }
}
