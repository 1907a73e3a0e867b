//! Enqueues periodic housekeeping jobs. Several export workers may run: a PostgreSQL
//! advisory lock lets only one of them schedule each round.

use std::time::Duration;
use tessera::{
    context::AppContext,
    platform::jobs::{LowJob, enqueue_low},
};

const EVERY: Duration = Duration::from_secs(3600);

pub async fn run(ctx: AppContext) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = schedule_once(&ctx).await {
            tracing::warn!(error = %e, "could not schedule periodic jobs; retrying next round");
        }
    }
}

async fn schedule_once(ctx: &AppContext) -> anyhow::Result<()> {
    let mut tx = ctx.db.begin().await?;
    // Transaction-scoped: released at commit, so a crashed scheduler never holds it.
    let won: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtext('tessera.schedule'))")
            .fetch_one(&mut *tx)
            .await?;
    if won {
        enqueue_low(&mut tx, &LowJob::FlushExpiredTokens).await?;
        enqueue_low(&mut tx, &LowJob::PruneEvents).await?;
        enqueue_low(&mut tx, &LowJob::PruneWebhookCalls).await?;
    }
    tx.commit().await?;
    Ok(())
}
