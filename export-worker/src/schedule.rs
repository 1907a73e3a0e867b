//! Enqueues periodic housekeeping jobs: permanent deletion from the trash, expiry of
//! exports, of undoable actions and notification email summaries (on the `high` queue),
//! and the first fill of the full-text search column of tables from before it, every five
//! minutes, row history past its retention every half hour (as in Baserow),
//! the license check when a license is due for one (every
//! `TESSERA_LICENSE_CHECK_INTERVAL_MINUTES`), the rest (expired snapshots among them)
//! hourly. Several export workers may
//! run: a PostgreSQL advisory lock lets only one of them schedule each round.

use std::time::Duration;
use tessera::{
    context::AppContext,
    platform::{
        jobs::{HighJob, LowJob, enqueue, enqueue_low},
        licenses,
    },
};

/// One round: the trash and old exports are checked this often (as in Baserow), so an
/// exported file outlives its expiry by five minutes at most.
const EVERY: Duration = Duration::from_secs(5 * 60);
/// The other housekeeping runs hourly: every this many rounds.
const HOURLY: u32 = 12;
/// Row history cleanup: every this many rounds.
const HALF_HOURLY: u32 = 6;

pub async fn run(ctx: AppContext) {
    let mut tick = tokio::time::interval(EVERY);
    let mut round: u32 = 0;
    loop {
        tick.tick().await;
        let hourly = round.is_multiple_of(HOURLY);
        let half_hourly = round.is_multiple_of(HALF_HOURLY);
        round = round.wrapping_add(1);
        if let Err(e) = schedule_once(&ctx, hourly, half_hourly).await {
            tracing::warn!(error = %e, "could not schedule periodic jobs; retrying next round");
        }
    }
}

async fn schedule_once(ctx: &AppContext, hourly: bool, half_hourly: bool) -> anyhow::Result<()> {
    let mut tx = ctx.db.begin().await?;
    // Transaction-scoped: released at commit, so a crashed scheduler never holds it.
    let won: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtext('tessera.schedule'))")
            .fetch_one(&mut *tx)
            .await?;
    if won {
        enqueue_low(&mut tx, &LowJob::DeleteTrash).await?;
        enqueue_low(&mut tx, &LowJob::ExpireExports).await?;
        enqueue_low(&mut tx, &LowJob::PruneActions).await?;
        // Tables from before full-text search get their search column a few at a time.
        enqueue_low(&mut tx, &LowJob::FillSearch).await?;
        if half_hourly {
            enqueue_low(&mut tx, &LowJob::PruneRowHistory).await?;
        }
        // Daily and weekly notification summaries are due at the top of an hour; instant
        // ones left over (a failed run) go out within a round. The `high` worker sends them.
        enqueue(&mut tx, &HighJob::SendNotificationEmails).await?;
        if hourly {
            enqueue_low(&mut tx, &LowJob::FlushExpiredTokens).await?;
            enqueue_low(&mut tx, &LowJob::PruneEvents).await?;
            enqueue_low(&mut tx, &LowJob::PruneWebhookCalls).await?;
            enqueue_low(&mut tx, &LowJob::PruneImportUploads).await?;
            enqueue_low(&mut tx, &LowJob::DeleteExpiredUsers).await?;
            enqueue_low(&mut tx, &LowJob::DeleteExpiredSnapshots).await?;
        }
        // The licenses' own check times decide, so restarts and several export workers do
        // not multiply the calls. No license server or no license: no job, no call.
        if licenses::check::wanted(ctx, &mut *tx).await? {
            enqueue_low(&mut tx, &LowJob::CheckLicenses).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
