//! Queue names and transactional enqueueing.

use super::{HighJob, LowJob};
use apalis::prelude::TaskBuilder;
use serde::Serialize;
use sqlx::PgConnection;
use std::time::Duration;

/// The two queues. Names are explicit: apalis would otherwise use the Rust type path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Short, latency-sensitive work (emails, realtime fan-out): `tessera-worker`.
    High,
    /// Slow or bulky work (exports, imports, webhooks, housekeeping): `tessera-export-worker`.
    Low,
}

impl Queue {
    pub const ALL: [Queue; 2] = [Queue::High, Queue::Low];

    pub fn name(self) -> &'static str {
        match self {
            Queue::High => "high",
            Queue::Low => "low",
        }
    }
}

/// Adds a job to the `high` queue as part of the caller's transaction: it runs only if
/// the transaction commits.
pub async fn enqueue(conn: &mut PgConnection, job: &HighJob) -> anyhow::Result<()> {
    push(conn, Queue::High, job).await
}

/// Adds a job to the `low` queue as part of the caller's transaction.
pub async fn enqueue_low(conn: &mut PgConnection, job: &LowJob) -> anyhow::Result<()> {
    push(conn, Queue::Low, job).await
}

/// Adds a job to the `low` queue that runs no earlier than `delay` from now (to the second).
pub async fn enqueue_low_after(
    conn: &mut PgConnection,
    job: &LowJob,
    delay: Duration,
) -> anyhow::Result<()> {
    let task = TaskBuilder::new(serde_json::to_vec(job)?)
        .run_after(delay)
        .build();
    apalis_postgres::queries::push_tasks(conn, Queue::Low.name(), vec![task]).await?;
    Ok(())
}

async fn push(conn: &mut PgConnection, queue: Queue, job: &impl Serialize) -> anyhow::Result<()> {
    let task = TaskBuilder::new(serde_json::to_vec(job)?).build();
    apalis_postgres::queries::push_tasks(conn, queue.name(), vec![task]).await?;
    Ok(())
}
