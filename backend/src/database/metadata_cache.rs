//! An in-process cache of what every row request reads before its rows: the table, its
//! scope (database, workspace), its fields with their options, and who is a member of
//! the workspace.
//!
//! Validity comes from PostgreSQL, not from messages: triggers on every table that feeds
//! this metadata move the `metadata_generation` sequence (migration
//! `20261209120000_metadata_generation.sql`). A request reads the sequence in one short
//! statement, together with the table's live `row_count`; when it equals the generation
//! the cache was filled at, the cached metadata is what the database holds. A change made
//! through any backend, a worker or by hand is therefore seen by the next request on every
//! backend, and nothing depends on Redis delivering an invalidation.
//!
//! The sequence moves before the changing transaction commits, so a backend that reloaded
//! at that moment would read the old metadata and stamp it with the new number. Writers
//! therefore hold a shared advisory lock until they commit, and a reload is only kept when
//! that lock was free as the generation was read (every change numbered up to it was then
//! visible) and the loading connection had written nothing itself.

use crate::database::{access::TableScope, fields::Field, tables::Table};
use sqlx::PgConnection;
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

/// The advisory lock key the triggers take in shared mode.
const WRITERS_LOCK: i64 = 7_362_516_001;

/// Reading the generation: 0 until the sequence's first `nextval`.
const GENERATION: &str =
    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM metadata_generation";

/// What a row request needs to know about its table.
#[derive(Debug, Clone)]
pub struct TableMeta {
    pub table: Table,
    pub scope: TableScope,
    pub fields: Vec<Field>,
}

#[derive(Default)]
struct State {
    generation: i64,
    tables: HashMap<i64, Arc<TableMeta>>,
    /// `(workspace_id, user_id)` pairs known to be members.
    members: HashSet<(i64, i64)>,
}

/// One per process; see the module documentation.
#[derive(Default)]
pub struct MetadataCache {
    state: Mutex<State>,
}

/// The result of the per-request check.
pub struct Current {
    generation: i64,
    /// The table's live `row_count`; `None` when the table row is gone.
    row_count: Option<i64>,
}

/// A generation at which metadata may be stored, read while no writer was in flight.
pub struct Stamp(i64);

impl MetadataCache {
    /// Reads the generation and the table's live row count (one statement).
    pub async fn current(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<Current> {
        let (generation, row_count): (i64, Option<i64>) = sqlx::query_as(sqlx::AssertSqlSafe(
            format!("SELECT ({GENERATION}), (SELECT row_count FROM database_tables WHERE id = $1)"),
        ))
        .bind(table_id)
        .fetch_one(conn)
        .await?;
        Ok(Current {
            generation,
            row_count,
        })
    }

    /// The cached metadata of `table_id` for `user_id`, when it is still current: the
    /// table at `now`'s generation and the user a member of its workspace.
    pub fn get(&self, now: &Current, table_id: i64, user_id: i64) -> Option<TableMeta> {
        let row_count = now.row_count?;
        let state = self.state.lock().ok()?;
        if state.generation != now.generation {
            return None;
        }
        let meta = state.tables.get(&table_id)?;
        if !state.members.contains(&(meta.scope.workspace_id, user_id)) {
            return None;
        }
        let mut meta = TableMeta::clone(meta);
        meta.table.row_count = row_count;
        Some(meta)
    }

    /// Before a reload: the generation to store it under, or `None` when what is about to
    /// be loaded may not be kept (a writer is in flight, or this connection's transaction
    /// has written and would read its own uncommitted changes).
    pub async fn stamp(conn: &mut PgConnection) -> sqlx::Result<Option<Stamp>> {
        // The session-level lock is tried and released in the same statement, so it never
        // outlives it, even inside a transaction, and never waits.
        let (generation, quiet, clean): (i64, bool, bool) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT ({GENERATION}), \
                 CASE WHEN pg_try_advisory_lock({WRITERS_LOCK}) \
                      THEN pg_advisory_unlock({WRITERS_LOCK}) ELSE false END, \
                 txid_current_if_assigned() IS NULL"
            )))
            .fetch_one(conn)
            .await?;
        Ok((quiet && clean).then_some(Stamp(generation)))
    }

    /// Keeps metadata loaded after `stamp`, for `user_id` whose membership was checked.
    pub fn store(&self, stamp: Stamp, meta: &TableMeta, user_id: i64) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if stamp.0 < state.generation {
            return;
        }
        if stamp.0 > state.generation {
            // Everything older may be stale.
            *state = State {
                generation: stamp.0,
                ..State::default()
            };
        }
        state.members.insert((meta.scope.workspace_id, user_id));
        state.tables.insert(meta.table.id, Arc::new(meta.clone()));
    }
}
