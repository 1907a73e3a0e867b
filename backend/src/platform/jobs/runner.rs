//! Runs one queue's jobs until shutdown: the body of both worker binaries.

use super::notices::Notices;
use super::{HighJob, LowJob, Queue};
use crate::{config::Settings, context::AppContext};
use apalis::prelude::*;
use apalis_postgres::{Config, PostgresStorage};
use futures::{
    FutureExt,
    future::{BoxFuture, Shared},
};
use serde_json::Value;
use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

/// Tuning for one worker process.
#[derive(Debug, Clone)]
pub struct RunnerOptions {
    pub concurrency: usize,
    /// How often the worker proves it is alive; a job held by a worker silent for
    /// `heartbeat * missed_heartbeats` is handed to another worker.
    pub heartbeat: Duration,
    pub missed_heartbeats: usize,
    pub job_timeout: Duration,
}

impl RunnerOptions {
    /// Many short jobs on `high`; on `low`, enough slots that webhook calls waiting on slow
    /// receivers leave room for the rest.
    pub fn for_queue(queue: Queue, settings: &Settings) -> Self {
        let heartbeat = settings.job_heartbeat;
        match queue {
            Queue::High => Self {
                concurrency: 16,
                heartbeat,
                missed_heartbeats: 3,
                job_timeout: Duration::from_secs(60),
            },
            Queue::Low => Self {
                concurrency: 8,
                heartbeat,
                missed_heartbeats: 3,
                job_timeout: Duration::from_secs(3600),
            },
        }
    }
}

/// Consumes `queue` until `shutdown` resolves, then lets running jobs finish.
///
/// A consumer ends by itself when it loses PostgreSQL (a restart, an outage, its
/// connections terminated), and is ended here when it stops heartbeating without ending
/// (stuck on something that never answers). It is then started again, with a fresh name,
/// as soon as the database answers; if it does not answer within
/// `worker_reconnect_timeout`, this returns an error so the process exits non-zero and its
/// supervisor restarts it.
pub async fn run(
    ctx: AppContext,
    queue: Queue,
    options: RunnerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let shutdown = shutdown.boxed().shared();
    loop {
        let outcome = consume(&ctx, queue, &options, shutdown.clone()).await;
        if shutdown.peek().is_some() {
            return outcome;
        }
        match &outcome {
            Ok(()) => tracing::warn!(queue = queue.name(), "queue consumer stopped"),
            Err(e) => tracing::warn!(queue = queue.name(), error = %e, "queue consumer failed"),
        }
        tokio::select! {
            reached = wait_for_database(&ctx, queue) => reached?,
            () = shutdown.clone() => return Ok(()),
        }
        tracing::info!(
            queue = queue.name(),
            "database reachable again; consuming the queue"
        );
    }
}

/// Waits, with back-off, until PostgreSQL answers again; an error once the reconnect
/// timeout has passed without an answer.
async fn wait_for_database(ctx: &AppContext, queue: Queue) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(250);
    loop {
        let ping = tokio::time::timeout(
            Duration::from_secs(5),
            sqlx::query("SELECT 1").execute(&ctx.db),
        )
        .await;
        if matches!(ping, Ok(Ok(_))) {
            return Ok(());
        }
        let timeout = ctx.settings.worker_reconnect_timeout;
        if started.elapsed() >= timeout {
            anyhow::bail!(
                "queue `{}`: PostgreSQL did not answer for {} s; exiting so the supervisor restarts this worker",
                queue.name(),
                timeout.as_secs()
            );
        }
        tracing::warn!(
            queue = queue.name(),
            retry_in_ms = pause.as_millis() as u64,
            "PostgreSQL does not answer"
        );
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// One consumer of `queue`, until `shutdown` resolves or the consumer ends by itself.
async fn consume(
    ctx: &AppContext,
    queue: Queue,
    options: &RunnerOptions,
    shutdown: Shared<BoxFuture<'static, ()>>,
) -> anyhow::Result<()> {
    let config = Config::default()
        .queue(queue.name())
        .heartbeat_interval(options.heartbeat)
        .missed_heartbeats(options.missed_heartbeats);
    // Unique per process and per start: apalis tracks liveness per worker name, and a
    // restarted consumer must not wait for its predecessor's registration to lapse.
    let name = format!(
        "{}-{}-{}",
        queue.name(),
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let beats = Arc::new(AtomicU64::new(0));
    let watched = beats.clone();
    let on_event = move |_: &WorkerContext, event: &Event| {
        if matches!(event, Event::HeartBeat) {
            watched.fetch_add(1, Ordering::Relaxed);
        }
    };
    let options_for_watch = options.clone();
    let options = options.clone();
    let ctx = ctx.clone();
    let storage = PostgresStorage::<Value>::new(&ctx.db).with_config(config);
    // One builder for both queues: the queue itself is handed to the job function, which
    // decodes the job as that queue's kind.
    let monitor = Monitor::new().register(move |_| {
        WorkerBuilder::new(name.clone())
            .backend(wake_and_poll(storage.clone(), &ctx, queue))
            .concurrency(options.concurrency)
            .retry(RetryPolicy::retries(5))
            .catch_panic()
            .timeout(options.job_timeout)
            .enable_tracing()
            .data(ctx.clone())
            .data(queue)
            .on_event(on_event.clone())
            .build(run_job)
    });
    let watch_shutdown = shutdown.clone();
    let run = monitor
        .shutdown_timeout(Duration::from_secs(30))
        .run_with_signal(async move {
            shutdown.await;
            Ok(())
        });
    tokio::select! {
        ran = run => ran.map_err(Into::into),
        stalled = stalled(&beats, &options_for_watch, watch_shutdown) => Err(stalled),
    }
}

/// The least time without a heartbeat after which a consumer counts as stuck: a loaded
/// database may delay a heartbeat or two, and a restart costs the jobs in flight a retry.
const LEAST_SILENCE: Duration = Duration::from_secs(10);

/// Resolves when the consumer has not heartbeaten for a heartbeat longer than apalis waits
/// before it gives the consumer's jobs to another worker (and at least [`LEAST_SILENCE`]),
/// unless shutting down, when a draining consumer is left to finish.
async fn stalled(
    beats: &AtomicU64,
    options: &RunnerOptions,
    shutdown: Shared<BoxFuture<'static, ()>>,
) -> anyhow::Error {
    let silence = (options.heartbeat * (options.missed_heartbeats as u32 + 1)).max(LEAST_SILENCE);
    let mut seen = beats.load(Ordering::Relaxed);
    loop {
        tokio::time::sleep(silence).await;
        if shutdown.peek().is_some() {
            return std::future::pending().await;
        }
        let now = beats.load(Ordering::Relaxed);
        if now == seen {
            return anyhow::anyhow!(
                "the consumer has not heartbeaten for {} s; starting it again",
                silence.as_secs()
            );
        }
        seen = now;
    }
}

/// How often a worker looks for jobs nobody announced: scheduled retries (their `NOTIFY`
/// fires at insert, before they are due) and any notice lost while the listener reconnected.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// Jobs start on `NOTIFY` at once, and on a one-second poll otherwise.
fn wake_and_poll<B>(storage: B, ctx: &AppContext, queue: Queue) -> PollWith<B, Strategy> {
    let notices = Notices::new(ctx.db.clone(), queue.name());
    PollWith::new(
        storage,
        Strategy::new().stream(notices).interval(POLL_EVERY),
    )
}

// Jobs come off the queue as plain JSON and are decoded here rather than by the queue: a
// job this build does not know (queued by a newer release during an upgrade, or damaged)
// then fails on its own, where a decoding error inside the queue would stop the worker.

async fn run_job(job: Value, ctx: Data<AppContext>, queue: Data<Queue>) -> Result<(), BoxDynError> {
    match *queue {
        Queue::High => decode::<HighJob>(job)?.run(&ctx).await,
        Queue::Low => decode::<LowJob>(job)?.run(&ctx).await,
    }
    .map_err(Into::into)
}

fn decode<J: serde::de::DeserializeOwned>(job: Value) -> Result<J, BoxDynError> {
    serde_json::from_value(job.clone()).map_err(|e| {
        tracing::error!(error = %e, %job, "a job this worker cannot read; it fails");
        format!("unreadable job: {e}").into()
    })
}
