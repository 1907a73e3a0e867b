//! One socket's subscriptions: opening and closing pages, live events per page with
//! de-duplication by sequence number, replay of what a page missed, and access re-checks.

use crate::database::events::TableEvent;
use crate::{
    platform::auth::Actor,
    realtime::{
        page::PageKey,
        page_type::{self, After, PageType, Projected, Subscription},
        page_types::{public_view, row, table},
        presence,
        replay::{self, Replay},
    },
    web::state::AppState,
};
use serde_json::{Map, Value, json};
use std::{collections::HashMap, sync::Arc};

/// Pages one socket may follow at once.
pub const MAX_PAGES: usize = 100;

struct Page {
    page_type: &'static dyn PageType,
    subscription: Subscription,
    /// The last table sequence number this page has had.
    last_seq: i64,
}

pub struct Session<'a> {
    state: &'a AppState,
    /// `None` for an anonymous socket.
    user: Option<&'a Actor>,
    websocket_id: &'a str,
    pages: HashMap<PageKey, Page>,
    /// Tells this socket's cell edits from another's of the same user, for the others.
    editor: String,
    /// The cell this socket is editing, per table.
    editing: HashMap<i64, presence::Editing>,
    /// Set when the session can no longer keep its promise (the database failed); the
    /// socket is then closed and the client reconnects and replays.
    pub broken: bool,
}

impl<'a> Session<'a> {
    pub fn new(state: &'a AppState, user: Option<&'a Actor>, websocket_id: &'a str) -> Self {
        Self {
            state,
            user,
            websocket_id,
            pages: HashMap::new(),
            editor: uuid::Uuid::new_v4().simple().to_string()[..12].to_owned(),
            editing: HashMap::new(),
            broken: false,
        }
    }

    /// Handles `{"page": …}`, `{"remove_page": …}` and `{"cell_editing": …}`; returns
    /// messages to send.
    pub async fn handle_client_message(&mut self, text: &str) -> Vec<String> {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return Vec::new();
        };
        if let Some(page_type) = message
            .get("page")
            .and_then(Value::as_str)
            .and_then(page_type::by_name)
        {
            return self.open(page_type, &message).await;
        }
        if let Some(page_type) = message
            .get("remove_page")
            .and_then(Value::as_str)
            .and_then(page_type::by_name)
        {
            return vec![self.remove(page_type, &message)];
        }
        if let Some(cell) = message.get("cell_editing") {
            self.cell_editing(cell).await;
            return Vec::new();
        }
        // Unknown pages get no answer, as in Baserow.
        Vec::new()
    }

    async fn open(&mut self, page_type: &'static dyn PageType, message: &Value) -> Vec<String> {
        let subscription = match page_type.open(&self.state.ctx, self.user, message).await {
            Ok(Some(s)) => s,
            // Not allowed or not there: no answer, as in Baserow.
            Ok(None) => return Vec::new(),
            Err(e) => {
                tracing::warn!(error = %e, "subscription check failed; closing the socket");
                self.broken = true;
                return Vec::new();
            }
        };
        let key = subscription.key;
        // Each page costs a projection per event: a socket follows a bounded number.
        if self.pages.len() >= MAX_PAGES && !self.pages.contains_key(&key) {
            let refused = json!({
                "type": "page_add_failed",
                "page": page_type.name(),
                "error": "ERROR_MAX_PAGES_PER_SOCKET",
                "detail": format!("A socket follows at most {MAX_PAGES} pages; remove one first."),
            });
            return vec![refused.to_string()];
        }
        // Subscribe before reading the log: anything committed later arrives live, anything
        // earlier is in the replay, and duplicates are dropped by sequence number.
        self.state.hub.subscribe(self.websocket_id, key);
        let Some(current) = self.latest_seq(key.table_id()).await else {
            return Vec::new();
        };
        let mut add = json!({ "type": "page_add", "page": page_type.name(), "parameters": subscription.parameters });
        // Shared views do not replay (their clients reload instead), so they get no `seq`.
        let replays = !matches!(key, PageKey::View { .. });
        if replays {
            add["seq"] = json!(current);
        }
        // A table page learns the key its own cell edits go by, to tell them from others'.
        if matches!(key, PageKey::Table(_)) && self.user.is_some() {
            add["editor"] = json!(self.editor);
        }
        let after = message
            .get("after_seq")
            .and_then(Value::as_i64)
            .filter(|_| replays);
        self.pages.insert(
            key,
            Page {
                page_type,
                subscription,
                last_seq: after.map_or(current, |a| a.min(current)),
            },
        );
        let mut out = vec![add.to_string()];
        if after.is_some() {
            out.extend(self.replay(key).await);
        }
        if let (PageKey::Table(table_id), Some(actor)) = (key, self.user)
            && let Err(e) =
                presence::join(&self.state.ctx, table_id, self.websocket_id, &actor.user).await
        {
            // Presence is a courtesy: the subscription works without it.
            tracing::warn!(error = %e, table_id, "could not record a table viewer");
        }
        out
    }

    /// `{"table_id": t, "row_id": r, "field_id": f}`: this socket now edits that cell of a
    /// table page it has open; `row_id: null` ends the edit. Anything else is ignored, as
    /// unknown messages are: the marks are a courtesy to the other viewers.
    async fn cell_editing(&mut self, cell: &Value) {
        let Some(actor) = self.user else {
            return;
        };
        let Some(table_id) = cell.get("table_id").and_then(Value::as_i64) else {
            return;
        };
        if !self.pages.contains_key(&PageKey::Table(table_id)) {
            return;
        }
        let id = |key: &str| cell.get(key).and_then(Value::as_i64).filter(|v| *v > 0);
        let editing = match (id("row_id"), id("field_id")) {
            (Some(row_id), Some(field_id)) => Some(presence::Editing {
                editor: self.editor.clone(),
                row_id,
                field_id,
            }),
            _ if cell.get("row_id").is_some_and(Value::is_null) => None,
            _ => return,
        };
        if self.editing.get(&table_id) == editing.as_ref() {
            return;
        }
        match &editing {
            Some(e) => self.editing.insert(table_id, e.clone()),
            None => self.editing.remove(&table_id),
        };
        if let Err(e) = presence::editing_changed(
            &self.state.ctx,
            table_id,
            self.websocket_id,
            &actor.user,
            &self.editor,
            editing.as_ref(),
        )
        .await
        {
            tracing::warn!(error = %e, table_id, "could not announce a cell being edited");
        }
    }

    /// Keeps this socket listed as a viewer of its table pages.
    pub async fn refresh_presence(&self) {
        let Some(actor) = self.user else {
            return;
        };
        for key in self.pages.keys() {
            if let PageKey::Table(table_id) = *key
                && let Err(e) = presence::refresh(
                    &self.state.ctx,
                    table_id,
                    self.websocket_id,
                    &actor.user,
                    self.editing.get(&table_id),
                )
                .await
            {
                tracing::warn!(error = %e, table_id, "could not refresh a table viewer");
            }
        }
    }

    /// The socket closed: it no longer views its table pages.
    pub fn leave_all(&mut self) {
        let keys: Vec<PageKey> = self.pages.keys().copied().collect();
        for key in keys {
            self.left(&key);
        }
    }

    /// Tells a table page's other viewers that this socket left (in the background: the
    /// socket may be closing).
    fn left(&mut self, key: &PageKey) {
        if let (PageKey::Table(table_id), Some(_)) = (*key, self.user) {
            // Leaving drops the entry, and with it the cell being edited.
            self.editing.remove(&table_id);
            let ctx = self.state.ctx.clone();
            let websocket_id = self.websocket_id.to_owned();
            tokio::spawn(async move {
                if let Err(e) = presence::leave(&ctx, table_id, &websocket_id).await {
                    tracing::warn!(error = %e, table_id, "could not remove a table viewer");
                }
            });
        }
    }

    /// Ends the subscription the message names. Baserow answers even when there was none.
    fn remove(&mut self, page_type: &'static dyn PageType, message: &Value) -> String {
        let identity = page_type.identity();
        let found = self.pages.iter().find_map(|(key, page)| {
            (page.page_type.name() == page_type.name()
                && identity
                    .iter()
                    .all(|k| page.subscription.parameters.get(k) == message.get(k)))
            .then_some(*key)
        });
        match found {
            Some(key) => self.discard(&key),
            None => {
                let parameters: Map<String, Value> = identity
                    .iter()
                    .filter_map(|k| Some(((*k).to_owned(), message.get(*k)?.clone())))
                    .collect();
                json!({ "type": "page_discard", "page": page_type.name(), "parameters": parameters })
                    .to_string()
            }
        }
    }

    /// Ends a subscription; returns the `page_discard` message.
    fn discard(&mut self, key: &PageKey) -> String {
        self.state.hub.unsubscribe(self.websocket_id, key);
        if self.pages.contains_key(key) {
            self.left(key);
        }
        match self.pages.remove(key) {
            Some(page) => json!({
                "type": "page_discard",
                "page": page.page_type.name(),
                "parameters": page.subscription.parameters,
            })
            .to_string(),
            None => String::new(),
        }
    }

    async fn latest_seq(&mut self, table_id: i64) -> Option<i64> {
        let latest: sqlx::Result<Option<i64>> =
            sqlx::query_scalar("SELECT event_seq FROM database_tables WHERE id = $1")
                .bind(table_id)
                .fetch_optional(&self.state.ctx.db)
                .await;
        match latest {
            Ok(seq) => Some(seq.unwrap_or(0)),
            Err(e) => {
                tracing::warn!(error = %e, table_id, "could not read the event sequence; closing the socket");
                self.broken = true;
                None
            }
        }
    }

    /// A page's share of a live table event: duplicates are dropped, and a gap is filled
    /// from the log first.
    pub async fn live(&mut self, key: PageKey, seq: i64, projected: Arc<Projected>) -> Vec<String> {
        let Some(page) = self.pages.get_mut(&key) else {
            return Vec::new();
        };
        if seq <= page.last_seq {
            return Vec::new();
        }
        if seq > page.last_seq + 1 {
            return self.replay(key).await;
        }
        page.last_seq = seq;
        self.apply(key, &projected).await
    }

    /// Sends a projected event and carries out what it asks of the subscription.
    async fn apply(&mut self, key: PageKey, projected: &Projected) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        match projected.then {
            After::Keep => out.extend(projected.messages.iter().cloned()),
            After::Discard => {
                out.extend(projected.messages.iter().cloned());
                out.push(self.discard(&key));
            }
            After::Recheck => {
                if self.allowed(&key).await {
                    out.extend(projected.messages.iter().cloned());
                } else {
                    out.push(self.discard(&key));
                }
            }
        }
        out
    }

    async fn allowed(&mut self, key: &PageKey) -> bool {
        let Some(page) = self.pages.get(key) else {
            return false;
        };
        match page
            .page_type
            .still_allowed(&self.state.ctx, self.user, &page.subscription)
            .await
        {
            Ok(allowed) => allowed,
            Err(e) => {
                tracing::warn!(error = %e, "access re-check failed; closing the socket");
                self.broken = true;
                true
            }
        }
    }

    /// Sends what the log holds after the page's last sequence number, cut for the page.
    async fn replay(&mut self, key: PageKey) -> Vec<String> {
        let Some(after) = self.pages.get(&key).map(|p| p.last_seq) else {
            return Vec::new();
        };
        let table_id = key.table_id();
        if matches!(key, PageKey::View { .. }) {
            return self.refresh_view(key, after).await;
        }
        let Ok(mut conn) = self.state.ctx.db.acquire().await else {
            self.broken = true;
            return Vec::new();
        };
        let missed = replay::missed(&mut conn, table_id, after, self.websocket_id).await;
        drop(conn);
        let sends = match &missed {
            Ok(Replay::Events(events)) => events.iter().any(|(_, m)| m.is_some()),
            Ok(Replay::ResyncRequired) => true,
            Err(_) => false,
        };
        // Access may have ended since the page was opened or last checked, with no word of
        // it yet: checked after reading the log, so nothing read reaches a user who can no
        // longer see the table.
        if sends && !self.allowed(&key).await {
            return vec![self.discard(&key)];
        }
        if self.broken {
            return Vec::new();
        }
        match missed {
            Ok(Replay::Events(events)) => {
                let mut out = Vec::new();
                for (seq, message) in events {
                    let Some(page) = self.pages.get_mut(&key) else {
                        break;
                    };
                    page.last_seq = seq;
                    let Some(message) = message else {
                        continue;
                    };
                    let event = TableEvent::from_message(&message);
                    let projected = match key {
                        PageKey::Row { row_id, .. } => {
                            row::project(&message, event.as_ref(), row_id)
                        }
                        _ => table::project(&message.to_string(), event.as_ref()),
                    };
                    out.extend(self.apply(key, &projected).await);
                }
                out
            }
            Ok(Replay::ResyncRequired) => {
                let Some(latest) = self.latest_seq(table_id).await else {
                    return Vec::new();
                };
                if let Some(page) = self.pages.get_mut(&key) {
                    page.last_seq = latest;
                }
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

    /// A shared view that missed events reloads its rows: filtering each missed event
    /// for one socket would cost a query per event.
    async fn refresh_view(&mut self, key: PageKey, after: i64) -> Vec<String> {
        let Some(latest) = self.latest_seq(key.table_id()).await else {
            return Vec::new();
        };
        let Some(page) = self.pages.get_mut(&key) else {
            return Vec::new();
        };
        if latest <= after {
            return Vec::new();
        }
        page.last_seq = latest;
        let slug = page.subscription.parameters["slug"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        // The view may have stopped being shared meanwhile.
        if !self.allowed(&key).await {
            return vec![self.discard(&key)];
        }
        vec![public_view::rows_refresh(&slug)]
    }

    /// Counts this socket's own edit as seen on each of its pages of the table (after
    /// filling any gap before it).
    pub async fn seen(&mut self, table_id: i64, seq: i64) -> Vec<String> {
        let keys: Vec<PageKey> = self
            .pages
            .keys()
            .filter(|k| k.table_id() == table_id)
            .copied()
            .collect();
        let mut out = Vec::new();
        for key in keys {
            let Some(page) = self.pages.get_mut(&key) else {
                continue;
            };
            if seq == page.last_seq + 1 {
                page.last_seq = seq;
            } else if seq > page.last_seq + 1 {
                out.extend(self.replay(key).await);
            }
        }
        out
    }

    /// Drops every subscription the user may no longer see (removed from a workspace, …).
    pub async fn recheck(&mut self) -> Vec<String> {
        let keys: Vec<PageKey> = self.pages.keys().copied().collect();
        let mut out = Vec::new();
        for key in keys {
            if !self.allowed(&key).await {
                out.push(self.discard(&key));
            }
        }
        out
    }

    /// Replays every page (after the Redis subscription was interrupted).
    pub async fn catch_up(&mut self) -> Vec<String> {
        let keys: Vec<PageKey> = self.pages.keys().copied().collect();
        let mut out = Vec::new();
        for key in keys {
            out.extend(self.replay(key).await);
        }
        out
    }
}
