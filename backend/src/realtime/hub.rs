//! Backend side: this process's sockets, their page subscriptions, and delivery of what
//! arrives from Redis.

use super::{
    access::Fence,
    envelope::{Envelope, Target},
    page::PageKey,
    page_type::Projected,
    projector::Projector,
};
use crate::{context::AppContext, database::events::TableEvent};
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
    /// A message for the socket's user, not tied to a page.
    Message(Arc<str>),
    /// What a subscribed page gets of the table event `seq` (perhaps nothing but the
    /// sequence number, which still counts for gap detection).
    Page {
        key: PageKey,
        seq: i64,
        projected: Arc<Projected>,
    },
    /// This socket's own edit: not sent back, but its sequence number counts as seen.
    Seen { table_id: i64, seq: i64 },
    /// The Redis subscription was interrupted: replay what may have been missed.
    CatchUp,
    /// The user lost some access: re-check subscriptions.
    Recheck,
}

struct Socket {
    /// `None` for an anonymous socket (shared views only).
    user_id: Option<i64>,
    pages: HashSet<PageKey>,
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
    /// Registers a socket; `None` when its user already has `max_per_user` sockets on
    /// this backend (anonymous sockets are not counted per user).
    pub fn connect(
        &self,
        websocket_id: &str,
        user_id: Option<i64>,
        max_per_user: usize,
    ) -> Option<mpsc::Receiver<Outgoing>> {
        let (tx, rx) = mpsc::channel(SOCKET_BUFFER);
        if let Ok(mut sockets) = self.sockets.lock() {
            if user_id.is_some()
                && sockets.values().filter(|s| s.user_id == user_id).count() >= max_per_user
            {
                return None;
            }
            sockets.insert(
                websocket_id.to_owned(),
                Socket {
                    user_id,
                    pages: HashSet::new(),
                    tx,
                },
            );
        }
        Some(rx)
    }

    pub fn disconnect(&self, websocket_id: &str) {
        if let Ok(mut sockets) = self.sockets.lock() {
            sockets.remove(websocket_id);
        }
    }

    pub fn subscribe(&self, websocket_id: &str, page: PageKey) {
        if let Ok(mut sockets) = self.sockets.lock()
            && let Some(s) = sockets.get_mut(websocket_id)
        {
            s.pages.insert(page);
        }
    }

    pub fn unsubscribe(&self, websocket_id: &str, page: &PageKey) {
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
    pub async fn deliver(&self, envelope: &Envelope, projector: &mut Projector) {
        match (&envelope.target, envelope.table_seq) {
            (Target::Page { .. }, Some((table_id, seq))) => {
                self.deliver_table_event(envelope, table_id, seq, projector)
                    .await;
            }
            (Target::Page { page }, None) => self.deliver_to_page(envelope, page),
            _ => self.deliver_to_users(envelope),
        }
    }

    /// A table event: each page of the table subscribed here is projected once (cut to a
    /// row, filtered for a shared view), then handed to its sockets.
    async fn deliver_table_event(
        &self,
        envelope: &Envelope,
        table_id: i64,
        seq: i64,
        projector: &mut Projector,
    ) {
        let keys: HashSet<PageKey> = match self.sockets.lock() {
            Ok(sockets) => sockets
                .values()
                .flat_map(|s| s.pages.iter().filter(|k| k.table_id() == table_id))
                .copied()
                .collect(),
            Err(_) => return,
        };
        let event = TableEvent::from_message(&envelope.message);
        projector.observe(table_id, event.as_ref());
        let text = envelope.message.to_string();
        let mut projected = HashMap::new();
        for key in keys {
            let p = projector
                .project(&key, &text, &envelope.message, event.as_ref())
                .await;
            projected.insert(key, Arc::new(p));
        }
        let Ok(mut sockets) = self.sockets.lock() else {
            return;
        };
        let mut dropped = Vec::new();
        for (id, socket) in sockets.iter() {
            if envelope.skip_websocket_id.as_deref() == Some(id.as_str()) {
                let _ = socket.tx.try_send(Outgoing::Seen { table_id, seq });
                continue;
            }
            for key in socket.pages.iter().filter(|k| k.table_id() == table_id) {
                // A page subscribed while this event was projected learns of it by the gap.
                let Some(p) = projected.get(key) else {
                    continue;
                };
                let out = Outgoing::Page {
                    key: *key,
                    seq,
                    projected: p.clone(),
                };
                if socket.tx.try_send(out).is_err() {
                    dropped.push(id.clone());
                    break;
                }
            }
        }
        drop_sockets(&mut sockets, dropped);
    }

    /// An unsequenced message for a page's subscribers (who is viewing a table): sent as
    /// is, without replay.
    fn deliver_to_page(&self, envelope: &Envelope, page: &str) {
        let Some(key) = PageKey::parse(page) else {
            return;
        };
        let text: Arc<str> = Arc::from(envelope.message.to_string());
        let Ok(mut sockets) = self.sockets.lock() else {
            return;
        };
        let mut dropped = Vec::new();
        for (id, socket) in sockets.iter() {
            if envelope.skip_websocket_id.as_deref() == Some(id.as_str())
                || !socket.pages.contains(&key)
            {
                continue;
            }
            if socket.tx.try_send(Outgoing::Message(text.clone())).is_err() {
                dropped.push(id.clone());
            }
        }
        drop_sockets(&mut sockets, dropped);
    }

    fn deliver_to_users(&self, envelope: &Envelope) {
        let text: Arc<str> = Arc::from(envelope.message.to_string());
        let Ok(mut sockets) = self.sockets.lock() else {
            return;
        };
        let mut dropped = Vec::new();
        for (id, socket) in sockets.iter() {
            if envelope.skip_websocket_id.as_deref() == Some(id.as_str()) {
                continue;
            }
            let Some(user_id) = socket.user_id else {
                continue;
            };
            let sent = match &envelope.target {
                Target::Users { user_ids } if user_ids.contains(&user_id) => {
                    socket.tx.try_send(Outgoing::Message(text.clone()))
                }
                Target::Recheck { user_ids } if user_ids.contains(&user_id) => {
                    socket.tx.try_send(Outgoing::Recheck)
                }
                _ => Ok(()),
            };
            if sent.is_err() {
                dropped.push(id.clone());
            }
        }
        drop_sockets(&mut sockets, dropped);
    }

    /// Asks the sockets of these users to re-check their pages before anything queued
    /// after this request reaches them.
    pub fn recheck_users(&self, user_ids: &HashSet<i64>) {
        self.recheck_where(|user_id| user_ids.contains(&user_id));
    }

    /// Asks every signed-in socket to re-check its pages (shared views, which anonymous
    /// sockets follow, do not depend on who the user is).
    pub fn recheck_all(&self) {
        self.recheck_where(|_| true);
    }

    fn recheck_where(&self, matches: impl Fn(i64) -> bool) {
        let Ok(mut sockets) = self.sockets.lock() else {
            return;
        };
        let mut dropped = Vec::new();
        for (id, socket) in sockets.iter() {
            if socket.user_id.is_some_and(&matches)
                && socket.tx.try_send(Outgoing::Recheck).is_err()
            {
                dropped.push(id.clone());
            }
        }
        drop_sockets(&mut sockets, dropped);
    }

    /// Asks every socket to replay what it may have missed.
    fn catch_up_all(&self, projector: &mut Projector) {
        projector.forget_all();
        if let Ok(sockets) = self.sockets.lock() {
            for socket in sockets.values() {
                let _ = socket.tx.try_send(Outgoing::CatchUp);
            }
        }
    }
}

fn drop_sockets(sockets: &mut HashMap<String, Socket>, dropped: Vec<String>) {
    for id in dropped {
        tracing::warn!(websocket_id = %id, "socket too slow or gone; closing it");
        sockets.remove(&id);
    }
}

/// Listens on the Redis channel for the life of the process and feeds the hub. Survives
/// Redis restarts: fred reconnects and resubscribes, and sockets then replay from the log.
pub async fn run_subscriber(ctx: AppContext, hub: Arc<Hub>, mut fence: Fence) {
    let mut projector = Projector::new(ctx.clone());
    loop {
        if let Err(e) = subscribe_once(&ctx, &hub, &mut projector, &mut fence).await {
            tracing::warn!(error = %e, "realtime subscriber failed; retrying");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn subscribe_once(
    ctx: &AppContext,
    hub: &Arc<Hub>,
    projector: &mut Projector,
    fence: &mut Fence,
) -> anyhow::Result<()> {
    let settings = &ctx.settings;
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
                        Ok(envelope) => {
                            // Sockets of users who lost access re-check before the event.
                            fence.observe(hub, envelope.access_epoch).await;
                            hub.deliver(&envelope, projector).await;
                        }
                        Err(e) => tracing::warn!(error = %e, "unreadable realtime message"),
                    }
                }
                // Fell behind the broadcast buffer: some messages were skipped, so replay.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => hub.catch_up_all(projector),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => anyhow::bail!("subscriber closed"),
            },
            Ok(_) = reconnects.recv() => {
                // Subscribe before catching up: anything published from then on arrives
                // live, anything earlier is in the log the sockets replay from.
                subscriber.subscribe(super::channel(&settings.redis_prefix)).await?;
                tracing::info!("realtime subscriber reconnected; sockets catch up");
                hub.catch_up_all(projector);
            }
        }
    }
}
