//! `tessera-worker`: runs the `high` queue (emails; realtime fan-out) until SIGTERM.

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
    tracing::info!("tessera-worker consuming queue `high`");
    let options = RunnerOptions::for_queue(Queue::High, &ctx.settings);
    jobs::run(ctx, Queue::High, options, tessera::shutdown_signal()).await
}
