//! The unit of work every change runs in, platform and database alike: a transaction
//! that carries table events. A change emits what it did as it goes
//! (`tx.emit(table_id, event)`); committing writes the events to the log and queues, in
//! the same transaction, their realtime fan-out and the webhook deliveries they trigger.
//! Nothing is announced from a transaction that rolls back, and nothing committed loses
//! its event. The history of the rows it changed is written in the same commit, and so is
//! the flag that queues the refresh of the changed tables' full-text search column.
//!
//! It lives beside the pool rather than in `database/` so that platform services
//! (workspaces, applications, trash, undo) can share a transaction with the database
//! application's changes without naming the database; only `commit` knows what the
//! database does with the events.

use crate::database::{
    actions::derive_action,
    events::{self, TableEvent},
    row_history, search, webhooks,
};
use crate::platform::{
    actions::{self, ActionSession},
    auth::Actor,
    jobs::{self, HighJob, LowJob},
};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::{
    collections::BTreeMap,
    ops::{Deref, DerefMut},
};

/// Who caused an event; the realtime layer skips the originating socket.
#[derive(Debug, Clone, Default)]
pub struct EventOrigin {
    pub user_id: Option<i64>,
    pub websocket_id: Option<String>,
    /// Whether webhooks should be called for this event.
    pub send_webhooks: bool,
    /// The tab's undo stack: a change made with one is recorded as an undoable action
    /// when its transaction commits.
    pub session: Option<ActionSession>,
}

impl EventOrigin {
    /// A change `actor` asked for: their socket is skipped, webhooks are called, and it
    /// goes on their undo stack when they have one.
    pub fn of(actor: &Actor) -> Self {
        Self {
            user_id: Some(actor.id()),
            websocket_id: actor.websocket_id.clone(),
            send_webhooks: true,
            session: actor.session.clone(),
        }
    }

    /// A change nobody is recorded as making, because it follows from another (a member
    /// leaving a workspace leaves its collaborator cells): no history, no webhook, no undo.
    pub fn unattributed() -> Self {
        Self::default()
    }
}

/// Whether a change was made, undone or redone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Do,
    Undo,
    Redo,
}

impl Command {
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Do => "DO",
            Command::Undo => "UNDO",
            Command::Redo => "REDO",
        }
    }
}

pub struct Tx {
    inner: Transaction<'static, Postgres>,
    origin: EventOrigin,
    /// Events per table, in the order they were emitted.
    pending: BTreeMap<i64, Vec<TableEvent>>,
    /// The table of each event, in emission order across tables.
    emitted: Vec<i64>,
    /// What row history needs to know of each event, in the same order.
    tags: Vec<row_history::Tag>,
    /// The undo or redo being replayed, which the events emitted from now on belong to.
    replay: Option<row_history::Replay>,
    /// The undoable action of a change that no table event describes (reordering
    /// tables, workspace and application changes); recorded instead of one derived.
    done: Option<actions::Params>,
}

impl Tx {
    /// Begins a transaction whose events are `origin`'s doing.
    pub async fn begin(db: &PgPool, origin: EventOrigin) -> sqlx::Result<Self> {
        Ok(Self {
            inner: db.begin().await?,
            origin,
            pending: BTreeMap::new(),
            emitted: Vec::new(),
            tags: Vec::new(),
            replay: None,
            done: None,
        })
    }

    /// Whose doing the transaction's changes are.
    pub fn origin(&self) -> &EventOrigin {
        &self.origin
    }

    /// Records that this transaction changed `table_id` as `event` says.
    pub fn emit(&mut self, table_id: i64, event: TableEvent) {
        self.push(table_id, event, None);
    }

    /// [`emit`](Self::emit) for the creation, trashing or restore of rows, which their
    /// history names `action`.
    pub fn emit_rows(&mut self, table_id: i64, event: TableEvent, action: row_history::RowAction) {
        self.push(table_id, event, Some(action));
    }

    fn push(&mut self, table_id: i64, event: TableEvent, rows: Option<row_history::RowAction>) {
        self.pending.entry(table_id).or_default().push(event);
        self.emitted.push(table_id);
        self.tags.push(row_history::Tag {
            rows,
            replay: self.replay.clone(),
        });
    }

    /// Says that the changes from now on undo (or redo) an action of `action_type`, which
    /// their row history names.
    pub fn replaying(&mut self, command: Command, action_type: &str) {
        self.replay = Some(row_history::Replay {
            command,
            action_type: action_type.to_owned(),
        });
    }

    /// Says what a change that no table event describes did, for its undo.
    pub fn did(&mut self, action: actions::Params) {
        self.done = Some(action);
    }

    /// Records the undoable action the events amount to (for an origin with an undo
    /// stack), logs the events, queues their fan-out and webhooks, and commits. Tables are taken
    /// in id order, so two transactions that change the same tables cannot deadlock on
    /// their sequence numbers.
    pub async fn commit(mut self) -> sqlx::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        let done = self.done.take();
        // Deriving the action costs a pass over the events; only an undo stack needs it.
        if self.origin.session.is_some() {
            let params = done.or_else(|| derive_action(&self.emitted, &pending));
            actions::record(&mut self.inner, &self.origin, params).await?;
        }
        for (table_id, events) in &pending {
            let refs: Vec<&TableEvent> = events.iter().collect();
            events::append(&mut self.inner, *table_id, &refs, &self.origin).await?;
            jobs::enqueue(
                &mut self.inner,
                &HighJob::FanOutTable {
                    table_id: *table_id,
                },
            )
            .await
            .map_err(queue_error)?;
            if events.iter().any(search::refresh::affects_search) {
                search::refresh::mark(&mut self.inner, *table_id)
                    .await
                    .map_err(queue_error)?;
            }
            let for_webhooks = self.origin.send_webhooks
                && events
                    .iter()
                    .any(|e| webhooks::event_types::for_event(e).is_some());
            if for_webhooks {
                for webhook_id in webhooks::repo::active_ids(&mut *self.inner, *table_id).await? {
                    jobs::enqueue_low(&mut self.inner, &LowJob::DeliverWebhook { webhook_id })
                        .await
                        .map_err(queue_error)?;
                }
            }
        }
        row_history::record(
            &mut self.inner,
            &self.origin,
            &self.emitted,
            &self.tags,
            &pending,
        )
        .await?;
        self.inner.commit().await
    }

    /// Drops the changes and their events.
    pub async fn rollback(self) -> sqlx::Result<()> {
        self.inner.rollback().await
    }
}

/// The queues live in the same database, so their failures are reported as database errors.
fn queue_error(e: anyhow::Error) -> sqlx::Error {
    sqlx::Error::Protocol(e.to_string())
}

impl Deref for Tx {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.inner
    }
}
