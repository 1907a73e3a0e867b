//! `tessera-export-worker`: runs the `low` queue (exports, imports, webhooks, housekeeping)
//! and schedules the periodic jobs, until SIGTERM.

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
    let settings = Settings::from_env()?;
    let ctx = AppContext::connect(settings, 10).await?;
    tokio::spawn(schedule::run(ctx.clone()));
    tracing::info!("tessera-export-worker consuming queue `low`");
    let options = RunnerOptions::for_queue(Queue::Low, &ctx.settings);
    jobs::run(ctx, Queue::Low, options, tessera::shutdown_signal()).await
}
