//! Which queues have a live consumer. Every consumer registers in `apalis.workers` under
//! its queue's name and refreshes `last_seen` each heartbeat; one silent for three
//! heartbeats (the point at which its jobs go to another worker) no longer counts.

use super::Queue;
use sqlx::PgPool;
use std::time::Duration;

/// Live consumers of each queue, in the order of [`Queue::ALL`].
pub async fn live(db: &PgPool, heartbeat: Duration) -> sqlx::Result<Vec<(Queue, i64)>> {
    let names: Vec<&str> = Queue::ALL.iter().map(|q| q.name()).collect();
    let counts: Vec<i64> = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM apalis.workers w \
                  WHERE w.worker_type = q.name \
                    AND w.last_seen > now() - make_interval(secs => $2)) \
           FROM unnest($1::text[]) WITH ORDINALITY AS q(name, n) ORDER BY q.n",
    )
    .bind(&names)
    .bind((heartbeat * 3).as_secs_f64())
    .fetch_all(db)
    .await?;
    Ok(Queue::ALL.into_iter().zip(counts).collect())
}

/// Jobs waiting or running on each queue, in the order of [`Queue::ALL`].
pub async fn waiting(db: &PgPool) -> sqlx::Result<Vec<(Queue, i64)>> {
    let names: Vec<&str> = Queue::ALL.iter().map(|q| q.name()).collect();
    let counts: Vec<i64> = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM apalis.jobs j WHERE j.job_type = q.name AND j.done_at IS NULL) \
           FROM unnest($1::text[]) WITH ORDINALITY AS q(name, n) ORDER BY q.n",
    )
    .bind(&names)
    .fetch_all(db)
    .await?;
    Ok(Queue::ALL.into_iter().zip(counts).collect())
}
