//! `tessera-export-worker`: runs the `low` queue (exports, imports, webhooks, housekeeping),
//! schedules the periodic jobs and refreshes the formulas following the clock, until
//! SIGTERM.

mod clock;
mod schedule;

use tessera::{
    config::Settings,
    context::AppContext,
    platform::jobs::{self, Queue, RunnerOptions},
    telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let clock_every = clock::interval_from_env()?;
    let settings = Settings::from_env()?;
    let ctx = AppContext::connect(settings, 10).await?;
    tokio::spawn(schedule::run(ctx.clone()));
    match clock_every {
        Some(every) => {
            tokio::spawn(clock::run(ctx.clone(), every));
        }
        None => tracing::info!(
            "{} is 0: formulas following the clock are not refreshed",
            clock::ENV
        ),
    }
    tracing::info!("tessera-export-worker consuming queue `low`");
    let options = RunnerOptions::for_queue(Queue::Low, &ctx.settings);
    jobs::run(ctx, Queue::Low, options, tessera::shutdown_signal()).await
}
