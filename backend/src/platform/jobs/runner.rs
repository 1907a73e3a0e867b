//! Runs one queue's jobs until shutdown: the body of both worker binaries.

use super::{HighJob, LowJob, Queue};
use crate::{config::Settings, context::AppContext};
use apalis::prelude::*;
use apalis_postgres::{Config, PostgresStorage, Pubsub};
use serde_json::Value;
use std::{future::Future, time::Duration};

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
pub async fn run(
    ctx: AppContext,
    queue: Queue,
    options: RunnerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let config = Config::default()
        .queue(queue.name())
        .heartbeat_interval(options.heartbeat)
        .missed_heartbeats(options.missed_heartbeats);
    // Unique per process: apalis tracks liveness per worker name.
    let name = format!(
        "{}-{}-{}",
        queue.name(),
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let monitor = match queue {
        Queue::High => {
            let storage = PostgresStorage::<Value>::new(&ctx.db).with_config(config);
            Monitor::new().register(move |_| {
                WorkerBuilder::new(name.clone())
                    .backend(wake_and_poll(storage.clone(), &ctx, queue))
                    .concurrency(options.concurrency)
                    .retry(RetryPolicy::retries(5))
                    .catch_panic()
                    .timeout(options.job_timeout)
                    .enable_tracing()
                    .data(ctx.clone())
                    .build(run_high)
            })
        }
        Queue::Low => {
            let storage = PostgresStorage::<Value>::new(&ctx.db).with_config(config);
            Monitor::new().register(move |_| {
                WorkerBuilder::new(name.clone())
                    .backend(wake_and_poll(storage.clone(), &ctx, queue))
                    .concurrency(options.concurrency)
                    .retry(RetryPolicy::retries(5))
                    .catch_panic()
                    .timeout(options.job_timeout)
                    .enable_tracing()
                    .data(ctx.clone())
                    .build(run_low)
            })
        }
    };
    monitor
        .shutdown_timeout(Duration::from_secs(30))
        .run_with_signal(async move {
            shutdown.await;
            Ok(())
        })
        .await?;
    Ok(())
}

/// How often a worker looks for jobs nobody announced: scheduled retries (their `NOTIFY`
/// fires at insert, before they are due) and any notice lost while the listener reconnected.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// Jobs start on `NOTIFY` at once, and on a one-second poll otherwise.
fn wake_and_poll<B>(storage: B, ctx: &AppContext, queue: Queue) -> PollWith<B, Strategy> {
    let notices = Pubsub::new(ctx.db.clone(), queue.name().to_owned());
    PollWith::new(
        storage,
        Strategy::new().stream(notices).interval(POLL_EVERY),
    )
}

// Jobs come off the queue as plain JSON and are decoded here rather than by the queue: a
// job this build does not know (queued by a newer release during an upgrade, or damaged)
// then fails on its own, where a decoding error inside the queue would stop the worker.

async fn run_high(job: Value, ctx: Data<AppContext>) -> Result<(), BoxDynError> {
    let job: HighJob = decode(job)?;
    job.run(&ctx).await.map_err(Into::into)
}

async fn run_low(job: Value, ctx: Data<AppContext>) -> Result<(), BoxDynError> {
    let job: LowJob = decode(job)?;
    job.run(&ctx).await.map_err(Into::into)
}

fn decode<J: serde::de::DeserializeOwned>(job: Value) -> Result<J, BoxDynError> {
    serde_json::from_value(job.clone()).map_err(|e| {
        tracing::error!(error = %e, %job, "a job this worker cannot read; it fails");
        format!("unreadable job: {e}").into()
    })
}
